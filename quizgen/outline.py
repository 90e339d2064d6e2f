"""Markdown -> Outline: a tree of headings, items, lines, formulas, diagrams and tables.

Two passes. First markdown-it-py's block tokens become a nested `_Block` tree (handlers keyed by
token type). Then blocks become `Node`s following the note's logic rather than CommonMark's:

- a heading owns everything up to the next heading of its level or above;
- a line that introduces a list (`4 étapes :`, `**Assumptions**`, a question, or a paragraph the
  list directly follows) owns the list, even when images or blank lines split it in two;
- each line of a paragraph is its own node (Obsidian shows them on separate lines), and
  hand-made child markers (`-> x`, `|> x`, `=> x`) hang under the line they qualify;
- a callout's title owns its content; a titleless callout or plain quote is transparent;
- a mermaid flowchart becomes a tree of its nodes.

markdown-it's inline pass is switched off: `markup.py` does inline work, on demand.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.dollarmath.index import math_block_dollar
from mdit_py_plugins.front_matter import front_matter_plugin

from quizgen import markup
from quizgen.config import Separators
from quizgen.lang import every_language, number_words
from quizgen.mermaid import TreeNode, flowchart_tree, parse_flowchart
from quizgen.model import Diagnostic, Node, NodeKind, NoteMeta, Outline

# markdown-it counts 3 token levels per nested bullet; 150 is about 50 bullet levels.
MAX_NESTING = 150
# Lines of one paragraph nest by indentation; no note needs more levels than this.
MAX_LINE_DEPTH = 50
# A line longer than this is not prose anyone studies (a pasted blob, a generated table).
MAX_LINE_CHARS = 20_000

_CHILD_MARKER = re.compile(r"^(\|>|->|=>|→|⇒|⟶|-->|~>)\s*(.*)$")
_BARE_MARKER = re.compile(r"^(?:[*+-]|\d{1,9}[.)])$")
_CALLOUT = re.compile(r"^\[!([\w-]+)\][+-]?\s*(.*)$")
_COMMENT_ONLY = re.compile(r"^(?:<!--.*?-->\s*)+$")
_TAGS_ONLY = re.compile(r"^(?:#[\w/-]*[^\W\d][\w/-]*\s*)+$")
_TERM_START = re.compile(r"^[^\s:]+(?:\s+[^\s:]+){0,5}\s*(?::|\s[-–—=]|->|=>|→)\s")
_DEFINITION_LIST = re.compile(r"^:\s+(\S.*)$")  # pandoc / MyST: `Term` then `: definition`
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?|===)\s*([\w-]+)?\s*(?:"([^"]*)")?\s*$')
_INLINE_BULLET = re.compile(
    r"^([*+-]|\d{1,9}[.)]|\d{1,3} ?[-–](?=\s+[^\W\d_]))\s+(\S.*)$"
)  # `1 - X` too
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>[ ]?)+")
_ITEM_START = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]*")
_BOLD_LABEL = re.compile(r"^(\*\*|__)[^*_]+\1\s*:?$")
_META_LINE = re.compile(r"^\s*([^\W\d][\w .'-]{0,30}?)\s*::?\s*(.*)$")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable("table")
    md.use(front_matter_plugin)
    # A $$ block may interrupt a paragraph, as it does in Obsidian.
    md.block.ruler.before(
        "fence",
        "math_block",
        _math_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.disable(["inline", "text_join"])
    return md


_dollar_block = math_block_dollar(allow_labels=False, allow_blank_lines=False)


def _math_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    # The plugin's rule pushes its token even when only probed (silent), which duplicates the
    # formula when it interrupts a paragraph: probe on a copy of the state's mutable parts.
    # `$$a$$ où $b$ ... $$c$$` on one line is a sentence with two formulas, not one block.
    tokens, line = len(state.tokens), state.line
    found = bool(_dollar_block(state, start, end, False))
    inner = found and any("$$" in t.content for t in state.tokens[tokens:])
    if silent or inner:
        del state.tokens[tokens:]
        state.line = line
    return found and not inner


_DATE_TIME = re.compile(
    r"\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b|\b\d{1,2}[:h]\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
)


# ---------------------------------------------------------------- pass 1: tokens -> blocks


_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE
)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HTML_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# A block opened by one of these (`<div class="alert" markdown="1">`) and holding only
# prose tags reads as lines.
_WRAPPER_TAGS = frozenset({"div", "details", "section", "aside", "p"})
_PROSE_TAGS = frozenset(
    {"div", "span", "p", "details", "summary", "center", "section", "aside", "font", "b", "i",
     "u", "em", "strong", "br", "mark", "small", "sub", "sup", "script", "style"}
)  # fmt: skip


def _html_text(content: str) -> str:
    """An HTML block's text, line for line (what it hides becomes blank lines)."""
    shown = _HTML_HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), content)
    return _HTML_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), shown)


_BLOCK_ID_LINE = re.compile(r"^\^[A-Za-z0-9-]{1,64}$")
_MODELINE = re.compile(r"^(?://|#|%|;|<!--)?\s*(?:vim?:\s*set\s|vim:\s*\w+=)")


def _opens_formula(text: str) -> bool:
    """`On obtient $$\\begin{align}`: a display formula opened and not closed on this line
    (not `$$` in code, not `It costs $$$`)."""
    masked = markup.mask(text)  # complete `$$...$$` spans and code are masked
    marks = list(_DOUBLE_DOLLAR.finditer(masked))
    if len(marks) % 2 == 0:
        return False
    rest = masked[marks[-1].end() :].strip()
    return not rest or rest.startswith("\\")


_DOUBLE_DOLLAR = re.compile(r"(?<!\$)\$\$(?!\$)")
# `1° Le consentement`, `2°)`, `a) ...`, `(ii) ...`: the numbering of a legal or textbook list
_ENUMERATED = re.compile(r"^(?:\d{1,2}\s?°\)?|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\))\s")
_WHOLE_FORMULA = re.compile(r"^\$\$(?!\$)[^$]+(?<!\$)\$\$$")
_FORMULA_THEN_TEXT = re.compile(
    r"^(\s*\$\$(?!\$).+?(?<!\$)\$\$)(?!\$)[ \t]*((?:\*\*|__|==)?[A-ZÀ-ÖØ-Þ].*)$"
)


def _formula_then_text(raw: str) -> tuple[str, ...]:
    """`$$PV = nRT$$ **Remarque** : ...`: a display formula, then a line of its own written
    after it (not `$$x$$ où x est ...`, a sentence going on)."""
    m = _FORMULA_THEN_TEXT.match(raw)
    return (m.group(1), m.group(2)) if m else (raw,)


