"""Moodle GIFT: one category per course and note, one titled question per line of the pool.

Texts are HTML-escaped (`[html]` format, newlines as <br>) and then GIFT-escaped: `~ = # { } :`
and the backslash itself take a backslash. A leading `%` in an answer would read as a weight:
it is written as an HTML entity instead.
"""

from __future__ import annotations

import html
import re

from quizgen.drill.compose import Drill, Question, QuestionType
from quizgen.drill.formats.base import Output, RenderOptions
from quizgen.drill.labels import own_labels

__all__ = ["category", "escape", "write"]

_SPECIAL = re.compile(r"([\\~=#{}:])")
TITLE_CHARS = 60


def escape(text: str) -> str:
    """GIFT-escape text (already in its final HTML form)."""
    return _SPECIAL.sub(r"\\\1", text)


def _html(text: str) -> str:
    body = "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))
    if body.startswith("%"):
        body = "&#37;" + body[1:]
    return escape(body)


def category(question: Question) -> str:
    """`$course$/top/Course/Note`: Moodle's category path (a `/` in a name is doubled)."""
    course, _, note = question.card.deck.partition("::")
    parts = [p.replace("/", "//") for p in (course, note) if p]
    return "$course$/top/" + "/".join(parts)


def _title(number: int, question: Question) -> str:
    prompt = " ".join(question.prompt.split())
    if len(prompt) > TITLE_CHARS:
        prompt = prompt[: TITLE_CHARS - 1].rstrip() + "…"
    return escape(f"{number:02d} {prompt}")


def _question(number: int, question: Question) -> str:
    labels = own_labels(question.card.lang)
    head = f"::{_title(number, question)}::[html]"
    kind = question.type
    if kind is QuestionType.CLOZE or (kind is QuestionType.MCQ and any(question.gap)):
        before, after = _html(question.gap[0]), _html(question.gap[1])
    else:
        before, after = _html(question.prompt), ""
    feedback = ""
    if kind is QuestionType.MCQ:
        lines = [
            f"{'=' if i == question.correct else '~'}{_html(option)}"
            for i, option in enumerate(question.options)
        ]
        answers = "{\n" + "\n".join(f"\t{line}" for line in lines) + "\n}"
    elif kind is QuestionType.TRUEFALSE:
        if question.proposed:
            proposed = _html(f"{labels['proposed']}{labels['colon']}« {question.proposed} »")
            before += f"<br>{proposed}"
        answers = "{T}" if question.truth else "{F}"
        if not question.truth:
            feedback = _html(f"{labels['correct']}{labels['colon']}{question.answer}")
    elif kind is QuestionType.CLOZE or not question.open:
        answers = "{" + " ".join(f"={_html(a)}" for a in question.accepted) + "}"
    else:  # a written answer: an essay question, the model answer as general feedback
        answers = "{}"
        feedback = _html(question.answer)
    if feedback:
        answers = answers[:-1] + f"####{feedback}" + "}"
    if (kind is QuestionType.CLOZE or any(question.gap)) and not after.strip():
        # An answer block at the very end makes a plain question: show the blank.
        return f"{head}{before.rstrip()} _____ {answers}"
    if kind is QuestionType.CLOZE or after:
        return f"{head}{before}{answers}{after}"
    return f"{head}{before} {answers}"


def write(drill: Drill, options: RenderOptions) -> Output:
    out = [f"// {drill.title} — quizgen drill, seed {drill.seed}", ""]
    current = ""
    for number, question in enumerate(drill.pool, 1):
        cat = category(question)
        if cat != current:
            out += [f"$CATEGORY: {cat}", ""]
            current = cat
        out += [_question(number, question), ""]
    return Output("\n".join(out).encode("utf-8"))
