"""One text layer: fit, wrap, shape and draw the text so it reads on whatever lies behind it.

Why it is built the way it is:

- Auto-fit is a binary search over sizes, and each try must be cheap. raqm's advances are
  unhinted, so they scale linearly with the size: every word is measured once, at ``REF`` pixels,
  and a try at any size is arithmetic on those widths (the measures are cached across pins too).
- FreeType draws a box for a character the font lacks, so each character gets a font whose cmap
  really has it (``fonts.fallback_for``) and a line is drawn run by run, one font per run.
- Right-to-left scripts need shaping and bidi: raqm does both when a whole line is in one font,
  which is arranged whenever one font covers the paragraph; otherwise runs are ordered here by
  a reduced Unicode bidi algorithm (no explicit embeddings: control characters are removed).
- Readability is measured, not assumed: the colour is checked against the pixels behind the
  lines (or the pill) and, when no colour can reach WCAG's 4.5:1 on a busy photo, a soft scrim
  is laid under the text, as light as it can be.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from PIL import Image, ImageChops, ImageDraw, ImageFilter, features

from pinsmith.render import fonts, shapes
from pinsmith.render.palette import (
    MIN_CONTRAST,
    RGB,
    WHITE,
    Palette,
    contrast,
    mix,
    readable,
    worst_contrast,
)
from pinsmith.render.report import Bounds, LayerReport, TextDetails
from pinsmith.render.spec import TextLayer

REF = 200  # px: the size every width is measured at, then scaled
SMALLEST = 4  # px: below the template's minimum only when not even one line fits its box
ELLIPSIS = "…"
SAMPLES = 48  # sample points along the longer side of each line when reading what is behind
MARGIN = 0.3  # contrast aimed above 4.5 when sizing a scrim, so the re-measure rarely retries
CACHED_LENGTH = 80  # characters: longer runs are measured without keeping the result

_RAQM = features.check_feature("raqm")
_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANKS = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # collapsible: no-break spaces stay
_JOINERS = frozenset("\u200c\u200d")
_RTL = frozenset(("R", "AL"))
# No line may start with these (closing marks, small kana) nor end with the openers.
_NO_BREAK_BEFORE = frozenset(
    "、。，．,.!?！？:;：；)）]］}｝」』】〉》〕〗〙〛’”ー々〻ゝゞヽヾ・…‥"  # noqa: RUF001
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
_NO_BREAK_AFTER = frozenset("(（[［{｛「『【〈《〔〖〘〚‘“")  # noqa: RUF001
# Dropped from the end of a line before its ellipsis.
_BEFORE_ELLIPSIS = " ,;:.-–—、，。"  # noqa: RUF001


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
    area = _visible_box(layer, canvas.size)
    if area is None:
        return skipped("lies outside the canvas")
    prepared = _Text.prepare(text, layer)
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
    block = _place(prepared, fitted, inner, layer)
    painted = _paint(canvas, layer, palette, block, area)
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


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Glyph:
    """One character's extent in ems: ``top``/``bottom`` from the baseline, ``left``/``right``
    the ink that reaches past its advance (script capitals and italics do)."""

    advance: float
    top: float
    bottom: float
    left: float
    right: float


def _length(family: str, weight: int, text: str, rtl: bool) -> float:
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
        return font.getlength(text, direction=_direction(rtl)) / REF
    except (OSError, ValueError):  # a string FreeType refuses: count it as an average advance
        return 0.5 * len(text)


@lru_cache(maxsize=8192)
def _glyph(family: str, weight: int, char: str) -> _Glyph:
    font = fonts.load(family, weight, REF)
    try:
        left, top, right, bottom = font.getbbox(char, anchor="ls")
        advance = font.getlength(char)
    except (OSError, ValueError):
        return _Glyph(0.5, 0.7, 0.0, 0.0, 0.0)
    return _Glyph(
        advance / REF,
        -top / REF,
        bottom / REF,
        max(0.0, -left) / REF,
        max(0.0, right - advance) / REF,
    )


def _direction(rtl: bool) -> str | None:
    if not _RAQM:
        return None  # without raqm Pillow lays out left to right only
    return "rtl" if rtl else "ltr"


# --- preparing the text ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """A piece of a paragraph no line may break inside (a word, or one CJK character)."""

    start: int
    end: int
    gap: bool  # a space precedes it (dropped when it starts a line)


@dataclass
class _Paragraph:
    text: str
    faces: list[str]  # the family drawing each character
    rtl: bool  # mostly right-to-left: laid out from the right
    spaced: bool  # letter spacing applies (never to Arabic or to combining marks)
    tokens: list[_Token]
    widths: dict[tuple[int, int], float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Line:
    text: str
    faces: tuple[str, ...]
    rtl: bool
    spaced: bool


@dataclass(frozen=True)
class _Fit:
    size: int
    lines: list[_Line]
    truncated: bool


@dataclass(frozen=True)
class _Wrapped:
    lines: list[tuple[int, list[_Token]]]  # paragraph index, its tokens on that line
    complete: bool  # every token found a place within the line limit


class _Text:
    """A layer's text made ready to fit: cleaned, split into paragraphs and tokens, each
    character given a font; widths are measured only when a try reaches them."""

    def __init__(self, paragraphs: list[_Paragraph], layer: TextLayer) -> None:
        self.paragraphs = paragraphs
        self.family = _family(layer)
        self.weight = layer.weight
        self.spacing = layer.letter_spacing
        self.line_height = layer.line_height
        self.max_lines = layer.max_lines
        self.sizes = (layer.size.min, layer.size.max)
        glyphs = {
            _glyph(face, self.weight, char)
            for para in paragraphs
            for char, face in zip(para.text, para.faces, strict=True)
            if char != " "
        }
        self.ink_top = max((glyph.top for glyph in glyphs), default=0.0)
        self.ink_bottom = max((glyph.bottom for glyph in glyphs), default=0.0)
        capital = (
            _glyph(self.family, self.weight, "H").top
            if fonts.covers(self.family, self.weight, "H")
            else 0.7
        )
        # Lines sit on the cap height even when they have no capital, so blocks align alike.
        self.ascent = max(self.ink_top, capital)
        self.descent = self.ink_bottom

    @classmethod
    def prepare(cls, text: str, layer: TextLayer) -> _Text | None:
        if layer.uppercase:
            text = text.upper()
        text = _NEWLINES.sub("\n", text)
        text = unicodedata.normalize("NFC", "".join(char for char in text if _kept(char)))
        paragraphs: list[_Paragraph] = []
        for raw in text.split("\n"):
            cleaned = _BLANKS.sub(" ", raw).strip(" ")
            if not cleaned and (not paragraphs or not paragraphs[-1].text):
                continue  # no leading blank line, and one blank line at most in a row
            paragraphs.append(_paragraph(cleaned, layer))
        while paragraphs and not paragraphs[-1].text:
            paragraphs.pop()
        if not paragraphs:
            return None
        return cls(paragraphs, layer)

    # widths, in ems -------------------------------------------------------------------------

    def measure(self, para: _Paragraph, start: int, end: int) -> float:
        """Advances of ``para.text[start:end]``, font run by font run."""
        total = 0.0
        position = start
        while position < end:
            face = para.faces[position]
            stop = position + 1
            while stop < end and para.faces[stop] == face:
                stop += 1
            total += _length(face, self.weight, para.text[position:stop], para.rtl)
            position = stop
        return total

    def token_width(self, para: _Paragraph, token: _Token) -> float:
        key = (token.start, token.end)
        width = para.widths.get(key)
        if width is None:
            width = para.widths[key] = self.measure(para, token.start, token.end)
        return width

    def extent(self, para: _Paragraph, first: int, last: int, advance: float, chars: int) -> float:
        """The width a line of ``chars`` characters needs: advances, letter spacing and the ink
        its first and last glyphs put past the advance box."""
        spacing = self.spacing * (chars - 1) if para.spaced and chars > 1 else 0.0
        head = _glyph(para.faces[first], self.weight, para.text[first])
        tail = _glyph(para.faces[last], self.weight, para.text[last])
        return advance + spacing + head.left + tail.right

    # fitting --------------------------------------------------------------------------------

    def fit(self, width: float, height: float) -> _Fit | None:
        """The largest size whose wrapped text fits ``width`` x ``height`` px in the line limit,
        without cutting a word; else words cut at the minimum size; else the minimum size with an
        ellipsis; else (a box too low for one line) smaller still."""
        if width <= 0 or height <= 0:
            return None
        low, high = self.sizes
        best = self.attempt(high, width, height, split=False)
        if best is None:
            top = high - 1
            while low <= top:
                middle = (low + top) // 2
                found = self.attempt(middle, width, height, split=False)
                if found is None:
                    top = middle - 1
                else:
                    best, low = found, middle + 1
        if best is not None:
            return self.balanced(best, width)
        low = self.sizes[0]
        found = self.attempt(low, width, height, split=True) or self.truncate(low, width, height)
        if found is not None:
            return found
        extent = self.ascent + self.descent
        start = min(low - 1, math.floor(height / extent) if extent > 0 else low - 1)
        for size in range(start, SMALLEST - 1, -1):
            found = self.truncate(size, width, height)
            if found is not None:
                return found
        return None

    def balanced(self, fitted: _Fit, width: float) -> _Fit:
        """The same lines count at the narrowest width that still allows it: lines of even
        length, not a full line over a lone word (what CSS calls ``text-wrap: balance``)."""
        count = len(fitted.lines)
        if count < 2:
            return fitted
        low, high = 0.0, width / fitted.size
        found: _Wrapped | None = None
        for _ in range(12):
            middle = (low + high) / 2
            wrapped = self.wrap(middle, count, split=False)
            if wrapped is not None and wrapped.complete:
                high, found = middle, wrapped
            else:
                low = middle
        if found is None:
            return fitted
        lines = [self.line(index, tokens) for index, tokens in found.lines]
        return _Fit(fitted.size, lines, fitted.truncated)

    def line_limit(self, size: int, height: float) -> int:
        extent = (self.ascent + self.descent) * size
        if extent > height:
            return 0
        pitch = size * self.line_height
        by_height = math.floor((height - extent) / pitch + 1e-9) + 1
        return min(self.max_lines, by_height)

    def attempt(self, size: int, width: float, height: float, *, split: bool) -> _Fit | None:
        limit = self.line_limit(size, height)
        if limit < 1:
            return None
        wrapped = self.wrap(width / size, limit, split=split)
        if wrapped is None or not wrapped.complete:
            return None
        return _Fit(size, [self.line(index, tokens) for index, tokens in wrapped.lines], False)

    def truncate(self, size: int, width: float, height: float) -> _Fit | None:
        limit = self.line_limit(size, height)
        if limit < 1:
            return None
        available = width / size
        wrapped = self.wrap(available, limit, split=True)
        if wrapped is None:
            return None
        if wrapped.complete:
            return _Fit(size, [self.line(index, tokens) for index, tokens in wrapped.lines], False)
        spans = list(wrapped.lines)
        while len(spans) > 1 and not spans[-1][1]:
            spans.pop()  # the ellipsis goes on the last line with words, not on a blank one
        last = self.ellipsized(*spans[-1], available)
        if last is None:
            return None
        lines = [self.line(index, tokens) for index, tokens in spans[:-1]]
        return _Fit(size, [*lines, last], True)

    def wrap(self, available: float, limit: int, *, split: bool) -> _Wrapped | None:
        """Greedy by tokens, at most ``limit`` lines, ``available`` ems wide. None when a token
        alone is wider and may not be cut (or a single character is wider than the line)."""
        lines: list[tuple[int, list[_Token]]] = []
        for index, para in enumerate(self.paragraphs):
            if not para.tokens:
                if len(lines) == limit:
                    return _Wrapped(lines, complete=False)
                lines.append((index, []))
                continue
            line: list[_Token] = []
            advance, chars = 0.0, 0
            pending = list(reversed(para.tokens))
            while pending:
                token = pending.pop()
                width = self.token_width(para, token)
                length = token.end - token.start
                if line:
                    gap = _length(para.faces[token.start - 1], self.weight, " ", para.rtl)
                    gap, gap_chars = (gap, 1) if token.gap else (0.0, 0)
                    longer = advance + gap + width
                    more = chars + gap_chars + length
                    first = line[0].start
                    if self.extent(para, first, token.end - 1, longer, more) <= available:
                        line.append(token)
                        advance, chars = longer, more
                        continue
                    if len(lines) == limit:
                        return _Wrapped(lines, complete=False)
                    lines.append((index, line))
                    line = []
                if self.extent(para, token.start, token.end - 1, width, length) > available:
                    if not split:
                        return None
                    pieces = self.cut(para, token, available)
                    if pieces is None:
                        return None
                    pending.extend(reversed(pieces[1:]))
                    token = pieces[0]
                    width, length = self.token_width(para, token), token.end - token.start
                if len(lines) == limit:
                    return _Wrapped(lines, complete=False)
                line, advance, chars = [token], width, length
            if len(lines) == limit:
                return _Wrapped(lines, complete=False)
            lines.append((index, line))
        return _Wrapped(lines, complete=True)

    def cut(self, para: _Paragraph, token: _Token, available: float) -> list[_Token] | None:
        """A word wider than the line, cut between characters (never before a combining mark),
        the first piece as long as fits."""
        stops = [
            position
            for position in range(token.start + 1, token.end)
            if not _attached(para.text[position])
        ]
        best = None
        for stop in stops:
            advance = self.measure(para, token.start, stop)
            if self.extent(para, token.start, stop - 1, advance, stop - token.start) > available:
                break
            best = stop
        if best is None:
            return None
        return [_Token(token.start, best, token.gap), _Token(best, token.end, False)]

    def line(self, index: int, tokens: list[_Token]) -> _Line:
        para = self.paragraphs[index]
        if not tokens:
            return _Line("", (), para.rtl, para.spaced)
        start, end = tokens[0].start, tokens[-1].end
        return _Line(para.text[start:end], tuple(para.faces[start:end]), para.rtl, para.spaced)

    def ellipsized(self, index: int, tokens: list[_Token], available: float) -> _Line | None:
        """The line ending in "…" that fits: whole words dropped from its end first, then
        characters of the one word left."""
        para = self.paragraphs[index]
        previous = para.faces[tokens[-1].end - 1] if tokens else self.family
        face = (
            previous
            if fonts.covers(previous, self.weight, ELLIPSIS)
            else fonts.fallback_for(self.family, self.weight, ELLIPSIS)
        )
        mark = _length(face, self.weight, ELLIPSIS, para.rtl)
        tail = _glyph(face, self.weight, ELLIPSIS).right

        def fits(start: int, end: int) -> bool:
            spacing = self.spacing * (end - start) if para.spaced else 0.0
            head = _glyph(para.faces[start], self.weight, para.text[start]).left
            return self.measure(para, start, end) + mark + spacing + head + tail <= available

        def line(start: int, end: int) -> _Line:
            text = para.text[start:end] + ELLIPSIS
            return _Line(text, (*para.faces[start:end], face), para.rtl, para.spaced)

        if tokens:
            start = tokens[0].start
            for count in range(len(tokens), 0, -1):
                end = tokens[count - 1].end
                while end > start and para.text[end - 1] in _BEFORE_ELLIPSIS:
                    end -= 1
                if end > start and fits(start, end):
                    return line(start, end)
            for end in range(tokens[0].end - 1, start, -1):
                if not _attached(para.text[end]) and fits(start, end):
                    return line(start, end)
        if mark + tail <= available:
            return _Line(ELLIPSIS, (face,), para.rtl, para.spaced)
        return None


def _family(layer: TextLayer) -> str:
    """The layer's family key (a default value never went through the spec's validator)."""
    key = fonts.family_key(layer.font)
    return key if key in fonts.FAMILIES else next(iter(fonts.FAMILIES))


def _kept(char: str) -> bool:
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


def _attached(char: str) -> bool:
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


def _paragraph(text: str, layer: TextLayer) -> _Paragraph:
    family, weight = _family(layer), layer.weight
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
    spaced = layer.letter_spacing != 0 and not right and not any(map(_attached, text))
    return _Paragraph(text, faces, right > left, spaced, _tokens(text))


def _stays(char: str, previous: str, weight: int, rtl_class: str | bool) -> bool:
    """Whether ``char`` keeps the font of the character before it: joiners and combining marks
    always (they belong to it), and in right-to-left text spaces, digits and punctuation too, so
    the line breaks into as few runs as possible."""
    if char in _JOINERS:
        return True
    neutral = isinstance(rtl_class, str) and rtl_class not in ("L", "R", "AL")
    return (_attached(char) or neutral) and fonts.covers(previous, weight, char)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
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
                tokens.append(_Token(start, cut, gap))
                start, gap = cut, False
        tokens.append(_Token(start, end, gap))
        position = end
    return tokens


def _breaks(before: str, after: str) -> bool:
    """CJK writes no spaces: a line may break between any two characters where one is CJK,
    except before closing punctuation and small kana or after an opening bracket."""
    return (
        (_is_cjk(before) or _is_cjk(after))
        and after not in _NO_BREAK_BEFORE
        and before not in _NO_BREAK_AFTER
        and not _attached(after)
        and before not in _JOINERS
    )


# --- bidi ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    text: str
    family: str
    rtl: bool
    x: float  # px from the line's left edge


def _visual_runs(line: _Line, weight: int, size: int, spacing: float) -> tuple[list[_Run], float]:
    """The line as runs of one font, left to right as they appear, and its width in px."""
    if not line.text:
        return [], 0.0
    if line.spaced:
        return _spaced_runs(line, weight, size, spacing * size)
    if len(set(line.faces)) == 1:
        face = line.faces[0]
        return [_Run(line.text, face, line.rtl, 0.0)], _length(
            face, weight, line.text, line.rtl
        ) * size
    runs: list[_Run] = []
    x = 0.0
    for text, face, rtl in _bidi_segments(line.text, line.faces, line.rtl):
        runs.append(_Run(text, face, rtl, x))
        x += _length(face, weight, text, rtl) * size
    return runs, x


def _spaced_runs(line: _Line, weight: int, size: int, extra: float) -> tuple[list[_Run], float]:
    """Letter spacing: character by character, each advance kept with its kerning (the pair's
    width less the second character's)."""
    runs: list[_Run] = []
    x = 0.0
    last = len(line.text) - 1
    for position, (char, face) in enumerate(zip(line.text, line.faces, strict=True)):
        if not char.isspace():
            runs.append(_Run(char, face, False, x))
        advance = _length(face, weight, char, False)
        if position < last and line.faces[position + 1] == face:
            following = line.text[position + 1]
            pair = _length(face, weight, char + following, False)
            advance = pair - _length(face, weight, following, False)
        x += advance * size + (extra if position < last else 0.0)
    return runs, x


def _bidi_segments(text: str, faces: Sequence[str], rtl: bool) -> list[tuple[str, str, bool]]:
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


# --- placing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    line: _Line
    runs: list[_Run]
    x: float  # left edge of the advance box, canvas px
    width: float
    baseline: float


@dataclass(frozen=True)
class _Block:
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


def _place(
    prepared: _Text, fitted: _Fit, inner: tuple[float, float, float, float], layer: TextLayer
) -> _Block:
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
    return _Block(placed, size, ascent, descent)


def _ends(line: _Line, weight: int) -> tuple[_Glyph, _Glyph]:
    """The glyphs at the line's left and right ends (swapped for right-to-left lines)."""
    if not line.text:
        empty = _Glyph(0.0, 0.0, 0.0, 0.0, 0.0)
        return empty, empty
    first = _glyph(line.faces[0], weight, line.text[0])
    last = _glyph(line.faces[-1], weight, line.text[-1])
    return (last, first) if line.rtl else (first, last)


# --- painting --------------------------------------------------------------------------------

Rect = tuple[int, int, int, int]
Samples = dict[RGB, int]


@dataclass(frozen=True)
class _Scrim:
    colour: RGB
    alpha: float
    core: Rect  # the padded block it covers fully, canvas px
    fade: float  # px beyond ``core`` over which it fades out

    @property
    def rect(self) -> Rect:
        return _outer(_grow(self.core, self.fade))


def _paint(
    canvas: Image.Image,
    layer: TextLayer,
    palette: Palette,
    block: _Block,
    area: tuple[float, float, float, float],
) -> tuple[Bounds, RGB, float] | None:
    """Choose the colour, then scrim, pill, shadow, stroke and fill, composited once onto the
    canvas through masks over the smallest region that holds them."""
    size = block.size
    opacity = layer.opacity
    canvas_rect: Rect = (0, 0, canvas.width, canvas.height)
    clip = _inner(area)
    stroke = layer.stroke.width if layer.stroke else 0
    line_rects = [
        r for r in (_intersect(_outer(block.line_box(p)), clip) for p in block.lines) if r
    ]
    if not line_rects:
        return None
    margin = stroke + 0.35 * size  # ink past the line box: accents, swashes, the stroke
    text_rect = _intersect(_outer(_grow(block.box(), margin)), clip)
    if text_rect is None:
        return None
    pill_rects = _pill_rects(layer, block, clip)
    pill_colour = palette.resolve(layer.pill.colour) if layer.pill else None
    pill_alpha = pill_colour[3] / 255 * opacity if pill_colour else 0.0

    raw = _behind(_sample(canvas, line_rects))
    behind = _over(raw, pill_colour[:3], pill_alpha) if pill_colour else raw
    rim = palette.resolve(layer.stroke.colour) if layer.stroke else None
    if rim is not None and rim[3] == 255 and stroke >= 2:
        # An opaque outline is the text's own background: it, not the photo, must contrast.
        behind = raw = [rim[:3]]
    if layer.colour == "auto":
        preferred, text_alpha = _auto_colour(palette, behind), opacity
    else:
        resolved = palette.resolve(layer.colour)
        preferred, text_alpha = resolved[:3], resolved[3] / 255 * opacity
    colour = readable(preferred, behind, palette)
    scrim: _Scrim | None = None
    if worst_contrast(colour, behind) < MIN_CONTRAST:
        colour, scrim = _scrim(
            colour, layer.colour == "auto", palette, raw, pill_colour, pill_alpha, block
        )

    region = _union([text_rect, *pill_rects])
    shadow = layer.shadow
    if shadow is not None:
        reach = 3 * shadow.blur
        moved = _grow(
            (
                text_rect[0] + shadow.dx,
                text_rect[1] + shadow.dy,
                text_rect[2] + shadow.dx,
                text_rect[3] + shadow.dy,
            ),
            reach,
        )
        region = _union([region, _outer(moved)])
    if scrim is not None:
        region = _union([region, scrim.rect])
    visible = _intersect(region, canvas_rect)
    if visible is None:
        return None
    region = visible
    origin = (region[0], region[1])

    fill = _text_mask(block, layer.weight, region, 0)
    outline = _text_mask(block, layer.weight, region, stroke) if stroke else fill
    fill = _clipped(fill, _shift(text_rect, origin))
    outline = _clipped(outline, _shift(text_rect, origin)) if stroke else fill
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
        final = _behind(_sample(canvas, line_rects))
        if scrim is None or worst_contrast(colour, final) >= MIN_CONTRAST or scrim.alpha >= 1:
            break
        assert saved is not None
        canvas.paste(saved, origin)  # too faint after all: again, a little stronger
        scrim = _Scrim(scrim.colour, min(1.0, scrim.alpha + 0.1), scrim.core, scrim.fade)
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
    bounds = _union([(b[0], b[1], b[2], b[3]) for b in drawn])
    return _shift(bounds, (-origin[0], -origin[1])), colour, effective


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


def _auto_colour(palette: Palette, behind: list[RGB]) -> RGB:
    candidates = (palette.colours["ink"], WHITE, palette.colours["primary_dark"])
    return max(candidates, key=lambda candidate: worst_contrast(candidate, behind))


def _scrim(
    colour: RGB,
    auto: bool,
    palette: Palette,
    raw: list[RGB],
    pill: tuple[int, int, int, int] | None,
    pill_alpha: float,
    block: _Block,
) -> tuple[RGB, _Scrim]:
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
    core = _outer(_grow(block.box(), max(8.0, 0.2 * block.size)))
    return chosen, _Scrim(shade, alpha, core, max(24.0, 0.8 * block.size))


def _scrim_alpha(
    colour: RGB,
    shade: RGB,
    raw: list[RGB],
    pill: tuple[int, int, int, int] | None,
    pill_alpha: float,
) -> float:
    def enough(alpha: float) -> bool:
        covered = _over(raw, shade, alpha)
        if pill is not None:
            covered = _over(covered, pill[:3], pill_alpha)
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


def _sample(image: Image.Image, rects: Iterable[Rect]) -> Samples:
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


def _behind(samples: Samples) -> list[RGB]:
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


def _over(behind: list[RGB], colour: RGB, alpha: float) -> list[RGB]:
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


def _text_mask(block: _Block, weight: int, region: Rect, stroke: int) -> Image.Image:
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
                    direction=_direction(run.rtl),
                    stroke_width=stroke,
                    stroke_fill=255,
                )
            except (OSError, ValueError):  # FreeType refused this run: the rest still shows
                continue
    return mask


