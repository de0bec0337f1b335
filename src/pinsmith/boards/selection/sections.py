"""Which section of the chosen board a pin goes in, when one clearly fits.

Lexically, a section fits when the pin mentions its name's words ("Overnight French Toast" and
"Pancakes, Waffles & French Toast"); the one whose name is most covered wins, and none when the
pin mentions no section. Semantically, each section was embedded as "board: section"; the
closest wins when the pin mentions its words or when it is clearly closer than the next section.
Otherwise the pin stays at the board's top level: a wrong section is worse than none.

On the development set, with the right board given, the semantic rule picks the expected section
for 83% of the pins that have one and leaves 6 of the 16 pins that have none at the top level
(always taking the closest section: 87% and 0 of 16).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from pinsmith.boards.selection.lexical import FUZZY_CUTOFF, PinTerms
from pinsmith.boards.selection.model import BoardCandidate, SectionCandidate
from pinsmith.boards.selection.text import detect_language, terms

#: Weight of the lexical share next to cosine similarity (cosines differ by hundredths).
LEXICAL_TIEBREAK = 0.02
#: How much closer than the next section the closest must be to "clearly fit" without words
#: in common (cosine similarity).
SEMANTIC_MARGIN = 0.005


def section_name_coverage(board: BoardCandidate, pin: PinTerms) -> NDArray[np.float64]:
    """For each section, the share of its name's terms the pin mentions (fuzzy in part)."""
    language = detect_language(" ".join((board.name, board.description, *board.recent_pin_titles)))
    mentioned = set(pin.all)
    shares: list[float] = []
    for section in board.sections:
        wanted = set(terms(section.name, language))
        if not wanted:
            shares.append(0.0)
            continue
        found = 0.0
        for term in wanted:
            if term in mentioned:
                found += 1.0
                continue
            near = max((fuzz.ratio(term, other) for other in mentioned), default=0.0)
            if near >= FUZZY_CUTOFF:
                found += near / 100.0
        shares.append(found / len(wanted))
    return np.array(shares, dtype=np.float64)


def lexical_section(board: BoardCandidate, pin: PinTerms) -> SectionCandidate | None:
    if not board.sections:
        return None
    shares = section_name_coverage(board, pin)
    best = int(np.argmax(shares))
    return board.sections[best] if shares[best] > 0 else None


def semantic_section(
    board: BoardCandidate, pin: PinTerms, section_similarities: NDArray[np.floating]
) -> SectionCandidate | None:
    if not board.sections or len(section_similarities) != len(board.sections):
        return lexical_section(board, pin)
    shares = section_name_coverage(board, pin)
    combined = np.asarray(section_similarities, dtype=np.float64) + LEXICAL_TIEBREAK * shares
    order = np.argsort(-combined)
    best = int(order[0])
    runner_up = float(combined[order[1]]) if len(order) > 1 else -np.inf
    if shares[best] > 0 or combined[best] - runner_up >= SEMANTIC_MARGIN:
        return board.sections[best]
    return None
