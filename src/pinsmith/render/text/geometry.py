"""Rectangles in canvas px, shared by ``draw_text``, ``backdrop`` and ``painting``.

Text is placed in fractional px but sampled and painted on whole pixels: these turn one into
the other (``outer``, ``inner``, ``rounded``) and grow, intersect, unite and shift boxes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pinsmith.render.spec import TextLayer

Rect = tuple[int, int, int, int]


def visible_box(
    layer: TextLayer, size: tuple[int, int]
) -> tuple[float, float, float, float] | None:
    box = layer.box
    left, top = max(0.0, box.x), max(0.0, box.y)
    right, bottom = min(float(size[0]), box.x + box.width), min(float(size[1]), box.y + box.height)
    if right - left < 1 or bottom - top < 1:
        return None
    return left, top, right, bottom


def outer(rect: tuple[float, float, float, float]) -> Rect:
    """The whole pixels a rectangle touches."""
    return (
        math.floor(rect[0]),
        math.floor(rect[1]),
        math.ceil(rect[2]),
        math.ceil(rect[3]),
    )


def inner(rect: tuple[float, float, float, float]) -> Rect:
    return (math.ceil(rect[0]), math.ceil(rect[1]), math.floor(rect[2]), math.floor(rect[3]))


def rounded(rect: tuple[float, float, float, float]) -> Rect:
    return (round(rect[0]), round(rect[1]), round(rect[2]), round(rect[3]))


def grow(rect: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


def intersect(rect: Rect, other: Rect) -> Rect | None:
    left, top = max(rect[0], other[0]), max(rect[1], other[1])
    right, bottom = min(rect[2], other[2]), min(rect[3], other[3])
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def union(rects: Sequence[Rect]) -> Rect:
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def shift(rect: Rect, origin: tuple[int, int]) -> Rect:
    return rect[0] - origin[0], rect[1] - origin[1], rect[2] - origin[0], rect[3] - origin[1]
