"""Rule 4: what sentences say. `X est Y` -> "Qu'est-ce que X ?", `X permet de Y` -> "Que permet
X ?", `When X, Y`, and otherwise "X …" completed by what the sentence says of X.

A sentence without a subject under a heading (`Permet de tester ...` under `## Filtre de Bloom`)
takes the heading as its subject. Sentences about nobody (`C'est ...`, `It is worth ...`,
`See [[slides]]`) make no card.
"""

from __future__ import annotations

from quizgen.extract.base import (
    Draft,
    NodeContext,
    Piece,
    is_generic,
    is_scaffold,
    label_family,
    names_a_kind,
    norm_key,
    plain,
    plural_name,
    title_of,
)
from quizgen.extract.sentences import STRONG_KINDS, Clause, appositives, asks, split_sentences
from quizgen.extract.separators import is_attribution, is_slot
from quizgen.lang import Language
from quizgen.model import Node, NodeKind

_SUBJECT_FIELD = {"completion": "stem", "condition": "condition"}
_RULE = {"completion": "sentence", "condition": "condition"}


def lower_article(subject: str, lang: Language) -> str:
    """`La virtualisation` -> `la virtualisation` inside a question; names keep their case."""
    first, _, rest = subject.partition(" ")
    if (
        first.lower() in lang.articles
        and first[:1].isupper()
        and (first[1:].islower() or len(first) == 1)
    ):
        return f"{first.lower()} {rest}" if rest else first.lower()
    if "'" in first[:3] and first[:1].isupper():  # L'insertion
        head, _, tail = first.partition("'")
        if f"{head.lower()}'" in lang.articles:
            return f"{head.lower()}'{tail} {rest}".strip()
    return subject


def _first_text_child(parent: Node, node: Node) -> bool:
    for child in parent.children:
        if child.kind in (NodeKind.LINE, NodeKind.ITEM):
            return child is node
    return False


def _names_subject(template: str) -> bool:
    return _SUBJECT_FIELD.get(template, "subject") == "subject"


def _draft(clause: Clause, subject: str, ctx: NodeContext) -> Draft | None:
    template = clause.template
    if not clause.predicate.strip():
        return None
    if _names_subject(template) and not any(ch.isalpha() for ch in plain(subject)):
        return None  # `1 est le plus prioritaire`: a rank, not a thing to define
    owner = _owner(subject, template, ctx)
    if owner is not None:
        # `La sanction est la nullité du contrat.` under `## Vices du consentement`: the sanction
        # of that, not "what is the sanction?"
        return Draft(
            rule=_RULE.get(template, "definition"),
            template="labelled",
            fields={"parent": title_of(owner), "label": lower_article(subject, ctx.lang)},
            answer=(Piece(clause.predicate),),
            anchor=(norm_key(title_of(owner)), norm_key(subject)),
        )
    field = _SUBJECT_FIELD.get(template, "subject")
    value = subject if field != "subject" else lower_article(subject, ctx.lang)
    fields = {field: value}
    if clause.scope and template in {"definition", "definition_plural"}:
        # `Pour Sartre, la conscience est ...`: Sartre's definition, not the definition
        template, fields = f"{template}_by", {**fields, "scope": clause.scope}
    return Draft(
        rule=_RULE.get(template, "definition"),
        template=template,
        fields=fields,
        answer=(Piece(clause.predicate),),
        anchor=(norm_key(subject),),
    )


def _owner(subject: str, template: str, ctx: NodeContext) -> Node | None:
    """The section a relational subject (`la sanction`, `the main cause`) belongs to."""
    if template not in {"definition", "definition_plural"}:
        return None
    words = plain(subject).lower().replace("’", "'").split()
    if words and words[0].startswith("l'") and len(words[0]) > 2:
        words = ["l'", words[0][2:], *words[1:]]  # `l'origine`
    # only `La sanction est ...`: `Une fonction est ...` defines functions in general
    if not words or words[0] not in ctx.lang.definite_articles:
        return None
    words = words[1:]
    if len(words) != 1 or words[0] not in ctx.lang.relational_nouns:
        return None
    return next((a for a in reversed(ctx.ancestors) if plain(title_of(a)).strip()), None)


