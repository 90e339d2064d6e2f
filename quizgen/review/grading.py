"""Grading typed answers: forgiving about form, strict about substance.

Case, accents, punctuation, spacing, ligatures (œ/oe), apostrophes (’/'), a leading article and
a typo or two do not count ("heberge" is "Hébergé", "VirtualBox" is "Virtual Box"); numbers
must be exact (a /16 is not a /24). A list answer is graded item by item: each typed entry is
matched to at most one expected item, and the items nobody typed are shown as missed. Every
grade proposes a rating that the user may override.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from quizgen.model import Card, CardKind
from quizgen.review.scheduler import Rating

__all__ = [
    "Grade",
    "ItemResult",
    "Verdict",
    "compact",
    "core_answer",
    "expected_items",
    "grade",
    "grade_items",
    "grade_text",
    "item_variants",
    "normalize",
    "split_entries",
]


class Verdict(IntEnum):
    WRONG = 0
    PARTIAL = 1  # some of it: the key words of a long answer, a part of a list
    CLOSE = 2  # right, with a typo
    CORRECT = 3

    @property
    def passed(self) -> bool:
        return self >= Verdict.CLOSE


PROPOSED = {
    Verdict.CORRECT: Rating.GOOD,
    Verdict.CLOSE: Rating.GOOD,
    Verdict.PARTIAL: Rating.HARD,
    Verdict.WRONG: Rating.AGAIN,
}


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One expected item of a list answer and what was typed for it ('' if missed)."""

    expected: str
    given: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Grade:
    verdict: Verdict
    score: float  # 0..1
    proposed: Rating
    expected: str  # the answer as shown to the user
    items: tuple[ItemResult, ...] = ()  # list answers: one per expected item, in order
    extra: tuple[str, ...] = ()  # list answers: typed entries that matched no item

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(i.expected for i in self.items if not i.verdict.passed)


# ---------------------------------------------------------------- normal forms

