"""A new board's name: the pin's keyword phrase, 2-5 words, Title Case, <= 50 characters,
in the pin's language, never a near-duplicate of an existing board."""

from __future__ import annotations

import pytest

from pinsmith.boards.selection import PinText, propose_board_name
from pinsmith.boards.selection.naming import is_near_duplicate

TITLES = [
    "Homemade Peanut Butter Pumpkin Dog Treats",
    "How to Negotiate a Higher Salary",
    "Food Photography Tips for Bloggers: Natural Light",
    "20-Minute Pilates Workout for Beginners",
    "The 10 BEST Budget Travel Hacks of 2026 (You Need These!)",
    "Weekend in Lisbon: Where to Eat Pastel de Nata",
    "Pickleball",
    "a",
    "!!! 2026 !!!",
    "Ideas de centros de mesa para boda rústica",
    "Die besten Hunderassen für Familien mit Kindern",
    "An Extraordinarily Comprehensive Encyclopedic Compendium Regarding Spectacularly "
    "Overengineered Kitchen Organization Systems",
]


def words_are_title_case(name: str) -> bool:
    small = {"and", "&", "vs", "of", "in", "on", "for", "a", "an", "the", "at", "to"}
    small |= {"de", "del", "para", "y", "al", "für", "mit", "und", "pour", "des", "du", "à"}
    return all(word[0].isupper() or word in small or not word[0].isalpha() for word in name.split())


@pytest.mark.parametrize("title", TITLES)
def test_every_name_has_two_to_five_title_case_words_and_at_most_50_characters(
    title: str,
) -> None:
    name = propose_board_name(PinText(title=title), [])

    assert 2 <= len(name.split()) <= 5
    assert len(name) <= 50
    assert words_are_title_case(name)


def test_the_name_is_the_keyword_phrase_without_numbers_or_filler() -> None:
    assert propose_board_name(PinText(title="15-Minute Garlic Butter Shrimp Pasta"), []) == (
        "Garlic Butter Shrimp Pasta"
    )
    assert propose_board_name(PinText(title="The Best Homemade Pizza Dough"), []) == (
        "Homemade Pizza Dough"
    )
    assert propose_board_name(PinText(title="Food Photography Tips for Bloggers"), []) == (
        "Food Photography Tips"
    )


def test_a_how_to_title_names_a_tips_board() -> None:
    name = propose_board_name(PinText(title="How to Negotiate a Higher Salary"), [])

    assert name == "Salary Tips"


def test_years_and_trademarks_are_dropped_acronyms_kept() -> None:
    name = propose_board_name(PinText(title="2026 TpT Guided Reading Bundle"), [])
    assert name == "Guided Reading Bundle"
    assert propose_board_name(PinText(title="Low Impact HIIT for Bad Knees"), []) == (
        "Low Impact HIIT"
    )


def test_the_description_names_a_pin_without_title() -> None:
    pin = PinText(description="Beginner crochet stitches with photos. Start with a chain.")

    assert propose_board_name(pin, []) == "Beginner Crochet Stitches"


def test_a_spanish_pin_gets_a_spanish_name() -> None:
    pin = PinText(
        title="Ideas de centros de mesa para boda rústica",
        description="Tarros de cristal, troncos de madera y flores silvestres para tu boda.",
    )

    assert propose_board_name(pin, []) == "Ideas de Centros de Mesa"


def test_the_name_is_never_a_near_duplicate_of_an_existing_board() -> None:
    pin = PinText(title="Best Dog Breeds for Apartments")
    existing = ["Dog breeds", "DIY Dog Projects"]

    name = propose_board_name(pin, existing)

    assert not is_near_duplicate(name, existing)
    assert 2 <= len(name.split()) <= 5


def test_even_the_fallback_name_avoids_existing_boards() -> None:
    pin = PinText(title="!!!")
    existing = ["New Pin Ideas", "New Pin Ideas 2"]

    name = propose_board_name(pin, existing)

    assert not is_near_duplicate(name, existing)


def test_near_duplicates_ignore_case_accents_emoji_and_word_order() -> None:
    assert is_near_duplicate("Wedding Dresses", ["Wedding dresses 👰"])
    assert is_near_duplicate("Recipes Chicken", ["Chicken Recipes"])
    assert not is_near_duplicate("Chicken Coop Plans", ["Chicken Recipes"])
