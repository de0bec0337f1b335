"""The placed text painted onto the canvas: scrim, pill, shadow, stroke and fill.

Each part is drawn as a mask over the smallest region that holds them all, scaled by its
opacity and laid in its colour, so the canvas is only touched where there is ink; the text's
own masks are clipped to the layer's box, so text never leaves it.
"""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from pinsmith.render import fonts, shapes
from pinsmith.render.palette import (
    MIN_CONTRAST,
    RGB,
    Palette,
    contrast,
    mix,
    readable,
    worst_contrast,
)
from pinsmith.render.report import Bounds
from pinsmith.render.spec import TextLayer
from pinsmith.render.text import backdrop, metrics
from pinsmith.render.text.geometry import Rect, grow, inner, intersect, outer, rounded, shift, union
from pinsmith.render.text.placement import Block


def paint(
    canvas: Image.Image,
    layer: TextLayer,
    palette: Palette,
    block: Block,
    area: tuple[float, float, float, float],
) -> tuple[Bounds, RGB, float] | None:
    """Choose the colour, then scrim, pill, shadow, stroke and fill, composited once onto the
    canvas through masks over the smallest region that holds them."""
    size = block.size
    opacity = layer.opacity
    canvas_rect: Rect = (0, 0, canvas.width, canvas.height)
    clip = inner(area)
    stroke = layer.stroke.width if layer.stroke else 0
    line_rects = [r for r in (intersect(outer(block.line_box(p)), clip) for p in block.lines) if r]
    if not line_rects:
        return None
    margin = stroke + 0.35 * size  # ink past the line box: accents, swashes, the stroke
    text_rect = intersect(outer(grow(block.box(), margin)), clip)
    if text_rect is None:
        return None
    pill_rects = _pill_rects(layer, block, clip)
    pill_colour = palette.resolve(layer.pill.colour) if layer.pill else None
    pill_alpha = pill_colour[3] / 255 * opacity if pill_colour else 0.0

    raw = backdrop.behind(backdrop.sample(canvas, line_rects))
    behind = backdrop.over(raw, pill_colour[:3], pill_alpha) if pill_colour else raw
    rim = palette.resolve(layer.stroke.colour) if layer.stroke else None
    if rim is not None and rim[3] == 255 and stroke >= 2:
        # An opaque outline is the text's own background: it, not the photo, must contrast.
        behind = raw = [rim[:3]]
    if layer.colour == "auto":
        preferred, text_alpha = backdrop.auto_colour(palette, behind), opacity
    else:
        resolved = palette.resolve(layer.colour)
        preferred, text_alpha = resolved[:3], resolved[3] / 255 * opacity
    colour = readable(preferred, behind, palette)
    scrim: backdrop.Scrim | None = None
    if worst_contrast(colour, behind) < MIN_CONTRAST:
        colour, scrim = backdrop.scrim(
            colour, layer.colour == "auto", palette, raw, pill_colour, pill_alpha, block
        )

    region = union([text_rect, *pill_rects])
    shadow = layer.shadow
    if shadow is not None:
        reach = 3 * shadow.blur
        moved = grow(
            (
                text_rect[0] + shadow.dx,
                text_rect[1] + shadow.dy,
                text_rect[2] + shadow.dx,
                text_rect[3] + shadow.dy,
            ),
            reach,
        )
        region = union([region, outer(moved)])
    if scrim is not None:
        region = union([region, scrim.rect])
    visible = intersect(region, canvas_rect)
    if visible is None:
        return None
    region = visible
    origin = (region[0], region[1])

    fill = _text_mask(block, layer.weight, region, 0)
    outline = _text_mask(block, layer.weight, region, stroke) if stroke else fill
    fill = _clipped(fill, shift(text_rect, origin))
    outline = _clipped(outline, shift(text_rect, origin)) if stroke else fill
    if outline.getbbox() is None and not pill_rects:
        return None

    pill_mask = (
        _pill_mask(layer.pill.radius, pill_rects, region) if layer.pill and pill_rects else None
    )
    final = raw
    saved = canvas.crop(region) if scrim is not None else None
    soft = _soft_mask(scrim.core, scrim.fade, region) if scrim is not None else None
    for _ in range(6):
        if scrim is not None and soft is not None:
            _lay(canvas, scrim.colour, region, _scaled(soft, scrim.alpha))
        if pill_mask is not None and pill_colour is not None:
            _lay(canvas, pill_colour[:3], region, _scaled(pill_mask, pill_alpha))
        if (scrim is None and pill_mask is None) or (len(raw) == 1 and raw[0] == behind[0]):
            break  # nothing was laid under the text, or an outline is: the first reading stands
        final = backdrop.behind(backdrop.sample(canvas, line_rects))
        if scrim is None or worst_contrast(colour, final) >= MIN_CONTRAST or scrim.alpha >= 1:
            break
        assert saved is not None
        canvas.paste(saved, origin)  # too faint after all: again, a little stronger
        scrim = backdrop.Scrim(scrim.colour, min(1.0, scrim.alpha + 0.1), scrim.core, scrim.fade)
    effective = min(
        (contrast(mix(other, colour, text_alpha), other) for other in final), default=21.0
    )

    masks: list[Image.Image] = []
    if scrim is not None and soft is not None:
        masks.append(_scaled(soft, scrim.alpha))
    if pill_mask is not None:
        masks.append(_scaled(pill_mask, pill_alpha))
    if shadow is not None:
        shade = palette.resolve(shadow.colour)
        shadow_mask = _scaled(
            _shadow_mask(outline, shadow.dx, shadow.dy, shadow.blur), shade[3] / 255 * opacity
        )
        _lay(canvas, shade[:3], region, shadow_mask)
        masks.append(shadow_mask)
    if layer.stroke is not None:
        rim = palette.resolve(layer.stroke.colour)
        rim_mask = _scaled(outline, rim[3] / 255 * opacity)
        _lay(canvas, rim[:3], region, rim_mask)
        masks.append(rim_mask)
    fill_mask = _scaled(fill, text_alpha)
    _lay(canvas, colour, region, fill_mask)
    masks.append(fill_mask)
    drawn = [b for b in (mask.getbbox() for mask in masks) if b is not None]
    if not drawn:
        return None
    bounds = union([(b[0], b[1], b[2], b[3]) for b in drawn])
    return shift(bounds, (-origin[0], -origin[1])), colour, effective


