"""The printable sheets as Markdown: tick boxes as task lists, the keys after a page break.

Note text is escaped for Markdown (`*`, `_`, `[`, `<`, `|`, `==`... lose their meaning) except
inside `$...$`, which Obsidian and pandoc render as math.
"""

from __future__ import annotations

import re

from quizgen.drill.compose import Drill, Question, QuestionType
from quizgen.drill.formats.base import Output, RenderOptions, key_entries, letter, sections
from quizgen.drill.labels import own_labels

__all__ = ["escape", "write"]

PAGE_BREAK = '<div style="break-before: page; page-break-before: always"></div>'
_SPECIAL = re.compile(r"([\\`*_\[\]<|~]|==)")
_MATH = re.compile(r"(\$[^$\n]+\$)")
BLANK = "…" * 10  # a dotted line to write on, as on paper worksheets


def escape(text: str) -> str:
    """`text` shown literally by a Markdown renderer (math spans kept as they are)."""
    parts = _MATH.split(text.replace("\n", " "))
    return "".join(p if i % 2 else _SPECIAL.sub(_backslash, p) for i, p in enumerate(parts))


def _backslash(match: re.Match[str]) -> str:
    return "".join(f"\\{ch}" for ch in match.group(0))


def _question(number: int, question: Question) -> list[str]:
    labels = own_labels(question.card.lang)
    if any(question.gap):
        stem = f"{escape(question.gap[0])}{BLANK}{escape(question.gap[1])}"
    else:
        stem = escape(question.prompt)
    lines = [f"**{number}.** {stem}", ""]
    if question.type is QuestionType.MCQ:
        lines += [f"- [ ] **{letter(i)}.** {escape(o)}" for i, o in enumerate(question.options)]
    elif question.type is QuestionType.TRUEFALSE:
        if question.proposed:
            lines += [f"> {labels['proposed']}{labels['colon']}« {escape(question.proposed)} »", ""]
        lines += [f"- [ ] {labels['true']}", f"- [ ] {labels['false']}"]
    elif question.type is QuestionType.SHORT:
        lines += [BLANK * 5 + "  "] * question.lines
    lines.append("")
    return lines


def write(drill: Drill, options: RenderOptions) -> Output:
    labels = drill.labels
    out: list[str] = []
    multiple = len(drill.versions) > 1
    for i, version in enumerate(drill.versions):
        if i:
            out += [PAGE_BREAK, ""]
        suffix = f" — {labels['version']} {version.label}" if multiple else ""
        out += [f"# {escape(drill.title)}{suffix}", ""]
        out += [
            f"{labels['name']}{labels['colon']}{BLANK * 2}  ",
            f"{labels['class']}{labels['colon']}{escape(drill.class_name) or BLANK}  ",
            f"{labels['date']}{labels['colon']}{escape(drill.date) or BLANK}  ",
            f"{labels['score']}{labels['colon']}{BLANK[:8]} / {len(version.questions)}",
            "",
        ]
        for section in sections(version, labels):
            out += [f"## {section.instruction}", ""]
            for number, question in section.numbered:
                out += _question(number, question)
    for version in drill.versions:
        suffix = f" — {labels['version']} {version.label}" if multiple else ""
        out += [PAGE_BREAK, "", f"# {labels['answer_key']}{suffix}", ""]
        out += [f"| # | | {labels['source']} |", "|---|---|---|"]
        for entry in key_entries(version, labels):
            answer = (
                escape(entry.answer)
                if entry.answer
                else "<br>".join(f"• {escape(line)}" for line in entry.lines)
            )
            if entry.accepted:
                answer += f" ({labels['accepted']}{labels['colon']}"
                answer += ", ".join(escape(a) for a in entry.accepted) + ")"
            out.append(f"| {entry.number} | {answer} | {escape(entry.source)} |")
        out.append("")
    return Output("\n".join(out).encode("utf-8"))