_GLUED_HEADING = re.compile(r"^\s*#{2,6}(?=[^\s#])")


@dataclass
class _Block:
    type: str
    start: int  # 0-based first line
    end: int  # 0-based line after the block
    content: str = ""
    info: str = ""
    level: int = 0
    ordered: bool = False
    marker: str = ""
    children: list[_Block] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


_CONTAINERS = {
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "item",
    "blockquote_open": "quote",
    "table_open": "table",
}
_LEAVES = {"fence", "code_block", "math_block", "math_block_label", "html_block", "hr"}


def _blocks(tokens: list[Token]) -> tuple[list[_Block], str | None, int]:
    """Nest the flat token stream: the top blocks, the front matter and the deepest level."""
    root = _Block("root", 0, 0)
    stack = [root]
    front: str | None = None
    pending: _Block | None = None  # a heading or paragraph waiting for its inline token
    deepest = 0
    for tok in tokens:
        deepest = max(deepest, tok.level)
        start, end = tok.map if tok.map else (0, 0)
        kind = _CONTAINERS.get(tok.type)
        if kind is not None:
            block = _Block(kind, start, end, ordered=tok.type == "ordered_list_open")
            block.marker = tok.markup + (tok.info if kind == "item" else "")
            stack[-1].children.append(block)
            stack.append(block)
        elif tok.type.endswith("_close") and tok.type[:-6] + "_open" in _CONTAINERS:
            if len(stack) > 1:
                stack.pop()
        elif tok.type in ("paragraph_open", "heading_open"):
            kind = "heading" if tok.type == "heading_open" else "paragraph"
            level = int(tok.tag[1]) if kind == "heading" else 0
            pending = _Block(kind, start, end, level=level)
            stack[-1].children.append(pending)
        elif tok.type == "inline":
            if stack[-1].type == "table":
                if stack[-1].rows:
                    stack[-1].rows[-1].append(tok.content)
            elif pending is not None:
                pending.content = tok.content
                pending = None
        elif tok.type == "tr_open" and stack[-1].type == "table":
            stack[-1].rows.append([])
        elif tok.type == "front_matter":
            front = tok.content
        elif tok.type in _LEAVES:
            stack[-1].children.append(
                _Block(tok.type, start, end, content=tok.content, info=tok.info.strip())
            )
    return root.children, front, deepest


# ---------------------------------------------------------------- pass 2: blocks -> nodes


@dataclass
class _Draft:
    kind: NodeKind
    text: str
    line: int
    children: list[_Draft] = field(default_factory=list)
    level: int = 0
    ordered: bool = False
    marker: str = ""
    info: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    back: str = ""
    reversed: bool = False
    ref: bool = False
    indent: int = 0  # source columns before the text (not kept in the Node)
    content_col: int = 0  # ITEM: column where its text starts

    def freeze(self) -> Node:
        return Node(
            kind=self.kind,
            text=self.text,
            line=self.line,
            children=tuple(c.freeze() for c in self.children),
            level=self.level,
            ordered=self.ordered,
            marker=self.marker,
            info=self.info,
            rows=self.rows,
            back=self.back,
            reversed=self.reversed,
            ref=self.ref,
        )


def _columns(text: str) -> int:
    """Visual width of `text`'s leading white space, tabs stopping every 4 columns."""
    col = 0
    for ch in text:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _width(prefix: str) -> int:
    """Visual width of a line's prefix (white space and a list marker), tabs every 4 columns."""
    col = 0
    for ch in prefix:
        col = col + 4 - col % 4 if ch == "\t" else col + 1
    return col


def announces(text: str) -> bool:
    """Does this line announce what follows (`4 étapes :`, `**Assumptions**`, a question,
    `Un nucléotide est composé de`)?"""
    stripped = markup.strip_kinds(text, frozenset({"comment"})).rstrip(" \t\u00a0\u202f*_")
    if stripped.endswith((":", "?", "：")) or _BOLD_LABEL.match(text.strip()):
        return True
    last = stripped.rsplit(None, 1)[-1].lower() if stripped.strip() else ""
    return len(stripped.split()) >= 3 and last in every_language("introducing_words")


_TITLE_WORDS = 6
_SEPARATOR_CHARS = re.compile(r"[:=→|]| - | – |->|=>")


def _names_what_follows(previous: str, text: str) -> bool:
    """A short name alone on its line (no verb-ending punctuation, no separator) and, right
    under it, a capitalised sentence: a glossary written without colons."""
    words = previous.split()
    return (
        0 < len(words) <= _TITLE_WORDS
        and not markup.is_media_only(previous)  # an image above a sentence names nothing
        and not previous.endswith((".", "!", "?", ":", ";", ",", "…"))
        and not _SEPARATOR_CHARS.search(previous)
        and text[:1].isupper()
        and text.endswith(".")
        and len(text.split()) > len(words) + 2
    )


def counts_items(line: str, count: int) -> bool:
    """A short line announcing as many things as the list after it has (`There are three
    types of memory`, `Il y a 4 formes indéterminées`)."""
    words = re.findall(r"[\w'’-]+", line.lower())
    if not 2 < len(words) <= 12 or line.rstrip().endswith((".", "!", "?")) or "(" in line:
        return False
    if any(w in every_language("naming_words") for w in words):
        return False  # `Two categories include humoral and cell-mediated`: named already
    return str(count) in words or any(w in words for w in number_words(count))


def _should_join(previous: str, text: str) -> bool:
    """A soft-wrapped sentence: the previous line is unfinished and this one carries on. Not
    when the line is a `term : definition` of its own (a glossary without blank lines)."""
    if not previous or previous.endswith((".", "!", "?", ":", ";")):
        return False
    if _TERM_START.match(text):
        return False
    last = previous.rsplit(None, 1)[-1]  # as written: `Hépatite A` ends a name, `a` does not
    return (
        previous.endswith(",")
        or last in every_language("wrap_words")  # `... Aussi appelés les` / `P.O (...)`
        or previous.count("(") > previous.count(")")  # `... changes (context` / `change)`
        or text.startswith("(")
        or (text[:1].islower() and len(previous) >= 50)
    )


