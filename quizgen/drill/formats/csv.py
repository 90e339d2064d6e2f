"""term,definition rows for Quizlet or Anki's text import: each question and its right answer.

One line per row (Quizlet's import does not read quoted newlines): the items of a list answer
are joined with `; `. No header row, which both tools would import as a card.
"""

from __future__ import annotations

import csv
import io

from quizgen.drill.compose import Drill
from quizgen.drill.distractors import strip_marker
from quizgen.drill.formats.base import Output, RenderOptions

__all__ = ["write"]


def _one_line(text: str) -> str:
    lines = [strip_marker(line) for line in text.split("\n")]
    return "; ".join(line for line in lines if line)


def write(drill: Drill, options: RenderOptions) -> Output:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for question in drill.pool:
        writer.writerow([_one_line(question.card.question), _one_line(question.answer)])
    return Output(buffer.getvalue().encode("utf-8"))
