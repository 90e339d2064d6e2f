"""Outline -> cards. Each rule is a small function of a node's context, in one ordered table.

The walk visits every node once; an explicit card on a line replaces the automatic rules for
that line. Drafts are then rendered (plain and HTML, from the language's templates), given a
stable id, and exact duplicates dropped. A trace records, for every node, which rules fired or
why none did (`quizgen cards --explain`).
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial
from typing import Any

from quizgen import markup, tune_gc
from quizgen.config import Config
from quizgen.extract.acronyms import acronym_rule
from quizgen.extract.base import (
    BLANK,
    CLOZE_CLOSE,
    CLOZE_OPEN,
    TRAILING_COLON,
    Draft,
    NodeContext,
    Piece,
    is_logistics,
    norm_key,
    plain,
    title_of,
)
from quizgen.extract.definitions import sentence_rule
from quizgen.extract.emphasis import emphasis_rule
from quizgen.extract.explicit import explicit_rule
from quizgen.extract.quotations import quotation_rule
from quizgen.extract.structure import answered_children, children_rule, formula_rule
from quizgen.extract.tables import table_rule
from quizgen.extract.terms import aside_rule, remark_rule, term_rule
from quizgen.extract.titles import titled_rule
from quizgen.identity import anchor_key, card_id
from quizgen.lang import SUPPORTED, Language, detect_language, get_language
from quizgen.model import (
    Card,
    CardKind,
    Diagnostic,
    Node,
    NodeKind,
    Note,
    NoteMeta,
    Outline,
    SourceRef,
)
from quizgen.outline import parse_note, walk

Rule = Callable[[NodeContext], list[Draft]]
_DETAILED = frozenset({"term", "implication"})  # rules whose card shows the node's children

# The automatic rules, in the order their cards are listed for a node.
RULES: tuple[tuple[str, Rule], ...] = (
    ("titled", titled_rule),
    ("term", term_rule),
    ("remark", remark_rule),
    ("aside", aside_rule),
    ("sentence", sentence_rule),
    ("quotation", quotation_rule),
    ("acronym", acronym_rule),
    ("emphasis", emphasis_rule),
    ("children", children_rule),
    ("formula", formula_rule),
    ("table", table_rule),
)


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """For --explain: one node, what fired on it, or why nothing did."""

    line: int
    kind: str
    text: str
    rules: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Extraction:
    cards: tuple[Card, ...]
    problems: tuple[Diagnostic, ...]
    trace: tuple[TraceEntry, ...]
    lang: str


def note_language(note: Note, meta: NoteMeta, config: Config) -> str:
    return meta.lang or config.lang or detect_language(note.text)


def note_deck(note: Note, meta: NoteMeta, config: Config) -> str:
    """Frontmatter `deck`, the config's `deck`, or `Course::Note` (course from the frontmatter,
    a `Course:` line, the config, or the note's folder)."""
    if meta.deck:
        return meta.deck
    if config.deck:
        return config.deck
    course = meta.course or config.course or note.folder.rsplit("/", 1)[-1]
    return f"{course}::{note.title}" if course else note.title


@lru_cache(maxsize=1 << 12)
def anki_tag(tag: str) -> str:
    """Obsidian `a/b` -> Anki `a::b`; spaces -> `_`; Unicode kept."""
    tag = re.sub(r"\s+", "_", tag.strip().lstrip("#"))
    return re.sub(r"/+", "::", tag).strip(":")