class _Converter:
    def __init__(self, separators: Separators, path: str, source: str) -> None:
        self.separators = separators
        self.path = path
        self.source_lines = source.split("\n")
        self.escaped: list[_Draft] = []  # lazy continuation lines on their way up
        self.pending_card: _Draft | None = None
        self.problems: list[Diagnostic] = []
        self.handlers: dict[str, Callable[[_Block, _State], None]] = {
            "paragraph": self._paragraph,
            "list": self._list,
            "heading": self._heading,
            "quote": self._quote,
            "fence": self._fence,
            "code_block": self._indented_code,
            "math_block": self._attached_leaf,
            "math_block_label": self._attached_leaf,
            "table": self._attached_leaf,
            "html_block": self._html,
            "hr": self._rule,
        }

    # A sequence of sibling blocks, e.g. a document, an item's content, a callout's content.
    def sequence(self, blocks: list[_Block], owner: _Draft | None = None) -> list[_Draft]:
        state = _State(owner=owner, last_line=owner)
        for block in blocks:
            self.handlers.get(block.type, self._skip)(block, state)
            state.previous = block
        return state.out

    def _skip(self, block: _Block, state: _State) -> None:
        pass

    def _html(self, block: _Block, state: _State) -> None:
        """`<div class="alert" markdown="1">` / `Le contrat est la loi des parties` / `</div>`:
        the words a student wrapped in HTML are still the note's; tags, comments, scripts and
        styles are not."""
        names = [t.lower() for t in _HTML_TAG_NAME.findall(block.content)]
        if not names or names[0] not in _WRAPPER_TAGS or not set(names) <= _PROSE_TAGS:
            # a table, a list, a drawing or an embed in HTML (its words out of order), or a
            # line of layout (`<center>`, `<br>`): as CommonMark leaves it
            return
        text = _html_text(block.content)
        if markup.has_content(text):
            self._paragraph(_Block("paragraph", block.start, block.end, content=text), state)

    def _rule(self, block: _Block, state: _State) -> None:
        state.intro = None
        state.last_line = None

    def _heading(self, block: _Block, state: _State) -> None:
        if state.owner is not None:  # a heading inside a list item: just a line
            state.out.extend(self.lines(block.content, block.start, None))
            return
        title = self._clip(block.content.strip().lstrip("> ").strip(), block.start + 1)
        state.out.append(_Draft(NodeKind.HEADING, title, block.start + 1,
                                level=block.level))  # fmt: skip
        state.intro = None
        state.last_line = None

    def _paragraph(self, block: _Block, state: _State) -> None:
        table = _pipe_table(block.content, block.start)
        if table is not None:  # `a | b` rows without a `---` line, or with a broken one
            self._attach(table, block, state)
            return
        drafts = self.lines(block.content, block.start, None)
        state.pending_card, self.pending_card = self.pending_card, None
        if not drafts:
            return
        media = all(markup.is_media_only(d.text) or markup.is_link_only(d.text) for d in drafts)
        if state.intro is not None and media:
            # An image between two halves of a list illustrates the item before it.
            target = state.intro.children[-1] if state.intro.children else state.intro
            target.children.extend(drafts)
            return
        if (
            state.intro is not None
            and not state.intro.children
            and state.intro.kind is NodeKind.LINE
        ):
            # `Premier principe :` then, after a blank line, the principle itself.
            state.intro.children.extend(drafts)
            state.intro = None if not _ENUMERATED.match(drafts[0].text) else state.intro
            return
        if (
            state.intro is not None
            and _ENUMERATED.match(drafts[0].text)
            and all(_ENUMERATED.match(k.text) for k in state.intro.children)
        ):
            # `Sont nécessaires :` / `1° Le consentement ;` / `2° La capacité ;`, a blank
            # line between each: one enumeration under the line that announces it
            state.intro.children.extend(drafts)
            return
        state.out.extend(drafts)
        if media:  # an image or a navigation link is never what a list below it is about
            state.last_line = None
            state.intro = None
            return
        last = drafts[-1]
        tail = last.children[-1] if last.children else None
        if tail is not None and tail.kind is NodeKind.LINE and announces(tail.text):
            # `**Craik & Tulving**` / `Présentent ... plusieurs types de groupes :` / a list:
            # the list is what the line under the header announces
            last = tail
        state.last_line = last
        state.intro = last if last.kind in (NodeKind.LINE,) and announces(last.text) else None
        state.intro_list = ()

    def _list(self, block: _Block, state: _State) -> None:
        pending, state.pending_card = state.pending_card, None
        if pending is not None and state.previous is not None and state.previous.end == block.start:
            # `Question` / `?` / then a list: the list is the answer.
            answers = [
                para.content.split("\n", 1)[0].strip()
                for item in block.children
                if item.type == "item"
                for para in item.children[:1]
                if para.type == "paragraph"
            ]
            pending.back = "\n".join(f"- {answer}" for answer in answers if answer)
            if pending.back:
                state.out.append(pending)
                state.last_line = None
                return
        outer_escaped = self.escaped
        self.escaped = []
        items = [self._item(item, block.ordered) for item in block.children if item.type == "item"]
        # `- 1)  Science de ...`: a bullet holding only a numbered item is that item.
        items = [
            kid
            for item in items
            for kid in (
                item.children
                if not item.text.strip()
                and item.children
                and all(c.kind is NodeKind.ITEM for c in item.children)
                else [item]
            )
        ]
        # Lazy lines handed back by the items: those indented at this level stay here (after
        # the list), shallower ones go on up.
        owner_col = state.owner.content_col if state.owner is not None else 0
        here = [d for d in self.escaped if d.indent >= owner_col]
        outer_escaped.extend(d for d in self.escaped if d.indent < owner_col)
        self.escaped = outer_escaped
        previous = state.previous
        shape = _list_shape(block)
        if state.intro is not None and not _continues(state.intro_list, shape):
            state.intro = None  # another list (`*` after `-`, a new `1.`): not the same one
        if state.intro is not None:
            state.intro.children.extend(items)
            count = state.intro_list[2] if state.intro_list else 0
            state.intro_list = (shape[0], shape[1], count + len(items))
        elif (
            previous is not None
            and previous.type == "paragraph"
            and previous.end == block.start
            and state.last_line is not None
            and state.last_line is not state.owner
        ):
            state.last_line.children.extend(items)  # the list interrupts the paragraph
            state.intro = state.last_line
            state.intro_list = (shape[0], shape[1], len(items))
        elif (
            previous is not None
            and previous.type == "paragraph"
            and state.last_line is not None
            and state.last_line is not state.owner
            and not state.last_line.children
            and counts_items(state.last_line.text, len(items))
        ):
            # `Il y a 4 formes indéterminées`, a blank line, then the 4 of them
            state.last_line.children.extend(items)
            state.intro = state.last_line
            state.intro_list = (shape[0], shape[1], len(items))
        else:
            state.out.extend(items)
            state.intro = None
        state.last_line = None
        if here:
            state.out.extend(here)
            state.last_line = here[-1]
            state.intro = None

    def _item(self, block: _Block, ordered: bool) -> _Draft:
        marker = block.marker
        draft = _Draft(NodeKind.ITEM, "", block.start + 1, ordered=ordered,
                       marker=marker, indent=self._indent(block.start + 1))  # fmt: skip
        draft.content_col = self._content_col(block.start + 1)
        rest = block.children
        if rest and rest[0].type == "heading":
            # `- ### **Philippe Pinel**`: a heading written as a bullet names what its children
            # are about, as the bullet's own text would.
            draft.text = self._clip(rest[0].content.strip(), rest[0].start + 1)
            draft.line = rest[0].start + 1
            rest = rest[1:]
        elif rest and rest[0].type == "paragraph":
            first = rest[0]
            text, _, more = first.content.partition("\n")
            # `1. ###Pathogens`: meant as a heading (one `#` would be a tag)
            text = _GLUED_HEADING.sub("", text)
            draft.text = self._clip(text.strip(), first.start + 1)
            if more:
                draft.children.extend(self.lines(more, first.start + 1, draft))
            rest = rest[1:]
            draft.line = first.start + 1
        draft.children.extend(self.sequence(rest, owner=draft))
        return draft

    def _quote(self, block: _Block, state: _State) -> None:
        children = block.children
        first = children[0] if children else None
        head = (
            first.content.lstrip().split("\n", 1)[0] if first and first.type == "paragraph" else ""
        )
        m = _CALLOUT.match(head)
        if m is None:
            inner = self.sequence(children, owner=state.owner)
            for draft in inner:
                if draft.kind is NodeKind.LINE and not draft.info:
                    draft.info = "quote"  # `> L'homme est condamné à être libre. Sartre`
            state.out.extend(inner)
            return
        kind, title = m.group(1).lower(), m.group(2).strip()
        assert first is not None
        _, _, body = first.content.partition("\n")
        rest = children[1:]
        if body.strip():
            rest = [_Block("paragraph", first.start + 1, first.end, content=body), *rest]
        if title:
            callout = _Draft(NodeKind.CALLOUT, title, block.start + 1, info=kind)
            callout.children = self.sequence(rest, owner=callout)
            state.out.append(callout)
        else:
            state.out.extend(self.sequence(rest, owner=state.owner))
        state.intro = None
        state.last_line = None

    def _fence(self, block: _Block, state: _State) -> None:
        language = block.info.split()[0].lower() if block.info else ""
        chart = parse_flowchart(block.content) if language == "mermaid" else None
        if chart is not None:
            draft = _Draft(NodeKind.DIAGRAM, "", block.start + 1, info="mermaid")
            draft.back = block.content
            offset = block.start + 2  # 1-based line of the fence's first content line
            draft.children = [_graph_draft(t, offset) for t in flowchart_tree(chart)]
        else:
            draft = _Draft(NodeKind.CODE, block.content, block.start + 1, info=language)
        self._attach(draft, block, state)

    def _indented_code(self, block: _Block, state: _State) -> None:
        # In notes, indented text is nearly always hierarchy, not code: continuation lines.
        target = state.last_line or (state.out[-1] if state.out else None)
        drafts = self.lines(block.content, block.start, target)
        if target is None:
            state.out.extend(drafts)

    def _attached_leaf(self, block: _Block, state: _State) -> None:
        if block.type == "table":
            rows = tuple(tuple(cell.strip() for cell in row) for row in block.rows if row)
            draft = _Draft(NodeKind.TABLE, "", block.start + 1, rows=rows)
        else:
            draft = _Draft(NodeKind.MATH, block.content.strip(), block.start + 1)
        self._attach(draft, block, state)

    def _attach(self, draft: _Draft, block: _Block, state: _State) -> None:
        """Formulas, code, tables and diagrams belong to the line that introduces them."""
        previous = state.previous
        if state.intro is not None:
            state.intro.children.append(draft)
        elif (
            previous is not None
            and previous.type == "paragraph"
            and previous.end == block.start
            and state.last_line is not None
        ):
            state.last_line.children.append(draft)
        else:
            state.out.append(draft)

    # One paragraph's lines, with child markers, indentation and soft-wrapped sentences resolved.
    def lines(self, content: str, start: int, anchor: _Draft | None) -> list[_Draft]:
        """Each line of a paragraph becomes a node. A line indented deeper than the one above
        is its child (tab-indented continuation text, `\t- ex : ...` that CommonMark folds into
        the paragraph); `|>`, `->`, `=>` lines hang under the line they qualify. Inside a list
        item (`anchor`), a line indented less than the item's text is a lazy continuation that
        CommonMark glued to the item: it is handed back to the enclosing level instead."""
        raw_lines = content.split("\n")
        cards, consumed = self._flashcards(raw_lines, start)
        pieces = [
            (offset, piece)
            for offset, raw in enumerate(raw_lines)
            for piece in (_formula_then_text(raw) if offset not in cards else (raw,))
        ]
        top: list[_Draft] = []
        stack: list[tuple[int, _Draft]] = [(anchor.indent, anchor)] if anchor is not None else []
        last_plain: _Draft | None = anchor
        last_arrow: _Draft | None = None
        # An item's first line is its text: the lines after it may carry on its sentence.
        previous: _Draft | None = anchor if anchor is not None and anchor.text else None
        broken = anchor is not None and self._hard_break(anchor.line)
        # `- La loi des gaz parfaits :` / `$$PV = nRT$$` at the margin: what the item announces
        owns_lazy = anchor is not None and anchor.kind is NodeKind.ITEM and announces(anchor.text)
        for offset, raw in pieces:
            was_broken, broken = broken, raw.endswith("  ") or raw.rstrip().endswith("\\")
            if offset in cards:
                (anchor.children if anchor is not None else top).append(cards[offset])
                previous = None
            if offset in consumed:
                continue
            text = raw.strip().rstrip("\u00a0\u202f")
            if text.endswith("\\") and not text.endswith("\\\\"):
                text = text[:-1].rstrip()  # a hard line break, not text
            if (
                not text
                or _BARE_MARKER.match(text)
                or _COMMENT_ONLY.match(text)
                or _BLOCK_ID_LINE.match(text)  # `^9d2fda`: Obsidian's name for the block above
                or _MODELINE.match(text)  # `// vim: set syntax=asciidoc:`
            ):
                continue
            line = start + offset + 1
            if (
                previous is not None
                and len(previous.text) < MAX_LINE_CHARS
                and _opens_formula(previous.text)
            ):
                # `On obtient $$\begin{align}` / `P(z) = ... \\` / `\end{align}$$`: one
                # formula opened mid-line, whatever breaks and indents its lines carry
                previous.text = self._clip(f"{previous.text} {text}", previous.line)
                continue
            text = self._clip(text, line)
            indent = self._indent(line)
            carries_on = (
                previous is not None
                and not was_broken
                and _CHILD_MARKER.match(text) is None
                and text[:1].islower()
                and _should_join(previous.text, text)
            )
            if carries_on and previous is anchor:
                # `- La rareté ... impose` / `des décisions parmi ...` (lazy or over-indented):
                # the item's sentence goes on, whatever the indentation
                assert previous is not None
                previous.text = f"{previous.text} {text}"
                continue
            if (
                anchor is not None
                and anchor.kind is NodeKind.ITEM
                and indent < anchor.content_col
                and not owns_lazy
            ):
                escaped = _Draft(NodeKind.LINE, text, line, indent=indent)
                self.escaped.append(escaped)
                previous = None
                continue
            m = _CHILD_MARKER.match(text)
            if (
                m is None
                and previous is not None
                and not was_broken  # two spaces or `\` at the end: the author broke the line
                and (
                    indent <= previous.indent
                    or (previous is anchor and indent <= previous.content_col)
                )
                and _should_join(previous.text, text)
            ):
                previous.text = f"{previous.text} {text}"
                continue
            if m is not None:
                marker, body = m.group(1), m.group(2).strip()
                if not body:
                    continue
                draft = _Draft(NodeKind.LINE, body, line, marker=marker, indent=indent)
                parent = (last_arrow or last_plain) if marker == "|>" else last_plain
                if parent is None:
                    top.append(draft)
                    last_plain = draft
                else:
                    parent.children.append(draft)
                    if marker != "|>":
                        last_arrow = draft
            else:
                admonition = _ADMONITION.match(text)
                if admonition:
                    # mkdocs `??? abstract "Bilan"`: its title; `!!! note` alone is no title.
                    # `=== "Français"` is a content tab: its name is no title either.
                    text = "" if text.startswith("===") else admonition.group(2) or ""
                definition = _DEFINITION_LIST.match(text)
                if definition and previous is not None and previous.kind is NodeKind.LINE:
                    previous.text = f"{previous.text} : {definition.group(1)}"
                    continue
                bullet = _INLINE_BULLET.match(text)
                if bullet:
                    body = _QUOTE_PREFIX.sub("", bullet.group(2)) or bullet.group(2)
                    draft = _Draft(NodeKind.ITEM, body, line, marker=bullet.group(1),
                                   ordered=bullet.group(1)[0].isdigit(), indent=indent)  # fmt: skip
                elif _WHOLE_FORMULA.match(text):
                    draft = _Draft(NodeKind.MATH, text[2:-2].strip(), line, indent=indent)
                else:
                    draft = _Draft(NodeKind.LINE, text, line, indent=indent)
                if (
                    anchor is None
                    and previous is not None
                    and previous.kind is NodeKind.LINE
                    and previous.indent == indent
                    and not previous.children
                    and _names_what_follows(previous.text, text)
                ):
                    # `Carbon (emissions) taxes` / `Taxes levied on ...`: a term, then its line
                    previous.children.append(draft)
                    previous = draft
                    continue
                while stack and stack[-1][0] >= indent and stack[-1][1] is not anchor:
                    stack.pop()
                if len(stack) > MAX_LINE_DEPTH:  # absurd indentation: siblings from here on
                    del stack[MAX_LINE_DEPTH:]
                if stack:
                    stack[-1][1].children.append(draft)
                else:
                    top.append(draft)
                # A line ending with `:` owns the lines that follow it at its own indentation.
                owns_followers = draft.kind is NodeKind.LINE and announces(draft.text)
                stack.append((indent - 1 if owns_followers else indent, draft))
                last_plain, last_arrow = draft, None
            previous = draft
        return top

    def _hard_break(self, line: int) -> bool:
        if not 0 < line <= len(self.source_lines):
            return False
        source = self.source_lines[line - 1]
        return source.endswith("  ") or source.rstrip().endswith("\\")

    def _clip(self, text: str, line: int) -> str:
        if len(text) <= MAX_LINE_CHARS:
            return text
        message = f"line of {len(text):,} characters: only the first {MAX_LINE_CHARS:,} are read"
        self.problems.append(Diagnostic(self.path, line, message))
        return text[:MAX_LINE_CHARS]

    def _indent(self, line: int) -> int:
        """Columns of white space before a source line's text (tabs to the next multiple of 4),
        after any blockquote `>` prefixes."""
        if not 0 < line <= len(self.source_lines):
            return 0
        return _columns(_QUOTE_PREFIX.sub("", self.source_lines[line - 1]))

    def _content_col(self, line: int) -> int:
        """The column where a list item's text starts (after its marker)."""
        if not 0 < line <= len(self.source_lines):
            return 0
        source = _QUOTE_PREFIX.sub("", self.source_lines[line - 1])
        m = _ITEM_START.match(source)
        return _width(m.group(0)) if m else _columns(source)

    def _flashcards(self, raw_lines: list[str], start: int) -> tuple[dict[int, _Draft], set[int]]:
        """Multi-line explicit cards: the lines just above a line holding only `?` (or `??`) are
        the question, the lines below the answer. A card stops at a scheduling comment, a
        one-line `Q::A` card or another card, as in the obsidian-spaced-repetition plugin.
        Returns the cards by the index of their first line, and every index they use."""
        seps = self.separators
        forms = {
            s: s == seps.multiline_reversed for s in (seps.multiline, seps.multiline_reversed) if s
        }
        marks = [i for i, raw in enumerate(raw_lines) if raw.strip() in forms]
        if not marks:
            return {}, set()
        inline = [s for s in (seps.inline, seps.inline_reversed) if s]

        def boundary(i: int) -> bool:
            text = raw_lines[i].strip()
            return (
                not text
                or bool(_COMMENT_ONLY.match(text))
                or text in forms
                or any(sep in markup.mask(text) for sep in inline)
            )

        cards: dict[int, _Draft] = {}
        consumed: set[int] = set()
        for n, mark in enumerate(marks):
            first = mark
            while first > 0 and first - 1 not in consumed and not boundary(first - 1):
                first -= 1
            following = marks[n + 1] if n + 1 < len(marks) else len(raw_lines)
            last = mark
            # the next card needs at least one question line of its own
            limit = following - 1 if following < len(raw_lines) else following
            while last + 1 < limit and not boundary(last + 1):
                last += 1
            front = [r.strip() for r in raw_lines[first:mark] if r.strip()]
            back = [r.strip() for r in raw_lines[mark + 1 : last + 1] if r.strip()]
            if front and not back and mark == len(raw_lines) - 1:
                self.pending_card = _Draft(NodeKind.FLASHCARD, "\n".join(front), start + first + 1,
                                           reversed=forms[raw_lines[mark].strip()])  # fmt: skip
                consumed.update(range(first, mark + 1))
                continue
            if not front or not back:
                continue
            cards[first] = _Draft(
                NodeKind.FLASHCARD,
                "\n".join(front),
                start + first + 1,
                back="\n".join(back),
                reversed=forms[raw_lines[mark].strip()],
            )
            consumed.update(range(first, last + 1))
        return cards, consumed


