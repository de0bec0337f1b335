"""One text layer: fit, wrap, shape and draw the text so it reads on whatever lies behind it.

``draw_text`` is the layer's one entry point; each step lives in a module named for it:

- ``metrics``: widths and glyph extents in ems, measured once at ``REF`` px and cached, so that
  auto-fit can try many sizes cheaply.
- ``scripts``: per character, a font that really has it, the direction (a reduced Unicode bidi
  algorithm) and where a line may break (words, and between CJK characters).
- ``layout``: the text cleaned into paragraphs and fitted: size, wrapping, balance, ellipsis.
- ``placement``: where each fitted line sits in the box, as runs of one font in visual order.
- ``backdrop``: what lies behind the text, the colour that reads on it, and the scrim when none
  reaches WCAG's 4.5:1.
- ``painting``: scrim, pill, shadow, stroke and fill, composited once onto the canvas.
- ``geometry``: rectangles in canvas px.
"""

from __future__ import annotations

import math

from PIL import Image

from pinsmith.render.palette import Palette
from pinsmith.render.report import LayerReport, TextDetails
from pinsmith.render.spec import TextLayer
from pinsmith.render.text.geometry import visible_box
from pinsmith.render.text.layout import Text
from pinsmith.render.text.metrics import REF
from pinsmith.render.text.painting import paint
from pinsmith.render.text.placement import place

__all__ = ["REF", "draw_text"]


def draw_text(
    canvas: Image.Image, layer: TextLayer, text: str, palette: Palette, index: int
) -> LayerReport:
    """Paint ``layer`` with ``text`` (placeholders already filled) onto ``canvas`` in place."""

    def skipped(reason: str) -> LayerReport:
        return LayerReport(index, "text", layer.name, drawn=False, skipped_because=reason)

    if not text.strip():
        return skipped("empty text")
    if layer.opacity <= 0:
        return skipped("fully transparent")
    area = visible_box(layer, canvas.size)
    if area is None:
        return skipped("lies outside the canvas")
    prepared = Text.prepare(text, layer)
    if prepared is None:
        return skipped("empty text")
    pad_x, pad_y = (layer.pill.padding_x, layer.pill.padding_y) if layer.pill else (0, 0)
    stroke = layer.stroke.width if layer.stroke else 0
    inner = (
        area[0] + pad_x + stroke,
        area[1] + pad_y + stroke,
        area[2] - pad_x - stroke,
        area[3] - pad_y - stroke,
    )
    fitted = prepared.fit(inner[2] - inner[0], inner[3] - inner[1])
    if fitted is None:
        return skipped("the box is too small for any text")
    block = place(prepared, fitted, inner, layer)
    painted = paint(canvas, layer, palette, block, area)
    if painted is None:
        return skipped("no visible glyphs")
    bounds, colour, measured = painted
    lines = [placed.line.text for placed in block.lines]
    details = TextDetails(
        text="\n".join(lines),
        lines=lines,
        size=fitted.size,
        colour=colour,
        contrast=math.floor(measured * 100) / 100,  # never rounded up past the bar
        truncated=fitted.truncated,
    )
    return LayerReport(index, "text", layer.name, drawn=True, bounds=bounds, text=details)
