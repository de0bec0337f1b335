"""Text into comparable terms: folded, stop words out, lemmatised and stemmed per language.

A pin and a board rarely use the same surface words ("Crockpot Chicken Tacos" on a board named
"Slow Cooker Recipes"), so both sides go through the same steps: fold case, accents and emoji
away, drop the stop words of the text's own language, lemmatise (simplemma knows irregular forms:
"knives" -> "knife") and stem (snowball: "recipes" and "recipe" meet at "recip"). Every list here
comes from a maintained package; nothing is specific to a niche.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

import simplemma
import snowballstemmer  # type: ignore[import-untyped]
from bm25s import stopwords as bm25s_stopwords  # type: ignore[import-untyped]

Language = Literal["en", "es", "de", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "es", "de", "fr")
DEFAULT_LANGUAGE: Language = "en"

_SNOWBALL_NAMES: dict[Language, str] = {
    "en": "english",
    "es": "spanish",
    "de": "german",
    "fr": "french",
}
_APOSTROPHES = "'\u2019"  # the plain and the typographic apostrophe
_WORD = re.compile(rf"[^\W_]+(?:[{_APOSTROPHES}][^\W_]+)*", re.UNICODE)
_APOSTROPHE = re.compile(rf"[{_APOSTROPHES}]")
_ELIDED = re.compile(rf"^(?:l|d|qu|j|n|s|t|m|c)[{_APOSTROPHES}]", re.IGNORECASE)  # French


def fold(text: str) -> str:
    """Lowercase, accents removed, ß as ss, emoji and punctuation as spaces, spaces squeezed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = [
        char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char)
    ]
    return " ".join("".join(kept).split())


@lru_cache(maxsize=1)
def _stopwords() -> dict[Language, frozenset[str]]:
    """bm25s's stop word lists (NLTK's for English), folded like the text they filter."""
    lists: dict[Language, tuple[str, ...]] = {
        "en": bm25s_stopwords.STOPWORDS_EN_PLUS,
        "es": bm25s_stopwords.STOPWORDS_SPANISH,
        "de": bm25s_stopwords.STOPWORDS_GERMAN,
        "fr": bm25s_stopwords.STOPWORDS_FRENCH,
    }
    return {lang: frozenset(fold(word) for word in words) for lang, words in lists.items()}


def stopwords(lang: Language) -> frozenset[str]:
    return _stopwords()[lang]


#: Stop words a text needs in another language, and more than in English, to count as that
#: language: one "en" or "sur" is not enough ("Big Sur", "Ella + Max").
MIN_STOPWORDS = 2


@lru_cache(maxsize=4096)
def detect_language(text: str) -> Language:
    """The language of a pin or board among en/es/de/fr, by counting each language's stop
    words; English unless another has at least ``MIN_STOPWORDS`` and more than English.

    Cheap on purpose (no dictionary to load) and right on every pin of the development set,
    where simplemma's detector takes short English board texts for German.
    """
    folded = [fold(word) for word in words(text)]
    counts = {lang: sum(word in stopwords(lang) for word in folded) for lang in LANGUAGES}
    best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == DEFAULT_LANGUAGE))
    if best != DEFAULT_LANGUAGE and counts[best] >= MIN_STOPWORDS and counts[best] > counts["en"]:
        return best
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=4)
def _stemmer(lang: Language) -> Any:
    return snowballstemmer.stemmer(_SNOWBALL_NAMES[lang])


@lru_cache(maxsize=65536)
def term(word: str, lang: Language) -> str:
    """One word (lowercase, accents kept) as its folded stem of its lemma."""
    lemma = simplemma.lemmatize(word, lang=lang)
    stem: str = _stemmer(lang).stemWord(fold(lemma).replace(" ", ""))
    return stem or fold(word)


def words(text: str) -> list[str]:
    """The words of ``text``, lowercase with their accents (the lemmatiser needs them)."""
    found: list[str] = []
    for raw in _WORD.findall(text.casefold()):
        word = _ELIDED.sub("", raw)
        found.extend(part for part in _APOSTROPHE.split(word) if part)
    return found


def content_words(text: str, lang: Language) -> list[str]:
    """The words that carry meaning: no stop words, no bare numbers, no single letters."""
    stop = stopwords(lang)
    kept: list[str] = []
    for word in words(text):
        folded = fold(word)
        if len(folded) < 2 or folded.isdigit() or folded in stop:
            continue
        kept.append(word)
    return kept


def terms(text: str, lang: Language | None = None) -> list[str]:
    """``text`` as index terms, in the language given or detected."""
    language = lang or detect_language(text)
    return [term(word, language) for word in content_words(text, language)]


def surface_words(text: str, lang: Language) -> dict[str, str]:
    """Each term of ``text`` and the first word that made it, for telling a person why."""
    found: dict[str, str] = {}
    for word in content_words(text, lang):
        found.setdefault(term(word, lang), word)
    return found
