"""The text layer, checked on pixels: where ink lands, what it looks like, how it reads."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from pinsmith.render import fonts
from pinsmith.render.palette import MIN_CONTRAST, RGB, WHITE, contrast, palette_for
from pinsmith.render.report import Bounds, LayerReport
from pinsmith.render.spec import TextLayer
from pinsmith.render.text import draw_text
from pinsmith.render.text.scripts import bidi_segments as _bidi_segments

PALETTE = palette_for("#1f6feb")
SIZE = (1000, 1500)
BOX = {"x": 100, "y": 200, "width": 800, "height": 500}
PHOTOS = Path(__file__).parents[1] / "fixtures" / "photos"
NOTDEF = "\ue000"  # private use: no bundled font has it, so FreeType draws its .notdef box


def make_layer(**fields: Any) -> TextLayer:
    return TextLayer.model_validate({"kind": "text", "text": "{title}", "box": BOX, **fields})


def blank(colour: RGB = WHITE) -> Image.Image:
    return Image.new("RGB", SIZE, colour)


def draw(
    text: str, canvas: Image.Image | None = None, **fields: Any
) -> tuple[LayerReport, Image.Image, Image.Image]:
    """The report, the canvas before and after."""
    before = canvas if canvas is not None else blank()
    after = before.copy()
    return draw_text(after, make_layer(**fields), text, PALETTE, 3), before, after


def changed(before: Image.Image, after: Image.Image) -> Image.Image:
    """An ``L`` mask of the pixels the layer changed."""
    return ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v else 0)


def ink_box(before: Image.Image, after: Image.Image) -> Bounds:
    found = changed(before, after).getbbox()
    assert found is not None, "nothing was drawn"
    return found


def inside(bounds: Bounds, box: dict[str, float]) -> bool:
    return (
        bounds[0] >= box["x"]
        and bounds[1] >= box["y"]
        and bounds[2] <= box["x"] + box["width"]
        and bounds[3] <= box["y"] + box["height"]
    )


def glyph_mask(text: str, font: str) -> Image.Image:
    """What draw_text paints for ``text`` in ``font``, cropped to its ink (empty when nothing
    shows: Pacifico's .notdef glyph is blank)."""
    _, before, after = draw(text, font=font, size={"min": 120, "max": 120}, weight=400)
    mask = changed(before, after)
    found = mask.getbbox()
    return mask.crop(found) if found else Image.new("L", (0, 0))


def same_mask(first: Image.Image, second: Image.Image) -> bool:
    if first.size != second.size:
        return False
    return ImageChops.difference(first, second).getbbox() is None


def ink_columns(mask: Image.Image) -> list[tuple[int, int]]:
    """Runs of columns with ink, left to right (a gap of 8+ empty columns splits them)."""
    width, height = mask.size
    columns = mask.transpose(Image.Transpose.TRANSPOSE).tobytes()
    inked = [any(columns[x * height : (x + 1) * height]) for x in range(width)]
    runs: list[tuple[int, int]] = []
    start: int | None = None
    empty = 0
    for x, has in enumerate(inked):
        if has:
            if start is None:
                start = x
            elif empty >= 8:
                runs.append((start, x - empty))
                start = x
            empty = 0
        elif start is not None:
            empty += 1
    if start is not None:
        runs.append((start, width - empty))
    return runs


# --- skipping --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_is_skipped_and_nothing_drawn(text: str) -> None:
    report, before, after = draw(text)
    assert report == LayerReport(3, "text", None, drawn=False, skipped_because="empty text")
    assert ImageChops.difference(before, after).getbbox() is None


def test_box_outside_the_canvas_is_skipped() -> None:
    report, before, after = draw("Hello", box={"x": 1200, "y": 10, "width": 300, "height": 200})
    assert not report.drawn
    assert report.skipped_because == "lies outside the canvas"
    assert ImageChops.difference(before, after).getbbox() is None


def test_text_stays_on_the_visible_part_of_a_box_over_the_edge() -> None:
    box = {"x": -300, "y": 100, "width": 700, "height": 300}
    report, before, after = draw("Over the edge", box=box, align="left")
    bounds = ink_box(before, after)
    assert report.drawn
    assert bounds[0] >= 0
    assert inside(bounds, {"x": 0, "y": 100, "width": 400, "height": 300})


# --- fitting ---------------------------------------------------------------------------------


def test_short_text_takes_the_largest_size_and_long_text_a_smaller_one() -> None:
    short, _, _ = draw("Pasta night", size={"min": 30, "max": 90})
    long, _, _ = draw(
        "Twenty minute creamy garlic parmesan pasta with crispy sage and lemon breadcrumbs",
        size={"min": 30, "max": 90},
    )
    assert short.text is not None
    assert long.text is not None
    assert short.text.size == 90
    assert 30 <= long.text.size < 90
    assert not long.text.truncated
    assert len(long.text.lines) <= 4


def test_fitted_size_is_the_largest_that_fits() -> None:
    text = "Twenty minute creamy garlic parmesan pasta with crispy sage"
    report, before, after = draw(text, size={"min": 20, "max": 200}, max_lines=3)
    assert report.text is not None
    size = report.text.size
    bigger, _, _ = draw(text, size={"min": size + 1, "max": size + 1}, max_lines=3)
    assert bigger.text is not None
    assert bigger.text.truncated
    assert inside(ink_box(before, after), BOX)


def test_two_thousand_characters_end_in_an_ellipsis_inside_the_box() -> None:
    chance = random.Random(7)  # noqa: S311 - repeatable words, not secrets
    words = [chance.choice(["tomato", "basil", "oven", "garlic", "a"]) for _ in range(400)]
    text = " ".join(f"{word}{index}" for index, word in enumerate(words))[:2000]
    report, before, after = draw(text, size={"min": 28, "max": 96}, max_lines=4)
    assert report.drawn
    assert report.text is not None
    assert report.text.truncated
    assert report.text.size == 28
    assert report.text.text.endswith("…")
    assert report.text.lines[-1].endswith("…")
    assert 1 <= len(report.text.lines) <= 4
    assert inside(ink_box(before, after), BOX)
    assert report.bounds is not None
    assert inside(report.bounds, BOX)


def test_a_box_too_low_for_the_minimum_size_still_gets_one_line_inside_it() -> None:
    box = {"x": 100, "y": 100, "width": 600, "height": 20}
    report, before, after = draw("A rather long title for a tiny box", box=box)
    assert report.text is not None
    assert report.text.size < 28
    assert len(report.text.lines) == 1
    assert inside(ink_box(before, after), box)


def test_words_are_not_split_when_they_fit_on_a_line() -> None:
    text = "Creamy tuscan chicken with sundried tomatoes and spinach"
    report, _, _ = draw(text, box={"x": 100, "y": 100, "width": 420, "height": 900}, max_lines=8)
    assert report.text is not None
    assert len(report.text.lines) > 1
    words = set(text.split())
    for line in report.text.lines:
        assert set(line.split()) <= words
    assert " ".join(report.text.lines) == text


def test_a_word_wider_than_the_box_is_cut_between_characters() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitän"
    box = {"x": 100, "y": 100, "width": 300, "height": 900}
    report, before, after = draw(word, box=box, size={"min": 40, "max": 60}, max_lines=6)
    assert report.text is not None
    assert not report.text.truncated
    assert len(report.text.lines) > 1
    assert "".join(report.text.lines) == word  # no hyphen, nothing lost
    assert inside(ink_box(before, after), box)


def test_whitespace_collapses_and_newlines_break_lines() -> None:
    report, _, _ = draw("  Quick \t  dinner \n\n\n\n  ideas  ", max_lines=5)
    assert report.text is not None
    assert report.text.lines == ["Quick dinner", "", "ideas"]


def test_uppercase() -> None:
    report, _, _ = draw("straße café", uppercase=True)
    assert report.text is not None
    assert report.text.text == "STRASSE CAFÉ"


def test_letter_spacing_widens_the_text() -> None:
    size = {"min": 60, "max": 60}
    _, before, tight = draw("SPACING", size=size)
    _, _, wide = draw("SPACING", size=size, letter_spacing=0.3)
    tight_box, wide_box = ink_box(before, tight), ink_box(before, wide)
    extra = (wide_box[2] - wide_box[0]) - (tight_box[2] - tight_box[0])
    assert extra == pytest.approx(6 * 0.3 * 60, abs=6)  # six gaps of 0.3 em


# --- alignment -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("align", "edge"), [("left", BOX["x"]), ("right", BOX["x"] + BOX["width"])]
)
def test_horizontal_alignment(align: str, edge: int) -> None:
    _, before, after = draw("Align me", align=align, size={"min": 60, "max": 60})
    left, _, right, _ = ink_box(before, after)
    if align == "left":
        assert edge <= left <= edge + 8
    else:
        assert edge - 8 <= right <= edge


