"""What every writer shares: options, output, and the answer key's wording."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from quizgen.drill.compose import TYPE_ORDER, Question, QuestionType, Version
from quizgen.drill.distractors import strip_marker
from quizgen.drill.labels import own_labels
from quizgen.drill.media import MediaFinder

__all__ = [
    "PAPER_SIZES",
    "KeyEntry",
    "Output",
    "RenderOptions",
    "Section",
    "key_entries",
    "letter",
    "sections",
]

PAPER_SIZES = ("a4", "letter")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    paper: str = "a4"
    media: MediaFinder = field(default_factory=lambda: MediaFinder(None))


@dataclass(frozen=True, slots=True)
class Output:
    data: bytes
    left_out: Mapping[str, int] = field(default_factory=dict)  # reason -> number of questions


@dataclass(frozen=True, slots=True)
class Section:
    type: QuestionType
    instruction: str
    numbered: tuple[tuple[int, Question], ...]


@dataclass(frozen=True, slots=True)
class KeyEntry:
    number: int
    answer: str  # `B. the answer`, `True`, `False — right answer: ...`
    lines: tuple[str, ...]  # a written answer, line by line
    accepted: tuple[str, ...]
    source: str


def letter(index: int) -> str:
    return string.ascii_uppercase[index]


def sections(version: Version, labels: Mapping[str, str]) -> tuple[Section, ...]:
    """The version's questions by type, numbered on from one section to the next."""
    found: list[Section] = []
    number = 0
    for kind in TYPE_ORDER:
        numbered = []
        for question in version.questions:
            if question.type is kind:
                number += 1
                numbered.append((number, question))
        if numbered:
            found.append(Section(kind, labels[kind.value], tuple(numbered)))
    return tuple(found)


def key_entries(version: Version, labels: Mapping[str, str]) -> tuple[KeyEntry, ...]:
    entries = []
    for number, question in enumerate(version.questions, 1):
        lines: tuple[str, ...] = ()
        if question.type is QuestionType.MCQ:
            answer = f"{letter(question.correct)}. {question.answer}"
        elif question.type is QuestionType.TRUEFALSE:
            own = own_labels(question.card.lang)
            answer = own["true"] if question.truth else own["false"]
            if not question.truth:
                answer += f" — {own['correct']}{own['colon']}{question.answer}"
        elif question.open:
            answer = ""
            lines = tuple(
                strip_marker(line) for line in question.answer.split("\n") if line.strip()
            )
        else:
            answer = question.answer
        accepted = tuple(a for a in question.accepted if a != question.answer)
        entries.append(KeyEntry(number, answer, lines, accepted, str(question.source)))
    return tuple(entries)
