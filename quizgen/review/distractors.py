"""Wrong options for multiple choice, taken from the card's siblings.

A good distractor is a real answer to a neighbouring question: another term under the same
parent, another item of the same list, another node of the same diagram. Nothing else is
used: with fewer than three good siblings, the card is asked another way. (The exam drill has
its own, richer selection in quizgen/drill/.)
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from quizgen.model import Card, CardKind
from quizgen.review.grading import compact, core_answer

__all__ = ["Choice", "Siblings", "choices", "sibling_answers"]

OPTIONS = 4
_TOO_SIMILAR = 85  # rapidfuzz ratio: closer than this to the answer or to another option
_HEAD = re.compile(r"\s+[:=–—-]\s+|\s*:\s+")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


@dataclass(frozen=True, slots=True)
class Choice:
    options: tuple[str, ...]
    correct: int  # index into options


def _choosable(card: Card) -> bool:
    return card.kind is not CardKind.LIST and "\n" not in core_answer(card).strip()


def _split(item: str) -> tuple[str, str]:
    parts = _HEAD.split(item, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (item.strip(), "")


def _shape(question: str) -> str:
    """What a question asks, without what it is about: "B — Premier octet ?" -> "Premier
    octet ?", "Que désigne « Offer » ?" -> "Que désigne « » ?"."""
    if " — " in question:
        question = question.split(" — ", 1)[1]
    return _QUOTED.sub("«»", question)


class Siblings:
    """The pool indexed once (by parent, by list item, by diagram), so that finding a card's
    siblings costs the size of its family, not of the whole vault."""

    def __init__(self, pool: Sequence[Card]) -> None:
        self.by_context: dict[tuple[str, ...], list[Card]] = {}
        self.by_diagram: dict[tuple[str, tuple[str, ...]], list[Card]] = {}
        self.lists: dict[str, list[list[str]]] = {}  # compact(head or tail) -> its list's parts
        for card in pool:
            if card.kind is CardKind.LIST and len(card.items) >= 2:
                split = [_split(item) for item in card.items]
                tails = [tail for _, tail in split if tail]
                heads = [head for head, _ in split]
                for head, tail in split:
                    if tail:
                        self.lists.setdefault("t" + compact(tail), []).append(tails)
                    self.lists.setdefault("h" + compact(head), []).append(heads)
            if not _choosable(card):
                continue
            self.by_context.setdefault(card.context, []).append(card)
            if card.rule == "diagram":
                key = (card.source.path, card.context[:-1])
                self.by_diagram.setdefault(key, []).append(card)

    def answers(self, card: Card) -> Iterator[list[str]]:
        """Candidate answers, best tier first: same parent asking the same thing (a table's
        column, a definition's template), same parent and rule, same parent, same list, same
        diagram."""
        parent = [c for c in self.by_context.get(card.context, ()) if c.id != card.id]
        shape = _shape(card.question)
        same_rule = [c for c in parent if c.rule == card.rule and c.kind is card.kind]
        yield [core_answer(c) for c in same_rule if _shape(c.question) == shape]
        yield [core_answer(c) for c in same_rule]
        yield [core_answer(c) for c in parent if c.rule == card.rule]
        if card.kind is not CardKind.CLOZE:
            yield [core_answer(c) for c in parent if c.kind is card.kind]
        answer = compact(core_answer(card))
        tails = self.lists.get("t" + answer)
        yield from tails if tails else self.lists.get("h" + answer, ())
        if card.rule == "diagram":
            family = self.by_diagram.get((card.source.path, card.context[:-1]), ())
            yield [core_answer(c) for c in family if c.id != card.id]


def sibling_answers(card: Card, pool: Sequence[Card]) -> Iterator[list[str]]:
    """Candidate answers for `card` from `pool`, best tier first (see Siblings.answers)."""
    return Siblings(pool).answers(card)


def choices(
    card: Card,
    pool: Sequence[Card] | Siblings,
    *,
    rng: random.Random,
    count: int = OPTIONS,
) -> Choice | None:
    """`count` options (the answer and count-1 siblings' answers, shuffled), or None when the
    card has too few good distractors. Never two options alike, never one like the answer."""
    if not _choosable(card):
        return None
    answer = core_answer(card).strip()
    if not compact(answer):
        return None
    picked: list[str] = []
    keys = [compact(answer), compact(card.question)]  # the question itself is no option
    siblings = pool if isinstance(pool, Siblings) else Siblings(pool)
    for tier in siblings.answers(card):
        candidates = list(dict.fromkeys(t.strip() for t in tier))
        rng.shuffle(candidates)
        for text in candidates:
            if len(picked) == count - 1:
                break
            key = compact(text)
            if not key or "\n" in text or not _comparable(text, answer):
                continue
            if any(fuzz.ratio(key, k) >= _TOO_SIMILAR or key in k or k in key for k in keys):
                continue
            picked.append(text)
            keys.append(key)
    if len(picked) < count - 1:
        return None
    options = [answer, *picked]
    rng.shuffle(options)
    return Choice(tuple(options), options.index(answer))


def _comparable(text: str, answer: str) -> bool:
    """Not absurdly longer or shorter than the answer: the odd one out gives itself away."""
    a, b = len(text), len(answer)
    return max(a, b) <= 4 * min(a, b) + 12