_SILENT = {
    "pointer": "a pointer (`see ...`), not knowledge",
    "rejected": "says nothing about a named thing (`c'est`, `it is`...)",
    "anaphoric": "its subject points back (`this`, `ces`...): not a card on its own",
    "generic": "a generic subject (`on`, `we`): not a concept to ask about",
    "question": "a question: asked when something answers it",
    "quotation": "a quotation",
    "personal": "the student's own story or opinion, not course knowledge",
}


def _gap_in_predicate(ctx: NodeContext, offset: int, clause: Clause) -> bool:
    """`Water is an excellent **solvent**`: the student marked the word to remember in what the
    sentence says; the cloze asks exactly that, a "What is water?" card would not."""
    if clause.kind not in STRONG_KINDS and clause.kind != "completion":
        return False
    return any(
        gap.sentence_start <= offset < gap.sentence_end and gap.start >= offset + clause.subject_end
        for gap in ctx.emphasis_gaps
    )


def _dangling(predicate: str, lang: Language) -> bool:
    """`une bonne fonction quand :` ends on a word that needs what follows."""
    words = predicate.rstrip(" :：").split()
    last = words[-1].lower() if words else ""
    return (
        not words
        or last in lang.articles
        or last in lang.prepositions
        or last in lang.relative_pronouns  # `une entreprise qui :` + what it does, listed
        or any((last,) == phrase for phrase in (*lang.subordinators, *lang.mid_subordinators))
    )


def _pronoun_draft(clause: Clause, offset: int, ctx: NodeContext) -> Draft | None:
    """`Elle est formée de ...` after `Une solution tampon est ...`: ask about the solution;
    `They remain zombies until ...` with no antecedent: cut at `until`."""
    # `These are regional ...` may point at anything said before: only `il`, `elle`, `they`
    # stand surely for the subject before them.
    antecedent = ctx.antecedent(offset) if clause.kind == "pronoun" else ""
    if antecedent:
        resolved = Clause("completion", "completion", antecedent, clause.predicate)
        return _draft(resolved, antecedent, ctx)
    if clause.split_rest:
        cut = Clause("completion", "completion", clause.split_stem, clause.split_rest)
        return _draft(cut, clause.split_stem, ctx)
    return None


