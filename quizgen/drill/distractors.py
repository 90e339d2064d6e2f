"""Wrong answers a student could believe, taken from the course itself.

A distractor is another card's answer, chosen by how close that card sits to the question in the
notes (tiers, best first): its siblings under the same parent, the other items of a list that holds
the answer, its cousins under the same grandparent, the same diagram, the same table column, the
same rule in the same note, anything in the same note, then the same rule in the same course.
A candidate must look like the answer (a number for a number, an acronym for an acronym, a
similar length for text) and must never be the answer again in other words: near-equal after
normalisation, contained in the question, or the answer of the same question asked elsewhere.
When too few candidates pass, the caller asks another kind of question instead of padding.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import cache

from rapidfuzz import fuzz

from quizgen.lang import get_language
from quizgen.model import Card, CardKind

__all__ = [
    "Candidate",
    "DistractorIndex",
    "Shape",
    "Tier",
    "core_answer",
    "near_equal",
    "normalize",
    "same_fact_line",
    "same_question",
    "shape_of",
    "strip_marker",
    "without_parentheses",
]

SHORT_WORDS = 3  # up to this many words an answer is a name or a term, not a phrase
MAX_LENGTH_RATIO = 3.0  # a distractor three times longer (or shorter) than the answer stands out
NEAR_RATIO = 88  # rapidfuzz ratio (0-100) from which two answers read as the same answer
NEAR_TOKEN_SORT = 95  # the same words in another order
# Rules whose answers are all of one kind (definitions, expansions, formulas), so that any other
# answer of the same rule is a plausible wrong one. The answers of other rules (a detail, a
# sentence's end, an explicit card) only make sense as wrong answers near their own parent.
RULES_OF_A_KIND = frozenset({"definition", "term", "acronym", "formula", "table"})
# Between the words in which two questions differ: typos (physiqe/physique), not neighbours
# (HTTP/HTTPS scores 89).
SAME_QUESTION_RATIO = 90


class Tier(IntEnum):
    """How close a distractor's card sits to the question's card in the notes (lower is closer)."""

    SIBLING = 0  # same parent, same rule
    SAME_LIST = 1  # the other items of a list that holds the answer
    COUSIN = 2  # same grandparent, same rule
    DIAGRAM = 3  # the same mermaid diagram
    TABLE_COLUMN = 4  # the same column of a table with the same header
    SAME_RULE = 5  # the same rule in the same note
    SAME_NOTE = 6  # anything in the same note
    SAME_COURSE = 7  # the same rule in another note of the same course


class Shape(StrEnum):
    """What an answer looks like; a distractor must look the same."""

    NUMBER = "number"  # 46, 1 - 126, 255.0.0.0 (/8), 5 ans
    MATH = "math"  # $...$
    ACRONYM = "acronym"  # SYN, HAVING, DHCP
    NAME = "name"  # up to 3 words, capitalised: Interphase, Bare Metal
    TERM = "term"  # up to 3 words in lower case: segment, no guarantee
    TEXT = "text"  # anything longer, compared by length


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    card: Card
    tier: Tier


# ---------------------------------------------------------------- text helpers

_PAREN = re.compile(r"\s*\([^()]*\)")
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9_-]{1,9}$")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@cache
def normalize(text: str) -> str:
    """Casefolded, accents and punctuation removed, spaces collapsed: `L'Hôte !` -> `l hote`."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def strip_marker(line: str) -> str:
    """A line without its list marker (`- x`, `2. x` -> `x`)."""
    return _LIST_MARK.sub("", line).strip()


def without_parentheses(text: str) -> str:
    return _PAREN.sub("", text).strip()


def _numbers(normalized: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(normalized))


def _contains_words(long: str, short: str) -> bool:
    return bool(short) and f" {short} " in f" {long} "


@cache
def near_equal(a: str, b: str) -> bool:
    """True when `a` and `b` would be marked as the same answer: equal after normalisation, one
    the bulk of the other (`Interphase` / `Interphase (G1)`), or nearly the same letters. Answers
    that differ in a number (`G1 checkpoint` / `G2 checkpoint`) are different answers."""
    na, nb = normalize(a), normalize(b)
    if na == nb:
        return True
    if not na or not nb:
        return False
    short, long = sorted((na, nb), key=len)
    if _contains_words(long, short) and len(short) >= 0.5 * len(long):
        return True
    if _numbers(na) != _numbers(nb):
        return False
    return fuzz.ratio(na, nb) >= NEAR_RATIO or fuzz.token_sort_ratio(na, nb) >= NEAR_TOKEN_SORT