def test_centred_text_is_centred() -> None:
    _, before, after = draw("Centre", size={"min": 80, "max": 80})
    left, top, right, bottom = ink_box(before, after)
    assert (left + right) / 2 == pytest.approx(BOX["x"] + BOX["width"] / 2, abs=3)
    assert (top + bottom) / 2 == pytest.approx(BOX["y"] + BOX["height"] / 2, abs=3)


@pytest.mark.parametrize("text", ["ocean waves", "HELLO", "jumpy gypsy"])
def test_middle_centres_the_ink_whatever_the_letters(text: str) -> None:
    _, before, after = draw(text, size={"min": 90, "max": 90})
    _, top, _, bottom = ink_box(before, after)
    assert (top + bottom) / 2 == pytest.approx(BOX["y"] + BOX["height"] / 2, abs=3)


def test_top_and_bottom_alignment() -> None:
    _, before, top_drawn = draw("Top Line", valign="top", size={"min": 60, "max": 60})
    _, _, bottom_drawn = draw("Bottom Line", valign="bottom", size={"min": 60, "max": 60})
    top_box, bottom_box = ink_box(before, top_drawn), ink_box(before, bottom_drawn)
    assert BOX["y"] <= top_box[1] <= BOX["y"] + 4
    assert BOX["y"] + BOX["height"] - 4 <= bottom_box[3] <= BOX["y"] + BOX["height"]