def _lay(canvas: Image.Image, colour: RGB, region: Rect, mask: Image.Image) -> None:
    """``colour`` through ``mask`` (placed at ``region``), over the mask's ink only. A solid
    image pasted through a mask blends about twice as fast as Pillow's colour fill."""
    found = mask.getbbox()
    if found is None:
        return
    if found != (0, 0, mask.width, mask.height):
        mask = mask.crop(found)
    box = (region[0] + found[0], region[1] + found[1], region[0] + found[2], region[1] + found[3])
    canvas.paste(Image.new("RGB", mask.size, colour), box, mask)


def _text_mask(block: Block, weight: int, region: Rect, stroke: int) -> Image.Image:
    mask = Image.new("L", (region[2] - region[0], region[3] - region[1]), 0)
    draw = ImageDraw.Draw(mask)
    for placed in block.lines:
        for run in placed.runs:
            font = fonts.load(run.family, weight, block.size)
            position = (placed.x + run.x - region[0], placed.baseline - region[1])
            try:
                draw.text(
                    position,
                    run.text,
                    fill=255,
                    font=font,
                    anchor="ls",
                    direction=metrics.direction(run.rtl),
                    stroke_width=stroke,
                    stroke_fill=255,
                )
            except (OSError, ValueError):  # FreeType refused this run: the rest still shows
                continue
    return mask