@cache
def same_question(a: str, b: str) -> bool:
    """Do `a` and `b` ask the same thing? Templates make sibling questions share most words
    (`what is “Prophase”?` / `what is “Metaphase”?`), so only the words that differ are compared,
    and must be the same word but for a typo: `Type 1 (physiqe)` and `Type 1 (physique)`."""
    ta, tb = normalize(a).split(), normalize(b).split()
    if ta == tb:
        return True
    da = [t for t in ta if t not in tb]
    db = [t for t in tb if t not in ta]
    if not da or not db or _numbers(" ".join(da)) != _numbers(" ".join(db)):
        return False
    return fuzz.ratio(" ".join(da), " ".join(db)) >= SAME_QUESTION_RATIO


def core_answer(card: Card) -> str:
    """The answer a question is about: the first line of the card's answer (later lines are
    details), without a list marker or a closing full stop. Empty for a LIST card."""
    if card.kind is CardKind.LIST:
        return ""
    for raw in card.answer.split("\n"):
        line = strip_marker(raw)
        if line:
            return line.rstrip(" .;,")
    return ""


@cache
def shape_of(text: str) -> Shape:
    if "$" in text or "\\(" in text:
        return Shape.MATH
    bare = without_parentheses(text) or text
    if _ACRONYM.match(bare):
        return Shape.ACRONYM
    digits = sum(ch.isdigit() for ch in bare)
    letters = sum(ch.isalpha() for ch in bare)
    if digits and letters <= max(3, digits):
        return Shape.NUMBER
    words = bare.split()
    if bare[:1].isdigit() and len(words) <= SHORT_WORDS:  # a quantity and its unit: `20-60 bytes`
        return Shape.NUMBER
    if len(words) <= SHORT_WORDS:
        return Shape.NAME if bare[:1].isupper() else Shape.TERM
    return Shape.TEXT


_WORDS = frozenset({Shape.NAME, Shape.TERM, Shape.TEXT})
_PROSE = frozenset({Shape.TERM, Shape.TEXT})


def _bare(text: str) -> str:
    return normalize(without_parentheses(text))


def _length_distance(a: str, b: str) -> float:
    return abs(math.log((len(a) + 1) / (len(b) + 1)))


def plausible(answer: str, candidate: str) -> bool:
    """Does `candidate` look like `answer` (same shape, similar length)? Short lower-case terms
    and longer phrases mix (`reliable transport` / `error and diagnostic messages`); numbers,
    formulas, acronyms and capitalised names only go with their own kind."""
    shapes = {shape_of(answer), shape_of(candidate)}
    if len(shapes) > 1 and shapes != _PROSE:
        return False
    return _length_distance(answer, candidate) <= math.log(MAX_LENGTH_RATIO)


def same_fact_line(a: Card, b: Card) -> bool:
    """Two cards from one line are one fact said two ways (a definition and its acronym), except
    the cells of a table, which share the table's line."""
    return a.source == b.source and not (a.rule == "table" and b.rule == "table")


def _course(card: Card) -> str:
    return card.deck.split("::", 1)[0]


@cache
def _table_pattern(lang: str) -> re.Pattern[str] | None:
    """The table question template (`{key} — {attribute}?`) as a regex capturing the attribute."""
    template = get_language(lang).templates.get("table", "")
    if "{key}" not in template or "{attribute}" not in template:
        return None
    pattern = re.escape(template)
    pattern = pattern.replace(re.escape("{key}"), r"(?P<key>.+?)")
    pattern = pattern.replace(re.escape("{attribute}"), r"(?P<attribute>.+)")
    return re.compile(f"^{pattern}$", re.DOTALL)


def table_attribute(card: Card) -> str:
    """The column a `table` card asks about, `""` for other cards."""
    if card.rule != "table":
        return ""
    pattern = _table_pattern(card.lang)
    match = pattern.match(card.question) if pattern else None
    return normalize(match.group("attribute")) if match else normalize(card.question)


# ---------------------------------------------------------------- the index


