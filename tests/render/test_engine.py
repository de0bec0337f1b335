"""Layers painted in order, each one reported: drawn where it says, or skipped with a reason."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from PIL import Image

from pinsmith.render import PinFields, TemplateSpec, render, render_jpeg
from pinsmith.render.palette import palette_for

RED, BLUE = (220, 20, 20), (20, 20, 220)


def spec(*layers: dict[str, Any], **canvas: Any) -> TemplateSpec:
    return TemplateSpec.model_validate({"width": 400, "height": 600, **canvas, "layers": layers})


def box(x: float, y: float, width: float, height: float) -> dict[str, float]:
    return {"x": x, "y": y, "width": width, "height": height}


def halves(width: int = 200, height: int = 100) -> Image.Image:
    """Left half red, right half blue: where a crop lands shows in the colour."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def near(pixel: Any, colour: tuple[int, int, int], tolerance: int = 30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_cover_fills_the_box_and_crops_around_the_focal_point() -> None:
    template = spec({"kind": "image", "box": box(0, 0, 400, 600), "focal_x": 0.0})
    image = render(template, PinFields(), halves()).image
    assert near(image.getpixel((200, 300)), RED)  # focal on the left: the red half fills it
    right = spec({"kind": "image", "box": box(0, 0, 400, 600), "focal_x": 1.0})
    assert near(render(right, PinFields(), halves()).image.getpixel((200, 300)), BLUE)


def test_contain_shows_all_of_the_photo_inside_the_box() -> None:
    template = spec(
        {"kind": "image", "box": box(0, 0, 400, 600), "fit": "contain"}, background="#00ff00"
    )
    image = render(template, PinFields(), halves()).image
    assert near(image.getpixel((10, 300)), RED)
    assert near(image.getpixel((390, 300)), BLUE)
    assert near(image.getpixel((200, 10)), (0, 255, 0))  # letterboxed above and below


def test_circle_crop_leaves_the_corners_to_what_is_beneath() -> None:
    template = spec(
        {"kind": "image", "box": box(0, 0, 400, 400), "shape": "circle"}, background="#00ff00"
    )
    image = render(template, PinFields(), Image.new("RGB", (50, 50), RED)).image
    assert near(image.getpixel((200, 200)), RED)
    assert near(image.getpixel((5, 5)), (0, 255, 0))


def test_a_frame_rings_the_photo() -> None:
    template = spec(
        {
            "kind": "image",
            "box": box(50, 50, 300, 300),
            "frame": {"width": 10, "colour": "#000000"},
        }
    )
    image = render(template, PinFields(), Image.new("RGB", (50, 50), RED)).image
    assert near(image.getpixel((52, 200)), (0, 0, 0))
    assert near(image.getpixel((200, 200)), RED)


def test_bytes_are_decoded_only_as_large_as_the_layer_shows() -> None:
    buffer = BytesIO()
    Image.new("RGB", (4000, 4000), RED).save(buffer, "JPEG")
    template = spec({"kind": "image", "box": box(0, 0, 400, 600)})
    rendered = render(template, PinFields(), buffer.getvalue())
    assert near(rendered.image.getpixel((100, 100)), RED)


def test_visibility_follows_the_photo_and_every_skip_has_a_reason() -> None:
    template = spec(
        {"kind": "image", "name": "photo", "box": box(0, 0, 400, 300)},
        {
            "kind": "shape",
            "name": "only-with",
            "shape": "rectangle",
            "box": box(0, 300, 400, 100),
            "visible": "with_image",
        },
        {
            "kind": "shape",
            "name": "only-without",
            "shape": "rectangle",
            "box": box(0, 400, 400, 100),
            "visible": "without_image",
        },
    )
    without = render(template, PinFields())
    assert [layer.drawn for layer in without.layers] == [False, False, True]
    assert without.layer("photo").skipped_because == "no photo"
    assert without.layer("only-with").skipped_because == "shown only with a photo"
    with_photo = render(template, PinFields(), halves())
    assert [layer.drawn for layer in with_photo.layers] == [True, True, False]


