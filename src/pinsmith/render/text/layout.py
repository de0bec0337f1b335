"""The layer's text made to fit its box: cleaned, wrapped, sized, balanced, cut with an ellipsis.

Fitting is a search over sizes and wrappings, so it works on widths in ems measured once
(``metrics``) and on tokens no line may break inside (``scripts``). The largest size whose
whole words fit wins, its lines balanced to even lengths; failing that, words are cut at the
template's minimum size; then the last line ends in an ellipsis; and only when not even one line
fits the box does the size go below the minimum.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from pinsmith.render import fonts
from pinsmith.render.spec import TextLayer
from pinsmith.render.text import metrics
from pinsmith.render.text.scripts import Paragraph, Token, attached, kept, layer_family, paragraph

SMALLEST = 4  # px: below the template's minimum only when not even one line fits its box
ELLIPSIS = "…"

_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANKS = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # collapsible: no-break spaces stay
# Dropped from the end of a line before its ellipsis.
_BEFORE_ELLIPSIS = " ,;:.-–—、，。"  # noqa: RUF001


@dataclass(frozen=True)
class Line:
    text: str
    faces: tuple[str, ...]
    rtl: bool
    spaced: bool


@dataclass(frozen=True)
class Fit:
    size: int
    lines: list[Line]
    truncated: bool


@dataclass(frozen=True)
class _Wrapped:
    lines: list[tuple[int, list[Token]]]  # paragraph index, its tokens on that line
    complete: bool  # every token found a place within the line limit


class Text:
    """A layer's text made ready to fit: cleaned, split into paragraphs and tokens, each
    character given a font; widths are measured only when a try reaches them."""

    def __init__(self, paragraphs: list[Paragraph], layer: TextLayer) -> None:
        self.paragraphs = paragraphs
        self.family = layer_family(layer)
        self.weight = layer.weight
        self.spacing = layer.letter_spacing
        self.line_height = layer.line_height
        self.max_lines = layer.max_lines
        self.sizes = (layer.size.min, layer.size.max)
        glyphs = {
            metrics.glyph(face, self.weight, char)
            for para in paragraphs
            for char, face in zip(para.text, para.faces, strict=True)
            if char != " "
        }
        self.ink_top = max((glyph.top for glyph in glyphs), default=0.0)
        self.ink_bottom = max((glyph.bottom for glyph in glyphs), default=0.0)
        capital = (
            metrics.glyph(self.family, self.weight, "H").top
            if fonts.covers(self.family, self.weight, "H")
            else 0.7
        )
        # Lines sit on the cap height even when they have no capital, so blocks align alike.
        self.ascent = max(self.ink_top, capital)
        self.descent = self.ink_bottom

    @classmethod
    def prepare(cls, text: str, layer: TextLayer) -> Text | None:
        if layer.uppercase:
            text = text.upper()
        text = _NEWLINES.sub("\n", text)
        text = unicodedata.normalize("NFC", "".join(char for char in text if kept(char)))
        paragraphs: list[Paragraph] = []
        for raw in text.split("\n"):
            cleaned = _BLANKS.sub(" ", raw).strip(" ")
            if not cleaned and (not paragraphs or not paragraphs[-1].text):
                continue  # no leading blank line, and one blank line at most in a row
            paragraphs.append(paragraph(cleaned, layer))
        while paragraphs and not paragraphs[-1].text:
            paragraphs.pop()
        if not paragraphs:
            return None
        return cls(paragraphs, layer)

    # widths, in ems -------------------------------------------------------------------------

    def measure(self, para: Paragraph, start: int, end: int) -> float:
        """Advances of ``para.text[start:end]``, font run by font run."""
        total = 0.0
        position = start
        while position < end:
            face = para.faces[position]
            stop = position + 1
            while stop < end and para.faces[stop] == face:
                stop += 1
            total += metrics.length(face, self.weight, para.text[position:stop], para.rtl)
            position = stop
        return total

    def token_width(self, para: Paragraph, token: Token) -> float:
        key = (token.start, token.end)
        width = para.widths.get(key)
        if width is None:
            width = para.widths[key] = self.measure(para, token.start, token.end)
        return width

    def extent(self, para: Paragraph, first: int, last: int, advance: float, chars: int) -> float:
        """The width a line of ``chars`` characters needs: advances, letter spacing and the ink
        its first and last glyphs put past the advance box."""
        spacing = self.spacing * (chars - 1) if para.spaced and chars > 1 else 0.0
        head = metrics.glyph(para.faces[first], self.weight, para.text[first])
        tail = metrics.glyph(para.faces[last], self.weight, para.text[last])
        return advance + spacing + head.left + tail.right

    # fitting --------------------------------------------------------------------------------

    def fit(self, width: float, height: float) -> Fit | None:
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

    def balanced(self, fitted: Fit, width: float) -> Fit:
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
        return Fit(fitted.size, lines, fitted.truncated)

    def line_limit(self, size: int, height: float) -> int:
        extent = (self.ascent + self.descent) * size
        if extent > height:
            return 0
        pitch = size * self.line_height
        by_height = math.floor((height - extent) / pitch + 1e-9) + 1
        return min(self.max_lines, by_height)

    def attempt(self, size: int, width: float, height: float, *, split: bool) -> Fit | None:
        limit = self.line_limit(size, height)
        if limit < 1:
            return None
        wrapped = self.wrap(width / size, limit, split=split)
        if wrapped is None or not wrapped.complete:
            return None
        return Fit(size, [self.line(index, tokens) for index, tokens in wrapped.lines], False)

    def truncate(self, size: int, width: float, height: float) -> Fit | None:
        limit = self.line_limit(size, height)
        if limit < 1:
            return None
        available = width / size
        wrapped = self.wrap(available, limit, split=True)
        if wrapped is None:
            return None
        if wrapped.complete:
            return Fit(size, [self.line(index, tokens) for index, tokens in wrapped.lines], False)
        spans = list(wrapped.lines)
        while len(spans) > 1 and not spans[-1][1]:
            spans.pop()  # the ellipsis goes on the last line with words, not on a blank one
        last = self.ellipsized(*spans[-1], available)
        if last is None:
            return None
        lines = [self.line(index, tokens) for index, tokens in spans[:-1]]
        return Fit(size, [*lines, last], True)

    def wrap(self, available: float, limit: int, *, split: bool) -> _Wrapped | None:
        """Greedy by tokens, at most ``limit`` lines, ``available`` ems wide. None when a token
        alone is wider and may not be cut (or a single character is wider than the line)."""
        lines: list[tuple[int, list[Token]]] = []
        for index, para in enumerate(self.paragraphs):
            if not para.tokens:
                if len(lines) == limit:
                    return _Wrapped(lines, complete=False)
                lines.append((index, []))
                continue
            line: list[Token] = []
            advance, chars = 0.0, 0
            pending = list(reversed(para.tokens))
            while pending:
                token = pending.pop()
                width = self.token_width(para, token)
                length = token.end - token.start
                if line:
                    gap = metrics.length(para.faces[token.start - 1], self.weight, " ", para.rtl)
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

    def cut(self, para: Paragraph, token: Token, available: float) -> list[Token] | None:
        """A word wider than the line, cut between characters (never before a combining mark),
        the first piece as long as fits."""
        stops = [
            position
            for position in range(token.start + 1, token.end)
            if not attached(para.text[position])
        ]
        best = None
        for stop in stops:
            advance = self.measure(para, token.start, stop)
            if self.extent(para, token.start, stop - 1, advance, stop - token.start) > available:
                break
            best = stop
        if best is None:
            return None
        return [Token(token.start, best, token.gap), Token(best, token.end, False)]

    def line(self, index: int, tokens: list[Token]) -> Line:
        para = self.paragraphs[index]
        if not tokens:
            return Line("", (), para.rtl, para.spaced)
        start, end = tokens[0].start, tokens[-1].end
        return Line(para.text[start:end], tuple(para.faces[start:end]), para.rtl, para.spaced)

    def ellipsized(self, index: int, tokens: list[Token], available: float) -> Line | None:
        """The line ending in "…" that fits: whole words dropped from its end first, then
        characters of the one word left."""
        para = self.paragraphs[index]
        previous = para.faces[tokens[-1].end - 1] if tokens else self.family
        face = (
            previous
            if fonts.covers(previous, self.weight, ELLIPSIS)
            else fonts.fallback_for(self.family, self.weight, ELLIPSIS)
        )
        mark = metrics.length(face, self.weight, ELLIPSIS, para.rtl)
        tail = metrics.glyph(face, self.weight, ELLIPSIS).right

        def fits(start: int, end: int) -> bool:
            spacing = self.spacing * (end - start) if para.spaced else 0.0
            head = metrics.glyph(para.faces[start], self.weight, para.text[start]).left
            return self.measure(para, start, end) + mark + spacing + head + tail <= available

        def line(start: int, end: int) -> Line:
            text = para.text[start:end] + ELLIPSIS
            return Line(text, (*para.faces[start:end], face), para.rtl, para.spaced)

        if tokens:
            start = tokens[0].start
            for count in range(len(tokens), 0, -1):
                end = tokens[count - 1].end
                while end > start and para.text[end - 1] in _BEFORE_ELLIPSIS:
                    end -= 1
                if end > start and fits(start, end):
                    return line(start, end)
            for end in range(tokens[0].end - 1, start, -1):
                if not attached(para.text[end]) and fits(start, end):
                    return line(start, end)
        if mark + tail <= available:
            return Line(ELLIPSIS, (face,), para.rtl, para.spaced)
        return None