_DELIMITER_ROW = re.compile(r"^\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?$")


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _pipe_table(content: str, start: int) -> _Draft | None:
    """A paragraph of `a | b` rows that markdown-it did not take for a table (no `---` row, or
    one with the wrong number of columns) is still a table; one whose cells are joined by
    arrows is a drawing (code)."""
    rows = [r for r in content.split("\n") if r.strip()]
    if len(rows) < 2 or not all("|" in markup.mask(r) for r in rows):
        return None
    cells = [_cells(r) for r in rows if not _DELIMITER_ROW.match(r.strip())]
    widths = {len(c) for c in cells}
    if len(cells) < 2 or len(widths) != 1 or widths.pop() < 2:
        return None
    if any(_ARROW_CELL.search(cell) for row in cells for cell in row):
        # `input -> | sensory memory | ->`: a flow drawn with pipes, kept as the drawing it is
        return _Draft(NodeKind.CODE, content, start + 1)
    return _Draft(NodeKind.TABLE, "", start + 1, rows=tuple(tuple(c) for c in cells))


# A cell that starts or ends with an arrow links boxes of a drawing.
_ARROW_CELL = re.compile(r"^\s*(?:-+>|=+>|→|⟶|<-+)|(?:-+>|=+>|→|⟶|<-+)\s*$")


