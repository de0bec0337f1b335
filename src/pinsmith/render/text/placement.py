"""Where each fitted line goes in the box, as runs of one font in the order they are drawn.

A line becomes runs of one font and one direction, left to right as they appear (in bidi order
from ``scripts``, or character by character when letter spacing applies), each with its offset
in px. Then the block is aligned in the box; centred vertically, it is centred on its ink, not
its line boxes, so a title without descenders does not ride high (on its line boxes when a pill
is what the eye centres).
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsmith.render.spec import TextLayer
from pinsmith.render.text import metrics
from pinsmith.render.text.layout import Fit, Line, Text
from pinsmith.render.text.scripts import bidi_segments

# --- runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    text: str
    family: str
    rtl: bool
    x: float  # px from the line's left edge


def _visual_runs(line: Line, weight: int, size: int, spacing: float) -> tuple[list[_Run], float]:
    """The line as runs of one font, left to right as they appear, and its width in px."""
    if not line.text:
        return [], 0.0
    if line.spaced:
        return _spaced_runs(line, weight, size, spacing * size)
    if len(set(line.faces)) == 1:
        face = line.faces[0]
        return [_Run(line.text, face, line.rtl, 0.0)], metrics.length(
            face, weight, line.text, line.rtl
        ) * size
    runs: list[_Run] = []
    x = 0.0
    for text, face, rtl in bidi_segments(line.text, line.faces, line.rtl):
        runs.append(_Run(text, face, rtl, x))
        x += metrics.length(face, weight, text, rtl) * size
    return runs, x


def _spaced_runs(line: Line, weight: int, size: int, extra: float) -> tuple[list[_Run], float]:
    """Letter spacing: character by character, each advance kept with its kerning (the pair's
    width less the second character's)."""
    runs: list[_Run] = []
    x = 0.0
    last = len(line.text) - 1
    for position, (char, face) in enumerate(zip(line.text, line.faces, strict=True)):
        if not char.isspace():
            runs.append(_Run(char, face, False, x))
        advance = metrics.length(face, weight, char, False)
        if position < last and line.faces[position + 1] == face:
            following = line.text[position + 1]
            pair = metrics.length(face, weight, char + following, False)
            advance = pair - metrics.length(face, weight, following, False)
        x += advance * size + (extra if position < last else 0.0)
    return runs, x


# --- placing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    line: Line
    runs: list[_Run]
    x: float  # left edge of the advance box, canvas px
    width: float
    baseline: float


@dataclass(frozen=True)
class Block:
    lines: list[_Placed]
    size: int
    ascent: float  # px above each baseline a line occupies (cap height at least)
    descent: float

    def line_box(self, placed: _Placed) -> tuple[float, float, float, float]:
        return (
            placed.x,
            placed.baseline - self.ascent,
            placed.x + placed.width,
            placed.baseline + self.descent,
        )

    def box(self) -> tuple[float, float, float, float]:
        boxes = [self.line_box(placed) for placed in self.lines]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def place(
    prepared: Text, fitted: Fit, inner: tuple[float, float, float, float], layer: TextLayer
) -> Block:
    size = fitted.size
    weight = prepared.weight
    pitch = size * layer.line_height
    ascent, descent = prepared.ascent * size, prepared.descent * size
    count = len(fitted.lines)
    height = ascent + (count - 1) * pitch + descent
    left, top, right, bottom = inner
    if layer.valign == "top":
        first = top + ascent
    elif layer.valign == "bottom":
        first = bottom - height + ascent
    elif layer.pill is not None:
        first = (top + bottom) / 2 - height / 2 + ascent  # the pill is what the eye centres
    else:
        # Centre the ink, not the line boxes: a title without descenders must not ride high.
        ink_top = ascent - prepared.ink_top * size
        ink_bottom = ascent + (count - 1) * pitch + prepared.ink_bottom * size
        first = (top + bottom) / 2 - (ink_top + ink_bottom) / 2 + ascent
    if height <= bottom - top:
        first = min(max(first, top + ascent), bottom - height + ascent)
    placed: list[_Placed] = []
    for number, line in enumerate(fitted.lines):
        runs, width = _visual_runs(line, weight, size, layer.letter_spacing)
        head, tail = _ends(line, weight)
        overhang_left, overhang_right = head.left * size, tail.right * size
        if layer.align == "left":
            x = left + overhang_left
        elif layer.align == "right":
            x = right - width - overhang_right
        else:
            x = (left + right) / 2 - width / 2
        x = max(min(x, right - width - overhang_right), left + overhang_left)
        placed.append(_Placed(line, runs, x, width, first + number * pitch))
    return Block(placed, size, ascent, descent)


def _ends(line: Line, weight: int) -> tuple[metrics.Glyph, metrics.Glyph]:
    """The glyphs at the line's left and right ends (swapped for right-to-left lines)."""
    if not line.text:
        empty = metrics.Glyph(0.0, 0.0, 0.0, 0.0, 0.0)
        return empty, empty
    first = metrics.glyph(line.faces[0], weight, line.text[0])
    last = metrics.glyph(line.faces[-1], weight, line.text[-1])
    return (last, first) if line.rtl else (first, last)
