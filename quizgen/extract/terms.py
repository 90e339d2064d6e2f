"""Rule 2: `Term : definition` lines (see separators.py for the spellings), and
`cause -> consequence` lines whose left side is a whole clause."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from quizgen import markup
from quizgen.extract.acronyms import find_acronyms
from quizgen.extract.base import (
    EXAMPLE_OPENER,
    TEXT_KINDS,
    Draft,
    NodeContext,
    Piece,
    clauses_of,
    concept_key,
    detail_of,
    is_generic,
    label_family,
    norm_key,
    per_parent,
    plain,
    qualified_title,
    remark_fields,
    title_of,
    words,
)
from quizgen.extract.sentences import STRONG_KINDS, asks, is_date
from quizgen.extract.separators import MAX_TERM_WORDS, POINTER_ONLY, is_slot, lead_key, split_term
from quizgen.lang import Language, every_language
from quizgen.model import Node, NodeKind

MAX_DETAIL = 3


def _name_of(parent: Node, ctx: NodeContext) -> str:
    """How to name the parent in a term's question: its title when that names a thing, or its
    own term (`Liberté contractuelle : chacun est libre ...` -> `Liberté contractuelle`)."""
    if parent.kind in (NodeKind.ITEM, NodeKind.LINE):
        split = split_term(parent.text, ctx.lang)
        if split is not None and not split.label and not split.implication:
            return split.term
    if _names_a_thing(parent, ctx):
        # `### Avantages` > `- Rapidité : ...`: "Modèle OSI — Avantages : que désigne ... ?"
        return qualified_title(parent, ctx, ctx.ancestors[:-1])
    return ""


def _names_a_thing(parent: Node, ctx: NodeContext) -> bool:
    """A parent worth naming in the question: short, a name (no verb), not a letter or a label."""
    text = plain(title_of(parent))
    if sum(ch.isalnum() for ch in text) < 3 or not ctx.short(parent):
        return False
    if asks(text):
        return False  # `### What is GDP?` > `GDP = ...`: the question asks it already
    if text.lower().strip(" :") in ctx.lang.labels | ctx.lang.glossary_titles:
        return False
    return not any(c.kind != "fragment" for _, c in clauses_of(parent.text, ctx.lang)) or (
        parent.kind is NodeKind.HEADING
    )


def _is_clause(text: str, ctx: NodeContext) -> bool:
    """Has the definition a subject and a conjugated verb of its own (`changes can affect ...`),
    rather than being a noun phrase (`an isolated process sharing the kernel`)?"""
    words = plain(text).lower().split()
    if len(words) < 3 or not any(w.strip(".,;:!?") in ctx.lang.verb_forms for w in words[1:5]):
        return False  # no verb where a clause would have it: a name or a noun phrase
    for _, c in clauses_of(text, ctx.lang):
        if c.kind not in {"completion", "definition", "called"} or not c.subject:
            continue
        verb = c.predicate.split(" ", 1)[0].lower().strip(".,;:")
        if len(c.subject.split()) <= 3 and verb not in ctx.lang.base_forms:
            return not text.lstrip()[:1].isdigit()
    return False


def _is_date(text: str, ctx: NodeContext) -> bool:
    return is_date(plain(text), ctx.lang)


def _defines(term: str, definition: str, ctx: NodeContext) -> bool:
    """Does `term : definition` say what the term is (`normal good -> demand increases when
    ...`, `TCP : un protocole ...`) rather than give a value of a named thing (`Catalase:
    negative`, `Haïti : guerre des gangs`, `James Hutton : 1795`)? A value is a number or a
    date, or a few words without an article after a capitalised name."""
    text = plain(definition).lower().replace("’", "'")
    words_ = text.split()
    if not words_ or _VALUE.match(text):
        return not words_
    parts = text.rstrip(".;").split(",")
    if len(parts) >= 3 and all(len(part.split()) <= 3 for part in parts):
        return False  # `Allergies: drugs, food, tape, latex`: what it lists, not what it is
    first = words_[0]
    lang = ctx.lang
    # every language's: notes mix them (`nonpolar = more rapidly` in a French note)
    # `It is the process that ...` defines; `Il est toujours possible de ...` does not
    restated = len(words_) > 2 and words_[1] in lang.copulas and words_[2] in lang.articles
    if (first in lang.personal_pronouns and not restated) or norm_key(term) in every_language(
        "answer_words"
    ):
        return False  # `Les mineurs: ils sont incapables ...`, `Y: separate phonemes`
    if first in every_language("comparatives") and len(words_) <= COMPARISON_WORDS:
        return False  # `nonpolar = more rapidly`: how it compares, not what it is
    article = first in ctx.lang.articles or first.split("'")[0] + "'" in ctx.lang.articles
    name = plain(term).strip(" *_`")
    capitalised = name[:1].isupper()
    return article or len(words_) > 4 or not capitalised


COMPARISON_WORDS = 3
EXAMPLE_NAME_WORDS = 3  # `e.g Chicago: Ann` is an example; `Ex. conditions négatives : ...` a name
_VALUE = re.compile(r"^[\divxlcm\s.,:/%°+-]+$")  # `1795`, `XIII`, `5 %`, `10:30`


def _repeated_term(ctx: NodeContext, term: str) -> bool:
    """`D - descendre`, `R - rentrer`, `M - monter`, `R - retourner`, ...: one letter per line,
    letters coming back: an acrostic (a mnemonic), not a glossary of symbols."""
    if ctx.parent is None:
        return False
    lang = ctx.lang
    acrostic = per_parent(ctx.parent, f"acrostic-{lang.code}", lambda p: _is_acrostic(p, lang))
    # `s - displacement`, `u - initial velocity`: symbols, each defined once, are a glossary
    return acrostic and len(norm_key(term)) == 1


def _is_acrostic(parent: Node, lang: Language) -> bool:
    """Three or more one-letter terms under `parent`, a letter coming back, each line's word
    starting with its letter (`R - rentrer`): a mnemonic. `U = tension`, `U = RI` are not."""
    letters: Counter[str] = Counter()
    initials = 0
    for sibling in parent.children:
        if sibling.kind in (NodeKind.ITEM, NodeKind.LINE):
            split = split_term(sibling.text, lang)
            key = norm_key(split.term) if split is not None and not split.label else ""
            if len(key) == 1 and split is not None:
                letters[key] += 1
                initials += norm_key(split.definition)[:1] == key
    total = sum(letters.values())
    return total >= 3 and any(n > 1 for n in letters.values()) and initials >= 0.75 * total


def term_rule(ctx: NodeContext) -> list[Draft]:
    split = ctx.term
    if split is None or split.label:
        return []
    if plain(split.definition).strip(" *_:.").lower() in ctx.lang.labels and ctx.node.children:
        return []  # `Pluralisme : définition` over the definition: a lead-in, asked by its lines
    opener = EXAMPLE_OPENER.match(plain(split.term))
    if opener and split.separator == "arrow":
        # `e.g I saw him -> I saw 'em`: a drill of the rule above, asked from its left side
        split = replace(split, term=plain(split.term)[opener.end() :], implication=True)
    elif opener and len(plain(split.term)[opener.end() :].split()) < EXAMPLE_NAME_WORDS:
        return []  # `e.g Chicago: Ann`: an example, not a term
    elif opener:
        # `Ex. conditions négatives à la paix : ...`: the examples of a named thing
        split = replace(split, term=plain(split.term)[opener.end() :])
    opening = plain(split.term).strip(" *_").lower().split()
    if not split.implication and len(opening) > 1 and opening[0] in ctx.lang.resumptive:
        return []  # `This means: ...`: a sentence about what came before, not a term
    if not split.implication and label_family(lead_key(ctx.node.text), ctx.lang) == "example":
        # `Exemple: L'obligation de soin: ...`: an example, asked as one by its parent (but
        # `Ex: Elle a fini ses devoirs → Elle les a finis` is a drill)
        return []
    parent = ctx.parent
    parent_key = concept_key(parent, ctx.lang) if parent is not None else ""
    detail = detail_of(ctx.node, ctx)
    if len(detail) > MAX_DETAIL:
        detail = ()  # a long list under a term has its own list card; the term stays short
    if split.implication and ctx.is_intro() and split.definition.rstrip().endswith((":", "：")):
        return []  # `L'ADN a un code : un alphabet de 4 lettres :` + a list: the list asks it
    if split.implication:
        # `On suppose que h est uniforme -> chaque case ...`: the clause asks, the rest answers.
        # But `On appelle X ... : formula` is a definition: its own card says it all.
        if split.separator == "colon" and any(c.kind in STRONG_KINDS for _, c in ctx.clauses):
            return []
        template = "completion" if split.separator == "colon" else "implication"
        field = "stem" if template == "completion" else "cause"
        stem = f"{split.term} :" if split.separator == "colon" else split.term
        fields = {field: stem}
        parent_name = _name_of(parent, ctx) if parent is not None else ""
        if template == "implication" and parent_name and words(split.term) <= MAX_TERM_WORDS:
            # `protein => amino acid` under `hydrolysis`: the parent says what the arrow does
            template, fields = "implication_in", {"parent": parent_name, "cause": stem}
        return [
            Draft(
                rule="implication",
                template=template,
                fields=fields,
                answer=(Piece(split.definition),),
                anchor=(parent_key, norm_key(split.term)),
                detail=detail,
            )
        ]
    if asks(plain(split.term)):
        # `Pouvez-vous m'aider ? : ¿Puede ayudarme?`: a phrase and its translation
        return [
            Draft(
                rule="term",
                template="question",
                fields={"question": split.term},
                answer=(Piece(split.definition),),
                anchor=(parent_key, norm_key(split.term)),
                detail=detail,
            )
        ]
    if parent is not None and len(parent.children) == 1 and asks(plain(parent.text)):
        ctx.note("the answer of the question above: asked there")
        return []
    if _repeated_term(ctx, split.term):
        ctx.note("the same term leads several lines: a mnemonic or a sequence, not a glossary")
        return []
    fields = {"term": split.term}
    template = "term_bare"
    parent_name = _name_of(parent, ctx) if parent is not None else ""
    if is_generic(split.term, ctx.lang):
        # `Advantages = allows groups to specialize`, `Types : ...`: a facet of the parent,
        # asked as such ("Division of labour: Advantages?"), never "what is Advantages?"
        owner = parent_name or (qualified_title(parent, ctx, ctx.ancestors[:-1]) if parent else "")
        if not owner:
            return []
        fields = {"term": split.term, "parent": owner}
        return [
            Draft(
                rule="term",
                template="term_value",
                fields=fields,
                answer=(Piece(split.definition),),
                anchor=(parent_key, norm_key(split.term)),
                detail=detail,
            )
        ]
    if norm_key(parent_name) == norm_key(split.term):
        parent_name = ""  # `EAX` > `EAX - Extended AX`: "EAX: EAX?" asks nothing more
    if parent_name:
        fields["parent"] = parent_name
        # `Catalase: negative`, `Haïti : guerre des gangs` under their heading: a value of the
        # thing, not what it is. `TCP : un protocole ...` stays a definition.
        template = "term" if _defines(split.term, split.definition, ctx) else "term_value"
    if _is_clause(split.definition, ctx):
        # `**pH**: changes can affect the speed of a reaction` is about pH, not what pH is.
        fields = {"parent": split.term}
        template = "detail"
    elif _is_date(split.term, ctx):
        # `4 septembre : proclamation de la République`: asked both ways, the exam way first.
        anchor = (parent_key, norm_key(split.term))
        return [
            Draft(
                rule="term",
                template="when",
                fields={"event": split.definition},
                answer=(Piece(split.term),),
                anchor=(*anchor, "when"),
            ),
            Draft(
                rule="term",
                template="what_happened",
                fields={"date": split.term},
                answer=(Piece(split.definition),),
                anchor=anchor,
                detail=detail,
            ),
        ]
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


_REFERENCE = re.compile(
    r"^(?:art|article|arts|al|§|p|pp|chap|ch|slide|diapo|fig|eq|éq|ex)\b\.?\s*[\d\s.,-]+", re.I
)
_ASIDE = re.compile(r"^(?P<name>[^()]{2,80}?)\s*\((?P<aside>[^()]{2,160})\)[\s.;,]*$")
MAX_ASIDE_NAME_WORDS = 6
TRIVIAL_ASIDE_WORDS = 2
_PATH = re.compile(r"^[^\s/\\]*[/\\]\S*$")  # `(/slides/Memory1a.pptx)`: where, not what


def aside_rule(ctx: NodeContext) -> list[Draft]:
    """`G1 checkpoint (the "restriction point" in mammals)`: a name and what the brackets add.
    Only for names (no verb); acronyms in brackets are the acronym rule's."""
    node = ctx.node
    if "(" not in node.text or node.kind not in TEXT_KINDS or ctx.skip_reason:
        return []
    term = ctx.term
    if term is not None and not term.label:
        return []
    text = term.definition if term is not None else node.text
    if any(c.kind != "fragment" for _, c in ctx.clauses):
        return []
    m = _ASIDE.match(markup.to_plain(text))
    if m is None:
        return []
    name, aside = m.group("name").strip(" -:"), m.group("aside").strip()
    if ctx.answered and words(aside) <= TRIVIAL_ASIDE_WORDS:
        ctx.note("a gloss inside an item its parent's list recites")
        return []  # `- Groupement sonore (rimes)`: the list card shows `(rimes)` already
    first = aside.split(" ", 1)[0].lower().rstrip(".")
    if (
        words(name) > MAX_ASIDE_NAME_WORDS
        or not markup.has_content(name)
        or first in ctx.lang.pointers
        or POINTER_ONLY.match(aside)
        or _REFERENCE.match(aside)
        or _PATH.match(aside)
        or find_acronyms(markup.to_plain(text), ctx.lang)
    ):
        return []  # `l'erreur (art. 1132)`, `(cf. cours 6)`: a reference, not what it is
    lang = ctx.lang
    joined = any(phrase == (first,) for phrase in lang.coordinators)  # `(et de l'influence)`
    if (
        joined
        or first in lang.pronouns
        or first in lang.prepositions
        or first in lang.clause_breakers
    ):
        # `Illusion (avec les hallucinations)`, `(car elles sont ...)`: the rest of a sentence
        ctx.note("its brackets go on with the sentence, they do not say what it is")
        return []
    trimmed = aside.rstrip()
    listed = trimmed.lower().endswith(_ETC)
    if listed:
        for ending in _ETC:
            trimmed = trimmed.removesuffix(ending).removesuffix(ending.upper())
        trimmed = trimmed.rstrip(" ,")
    return [
        Draft(
            rule="aside",
            template="examples" if listed else "detail",  # `Party (RNC, DNC, etc.)`
            fields={"parent": name},
            answer=(Piece(trimmed if listed else aside),),
            anchor=(norm_key(name),),
        )
    ]


