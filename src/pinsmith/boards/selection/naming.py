"""A new board's name, as a Pinterest SEO writer would pick it from the pin.

Pinterest ranks boards by the keywords in their names, so a good board name is the pin's main
keyword phrase, short and in Title Case: "Homemade Peanut Butter Pumpkin Dog Treats" makes
"Homemade Dog Treats"-like names, not "Pins I Like". From the title (or the description's first
sentence) we keep the first keyword run of the part before a colon or bracket, and drop what
never names a topic: numbers and durations ("20-Minute", "2026", "$100"), "how to" and its verb,
listicle heads ("10 Ways to ..."), superlatives and filler ("Best", "Easy", "Ultimate"), and
brand-like words that no dictionary knows ("Cricut", "Poshmark") when enough words are left.
English phrases keep their last words (the head noun comes last); Spanish and French ones keep
their first. The result has 2 to 5 words, at most 50 characters, and is not a near-duplicate of
a board the profile already has.

The word lists below are generic (filler, listicle nouns, small words); none names a niche.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pinsmith.boards.selection.model import PinText
from pinsmith.boards.selection.text import Language, detect_language, fold, stopwords

MIN_WORDS = 2
MAX_WORDS = 5
MAX_LENGTH = 50
#: Names at least this similar (rapidfuzz ratio on folded names, 0-100) are the same board.
DUPLICATE_RATIO = 88.0


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words that praise or pad but never say what a pin is about.
FILLER: dict[Language, frozenset[str]] = {
    "en": _set(
        "best easy easiest simple simplest ultimate perfect top amazing awesome great greatest "
        "quick quickest super favorite favourite favorites must cute fun free complete "
        "essential genius brilliant incredible stunning really actually everything anyone "
        "everyone ever literally seriously totally insanely absolutely good better "
        "classic gorgeous beautiful cozy cosy little tiny giant huge mini higher lower bigger "
        "smaller faster cheaper more most explained simply made long many much"
    ),
    "es": _set(
        "mejor mejores facil faciles sencillo sencilla sencillos rapido rapida rapidos "
        "perfecto perfecta ultimo ultima increible increibles nuevo nueva gratis"
    ),
    "de": _set(
        "beste besten bester bestes einfach einfache einfachen schnell schnelle schnellen "
        "perfekt perfekte perfekten tolle tollen toll neue neuen gratis schonsten schonste"
    ),
    "fr": _set(
        "meilleur meilleure meilleurs meilleures facile faciles simple simples rapide rapides "
        "parfait parfaite incroyable nouveau nouvelle gratuit gratuite"
    ),
}
#: Heads of a listicle: "10 Ways to Save", "25 Things to Stop Buying": the topic comes after.
LISTICLE: dict[Language, frozenset[str]] = {
    "en": _set("ways things reasons steps tricks hacks secrets mistakes rules"),
    "es": _set("formas maneras cosas razones pasos trucos secretos errores"),
    "de": _set("wege dinge grunde schritte tricks fehler"),
    "fr": _set("facons choses raisons etapes astuces erreurs"),
}
#: Small words that stay inside a name (lowercase) in languages that build noun phrases with
#: them ("Centros de Mesa", "Jouets pour Chat").
JOINERS: dict[Language, frozenset[str]] = {
    "en": frozenset({"and", "&", "vs", "versus"}),
    "es": frozenset({"de", "del", "al", "y", "para"}),
    "de": frozenset({"und"}),
    "fr": frozenset({"de", "des", "du", "et", "pour", "a"}),
}
#: Small words that may join a lone word to the words after it: "Weekend in Lisbon".
BRIDGES: dict[Language, frozenset[str]] = {
    "en": _set("of in on for a an the at to"),
    "es": _set("de del en para a al el la los las un una"),
    "de": _set("in im fur am an auf der die das den dem des"),
    "fr": _set("de du des a en pour le la les l au aux"),
}
#: Added when the keyword phrase is a single word: "Pickleball" -> "Pickleball Tips".
TOPIC_SUFFIX: dict[Language, tuple[str, str]] = {  # (after "how to", otherwise)
    "en": ("Tips", "Ideas"),
    "es": ("Consejos", "Ideas"),
    "de": ("Tipps", "Ideen"),
    "fr": ("Conseils", "Idées"),
}
#: Names for a pin with no keyword at all ("!!!"), tried in order.
FALLBACK_NAMES: dict[Language, tuple[str, ...]] = {
    "en": ("New Pin Ideas", "Fresh Inspiration", "Saved for Later", "Ideas to Try"),
    "es": ("Ideas Nuevas", "Inspiración", "Para Probar"),
    "de": ("Neue Ideen", "Inspiration", "Zum Ausprobieren"),
    "fr": ("Nouvelles Idées", "Inspiration", "À Essayer"),
}
HEAD_FIRST: frozenset[Language] = frozenset({"es", "fr"})
HOW_TO: dict[Language, re.Pattern[str]] = {
    "en": re.compile(r"^\s*how\s+to\s+\S+\s*", re.IGNORECASE),
    "es": re.compile(r"^\s*c[oó]mo\s+", re.IGNORECASE),
    "de": re.compile(r"^\s*wie\s+(?:man\s+)?", re.IGNORECASE),
    "fr": re.compile(r"^\s*comment\s+", re.IGNORECASE),
}
_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_QUOTES = "\"'\u201c\u201d\u2018\u2019*#"
_SEGMENT_BREAK = re.compile(rf"\s*(?:[:|()\[\]!?;,.\u2026+]|\s[{_DASHES}]\s)\s*")
_TOKEN = re.compile(r"[^\s/]+")
#: Units after a number ("3 Days", "20 Minutes"): part of the number, not a topic.
UNITS = _set(
    "minute minutes min mins hour hours day days week weeks month months year years "
    "minuto minutos hora horas dia dias semana semanas mes meses ano anos "
    "minute minuten stunde stunden tag tage tagen woche wochen monat monate jahr jahre "
    "heure heures jour jours semaine semaines mois an ans"
)
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|t|m|c)['\u2019](?=\w)", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class _Word:
    text: str  # as written, punctuation at the ends stripped
    folded: str

    @property
    def is_number_like(self) -> bool:
        """ "20-Minute", "3-Ingredient", "$100", "2026", "3rd", "10x": never a topic."""
        return any(char.isdigit() for char in self.folded) or self.text.startswith(("$", "€", "£"))


def propose_board_name(pin: PinText, existing_names: Iterable[str]) -> str:
    """The new board's name for ``pin``: 2-5 words, Title Case, <= 50 characters, in the pin's
    language, and not a near-duplicate of any of ``existing_names``."""
    text = pin.title.strip() or _first_sentence(pin.description)
    language = detect_language(f"{pin.title} {pin.description}")
    existing = [fold(name) for name in existing_names if name.strip()]
    for candidate in [*_candidates(text, language), *FALLBACK_NAMES[language]]:
        if not _is_duplicate(candidate, existing):
            return candidate
    return _numbered(FALLBACK_NAMES[language][0], existing)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0] if text.strip() else ""


def _candidates(text: str, language: Language) -> list[str]:
    """Names to try, best first: the keyword phrase, then the other phrases of the pin."""
    how_to = bool(HOW_TO[language].match(text))
    phrases = _keyword_phrases(HOW_TO[language].sub("", text, count=1), language)
    tips, ideas = TOPIC_SUFFIX[language]
    suffix = tips if how_to else ideas
    names: list[str] = []
    for phrase in phrases:
        words = _trim(phrase, language)
        if len(words) == 1:
            words = [*words, suffix] if language not in HEAD_FIRST else [suffix, "de", *words]
        if len(words) >= MIN_WORDS:
            generic = fold(words[-1]) in {fold(tips), fold(ideas)}
            if how_to and not generic and language not in HEAD_FIRST and len(words) <= 3:
                names.append(_title_case([*words, tips], language))
            names.append(_title_case(words, language))
    if phrases:  # variants, in case the plain phrases are taken: "Dog Breeds Ideas"
        for extra in (ideas, tips):
            words = _trim([*phrases[0], extra], language)
            if language in HEAD_FIRST:
                words = _trim([extra, "de", *phrases[0]], language)
            if len(words) >= MIN_WORDS:
                names.append(_title_case(words, language))
    return [name for name in dict.fromkeys(names) if _fits(name)]


def _keyword_phrases(text: str, language: Language) -> list[list[str]]:
    """Runs of topic words, best first: the longest run of the part before a colon (a lone
    word takes in the run after a small word: "Weekend in Lisbon", "Isle of Skye"), then the
    other runs in reading order."""
    ranked: list[list[str]] = []
    for segment in _SEGMENT_BREAK.split(text):
        runs = [words for run in _runs(segment, language) if (words := _clean(run, language))]
        if not runs:
            continue
        several = [words for words in runs if _content_count(words, language) >= MIN_WORDS]
        best = several[0] if several else runs[0]
        ranked.append(best)
        ranked.extend(words for words in runs if words is not best)
    return ranked


def _runs(segment: str, language: Language) -> list[list[_Word]]:
    """Maximal runs of words that are neither small words nor numbers; a one-word run is
    joined to the next run over at most two small words."""
    stop = stopwords(language)
    joiners = JOINERS[language]
    filler = FILLER[language]
    runs: list[list[_Word]] = []
    run: list[_Word] = []
    gap: list[_Word] = []  # small words since the run ended
    broken = False  # a number since the run ended: no joining over it
    previous_number = False
    for token in _TOKEN.findall(segment):
        word = _word(token)
        if not word.folded and word.text != "&":
            continue
        if word.text == "&" or word.folded in joiners:
            (run if run and not gap else gap).append(word)
            continue
        unit = previous_number and word.folded in UNITS
        previous_number = word.is_number_like
        if word.is_number_like or unit or _is_small(word, stop):
            if run:
                runs.append(run)
                run = []
            gap.append(word)
            broken = broken or word.is_number_like or unit
            continue
        lone = runs and sum(1 for w in runs[-1] if w.folded not in filler) == 1
        bridge = len(gap) <= 2 and all(w.folded in BRIDGES[language] for w in gap)
        if not run and lone and bridge and not broken:
            run = [*runs.pop(), *gap]
        gap, broken = [], False
        run.append(word)
    if run:
        runs.append(run)
    return runs


def _word(token: str) -> _Word:
    """A token as written; an elided article ("l'oignon") counts as the word after it."""
    text = token.strip(_QUOTES)
    elided = _ELISION.match(text)
    return _Word(text, fold(text[elided.end() :] if elided else text))


def _is_small(word: _Word, stop: frozenset[str]) -> bool:
    """A stop word, also as a contraction ("they'll", "don't")."""
    folded = word.folded
    return folded in stop or folded.split(" ")[0] in stop or folded.replace(" ", "") in stop


def _content_count(words: Sequence[str], language: Language) -> int:
    small = JOINERS[language] | stopwords(language)
    return sum(1 for word in words if fold(word) not in small and word != "&")


def _clean(run: list[_Word], language: Language) -> list[str]:
    """A run without filler, listicle heads, years, dangling small words and trade marks."""
    filler = FILLER[language]
    listicle = LISTICLE[language]
    stop = stopwords(language) | JOINERS[language]
    kept = [
        word
        for word in run
        if word.folded not in filler
        and word.folded not in listicle
        and not _YEAR.match(word.folded)
    ]
    unbranded = [word for word in kept if not _brand_like(word)]
    if sum(1 for w in unbranded if w.folded not in stop) >= MIN_WORDS:
        kept = unbranded
    while kept and (kept[0].text == "&" or kept[0].folded in stop):
        kept.pop(0)
    while kept and (kept[-1].text == "&" or kept[-1].folded in stop):
        kept.pop()
    return [word.text for word in kept]


def _brand_like(word: _Word) -> bool:
    """A trade mark: CamelCase ("TpT", "YouTube", "iPhone") or marked ™/®. Acronyms (DIY,
    HIIT) and place names (Maui, Lisbon) stay: dictionaries do not know places either, so
    "unknown word" would drop the keyword of a travel pin."""
    text = word.text
    if any(mark in text for mark in "™®©"):
        return True
    return not text.isupper() and any(
        a.islower() and b.isupper() for a, b in itertools.pairwise(text)
    )


def _trim(words: Sequence[str], language: Language) -> list[str]:
    """At most MAX_WORDS words and MAX_LENGTH characters, keeping the head noun's end."""
    kept = list(words)
    small = JOINERS[language] | stopwords(language) | {""}
    while kept and (len(kept) > MAX_WORDS or len(" ".join(kept)) > MAX_LENGTH):
        kept = kept[:-1] if language in HEAD_FIRST else kept[1:]
        while kept and fold(kept[0]) in small:
            kept = kept[1:]
        while kept and fold(kept[-1]) in small:
            kept = kept[:-1]
    return kept


