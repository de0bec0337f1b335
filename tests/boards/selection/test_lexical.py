"""The lexical index's pin features: how far a pin is from the whole profile."""

from __future__ import annotations

import pytest

from pinsmith.boards.selection.lexical import PIN_FEATURES, LexicalIndex, PinTerms
from pinsmith.boards.selection.model import BoardCandidate, PinText

BOARDS = (
    BoardCandidate(
        id="1",
        name="Dog Training Tips",
        description="Puppy training and leash walking.",
        recent_pin_titles=("Crate Training a Puppy", "Stop Leash Pulling"),
    ),
    BoardCandidate(id="2", name="Cat Care", recent_pin_titles=("Litter Box Tips",)),
)


def pin_features(title: str, description: str = "") -> tuple[float, float]:
    index = LexicalIndex(BOARDS)
    values = index.pin_features(PinTerms.of(PinText(title=title, description=description)))
    assert values.shape == (len(PIN_FEATURES),)
    return float(values[0]), float(values[1])


def test_a_pin_in_the_profiles_words_is_not_unknown() -> None:
    unknown, other_language = pin_features("Puppy Leash Training Tips")

    assert unknown == 0.0
    assert other_language == 0.0


def test_a_pin_whose_title_words_no_board_uses_is_unknown() -> None:
    unknown, _ = pin_features("Beginner Crochet Stitches")
    partly, _ = pin_features("Crochet a Puppy Sweater")

    assert unknown == pytest.approx(1.0)
    assert 0.0 < partly < 1.0


def test_a_pin_in_another_language_than_the_boards_is_flagged() -> None:
    _, other_language = pin_features(
        "Cómo enseñar a tu perro a venir cuando lo llamas",
        "Los mejores consejos para entrenar a tu perro en casa con paciencia.",
    )

    assert other_language == 1.0


def test_a_pin_without_a_title_is_judged_by_its_description() -> None:
    unknown, _ = pin_features("", "Crate training tips for your puppy")

    assert unknown == 0.0
