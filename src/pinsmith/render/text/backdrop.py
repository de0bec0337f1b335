"""What lies behind the text, which colour reads on it, and the scrim when none does.

Readability is measured, not assumed: the colour is checked against the pixels behind the
lines (or the pill) and, when no colour can reach WCAG's 4.5:1 on a busy photo, a soft scrim
is laid under the text, as light as it can be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from PIL import Image

from pinsmith.render.palette import (
    MIN_CONTRAST,
    RGB,
    WHITE,
    Palette,
    contrast,
    mix,
    worst_contrast,
)
from pinsmith.render.text.geometry import Rect, grow, outer
from pinsmith.render.text.placement import Block

SAMPLES = 48  # sample points along the longer side of each line when reading what is behind
MARGIN = 0.3  # contrast aimed above 4.5 when sizing a scrim, so the re-measure rarely retries

Samples = dict[RGB, int]


@dataclass(frozen=True)
class Scrim:
    colour: RGB
    alpha: float
    core: Rect  # the padded block it covers fully, canvas px
    fade: float  # px beyond ``core`` over which it fades out

    @property
    def rect(self) -> Rect:
        return outer(grow(self.core, self.fade))


def auto_colour(palette: Palette, behind: list[RGB]) -> RGB:
    candidates = (palette.colours["ink"], WHITE, palette.colours["primary_dark"])
    return max(candidates, key=lambda candidate: worst_contrast(candidate, behind))


def scrim(
    colour: RGB,
    auto: bool,
    palette: Palette,
    raw: list[RGB],
    pill: tuple[int, int, int, int] | None,
    pill_alpha: float,
    block: Block,
) -> tuple[RGB, Scrim]:
    """No colour reads on this area alone, so a scrim goes under the text: dark under light
    text, light under dark. The template's colour keeps its place unless another needs a much
    fainter scrim; with ``auto`` white on a dark scrim comes first, the classic photo caption."""
    ink = palette.colours["ink"]
    order = (WHITE, colour, ink) if auto else (colour, WHITE, ink)
    options: list[tuple[float, RGB, RGB]] = []
    for candidate in dict.fromkeys(order):
        light = contrast(candidate, (0, 0, 0)) >= contrast(candidate, WHITE)
        shade = ink if light else WHITE
        options.append((_scrim_alpha(candidate, shade, raw, pill, pill_alpha), candidate, shade))
    least = min(alpha for alpha, _, _ in options)
    alpha, chosen, shade = next(o for o in options if o[0] <= least + 0.15)
    core = outer(grow(block.box(), max(8.0, 0.2 * block.size)))
    return chosen, Scrim(shade, alpha, core, max(24.0, 0.8 * block.size))


def _scrim_alpha(
    colour: RGB,
    shade: RGB,
    raw: list[RGB],
    pill: tuple[int, int, int, int] | None,
    pill_alpha: float,
) -> float:
    def enough(alpha: float) -> bool:
        covered = over(raw, shade, alpha)
        if pill is not None:
            covered = over(covered, pill[:3], pill_alpha)
        return worst_contrast(colour, covered) >= MIN_CONTRAST + MARGIN

    if not enough(1.0):
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(10):
        middle = (low + high) / 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


def sample(image: Image.Image, rects: Iterable[Rect]) -> Samples:
    """Colours under ``rects``, read on a grid of about ``SAMPLES`` points along each (nearest
    pixels, not averages: averaging a busy photo would hide its extremes)."""
    counts: Samples = {}
    for left, top, right, bottom in rects:
        width, height = right - left, bottom - top
        if width <= 0 or height <= 0:
            continue
        step = max(1.0, max(width, height) / SAMPLES)
        columns, rows = max(1, round(width / step)), max(1, round(height / step))
        crop = image.crop((left, top, right, bottom))
        if (columns, rows) != (width, height):
            crop = crop.resize((columns, rows), Image.Resampling.NEAREST)
        found = crop.getcolors(columns * rows) or []
        for count, pixel in cast(list[tuple[int, tuple[int, int, int]]], found):
            colour = (pixel[0], pixel[1], pixel[2])
            counts[colour] = counts.get(colour, 0) + count
    return counts


def behind(samples: Samples) -> list[RGB]:
    """The darkest and lightest colours that matter (5th and 95th percentile of luminance, so
    a few stray pixels do not decide) and the mean."""
    if not samples:
        return []
    ranked = sorted(samples.items(), key=lambda item: _luminance(item[0]))
    total = red = green = blue = 0
    for (r, g, b), count in ranked:
        total += count
        red, green, blue = red + r * count, green + g * count, blue + b * count

    def percentile(share: float) -> RGB:
        running = 0
        for colour, count in ranked:
            running += count
            if running >= share * total:
                return colour
        return ranked[-1][0]

    mean = (round(red / total), round(green / total), round(blue / total))
    return list(dict.fromkeys((percentile(0.05), percentile(0.95), mean)))


def over(behind: list[RGB], colour: RGB, alpha: float) -> list[RGB]:
    """Colours as they look under ``colour`` laid at ``alpha`` (the sample's extremes stay its
    extremes: laying one colour over all of them keeps their order of luminance)."""
    if alpha <= 0:
        return behind
    return list(dict.fromkeys(mix(below, colour, alpha) for below in behind))


def _linear(value: int) -> float:
    channel = value / 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(value) for value in range(256)]


def _luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.2126 * _LINEAR[red] + 0.7152 * _LINEAR[green] + 0.0722 * _LINEAR[blue]
