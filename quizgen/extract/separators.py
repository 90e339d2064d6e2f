"""Where a `Term : definition` line splits, in all its spellings: `Term: def`, `**Term**: def`,
`**Term** - def`, `Term = def`, `cause -> consequence`; and which lines only look like it
(`10:30`, `std::vector`, URLs, `Remarque :` labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from quizgen import markup
from quizgen.extract.sentences import EDITORIAL, asks, find_verb, tokenize, unwrap_long_emphasis
from quizgen.lang import Language

MAX_TERM_WORDS: Final = 6
# A term, or a cause before its arrow, is said within this many characters; looking further
# into a 20,000-character line (an unclosed formula) would make each line quadratic.
MAX_SPLIT_AT: Final = 400


@dataclass(frozen=True, slots=True)
class TermSplit:
    """`Term : definition`, `**Term** - definition`, `A -> B`..."""

    term: str
    definition: str
    separator: str  # colon | dash | equals | arrow
    label: bool  # the "term" is a label (`Remarque :`): the rest is a plain sentence
    implication: bool  # the left side is a clause, not a term (`X est Y -> donc Z`)


def _words(text: str) -> int:
    return len(markup.to_plain(text).split())


# Separators, found in masked text (so never inside code, math, links or URLs). A colon needs
# white space after it: `10:30`, `std::vector`, `http://` are not definitions.
_SEPARATOR = re.compile(
    r"(?P<colon>(?<![:：])\s*[:：](?![:：])(?=\s+\S))"
    r"|(?P<dash>\s+(?:-{1,2}|[–—])\s+(?=\S))"
    r"|(?P<equals>\s+=\s+(?=\S))"
    r"|(?P<arrow>\s*(?:-->|->|=>|→|⇒|⟶)\s*(?=\S))"
)
# Every separator holds one of these; most lines have none, and finditer would try the
# alternation (which starts with optional white space) at every position.
_SEPARATOR_CHARS: Final = re.compile(r"[:：=\-–—→⇒⟶]")
_PRIORITY: Final = ("colon", "arrow", "equals", "dash")
_STRESS: Final = frozenset({"bold", "bolditalic", "highlight"})
_BOLD_LABEL: Final = re.compile(r"^(\*\*|__)(?P<term>[^*_]+?)\s*[:：]\s*\1\s+(?=\S)")
_BOLD_LEAD: Final = re.compile(r"^(\*\*|__)(?P<term>[^*_:：]{2,60}?)\1\.?\s+(?=[A-ZÀ-ÖØ-Þ])")
_NUMERIC: Final = re.compile(r"^[\d\s.,:/%+-]+$")
MAX_DASH_TERM_WORDS: Final = 4


def _has_verb(text: str, lang: Language) -> bool:
    """Is the left side a clause rather than a name? It has a copula or an auxiliary after its
    first word (`h est uniforme`), or it is long enough for a verb in it to be one
    (`blocking send`, `Type 1`, `première adresse` are names)."""
    tokens = tokenize(markup.mask(text), lang, text)
    if len(tokens) < 2:
        return False
    verb = find_verb(tokens, 0, lang)
    if verb is None or verb == 0:
        return False
    word = tokens[verb].word
    strong = word in lang.copulas or word in lang.auxiliaries or word in lang.negations
    return strong or len(tokens) >= 4


_NUMBERED = re.compile(r"\s+(?:n[°o]\.?\s*|#\s*)?(?:\d+|[ivx]+)\.?$")
_BRACKETED_TOKEN = re.compile(r"^\s*[\[(]\s*[^\s\[\]()]+\s*[\])]\s*$")
_IMPLIES = re.compile(r"=>|⇒")
_ARROW = re.compile(r"-->|->|=>|→|⇒|⟶")
_COMPARES = re.compile(r"[<>≤≥≠=]")
_SYMBOL = re.compile(r"[A-Za-z0-9]{1,2}")


def _between_numbers(text: str, m: re.Match[str]) -> bool:
    """`3 : 4`, `10 - 12`: a ratio or a range; `X → Y`: notation. Not definitions."""
    before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
    if before[-1:].isdigit() and after[:1].isdigit():
        return True
    last = (before.rsplit(None, 1)[-1] if before.strip() else "").lstrip("([")
    first = (after.split(None, 1)[0] if after.strip() else "").rstrip(".,;:!?)]")
    return bool(m.lastgroup == "arrow" and _SYMBOL.fullmatch(last) and _SYMBOL.fullmatch(first))


# A definition that only points elsewhere: a slide, a page, a link, an e-mail address.
POINTER_ONLY = re.compile(
    r"^(?:slides?|diapos?|diapositives?|p\.|pp\.|pages?|chap\.?|chapitre|voir|see|cf\.?)\s*[\d,\s-]*$"
    r"|^[\w.+-]+@[\w-]+\.[\w.-]+$|^(?:https?|ftp)://\S+$",
    re.IGNORECASE,
)
_WRAPPED = re.compile(r"^(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1$")


def _unwrap(text: str) -> str:
    """`*Stevenson --> Manufacturer*`: a whole line in italics is read without them."""
    m = _WRAPPED.match(text.strip())
    return (
        m.group(2) if m and not re.search(r"(?<!\\)" + re.escape(m.group(1)), m.group(2)) else text
    )


@lru_cache(maxsize=1 << 14)
def _in_brackets(masked: str, at: int) -> bool:
    """`on dit que B dépend de A (A → B) si ...`: an arrow in brackets is notation."""
    before = masked[:at]
    return before.count("(") > before.count(")") or before.count("[") > before.count("]")


# `#adoubement: cérémonie ...`: a glossary whose terms are also tags.
_TAG_TERM = re.compile(r"^#([^\W\d][\w/-]*)(?=\s*[:：])")


_DASHES = re.compile(r"\s[-–—]\s")


def _pair_of_names(left: str, right: str) -> bool:
    """One capitalised word on each side of a dash (`Cytosine - Guanine`, `Thymine -
    Adénine`): a pair, as base pairs or opposites are written."""
    a, b = markup.to_plain(left).strip(" *_"), markup.to_plain(right).strip(" *_.")
    return (
        len(a.split()) == 1 and len(b.split()) == 1 and a[:1].isupper() and b[:1].isupper()
        and a.isalpha() and b.isalpha()
    )  # fmt: skip


@lru_cache(maxsize=1 << 14)  # a line's split is asked by its own rules and by its siblings'
def split_term(text: str, lang: Language) -> TermSplit | None:
    """Split a line at its term separator, or None when it is not a `term: definition` line.

    Candidates go strongest separator first (colon, arrow, equals, dash), then left to right;
    the first that gives a real term (short, not a clause) wins, else the first that gives a
    cause -> consequence line. In `pH = 7 : neutre` the colon splits, in
    `Rm = recette ... Rm > 0 → ...` the `=` does."""
    if EDITORIAL.match(text.strip()):
        return None  # `[à compléter : la variance]`: a note to oneself
    text = _TAG_TERM.sub(r"\1", unwrap_long_emphasis(_unwrap(text)))
    m = _BOLD_LABEL.match(text)
    if m:  # `**Note:** ...`
        return _judge(m.group("term"), text[m.end() :], "colon", lang, text)
    m = _BOLD_LEAD.match(text)
    if m and len(m.group("term").split()) <= MAX_DASH_TERM_WORDS:
        # `**Decision** The Supreme Court unanimously ruled ...`, `**Trouble de consolidation**. Une
        # information ...`: a bold name, then its sentence
        split = _judge(m.group("term"), text[m.end() :], "colon", lang, text)
        if split is not None and not split.implication:
            return split
    masked = markup.mask(text)
    if _SEPARATOR_CHARS.search(masked) is None:
        return None
    if is_admin_line(text, lang):
        return None  # `Reading: Same Stats, Different Graphs: ...`: a reference, whole
    # `**actif = passif** c'est une règle ...`: a separator inside bold is part of what is
    # stressed, not where a term ends
    stressed = [(s.start, s.end) for s in markup.spans(text) if s.kind in _STRESS]
    found = [
        (m.lastgroup or "", m)
        for m in _SEPARATOR.finditer(masked, 0, MAX_SPLIT_AT)
        if m.start() > 0
        and not _between_numbers(masked, m)
        and not _in_brackets(masked, m.start())
        and not any(a < m.start() < b for a, b in stressed)
    ]
    dashes = sum(1 for kind, _ in found if kind == "dash")
    fallback: TermSplit | None = None
    enumeration = dashes > 1 and all(
        _words(part) <= 3 for part in _DASHES.split(masked) if part.strip()
    )
    for separator, m in sorted(found, key=lambda f: (_PRIORITY.index(f[0]), f[1].start())):
        if separator == "dash" and dashes > 1 and (_words(text[: m.start()]) > 2 or enumeration):
            continue  # `127k tués - 50k morts`, `Rougeur – Chaleur – Tuméfaction`: a list
        if separator == "dash" and _pair_of_names(text[: m.start()], text[m.end() :]):
            continue  # `Cytosine - Guanine`: two of a kind side by side, not a definition
        split = _judge(text[: m.start()].strip(), text[m.end() :].strip(), separator, lang, text)
        if split is None:
            continue
        if not split.implication or separator == "arrow":
            return split  # `pH = pKa -> [AH] = [A⁻]`: the arrow is the line's structure
        fallback = fallback or split
    return fallback


@lru_cache(maxsize=8)
def _attributions(lang: Language) -> tuple[str, ...]:
    return tuple(f"{a} " for a in lang.attributions)


def lead_key(text: str) -> str:
    """What leads a line: the words before its first colon (all of them without one), lower
    case, emphasis dropped (`**Note** : ...` -> `note`)."""
    return markup.to_plain(text).split(":", 1)[0].strip(" *_").lower()


def is_admin_line(text: str, lang: Language) -> bool:
    """`Email: ...`, `Reading: ...`: the course's admin or a reference, not knowledge."""
    return ":" in text and lead_key(text) in lang.admin_keys