def extract_cards(
    note: Note, *, config: Config | None = None, outline: Outline | None = None
) -> Extraction:
    """The cards of one note (never raises on odd input; problems are returned)."""
    config = config or Config()
    if outline is None:
        outline = parse_note(note.text, separators=config.separators, path=note.rel_path)
    meta = outline.meta
    code = note_language(note, meta, config)
    lang = get_language(code, config.templates.get(code))
    if not meta.enabled:
        entry = TraceEntry(0, "note", note.title, (), "`quizgen: false` in the front matter")
        return Extraction((), outline.problems, (entry,), lang.code)
    deck = note_deck(note, meta, config)
    note_tags = tuple(t for t in (anki_tag(t) for t in meta.tags) if t)
    pending: list[tuple[Draft, NodeContext]] = []
    skipped: dict[int, str] = {}  # id of a node in a to-do or reading-list section -> why
    problems: list[Diagnostic] = []
    trace: list[TraceEntry] = []
    covered: dict[int, int] = {}  # id(child node) -> line of the card whose answer it is
    # how questions name the note when a section needs its owner: its front matter's title
    # (`title: HS 101`) rather than a file name (`en_eco_notes`)
    shown = meta.extra.get("title")
    title = shown.strip() if isinstance(shown, str) and shown.strip() else note.title
    for node, ancestors in walk(outline.root):
        ctx = NodeContext(node, ancestors, lang, config, title, answered=id(node) in covered)
        reason = skipped.get(id(ancestors[-1]), "") if ancestors else ""
        if not reason and _skips_its_section(node):
            reason = "in a to-do, reading-list or links section"
        if reason:
            skipped[id(node)] = reason
            trace.append(TraceEntry(node.line, node.kind.value, plain(node.text), (), reason))
            continue
        if _is_logistics(node, lang):
            # only the line: what hangs under `See Figure 1 on page 92` may be knowledge
            reason = "course logistics (homework, due dates, grading, agenda)"
            trace.append(TraceEntry(node.line, node.kind.value, plain(node.text), (), reason))
            continue
        drafts = _apply(explicit_rule, "explicit", ctx, problems, note)
        fired = ["explicit"] if drafts else []
        if not drafts:
            for name, rule in RULES:
                produced = _apply(rule, name, ctx, problems, note)
                if produced:
                    fired.extend(sorted({d.rule for d in produced}))
                    drafts.extend(produced)
            drafts = _one_card_per_fact(drafts)
        for draft in drafts:
            if draft.rule in {"list", "detail", "question", "diagram"}:
                for child in answered_children(ctx, draft):
                    covered.setdefault(id(child), node.line)
            pending.append((draft, ctx))
        trace.append(_trace(ctx, tuple(dict.fromkeys(fired)), covered))
    cards = [
        _render(draft, ctx, note, lang, deck=deck, note_tags=note_tags)
        for draft, ctx in _merge_statements(pending)
    ]
    return Extraction(_finish(cards), (*outline.problems, *problems), tuple(trace), lang.code)


def _one_card_per_fact(drafts: list[Draft]) -> list[Draft]:
    """`Step 1: X` and its one line under it: the line has its own detail card, so the term's
    card does not show it again. But a value that announces it (`Let F be defined by:` and
    the formula): the formula is the end of that answer, not a card of its own; a value that
    announces a list is asked by the list's card."""
    told = {tuple(p.text for p in d.detail) for d in drafts if d.rule == "term" and d.detail}
    if told:
        # `La violence : il y a violence lorsque ... :` and its two kinds: the term's card
        # shows them under its definition; "La violence — précisez (2 points)" says it again
        drafts = [
            d for d in drafts if not (d.rule == "list" and tuple(p.text for p in d.answer) in told)
        ]
    details = [d for d in drafts if d.rule == "detail"]
    lists = [d for d in drafts if d.rule == "list"]
    if not details and not lists:
        return drafts
    announcing = next(
        (
            d
            for d in drafts
            if d.rule in _DETAILED | {"remark"}
            and d.answer
            and d.answer[-1].text.rstrip().endswith((":", "："))
        ),
        None,
    )
    if announcing is None:
        return (
            [replace(d, detail=()) if d.rule in _DETAILED else d for d in drafts]
            if details
            else drafts
        )
    if not details:
        # `Article 1128 : Sont nécessaires ... :` over its list: the list card asks it, when
        # its question says the value (not `La loi — précisez`, which leaves out the definition)
        value = norm_key(announcing.answer[-1].text)
        said = any(value in norm_key(d.fields.get("parent", "")) for d in lists)
        return [d for d in drafts if d is not announcing] if said else drafts
    pieces = tuple(p for d in details for p in d.answer)
    merged = {id(d) for d in details}
    return [
        replace(d, detail=pieces) if d is announcing else d for d in drafts if id(d) not in merged
    ]


