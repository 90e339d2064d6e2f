"""Drill writers, one module per format, in one registry: format name -> Format.

A writer is a pure function `(drill, options) -> Output`: bytes, plus what it had to leave out
(Kahoot's length limits) for the caller to report. Printable formats (html, md) lay out every
version with its answer key; question-bank formats (gift, moodle-xml, csv, kahoot) write the
pool once, since Moodle and Kahoot shuffle for themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import quizgen.drill.formats.csv as csv_format
import quizgen.drill.formats.gift as gift_format
import quizgen.drill.formats.html as html_format
import quizgen.drill.formats.kahoot as kahoot_format
import quizgen.drill.formats.markdown as markdown_format
import quizgen.drill.formats.moodle_xml as moodle_xml_format
from quizgen.drill.compose import Drill
from quizgen.drill.formats.base import PAPER_SIZES, Output, RenderOptions
from quizgen.errors import UsageError

__all__ = ["FORMATS", "PAPER_SIZES", "Format", "Output", "RenderOptions", "render"]

Writer = Callable[[Drill, RenderOptions], Output]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extension: str
    write: Writer
    description: str
    printable: bool  # every version and its answer key, or the question pool once
    binary: bool = False  # not for a terminal


def _registry() -> Mapping[str, Format]:
    formats = (
        Format("html", ".html", html_format.write, "printable sheets and answer keys", True),
        Format("md", ".md", markdown_format.write, "the same sheets in Markdown", True),
        Format("gift", ".gift", gift_format.write, "Moodle GIFT question bank", False),
        Format("moodle-xml", ".xml", moodle_xml_format.write, "Moodle XML question bank", False),
        Format("csv", ".csv", csv_format.write, "term,definition for Quizlet or Anki", False),
        Format("kahoot", ".xlsx", kahoot_format.write, "Kahoot! spreadsheet", False, binary=True),
    )
    return MappingProxyType({f.name: f for f in formats})


FORMATS: Mapping[str, Format] = _registry()


def render(drill: Drill, fmt: str, options: RenderOptions | None = None) -> Output:
    """`drill` written in the format named `fmt` (a key of FORMATS)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    options = options or RenderOptions()
    if options.paper not in PAPER_SIZES:
        raise UsageError(f"unknown paper size {options.paper!r}; choose a4 or letter")
    return FORMATS[fmt].write(drill, options)
