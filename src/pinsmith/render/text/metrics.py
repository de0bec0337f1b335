"""Widths and glyph extents in ems, shaped as they will be drawn, cached across pins.

Auto-fit is a binary search over sizes, and each try must be cheap. raqm's advances are
unhinted, so they scale linearly with the size: every word is measured once, at ``REF`` pixels,
and a try at any size is arithmetic on those widths (the measures are cached across pins too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import features

from pinsmith.render import fonts

REF = 200  # px: the size every width is measured at, then scaled
CACHED_LENGTH = 80  # characters: longer runs are measured without keeping the result

_RAQM = features.check_feature("raqm")


@dataclass(frozen=True)
class Glyph:
    """One character's extent in ems: ``top``/``bottom`` from the baseline, ``left``/``right``
    the ink that reaches past its advance (script capitals and italics do)."""

    advance: float
    top: float
    bottom: float
    left: float
    right: float


def length(family: str, weight: int, text: str, rtl: bool) -> float:
    """The advance of ``text`` in ems, shaped as it will be drawn. Words and lines recur from
    pin to pin and are cached; a long run (a cut 2,000-character word) is not worth keeping."""
    if len(text) > CACHED_LENGTH:
        return _measured(family, weight, text, rtl)
    return _cached_length(family, weight, text, rtl)


@lru_cache(maxsize=16384)
def _cached_length(family: str, weight: int, text: str, rtl: bool) -> float:
    return _measured(family, weight, text, rtl)


def _measured(family: str, weight: int, text: str, rtl: bool) -> float:
    font = fonts.load(family, weight, REF)
    try:
        return font.getlength(text, direction=direction(rtl)) / REF
    except (OSError, ValueError):  # a string FreeType refuses: count it as an average advance
        return 0.5 * len(text)


@lru_cache(maxsize=8192)
def glyph(family: str, weight: int, char: str) -> Glyph:
    font = fonts.load(family, weight, REF)
    try:
        left, top, right, bottom = font.getbbox(char, anchor="ls")
        advance = font.getlength(char)
    except (OSError, ValueError):
        return Glyph(0.5, 0.7, 0.0, 0.0, 0.0)
    return Glyph(
        advance / REF,
        -top / REF,
        bottom / REF,
        max(0.0, -left) / REF,
        max(0.0, right - advance) / REF,
    )


def direction(rtl: bool) -> str | None:
    if not _RAQM:
        return None  # without raqm Pillow lays out left to right only
    return "rtl" if rtl else "ltr"