def _pill_rects(layer: TextLayer, block: _Block, clip: Rect) -> list[Rect]:
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
        rect = _intersect(_rounded(grown), clip)
        if rect is not None:
            rects.append(rect)
    return rects


def _pill_mask(radius: int, rects: list[Rect], region: Rect) -> Image.Image:
    mask = Image.new("L", (region[2] - region[0], region[3] - region[1]), 0)
    for rect in rects:
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        corner = min(radius, width // 2, height // 2)
        shape = shapes.mask("rounded", width, height, radius=corner)
        spot = _shift(rect, (region[0], region[1]))
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
    edge = _grow(_shift(core, (region[0], region[1])), fade / 2)
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


# --- rectangles ------------------------------------------------------------------------------


def _visible_box(
    layer: TextLayer, size: tuple[int, int]
) -> tuple[float, float, float, float] | None:
    box = layer.box
    left, top = max(0.0, box.x), max(0.0, box.y)
    right, bottom = min(float(size[0]), box.x + box.width), min(float(size[1]), box.y + box.height)
    if right - left < 1 or bottom - top < 1:
        return None
    return left, top, right, bottom


def _outer(rect: tuple[float, float, float, float]) -> Rect:
    """The whole pixels a rectangle touches."""
    return (
        math.floor(rect[0]),
        math.floor(rect[1]),
        math.ceil(rect[2]),
        math.ceil(rect[3]),
    )


def _inner(rect: tuple[float, float, float, float]) -> Rect:
    return (math.ceil(rect[0]), math.ceil(rect[1]), math.floor(rect[2]), math.floor(rect[3]))


def _rounded(rect: tuple[float, float, float, float]) -> Rect:
    return (round(rect[0]), round(rect[1]), round(rect[2]), round(rect[3]))


def _grow(rect: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


def _intersect(rect: Rect, other: Rect) -> Rect | None:
    left, top = max(rect[0], other[0]), max(rect[1], other[1])
    right, bottom = min(rect[2], other[2]), min(rect[3], other[3])
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def _union(rects: Sequence[Rect]) -> Rect:
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def _shift(rect: Rect, origin: tuple[int, int]) -> Rect:
    return rect[0] - origin[0], rect[1] - origin[1], rect[2] - origin[0], rect[3] - origin[1]