def _title_case(words: Sequence[str], language: Language) -> str:
    """Each word capitalised; small joining words lowercase inside; acronyms kept."""
    small = JOINERS[language] | stopwords(language)
    out: list[str] = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) > 1:
            out.append(word)
        elif index and fold(word) in small and word != "&":
            out.append(word.lower())
        else:
            out.append("-".join(_capitalised(part) for part in word.split("-")))
    return " ".join(out)


def _capitalised(part: str) -> str:
    if part.isupper() and len(part) > 1:
        return part  # HIIT, DIY, IEP
    elided = _ELISION.match(part)
    if elided:  # l'oignon -> l'Oignon
        return part[: elided.end()].lower() + _capitalised(part[elided.end() :])
    return part[:1].upper() + part[1:].lower()


def _fits(name: str) -> bool:
    count = len(name.split())
    return MIN_WORDS <= count <= MAX_WORDS and len(name) <= MAX_LENGTH


def _is_duplicate(name: str, existing: Sequence[str]) -> bool:
    folded = fold(name)
    return any(
        fuzz.ratio(folded, other) >= DUPLICATE_RATIO
        or fuzz.token_sort_ratio(folded, other) >= DUPLICATE_RATIO
        for other in existing
    )


def is_near_duplicate(name: str, existing_names: Iterable[str]) -> bool:
    """Whether ``name`` would repeat a board of ``existing_names`` (folded, rapidfuzz)."""
    return _is_duplicate(name, [fold(other) for other in existing_names if other.strip()])


def _numbered(base: str, existing: Sequence[str]) -> str:
    """The last resort: the first number that makes an exact name of its own."""
    taken = set(existing)
    number = 2
    while fold(f"{base} {number}") in taken:
        number += 1
    return f"{base} {number}"