def _pill_rects(layer: TextLayer, block: Block, clip: Rect) -> list[Rect]:
    pill = layer.pill
    if pill is None:
        return []
    boxes = (
        [block.line_box(placed) for placed in block.lines if placed.line.text]
        if pill.per_line
        else [block.box()]
    )
    rects = []
    for left, top, right, bottom in boxes:
        grown = (
            left - pill.padding_x,
            top - pill.padding_y,
            right + pill.padding_x,
            bottom + pill.padding_y,
        )
        rect = intersect(rounded(grown), clip)
        if rect is not None:
            rects.append(rect)
    return rects


def _pill_mask(radius: int, rects: list[Rect], region: Rect) -> Image.Image:
    mask = Image.new("L", (region[2] - region[0], region[3] - region[1]), 0)
    for rect in rects:
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        corner = min(radius, width // 2, height // 2)
        shape = shapes.mask("rounded", width, height, radius=corner)
        spot = shift(rect, (region[0], region[1]))
        # Per-line pills may overlap: the union, so a translucent pill is not darker there.
        mask.paste(ImageChops.lighter(mask.crop(spot), shape), spot)
    return mask


def _soft_mask(core: Rect, fade: float, region: Rect) -> Image.Image:
    """A rounded rectangle over ``core`` fading out over ``fade`` px beyond it: its edge lies
    half the fade out, blurred so that it is nearly whole at ``core`` (two sigmas in: 98%, and
    the contrast is measured after) and nearly gone at the far end, with no visible step
    anywhere. Drawn and blurred at a quarter size: a soft edge needs no detail."""
    scale = 4
    width, height = region[2] - region[0], region[3] - region[1]
    small = Image.new("L", (math.ceil(width / scale) + 1, math.ceil(height / scale) + 1), 0)
    edge = grow(shift(core, (region[0], region[1])), fade / 2)
    ImageDraw.Draw(small).rounded_rectangle(
        tuple(value / scale for value in edge), radius=fade / scale, fill=255
    )
    small = small.filter(ImageFilter.GaussianBlur(fade / 4 / scale))
    soft = small.resize((small.width * scale, small.height * scale), Image.Resampling.BILINEAR)
    return soft.crop((0, 0, width, height))


def _shadow_mask(outline: Image.Image, dx: int, dy: int, blur: int) -> Image.Image:
    """The text's own shape moved and blurred; only the part near the text is blurred, at a
    reduced scale for wide blurs (the result is soft anyway)."""
    moved = Image.new("L", outline.size, 0)
    moved.paste(outline, (dx, dy))
    if blur <= 0:
        return moved
    found = moved.getbbox()
    if found is None:
        return moved
    reach = 3 * blur
    spot = (
        max(0, found[0] - reach),
        max(0, found[1] - reach),
        min(moved.width, found[2] + reach),
        min(moved.height, found[3] + reach),
    )
    part = moved.crop(spot)
    factor = 1 if blur < 4 else 2 if blur < 10 else 4
    if factor > 1 and part.width >= factor and part.height >= factor:
        small = part.reduce(factor).filter(ImageFilter.GaussianBlur(blur / factor))
        part = small.resize(part.size, Image.Resampling.BILINEAR)
    else:
        part = part.filter(ImageFilter.GaussianBlur(blur))
    moved.paste(part, spot[:2])
    return moved


def _scaled(mask: Image.Image, alpha: float) -> Image.Image:
    return shapes.with_opacity(mask, max(0.0, min(1.0, alpha)))


def _clipped(mask: Image.Image, keep: Rect) -> Image.Image:
    """``mask`` with everything outside ``keep`` cleared: text never leaves its box."""
    if keep == (0, 0, mask.width, mask.height):
        return mask
    clipped = Image.new("L", mask.size, 0)
    clipped.paste(mask.crop(keep), keep[:2])
    return clipped