_FOLD = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "–": "-",
        "—": "-",
    }
)
_ARTICLES = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "the",
        "a",
        "an",
        "to",
    ]  # fr and en, both always
)
_STOPWORDS = _ARTICLES | frozenset(
    [
        "et",
        "ou",
        "en",
        "au",
        "aux",
        "par",
        "pour",
        "sur",
        "dans",
        "avec",
        "est",
        "sont",
        "qui",
        "que",
        "se",
        "ce",
        "son",
        "sa",
        "ses",
        "leur",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "is",
        "are",
        "be",
        "it",
        "its",
        "that",
        "which",
        "as",
        "from",
    ]
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PAREN = re.compile(r"\s*\([^()]*\)")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_HEAD_SEPARATOR = re.compile(r"\s+[:=–—-]\s+|\s*:\s+|\s+->\s+")


def normalize(text: str) -> str:
    """Lower case, no accents, ligatures unfolded, punctuation as spaces, no leading article."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(_FOLD)
    words = re.sub(r"[^\w]+", " ", text).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def compact(text: str) -> str:
    """The normal form without spaces: "Virtual Box" and "VirtualBox" are one word."""
    return normalize(text).replace(" ", "")


def _numbers(text: str) -> list[str]:
    return [n.replace(",", ".") for n in _NUMBER.findall(text)]


def _allowed_typos(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 12:
        return 2
    return length * 15 // 100


def _key_words(text: str) -> list[str]:
    """Words that carry the meaning (numbers are checked apart, exactly)."""
    return [
        w for w in normalize(text).split() if w not in _STOPWORDS and len(w) > 1 and not w.isdigit()
    ]


# ---------------------------------------------------------------- what is expected


def core_answer(card: Card) -> str:
    """The answer to give: for basic cards, without the detail lines (`- ...`) the extractor
    appends after the answer itself; for lists, the items one per line."""
    if card.kind is CardKind.LIST and card.items:
        return "\n".join(card.items)
    lines = [line for line in card.answer.split("\n") if line.strip()]
    main = [line for line in lines if not line.startswith("- ")]
    return "\n".join(main or lines)


def expected_items(card: Card) -> tuple[str, ...]:
    """The separate things to type: a list's items, a multi-gap cloze's gaps; else ()."""
    if card.kind is CardKind.LIST and card.items:
        return card.items
    if card.kind is CardKind.CLOZE and "; " in card.answer:
        return tuple(part for part in card.answer.split("; ") if part.strip())
    return ()


def _variants(text: str) -> list[str]:
    """Acceptable forms of one answer: as written, without its parentheses, each alternative
    of an `a / b` answer."""
    text = " ".join(text.split())
    forms = [text, _PAREN.sub("", text).strip()]
    for form in list(forms):
        if " / " in form:
            forms.extend(part.strip() for part in form.split(" / "))
    return [f for f in dict.fromkeys(forms) if f]


def item_variants(item: str) -> list[str]:
    """An item of a list may be answered by its head: "Discover : le client..." by "Discover"."""
    forms = _variants(item)
    parts = _HEAD_SEPARATOR.split(item, maxsplit=1)
    if len(parts) == 2 and parts[0].strip():
        forms.extend(_variants(parts[0]))
    return list(dict.fromkeys(forms))


def split_entries(text: str | Sequence[str]) -> list[str]:
    """Typed list entries: one per line, or separated by `;` or `,`; bullets and numbers off."""
    lines = text.split("\n") if isinstance(text, str) else list(text)
    entries: list[str] = []
    for line in lines:
        for part in re.split(r"[;,]", line):
            entry = _BULLET.sub("", part).strip()
            if entry:
                entries.append(entry)
    return entries


# ---------------------------------------------------------------- matching


def _match_one(given: str, expected: str) -> tuple[Verdict, float]:
    g, e = normalize(given), normalize(expected)
    if not g or not e:
        return Verdict.WRONG, 0.0
    gc, ec = g.replace(" ", ""), e.replace(" ", "")
    same_numbers = _numbers(given) == _numbers(expected)
    if gc == ec:
        return Verdict.CORRECT, 1.0
    score = fuzz.ratio(gc, ec) / 100
    if same_numbers and OSA.distance(gc, ec) <= _allowed_typos(len(ec)):
        return Verdict.CLOSE, score
    # Long answers: how many of the key words were given (each allowing a typo).
    keys = _key_words(expected)
    if len(keys) >= 3:
        given_words = _key_words(given)
        found = sum(
            1
            for k in keys
            if any(OSA.distance(k, w) <= _allowed_typos(len(k)) for w in given_words)
        )
        coverage = found / len(keys)
        precision = found / max(len(given_words), 1)
        if coverage >= 0.75 and same_numbers and precision >= 0.5:
            return Verdict.CLOSE, max(score, coverage)
        if coverage >= 0.4 and precision >= 0.5:
            return Verdict.PARTIAL, max(score, coverage)
    return Verdict.WRONG, score


def _best(given: str, forms: Iterable[str]) -> tuple[Verdict, float]:
    return max((_match_one(given, form) for form in forms), default=(Verdict.WRONG, 0.0))


def grade_text(given: str, expected: str) -> Grade:
    """Grade a typed answer against one expected answer."""
    one_line = " ".join(expected.split("\n"))
    verdict, score = _best(given, _variants(one_line)) if given.strip() else (Verdict.WRONG, 0.0)
    return Grade(verdict, score, PROPOSED[verdict], expected)


def grade_items(given: str | Sequence[str], expected: Sequence[str]) -> Grade:
    """Grade typed entries against a list's items, each item matched at most once."""
    entries = split_entries(given)
    forms = [item_variants(item) for item in expected]
    pairs = []
    for gi, entry in enumerate(entries):
        for ei, item_forms in enumerate(forms):
            verdict, score = _best(entry, item_forms)
            if verdict > Verdict.WRONG:
                pairs.append((verdict, score, gi, ei))
    # Greedy on the best pairs first: an exact match is never stolen by a fuzzy one.
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    found: dict[int, tuple[Verdict, str]] = {}
    used: set[int] = set()
    for verdict, _score, gi, ei in pairs:
        if gi in used or ei in found:
            continue
        used.add(gi)
        found[ei] = (verdict, entries[gi])
    results = []
    for ei, item in enumerate(expected):
        item_verdict, entry = found.get(ei, (Verdict.WRONG, ""))
        results.append(ItemResult(item, entry, item_verdict))
    credit = sum(
        1.0 if r.verdict.passed else 0.5 if r.verdict is Verdict.PARTIAL else 0.0 for r in results
    )
    score = credit / len(expected) if expected else 0.0
    if score >= 1.0:
        verdict = (
            Verdict.CLOSE if any(r.verdict is Verdict.CLOSE for r in results) else (Verdict.CORRECT)
        )
    elif score >= 0.5:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.WRONG
    extra = tuple(e for gi, e in enumerate(entries) if gi not in used)
    return Grade(verdict, score, PROPOSED[verdict], "\n".join(expected), tuple(results), extra)


def grade(card: Card, given: str | Sequence[str]) -> Grade:
    """Grade what was typed for `card`: item by item for lists and multi-gap clozes."""
    items = expected_items(card)
    if items:
        return grade_items(given, items)
    text = given if isinstance(given, str) else " ".join(given)
    return grade_text(text, core_answer(card))
