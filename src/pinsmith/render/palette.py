"""A palette from one colour, and WCAG contrast.

A pin names one colour (``color``); a template names roles (``primary``, ``background``...), so
one design follows any brand colour. Text colours are then checked against what is really behind
them (``readable``): WCAG's 4.5:1 is the bar for body text.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from functools import lru_cache

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

MIN_CONTRAST = 4.5
WHITE: RGB = (255, 255, 255)

ROLES = (
    "primary",  # the pin's colour as given
    "primary_dark",  # the same hue, dark enough for white text
    "primary_light",  # a soft tint of it
    "background",  # a very light tint: a page that is clearly of that colour
    "surface",  # white
    "ink",  # near-black carrying a trace of the hue
    "accent",  # a neighbouring hue for a second shape
    "on_primary",  # white or ink, whichever reads on primary
)

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")


def parse_hex(value: str) -> RGBA:
    """``"#rrggbb"``, ``"rrggbb"`` or with an alpha byte; ValueError otherwise."""
    found = _HEX.match(value.strip())
    if found is None:
        raise ValueError(f"{value!r} is not a hex colour like #1f6feb")
    digits = found.group(1)
    alpha = int(found.group(2), 16) if found.group(2) else 255
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha


@dataclass(frozen=True)
class Palette:
    colours: dict[str, RGB]

    def resolve(self, colour: str) -> RGBA:
        """A role or a hex colour, as RGBA."""
        if colour in self.colours:
            return (*self.colours[colour], 255)
        return parse_hex(colour)


@lru_cache(maxsize=256)
def palette_for(seed: str) -> Palette:
    """Every role derived from ``seed`` in HLS, so a pale or a dark seed both give a usable
    set: ``primary_dark`` always carries white text and ``background`` dark text."""
    red, green, blue, _ = parse_hex(seed)
    hue, lightness, saturation = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
    primary: RGB = (red, green, blue)
    dark = _darken_until(_hls(hue, min(lightness, 0.32), saturation), WHITE, MIN_CONTRAST + 0.5)
    ink = _hls(hue, 0.11, min(saturation, 0.35))
    colours: dict[str, RGB] = {
        "primary": primary,
        "primary_dark": dark,
        "primary_light": mix(primary, WHITE, 0.72),
        "background": mix(primary, WHITE, 0.9),
        "surface": WHITE,
        "ink": ink,
        "accent": _hls((hue + 0.09) % 1, min(max(lightness, 0.45), 0.6), max(saturation, 0.45)),
        "on_primary": best_of((WHITE, ink), primary),
    }
    return Palette(colours)


def mix(colour: RGB, other: RGB, amount: float) -> RGB:
    """``amount`` of ``other`` over ``colour`` (0: colour, 1: other)."""
    r, g, b = (round(a + (o - a) * amount) for a, o in zip(colour, other, strict=True))
    return r, g, b


def relative_luminance(colour: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = colour
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def worst_contrast(colour: RGB, behind: list[RGB]) -> float:
    return min(contrast(colour, other) for other in behind) if behind else 21.0


def best_of(candidates: tuple[RGB, ...], behind: RGB) -> RGB:
    return max(candidates, key=lambda candidate: contrast(candidate, behind))


def readable(preferred: RGB, behind: list[RGB], palette: Palette) -> RGB:
    """``preferred`` when it reaches 4.5:1 against every colour in ``behind``; else the same hue
    made darker or lighter until it does; else white or ink, whichever does best.

    ``behind`` holds the colours the text may land on (a flat fill is one colour; a photo gives
    its light and dark extremes), so the answer holds over the whole area.
    """
    if worst_contrast(preferred, behind) >= MIN_CONTRAST:
        return preferred
    for target in (WHITE, (0, 0, 0)):
        for step in range(1, 11):
            candidate = mix(preferred, target, step / 10)
            if worst_contrast(candidate, behind) >= MIN_CONTRAST:
                return candidate
    ink = palette.colours["ink"]
    return max((WHITE, ink, (0, 0, 0)), key=lambda c: worst_contrast(c, behind))


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _darken_until(colour: RGB, against: RGB, ratio: float) -> RGB:
    candidate = colour
    for step in range(1, 21):
        if contrast(candidate, against) >= ratio:
            return candidate
        candidate = mix(colour, (0, 0, 0), step / 20)
    return candidate
