"""A Kahoot! quiz spreadsheet (.xlsx), laid out like Kahoot's own import template.

Kahoot imports multiple-choice questions only, within its limits: a question of at most 120
characters, 2 to 4 answers of at most 75, a time limit from a fixed list. True/false questions
become two answers. Questions that don't fit (written answers, cloze, texts too long) are left
out and counted, never cut: a truncated answer could become wrong.

The workbook is written with zipfile and xml.etree (inline strings, no shared-string table),
with fixed timestamps so that the same drill gives the same bytes.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

from quizgen.drill.compose import Drill, Question, QuestionType
from quizgen.drill.formats.base import Output, RenderOptions
from quizgen.drill.labels import own_labels

__all__ = ["ANSWER_CHARS", "HEADER", "QUESTION_CHARS", "TIME_LIMITS", "rows", "write"]

QUESTION_CHARS = 120
ANSWER_CHARS = 75
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
READING_CHARS_PER_SECOND = 8  # a slow reader on a projector screen, plus time to think
MIN_TIME = 20
HEADER = (
    "",
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
HEADER_ROW = 8  # as in Kahoot's template: a title and instructions above, questions below
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PART_ORDER = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
)


def time_limit(question: str, answers: tuple[str, ...]) -> int:
    """The shortest allowed limit that leaves time to read the question and its answers."""
    needed = max(MIN_TIME, math.ceil(len(question + "".join(answers)) / READING_CHARS_PER_SECOND))
    return next((t for t in TIME_LIMITS if t >= needed), TIME_LIMITS[-1])


def _fit(question: Question, drill: Drill) -> tuple[str, tuple[str, ...], int] | str:
    """(question, answers, right answer number) or why the question can't be in a Kahoot."""
    labels = own_labels(question.card.lang)
    if question.type is QuestionType.MCQ:
        prompt = question.prompt
        if any(question.gap):
            prompt = f"{question.gap[0]}_____{question.gap[1]}"
        answers, right = question.options, question.correct + 1
    elif question.type is QuestionType.TRUEFALSE:
        prompt = question.prompt
        if question.proposed:
            prompt += f" → « {question.proposed} »"
        answers, right = (labels["true"], labels["false"]), 1 if question.truth else 2
    else:
        return f"{question.type.value} questions"
    prompt = " ".join(prompt.split())
    if len(prompt) > QUESTION_CHARS:
        return f"question longer than {QUESTION_CHARS} characters"
    if any(len(a) > ANSWER_CHARS for a in answers):
        return f"answer longer than {ANSWER_CHARS} characters"
    return prompt, tuple(answers), right


def rows(drill: Drill) -> tuple[list[tuple[str, tuple[str, ...], int, int]], Counter[str]]:
    """The Kahoot rows (question, answers, time limit, right answer) and what was left out."""
    kept = []
    left_out: Counter[str] = Counter()
    for question in drill.pool:
        fitted = _fit(question, drill)
        if isinstance(fitted, str):
            left_out[fitted] += 1
            continue
        prompt, answers, right = fitted
        kept.append((prompt, answers, time_limit(prompt, answers), right))
    return kept, left_out


def _column(index: int) -> str:
    return "ABCDEFGH"[index]


def _sheet(table: list[list[str | int]]) -> bytes:
    ET.register_namespace("", _MAIN)
    worksheet = ET.Element(f"{{{_MAIN}}}worksheet")
    cols = ET.SubElement(worksheet, f"{{{_MAIN}}}cols")
    for i, width in enumerate((4, 60, 28, 28, 28, 28, 14, 14), 1):
        ET.SubElement(
            cols, f"{{{_MAIN}}}col", min=str(i), max=str(i), width=str(width), customWidth="1"
        )
    data = ET.SubElement(worksheet, f"{{{_MAIN}}}sheetData")
    for r, values in enumerate(table, 1):
        row = ET.SubElement(data, f"{{{_MAIN}}}row", r=str(r))
        for c, value in enumerate(values):
            if value == "":
                continue
            ref = f"{_column(c)}{r}"
            if isinstance(value, int):
                cell = ET.SubElement(row, f"{{{_MAIN}}}c", r=ref)
                ET.SubElement(cell, f"{{{_MAIN}}}v").text = str(value)
            else:
                cell = ET.SubElement(row, f"{{{_MAIN}}}c", r=ref, t="inlineStr")
                inline = ET.SubElement(cell, f"{{{_MAIN}}}is")
                ET.SubElement(inline, f"{{{_MAIN}}}t").text = value
    return _xml(worksheet)


