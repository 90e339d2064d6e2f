"""Quotations with their author: `"La conscience règne mais ne gouverne pas" (Paul Valéry)`,
`L'homme est condamné à être libre. Sartre` -> "Qui a dit : « ... » ?" -> Sartre. What a
philosophy or literature student learns is who said it; the sentence rules leave a quotation
alone (its first words are no subject)."""

from __future__ import annotations

import re
from typing import Final

from quizgen.extract.base import Draft, NodeContext, Piece, norm_key, plain
from quizgen.lang import every_language
from quizgen.model import NodeKind

# A name: one to four capitalised words, with the particles names carry (`Simone de Beauvoir`,
# `J.-P. Sartre`, `Van't Hoff`).
_NAME: Final = (
    r"(?P<author>[A-Z][\w.'’-]*"
    r"(?:\s+(?:(?:de|du|des|d'|von|van|der|le|la)\s+)?[A-Z][\w.'’-]*){0,3})"
)
_QUOTED: Final = re.compile(
    r'^[«"“„]\s*(?P<quote>[^«»"“”„]+?)\s*[»"”]\s*[,.]?\s*'
    r"(?:\(\s*" + _NAME + r"\s*\)|[-—–]\s*" + _NAME.replace("author", "author2") + r")\s*\.?$"
)
# `La conscience règne, mais ne gouverne pas. (Paul Valéry)` / `... être libre. Sartre`
_SIGNED: Final = re.compile(
    r"^(?P<quote>[^«»\"“”„()]+?[.!?])\s*(?:\(\s*"
    + _NAME
    + r"\s*\)|"
    + _NAME.replace("author", "author2")
    + r")\s*$"
)
MIN_QUOTE_WORDS: Final = 3
MAX_QUOTATION_CHARS: Final = 600  # a quotation fits a few lines; longer text is not tried
MAX_AUTHOR_CHARS: Final = 40


def quotation_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind not in (NodeKind.LINE, NodeKind.ITEM) or node.children:
        return []
    text = plain(node.text).strip()
    if len(text) > MAX_QUOTATION_CHARS:
        return []
    m = _QUOTED.match(text) or _SIGNED.match(text)
    if m is None:
        return []
    quote = m.group("quote").strip()
    author = (m.group("author") or m.group("author2") or "").strip()
    if len(quote.split()) < MIN_QUOTE_WORDS or not author or len(author) > MAX_AUTHOR_CHARS:
        return []
    if m.re is _SIGNED and node.info != "quote":
        return []  # `... an external force. Inertia.`, `... acid. (DNA)`: not in a `> ` quote
    if author.replace(".", "").isupper():
        return []  # `(DNA)`, `(INSEE)`: an acronym, not an author
    if not _looks_like_name(author, ctx):
        return []  # `Il existe trois types. Voir Figure`, `"Acts ..." (Barbarism)`: no author
    return [
        Draft(
            rule="quotation",
            template="quotation",
            fields={"quote": quote.rstrip(" .") if m.re is _SIGNED else quote},
            answer=(Piece(author),),
            anchor=(norm_key(quote)[:80],),
        )
    ]


def _looks_like_name(author: str, ctx: NodeContext) -> bool:
    """`Sartre`, `Simone de Beauvoir`: capitalised words that are no label, pointer or word of
    the language (`Voir Figure`, `Note`, `Exemple`)."""
    common = every_language("labels") | every_language("pointers") | ctx.lang.stopwords
    names = [w.lower().strip(".") for w in author.split() if w[:1].isupper()]
    if len(names) == 1 and names[0].endswith(_ABSTRACT_ENDINGS):
        return False  # `Barbarism`, `Liberté`: the term a quoted definition defines
    return bool(names) and all(w not in common for w in names)


# Abstract nouns end so; names seldom do.
_ABSTRACT_ENDINGS: Final = (
    "ism",
    "isme",
    "ity",
    "ité",
    "tion",
    "sion",
    "ness",
    "ment",
    "ence",
    "ance",
)