def test_palette_roles_follow_the_pin_colour() -> None:
    template = spec({"kind": "shape", "shape": "rectangle", "box": box(0, 0, 400, 600)})
    assert render(template, PinFields(), colour="ae3ac4").image.getpixel((5, 5)) == (174, 58, 196)
    assert render(template, PinFields(), colour="#2d8f4e").image.getpixel((5, 5)) == (45, 143, 78)
    assert (
        render(template, PinFields()).image.getpixel((5, 5))
        == palette_for(template.colour).colours["primary"]
    )


def test_opacity_and_translucent_colours_blend_with_what_is_beneath() -> None:
    template = spec(
        {
            "kind": "shape",
            "shape": "rectangle",
            "box": box(0, 0, 200, 600),
            "fill": "#000000",
            "opacity": 0.5,
        },
        {"kind": "shape", "shape": "rectangle", "box": box(200, 0, 200, 600), "fill": "#00000080"},
        background="#ffffff",
    )
    image = render(template, PinFields()).image
    assert near(image.getpixel((100, 300)), (128, 128, 128), 3)
    assert near(image.getpixel((300, 300)), (127, 127, 127), 3)


def test_a_shape_past_the_edge_is_clipped_and_one_wholly_outside_is_reported() -> None:
    template = spec(
        {"kind": "shape", "name": "half-out", "shape": "ellipse", "box": box(-200, -200, 400, 400)},
        {"kind": "shape", "name": "gone", "shape": "rectangle", "box": box(500, 700, 50, 50)},
    )
    rendered = render(template, PinFields())
    assert rendered.layer("half-out").bounds == (0, 0, 200, 200)
    assert rendered.layer("gone").skipped_because == "lies outside the canvas"


@pytest.mark.parametrize("shape", ["rectangle", "rounded", "ellipse", "wave", "blob", "band"])
def test_every_shape_draws(shape: str) -> None:
    template = spec(
        {
            "kind": "shape",
            "shape": shape,
            "box": box(50, 50, 300, 300),
            "fill": "#000000",
            "radius": 30,
            "angle": 20,
        },
        background="#ffffff",
    )
    rendered = render(template, PinFields())
    assert rendered.layers[0].drawn
    assert near(rendered.image.getpixel((200, 250)), (0, 0, 0))
    assert near(rendered.image.getpixel((398, 598)), (255, 255, 255))


def test_a_gradient_background() -> None:
    template = spec(
        {"kind": "shape", "shape": "rectangle", "box": box(0, 0, 1, 1), "fill": "#ffffff"},
        background={"start": "#000000", "end": "#ffffff", "angle": 0},
    )
    image = render(template, PinFields()).image
    assert image.getpixel((200, 2))[0] < 10
    assert image.getpixel((200, 597))[0] > 245


def test_render_jpeg_is_a_jpeg_of_the_template_size() -> None:
    template = spec({"kind": "shape", "shape": "ellipse", "box": box(0, 0, 400, 600)})
    data = render_jpeg(template, PinFields())
    with Image.open(BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (400, 600))


@pytest.mark.parametrize("shape", ["ellipse", "rounded", "band", "blob"])
def test_an_outline_rings_a_shape_of_any_kind(shape: str) -> None:
    template = spec(
        {
            "kind": "shape",
            "shape": shape,
            "box": box(50, 50, 300, 300),
            "fill": "#ffffff",
            "radius": 20,
            "outline": {"width": 8, "colour": "#000000"},
        },
        background="#ff0000",
    )
    image = render(template, PinFields()).image
    assert near(image.getpixel((200, 200)), (255, 255, 255))
    edge = [image.getpixel((x, 200)) for x in range(40, 70)]
    assert any(near(pixel, (0, 0, 0), 60) for pixel in edge)