class DistractorIndex:
    """Every card of a vault, filed by where it sits, to find the closest wrong answers."""

    def __init__(self, cards: Iterable[Card]) -> None:
        self.cards = tuple(cards)
        self._siblings: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._cousins: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._diagrams: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._columns: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._note_rule: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._note: dict[str, list[Card]] = defaultdict(list)
        self._course_rule: dict[tuple[object, ...], list[Card]] = defaultdict(list)
        self._lists: dict[str, list[Card]] = defaultdict(list)
        for card in self.cards:
            path = card.source.path
            if card.kind is CardKind.LIST:
                self._lists[path].append(card)
                continue
            self._siblings[self._sibling_key(card)].append(card)
            if len(card.context) >= 2:
                self._cousins[self._cousin_key(card)].append(card)
            if card.rule == "diagram" and card.context:
                self._diagrams[(path, card.context[:2])].append(card)
            if card.rule == "table":
                self._columns[(_course(card), table_attribute(card))].append(card)
            self._note_rule[(path, card.rule)].append(card)
            self._note[path].append(card)
            self._course_rule[(_course(card), card.lang, card.rule)].append(card)

    @staticmethod
    def _sibling_key(card: Card) -> tuple[object, ...]:
        # The cells of one table row share a context: only the same column makes siblings.
        return (card.source.path, card.context, card.rule, table_attribute(card))

    @staticmethod
    def _cousin_key(card: Card) -> tuple[object, ...]:
        return (card.source.path, card.context[:-1], card.rule, table_attribute(card))

    def _tiers(self, card: Card) -> Iterator[tuple[Tier, list[Card] | list[str]]]:
        path = card.source.path
        yield Tier.SIBLING, self._siblings.get(self._sibling_key(card), [])
        yield Tier.SAME_LIST, self._list_items(card)
        if len(card.context) >= 2:
            yield Tier.COUSIN, self._cousins.get(self._cousin_key(card), [])
        if card.rule == "diagram" and card.context:
            yield Tier.DIAGRAM, self._diagrams.get((path, card.context[:2]), [])
        if card.rule == "table":
            yield Tier.TABLE_COLUMN, self._columns.get((_course(card), table_attribute(card)), [])
        if card.rule in RULES_OF_A_KIND:
            yield Tier.SAME_RULE, self._note_rule.get((path, card.rule), [])
        yield Tier.SAME_NOTE, self._note.get(path, [])
        if card.rule in RULES_OF_A_KIND:
            course = self._course_rule.get((_course(card), card.lang, card.rule), [])
            yield Tier.SAME_COURSE, course

    def _list_items(self, card: Card) -> list[str]:
        """The other items of every list in the note that has the answer as one of its items."""
        key = _bare(core_answer(card))
        found: list[str] = []
        for holder in self._lists.get(card.source.path, []):
            items = [i for i in holder.items if i.strip()]
            # Strict membership: `Interphase (G1)` is the item `Interphase`, but an answer that
            # is only the definition part of `term -> definition` items is not an item.
            if key and any(_bare(item) == key for item in items):
                found.extend(item for item in items if _bare(item) != key)
        return found

    def candidates(self, card: Card) -> Iterator[Candidate]:
        """Every wrong answer worth considering for `card`, closest first (unfiltered by shape)."""
        for tier, members in self._tiers(card):
            for member in members:
                if isinstance(member, str):
                    yield Candidate(member.split("\n", 1)[0].strip(), card, tier)
                elif member.id != card.id and member.lang == card.lang:
                    yield Candidate(core_answer(member), member, tier)

    def pick(
        self,
        card: Card,
        k: int,
        *,
        rng: random.Random,
        answer: str | None = None,
        max_tier: Tier = Tier.SAME_COURSE,
    ) -> tuple[Candidate, ...]:
        """Up to `k` distractors for `card` (whose right answer is `answer`, by default its
        core answer), closest tier first and, within a tier, the most similar length first;
        `rng` only breaks ties. Fewer than `k` means there are not enough plausible ones."""
        answer = core_answer(card) if answer is None else answer
        if not answer:
            return ()
        question = normalize(card.question)
        full_answer = normalize(card.answer)
        chosen: list[Candidate] = []
        pending: dict[Tier, list[Candidate]] = defaultdict(list)
        for candidate in self.candidates(card):
            if candidate.tier <= max_tier and self._acceptable(
                card, answer, candidate, question, full_answer
            ):
                pending[candidate.tier].append(candidate)
        for tier in sorted(pending):
            group = pending[tier]
            rng.shuffle(group)
            group.sort(key=lambda c: round(_length_distance(answer, c.text), 1))
            for candidate in group:
                if len(chosen) == k:
                    return tuple(chosen)
                if not any(near_equal(candidate.text, c.text) for c in chosen):
                    chosen.append(candidate)
        return tuple(chosen)

    @staticmethod
    def _acceptable(
        card: Card, answer: str, candidate: Candidate, question: str, full_answer: str
    ) -> bool:
        text = candidate.text
        if not text or not plausible(answer, text) or near_equal(answer, text):
            return False
        if candidate.tier >= Tier.SAME_NOTE and shape_of(text) in _WORDS:
            return False  # unrelated prose from elsewhere in the note is nonsense, not a distractor
        other = candidate.card
        if other is not card:
            if same_fact_line(card, other):
                return False
            if bool(other.reverse_of) != bool(card.reverse_of):
                return False  # a `Q:::A` card asked backwards answers in the other language
            if same_question(other.question, card.question):  # both answers would be right
                return False
        norm = normalize(text)
        if _contains_words(norm, normalize(answer)):
            return False  # `Year : 1789` holds the right answer `1789`
        # Named in the question, or a detail of this very answer: not a wrong answer.
        return not (
            len(norm) >= 3
            and (_contains_words(question, norm) or _contains_words(full_answer, norm))
        )