def _list_shape(block: _Block) -> tuple[bool, str, int]:
    """(ordered, marker, first number) of a list block."""
    first = next((c for c in block.children if c.type == "item"), None)
    marker = first.marker if first else block.marker
    number = int(marker[1:]) if block.ordered and marker[1:].isdigit() else 1
    return block.ordered, (marker[:1] if marker else ""), number


def _continues(previous: tuple[bool, str, int] | tuple[()], shape: tuple[bool, str, int]) -> bool:
    """Is this list the rest of the one before (split by an image or a blank line)?"""
    if not previous:
        return True
    ordered, marker, count = previous
    if ordered != shape[0] or marker != shape[1]:
        return False
    return not ordered or shape[2] == count + 1


@dataclass
class _State:
    owner: _Draft | None
    last_line: _Draft | None
    out: list[_Draft] = field(default_factory=list)
    intro: _Draft | None = None
    pending_card: _Draft | None = None  # a `?` card whose answer is the list that follows
    # the list under `intro` so far: (ordered, marker, items); () before the first one
    intro_list: tuple[bool, str, int] | tuple[()] = ()
    previous: _Block | None = None


def _graph_draft(node: TreeNode, offset: int) -> _Draft:
    draft = _Draft(NodeKind.GRAPH_NODE, node.label, offset + node.line, info=node.edge_label,
                   ref=node.ref)  # fmt: skip
    draft.children = [_graph_draft(c, offset) for c in node.children]
    return draft