def unnumbered(name: str) -> str:
    """`exemple 2` -> `exemple`, `cas n°3` -> `cas`."""
    return _NUMBERED.sub("", name)


def is_slot(label: str, lang: Language) -> bool:
    """`Cas n°1`, `Step 2`, `Partie II`: a numbered slot of a worksheet or a procedure."""
    name = markup.to_plain(label).strip("*_ ").lower()
    key = unnumbered(name)
    return key != name and key in lang.scaffold_words


def is_attribution(label: str, lang: Language) -> bool:
    """`Selon Durkheim`, `According to Keynes`: who says what follows."""
    return markup.to_plain(label).lower().replace("’", "'").startswith(_attributions(lang))


def _judge(
    term: str, definition: str, separator: str, lang: Language, text: str
) -> TermSplit | None:
    term_plain, definition_plain = markup.to_plain(term), markup.to_plain(definition)
    if not markup.has_content(definition) or not markup.has_content(term):
        return None
    if _NUMERIC.match(term_plain) and _NUMERIC.match(definition_plain.split(" ")[0] or "x"):
        return None  # `10 : 30`, `2021 - 2022`
    if not any(ch.isalpha() for ch in term_plain):
        return None  # `1 - Action conforme au devoir`: a number, not a name
    key = unnumbered(term_plain.strip("*_ ").lower())  # `Claim 1`, `Exemple 2`
    if key in lang.labels or is_slot(term, lang) or is_attribution(key, lang):
        # `careful: X -> Y`: past the label, the rest may be a term or a cause -> effect line.
        inner = split_term(definition, lang)
        if inner is not None and not inner.label:
            return inner
        return TermSplit(term, definition, separator, label=True, implication=False)
    if key in lang.admin_keys or POINTER_ONLY.match(definition_plain.strip()):
        return None  # `Email: x@y.z`, `Inflation: Slide 32 - 33`: not knowledge
    if markup.is_link_only(definition):
        return None  # `De : [[index]]`: navigation
    if _BRACKETED_TOKEN.match(definition_plain) or _BRACKETED_TOKEN.match(term_plain):
        return None  # `attached: [powerpoint]`, `[powerpoint]: (/slides/x.pptx)`: references
    n = _words(term)
    if separator == "dash" and n > MAX_DASH_TERM_WORDS:
        return None  # a dash inside prose is an aside, not a definition
    first = term_plain.split(" ", 1)[0].lower()
    if first in lang.suppositions:
        return None  # `Supposons V = cst`, `Let x = 2`: a hypothesis being set up
    if separator != "arrow" and (
        any((first,) == p for p in lang.subordinators) or (first in lang.prepositions and n >= 2)
    ):
        return None  # `Si Cm = 0, ...`, `In Greece -- communist rebellion`: not a name
    if asks(definition_plain) and not asks(term_plain) and separator != "equals":
        return None  # `Desire accounts: what are true preferences?`: a question, asked as one
    lead = definition_plain.split(" ", 1)[0].lower()
    if any((lead,) == p for p in lang.coordinators):
        return None  # `Direct, clear implications -- but implausible`: a contrast
    implication = (
        n > MAX_TERM_WORDS
        or _has_verb(term, lang)
        # `protein => amino acid`, `pH < pKa -> la forme acide prédomine`: gives, not names
        or (separator == "arrow" and bool(_IMPLIES.search(text) or _COMPARES.search(term)))
        or (separator == "arrow" and _ARROW.search(definition) is not None)  # A → B → C
    )
    if implication and separator in {"dash", "equals"}:
        return None
    if separator in {"dash", "equals"} and n > 1 and first in lang.infinitives:
        return None  # `tracer pH = f(V)`: a step to do, not a name being defined
    formula = definition.lstrip(" *_").startswith("$")  # `linéaire = $h(k,i) = ...$` names it
    chained = _CHAINED.match(definition_plain) or _RELATION.search(term_plain)
    if separator == "equals" and chained and not formula:
        return None  # `P = MR = MC`, `P > MR = MC`: a chain of relations, not a name and its value
    return TermSplit(term, definition, separator, label=False, implication=implication)


_RELATION = re.compile(r"(?<![<>!=])=(?!=)|[<>≤≥]")
# a relation within the value's first three words (`MR = MC`), not `marché où ... (=ACPA)`
_CHAINED = re.compile(r"^\s*[^\s=<>≤≥]+(?:\s+[^\s=<>≤≥]+){0,2}\s*(?:(?<![<>!=])=(?!=)|[<>≤≥])")

# A namespace-like identifier right before `::` (`std`, `np`, `os`, `boost`, `my_ns`).
_SCOPE = re.compile(r"(?<![\w])(?:[a-z][a-z0-9]{0,4}|[a-z0-9]*_[a-z0-9_]*)$")


def is_code_scope(question: str, answer: str) -> bool:
    """`In C++, std::vector is a dynamic array`: a `::` glued inside running prose (a sentence
    on both sides, lower-case identifiers touching it) is code, not a `Question::Answer` card."""
    glued = bool(question) and not question[-1].isspace() and not answer[:1].isspace()
    left_prose = " " in question.strip() and bool(_SCOPE.search(question))
    right_prose = " " in answer.strip() and answer[:1].islower()
    return glued and left_prose and right_prose
