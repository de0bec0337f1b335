"""The bundled fonts: OFL families installed from PyPI (fontpkg packages), found by family and
weight, never by a machine path.

``FAMILIES`` is what a template may name. ``FALLBACKS`` are tried, in order, for a character the
chosen font lacks (accented Latin beyond a font's set, Greek, Cyrillic, Arabic, CJK when the
``cjk`` extra is installed), so a pin never shows a box where a letter should be.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import ImageFont


@dataclass(frozen=True)
class FontFamily:
    label: str  # as shown to people
    package: str  # the fontpkg slug
    style: str  # what it is good for, for `pinsmith templates fonts` and the docs


FAMILIES: dict[str, FontFamily] = {
    "montserrat": FontFamily("Montserrat", "montserrat", "geometric sans, 100-900"),
    "poppins": FontFamily("Poppins", "poppins", "rounded geometric sans, 100-900"),
    "inter": FontFamily("Inter", "inter", "neutral text sans, 100-900"),
    "playfair-display": FontFamily("Playfair Display", "playfair-display", "display serif"),
    "dm-serif-display": FontFamily("DM Serif Display", "dm-serif-display", "display serif, 400"),
    "bebas-neue": FontFamily("Bebas Neue", "bebas-neue", "condensed capitals, 400"),
    "pacifico": FontFamily("Pacifico", "pacifico", "brush script, 400"),
    "noto-sans": FontFamily("Noto Sans", "noto-sans", "Latin, Greek, Cyrillic"),
    "noto-sans-arabic": FontFamily("Noto Sans Arabic", "noto-sans-arabic", "Arabic"),
    "heebo": FontFamily("Heebo", "heebo", "Hebrew and Latin sans, 100-900"),
}
FALLBACKS = ("noto-sans", "noto-sans-arabic", "heebo", "noto-sans-cjk")
# Noto Sans CJK comes from the optional `cjk` extra: one static weight, a module that knows its path
_CJK_MODULE = "cvttf_NotoSansCJK_Regular"


def family_key(name: str) -> str:
    """``"Playfair Display"``, ``"playfair_display"`` and ``"playfair-display"`` are one family."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


@lru_cache(maxsize=64)
def font_path(family: str, weight: int) -> Path | None:
    """The file for ``family`` at the nearest weight it has; None for an uninstalled fallback."""
    if family == "noto-sans-cjk":
        try:
            module = importlib.import_module(_CJK_MODULE)
        except ImportError:
            return None
        return Path(module.get_TTF_path())
    return Path(fontpkg.path(FAMILIES[family].package, weight=weight, nearest=True))


@lru_cache(maxsize=512)
def load(family: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    """A font object at ``size`` pixels, its weight axis set when the file is variable.

    Cached: opening a font file costs milliseconds, and a render asks for many sizes while
    fitting a title.
    """
    path = font_path(family, weight)
    if path is None:
        raise LookupError(f"the font {family!r} is not installed")
    font = ImageFont.truetype(str(path), size)
    _set_weight(font, weight)
    return font


def covers(family: str, weight: int, char: str) -> bool:
    """Whether the file ``family`` uses at ``weight`` maps ``char`` to a glyph of its own (an
    uninstalled fallback covers nothing)."""
    return ord(char) in charset(family, weight)


def charset(family: str, weight: int) -> frozenset[int]:
    path = font_path(family, weight)
    return frozenset() if path is None else _code_points(path)


def fallback_for(family: str, weight: int, char: str) -> str:
    """The family to draw ``char`` with: ``family`` itself when it has the glyph, else the first
    of ``FALLBACKS`` that has it, else ``family`` (no bundled font has it: a box is unavoidable)."""
    if covers(family, weight, char):
        return family
    for fallback in FALLBACKS:
        if fallback != family and covers(fallback, weight, char):
            return fallback
    return family


@lru_cache(maxsize=32)
def _code_points(path: Path) -> frozenset[int]:
    """The characters a font file maps, read from its cmap once per process: FreeType would
    silently draw the .notdef box for the others, so coverage must be asked before drawing."""
    with TTFont(str(path), lazy=True) as font:
        cmap = font["cmap"].getBestCmap() or {}
    return frozenset(cmap)


def _set_weight(font: ImageFont.FreeTypeFont, weight: int) -> None:
    try:
        axes = font.get_variation_axes()
    except OSError:  # a static file: the weight was chosen by file
        return
    values: list[float] = []
    for axis in axes:
        name = axis["name"]
        label = name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)
        is_weight = label.strip().lower() in ("weight", "wght")
        minimum, maximum = float(axis["minimum"] or 0), float(axis["maximum"] or 0)
        default = float(axis["default"] or 0)
        values.append(min(max(float(weight), minimum), maximum) if is_weight else default)
    font.set_variation_by_axes(values)
