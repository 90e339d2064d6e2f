"""Emphasis clozes: what the student put in **bold**, *italics* or `code` inside a sentence is
what they meant to remember (`fork()` uses a return type of [...]). Not when the emphasised
words are the sentence's subject (the sentence's own card asks about them), a whole-line label,
or a throwaway literal like `true`."""

from __future__ import annotations

from typing import Final

from quizgen import markup
from quizgen.extract.base import (
    BLANK,
    CLOZE_CLOSE,
    CLOZE_OPEN,
    TEXT_KINDS,
    Draft,
    NodeContext,
    Piece,
    norm_key,
)
from quizgen.extract.sentences import split_sentences
from quizgen.model import CardKind

MAX_CLOZES_PER_LINE: Final = 3
MAX_CLOZE_WORDS: Final = 8
_TRIVIAL: Final = frozenset(
    {"true", "false", "null", "none", "nil", "0", "1", "yes", "no", "vrai", "faux"}
)
_SUBJECT_KINDS: Final = frozenset(
    {"definition", "called", "named", "purpose", "designates", "consists", "serves", "completion"}
)


def emphasis_rule(ctx: NodeContext) -> list[Draft]:
    text = ctx.node.text
    if not any(ch in text for ch in "*_`=") or ctx.node.kind not in TEXT_KINDS:
        return []
    if not ctx.clauses and (ctx.term is None or not ctx.term.label):
        return []
    kinds = {"bold", "italic", "code"}
    if not ctx.config.separators.highlight_cloze:
        kinds.add("highlight")
    # The question side of each clause: emphasis there is the subject being asked about.
    subjects = [
        (start, start + c.subject_end) for start, c in ctx.clauses if c.kind in _SUBJECT_KINDS
    ]
    drafts: list[Draft] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        sentence_words = len(markup.to_plain(sentence).split())
        for span in markup.spans(sentence):
            if span.kind not in kinds:
                continue
            body = sentence[span.body_start : span.body_end]
            body_plain = markup.to_plain(body)
            n = len(body_plain.split())
            absolute = start + span.start
            if len(body_plain) < 2 or n > MAX_CLOZE_WORDS or body_plain.lower() in _TRIVIAL:
                continue
            if "::" in body or "}}" in body:
                continue  # cannot be written inside an Anki cloze deletion
            if sentence_words - n < 3:
                continue  # the emphasis is the whole line: a label, not a gap to fill
            if any(a <= absolute < b for a, b in subjects):
                continue
            question = sentence[: span.start] + BLANK + sentence[span.end :]
            cloze = (
                f"{sentence[: span.start]}{CLOZE_OPEN}1|{body}{CLOZE_CLOSE}{sentence[span.end :]}"
            )
            drafts.append(
                Draft(
                    rule="emphasis",
                    template="cloze",
                    fields={"text": question},
                    answer=(Piece(body),),
                    anchor=(norm_key(question.replace(BLANK, " ")),),
                    kind=CardKind.CLOZE,
                    cloze=cloze,
                )
            )
            if len(drafts) >= MAX_CLOZES_PER_LINE:
                return drafts
    return drafts
