"""Normalisation: folding, language detection, terms."""

from __future__ import annotations

import pytest

from pinsmith.boards.selection.text import detect_language, fold, terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Rings 💍", "rings"),
        ("Crème Brûlée!!", "creme brulee"),
        ("Straße & Küche", "strasse kuche"),
        ("  Soups, Stews & Chili  ", "soups stews chili"),
        ("Ideas para decorar un dormitorio PEQUEÑO", "ideas para decorar un dormitorio pequeno"),
    ],
)
def test_fold_lowercases_and_drops_accents_emoji_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pollo al Ajillo Fácil en 30 Minutos con mucho ajo", "es"),
        ("Die schönsten Orte in Norwegen für deinen Urlaub", "de"),
        ("Que faire à Porto en 2 jours : les caves et le quartier", "fr"),
        ("Tokyo Food Guide: Ramen, Sushi and Izakayas", "en"),
        ("California Travel Big Sur Stops", "en"),  # one French-looking word is not French
        ("Yum!", "en"),
    ],
)
def test_language_is_detected_per_text(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_plural_and_inflected_forms_share_a_term() -> None:
    assert terms("Cookie Recipes") == terms("cookie recipe")
    assert terms("Knives") == terms("knife")


def test_stop_words_and_bare_numbers_are_not_terms() -> None:
    assert terms("How to Clean the Oven in 10 Minutes") == terms("clean oven minutes")


def test_spanish_words_are_stemmed_in_spanish() -> None:
    assert terms("recetas de pollo", "es") == terms("receta pollos", "es")
