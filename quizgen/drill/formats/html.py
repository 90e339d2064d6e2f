"""Printable sheets: one per version, then the answer keys, each starting on a new page.

Rendered by jinja2 with autoescaping on: every text from the notes is escaped, nothing is
marked safe. Images the questions show are embedded as data: URIs, so the file prints alone.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from quizgen.drill.compose import Drill, Question
from quizgen.drill.formats.base import (
    KeyEntry,
    Output,
    RenderOptions,
    key_entries,
    letter,
    sections,
)
from quizgen.drill.labels import own_labels
from quizgen.drill.media import MediaFinder, image_label, question_images

__all__ = ["write"]

PAGES = {"a4": ("A4", "178mm"), "letter": ("letter", "184mm")}


@dataclass(frozen=True, slots=True)
class _Option:
    letter: str
    text: str


@dataclass(frozen=True, slots=True)
class _Shown:
    type: str
    prompt: str
    gap: tuple[str, str] | None
    proposed: str
    options: tuple[_Option, ...]
    lines: int
    images: tuple[str, ...]
    labels: Mapping[str, str]  # the question's own language (a sheet may mix two)


@dataclass(frozen=True, slots=True)
class _Section:
    instruction: str
    questions: tuple[tuple[int, _Shown], ...]


@dataclass(frozen=True, slots=True)
class _Sheet:
    label: str
    total: int
    sections: tuple[_Section, ...]


@dataclass(frozen=True, slots=True)
class _Key:
    label: str
    entries: tuple[KeyEntry, ...]


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("quizgen", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _data_uris(question: Question, media: MediaFinder) -> tuple[str, ...]:
    uris = []
    for ref in question_images(question.card.question_html):
        image = media.find(ref, question.source.path)
        if image is not None:
            encoded = base64.b64encode(image.data).decode("ascii")
            uris.append(f"data:{image.mime};base64,{encoded}")
    return tuple(uris)


def _shown(question: Question, media: MediaFinder) -> _Shown:
    images = _data_uris(question, media)
    prompt = image_label(question.prompt) if images else question.prompt
    gap = question.gap if question.type.value == "cloze" or any(question.gap) else None
    return _Shown(
        type=question.type.value,
        prompt=prompt,
        gap=gap,
        proposed=question.proposed,
        options=tuple(_Option(letter(i), text) for i, text in enumerate(question.options)),
        lines=question.lines,
        images=images,
        labels=own_labels(question.card.lang),
    )


def write(drill: Drill, options: RenderOptions) -> Output:
    page_size, page_width = PAGES[options.paper]
    sheets = tuple(
        _Sheet(
            label=version.label,
            total=len(version.questions),
            sections=tuple(
                _Section(
                    section.instruction,
                    tuple((n, _shown(q, options.media)) for n, q in section.numbered),
                )
                for section in sections(version, drill.labels)
            ),
        )
        for version in drill.versions
    )
    keys = tuple(_Key(v.label, key_entries(v, drill.labels)) for v in drill.versions)
    text = (
        _environment()
        .get_template("drill.html.j2")
        .render(
            drill=drill,
            labels=drill.labels,
            sheets=sheets,
            keys=keys,
            multiple=len(drill.versions) > 1,
            html_lang=drill.lang.split("+")[0],
            page_size=page_size,
            page_width=page_width,
        )
    )
    return Output(text.encode("utf-8"))
