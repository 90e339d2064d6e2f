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

__all__ = ["Choice", "choices", "sibling_answers"]

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


def sibling_answers(card: Card, pool: Sequence[Card]) -> Iterator[list[str]]:
    """Candidate answers, best tier first: same parent asking the same thing (a table's
    column, a definition's template), same parent and rule, same parent, same list, same
    diagram."""
    others = [c for c in pool if c.id != card.id and _choosable(c)]
    parent = [c for c in others if c.context == card.context]
    shape = _shape(card.question)
    same_rule = [c for c in parent if c.rule == card.rule and c.kind is card.kind]
    yield [core_answer(c) for c in same_rule if _shape(c.question) == shape]
    yield [core_answer(c) for c in same_rule]
    yield [core_answer(c) for c in parent if c.rule == card.rule]
    if card.kind is not CardKind.CLOZE:
        yield [core_answer(c) for c in parent if c.kind is card.kind]
    answer = compact(core_answer(card))
    for lst in pool:
        if lst.kind is not CardKind.LIST or len(lst.items) < 2:
            continue
        split = [_split(item) for item in lst.items]
        if any(compact(tail) == answer for _, tail in split if tail):
            yield [tail for _, tail in split if tail]
        elif any(compact(head) == answer for head, _ in split):
            yield [head for head, _ in split]
    if card.rule == "diagram":
        yield [
            core_answer(c)
            for c in others
            if c.rule == "diagram"
            and c.source.path == card.source.path
            and c.context[:-1] == card.context[:-1]
        ]


def choices(
    card: Card, pool: Sequence[Card], *, rng: random.Random, count: int = OPTIONS
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
    for tier in sibling_answers(card, pool):
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