def _apply(
    rule: Rule, name: str, ctx: NodeContext, problems: list[Diagnostic], note: Note
) -> list[Draft]:
    """Run one rule on one node. A rule that fails on some odd line costs that line's card, not
    the note or the run: the user gets a warning naming the line, never a traceback."""
    try:
        return rule(ctx)
    except Exception as exc:
        message = (
            f"rule {name!r} failed on this line ({type(exc).__name__}: {exc}); please report it"
        )
        problems.append(Diagnostic(note.rel_path, ctx.node.line, message))
        return []


# Drafts that, asked twice in one section with two answers, are one question with both:
# template -> the template the merged card uses.
_MERGEABLE = {
    "completion": "completion_many",
    "definition": "definition",
    "definition_plural": "definition_plural",
    "formula": "formula",
    "formula_of": "formula_of",
    "remark": "remark",
    # `Droit admin = règles ...` and `Droit admin = jurisprudentiel`: one question, both answers
    "term": "term",
    "term_bare": "term_bare",
    "term_value": "term_value",
}
_FAMILY = {"term_value": "term"}  # the same term, asked either way, is one question


def _merge_statements(pending: list[tuple[Draft, NodeContext]]) -> list[tuple[Draft, NodeContext]]:
    """`La Commune …` asked five times, `Qu'est-ce que le contrat ?` three times, two formulas
    of W in one section: one question each, all the answers under it."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]], list[int]] = {}
    for i, (draft, ctx) in enumerate(pending):
        if draft.template in _MERGEABLE and draft.rule != "explicit":
            section = tuple(norm_key(h.text) for h in ctx.headings)
            fields = tuple(sorted((k, norm_key(v)) for k, v in draft.fields.items()))
            family = _FAMILY.get(draft.template, draft.template)
            groups.setdefault((family, fields, section), []).append(i)
    merged: dict[int, Draft] = {}
    dropped: set[int] = set()
    for _, indexes in groups.items():
        if len(indexes) < 2:
            continue
        first, _ctx = pending[indexes[0]]
        # one `que désigne` among `Droit admin : ?` cards: the whole group asks it that way
        template = next(
            (pending[i][0].template for i in indexes if pending[i][0].template == "term"),
            first.template,
        )
        # a block pasted twice says the same answer twice: once is enough
        unique = {
            (p.kind, " ".join(p.text.casefold().split())): p
            for i in indexes
            for p in pending[i][0].answer
        }
        pieces = tuple(unique.values())
        if len(pieces) < 2:
            # the same line twice: one card, asked the group's way
            keep = next((i for i in indexes if pending[i][0].template == template), indexes[0])
            dropped.update(i for i in indexes if i != keep)
            continue
        dropped.update(indexes[1:])
        merged[indexes[0]] = replace(
            first,
            answer=pieces,
            kind=CardKind.LIST,
            template=_MERGEABLE[template],
            fields={**first.fields, "n": str(len(pieces))},
            detail=(),
        )
    return [
        (merged.get(i, draft), ctx) for i, (draft, ctx) in enumerate(pending) if i not in dropped
    ]


@cache
def _skipped_titles() -> tuple[frozenset[str], tuple[str, ...]]:
    """Section titles of every language: notes mix them (`## To Do` in a French note)."""
    langs = [get_language(code) for code in SUPPORTED]
    names = frozenset().union(*(lang.skip_sections for lang in langs))
    prefixes = tuple(p for lang in langs for p in lang.skip_prefixes)
    return names, prefixes


def _skips_its_section(node: Node) -> bool:
    """Sections that hold no knowledge: to-do lists, reading lists, links, tables of contents."""
    if node.kind not in (NodeKind.HEADING, NodeKind.LINE, NodeKind.ITEM, NodeKind.CALLOUT):
        return False
    if len(node.text) > 40:
        return False  # such titles are short; no need to normalise a sentence
    names, prefixes = _skipped_titles()
    title = norm_key(title_of(node))
    return title in names or (node.kind is NodeKind.HEADING and title.startswith(prefixes))


def _is_logistics(node: Node, lang: Language) -> bool:
    """`Your 1st homework is due Sunday`, `On today's agenda:`: the course's organisation,
    anywhere in the note."""
    return node.kind in (NodeKind.HEADING, NodeKind.LINE, NodeKind.ITEM) and is_logistics(
        node.text, lang
    )


def _trace(ctx: NodeContext, fired: tuple[str, ...], covered: dict[int, int]) -> TraceEntry:
    node = ctx.node
    text = plain(node.text) if node.kind is not NodeKind.TABLE else "(table)"
    if node.kind is NodeKind.DIAGRAM:
        text = "(mermaid diagram)"
    reason = ""
    if not fired:
        stripped = text.rstrip(" :：")
        if ctx.skip_reason and node.kind not in (NodeKind.TABLE, NodeKind.DIAGRAM, NodeKind.MATH):
            reason = ctx.skip_reason
        elif stripped.lower() in ctx.lang.connectors:
            reason = "a connector word, left out of its parent's list"
        elif any(c.kind is NodeKind.DIAGRAM for c in node.children):
            reason = "its diagram makes the cards"
        elif text.rstrip().endswith((":", "：")) and not ctx.answer_children:
            reason = "announces something, but nothing is under it"
        elif id(node) in covered:
            reason = f"an answer of the card from line {covered[id(node)]}"
        elif ctx.notes:
            reason = ctx.notes[0]
        elif node.kind is NodeKind.DIAGRAM:
            reason = "its nodes make the cards"
        elif node.kind is NodeKind.HEADING:
            reason = "a section: what is under it makes the cards"
        else:
            reason = "no rule matched"
    return TraceEntry(node.line, node.kind.value, text, fired, reason)


# ---------------------------------------------------------------- rendering


@lru_cache(maxsize=1 << 14)
def _piece_plain(piece: Piece) -> str:
    if piece.kind == "math":
        return f"$${piece.text}$$"
    if piece.kind == "code":
        return piece.text.rstrip("\n")
    return plain(piece.text)


@lru_cache(maxsize=1 << 14)
def _piece_html(piece: Piece) -> str:
    if piece.kind == "math":
        return f'<div class="math">\\[{html.escape(piece.text)}\\]</div>'
    if piece.kind == "code":
        language = f' class="language-{html.escape(piece.info)}"' if piece.info else ""
        return f"<pre><code{language}>{html.escape(piece.text.rstrip(chr(10)))}</code></pre>"
    return markup.to_html(piece.text)


_NAME_FIELDS = frozenset({"parent", "subject", "term"})
# `## 🎯 Objectifs`, `### 1.5 Protocol Layers`, `## II. La crise`: decoration and numbering
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)+\.?|\d+[.)]|[IVXLC]+[.)]|[A-Za-z][.)])\s+(?=\S)")


_PICTOGRAMS = frozenset({"So", "Sk", "Mn", "Cf"})


def _undecorated(text: str) -> str:
    """Without the emoji and pictograms (`🎯`, `★`, `▶`) in front."""
    start = 0
    while start < len(text) and (
        text[start].isspace()
        or (ord(text[start]) > 127 and unicodedata.category(text[start]) in _PICTOGRAMS)
    ):
        start += 1
    return text[start:]


def _as_name(value: str) -> str:
    """A heading or line as it names a thing inside a question."""
    name = TRAILING_COLON.sub(r"\1", value)  # `**10-ème siècle:**` in `{parent} : citez`
    stripped = _NUMBERING.sub("", _undecorated(name))
    return stripped if markup.has_content(stripped) else name


def _field(value: str, lang: Language, as_html: bool) -> str:
    lines = [v for v in value.split("\n") if v.strip()] or [value]
    if as_html:
        text = "<br>".join(markup.to_html(v) for v in lines)
        return text.replace(
            BLANK, f'<span class="cloze">{html.escape(lang.templates["blank"])}</span>'
        )
    return "\n".join(plain(v) for v in lines).replace(BLANK, lang.templates["blank"])


def _answer(draft: Draft) -> tuple[str, str]:
    pieces = [p for p in draft.answer if _piece_plain(p).strip()]
    if draft.kind is CardKind.LIST:
        marks = [f"{i}." if draft.ordered else "-" for i in range(1, len(pieces) + 1)]
        text = "\n".join(f"{m} {_piece_plain(p)}" for m, p in zip(marks, pieces, strict=True))
        tag = "ol" if draft.ordered else "ul"
        body = "".join(f"<li>{_piece_html(p)}</li>" for p in pieces)
        markup_html = f"<{tag}>{body}</{tag}>"
    elif draft.kind is CardKind.CLOZE:
        text = "; ".join(_piece_plain(p) for p in pieces)
        markup_html = "; ".join(_piece_html(p) for p in pieces)
    else:
        text = "\n".join(_piece_plain(p) for p in pieces)
        markup_html = "<br>".join(_piece_html(p) for p in pieces)
    detail = [p for p in draft.detail if _piece_plain(p).strip()]
    if detail:
        text += "\n" + "\n".join(f"- {_piece_plain(p)}" for p in detail)
        items = "".join(f"<li>{_piece_html(p)}</li>" for p in detail)
        markup_html += f'<div class="detail"><ul>{items}</ul></div>'
    return text.strip(), markup_html


_SIGNS = re.compile(r"[$<>=+−-]")  # `x > 0 ?` and `x < 0 ?` differ by what norm_key drops
_BLANKS = re.compile(r"\.{5,}|_{4,}|…{2,}")
_HAS_WORD = re.compile(r"[\w+]")  # what norm_key keeps: a card without any asks nothing
_CLOZE_MARK = re.compile(CLOZE_OPEN + r"(\d+)\|(.*?)" + CLOZE_CLOSE, re.DOTALL)


@lru_cache(maxsize=1 << 10)
def _section(titles: tuple[str, ...]) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """A heading path as the card shows it, as its Anki tag, and as its identity keys: the
    same for every card of a section, so worked out once."""
    headings = tuple(plain(t) for t in titles)
    tag = anki_tag("/".join(h.replace("/", " ") for h in headings)) if headings else ""
    return headings, tag, tuple(norm_key(h) for h in headings)


def _render(
    draft: Draft,
    ctx: NodeContext,
    note: Note,
    lang: Language,
    *,
    deck: str,
    note_tags: tuple[str, ...],
) -> dict[str, Any]:
    """The card's fields; its `id` is still the anchor key, hashed by _finish, which makes the
    Card once duplicates are known."""
    fields = {k: _as_name(v) if k in _NAME_FIELDS else v for k, v in draft.fields.items()}
    plain_fields = {k: _field(v, lang, as_html=False) for k, v in fields.items()}
    html_fields = {k: _field(v, lang, as_html=True) for k, v in fields.items()}
    question = lang.template(draft.template, plain_fields)
    question_html = lang.template(draft.template, html_fields, escape=html.escape)
    answer, answer_html = _answer(draft)
    cloze = ""
    if draft.cloze:
        cloze = _CLOZE_MARK.sub(
            lambda m: f"{{{{c{m.group(1)}::{m.group(2)}}}}}", markup.to_html(draft.cloze)
        )
    headings, heading_tag, heading_keys = _section(tuple(title_of(h) for h in ctx.headings))
    tags = tuple(dict.fromkeys(t for t in (*note_tags, heading_tag) if t))
    key = anchor_key(norm_key(note.title), heading_keys, f"{draft.rule}:{draft.kind}", draft.anchor)
    media = tuple(
        ref
        for text in (*draft.fields.values(), *(p.text for p in (*draft.answer, *draft.detail)))
        for ref in markup.media_refs(text)
    )
    return {
        "id": key,
        "kind": draft.kind,
        "question": question,
        "answer": answer,
        "question_html": question_html,
        "answer_html": answer_html,
        "context": ctx.breadcrumb,
        "deck": deck,
        "tags": tags,
        "source": SourceRef(note.rel_path, draft.line or ctx.node.line),
        "lang": lang.code,
        "rule": draft.rule,
        "items": tuple(_piece_plain(p) for p in draft.answer)
        if draft.kind is CardKind.LIST
        else (),
        "cloze": cloze,
        "media": tuple(dict.fromkeys(media)),
        "reverse_of": "<previous>" if draft.reverse else "",
        "section": headings,
        "diagram": next((a.back for a in ctx.ancestors if a.kind is NodeKind.DIAGRAM), ""),
        "detail": tuple(_piece_plain(p) for p in draft.detail if _piece_plain(p).strip()),
    }


def _finish(rendered: list[dict[str, Any]]) -> tuple[Card, ...]:
    """Drop exact duplicates and empty cards; turn anchor keys into ids, numbering repeats."""
    seen: set[tuple[str, str]] = set()
    blanked: set[tuple[tuple[str, ...], str]] = set()
    counts: dict[str, int] = {}
    done: list[Card] = []
    previous_id = ""
    for fields in rendered:
        question, answer = fields["question"], fields["answer"]
        if fields["rule"] == "emphasis" and len(answer.split()) > 1:
            # One blank per term per section: a third `[…]` -> `réactions simples` asks nothing
            # new. Single words may repeat: `Julio y Hernando [son]`... is a conjugation drill.
            key = (fields["section"], norm_key(answer))
            if key in blanked:
                continue
            blanked.add(key)
        # Only case and spacing count here: `$\cos(-\theta)=$` and `$\cos(\theta)$` differ.
        q, a = " ".join(question.casefold().split()), " ".join(answer.casefold().split())
        if not _HAS_WORD.search(q) or not _HAS_WORD.search(a) or q == a or (q, a) in seen:
            continue
        # the same card but for punctuation (a quotation given twice); in a formula a sign
        # is no punctuation
        loose = (norm_key(question), a) if not _SIGNS.search(question) else (q, a)
        if loose in seen:
            continue
        seen.add(loose)
        if _BLANKS.search(question) or _BLANKS.search(answer):
            continue  # an exercise with blanks to fill (`un .......... de`), not knowledge
        seen.add((q, a))
        anchor = fields["id"]
        counts[anchor] = counts.get(anchor, 0) + 1
        final = card_id(anchor, counts[anchor])
        twin = previous_id if fields["reverse_of"] else ""
        done.append(Card(**{**fields, "id": final, "reverse_of": twin}))
        previous_id = final
    return tuple(done)


@dataclass(frozen=True, slots=True)
class VaultExtraction:
    cards: tuple[Card, ...]
    problems: tuple[Diagnostic, ...]
    notes: tuple[tuple[Note, Extraction], ...]


# Below this many notes, starting worker processes costs more than it saves.
PARALLEL_MIN_NOTES = 64


def _workers(notes: int, requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    if notes < PARALLEL_MIN_NOTES:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def extract_vault(
    notes: tuple[Note, ...] | list[Note],
    *,
    config: Config | None = None,
    progress: Callable[[Note], None] | None = None,
    workers: int | None = None,
) -> VaultExtraction:
    """The cards of several notes, in note order. Notes are independent, so a large vault is
    read on every core (`workers`; default: one per core from PARALLEL_MIN_NOTES notes). Two
    notes with the same title in different folders could give the same id: the later one is
    told apart by its path."""
    config = config or Config()
    cards: list[Card] = []
    problems: list[Diagnostic] = []
    per_note: list[tuple[Note, Extraction]] = []
    seen: set[str] = set()
    count = _workers(len(notes), workers)
    if count > 1:
        pool = ProcessPoolExecutor(count, initializer=tune_gc)
        results: Iterator[Extraction] = pool.map(
            partial(extract_cards, config=config), notes, chunksize=8
        )
    else:
        pool = None
        results = (extract_cards(note, config=config) for note in notes)
    try:
        for note, extracted in zip(notes, results, strict=True):
            fixed = _unique(note, extracted, seen)
            per_note.append((note, replace(extracted, cards=tuple(fixed))))
            cards.extend(fixed)
            problems.extend(extracted.problems)
            if progress is not None:
                progress(note)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return VaultExtraction(tuple(cards), tuple(problems), tuple(per_note))


def _unique(note: Note, extraction: Extraction, seen: set[str]) -> list[Card]:
    fixed = []
    for card in extraction.cards:
        unique = card
        if card.id in seen:
            unique = replace(card, id=card_id(f"{note.rel_path}\x1f{card.id}"))
        seen.add(unique.id)
        fixed.append(unique)
    return fixed