# --- fonts: every character a real glyph -----------------------------------------------------


@pytest.mark.parametrize("font", ["bebas-neue", "pacifico", "montserrat", "playfair-display"])
def test_accented_latin_draws_real_glyphs(font: str) -> None:
    notdef = glyph_mask(NOTDEF, font)
    for char in "éñßőłğưǎƀ":
        assert not same_mask(glyph_mask(char, font), notdef), char


# Characters HarfBuzz cannot build from a base letter and a combining mark the font has.
@pytest.mark.parametrize(("font", "char"), [("bebas-neue", "ư"), ("pacifico", "ƀ")])
def test_a_character_the_font_lacks_comes_from_a_fallback(font: str, char: str) -> None:
    # The font itself would draw the box: the real glyph can only come from a fallback.
    own = fonts.load(font, 400, 120)
    direct = Image.new("L", (300, 300))
    ImageDraw.Draw(direct).text((50, 200), char, font=own, fill=255, anchor="ls")
    box = Image.new("L", (300, 300))
    ImageDraw.Draw(box).text((50, 200), NOTDEF, font=own, fill=255, anchor="ls")
    assert same_mask(direct, box)
    assert not fonts.covers(font, 400, char)
    assert fonts.fallback_for(font, 400, char) == "noto-sans"
    assert not same_mask(glyph_mask(char, font), glyph_mask(NOTDEF, font))


def test_cjk_draws_real_glyphs_and_breaks_between_characters() -> None:
    assert fonts.font_path("noto-sans-cjk", 400) is not None, "the cjk extra is installed"
    notdef = glyph_mask(NOTDEF, "montserrat")
    masks = [glyph_mask(char, "montserrat") for char in "你好世界"]
    for mask in masks:
        assert not same_mask(mask, notdef)
    assert not same_mask(masks[0], masks[1])
    text = "今天我们来做一道简单又好吃的番茄炒蛋，十分钟就能上桌"  # noqa: RUF001
    box = {"x": 100, "y": 100, "width": 400, "height": 900}
    report, before, after = draw(text, box=box, size={"min": 40, "max": 60}, max_lines=8)
    assert report.text is not None
    assert len(report.text.lines) > 1
    assert "".join(report.text.lines) == text
    assert not any(line.startswith("，") for line in report.text.lines)  # noqa: RUF001
    assert inside(ink_box(before, after), box)