def sentence_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if not ctx.clauses:
        return []
    if ctx.label_family in {"summary", "answer"}:
        ctx.note("a summary or an answer: asked as such")
        return []
    # A line that introduces a list (`Une bonne fonction est ... quand :`) is asked by the list
    # card; only a complete definition in it (`Ka est la constante ... :` + formula) is kept.
    intro = ctx.is_intro() and bool(ctx.answer_children)
    parent = ctx.parent
    titled = (
        parent is not None
        and parent.kind in (NodeKind.HEADING, NodeKind.CALLOUT)
        and node.kind is NodeKind.LINE
        and bool(parent.text.strip())
        and not is_scaffold(parent.text, ctx.lang)
        and not asks(parent.text)
    )
    has_children = bool(ctx.answer_children)
    # A line under another line is one of its parent's answers: only a real definition in it
    # deserves a card of its own; "chaque clé … est associée à ..." does not. A bullet is
    # terse: a plain statement in it ("the process … gets a pid") is asked by its parent.
    top_level = parent is None or parent.kind in (NodeKind.HEADING, NodeKind.CALLOUT)
    statements = top_level and node.kind is NodeKind.LINE
    # `Selon Durkheim : ...`, `Step 3: ...` under a heading: the label's card asks it by name
    attributed = (
        ctx.term is not None
        and ctx.term.label
        and parent is not None
        and (is_attribution(ctx.term.term, ctx.lang) or is_slot(ctx.term.term, ctx.lang))
    )
    drafts: list[Draft] = []
    for offset, clause in ctx.clauses:
        kind = clause.kind
        if kind == "restated":
            # `## Filtre de Bloom` / `C'est une structure ...`: only a title's opening line
            # speaks of the title; further on, `c'est` points at the sentence before
            if not (
                titled and parent is not None and offset == 0 and _first_text_child(parent, node)
            ):
                ctx.note(_SILENT["rejected"])
                continue
            title = title_of(parent)
            if plain(title).strip(" *_:").lower() in ctx.lang.labels or is_generic(title, ctx.lang):
                ctx.note("under a label (`## Remarque`): `c'est` speaks of something else")
                continue
            template = "definition_plural" if plural_name(title, ctx.lang) else "definition"
            draft = _draft(Clause(template, template, title, clause.predicate), title, ctx)
            if draft is not None:
                drafts.append(draft)
            continue
        if kind in _SILENT:
            ctx.note(_SILENT[kind])
            continue
        if intro and (kind not in STRONG_KINDS or _dangling(clause.predicate, ctx.lang)):
            ctx.note("introduces the lines under it: asked by their card")
            continue
        if not top_level and kind not in STRONG_KINDS:
            continue
        if attributed and kind not in STRONG_KINDS:
            ctx.note("what its source or slot says is asked by that name")
            continue
        if has_children and len(clause.predicate.split()) < (2 if kind in STRONG_KINDS else 3):
            ctx.note("too short to ask on its own: its children's card asks it")
            continue
        if _gap_in_predicate(ctx, offset, clause):
            ctx.note("its emphasised words make a cloze instead")
            continue
        if kind in {"pronoun", "demonstrative"}:
            draft = _pronoun_draft(clause, offset, ctx) if statements else None
            if draft is None:
                ctx.note("its subject is a pronoun with nothing sure to stand for")
                continue
        elif kind in {"fragment", "subjectless"}:
            if not titled:
                ctx.note("no subject of its own: part of its parent's card")
                continue
            assert parent is not None
            title = title_of(parent)
            if kind == "fragment":
                first = clause.predicate.split(" ", 1)[0].lower()
                # only the line's opening words: `Sur la paroi, le fluide exerce ...` further on
                # is a statement whose verb the lexicon lacks, not what the title is
                opening = node.text.lstrip(" *_").startswith(clause.predicate.strip(" *_")[:20])
                kind_of = first in ctx.lang.articles or names_a_kind(clause.predicate, ctx.lang)
                if not (kind_of and opening and _first_text_child(parent, node)):
                    ctx.note("a fragment without a verb")
                    continue
                if plain(title).strip(" *_:").lower() in ctx.lang.labels:
                    if label_family(title, ctx.lang) != "definition":
                        ctx.note("a fragment under a label (`## Exemple`): not what it is")
                        continue
                    # `## Insuffisance cardiaque` > `### Définition` > `Incapacité du cœur ...`
                    named = next(
                        (a for a in reversed(ctx.ancestors)
                         if a.kind is NodeKind.HEADING and plain(a.text).strip(" *_:").lower()
                         not in ctx.lang.labels),
                        None,
                    )  # fmt: skip
                    title = title_of(named) if named is not None else ctx.note_title
                    if not title:
                        ctx.note("a fragment under a label, with no section to name")
                        continue
                # `A mix of graph theory and ...` under `# Bayesian Networks` defines it.
                template = "definition_plural" if plural_name(title, ctx.lang) else "definition"
                described = Clause(template, template, title, clause.predicate)
                draft = _draft(described, title, ctx)
            else:
                draft = _draft(clause, title, ctx)
        elif kind == "completion" and ctx.answered:
            ctx.note("a statement in a bullet: its parent's card asks it")
            continue
        elif clause.verb_stem:
            # `Freud …` would ask nothing a second `Freud …` does not: `Freud suppose …` does
            told = Clause("completion", "completion", clause.verb_stem, clause.verb_object)
            draft = _draft(told, clause.verb_stem, ctx)
        else:
            draft = _draft(clause, clause.subject, ctx)
        if draft is not None:
            drafts.append(draft)
    for start, end in split_sentences(node.text):
        if asks(node.text[start:end]):
            continue  # `Quelles sont les méthodes ... ?` asks, it names nothing
        for clause in appositives(node.text[start:end], ctx.lang):
            draft = _draft(clause, clause.subject, ctx)
            if draft is not None:
                drafts.append(draft)
    return drafts
