"""Titles that announce a definition or a result: `> [!note] Def. (**Basis**)`,
`### Définition : espace vectoriel`, `> [!abstract] Theorem (Rank–nullity)`. The title names
the thing, the callout's or section's content states it."""

from __future__ import annotations

import re
from typing import Final

from quizgen.extract.base import (
    Draft,
    NodeContext,
    children_pieces,
    detail_of,
    norm_key,
    plain,
    title_of,
)
from quizgen.model import CardKind, NodeKind

_TITLE: Final = re.compile(
    r"^(?P<label>[^\W\d_]+)(?P<dot>\.)?\s*(?:[\d.]+)?\s*(?P<sep>[:\-–—.]\s*)?(?P<name>.*)$"
)
# `Théorème de Pythagore`, `Loi d'Ohm`, `Principle of Least Action`: a named result.
_OF_NAME: Final = re.compile(r"^(?:de|des|du|d['’]|of|the)\s*\S", re.IGNORECASE)
_PAREN: Final = re.compile(r"^\((?P<inner>.+)\)\.?$")


def titled_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind not in (NodeKind.CALLOUT, NodeKind.HEADING) or not node.text.strip():
        return []
    m = _TITLE.match(plain(title_of(node)).strip())
    if m is None:
        return []
    label = m.group("label").lower()
    family = ctx.lang.title_labels.get(label)
    name = m.group("name").strip()
    paren = _PAREN.match(name)
    if paren:
        name = paren.group("inner").strip()
    # The label must clearly announce a name: `Def. (Basis)`, `Définition : X`, `Théorème de
    # Pythagore`; not `Principes fondamentaux de l'optique` (a section about principles).
    announced = paren or m.group("dot") or m.group("sep") or _OF_NAME.match(name)
    if (
        family in (None, "answer", "summary")
        or not announced
        or not name
        or not any(ch.isalpha() for ch in name)
    ):
        return []
    content = tuple(
        c for c in node.children if c.kind in (NodeKind.LINE, NodeKind.ITEM, NodeKind.MATH)
    )
    if not content:
        return []
    if family == "definition":
        template, field, value = "definition", "subject", name
    else:
        template, field, value = "statement", "subject", plain(title_of(node))
    return [
        Draft(
            rule="definition" if family == "definition" else "statement",
            template=template,
            fields={field: value},
            answer=children_pieces(content),
            anchor=(norm_key(name), family),
            kind=CardKind.LIST if len(content) > 1 else CardKind.BASIC,
            detail=detail_of(content[0], ctx) if len(content) == 1 else (),
        )
    ]
