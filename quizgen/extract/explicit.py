"""Rule 8: cards written explicitly, compatible with the obsidian-spaced-repetition plugin.

`Q::A`, `Q:::A` (both directions), multi-line cards split by `?` / `??` (found by the outline),
clozes `==x==` and `{{c1::x}}` (and `**x**` when switched on). An explicit card replaces what the
automatic rules would say about the same line.
"""

from __future__ import annotations

import re

from quizgen import markup
from quizgen.extract.base import (
    BLANK,
    CLOZE_CLOSE,
    CLOZE_OPEN,
    Draft,
    NodeContext,
    Piece,
    norm_key,
)
from quizgen.extract.separators import is_code_scope
from quizgen.model import CardKind, NodeKind


def _lines(text: str) -> tuple[Piece, ...]:
    return tuple(Piece(line) for line in text.split("\n") if line.strip())


def _card(question: str, answer: str, both_ways: bool) -> list[Draft]:
    forward = Draft(
        rule="explicit",
        template="question",
        fields={"question": question},
        answer=_lines(answer),
        anchor=(norm_key(question),),
        kind=CardKind.REVERSED if both_ways else CardKind.BASIC,
    )
    if not both_ways:
        return [forward]
    backward = Draft(
        rule="explicit",
        template="question",
        fields={"question": answer},
        answer=_lines(question),
        anchor=(norm_key(question), "reverse"),
        reverse=True,
    )
    return [forward, backward]


def explicit_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind is NodeKind.FLASHCARD:
        return _card(node.text, node.back, node.reversed)
    if node.kind not in (NodeKind.LINE, NodeKind.ITEM) or ctx.skip_reason:
        return []
    return _inline(ctx) or _cloze(ctx)


def _inline(ctx: NodeContext) -> list[Draft]:
    seps = ctx.config.separators
    text = ctx.node.text
    masked = _mask_highlights(ctx.masked, text)
    for separator, kind in (
        (seps.inline_reversed, CardKind.REVERSED),
        (seps.inline, CardKind.BASIC),
    ):
        if not separator:
            continue
        at = masked.find(separator)
        # `Q:::A` also contains `::`; the reversed form is tried first, and `::` must not be
        # the start of a longer run of colons.
        while at >= 0 and masked[at + len(separator) : at + len(separator) + 1] == ":":
            at = masked.find(separator, at + len(separator) + 1)
        if at <= 0:
            continue
        raw_question, raw_answer = text[:at], text[at + len(separator) :]
        if is_code_scope(raw_question, raw_answer):
            ctx.note(f"`{separator}` inside prose reads as code (`std::vector`), not a card")
            return []
        question, answer = raw_question.strip(), raw_answer.strip()
        if separator == seps.inline and _is_dataview(question, text[at + len(separator) :], ctx):
            ctx.note(f"`{question}{separator}` is a Dataview field, not a card")
            return []
        if not markup.has_content(question) or not markup.has_content(answer):
            continue
        return _card(question, answer, kind is CardKind.REVERSED)
    return []


def _mask_highlights(masked: str, text: str) -> str:
    """`est ==::1== et`: a separator inside a highlight (a cloze) is not a card separator."""
    for span in markup.spans(text):
        if span.kind == "highlight":
            masked = (
                masked[: span.start] + markup.MASK * (span.end - span.start) + masked[span.end :]
            )
    return masked


def _is_dataview(key: str, after: str, ctx: NodeContext) -> bool:
    """Dataview writes `key:: value`: a one-word key and a space after the separator. A card
    is `Question::Answer` (`Passerelle::Gateway`, `Quelle est ... ? :: ...`)."""
    key = key.strip().strip("*_")  # `**title**:: Geographie`, as Dataview also reads it
    return ctx.config.dataview_fields and bool(re.fullmatch(r"[\w-]+", key)) and after[:1].isspace()


def _cloze(ctx: NodeContext) -> list[Draft]:
    """Every deletion of the line in one card: a gap each in the question, all in the answer."""
    seps = ctx.config.separators
    text = ctx.node.text
    deletions: list[tuple[int, int, str, int]] = []  # start, end, body, cloze number
    counter = 0
    for span in markup.spans(text):
        body = text[span.body_start : span.body_end]
        if span.kind == "anki_cloze":
            number = int(re.match(r"\{\{c(\d+)", text[span.start :]).group(1))  # type: ignore[union-attr]
        elif (span.kind == "highlight" and seps.highlight_cloze) or (
            span.kind == "bold" and seps.bold_cloze
        ):
            counter += 1
            number = counter
        else:
            continue
        deletions.append((span.start, span.end, body, number))
    starts = [0, *(end for _, end, _, _ in deletions)]
    ends = [*(start for start, _, _, _ in deletions), len(text)]
    outside = "".join(text[a:b] for a, b in zip(starts, ends, strict=True))
    if not deletions or not markup.has_content(outside):
        return []  # `==Théorème : tout graphe ...==` highlights the whole line: a statement
    question, cloze, last = [], [], 0
    for start, end, body, number in deletions:
        question.append(text[last:start] + BLANK)
        cloze.append(f"{text[last:start]}{CLOZE_OPEN}{number}|{body}{CLOZE_CLOSE}")
        last = end
    question.append(text[last:])
    cloze.append(text[last:])
    masked_question = "".join(question)
    return [
        Draft(
            rule="explicit",
            template="cloze",
            fields={"text": masked_question},
            answer=tuple(Piece(body) for _, _, body, _ in deletions),
            anchor=(norm_key(masked_question.replace(BLANK, " ")),),
            kind=CardKind.CLOZE,
            cloze="".join(cloze),
        )
    ]
