"""Rule 7: tables. One column names the thing, the header names the attribute:
| Protocole | Fiable | ... | -> "TCP — Fiable ?" for every cell that says something.

The key column is the first one whose values are all different (a `Gender` column with `Male`
three times names nothing); a table of measurements (mostly numbers) is exercise data, not
something to learn cell by cell."""

from __future__ import annotations

import re
from typing import Final

from quizgen import markup
from quizgen.extract.base import Draft, NodeContext, Piece, norm_key, title_of
from quizgen.model import CardKind, NodeKind

_NUMBER: Final = re.compile(r"^[\s\d.,:%/+×x*^-]*\d[\s\d.,:%/+×x*^hHsSmM-]*$")
MAX_NUMERIC_SHARE: Final = 0.6


def _key_column(header: tuple[str, ...], body: list[tuple[str, ...]]) -> int | None:
    for column in range(min(2, len(header) - 1)):
        values = [norm_key(row[column]) for row in body if column < len(row)]
        if values and all(values) and len(set(values)) == len(values):
            return column
    return 0 if body else None


def table_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind is not NodeKind.TABLE or len(node.rows) < 2:
        return []
    header, *body = node.rows
    if len(header) < 2:
        return []
    key = _key_column(header, body)
    if key is None:
        return []
    if _column_oriented(key, body):
        return _columns(header, body)
    if _marks_only(key, body):
        return _marked(header, body, key)
    cells = [c for row in body for i, c in enumerate(row) if i != key and markup.to_plain(c)]
    numeric = sum(bool(_NUMBER.match(markup.to_plain(c))) for c in cells)
    attributes = [markup.to_plain(h) for i, h in enumerate(header) if i != key]
    coded = sum(len(a) <= 4 and " " not in a for a in attributes) * 2 > len(attributes)
    if cells and numeric / len(cells) > MAX_NUMERIC_SHARE and coded:
        # `| | M1 | M2 |` filled with hours: an exercise's data, not facts to learn cell by cell
        ctx.note("a table of numbers under coded headers (exercise data)")
        return []
    # Two tables of one section with the same columns (`yo — Conj. Ending?` for two verbs) are
    # told apart by the line that introduces each (`Example with Hablar:`).
    intro = ctx.parent if ctx.parent is not None and ctx.parent.kind is NodeKind.LINE else None
    drafts: list[Draft] = []
    for row in body:
        name = row[key] if key < len(row) else ""
        if not markup.has_content(name) or markup.is_media_only(name):
            continue  # an image names nothing a question can show
        for column in range(min(len(row), len(header))):
            if column == key:
                continue
            attribute, cell = header[column], row[column]
            if not markup.has_content(attribute) or not markup.to_plain(cell).strip(" -–—"):
                continue
            drafts.append(
                Draft(
                    rule="table",
                    template="table_in" if intro is not None else "table",
                    fields={"key": name, "attribute": attribute}
                    | ({"parent": title_of(intro)} if intro is not None else {}),
                    answer=(Piece(cell),),
                    anchor=(norm_key(header[key]), norm_key(name), norm_key(attribute)),
                )
            )
    return drafts


# `| Stop | x | | x |`: a tick says "this one", a blank or a cross "not this one".
_TICKS: Final = frozenset({"x", "✓", "✔", "✔️", "✅", "☑", "•", "●", "+", "yes", "oui", "y", "o"})
_CROSSES: Final = frozenset({"", "✗", "✘", "❌", "no", "non", "n", "-", "–", "—"})


def _tick(cell: str) -> str:
    return markup.to_plain(cell).strip(" *_").lower()


def _marks_only(key: int, body: list[tuple[str, ...]]) -> bool:
    """A table of ticks (features marked `x`): each cell alone asks "Stop — Obstruent? x"."""
    cells = [_tick(c) for row in body for i, c in enumerate(row) if i != key]
    return any(c in _TICKS for c in cells) and all(c in _TICKS or c in _CROSSES for c in cells)


def _marked(header: tuple[str, ...], body: list[tuple[str, ...]], key: int) -> list[Draft]:
    """One card a row: which of the columns its ticks mark (`Stop: which of Obstruent, ...? ->
    Obstruent, Noncontinuant`)."""
    columns = [i for i in range(len(header)) if i != key and markup.has_content(header[i])]
    options = ", ".join(markup.to_plain(header[i]).strip() for i in columns)
    drafts: list[Draft] = []
    for row in body:
        name = row[key] if key < len(row) else ""
        marked = [header[i] for i in columns if i < len(row) and _tick(row[i]) in _TICKS]
        if not markup.has_content(name) or not marked:
            continue
        answer = tuple(Piece(m) for m in marked)
        anchor = (norm_key(header[key]), norm_key(name), "marks")
        fields = {"key": name, "attributes": options}
        drafts.append(_gathered("table_marks", fields, answer, anchor, listed=True))
    return drafts


def _gathered(
    template: str,
    fields: dict[str, str],
    answer: tuple[Piece, ...],
    anchor: tuple[str, ...],
    *,
    listed: bool,
) -> Draft:
    """A card whose answer gathers several cells: a list of them, or (a column's name, image
    and description) one answer in parts."""
    kind = CardKind.LIST if listed and len(answer) > 1 else CardKind.BASIC
    return Draft(
        rule="table", template=template, fields=fields, answer=answer, anchor=anchor, kind=kind
    )


LONG_KEY_WORDS: Final = 8


def _column_oriented(key: int, body: list[tuple[str, ...]]) -> bool:
    """`| **1. Carbon atoms** | **2. Hydrogen atoms** |` over rows of images, examples and
    sentences: the headers are the things, the first column names nothing."""
    keys = [row[key] for row in body if key < len(row) and markup.has_content(row[key])]
    odd = sum(
        markup.is_media_only(k) or len(markup.to_plain(k).split()) > LONG_KEY_WORDS for k in keys
    )
    return bool(keys) and 2 * odd > len(keys)


def _columns(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[Draft]:
    """One card per header: what its column says (images left out)."""
    drafts: list[Draft] = []
    for column, name in enumerate(header):
        cells = tuple(
            Piece(row[column])
            for row in body
            if column < len(row)
            and markup.has_content(row[column])
            and not markup.is_media_only(row[column])
        )
        if not markup.has_content(name) or not cells:
            continue
        anchor = (norm_key(name), "column")
        drafts.append(_gathered("detail", {"parent": name}, cells, anchor, listed=False))
    return drafts
