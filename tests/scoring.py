"""Card quality against hand-written gold facts: recall, junk, cards per fact.

Our own implementation of the team's scoring rules (tests/fixtures/eval/SOURCES.md): a gold fact
is recalled when one card's question plus breadcrumb holds every `q` keyword and its answer every
`a` keyword, ignoring case, accents and punctuation. A card is junk when it is empty, repeats its
question, leaks raw Markdown/Obsidian syntax, or answers with something the gold file forbids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizgen.model import Card

# Syntax that must never reach a card's plain text.
RAW_SYNTAX = (
    r"\[\[",
    r"\]\]",
    r"```",
    r"-->",
    r"graph td",
    r"\{\{c\d",
    r"==[^=\s][^=]*==",
    r"\*\*\S",
)


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " " + " ".join(re.sub(r"[^\w+]+", " ", bare).split()) + " "


@dataclass
class Score:
    recall: float
    junk: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    cards: int = 0
    facts: int = 0

    @property
    def ratio(self) -> float:
        return self.cards / self.facts if self.facts else 0.0


def _junk(card: Card, forbidden: Sequence[str]) -> str | None:
    question, answer = normalise(card.question), normalise(card.answer)
    if not question.strip() or not answer.strip():
        return "empty"
    if question == answer:
        return "answer repeats the question"
    for pattern in RAW_SYNTAX:
        if re.search(pattern, card.question.lower()) or re.search(pattern, card.answer.lower()):
            return f"raw syntax {pattern}"
    for value in forbidden:
        if answer.strip() == normalise(value).strip():
            return f"forbidden answer {value!r}"
    return None


def score(gold: dict[str, object], cards: Sequence[Card]) -> Score:
    texts = [(normalise(" ".join([c.question, *c.context])), normalise(c.answer)) for c in cards]
    facts = gold["facts"]
    assert isinstance(facts, list)
    missed = []
    for fact in facts:
        q_words = [normalise(str(k)).strip() for k in fact.get("q", [])]
        a_words = [normalise(str(k)).strip() for k in fact.get("a", [])]
        if not any(all(k in q for k in q_words) and all(k in a for k in a_words) for q, a in texts):
            missed.append(str(fact["id"]))
    forbidden = [str(v) for v in gold.get("forbid_answers", []) or []]  # type: ignore[attr-defined]
    junk = [
        f"{reason}: {c.question} -> {c.answer}" for c in cards if (reason := _junk(c, forbidden))
    ]
    seen: set[tuple[str, str]] = set()
    for text in texts:
        if text in seen:
            junk.append(f"duplicate: {text}")
        seen.add(text)
    n = len(facts)
    return Score(recall=(n - len(missed)) / n if n else 1.0, junk=junk, missed=missed,
                 cards=len(cards), facts=n)  # fmt: skip
