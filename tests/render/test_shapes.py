"""Shapes are smooth-edged and cached; gradients run the way the spec says."""

from __future__ import annotations

from pinsmith.render import shapes


def test_an_ellipse_mask_has_soft_edges() -> None:
    mask = shapes.mask("ellipse", 200, 200)
    values = set(mask.tobytes())
    assert 0 in values
    assert 255 in values
    assert any(0 < value < 255 for value in values)  # anti-aliased, not stair-stepped
    assert mask.getpixel((100, 100)) == 255
    assert mask.getpixel((2, 2)) == 0


def test_masks_are_cached_per_geometry() -> None:
    assert shapes.mask("rounded", 300, 100, radius=20) is shapes.mask(
        "rounded", 300, 100, radius=20
    )
    assert shapes.mask("rounded", 300, 100, radius=20) is not shapes.mask("rounded", 300, 100)


def test_a_top_wave_fills_below_its_crest() -> None:
    mask = shapes.mask("wave", 400, 200, amplitude=40, waves=1, edge="top")
    assert mask.getpixel((200, 199)) == 255
    assert mask.getpixel((100, 2)) == 0
    crest_heights = {next(y for y in range(200) if mask.getpixel((x, y)) > 128) for x in (100, 300)}
    assert len(crest_heights) == 2  # the edge is a wave, not a line


def test_a_blob_stays_inside_its_box_and_depends_on_its_seed() -> None:
    first = shapes.mask("blob", 300, 300, seed=1)
    second = shapes.mask("blob", 300, 300, seed=2)
    assert first.getbbox() is not None
    assert first.tobytes() != second.tobytes()
    assert first.getpixel((150, 150)) == 255


def test_an_outline_is_a_ring() -> None:
    ring = shapes.mask("ellipse", 200, 200, outline=6)
    assert ring.getpixel((100, 100)) == 0
    assert ring.getpixel((100, 2)) > 128


def test_gradient_directions() -> None:
    black, white = (0, 0, 0, 255), (255, 255, 255, 255)
    down = shapes.gradient(100, 100, black, white, 0).colours
    assert down.getpixel((50, 0))[0] < 10
    assert down.getpixel((50, 99))[0] > 245
    across = shapes.gradient(100, 100, black, white, 90).colours
    assert across.getpixel((0, 50))[0] < 10
    assert across.getpixel((99, 50))[0] > 245
    diagonal = shapes.gradient(100, 100, black, white, 45).colours
    assert diagonal.getpixel((0, 0))[0] < 10
    assert diagonal.getpixel((99, 99))[0] > 245


def test_band_points_turn_about_the_centre() -> None:
    _corners, (width, height) = shapes.band_points(100, 10, 0)
    assert (width, height) == (100, 10)
    _, (turned_width, turned_height) = shapes.band_points(100, 10, 45)
    assert turned_height > 70
    assert turned_width > 70


def test_a_gradient_knows_whether_it_needs_a_mask() -> None:
    opaque = shapes.gradient(10, 10, (0, 0, 0, 255), (255, 0, 0, 255), 0)
    fading = shapes.gradient(10, 10, (0, 0, 0, 0), (0, 0, 0, 255), 0)
    assert opaque.coverage is None
    assert fading.coverage is not None
    assert fading.coverage.getpixel((5, 0)) < 20
    assert fading.coverage.getpixel((5, 9)) > 235