# ---------------------------------------------------------------- sections and metadata


def _sections(drafts: list[_Draft]) -> list[_Draft]:
    """Headings own what follows them, sub-headings included."""
    root = _Draft(NodeKind.DOCUMENT, "", 0)
    stack: list[_Draft] = [root]
    for draft in drafts:
        if draft.kind is NodeKind.HEADING:
            while len(stack) > 1 and stack[-1].level >= draft.level:
                stack.pop()
            stack[-1].children.append(draft)
            stack.append(draft)
        else:
            stack[-1].children.append(draft)
    return root.children


def _split_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [v for v in re.split(r"[,\s]+", str(value)) if v]


def _toml_front_matter(text: str) -> tuple[str, str | None]:
    """Hugo's `+++` TOML front matter: taken out (its lines left blank, so line numbers hold)."""
    if not text.startswith("+++\n"):
        return text, None
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].strip() == "+++":
            content = "\n".join(lines[1:end])
            return "\n" * (end + 1) + "\n".join(lines[end + 1 :]), content
    return text, None


_FRONT_KEYS = frozenset(
    {"title", "date", "tags", "categories", "author", "authors", "draft", "aliases", "layout",
     "description", "slug", "weight", "lastmod", "summary", "keywords", "series", "toc", "lang"}
)  # fmt: skip
_KEY_LINE = re.compile(r"^\s*([A-Za-z_][\w.-]*)\s*(?:=|:(?:\s|$))")
MAX_FRONT_LINES = 40
_SETTING_ITEM = re.compile(r"^\s*(?:-\s|[\"'\[\]])")


def _pasted_front_matter(lines: list[str]) -> None:
    """A front-matter block pasted further down a note (another note's `+++` TOML or `---`
    YAML, `title = "..."`, `date: ...`): its lines left blank, not read as definitions."""
    i = 1
    while i < len(lines):
        fence = lines[i].strip()
        if fence not in ("+++", "---"):
            i = _after_fence(lines, i)  # a front matter shown in a code block stays
            continue
        end = next(
            (
                j
                for j in range(i + 1, min(len(lines), i + MAX_FRONT_LINES))
                if lines[j].strip() == fence
            ),
            None,
        )
        if end is None:
            i += 1
            continue
        inner = [x for x in lines[i + 1 : end] if x.strip()]
        keys = [m.group(1).lower() for m in map(_KEY_LINE.match, inner) if m]
        # every line a `key: value` (or a list's item) and the fence not a heading's underline
        settings = all(_KEY_LINE.match(x) or _SETTING_ITEM.match(x) for x in inner)
        underline = fence == "---" and bool(lines[i - 1].strip())
        known = sum(k in _FRONT_KEYS for k in keys) >= 2 and "title" in keys
        if known and settings and not underline:
            lines[i : end + 1] = [""] * (end + 1 - i)
            i = end + 1
        else:
            i += 1


MAX_FORMULA_LINES = 40
_INLINE_CODE = re.compile(r"`[^`]*`")
# a heading, indented up to 3 spaces or typed without its space (`##SWOT`; one `#` is a tag)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s|^#{2,6}(?=[^\s#])")


