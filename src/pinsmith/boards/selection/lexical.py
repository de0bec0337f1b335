"""Word evidence that a pin belongs on a board: shared terms, weighted by how rare they are.

A profile's boards are analysed once into a ``LexicalIndex``: each board's terms by field (name
and sections, description, recent pin titles), how many boards use each term (its idf: "recipe"
on every board of a food blogger says little, "sourdough" says a lot) and a BM25 index (bm25s)
in which the name counts three times. A pin then costs a few array operations for any number of
boards. The features it yields are plain numbers in [0, 1] (or relative to the best board), so
the same weights hold for a profile with 10 boards and one with 500.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from pinsmith.boards.selection.model import BoardCandidate, PinText
from pinsmith.boards.selection.text import Language, detect_language, surface_words, terms

Vector = NDArray[np.float32]
Matrix = NDArray[np.float32]

#: How many times a board's name counts in its BM25 document (the issue: "name weighted higher").
NAME_REPEAT = 3
#: How many times a pin's title counts in the BM25 query against its description.
TITLE_REPEAT = 2
#: A word the profile never uses may still be a spelling or language variant of one it uses
#: ("enveloppes" / "envelope", "glúteos" / "glute"): rapidfuzz ratio at least this (0-100).
FUZZY_CUTOFF = 80.0
FUZZY_MIN_LENGTH = 4

#: The lexical features, in the order ``LexicalIndex.features`` returns them.
LEXICAL_FEATURES = ("title_coverage", "description_coverage", "name_recall", "bm25")
#: What says that a pin is far from the whole profile, whatever the board, in the order
#: ``LexicalIndex.pin_features`` returns them (the calibration weighs them; see calibration.py):
#: the idf-weighted share of the pin's title terms that no board uses anywhere (the strongest
#: single sign of a pin that needs a new board), and 1.0 when the pin is in another language
#: than most boards (its words then meet the boards' less, though it may fit one well).
PIN_FEATURES = ("unknown_title_share", "other_language")


@dataclass(frozen=True)
class PinTerms:
    """A pin as terms. A pin that is not in English also gets the English terms of its words,
    so that names and loanwords ("México", "HIIT", "budget") meet English boards."""

    language: Language
    title: tuple[str, ...]
    description: tuple[str, ...]
    words: dict[str, str]  # term -> the pin's word for it, for reasons

    @classmethod
    def of(cls, pin: PinText) -> PinTerms:
        """The title, and as description the description and the image's alt text."""
        description = " ".join(part for part in (pin.description, pin.alt_text) if part)
        text = f"{pin.title} {description}"
        language = detect_language(text)
        words = surface_words(text, "en") if language != "en" else {}
        words.update(surface_words(text, language))
        return cls(
            language=language,
            title=tuple(_with_english(pin.title, language)),
            description=tuple(_with_english(description, language)),
            words=words,
        )

    @property
    def all(self) -> tuple[str, ...]:
        return self.title + self.description


def _with_english(text: str, language: Language) -> list[str]:
    own = terms(text, language)
    if language == "en":
        return own
    seen = set(own)
    return own + [term for term in terms(text, "en") if term not in seen]


@dataclass(frozen=True)
class BoardTerms:
    name: tuple[str, ...]  # the board's name and its sections' names
    description: tuple[str, ...]
    titles: tuple[tuple[str, ...], ...]
    own_name: tuple[str, ...]  # the board's name alone, for reasons
    language: Language = "en"

    @classmethod
    def of(cls, board: BoardCandidate) -> BoardTerms:
        language = detect_language(
            " ".join((board.name, board.description, *board.recent_pin_titles))
        )
        own_name = terms(board.name, language)
        sections = [term for section in board.sections for term in terms(section.name, language)]
        return cls(
            name=tuple(own_name + sections),
            description=tuple(terms(board.description, language)),
            titles=tuple(tuple(terms(title, language)) for title in board.recent_pin_titles),
            own_name=tuple(own_name),
            language=language,
        )

    @property
    def all(self) -> set[str]:
        found = set(self.name) | set(self.description)
        for title in self.titles:
            found.update(title)
        return found

    def bm25_document(self) -> list[str]:
        document = list(self.name) * NAME_REPEAT + list(self.description)
        for title in self.titles:
            document.extend(title)
        return document


