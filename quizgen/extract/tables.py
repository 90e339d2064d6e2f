"""Rule 7: tables. The first column names the thing, the header names the attribute:
| Protocole | Fiable | ... | -> "TCP — Fiable ?" for every cell that says something."""

from __future__ import annotations

from quizgen import markup
from quizgen.extract.base import Draft, NodeContext, Piece, norm_key
from quizgen.model import NodeKind


def table_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind is not NodeKind.TABLE or len(node.rows) < 2:
        return []
    header, *body = node.rows
    if len(header) < 2:
        return []
    drafts: list[Draft] = []
    for row in body:
        key = row[0] if row else ""
        if not markup.has_content(key):
            continue
        for column in range(1, min(len(row), len(header))):
            attribute, cell = header[column], row[column]
            if not markup.has_content(attribute) or not markup.to_plain(cell).strip(" -–—"):
                continue
            drafts.append(
                Draft(
                    rule="table",
                    template="table",
                    fields={"key": key, "attribute": attribute},
                    answer=(Piece(cell),),
                    anchor=(norm_key(header[0]), norm_key(key), norm_key(attribute)),
                )
            )
    return drafts