def test_arabic_is_shaped_and_runs_right_to_left() -> None:
    text = "ب مستشفياتهم"  # a one-letter word first, then a long one
    report, before, after = draw(text, align="right", size={"min": 96, "max": 96})
    assert report.text is not None
    assert report.text.size == 96
    mask = changed(before, after)
    runs = ink_columns(mask)
    assert len(runs) >= 2
    first_word = runs[-1]  # the first word read is the rightmost one
    assert first_word[1] - first_word[0] < 0.25 * (runs[0][1] - runs[0][0])
    # Joined letters: as wide as raqm's shaping, far narrower than the letters side by side.
    long_word = text.split()[1]
    path = str(fonts.font_path("noto-sans-arabic", 700))
    shaped = fonts.load("noto-sans-arabic", 700, 96).getbbox(long_word, direction="rtl")
    isolated = ImageFont.truetype(path, 96, layout_engine=ImageFont.Layout.BASIC)
    loose = isolated.getbbox(long_word)
    drawn = sum(right - left for left, right in runs[:-1]) + 8 * (len(runs) - 2)
    assert drawn == pytest.approx(shaped[2] - shaped[0], abs=40)
    assert drawn < 0.85 * (loose[2] - loose[0])


def test_arabic_in_a_latin_font_falls_back_and_is_not_boxes() -> None:
    notdef = glyph_mask(NOTDEF, "bebas-neue")
    assert not same_mask(glyph_mask("سلام", "bebas-neue"), notdef)


def test_mixed_scripts_are_ordered_by_the_bidi_algorithm() -> None:
    text = "مرحبا 中文"
    faces = ["noto-sans-arabic"] * 6 + ["noto-sans-cjk"] * 2
    segments = _bidi_segments(text, faces, rtl=True)
    assert [piece for piece, _, _ in segments] == ["中文", "مرحبا "]
    assert [rtl for _, _, rtl in segments] == [False, True]
    latin = _bidi_segments("Hello مرحبا 42", ["a"] * 6 + ["b"] * 9, rtl=False)
    assert [piece for piece, _, _ in latin] == ["Hello ", "42", "مرحبا "]


# --- colour and contrast ---------------------------------------------------------------------


def text_and_behind(text: str, after: Image.Image, **fields: Any) -> tuple[list[RGB], list[RGB]]:
    """The pixels of ``after`` fully covered by the glyphs, and those around the text at least
    a few pixels away from any glyph: what the text is read against.

    Where the glyphs are comes from drawing the same layer in black on white: the layout does
    not depend on what is behind.
    """
    plain = blank()
    shown = plain.copy()
    draw_text(shown, make_layer(**{**fields, "colour": "#000000"}), text, PALETTE, 0)
    glyphs = changed(plain, shown)
    area = glyphs.getbbox()
    assert area is not None
    solid = shown.convert("L").point(lambda v: 255 if v == 0 else 0).crop(area).tobytes()
    halo = glyphs.crop(area).filter(ImageFilter.MaxFilter(9)).tobytes()
    data = after.crop(area).tobytes()

    def pixel(i: int) -> RGB:
        return data[3 * i], data[3 * i + 1], data[3 * i + 2]

    covered = [pixel(i) for i, value in enumerate(solid) if value]
    behind = [pixel(i) for i, value in enumerate(halo) if not value]
    return covered, behind


