"""Stable card ids, from structural anchors only.

A card's id is a hash of: the note (its title), the heading path, the rule and card kind, and
the concept the card is about (a term, a subject, a parent line, a diagram path). Never the
answer and never the question's wording: editing an answer, fixing a typo in it, rewording a
template, reordering bullets or inserting a card above all keep the id; renaming the concept
makes a new card. Case, accents and punctuation do not count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

ID_BYTES = 8


def anchor_key(note: str, headings: Sequence[str], family: str, anchor: Sequence[str]) -> str:
    return "\x1f".join([note, "\x1e".join(headings), family, *anchor])


def card_id(key: str, occurrence: int = 1) -> str:
    """16 hex digits. `occurrence` tells apart two cards with the same anchors in one note."""
    if occurrence > 1:
        key = f"{key}\x1f#{occurrence}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=ID_BYTES).hexdigest()
