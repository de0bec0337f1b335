"""The 15 built-in templates, checked on the pixels: with and without a photo, short and long
titles, accents, any colour. Text stays inside the canvas and its box, reads at WCAG 4.5:1
against what is really around it, and no layer goes missing without a reason."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

from pinsmith.render import BUILTIN_NAMES, PinFields, Rendered, builtin_template, render
from pinsmith.render.palette import MIN_CONTRAST, contrast
from pinsmith.render.spec import TemplateSpec, TextLayer

PHOTOS = Path(__file__).parents[1] / "fixtures" / "photos"
SHORT = "Easy Tacos"
LONG = "27 Cozy Fall Soup Recipes That Warm You Up From the Inside Out, Ready in Under One Hour!!"
SCRIM_MARGIN = 64  # a scrim laid under text on a busy background reaches a little past the box
ACCENTS = "Crème brûlée façile: Łódź, Straße, ñandú, Øresund, İstanbul, Đà Nẵng"


@cache
def photo(name: str) -> Image.Image:
    with Image.open(PHOTOS / name) as image:
        return image.convert("RGB")


def fields(title: str) -> PinFields:
    return PinFields(
        title=title, description="Weeknight dinners in 30 minutes", url_text="blog.com"
    )


def text_layers(spec: TemplateSpec) -> dict[int, TextLayer]:
    return {i: layer for i, layer in enumerate(spec.layers) if isinstance(layer, TextLayer)}


def check_text_reads(rendered: Rendered, spec: TemplateSpec) -> None:
    """Every drawn text layer: inside the canvas and its box, at 4.5:1 by the report and by the
    pixels around its glyphs."""
    width, height = rendered.image.size
    layers = text_layers(spec)
    for report in rendered.layers:
        if report.kind != "text" or not report.drawn:
            continue
        assert report.bounds is not None
        assert report.text is not None
        left, top, right, bottom = report.bounds
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height
        layer = layers[report.index]
        margin = 2 + (layer.pill.padding_x if layer.pill else 0) + SCRIM_MARGIN
        box = layer.box
        assert left >= box.x - margin, report
        assert right <= box.x + box.width + margin, report
        assert report.text.contrast >= MIN_CONTRAST, report
        check_pixels_around_glyphs(rendered.image, report.bounds, report.text.colour)


def check_pixels_around_glyphs(
    image: Image.Image, bounds: tuple[int, int, int, int], colour: tuple[int, int, int]
) -> None:
    """The glyphs' own colour against the ring of pixels just outside them (past the
    anti-aliased edge): 95% of that ring must reach the contrast bar."""
    region = image.crop(bounds)
    solid = Image.new("RGB", region.size, colour)
    distance = ImageChops.difference(region, solid).convert("L")
    ink = distance.point(lambda value: 255 if value < 12 else 0)
    if ink.getbbox() is None:
        pytest.fail(f"no pixel in {bounds} has the reported text colour {colour}")
    near = ink.filter(ImageFilter.MaxFilter(5))
    around = ink.filter(ImageFilter.MaxFilter(13))
    ring = ImageChops.subtract(around, near)
    pixels = [
        region.getpixel((x, y))
        for y in range(0, region.height, 2)
        for x in range(0, region.width, 2)
        if ring.getpixel((x, y))
    ]
    ratios = sorted(contrast(colour, pixel[:3]) for pixel in pixels)  # type: ignore[index]
    assert ratios, "no background around the glyphs"
    assert ratios[len(ratios) // 20] >= MIN_CONTRAST - 0.3, (bounds, colour, ratios[:5])


@pytest.mark.parametrize("name", BUILTIN_NAMES)
@pytest.mark.parametrize("with_photo", [True, False], ids=["photo", "no-photo"])
@pytest.mark.parametrize("title", [SHORT, LONG, ACCENTS], ids=["short", "long", "accents"])
def test_every_template_renders_readable_text_inside_the_canvas(
    name: str, with_photo: bool, title: str
) -> None:
    spec = builtin_template(name)
    assert spec is not None
    picture = photo("coffee.jpg") if with_photo else None
    rendered = render(spec, fields(title), picture)
    assert rendered.image.size == (1000, 1500)
    for report in rendered.layers:
        assert report.drawn or report.skipped_because, report  # never silently missing
    check_text_reads(rendered, spec)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_the_title_shows_unless_the_template_is_image_only(name: str) -> None:
    spec = builtin_template(name)
    assert spec is not None
    with_title = render(spec, fields(SHORT)).image
    without_title = render(spec, fields("")).image  # an empty title hides its layers
    changed = ImageChops.difference(with_title, without_title).getbbox()
    assert changed is not None, "the title drew nothing"
    titles = [
        layer.box
        for layer in spec.layers
        if isinstance(layer, TextLayer) and "{title}" in layer.text
    ]
    assert any(
        box.x - 60 <= changed[0] and changed[2] <= box.x + box.width + 60 for box in titles
    ), changed


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_each_template_uses_the_photo_and_the_colour(name: str) -> None:
    spec = builtin_template(name)
    assert spec is not None
    plain = render(spec, fields(SHORT), colour="#1f6feb").image
    pictured = render(spec, fields(SHORT), photo("cat.jpg"), colour="#1f6feb").image
    recoloured = render(spec, fields(SHORT), colour="#e63946").image
    assert ImageChops.difference(plain, pictured).getbbox() is not None
    assert ImageChops.difference(plain, recoloured).getbbox() is not None


def test_the_fifteen_designs_are_distinct() -> None:
    thumbnails = [
        render(builtin_template(name), fields(SHORT), photo("rocket.jpg")).image.resize((50, 75))  # type: ignore[arg-type]
        for name in BUILTIN_NAMES
    ]
    for index, first in enumerate(thumbnails):
        for second in thumbnails[index + 1 :]:
            difference = ImageChops.difference(first, second).convert("L")
            mean = sum(difference.tobytes()) / (50 * 75)
            assert mean > 4, "two built-ins look the same"


def test_empty_description_and_url_hide_their_layers() -> None:
    spec = builtin_template("StandardTemplate")
    assert spec is not None
    rendered = render(spec, PinFields(title=SHORT))
    skipped = {report.name: report.skipped_because for report in rendered.layers}
    assert skipped["Description"] == "names an empty field"
    assert skipped["URL"] == "names an empty field"


def test_a_custom1_layer_renders_its_value_or_the_placeholder() -> None:
    spec = TemplateSpec.model_validate(
        {
            "layers": [
                {
                    "kind": "text",
                    "name": "Badge",
                    "text": "{custom1}",
                    "box": {"x": 100, "y": 100, "width": 800, "height": 200},
                },
            ]
        }
    )
    given = render(spec, PinFields.from_request({"title": "t", "custom1": "Sale ends Friday"}))
    missing = render(spec, PinFields(title="t"))
    assert given.layer("Badge").text.text == "Sale ends Friday"  # type: ignore[union-attr]
    assert missing.layer("Badge").text.text == "{custom1}"  # type: ignore[union-attr]
    assert ImageChops.difference(given.image, missing.image).getbbox() is not None


def test_a_two_thousand_character_title_is_fitted_or_cut_inside_its_box() -> None:
    spec = builtin_template("StandardTemplate")
    assert spec is not None
    rendered = render(spec, fields("word " * 400))
    title = rendered.layer("Title")
    assert title.text is not None
    assert title.text.truncated
    assert title.text.text.endswith("…")
    check_text_reads(rendered, spec)