class LexicalIndex:
    """One profile's boards, ready to score any pin against all of them at once."""

    def __init__(self, boards: Sequence[BoardCandidate]) -> None:
        self.boards = tuple(boards)
        self.board_terms = [BoardTerms.of(board) for board in self.boards]
        vocabulary = sorted(set().union(*(terms.all for terms in self.board_terms)))
        self.vocabulary = vocabulary
        self.term_ids = {term: index for index, term in enumerate(vocabulary)}
        shape = (len(self.boards), len(vocabulary))
        self.anywhere: Matrix = np.zeros(shape, dtype=np.float32)
        self.in_name: Matrix = np.zeros(shape, dtype=np.float32)
        for row, board_terms in enumerate(self.board_terms):
            self.anywhere[row, [self.term_ids[t] for t in board_terms.all]] = 1.0
            self.in_name[row, [self.term_ids[t] for t in set(board_terms.name)]] = 1.0
        self.idf = self._idf()
        self.unknown_idf = float(self._idf_of(0))
        self.name_weight: Vector = (self.in_name @ self.idf).astype(np.float32)
        self._retriever = self._bm25_index()
        languages = Counter(terms.language for terms in self.board_terms)
        self.language: Language = max(
            languages, key=lambda lang: (languages[lang], lang == "en"), default="en"
        )

    def _idf_of(self, boards_with_term: NDArray[np.float64] | int) -> NDArray[np.float64]:
        count = len(self.boards)
        return np.log1p((count - boards_with_term + 0.5) / (boards_with_term + 0.5))

    def _idf(self) -> Vector:
        """BM25's idf over the boards: a term every board has weighs little."""
        boards_with_term = self.anywhere.sum(axis=0).astype(np.float64)
        return self._idf_of(boards_with_term).astype(np.float32)

    def _bm25_index(self) -> bm25s.BM25:
        retriever = bm25s.BM25()
        documents = [terms.bm25_document() or [""] for terms in self.board_terms]
        retriever.index(documents, show_progress=False)
        return retriever

    def features(self, pin: PinTerms) -> Matrix:
        """``LEXICAL_FEATURES`` for every board: shape (boards, 4), each in [0, 1]."""
        matches = self._matches(set(pin.all))
        columns = [
            self._coverage(pin.title, matches),
            self._coverage(pin.description, matches),
            self._name_recall(matches),
            self._bm25(pin),
        ]
        return np.stack(columns, axis=1).astype(np.float32)

    def pin_features(self, pin: PinTerms) -> NDArray[np.float64]:
        """``PIN_FEATURES``: how far the pin is from the profile as a whole, shape (2,)."""
        title = set(pin.title) or set(pin.description)
        weights = [
            (float(self.idf[self.term_ids[t]]) if t in self.term_ids else self.unknown_idf, t)
            for t in title
        ]
        total = sum(weight for weight, _ in weights)
        unknown = sum(weight for weight, t in weights if t not in self.term_ids)
        return np.array(
            [unknown / total if total else 0.0, float(pin.language != self.language)],
            dtype=np.float64,
        )

    def _matches(self, pin_terms: Iterable[str]) -> dict[str, list[tuple[int, float]]]:
        """Each pin term's vocabulary entries and how well they match (1.0 when the same)."""
        found: dict[str, list[tuple[int, float]]] = {}
        for term in pin_terms:
            index = self.term_ids.get(term)
            if index is not None:
                found[term] = [(index, 1.0)]
            elif len(term) >= FUZZY_MIN_LENGTH and self.vocabulary:
                near = process.extract(
                    term, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3
                )
                found[term] = [(int(choice[2]), float(choice[1]) / 100.0) for choice in near]
        return found

    def _coverage(
        self, pin_terms: Sequence[str], matches: dict[str, list[tuple[int, float]]]
    ) -> Vector:
        """The idf-weighted share of ``pin_terms`` that each board has (fuzzy ones in part)."""
        covered = np.zeros(len(self.boards), dtype=np.float32)
        total = 0.0
        for term in set(pin_terms):
            near = matches.get(term, [])
            exact = next((index for index, similarity in near if similarity == 1.0), None)
            weight = float(self.idf[exact]) if exact is not None else self.unknown_idf
            total += weight
            if near:
                indexes = [index for index, _ in near]
                similarity = np.array([s for _, s in near], dtype=np.float32)
                covered += weight * (self.anywhere[:, indexes] * similarity).max(axis=1)
        return covered / total if total else covered

    def _name_recall(self, matches: dict[str, list[tuple[int, float]]]) -> Vector:
        """The idf-weighted share of each board's name (and section) terms the pin mentions."""
        hit: dict[int, float] = {}
        for near in matches.values():
            for index, similarity in near:
                hit[index] = max(hit.get(index, 0.0), similarity)
        if not hit:
            return np.zeros(len(self.boards), dtype=np.float32)
        columns = list(hit)
        weights = np.array([hit[c] for c in columns], dtype=np.float32) * self.idf[columns]
        found = self.in_name[:, columns] @ weights
        return np.divide(
            found, self.name_weight, out=np.zeros_like(found), where=self.name_weight > 0
        )

    def _bm25(self, pin: PinTerms) -> Vector:
        """BM25 of the pin (title twice) against each board, relative to the best board."""
        query = [
            t for t in list(pin.title) * TITLE_REPEAT + list(pin.description) if t in self.term_ids
        ]
        if not query:
            return np.zeros(len(self.boards), dtype=np.float32)
        scores = np.asarray(self._retriever.get_scores(query), dtype=np.float32)
        best = float(scores.max())
        return scores / best if best > 0 else scores

    def evidence(self, row: int, pin: PinTerms) -> Evidence:
        """What board ``row`` shares with the pin, the rarest words first (for reasons)."""
        board = self.board_terms[row]
        pin_terms = set(pin.all)

        def rarest(found: Iterable[str]) -> tuple[str, ...]:
            ordered = sorted(set(found), key=lambda t: -float(self.idf[self.term_ids[t]]))
            return tuple(pin.words.get(t, t) for t in ordered)

        title_terms = set(pin.title)
        own_name = set(board.own_name)
        return Evidence(
            in_name=rarest(t for t in own_name if t in pin_terms),
            in_sections=rarest(t for t in board.name if t in pin_terms and t not in own_name),
            in_description=rarest(t for t in board.description if t in pin_terms),
            alike_pins=sum(1 for title in board.titles if title_terms & set(title)),
        )


@dataclass(frozen=True)
class Evidence:
    in_name: tuple[str, ...]  # the pin's words found in the board's name
    in_sections: tuple[str, ...]  # ... in its sections' names (and not in its name)
    in_description: tuple[str, ...]
    alike_pins: int  # recent pins sharing a word with the pin's title
