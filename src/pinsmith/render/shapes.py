"""Smooth shapes as coverage masks, and the fills painted through them.

Pillow does not anti-alias its shape fills, so every mask is drawn at ``SUPERSAMPLE`` times the
size and reduced: edges come out smooth. Masks depend only on a layer's geometry, fills only on
colours and size, so both are cached: the second pin from a template pays for neither.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from pinsmith.render.palette import RGBA

SUPERSAMPLE = 4
Point = tuple[float, float]


@lru_cache(maxsize=512)
def mask(
    shape: str,
    width: int,
    height: int,
    *,
    radius: int = 0,
    amplitude: float = 0,
    waves: float = 1,
    phase: float = 0,
    edge: str = "top",
    seed: int = 1,
    outline: int = 0,
) -> Image.Image:
    """An ``L`` mask of ``width`` x ``height``: 255 inside the shape, 0 outside, smooth between.

    With ``outline`` > 0, only a ring of that width along the shape's edge.
    """
    scale = SUPERSAMPLE
    big = Image.new("L", (width * scale, height * scale), 0)
    draw = ImageDraw.Draw(big)
    box = (0.0, 0.0, width * scale - 1.0, height * scale - 1.0)
    ring = outline * scale
    fill = None if ring else 255
    line = 255 if ring else None
    if shape == "rectangle":
        draw.rectangle(box, fill=fill, outline=line, width=ring)
    elif shape == "rounded":
        draw.rounded_rectangle(box, radius * scale, fill=fill, outline=line, width=ring)
    elif shape == "ellipse":
        draw.ellipse(box, fill=fill, outline=line, width=ring)
    else:
        points = _outline_points(shape, width, height, amplitude, waves, phase, edge, seed)
        scaled = [(x * scale, y * scale) for x, y in points]
        if ring:
            draw.line([*scaled, scaled[0]], fill=255, width=ring, joint="curve")
        else:
            draw.polygon(scaled, fill=255)
    return big.reduce(scale)


def with_opacity(source: Image.Image, opacity: float) -> Image.Image:
    """``source`` scaled by ``opacity`` (a new mask: cached masks are never changed).

    Remembered per source mask, so a translucent shape from a cached mask costs nothing the
    second time; the entry keeps its source alive, so an id is never mistaken for another.
    """
    if opacity >= 1:
        return source
    key = (id(source), round(opacity, 4))
    remembered = _faded.get(key)
    if remembered is not None and remembered[0] is source:
        return remembered[1]
    faded = source.point([round(value * opacity) for value in range(256)])
    if len(_faded) >= _FADED_LIMIT:
        _faded.clear()
    _faded[key] = (source, faded)
    return faded


_FADED_LIMIT = 256
_faded: dict[tuple[int, float], tuple[Image.Image, Image.Image]] = {}


@dataclass(frozen=True)
class Fill:
    """A gradient ready to paste: its colours, and its coverage when a colour is translucent."""

    colours: Image.Image  # RGB
    coverage: Image.Image | None  # L, None when opaque all over


@lru_cache(maxsize=128)
def gradient(width: int, height: int, start: RGBA, end: RGBA, angle: float) -> Fill:
    """A linear gradient across the box; angle 0 runs top to bottom, 90 left to right.

    The ramp is a blend of a vertical and a horizontal ramp, each flipped when its direction
    points backwards, so the start and end colours reach the box's opposite corners exactly.
    """
    turn = math.radians(angle)
    across, down = math.sin(turn), math.cos(turn)
    horizontal = _ramp(width, height, vertical=False, reverse=across < 0)
    vertical = _ramp(width, height, vertical=True, reverse=down < 0)
    total = abs(across) + abs(down)
    ramp = Image.blend(vertical, horizontal, abs(across) / total)
    first = Image.new("RGBA", (width, height), start)
    blended = Image.composite(Image.new("RGBA", (width, height), end), first, ramp)
    opaque = start[3] == 255 and end[3] == 255
    return Fill(blended.convert("RGB"), None if opaque else blended.getchannel("A"))


def _ramp(width: int, height: int, *, vertical: bool, reverse: bool) -> Image.Image:
    ramp = Image.linear_gradient("L")  # 256x256, 0 at the top to 255 at the bottom
    if reverse:
        ramp = ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    if not vertical:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90)
    return ramp.resize((width, height), Image.Resampling.BILINEAR)


def band_points(width: float, height: float, angle: float) -> tuple[list[Point], Point]:
    """The corners of a ``width`` x ``height`` rectangle turned by ``angle`` degrees about its
    centre, moved so that all are >= 0, and the size of their bounding box."""
    turn = math.radians(angle)
    cos, sin = math.cos(turn), math.sin(turn)
    corners = [(-width / 2, -height / 2), (width / 2, -height / 2)]
    corners += [(width / 2, height / 2), (-width / 2, height / 2)]
    turned = [(x * cos - y * sin, x * sin + y * cos) for x, y in corners]
    left = min(x for x, _ in turned)
    top = min(y for _, y in turned)
    moved = [(x - left, y - top) for x, y in turned]
    return moved, (max(x for x, _ in moved), max(y for _, y in moved))


def _outline_points(
    shape: str,
    width: int,
    height: int,
    amplitude: float,
    waves: float,
    phase: float,
    edge: str,
    seed: int,
) -> list[Point]:
    if shape == "wave":
        return _wave(width, height, amplitude, waves, phase, edge)
    if shape == "blob":
        return _blob(width, height, seed)
    raise ValueError(f"no outline for shape {shape!r}")


def _wave(
    width: int, height: int, amplitude: float, waves: float, phase: float, edge: str
) -> list[Point]:
    """The box filled up to a sine edge: on top (``edge="top"``) or at the bottom."""
    amplitude = min(amplitude, height / 2)
    steps = max(32, width // 6)
    crest = [
        (
            width * i / steps,
            amplitude + amplitude * math.sin(2 * math.pi * (waves * i / steps + phase)),
        )
        for i in range(steps + 1)
    ]
    if edge == "top":
        return [*crest, (width, height), (0, height)]
    return [(0, 0), (width, 0), *[(x, height - y) for x, y in reversed(crest)]]


def _blob(width: int, height: int, seed: int) -> list[Point]:
    """An organic closed curve: radii jittered around an ellipse, smoothed with Catmull-Rom."""
    chance = random.Random(seed)  # noqa: S311 - a shape, not a secret: the same seed, the same blob
    count = chance.randint(6, 9)
    centre_x, centre_y = width / 2, height / 2
    anchors = []
    for index in range(count):
        turn = 2 * math.pi * index / count + chance.uniform(-0.25, 0.25)
        reach = chance.uniform(0.78, 1.0)
        anchors.append(
            (
                centre_x + math.cos(turn) * centre_x * reach,
                centre_y + math.sin(turn) * centre_y * reach,
            )
        )
    points: list[Point] = []
    for index in range(count):
        p0, p1 = anchors[index - 1], anchors[index]
        p2, p3 = anchors[(index + 1) % count], anchors[(index + 2) % count]
        for step in range(16):
            t = step / 16
            x, y = _catmull_rom(p0, p1, p2, p3, t)
            points.append((min(max(x, 0.0), width), min(max(y, 0.0), height)))
    return points


def _catmull_rom(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    t2, t3 = t * t, t * t * t

    def axis(a: float, b: float, c: float, d: float) -> float:
        return 0.5 * (
            2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (3 * b - a - 3 * c + d) * t3
        )

    return axis(p0[0], p1[0], p2[0], p3[0]), axis(p0[1], p1[1], p2[1], p3[1])