def _dollar_marks(line: str) -> int:
    """How many `$$` a line has outside its inline code (`echo $$` opens no formula)."""
    return len(_DOUBLE_DOLLAR.findall(_INLINE_CODE.sub("", line)))


def _formulas_on_one_line(lines: list[str]) -> None:
    """`... de la forme $$\\begin{align}` / `P(z) = ...` / `- \\int ...` / `\\end{align}$$`: a
    display formula opened after text runs on over lines that CommonMark would read as a list
    or a new paragraph. Its lines are put back on the opening line (the lines it took stay,
    blank, so line numbers hold)."""
    i = 0
    while i < len(lines):
        line = lines[i]
        marks = _dollar_marks(line) if "$$" in line else 0
        if marks % 2 == 0:
            i = _after_fence(lines, i)
            continue
        end = None
        for j in range(i + 1, min(len(lines), i + MAX_FORMULA_LINES)):
            if not lines[j].strip() or _FENCE_OPEN.match(lines[j]):
                break  # a formula has no blank line and no code block in it
            if _dollar_marks(lines[j]) % 2 == 1:
                end = j
                break
        if end is None:
            i += 1
            continue
        alone = line.lstrip(" >").startswith("$$") and marks == 1
        if alone or any(_HEADING_LINE.match(lines[j]) for j in range(i + 1, end)):
            i = end + 1  # a `$$` block of its own, CommonMark's to read: past its closing line
            continue
        # what follows the closing `$$` (`$$**Loi hydrostatique**`) stays on its own line
        closing = list(_DOUBLE_DOLLAR.finditer(lines[end]))[-1].end()
        formula = [part.strip(" \t>") for part in (*lines[i + 1 : end], lines[end][:closing])]
        lines[i] = " ".join([line.rstrip(), *formula])
        lines[i + 1 : end + 1] = [*([""] * (end - i - 1)), lines[end][closing:]]
        i = end + 1


_BOLD_ONLY = re.compile(r"^(\*\*|__)(?=\S)[^*_]{1,80}(?<=\S)\1\s*$")
_ITEM_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_INDENTED_HEADING = re.compile(r"^ {1,3}#{1,6}[ \t]")
_GLUED_ATX = re.compile(r"^#{2,6}(?=[^\s#])")


def _headings_as_written(lines: list[str]) -> None:
    """Headings the way students type them, which CommonMark reads otherwise: `##SWOT` without
    its space; `  ### Why only 2 parties?` indented into a list item after a blank line (a
    section, as its `#` says); a bold line right under a list item and over the next part's
    items (`**Non-Excludable Goods**`, glued to the item above), made a heading one level
    under the section's."""
    level = 1
    i = 0
    while i < len(lines):
        line = lines[i]
        glued = _GLUED_ATX.match(line)
        if glued:
            line = lines[i] = f"{glued.group(0)} {line[glued.end() :]}"
        elif i and not lines[i - 1].strip() and _INDENTED_HEADING.match(line):
            line = lines[i] = line.lstrip(" ")
        if _HEADING_LINE.match(line):
            level = len(line.strip().split(" ", 1)[0])
        elif (
            0 < i < len(lines) - 1
            and _BOLD_ONLY.match(line)
            and _ITEM_LINE.match(lines[i - 1])
            and _ITEM_LINE.match(lines[i + 1])
        ):
            lines[i] = f"{'#' * min(6, level + 1)} {line.strip()}"
        i = _after_fence(lines, i)


