"""Emphasis clozes: what the student put in **bold**, *italics* or `code` inside a sentence is
what they meant to remember (`fork()` uses a return type of [...]). Not when the emphasised
words are the sentence's subject (the sentence's own card asks about them), a whole-line label,
or a throwaway literal like `true`."""

from __future__ import annotations

import re
from typing import Final

from quizgen.extract.acronyms import find_acronyms
from quizgen.extract.base import (
    BLANK,
    CLOZE_CLOSE,
    CLOZE_OPEN,
    Draft,
    NodeContext,
    Piece,
    norm_key,
    plain,
    words,
)
from quizgen.model import CardKind

MAX_CLOZES_PER_LINE: Final = 3
MAX_ITEM_WORDS: Final = 4  # `**Subjective** diagnostic labels` in a list: an item, not a cloze
_SUBJECT_KINDS: Final = frozenset(
    {"definition", "called", "named", "purpose", "designates", "consists", "serves", "completion"}
)


def emphasis_rule(ctx: NodeContext) -> list[Draft]:
    gaps = ctx.emphasis_gaps
    if not gaps or ctx.label_family in {"summary", "answer"}:
        return []  # `TL;DR: ce qui **distingue** ...`: the summary's own card asks it
    short_item = ctx.answered and words(ctx.node.text) <= MAX_ITEM_WORDS
    # The question side of each clause: emphasis there is the subject being asked about.
    subjects = [
        (start, start + c.subject_end) for start, c in ctx.clauses if c.kind in _SUBJECT_KINDS
    ]
    text = ctx.node.text
    drafts: list[Draft] = []
    for gap in gaps:
        if any(a <= gap.start < b for a, b in subjects):
            continue
        sentence = text[gap.sentence_start : gap.sentence_end]
        s, e = gap.start - gap.sentence_start, gap.end - gap.sentence_start
        body = text[gap.body_start : gap.body_end]
        if _gives_away(sentence, s, e, body, ctx) or _is_filler(body, ctx):
            continue
        if short_item and _names_the_item(text[: gap.start], ctx):
            # `- **Subjective** diagnostic labels` in a list: the list card asks the item whole.
            # `- Yo **estoy** muy cansada` in a drill keeps its blank.
            ctx.note("a short item of its parent's list, named by its emphasis: the list asks it")
            continue
        lead, body = _leading_link(body, ctx)  # `**et négatifs**`: the gap is `négatifs`
        question = sentence[:s] + lead + BLANK + sentence[e:]
        cloze = f"{sentence[:s]}{lead}{CLOZE_OPEN}1|{body}{CLOZE_CLOSE}{sentence[e:]}"
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
            break
    return drafts


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*[A-Z][A-Za-z0-9&]{1,9}\s*\)")


def _gives_away(sentence: str, start: int, end: int, body: str, ctx: NodeContext) -> bool:
    """A blank the card itself answers, or one that asks nothing: the sentence is a question
    asked with its answer, or a lead-in (`On distingue deux formes d'**IR** :`), the acronym
    stands right beside it (`**Central Intelligence Agency** (CIA)`: the acronym card asks it),
    the same words stay visible elsewhere in the sentence, or only a gloss in brackets is left."""
    ending = sentence.rstrip(" *_\u200b")[-1:]
    if ending in ":：" or (ending in "?？" and ctx.answer_children):
        return True  # a lead-in, or a question its own card asks
    after = _ACRONYM_AFTER.match(sentence, end)
    if after and find_acronyms(plain(body + after.group(0)), ctx.lang):
        return True
    key = norm_key(body)
    rest = norm_key(sentence[:start] + " " + sentence[end:])
    if key and f" {key} " in f" {rest} ":
        return True
    if key and f" {key} " in f" {norm_key(ctx.note_title)} ":
        return True  # `*Decameron*` in the lecture on the Decameron: its subject, no question
    # `**orientation** (indique le nord, ...)`: only the gloss would be left to read
    outside = _BRACKETED.sub(" ", plain(sentence[:start] + " " + sentence[end:]))
    return len(outside.split()) < 2


def _leading_link(body: str, ctx: NodeContext) -> tuple[str, str]:
    """`et négatifs` -> (`et `, `négatifs`): a conjunction inside the emphasis is no part of
    what to recall."""
    first, _, rest = body.partition(" ")
    word = first.lower()
    # `et`, `and` (stopwords); not `while` in `a **while loop**`
    if rest.strip() and word in ctx.lang.stopwords and (word,) in ctx.lang.coordinators:
        return f"{first} ", rest.lstrip()
    return "", body


def _is_filler(body: str, ctx: NodeContext) -> bool:
    """`Descartes *is* being sincere`, `they're *super* polite`: one emphasised word that is the
    note's own copula, auxiliary or an intensifier asks nothing (the student stressed the tone).
    Other grammar words stay: `Julio y Hernando **son** argentinos` is a conjugation drill."""
    word = plain(body).strip(" .,;:!?'’\"").lower()
    lang = ctx.lang
    # Only the auxiliaries that are nothing else: `will`, `may`, `fait` are nouns too.
    auxiliary = word in lang.auxiliaries and ("'" in word or "’" in word)
    return " " not in word and (word in lang.copulas or auxiliary or word in lang.intensifiers)


def _names_the_item(before: str, ctx: NodeContext) -> bool:
    """Does the emphasis open the item (nothing but an article before it)?"""
    return all(w in ctx.lang.articles for w in plain(before).lower().replace("’", "'").split())
