"""Rule 5: acronyms, both ways round: `Error Correction Code (ECC)`, `ECC (Error Correction Code)`,
`TCP(Transmission Control Protocol)`. The long form must spell the acronym (skipping small words
like `of`, `de`), so `(aussi appelé dictionnaire)` or `(process ID 1)` are left alone."""

from __future__ import annotations

import re
from typing import Final

from quizgen import markup
from quizgen.extract.base import Draft, NodeContext, Piece, norm_key, plain
from quizgen.extract.sentences import split_sentences
from quizgen.lang import Language
from quizgen.model import NodeKind

_ACRONYM: Final = r"[A-Z][A-Za-z0-9&]{1,9}"
_IN_PARENS = re.compile(r"\((?P<acr>" + _ACRONYM + r")\)")
_SHORT_THEN_LONG = re.compile(r"(?<![\w-])(?P<acr>" + _ACRONYM + r")\s*\((?P<long>[^()]{3,150})\)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_KINDS: Final = frozenset({NodeKind.LINE, NodeKind.ITEM, NodeKind.HEADING, NodeKind.CALLOUT})


def _letters(acronym: str) -> str:
    return "".join(ch for ch in acronym.lower() if ch.isalpha())


def _spells(acronym: str, words: list[str], fillers: frozenset[str]) -> int | None:
    """Do `words` spell `acronym`? Each word gives its initial and may give more letters found
    in order inside it (`HyperText` -> HT, `IP` -> IP); small words (`de`, `of`) may give
    nothing. Returns how many letters small words had to give (fewer is a better reading),
    or None when the words do not spell it."""
    letters = _letters(acronym)
    if len(letters) < 2 or not words:
        return None

    def match(i: int, w: int) -> int | None:
        if w == len(words):
            return 0 if i == len(letters) else None
        word = words[w].lower().replace("’", "'").split("'")[-1] or words[w].lower()
        small = word in fillers or words[w].lower() in fillers
        best = match(i, w + 1) if small else None
        if i >= len(letters) or word[:1] != letters[i]:
            return best
        # the initial, then optionally more letters of the acronym inside the same word
        j, pos = i + 1, 1
        options = [j]
        while j < len(letters):
            found = word.find(letters[j], pos)
            if found < 0:
                break
            j, pos = j + 1, found + 1
            options.append(j)
        for k in reversed(options):
            rest = match(k, w + 1)
            if rest is not None:
                cost = rest + (k - i if small else 0)
                best = cost if best is None else min(best, cost)
        return best

    return match(0, 0)


def _long_form_before(before: str, acronym: str, fillers: frozenset[str]) -> str | None:
    words = [m.group(0) for m in _WORD.finditer(before)]
    limit = min(len(words), len(_letters(acronym)) + 4)
    best: tuple[int, int] | None = None  # (small-word letters, -k)
    for k in range(1, limit + 1):
        candidate = words[-k:]
        if candidate[0].lower() in fillers:
            continue
        cost = _spells(acronym, candidate, fillers)
        if cost is not None and (best is None or (cost, -k) < best):
            best = (cost, -k)
    if best is None:
        return None
    candidate = words[best[1] :]
    start = before.rfind(candidate[0], 0, len(before) - len(" ".join(candidate[1:])))
    return before[start:].strip() if start >= 0 else " ".join(candidate)


def _capitals(acronym: str) -> bool:
    return sum(ch.isupper() for ch in acronym) >= 2


def find_acronyms(text: str, lang: Language) -> list[tuple[str, str]]:
    """(acronym, long form) pairs defined in `text` (plain text)."""
    found: list[tuple[str, str]] = []
    for m in _SHORT_THEN_LONG.finditer(text):
        acronym, long = m.group("acr"), m.group("long").strip()
        words = [w.group(0) for w in _WORD.finditer(long)]
        if len(words) < 2:
            continue  # `SQL (SQLi)`: another abbreviation, not what SQL stands for
        if _capitals(acronym) and _spells(acronym, words, lang.acronym_fillers) is not None:
            found.append((acronym, long))
    end = 0
    for m in _IN_PARENS.finditer(text):
        # the long form comes from the words since the last bracket or acronym (a lazy
        # `[^()]*?` in front of the pattern would rescan the line from every position)
        start = max(end, text.rfind("(", 0, m.start()) + 1, text.rfind(")", 0, m.start()) + 1)
        end = m.end()
        acronym = m.group("acr")
        if not _capitals(acronym) or any(a == acronym for a, _ in found):
            continue
        before = text[start : m.start()].rstrip()
        long = _long_form_before(before, acronym, lang.acronym_fillers)
        if long and long.lower() != acronym.lower():
            found.append((acronym, long))
    return found


def acronym_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind not in _KINDS or ctx.skip_reason or "(" not in node.text:
        return []
    text = plain(node.text)
    drafts = []
    for acronym, long in find_acronyms(text, ctx.lang):
        drafts.append(
            Draft(
                rule="acronym",
                template="acronym",
                fields={"acronym": acronym},
                answer=(Piece(long),),
                anchor=(norm_key(acronym),),
                # The rest of the line as context, unless another card of the line asks it.
                detail=() if ctx.term is not None else _what_it_is(ctx, text, acronym, long),
            )
        )
    return drafts


def _what_it_is(ctx: NodeContext, text: str, acronym: str, long: str) -> tuple[Piece, ...]:
    """What the line says about the thing. `Error Correction Code(ECC) Rams, technologie ...`
    starts with it: the rest of the line. A paragraph sentence that uses it (`... une adresse
    APIPA (Automatic ...) en 169.254.0.0/16.`): that sentence, the expansion left out. A list
    item that uses it is recited by its list; `On l'appelle aussi MLD` says nothing."""
    pattern = (
        re.escape(long) + r"\s*\(\s*" + re.escape(acronym) + r"\s*\)"
        + "|" + re.escape(acronym) + r"\s*\(\s*" + re.escape(long) + r"\s*\)"
    )  # fmt: skip
    m = re.search(pattern, text)
    if m is None:
        return ()
    if len(text[: m.start()].split()) <= 1:
        rest = text[m.end() :].strip(" ,;:-–—")
    elif ctx.node.kind is not NodeKind.LINE:
        return ()  # an item is recited by its list; a heading's words are a title
    else:
        start, end = next(
            ((a, b) for a, b in split_sentences(text) if a <= m.start() < b), (0, len(text))
        )
        rest = f"{text[start : m.start()]}{acronym}{text[m.end() : end]}".strip()
        first = re.match(r"[^\s']*'?", rest.lower().replace("’", "'"))
        if first and first.group(0) in ctx.lang.pronouns:  # `On l'appelle`, `C'est`, `It is`
            return ()
    return (Piece(rest),) if markup.has_content(rest) and len(rest.split()) >= 2 else ()
