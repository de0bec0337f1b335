"""Template + fields + photo -> pin image: the layers painted in order onto one canvas.

Every layer reports what it did (``report.py``), so a layer is never silently missing: it is
drawn, or skipped with a reason (no photo, an empty field, a visibility rule).
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageChops, ImageDraw

from pinsmith.render import shapes
from pinsmith.render.fields import PinFields, fill_placeholders
from pinsmith.render.palette import RGBA, Palette, palette_for, parse_hex
from pinsmith.render.report import Bounds, LayerReport, Rendered
from pinsmith.render.source import open_photo
from pinsmith.render.spec import (
    Box,
    Gradient,
    ImageLayer,
    Paint,
    ShapeLayer,
    TemplateSpec,
    TextLayer,
)
from pinsmith.render.text import draw_text

JPEG_QUALITY = 90
Photo = bytes | Image.Image | None


def render(
    spec: TemplateSpec, fields: PinFields, photo: Photo = None, *, colour: str | None = None
) -> Rendered:
    """Paint ``spec`` for one pin. ``colour`` (hex, ``#`` optional) seeds the palette instead of
    the template's own; a photo given as bytes is decoded only as large as the template shows it.
    ``PhotoError`` when the bytes are not a usable image."""
    palette = palette_for(_seed(colour) if colour else spec.colour)
    picture = _decoded(spec, photo)
    canvas = Image.new("RGB", (spec.width, spec.height), (255, 255, 255))
    if not _hides_background(spec, picture):
        _paint(canvas, (0, 0, spec.width, spec.height), spec.background, palette, 1.0, None)
    rendered = Rendered(canvas)
    for index, layer in enumerate(spec.layers):
        rendered.layers.append(_draw_layer(canvas, index, layer, fields, picture, palette))
    return rendered


def render_jpeg(
    spec: TemplateSpec,
    fields: PinFields,
    photo: Photo = None,
    *,
    colour: str | None = None,
    quality: int = JPEG_QUALITY,
) -> bytes:
    buffer = BytesIO()
    render(spec, fields, photo, colour=colour).image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def largest_photo_box(spec: TemplateSpec) -> tuple[int, int] | None:
    """The biggest size any image layer shows the photo at: the most a decode needs."""
    sizes = [
        (round(layer.box.width), round(layer.box.height))
        for layer in spec.layers
        if isinstance(layer, ImageLayer)
    ]
    if not sizes:
        return None
    return max(width for width, _ in sizes), max(height for _, height in sizes)


def _hides_background(spec: TemplateSpec, photo: Image.Image | None) -> bool:
    """A first layer that is an opaque photo over the whole canvas: painting the background
    beneath it would be work nobody sees (a full-canvas gradient costs milliseconds)."""
    first = spec.layers[0]
    return (
        photo is not None
        and photo.mode == "RGB"
        and isinstance(first, ImageLayer)
        and first.visible != "without_image"
        and first.fit == "cover"
        and first.shape == "rectangle"
        and first.opacity == 1
        and first.box.x <= 0
        and first.box.y <= 0
        and first.box.x + first.box.width >= spec.width
        and first.box.y + first.box.height >= spec.height
    )


def _seed(colour: str) -> str:
    red, green, blue, _ = parse_hex(colour)
    return f"#{red:02x}{green:02x}{blue:02x}"


def _decoded(spec: TemplateSpec, photo: Photo) -> Image.Image | None:
    if photo is None or isinstance(photo, Image.Image):
        return photo
    box = largest_photo_box(spec)
    if box is None:
        return None  # the template shows no photo: do not even decode it
    return open_photo(photo, at_least=box)


def _draw_layer(
    canvas: Image.Image,
    index: int,
    layer: ImageLayer | ShapeLayer | TextLayer,
    fields: PinFields,
    photo: Image.Image | None,
    palette: Palette,
) -> LayerReport:
    def skipped(reason: str) -> LayerReport:
        return LayerReport(index, layer.kind, layer.name, drawn=False, skipped_because=reason)

    if layer.visible == "with_image" and photo is None:
        return skipped("shown only with a photo")
    if layer.visible == "without_image" and photo is not None:
        return skipped("shown only without a photo")
    if isinstance(layer, TextLayer):
        text = fill_placeholders(layer.text, fields)
        if text is None:
            return skipped("names an empty field")
        return draw_text(canvas, layer, text, palette, index)
    if isinstance(layer, ImageLayer):
        if photo is None:
            return skipped("no photo")
        bounds = _draw_photo(canvas, layer, photo, palette)
    else:
        bounds = _draw_shape(canvas, layer, palette)
    if bounds is None:
        return skipped("lies outside the canvas")
    return LayerReport(index, layer.kind, layer.name, drawn=True, bounds=bounds)


def _draw_shape(canvas: Image.Image, layer: ShapeLayer, palette: Palette) -> Bounds | None:
    box = layer.box
    if layer.shape == "band":
        corners, (width, height) = shapes.band_points(box.width, box.height, layer.angle)
        left = box.x + box.width / 2 - width / 2
        top = box.y + box.height / 2 - height / 2
        area = (round(left), round(top), round(left + width), round(top + height))
        coverage = _band_mask(corners, area[2] - area[0], area[3] - area[1])
        ring = (
            _band_mask(corners, area[2] - area[0], area[3] - area[1], outline=layer.outline.width)
            if layer.outline is not None
            else None
        )
    else:
        area = _area(box)
        coverage = _shape_mask(layer, area)
        ring = _shape_mask(layer, area, outline=layer.outline.width) if layer.outline else None
    drawn = _paint(canvas, area, layer.fill, palette, layer.opacity, coverage)
    if layer.outline is not None and ring is not None:
        _paint(canvas, area, layer.outline.colour, palette, layer.opacity, ring)
    return drawn


def _shape_mask(layer: ShapeLayer, area: Bounds, *, outline: int = 0) -> Image.Image:
    """The layer's cached coverage over ``area``; with ``outline``, the ring along its edge."""
    return shapes.mask(
        layer.shape,
        area[2] - area[0],
        area[3] - area[1],
        radius=layer.radius,
        amplitude=layer.amplitude,
        waves=layer.waves,
        phase=layer.phase,
        edge=layer.edge,
        seed=layer.seed,
        outline=outline,
    )


def _band_mask(
    corners: list[shapes.Point], width: int, height: int, *, outline: int = 0
) -> Image.Image:
    scale = shapes.SUPERSAMPLE
    big = Image.new("L", (max(1, width) * scale, max(1, height) * scale), 0)
    scaled = [(x * scale, y * scale) for x, y in corners]
    if outline:
        ImageDraw.Draw(big).line([*scaled, scaled[0]], fill=255, width=outline * scale)
    else:
        ImageDraw.Draw(big).polygon(scaled, fill=255)
    return big.reduce(scale)


def _draw_photo(
    canvas: Image.Image, layer: ImageLayer, photo: Image.Image, palette: Palette
) -> Bounds | None:
    left, top, right, bottom = _area(layer.box)
    width, height = right - left, bottom - top
    placed, offset = _fitted(photo, layer, width, height)
    if layer.tint is not None and layer.tint_opacity > 0:
        tint = Image.new(placed.mode, placed.size, palette.resolve(layer.tint)[: len(placed.mode)])
        placed = Image.blend(placed, tint, layer.tint_opacity)
    shape = {"rectangle": "rectangle", "rounded": "rounded", "circle": "ellipse"}[layer.shape]
    coverage: Image.Image | None = None
    if shape != "rectangle" or layer.fit == "contain":
        coverage = shapes.mask(shape, width, height, radius=layer.radius)
        coverage = coverage.crop(
            (offset[0], offset[1], offset[0] + placed.width, offset[1] + placed.height)
        )
    if placed.mode == "RGBA":
        alpha = placed.getchannel("A")
        coverage = alpha if coverage is None else _multiply(coverage, alpha)
    if layer.opacity < 1:
        coverage = shapes.with_opacity(
            coverage if coverage is not None else Image.new("L", placed.size, 255), layer.opacity
        )
    position = (left + offset[0], top + offset[1])
    canvas.paste(placed if placed.mode == "RGB" else placed.convert("RGB"), position, coverage)
    if layer.frame is not None:
        ring = shapes.mask(shape, width, height, radius=layer.radius, outline=layer.frame.width)
        _paint(canvas, (left, top, right, bottom), layer.frame.colour, palette, layer.opacity, ring)
    return _clipped((left, top, right, bottom), canvas.size)


def _fitted(
    photo: Image.Image, layer: ImageLayer, width: int, height: int
) -> tuple[Image.Image, tuple[int, int]]:
    """The photo resized for the box, and where it sits inside it.

    ``cover`` crops around the focal point before resizing, in one ``resize(box=...)``: only the
    part that shows is resampled.
    """
    source_width, source_height = photo.size
    if layer.fit == "contain":
        scale = min(width / source_width, height / source_height)
        size = (max(1, round(source_width * scale)), max(1, round(source_height * scale)))
        placed = photo.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)
        return placed, ((width - size[0]) // 2, (height - size[1]) // 2)
    scale = max(width / source_width, height / source_height)
    crop_width, crop_height = width / scale, height / scale
    left = _clamp(layer.focal_x * source_width - crop_width / 2, 0, source_width - crop_width)
    top = _clamp(layer.focal_y * source_height - crop_height / 2, 0, source_height - crop_height)
    crop = (left, top, left + crop_width, top + crop_height)
    placed = photo.resize((width, height), Image.Resampling.BICUBIC, box=crop, reducing_gap=3.0)
    return placed, (0, 0)


def _paint(
    canvas: Image.Image,
    area: Bounds,
    paint: Paint,
    palette: Palette,
    opacity: float,
    coverage: Image.Image | None,
) -> Bounds | None:
    """Fill ``area`` with a colour or a gradient through ``coverage`` (or all of it)."""
    left, top, right, bottom = area
    width, height = right - left, bottom - top
    if width <= 0 or height <= 0 or _clipped(area, canvas.size) is None:
        return None
    if isinstance(paint, Gradient):
        fill = shapes.gradient(
            width, height, palette.resolve(paint.start), palette.resolve(paint.end), paint.angle
        )
        if fill.coverage is not None:
            coverage = fill.coverage if coverage is None else _multiply(coverage, fill.coverage)
        source: Image.Image | tuple[int, int, int] = fill.colours
    else:
        colour: RGBA = palette.resolve(paint)
        source = colour[:3]
        if colour[3] < 255:
            opacity *= colour[3] / 255
    if opacity < 1:
        coverage = shapes.with_opacity(
            coverage if coverage is not None else _solid_mask(width, height), opacity
        )
    if isinstance(source, tuple):
        canvas.paste(source, area, coverage)
    else:
        canvas.paste(source, (left, top), coverage)
    return _clipped(area, canvas.size)


def _solid_mask(width: int, height: int) -> Image.Image:
    return shapes.mask("rectangle", width, height)


def _multiply(first: Image.Image, second: Image.Image) -> Image.Image:
    return ImageChops.multiply(first, second)


def _area(box: Box) -> Bounds:
    left, top = round(box.x), round(box.y)
    return left, top, left + max(1, round(box.width)), top + max(1, round(box.height))


def _clipped(area: Bounds, size: tuple[int, int]) -> Bounds | None:
    left, top = max(0, area[0]), max(0, area[1])
    right, bottom = min(size[0], area[2]), min(size[1], area[3])
    return (left, top, right, bottom) if left < right and top < bottom else None


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high))