def _parse_toml(content: str, path: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    try:
        return tomllib.loads(content), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [Diagnostic(path, 1, f"front matter: {exc}; note read without it")]


# libyaml's loader when PyYAML was built with it: 10x faster on thousands of notes.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _front_matter(content: str | None, path: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    if content is None:
        return {}, []
    try:
        data = yaml.load(content, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return {}, [Diagnostic(path, line, f"front matter: {problem}; note read without it")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic(path, 1, "front matter is not a mapping; note read without it")]
    return data, []


def _metadata(drafts: list[_Draft], meta: dict[str, list[str]]) -> list[_Draft]:
    """Strip metadata: `Key: value` lines before the first heading, tag-only lines anywhere, and
    lecture logistics at the top of a note (`Lecture 7 - Tue 10:30`, `Cours du 03/02 - ...`)."""
    keys = every_language("metadata_keys")
    kept: list[_Draft] = []
    headings = 0
    opening = True  # before the first heading, or the first line right under it
    under_title = _metadata_under_title(drafts, keys)
    for index, draft in enumerate(drafts):
        if draft.kind is NodeKind.HEADING:
            headings += 1
            opening = headings == 1 and opening
            kept.append(draft)
            continue
        if draft.kind in (NodeKind.LINE, NodeKind.ITEM):
            text = draft.text.strip()
            if _TAGS_ONLY.match(text):
                meta.setdefault("tags", []).extend(t.lstrip("#") for t in text.split())
                continue
            m = _META_LINE.match(text)
            before = not headings or index in under_title
            if before and m and m.group(1).strip().lower() in keys and m.group(2):
                meta.setdefault(m.group(1).strip().lower(), []).append(m.group(2).strip())
                if not draft.children:
                    continue
            if opening and not draft.children and _logistics(text):
                continue
        if headings:
            opening = False
        kept.append(draft)
    return kept


def _metadata_under_title(drafts: list[_Draft], keys: frozenset[str]) -> set[int]:
    """`# Registers` / `Type: Lectures` / `Date: October 10th 2024`: the lines right under the
    first heading, when every one is a `Key: value` line of a metadata key and one of them is
    only ever metadata (a date, tags, an author). `# OOP` / `Class: a blueprint` / `Object:
    an instance` is a glossary."""
    first = next((i for i, d in enumerate(drafts) if d.kind is NodeKind.HEADING), None)
    if first is None:
        return set()
    run: list[int] = []
    dated = False
    for i in range(first + 1, len(drafts)):
        draft = drafts[i]
        m = _META_LINE.match(draft.text.strip()) if draft.kind is NodeKind.LINE else None
        if m is None or draft.children:
            break
        key = m.group(1).strip().lower()
        if key not in keys:
            return set()
        dated = dated or key in every_language("dated_metadata_keys")
        run.append(i)
    return set(run) if dated else set()


def _logistics(text: str) -> bool:
    """A date, a time or a weekday in a short line: when and where the lecture was."""
    plain = markup.to_plain(text)
    if len(plain.split()) > 14:
        return False
    return bool(_DATE_TIME.search(plain)) or any(
        w in every_language("weekdays") for w in re.findall(r"\w+", plain.lower())
    )


def _note_meta(front: dict[str, Any], lines: dict[str, list[str]]) -> NoteMeta:
    tags = _split_values(front.get("tags", front.get("tag")))
    for value in lines.get("tags", []) + lines.get("tag", []):
        # `Tags: #a #b`, `tags: [a, b]` (a front matter that lost its `---`)
        tags.extend(v.lstrip("#") for v in re.split(r"[,\s\[\]]+", value) if v.strip("#"))
    course = front.get("course") or front.get("cours")
    if not course:
        for key in ("course", "cours", "module", "matière", "subject"):
            if lines.get(key):
                course = markup.to_plain(lines[key][0])
                break
    enabled = front.get("quizgen", True)
    if isinstance(enabled, dict):
        enabled = enabled.get("enabled", True)
    lang = front.get("lang") or front.get("language") or front.get("langue")
    deck = front.get("deck")
    extra = {k: v for k, v in front.items() if k not in {"tags", "tag", "course", "cours"}}
    return NoteMeta(
        tags=tuple(dict.fromkeys(t.lstrip("#") for t in tags if t.lstrip("#"))),
        aliases=tuple(_split_values(front.get("aliases"))),
        lang=str(lang).strip().lower() if lang else None,
        deck=str(deck).strip() if deck else None,
        course=markup.to_plain(str(course)) if course else None,
        enabled=enabled is not False and str(enabled).lower() not in {"false", "no", "off"},
        extra=extra,
    )


_AD_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*ad-(?P<kind>[\w-]+)[ \t]*$")
_AD_OPTION = re.compile(r"^[ \t]*(?P<key>title|collapse|icon|color)[ \t]*:(?P<value>.*)$", re.I)


def _admonitions_as_callouts(text: str) -> str:
    """The Admonition plugin's ```` ```ad-note ```` blocks hold Markdown, not code: rewritten
    line for line as the callout they display (`> [!note] Title`), so line numbers hold."""
    if "ad-" not in text:
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _AD_FENCE.match(lines[i])
        if m is None:
            # other fenced code (a ```` ````markdown ```` example of an ad-note): left as it is
            i = _after_fence(lines, i)
            continue
        end = _fence_end(lines, i, m.group("fence"))
        if end is None:
            break  # unclosed: code to the end of the note, as CommonMark reads it
        title, body = "", i + 1
        while body < end and (option := _AD_OPTION.match(lines[body])):
            if option.group("key").lower() == "title":
                title = option.group("value").strip()
            lines[body] = ">"
            body += 1
        lines[i] = f"> [!{m.group('kind')}] {title}".rstrip()
        for j in range(body, end):
            lines[j] = f"> {lines[j]}" if lines[j].strip() else ">"
        lines[end] = ""
        i = end + 1
    return "\n".join(lines)


_RULE_LINE = re.compile(r"^\s*[-=]{3,}\s*$")


def _ruled_tables(text: str) -> str:
    """`forme | emetteur | %` / `-------` / `fiduciaire | banque centrale | 9%`: a table ruled
    the plain-text way (CommonMark would make its header a heading, the title of every card
    after it). The rule becomes a table's delimiter row, so line numbers hold."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    # the front matter's closing `---` is not a rule (`title: A | B` above it)
    first = 1
    if lines[0].strip() == "---":
        first = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0) + 1
    i = 0
    while i < len(lines) - 1:
        if _FENCE_OPEN.match(lines[i]):
            i = _after_fence(lines, i)  # `a | b` / `-----` inside code is code
            continue
        header, rows = lines[i - 1] if i else "", lines[i + 1]
        if i >= first and "|" in header and "|" in rows and _RULE_LINE.match(lines[i]):
            columns = header.strip().strip("|").count("|") + 1
            lines[i] = "|" + "---|" * columns
        i += 1
    return "\n".join(lines)


_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _after_fence(lines: list[str], i: int) -> int:
    """The index after line i: after its whole fenced code block when it opens one."""
    m = _FENCE_OPEN.match(lines[i])
    if m is None:
        return i + 1
    fence = m.group(1)
    if fence[0] == "`" and "`" in lines[i][m.end() :]:
        return i + 1  # ```` ``` ```` with a backtick in its info string is not a fence
    end = _fence_end(lines, i, fence)
    return len(lines) if end is None else end + 1


def _fence_end(lines: list[str], i: int, fence: str) -> int | None:
    """The line that closes the fence opened on line i (as many backticks or tildes or more,
    nothing else), or None: an unclosed fence runs to the end of the note."""
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    return next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)


def parse_note(text: str, *, separators: Separators | None = None, path: str = "") -> Outline:
    """Parse a note's Markdown into an Outline. Never raises on odd input; problems are returned."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as markdown-it counts lines
    text, toml_front = _toml_front_matter(text)
    # the ways students write that CommonMark reads otherwise, fixed line by line (line
    # numbers hold): one split of the note for all of them
    lines = text.split("\n")
    _pasted_front_matter(lines)
    _formulas_on_one_line(lines)
    _headings_as_written(lines)
    text = "\n".join(lines)
    text = _ruled_tables(_admonitions_as_callouts(text))
    tokens = _parser().parse(text)
    blocks, front, deepest = _blocks(tokens)
    converter = _Converter(separators or Separators(), path, text)
    front_data, problems = _front_matter(front, path)
    if toml_front is not None:
        front_data, problems = _parse_toml(toml_front, path)
    if deepest >= MAX_NESTING - 3:
        problems.append(
            Diagnostic(
                path, 0, f"nesting deeper than {MAX_NESTING // 3} levels: deeper lines ignored"
            )
        )
    meta_lines: dict[str, list[str]] = {}
    top = converter.sequence(blocks)
    top.extend(converter.escaped)
    drafts = _metadata(top, meta_lines)
    root = _Draft(NodeKind.DOCUMENT, "", 0, children=_sections(drafts))
    return Outline(
        root=root.freeze(),
        meta=_note_meta(front_data, meta_lines),
        problems=(*problems, *converter.problems),
    )


def walk(node: Node) -> Iterator[tuple[Node, tuple[Node, ...]]]:
    """Every node with its ancestors, in document order (iterative: depth is not a concern)."""
    stack: list[tuple[Node, tuple[Node, ...]]] = [(c, ()) for c in reversed(node.children)]
    while stack:
        current, ancestors = stack.pop()
        yield current, ancestors
        path = (*ancestors, current)
        stack.extend((c, path) for c in reversed(current.children))