def _relationships(*targets: tuple[str, str]) -> bytes:
    """An OPC relationships part: (target, relationship type) -> rId1, rId2, ..."""
    rels = ET.Element(f"{{{_PKG_REL}}}Relationships")
    for n, (target, kind) in enumerate(targets, 1):
        ET.SubElement(
            rels, f"{{{_PKG_REL}}}Relationship", Id=f"rId{n}", Target=target, Type=f"{_REL}/{kind}"
        )
    return _xml(rels)


def _xml(element: ET.Element) -> bytes:
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body


def _package_parts() -> dict[str, bytes]:
    ET.register_namespace("", _CT)
    types = ET.Element(f"{{{_CT}}}Types")
    rels_type = "application/vnd.openxmlformats-package.relationships+xml"
    ET.SubElement(types, f"{{{_CT}}}Default", Extension="rels", ContentType=rels_type)
    ET.SubElement(types, f"{{{_CT}}}Default", Extension="xml", ContentType="application/xml")
    for part, kind in (
        ("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", "spreadsheetml.worksheet+xml"),
        ("/xl/styles.xml", "spreadsheetml.styles+xml"),
    ):
        content_type = f"application/vnd.openxmlformats-officedocument.{kind}"
        ET.SubElement(types, f"{{{_CT}}}Override", PartName=part, ContentType=content_type)
    parts = {"[Content_Types].xml": _xml(types)}

    ET.register_namespace("", _PKG_REL)
    parts["_rels/.rels"] = _relationships(("xl/workbook.xml", "officeDocument"))
    parts["xl/_rels/workbook.xml.rels"] = _relationships(
        ("worksheets/sheet1.xml", "worksheet"), ("styles.xml", "styles")
    )

    ET.register_namespace("", _MAIN)
    ET.register_namespace("r", _REL)
    book = ET.Element(f"{{{_MAIN}}}workbook")
    sheets = ET.SubElement(book, f"{{{_MAIN}}}sheets")
    ET.SubElement(
        sheets, f"{{{_MAIN}}}sheet", {"name": "Sheet1", "sheetId": "1", f"{{{_REL}}}id": "rId1"}
    )
    parts["xl/workbook.xml"] = _xml(book)

    styles = ET.Element(f"{{{_MAIN}}}styleSheet")
    for tag, child in (("fonts", "font"), ("fills", "fill"), ("borders", "border")):
        holder = ET.SubElement(styles, f"{{{_MAIN}}}{tag}", count="1")
        ET.SubElement(holder, f"{{{_MAIN}}}{child}")
    xfs = ET.SubElement(styles, f"{{{_MAIN}}}cellXfs", count="1")
    ET.SubElement(xfs, f"{{{_MAIN}}}xf", numFmtId="0", fontId="0", fillId="0", borderId="0")
    parts["xl/styles.xml"] = _xml(styles)
    return parts


def write(drill: Drill, options: RenderOptions) -> Output:
    kept, left_out = rows(drill)
    table: list[list[str | int]] = [
        ["", "Quiz template"],
        ["", f"{drill.title} — quizgen drill, seed {drill.seed}"],
    ]
    table += [[] for _ in range(HEADER_ROW - 1 - len(table))]
    table.append(list(HEADER))
    for number, (prompt, answers, seconds, right) in enumerate(kept, 1):
        padded = list(answers) + [""] * (4 - len(answers))
        table.append([number, prompt, *padded, seconds, str(right)])
    parts = _package_parts()
    parts["xl/worksheets/sheet1.xml"] = _sheet(table)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in PART_ORDER:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name])
    return Output(buffer.getvalue(), dict(sorted(left_out.items())))