_ETC = ("etc.", "etc", "...", "…")  # endings, not a regex: `\s*etc$` is quadratic on spaces


def remark_rule(ctx: NodeContext) -> list[Draft]:
    """`Remarque : ...` under a heading: the section's remark, asked as such. `**Définition :**
    ...` under `# Valeur ajoutée` defines the heading; `Formule : ...` gives its formula."""
    term, parent = ctx.term, ctx.parent
    if term is None or not term.label or parent is None:
        return []
    family = ctx.label_family
    if family == "answer":
        return []  # `Réponse attendue : ...` answers the question above: its card has it
    if family == "summary":
        # `TL;DR: ce qui distingue le produit ...` under `## Valeur perçue`
        name = _name_of(parent, ctx) or title_of(parent)
        if not name or not markup.has_content(term.definition):
            return []
        return [
            Draft(
                rule="remark",
                template="summary",
                fields={"parent": name},
                answer=(Piece(term.definition),),
                anchor=(norm_key(name), "summary"),
            )
        ]
    if family in {"definition", "formula"}:
        name = _name_of(parent, ctx) or title_of(parent)
        if not name:
            return []
        template, field = (
            ("definition", "subject") if family == "definition" else ("formula", "parent")
        )
        return [
            Draft(
                rule="definition" if family == "definition" else "formula",
                template=template,
                fields={field: name},
                answer=(Piece(term.definition, "text"),),
                anchor=(norm_key(name), family),
            )
        ]
    if family == "example" and any(
        c.subject and (c.kind in STRONG_KINDS or c.kind == "completion") for _, c in ctx.clauses
    ):
        return []  # `Exemple: Le conseil ... est une obligation de moyen`: its sentence asks it
    # a remark says something (`Remarque : ok` does not); a slot's value may be short
    # (`Step 1: Instruction Decoding`)
    short = words(term.definition) < 3 and not is_slot(term.term, ctx.lang)
    if parent.kind not in (NodeKind.HEADING, NodeKind.CALLOUT) or short:
        return []
    template, fields = remark_fields(term.term, title_of(parent), ctx.lang)
    return [
        Draft(
            rule="remark",
            template=template,
            fields=fields,
            answer=(Piece(term.definition),),
            anchor=(norm_key(title_of(parent)), norm_key(term.definition)[:60]),
        )
    ]