def worst_real(colour: RGB, behind: list[RGB]) -> float:
    """Contrast against the 5th and 95th percentile of what is behind, by luminance."""
    ranked = sorted(behind, key=lambda c: contrast(c, (0, 0, 0)))
    picks = [ranked[len(ranked) // 20], ranked[len(ranked) * 19 // 20]]
    return min(contrast(colour, other) for other in picks)


def test_a_pale_colour_on_white_is_made_readable() -> None:
    report, _, after = draw("Readable", colour="primary_light")
    assert report.text is not None
    pale = PALETTE.colours["primary_light"]
    assert contrast(pale, WHITE) < MIN_CONTRAST
    assert report.text.colour != pale
    assert contrast(report.text.colour, WHITE) >= MIN_CONTRAST
    assert report.text.contrast >= MIN_CONTRAST
    covered, behind = text_and_behind("Readable", after)
    assert set(covered) == {report.text.colour}
    assert worst_real(report.text.colour, behind) >= MIN_CONTRAST


def test_a_readable_colour_is_kept() -> None:
    report, _, after = draw("Keep me", colour="#000000")
    assert report.text is not None
    assert report.text.colour == (0, 0, 0)
    assert report.text.contrast == 21.0
    assert (0, 0, 0) in {colour for _, colour in after.getcolors(1_000_000) or []}


def test_auto_picks_the_palette_colour_that_reads_best() -> None:
    dark, _, _ = draw("On dark", canvas=blank((10, 10, 30)))
    light, _, _ = draw("On light")
    assert dark.text is not None
    assert light.text is not None
    assert dark.text.colour == WHITE
    assert light.text.colour == PALETTE.colours["ink"]


def half_and_half() -> Image.Image:
    canvas = blank()
    ImageDraw.Draw(canvas).rectangle((0, 0, 499, 1499), fill=(0, 0, 0))
    return canvas


def noise() -> Image.Image:
    canvas = blank()
    pen = ImageDraw.Draw(canvas)
    chance = random.Random(3)  # noqa: S311 - a repeatable pattern, not a secret
    for x in range(0, 1000, 10):
        for y in range(0, 1500, 10):
            if chance.random() < 0.5:
                pen.rectangle((x, y, x + 9, y + 9), fill=(0, 0, 0))
    return canvas


@pytest.mark.parametrize("background", [half_and_half, noise])
@pytest.mark.parametrize("colour", ["auto", "#ffffff", "primary"])
def test_a_busy_background_gets_a_scrim(background: Any, colour: str) -> None:
    canvas = background()
    text = "Read me anywhere"
    report, before, after = draw(text, canvas=canvas, colour=colour)
    assert report.text is not None
    assert report.text.contrast >= MIN_CONTRAST
    covered, behind = text_and_behind(text, after)
    assert set(covered) == {report.text.colour}
    assert worst_real(report.text.colour, behind) >= MIN_CONTRAST
    # Without the scrim the same colour would not read on the raw background.
    _, raw = text_and_behind(text, canvas)
    assert worst_real(report.text.colour, raw) < MIN_CONTRAST
    found, bounds = ink_box(before, after), report.bounds
    assert bounds is not None
    assert bounds[0] <= found[0]
    assert bounds[1] <= found[1]
    assert bounds[2] >= found[2]
    assert bounds[3] >= found[3]


def test_a_photo_keeps_text_readable() -> None:
    photo = Image.open(PHOTOS / "coffee.jpg").convert("RGB").resize(SIZE)
    text = "The best coffee shops in Lisbon"
    report, _, after = draw(text, canvas=photo)
    assert report.text is not None
    assert report.text.contrast >= MIN_CONTRAST
    covered, behind = text_and_behind(text, after)
    assert set(covered) == {report.text.colour}
    # The layer reads a sample of the pixels; every pixel is counted here.
    assert worst_real(report.text.colour, behind) >= MIN_CONTRAST - 0.3


def test_a_flat_background_gets_no_scrim() -> None:
    report, _, after = draw("No scrim", canvas=blank((40, 40, 40)))
    assert report.text is not None
    _, behind = text_and_behind("No scrim", after)
    assert set(behind) == {(40, 40, 40)}


# --- pill, stroke, shadow, opacity -----------------------------------------------------------


def colour_runs(image: Image.Image, y: int, colour: RGB) -> int:
    """How many pixels of row ``y`` have ``colour`` exactly."""
    return sum(1 for x in range(image.width) if image.getpixel((x, y)) == colour)


def test_pill_per_line_follows_each_line() -> None:
    pill = {"colour": "primary", "per_line": True, "padding_x": 20, "padding_y": 10}
    report, before, after = draw("A much longer first line\nshort", pill=pill, max_lines=2)
    assert report.text is not None
    assert len(report.text.lines) == 2
    primary = PALETTE.colours["primary"]
    top, bottom = ink_box(before, after)[1], ink_box(before, after)[3]
    first = colour_runs(after, top + 4, primary)
    second = colour_runs(after, bottom - 4, primary)
    assert first > 0
    assert second > 0
    assert second < first * 0.6
    assert report.text.contrast >= MIN_CONTRAST  # measured against the pill, not the page
    assert report.bounds == ink_box(before, after)


def test_one_pill_behind_the_whole_block() -> None:
    pill = {"colour": "primary", "per_line": False, "padding_x": 20, "padding_y": 10}
    _, before, after = draw("A much longer first line\nshort", pill=pill, max_lines=2)
    primary = PALETTE.colours["primary"]
    top, bottom = ink_box(before, after)[1], ink_box(before, after)[3]
    # Rows past the rounded corners (radius 18): one rectangle, as wide at the top as below.
    assert colour_runs(after, top + 20, primary) > 700
    assert colour_runs(after, bottom - 20, primary) > 700


def test_pill_edges_are_anti_aliased() -> None:
    pill = {"colour": "#000000", "radius": 30}
    _, _, after = draw("Smooth", pill=pill)
    colours = {colour for _, colour in after.getcolors(1_000_000) or []}
    greys = {c for c in colours if c[0] == c[1] == c[2] and 0 < c[0] < 255}
    assert len(greys) > 10


def test_a_translucent_pill_shows_what_is_below() -> None:
    pill = {"colour": "#00000080", "padding_x": 30, "padding_y": 20}
    report, before, after = draw("Glass", pill=pill, canvas=blank((200, 40, 40)))
    left, top, _, _ = ink_box(before, after)
    corner = after.getpixel((left + 15, top + 10))
    assert isinstance(corner, tuple)
    assert 80 < corner[0] < 130
    assert corner[1] < 30
    assert report.text is not None
    assert report.text.contrast >= MIN_CONTRAST


def test_stroke_and_shadow() -> None:
    size = {"min": 80, "max": 80}
    _, before, plain = draw("Outline", size=size, colour="#ffffff", canvas=blank((120, 160, 200)))
    report, _, outlined = draw(
        "Outline",
        size=size,
        colour="#ffffff",
        canvas=blank((120, 160, 200)),
        stroke={"width": 4, "colour": "#000000"},
        shadow={"dx": 0, "dy": 12, "blur": 4, "colour": "#000000ff"},
    )
    assert report.text is not None
    assert report.text.colour == WHITE  # an opaque outline is the text's background
    plain_box, outlined_box = ink_box(before, plain), ink_box(before, outlined)
    assert outlined_box[0] <= plain_box[0] - 3
    assert outlined_box[2] >= plain_box[2] + 3
    assert outlined_box[3] >= plain_box[3] + 10  # the shadow hangs below
    colours = {colour for _, colour in outlined.getcolors(1_000_000) or []}
    assert (0, 0, 0) in colours
    assert WHITE in colours


def test_shadow_is_blurred_only_near_the_text() -> None:
    report, before, after = draw("Soft", shadow={"dx": 6, "dy": 6, "blur": 12})
    assert report.bounds is not None
    diff = ImageChops.difference(before, after).getbbox()
    assert diff is not None
    assert diff[0] > BOX["x"] - 60
    assert diff[2] < BOX["x"] + BOX["width"] + 60
    assert report.bounds[0] <= diff[0]
    assert report.bounds[2] >= diff[2]


def test_opacity_blends_the_text() -> None:
    solid, before, full = draw("Faint", colour="#000000")
    faint, _, half = draw("Faint", colour="#000000", opacity=0.5)
    assert solid.text is not None
    assert faint.text is not None
    darkest_full = min(full.convert("L").tobytes())
    darkest_half = min(half.convert("L").tobytes())
    assert darkest_full == 0
    assert 120 <= darkest_half <= 135
    assert faint.text.contrast < solid.text.contrast
    assert ink_box(before, full) == ink_box(before, half)


# --- never raises ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Emoji 🍝🔥👨‍👩‍👧 and flags 🇫🇷",
        "\x00\x07control\x1b chars\u200b\u200e\u202e reversed",
        "\u200d\u200c",
        "a\u0301\u0302\u0303 stacked marks",
        "\ud800 lone surrogate",
        "\uffff\ufffe noncharacters \U0010ffff",
        "x" * 2000,
        "🍝" * 300,
        "ـــــــــــــ",
        "\n".join(["line"] * 60),
    ],
)
def test_odd_text_never_raises(text: str) -> None:
    report, before, after = draw(text)
    if report.drawn:
        assert inside(ink_box(before, after), BOX)
    else:
        assert report.skipped_because


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=300), font=st.sampled_from(sorted(fonts.FAMILIES)))
def test_any_text_in_any_font_stays_in_its_box(text: str, font: str) -> None:
    report, before, after = draw(text, font=font, letter_spacing=0.05)
    if report.drawn:
        assert report.text is not None
        found = ImageChops.difference(before, after).getbbox()
        if found is not None:
            assert inside(found, BOX)
    else:
        assert report.skipped_because in ("empty text", "no visible glyphs")
