"""What each character needs: a font that has it, a direction, and where a line may break.

- FreeType draws a box for a character the font lacks, so each character gets a font whose cmap
  really has it (``fonts.fallback_for``) and a line is drawn run by run, one font per run.
- Right-to-left scripts need shaping and bidi: raqm does both when a whole line is in one font,
  which is arranged whenever one font covers the paragraph; otherwise runs are ordered here by
  a reduced Unicode bidi algorithm (no explicit embeddings: control characters are removed).
- CJK writes no spaces: a line may break between any two characters where one is CJK, except
  before closing punctuation and small kana or after an opening bracket.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from pinsmith.render import fonts
from pinsmith.render.spec import TextLayer

_JOINERS = frozenset("\u200c\u200d")
_RTL = frozenset(("R", "AL"))
# No line may start with these (closing marks, small kana) nor end with the openers.
_NO_BREAK_BEFORE = frozenset(
    "、。，．,.!?！？:;：；)）]］}｝」』】〉》〕〗〙〛’”ー々〻ゝゞヽヾ・…‥"  # noqa: RUF001
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
_NO_BREAK_AFTER = frozenset("(（[［{｛「『【〈《〔〖〘〚‘“")  # noqa: RUF001


@dataclass(frozen=True)
class Token:
    """A piece of a paragraph no line may break inside (a word, or one CJK character)."""

    start: int
    end: int
    gap: bool  # a space precedes it (dropped when it starts a line)


@dataclass
class Paragraph:
    text: str
    faces: list[str]  # the family drawing each character
    rtl: bool  # mostly right-to-left: laid out from the right
    spaced: bool  # letter spacing applies (never to Arabic or to combining marks)
    tokens: list[Token]
    widths: dict[tuple[int, int], float] = field(default_factory=dict)


def layer_family(layer: TextLayer) -> str:
    """The layer's family key (a default value never went through the spec's validator)."""
    key = fonts.family_key(layer.font)
    return key if key in fonts.FAMILIES else next(iter(fonts.FAMILIES))


def kept(char: str) -> bool:
    """Control and format characters would draw as boxes or steer bidi unpredictably; only the
    joiners, which shape Arabic and emoji, are kept."""
    if char in "\n\t":
        return True
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return False
    if category == "Cf":
        return char in _JOINERS
    return True


def attached(char: str) -> bool:
    """A combining mark or joiner: belongs with the character before it."""
    return char in _JOINERS or unicodedata.category(char).startswith("M")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def paragraph(text: str, layer: TextLayer) -> Paragraph:
    family, weight = layer_family(layer), layer.weight
    classes = [unicodedata.bidirectional(char) for char in text]
    right = sum(1 for kind in classes if kind in _RTL)
    left = sum(1 for kind in classes if kind == "L")
    faces: list[str] = []
    for position, char in enumerate(text):
        if faces and _stays(char, faces[-1], weight, bool(right) and classes[position]):
            faces.append(faces[-1])
        else:
            faces.append(fonts.fallback_for(family, weight, char))
    if right:
        # One font for the whole paragraph when one can: raqm then shapes and orders it alone.
        for candidate in dict.fromkeys(f for f, k in zip(faces, classes, strict=True) if k in _RTL):
            if all(char in _JOINERS or fonts.covers(candidate, weight, char) for char in text):
                faces = [candidate] * len(text)
                break
    spaced = layer.letter_spacing != 0 and not right and not any(map(attached, text))
    return Paragraph(text, faces, right > left, spaced, _tokens(text))


def _stays(char: str, previous: str, weight: int, rtl_class: str | bool) -> bool:
    """Whether ``char`` keeps the font of the character before it: joiners and combining marks
    always (they belong to it), and in right-to-left text spaces, digits and punctuation too, so
    the line breaks into as few runs as possible."""
    if char in _JOINERS:
        return True
    neutral = isinstance(rtl_class, str) and rtl_class not in ("L", "R", "AL")
    return (attached(char) or neutral) and fonts.covers(previous, weight, char)


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        end = text.find(" ", position)
        end = len(text) if end < 0 else end
        start, gap = position, position > 0
        for cut in range(position + 1, end):
            if _breaks(text[cut - 1], text[cut]):
                tokens.append(Token(start, cut, gap))
                start, gap = cut, False
        tokens.append(Token(start, end, gap))
        position = end
    return tokens


def _breaks(before: str, after: str) -> bool:
    """CJK writes no spaces: a line may break between any two characters where one is CJK,
    except before closing punctuation and small kana or after an opening bracket."""
    return (
        (_is_cjk(before) or _is_cjk(after))
        and after not in _NO_BREAK_BEFORE
        and before not in _NO_BREAK_AFTER
        and not attached(after)
        and before not in _JOINERS
    )


# --- bidi ------------------------------------------------------------------------------------


def bidi_segments(text: str, faces: Sequence[str], rtl: bool) -> list[tuple[str, str, bool]]:
    """Runs of one font and one direction in visual order: the Unicode bidi algorithm without
    explicit embeddings (rules W1, W2, W7, N1, N2, I1, I2 and L2), which is all a line of plain
    text needs."""
    base = 1 if rtl else 0
    kinds: list[str | None] = []
    last_strong = "R" if rtl else "L"
    for char in text:
        bidi_class = unicodedata.bidirectional(char)
        if bidi_class == "L":
            kinds.append("L")
            last_strong = "L"
        elif bidi_class in _RTL:
            kinds.append("R")
            last_strong = "R"
        elif bidi_class in ("EN", "AN"):
            number_after_l = bidi_class == "EN" and last_strong == "L"
            kinds.append("L" if number_after_l else "N")  # N: a number
        elif bidi_class == "NSM":
            kinds.append(kinds[-1] if kinds else ("R" if rtl else "L"))
        else:
            kinds.append(None)
    levels: list[int] = []
    for position, kind in enumerate(kinds):
        if kind == "N":
            levels.append(2)  # a number reads left to right inside right-to-left text
            continue
        side = kind
        if side is None:  # a neutral takes the direction around it, else the line's
            before = _strong_side(kinds, position, -1, rtl)
            after = _strong_side(kinds, position, 1, rtl)
            side = before if before == after else ("R" if rtl else "L")
        levels.append(1 if side == "R" else 2 * base)
    segments: list[tuple[str, str, int]] = []
    start = 0
    for position in range(1, len(text) + 1):
        if (
            position == len(text)
            or faces[position] != faces[start]
            or levels[position] != levels[start]
        ):
            segments.append((text[start:position], faces[start], levels[start]))
            start = position
    highest = max(level for _, _, level in segments)
    lowest_odd = min((level for _, _, level in segments if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        reordered: list[tuple[str, str, int]] = []
        group: list[tuple[str, str, int]] = []
        for segment in segments:
            if segment[2] >= level:
                group.append(segment)
            else:
                reordered.extend(reversed(group))
                group = []
                reordered.append(segment)
        reordered.extend(reversed(group))
        segments = reordered
    return [(piece, face, level % 2 == 1) for piece, face, level in segments]


def _strong_side(kinds: Sequence[str | None], position: int, step: int, rtl: bool) -> str:
    position += step
    while 0 <= position < len(kinds):
        kind = kinds[position]
        if kind is not None:
            return "L" if kind == "L" else "R"  # a number counts as right-to-left here (N1)
        position += step
    return "R" if rtl else "L"
