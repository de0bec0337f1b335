"""One colour gives a usable palette, whatever the colour."""

from __future__ import annotations

import pytest

from pinsmith.render.palette import (
    MIN_CONTRAST,
    WHITE,
    contrast,
    palette_for,
    parse_hex,
    readable,
)

SEEDS = ["#ffff00", "#000000", "#ffffff", "#ae3ac4", "#2d8f4e", "#87ceeb", "#7f7f7f"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_gives_readable_pairs(seed: str) -> None:
    colours = palette_for(seed).colours
    assert contrast(colours["primary_dark"], WHITE) >= MIN_CONTRAST
    assert contrast(colours["ink"], colours["background"]) >= MIN_CONTRAST
    assert contrast(colours["on_primary"], colours["primary"]) >= 4.0  # the better of two


def test_primary_is_the_seed_and_the_hash_is_optional() -> None:
    assert palette_for("#ae3ac4").colours["primary"] == (0xAE, 0x3A, 0xC4)
    assert parse_hex("ae3ac4") == (0xAE, 0x3A, 0xC4, 255)
    assert parse_hex("#00000080")[3] == 0x80


def test_parse_hex_refuses_names() -> None:
    with pytest.raises(ValueError, match="hex colour"):
        parse_hex("red")


def test_readable_keeps_a_good_colour_and_fixes_a_poor_one() -> None:
    palette = palette_for("#1f6feb")
    assert readable((0, 0, 0), [WHITE], palette) == (0, 0, 0)
    fixed = readable((255, 255, 0), [WHITE], palette)  # yellow on white: 1.07:1
    assert contrast(fixed, WHITE) >= MIN_CONTRAST


def test_readable_holds_against_every_colour_behind() -> None:
    behind = [(250, 250, 250), (120, 120, 120)]
    chosen = readable((200, 200, 200), behind, palette_for("#1f6feb"))
    assert min(contrast(chosen, colour) for colour in behind) >= MIN_CONTRAST
