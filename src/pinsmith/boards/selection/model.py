"""What board selection works on and what it answers: plain data, no database, no HTTP.

The rankers (``lexical``, ``semantic``) and the decision (``decide``) take these; the boards
service builds them from a profile's boards and our own pins, and turns a ``Selection`` into an
answer or a new board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class SectionCandidate:
    id: str
    name: str


@dataclass(frozen=True)
class BoardCandidate:
    id: str
    name: str
    description: str = ""
    sections: tuple[SectionCandidate, ...] = ()
    recent_pin_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class PinText:
    title: str = ""
    description: str = ""
    link: str | None = None
    alt_text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.title.strip() or self.description.strip())


@dataclass(frozen=True)
class RankedBoard:
    board: BoardCandidate
    score: float  # calibrated to [0, 1]: one threshold means the same for every ranker
    reason: str  # short, for a person: "matches 'slow cooker' in recent pins"
    section: SectionCandidate | None = None


@dataclass(frozen=True)
class Selection:
    ranked: list[RankedBoard]  # best first
    decision: Literal["existing", "new"]
    new_board_name: str | None  # set when decision == "new"
    ranker: str  # which ranker decided: "llm", "semantic" or "lexical"
    notes: list[str] = field(default_factory=list)  # e.g. why a ranker was skipped

    @property
    def best(self) -> RankedBoard | None:
        return self.ranked[0] if self.ranked else None


class Ranker(Protocol):
    """Scores every board for one pin; CPU only, no I/O. ``prepare`` lets a ranker index a
    profile's boards once (cached by their content) so each pin costs milliseconds."""

    name: str

    def rank(self, pin: PinText, boards: Sequence[BoardCandidate]) -> list[RankedBoard]: ...
