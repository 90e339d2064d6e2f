"""Rule 2: `Term : definition` lines (see separators.py for the spellings), and
`cause -> consequence` lines whose left side is a whole clause."""

from __future__ import annotations

from quizgen.extract.base import (
    Draft,
    NodeContext,
    Piece,
    concept_key,
    detail_of,
    norm_key,
    title_of,
)


def term_rule(ctx: NodeContext) -> list[Draft]:
    split = ctx.term
    if split is None or split.label:
        return []
    parent = ctx.parent
    parent_key = concept_key(parent, ctx.lang) if parent is not None else ""
    detail = detail_of(ctx.node, ctx)
    if split.implication:
        # `On suppose que h est uniforme -> chaque case ...`: the clause asks, the rest answers.
        template = "completion" if split.separator == "colon" else "implication"
        field = "stem" if template == "completion" else "cause"
        stem = f"{split.term} :" if split.separator == "colon" else split.term
        return [
            Draft(
                rule="implication",
                template=template,
                fields={field: stem},
                answer=(Piece(split.definition),),
                anchor=(parent_key, norm_key(split.term)),
                detail=detail,
            )
        ]
    fields = {"term": split.term}
    template = "term_bare"
    if parent is not None and parent.text.strip() and ctx.short(parent):
        fields["parent"] = title_of(parent)
        template = "term"
    return [
        Draft(
            rule="term",
            template=template,
            fields=fields,
            answer=(Piece(split.definition),),
            anchor=(parent_key, norm_key(split.term)),
            detail=detail,
        )
    ]
