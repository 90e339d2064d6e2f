"""Exam drills for teachers: printable sheets with answer keys and question banks for Moodle,
Quizlet/Anki and Kahoot, with multiple-choice distractors taken from the course itself.

    drill = compose(cards, n=20, seed=42, versions=2, universe=all_cards)
    output = render(drill, "html")          # Output(data=bytes, left_out={...})
"""

from __future__ import annotations

from quizgen.drill.compose import (
    TYPE_ORDER,
    Drill,
    Question,
    QuestionType,
    Version,
    compose,
)
from quizgen.drill.formats import FORMATS, Format, render
from quizgen.drill.formats.base import PAPER_SIZES, Output, RenderOptions
from quizgen.drill.media import MediaFinder

__all__ = [
    "FORMATS",
    "PAPER_SIZES",
    "TYPE_ORDER",
    "Drill",
    "Format",
    "MediaFinder",
    "Output",
    "Question",
    "QuestionType",
    "RenderOptions",
    "Version",
    "compose",
    "render",
]
