"""Rules 1, 3 and 6: what a node's children say about it.

- several children: a list card (`Hypervisor` -> `Type 1 ...`, `Type 2 ...`);
- one child: a detail card (`memoire Cache` -> `très petites quantités de mémoire ...`);
- a node that is a question (`3. During which phase ...?`) is answered by its children;
- a heading made only of sub-headings lists them; a formula under a heading is asked for.
Mermaid nodes are parents like any other: their cards carry the rule name `diagram`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from quizgen import markup
from quizgen.extract.base import (
    EXAMPLE_OPENER,
    PARENT_KINDS,
    Draft,
    NodeContext,
    Piece,
    children_pieces,
    clauses_of,
    concept_key,
    detail_of,
    is_facet_word,
    is_generic,
    is_label_line,
    is_logistics,
    is_scaffold,
    label_family,
    names_a_kind,
    norm_key,
    per_parent,
    plain,
    plural_name,
    qualified_title,
    remark_fields,
    sibling_index,
    title_of,
    words,
)
from quizgen.extract.sentences import QUESTION_OPENING, STRONG_KINDS, asks, split_sentences
from quizgen.extract.separators import (
    TermSplit,
    is_admin_line,
    is_slot,
    lead_key,
    split_term,
    unnumbered,
)
from quizgen.model import CardKind, Node, NodeKind
from quizgen.outline import announces, counts_items

_TITLES = (NodeKind.HEADING, NodeKind.CALLOUT)


def _is_question(node: Node) -> bool:
    return asks(markup.strip_kinds(node.text, frozenset({"comment"})))


def _names_nothing(text: str, ctx: NodeContext) -> bool:
    words = re.findall(r"[\w'’-]+", plain(text).lower().replace("’", "'"))
    empty = ctx.lang.leadin_words | ctx.lang.stopwords
    return bool(words) and all(w in empty or w.split("'")[0] + "'" in empty for w in words)


def _opens_as_question(node: Node) -> bool:
    return bool(QUESTION_OPENING.match(plain(node.text).strip(" *_")))


def _is_prompt(ctx: NodeContext) -> bool:
    """`Explain why the Supreme Court ...`, `Citez trois ...`: an exam prompt, asked as written."""
    words = plain(ctx.node.text).split()
    return len(words) > 3 and words[0].lower().strip(".,:") in ctx.lang.prompt_verbs


_QUOTES = frozenset('"«“„')
_CLOSING_QUOTES = frozenset('"»”“')


_TINY = 3  # letters and digits a parent needs to be asked about (`## C`, `2.` are not enough)


def children_rule(ctx: NodeContext) -> list[Draft]:
    node = ctx.node
    if node.kind not in PARENT_KINDS or node.ref:
        return []
    if not markup.has_content(node.text):
        if node.children:
            ctx.note("no text of its own: its children are asked on their own")
        return []
    title = plain(title_of(node))
    if len(title) < 2 * _TINY and sum(ch.isalnum() for ch in title) < _TINY:
        ctx.note("too short to ask about (an answer key, a letter)")
        return []
    if is_scaffold(node.text, ctx.lang):
        ctx.note("a worksheet's numbering (`Question 3`), not a subject")
        return []
    if is_admin_line(node.text, ctx.lang):
        ctx.note("a reference or the course's admin (`Reading: ...`), not a subject")
        return []
    # `"Visualization is ... cognition"` / `- Stuart Card, Readings ...`: a whole quotation, then
    # who said it (not `"Big Five" personality traits:` and its list)
    said = plain(node.text).strip().rstrip(".")
    quoted = said[:1] in _QUOTES and said[-1:] in _CLOSING_QUOTES and len(said) > 2
    kids = ctx.answer_children
    if quoted and len(kids) <= 2 and all(words(k.text) <= MAX_ATTRIBUTION_WORDS for k in kids):
        ctx.note("a quotation and who said it")
        return []
    kids = ctx.answer_children
    if node.kind in _TITLES:
        content = [c for c in node.children if c.kind is not NodeKind.HEADING]
        if _is_question(node) and kids:
            return _asked(ctx, kids)
        # The list right under a title is its list, even if a paragraph follows it.
        leading = _leading_items(content, ctx)
        if leading:
            return _listed(ctx, leading)
        subs = [c for c in node.children if c.kind is NodeKind.HEADING]
        if node.kind is NodeKind.HEADING and not content and len(subs) >= 2:
            if _announces(node, len(subs)):
                return [_outline(ctx, tuple(subs))]
            ctx.note("its sections are asked one by one (a table of contents is not a card)")
        return []
    if not kids:
        return _answered_by_next(ctx) if _is_question(node) else []
    if _is_question(node) or _is_prompt(ctx) or _opens_as_question(node):
        return _asked(ctx, kids)
    if _inside_chain(ctx):
        ctx.note("a step of the diagram's sequence, asked from its start")
        return []
    chain = _chain(ctx)
    if chain:
        return [_sequence(ctx, chain)]
    return _listed(ctx, kids)


def _verbless(node: Node, ctx: NodeContext) -> bool:
    """A noun phrase (`Smallest possible unit of ...`), not `Agir en fonction de ...` or a
    sentence whose verb the lexicon knows."""
    lang = ctx.lang
    words_ = plain(node.text).strip(" *_").lower().split()
    if not words_ or words_[0] in lang.verb_forms or words_[0] in lang.infinitives:
        return False
    if any(w in lang.auxiliaries or w in lang.copulas for w in words_[1:]):
        return False  # `La force des contrats a pour source ...`
    return all(c.kind == "fragment" for _, c in clauses_of(node.text, lang))


def _says_something(text: str, ctx: NodeContext) -> bool:
    """A sentence that defines something: the sentence rules make a card of it wherever it is."""
    return any(c.subject and c.kind in STRONG_KINDS for _, c in clauses_of(text, ctx.lang))


def _listed(ctx: NodeContext, kids: tuple[Node, ...]) -> list[Draft]:
    """The card of a parent's lines; its `e.g. ...` lines among them make an examples card of
    their own (`## Morpheme` > a definition, `e.g house/s`, `e.g hous/ing`)."""
    texts = [_example_text(k, ctx) for k in kids]
    rest = tuple(k for k, text in zip(kids, texts, strict=True) if not text)
    if len(rest) in (0, len(kids)):
        draft = _list_or_detail(ctx, kids)
        return [draft] if draft else []
    drafts = [d for d in (_list_or_detail(ctx, rest),) if d is not None]
    # a whole sentence given as an example is asked by its own sentence card
    examples = tuple(Piece(t) for t in texts if t and not _says_something(t, ctx))
    if examples:
        drafts.append(_examples_card(ctx, qualified_title(ctx.node, ctx), examples))
    return drafts


def _examples_card(
    ctx: NodeContext, name: str, examples: tuple[Piece, ...], detail: tuple[Piece, ...] = ()
) -> Draft:
    """ "X: examples?" answered by the `e.g.` / `Ex:` lines under X."""
    return Draft(
        rule=_rule_name(ctx, "detail"),
        template="examples",
        fields={"parent": name.rstrip(" .:;：")},
        answer=examples,
        anchor=(concept_key(ctx.node, ctx.lang), "example"),
        kind=CardKind.LIST if len(examples) > 1 else CardKind.BASIC,
        detail=detail,
    )


def answered_children(ctx: NodeContext, draft: Draft) -> tuple[Node, ...]:
    """The children a card of `ctx.node` answers with: under a title, a list card holds only
    the list right under it; the lines after it are asked on their own."""
    if draft.answers:
        return draft.answers
    kids = ctx.answer_children
    if ctx.node.kind in _TITLES and draft.rule == "list":
        content = [c for c in ctx.node.children if c.kind is not NodeKind.HEADING]
        leading = _leading_items(content, ctx)
        if leading:
            return leading
    return kids


MAX_REMARK_WORDS = 12  # `L'adjectif de dol est « dolosif ».` between two parts of one list


def _leading_items(content: list[Node], ctx: NodeContext) -> tuple[Node, ...]:
    """The list right under a title (its course-logistics lines left out), when every item of
    it is an answer (not when links, images or empty bullets are among them)."""
    end = next((i for i, c in enumerate(content) if c.kind is not NodeKind.ITEM), len(content))
    items = [c for c in content[:end] if not is_logistics(c.text, ctx.lang)]
    later = [c for c in content[end:] if c.kind is NodeKind.ITEM]
    every = [*items, *later]
    last = max((i for i, c in enumerate(content) if c.kind is NodeKind.ITEM), default=end)
    between = [c for c in content[end:last] if c.kind is not NodeKind.ITEM]
    # a short remark on an item (not `Ces vices sont sanctionnés ...`, which leads elsewhere)
    remarks_only = all(
        words(c.text) <= MAX_REMARK_WORDS
        and not announces(c.text)
        and plain(c.text).split(" ", 1)[0].lower() not in ctx.lang.demonstratives
        for c in between
    )
    if items and later and remarks_only and all(_names_and_defines(i, ctx) for i in every):
        # `* L'erreur: ...` / `---` / `* Le dol: ...` / a remark / `* La violence: ...`: one
        # list of named things cut by rules and remarks ("citez les 2" would miss the third)
        items = [i for i in every if not is_logistics(i.text, ctx.lang)]
    answers = {id(k) for k in ctx.answer_children}
    return tuple(items) if all(id(i) in answers for i in items) else ()


def _announces(node: Node, count: int) -> bool:
    """`## Les 3 types de contrats` with three sub-headings, or a title ending with `:`."""
    text = plain(title_of(node))
    return node.text.rstrip().endswith((":", "：")) or str(count) in re.findall(r"\d+", text)


def _answered_by_next(ctx: NodeContext) -> list[Draft]:
    """Revision sheets write `- Question ?` then `- answer` as siblings."""
    parent, node = ctx.parent, ctx.node
    if parent is None or node.kind not in (NodeKind.ITEM, NodeKind.LINE):
        return []
    siblings = parent.children
    index = sibling_index(parent, node)
    if index < 0 or index + 1 >= len(siblings):
        return []
    answer = siblings[index + 1]
    if answer.kind not in (NodeKind.ITEM, NodeKind.LINE) or _is_question(answer):
        return []
    if ctx.term is not None:
        return []  # `Pouvez-vous m'aider ?: ¿Puede ayudarme?` is a pair of its own
    kind = node.kind
    lines, questions = per_parent(parent, f"questions-{kind}", lambda p: _count_questions(p, kind))
    if lines - questions > 2 * questions:
        return []  # one question among statements (an exercise's sentences), not Q/A pairs
    if not markup.has_content(answer.text) or markup.is_link_only(answer.text):
        return []
    if _is_question(answer) or _rhetorical(ctx):
        return []  # a question followed by another question answers nothing
    return [replace(_question(ctx, (answer,)), answers=(answer,))]


def _count_questions(parent: Node, kind: NodeKind) -> tuple[int, int]:
    """Lines of one kind under a parent, and how many are questions: the items of an exercise
    list, not the paragraphs (a quoted answer) around a numbered question."""
    lines = [s for s in parent.children if s.kind is kind]
    return len(lines), sum(1 for s in lines if _is_question(s))


def _chain(ctx: NodeContext) -> list[Node]:
    """`Atoms --> Cells --> Tissues --> Organs`: a whole diagram that is one path, no branch."""
    node = ctx.node
    if node.kind is not NodeKind.GRAPH_NODE or (
        ctx.parent and ctx.parent.kind is NodeKind.GRAPH_NODE
    ):
        return []
    chain: list[Node] = []
    current = node
    while len(current.children) == 1 and not current.children[0].ref:
        current = current.children[0]
        chain.append(current)
    return chain if len(chain) >= 2 else []


def _inside_chain(ctx: NodeContext) -> bool:
    graph = [a for a in ctx.ancestors if a.kind is NodeKind.GRAPH_NODE]
    if not graph or ctx.node.kind is not NodeKind.GRAPH_NODE:
        return False
    start = graph[0]
    path = [*graph[1:], ctx.node]
    nodes = [start, *path]
    in_chain = all(len(n.children) == 1 for n in nodes[:-1])
    tail = ctx.node
    while len(tail.children) == 1:
        tail = tail.children[0]
    return in_chain and not tail.children and ctx.parent is not None and len(nodes) >= 2


def _sequence(ctx: NodeContext, chain: list[Node]) -> Draft:
    return Draft(
        rule="diagram",
        template="sequence",
        fields={"parent": title_of(ctx.node), "n": str(len(chain))},
        answer=children_pieces(tuple(chain)),
        anchor=(concept_key(ctx.node, ctx.lang), "sequence"),
        kind=CardKind.LIST,
        ordered=True,
    )


def _rule_name(ctx: NodeContext, default: str) -> str:
    return "diagram" if ctx.node.kind is NodeKind.GRAPH_NODE else default


def _asked(ctx: NodeContext, kids: tuple[Node, ...]) -> list[Draft]:
    """A question answered by its children, unless another question is among them (`How has
    Federalism changed?` > eras > `Q7: How has federalism changed?`: a table of contents)."""
    if len(kids) > 1 and any(_is_question(k) for k in kids):
        ctx.note("its children hold questions: each is asked on its own")
        return []
    if _rhetorical(ctx):
        return []
    return [_question(ctx, kids)]


def _rhetorical(ctx: NodeContext) -> bool:
    """`Cependant, si nous nous demandons « qui suis-je », pouvons-nous ... ?`: a question of
    the argument, linked to what came before; what follows develops it, it does not answer."""
    if ctx.node.kind is not NodeKind.LINE:
        return False  # `## So why is the sky blue?` is the section's question
    opening = plain(ctx.node.text).strip(" *_").lower().replace("’", "'")
    first = re.split(r"[\s,]+", opening, maxsplit=1)[0]
    if first in ctx.lang.rhetorical_openers:
        ctx.note("a question of the argument (`Cependant, ...?`), not one the note answers")
        return True
    return False


def _question(ctx: NodeContext, kids: tuple[Node, ...]) -> Draft:
    node = ctx.node
    # `**Réponse attendue** : Utiliser ...`: the answer without its label.
    pieces = tuple(
        Piece(split.definition) if (split := _answer_label(kid, ctx)) else piece
        for kid, piece in zip(kids, children_pieces(kids), strict=True)
    )
    many = len(kids) > 1
    question = re.sub(r"([?？][*_]*)\s*[:：]\s*$", r"\1", node.text)  # `concordant?:`
    if not _is_question(node) and _opens_as_question(node):
        question = plain(question).strip(" *_.:") + (" ?" if ctx.lang.code == "fr" else "?")
    return Draft(
        rule="question",
        template="question",
        fields={"question": question},
        answer=pieces,
        anchor=(norm_key(node.text),),
        kind=CardKind.LIST if many else CardKind.BASIC,
        ordered=many and all(k.ordered for k in kids),
        detail=() if many else detail_of(kids[0], ctx),
    )


def _answer_label(kid: Node, ctx: NodeContext) -> TermSplit | None:
    if kid.kind not in (NodeKind.ITEM, NodeKind.LINE):
        return None
    split = split_term(kid.text, ctx.lang)
    if split is None or not split.label:
        return None
    return split if label_family(split.term, ctx.lang) == "answer" else None


def _is_category(kid: Node, ctx: NodeContext) -> bool:
    """`Cloud Privé` -> `Architecture des Serveurs` -> (its own list): the middle node is a
    heading in bullet form; "what about Cloud Privé? Architecture des Serveurs" teaches nothing."""
    if kid.kind not in (NodeKind.ITEM, NodeKind.LINE, NodeKind.GRAPH_NODE):
        return False
    kinds = (NodeKind.ITEM, NodeKind.LINE, NodeKind.GRAPH_NODE, NodeKind.DIAGRAM, NodeKind.TABLE)
    grandchildren = [c for c in kid.children if c.kind in kinds]
    return (
        bool(grandchildren) and ctx.short(kid) and not ctx.has_subject(kid) and ":" not in kid.text
    )


def _line_children(node: Node) -> list[Node]:
    return [c for c in node.children if c.kind in (NodeKind.ITEM, NodeKind.LINE)]


def _asks_itself(kid: Node, ctx: NodeContext) -> bool:
    """A child that has a card of its own (a term line, a definition sentence)."""
    if kid.kind not in (NodeKind.ITEM, NodeKind.LINE):
        return False
    term = split_term(kid.text, ctx.lang)
    if term is not None and (not term.label or is_slot(term.term, ctx.lang)):
        return True  # `Part I: ...` is asked by its name too
    return any(c.kind in STRONG_KINDS for _, c in clauses_of(kid.text, ctx.lang))


LONG_PARENT_WORDS = 10
STATEMENT_WORDS = 6  # a child this long with a subject and a verb says something: not a name
MAX_STATEMENT_ITEMS = 8  # more statements than this under one line is a page of notes, not a list
LEAD_WORDS = 6  # `Below you can find 15 indicators`, not `Soutenance en groupe de 4`
MAX_ATTRIBUTION_WORDS = 12  # `- Stuart Card, Readings in Information Visualization`
SHORT_ITEM_WORDS = 5  # items this short are names to recall; longer ones are points to explain


def _short_name(ctx: NodeContext) -> str:
    """A long parent line named by its term (`Oligodendroglia - found in the CNS ... (40
    words)` -> `Oligodendroglia`), or by its last sentence when several come before the list
    (`... Although forms vary, the following should be included:`)."""
    term = ctx.term
    if (
        term is not None
        and (not term.label or is_slot(term.term, ctx.lang))
        and not term.implication
    ):
        return term.term
    text = title_of(ctx.node)
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return ""
    start, end = sentences[-1]
    last = text[start:end].strip()
    first = plain(last).split(" ", 1)[0].lower().strip(",")
    lang = ctx.lang
    if first in lang.pronouns or first in lang.demonstratives or first in lang.leading_connectors:
        return ""  # `Elle permet notamment :`: the sentence before says what `elle` is
    return last


def _names_and_defines(node: Node, ctx: NodeContext) -> bool:
    """`Name: what it is`, `Name - what it is`: its name is what "name the items" asks."""
    term = split_term(node.text, ctx.lang)
    return term is not None and not term.label and not term.implication


def _long_item(node: Node, ctx: NodeContext) -> bool:
    """An item to explain rather than name: long, and not a `Name: what it is` line."""
    return words(node.text) > SHORT_ITEM_WORDS and not _names_and_defines(node, ctx)


def _states(node: Node, ctx: NodeContext) -> bool:
    """A child that is a statement (`Viruses live and reproduce inside cells`), not a name
    or a `Name: what it is` line."""
    return (
        words(node.text) >= STATEMENT_WORDS
        and not _names_and_defines(node, ctx)
        and ctx.has_subject(node)
    )


def _list_or_detail(ctx: NodeContext, kids: tuple[Node, ...]) -> Draft | None:
    node = ctx.node
    parent = title_of(node)
    if words(parent) > LONG_PARENT_WORDS:
        parent = _short_name(ctx) or parent
    # how the question names it: `Volcanoes — Positive Effects — explain (3 points)`
    asked = qualified_title(node, ctx) if parent == title_of(node) else parent
    sentence = ctx.has_subject(node)
    defined = _DEFINED.match(plain(parent)) if len(parent) <= MAX_DEFINED_CHARS else None
    if defined:
        # `Lobbyist, defined` > `Person who contacts government officials ...`
        return Draft(
            rule="definition",
            template="definition",
            fields={"subject": defined.group("name")},
            answer=children_pieces(kids),
            anchor=(concept_key(node, ctx.lang), "definition"),
            kind=CardKind.LIST if len(kids) > 1 else CardKind.BASIC,
        )
    if any(_is_question(k) or (_opens_as_question(k) and k.children) for k in kids):
        ctx.note("its children hold questions: each is asked on its own")
        return None
    if _names_nothing(parent, ctx):
        ctx.note("its lead-in names nothing (`Ainsi, on a :`): its lines are the working")
        return None
    if len(kids) > 1 and len({norm_key(k.text) for k in kids}) == 1:
        ctx.note("its lines are all the same (a template to fill in)")
        return None
    if len(kids) > 1 and all(is_label_line(k) for k in kids):
        ctx.note("its lines are lead-ins (`10-ème siècle :`), each asked with its own lines")
        return None
    labels = ctx.lang.labels
    labelled = [lead_key(k.text) in labels for k in kids]
    if len(kids) > 1 and all(labelled):
        ctx.note("its lines are labelled parts (`Définition :`, `Formule :`), each asked alone")
        return None
    lead = plain(kids[0].text)
    numbers = re.findall(r"\d+", lead)
    if (
        len(kids) > 2
        and not kids[0].children
        and len(lead.split()) >= 4
        and (
            (numbers == [str(len(kids) - 1)] and len(lead.split()) >= LEAD_WORDS)
            or lead.rstrip(" *_").endswith((":", "："))
        )
    ):
        # `+ Below you can find 15 most prominent indicators` then the 15: a lead, not an item
        kids = kids[1:]
    facets = [_is_facet(k, ctx) for k in kids]
    if any(facets) and not all(facets):  # (at least one line is left)
        # `epithelial` > `covers body surfaces`, ... `characteristics` > (its own list): the
        # facets are sub-headings with cards of their own, not items of the list
        kids = tuple(k for k, facet in zip(kids, facets, strict=True) if not facet)
    remarks = [
        lead_key(k.text) in ctx.lang.note_labels
        or label_family(lead_key(k.text), ctx.lang) == "example"  # `Exemple: ...` among items
        for k in kids
    ]
    if any(remarks) and not all(remarks):
        # `**Important**: ...` among the items is a remark on them, asked as such, not an item
        kids = tuple(k for k, remark in zip(kids, remarks, strict=True) if not remark)
    label = unnumbered(plain(parent).strip(" :*_").lower())  # `Exemple 2 :` is an example too
    if label in ctx.lang.glossary_titles and any(_asks_itself(k, ctx) for k in kids):
        ctx.note("a glossary: each term is asked on its own")
        return None
    if label in ctx.lang.labels:
        # `ATTENTION :`, `Reminder`, `Tips`: the lines under the label are the section's remark.
        section = next((a for a in reversed(ctx.ancestors) if plain(title_of(a)).strip()), None)
        family = label_family(parent, ctx.lang)
        if family == "example" and all(_asks_itself(k, ctx) or is_label_line(k) for k in kids):
            ctx.note("its examples are each asked on their own")
            return None
        if family == "definition" and section is not None:
            # `## Injection SQL` > `### Définition` > its lines: what an injection SQL is
            return Draft(
                rule="definition",
                template="definition",
                fields={"subject": title_of(section)},
                answer=children_pieces(kids),
                anchor=(concept_key(section, ctx.lang), "definition"),
                kind=CardKind.LIST if len(kids) > 1 else CardKind.BASIC,
            )
        name = title_of(section) if section else ctx.note_title
        template, fields = remark_fields(parent, name, ctx.lang)
        if family == "example":
            template, fields = "examples", {"parent": name}
        return Draft(
            rule="remark",
            template=template,
            fields=fields,
            answer=children_pieces(kids),
            anchor=(concept_key(node, ctx.lang), "remark"),
            kind=CardKind.LIST if len(kids) > 1 else CardKind.BASIC,
        )
    if len(kids) == 1:
        kid = kids[0]
        if _is_category(kid, ctx):
            ctx.note("its one child is a sub-category: asked with its own children")
            return None
        lists_itself = len(_line_children(kid)) >= 2 and not ctx.short(kid)
        # `**Craik & Tulving**` > `Présentent ... plusieurs types de groupes :` > a list: the
        # line's own list card asks it, with this line as context
        announcing = lists_itself and announces(kid.text)
        if (node.kind in _TITLES and (_asks_itself(kid, ctx) or lists_itself)) or announcing:
            ctx.note("its one line is asked on its own, with this title as context")
            return None
        example = _example_text(kid, ctx)
        if example:
            # `Le dol: ...` > `Ex: changer le kilométrage`: an example of the dol, asked as one
            name = _short_name(ctx) or asked
            return _examples_card(ctx, name, (Piece(example),), detail_of(kid, ctx))
        if (
            node.kind is NodeKind.HEADING
            and not is_generic(parent, ctx.lang)  # `## Symptoms` > `- Loss of appetite`
            and not plural_name(parent, ctx.lang)
            and not (  # `Facteurs de risque`: a French plural heads the title
                ctx.lang.code == "fr"
                and plain(parent).split(" ", 1)[0].lower().endswith(("s", "x"))
            )
            and kid.kind in (NodeKind.ITEM, NodeKind.LINE)
            and not kid.children
            and names_a_kind(kid.text, ctx.lang)
            and _verbless(kid, ctx)
        ):
            # `## Morpheme` > `- Smallest possible unit of meaningful language`: what it is
            return Draft(
                rule="definition",
                template="definition_plural" if plural_name(parent, ctx.lang) else "definition",
                fields={"subject": parent},
                answer=children_pieces(kids),
                anchor=(concept_key(node, ctx.lang), "definition"),
            )
        if kid.kind is NodeKind.MATH:
            template = "formula"
        elif sentence or not ctx.short(node) or node.text.rstrip().endswith((":", "：")):
            template = "detail_sentence"
        else:
            template = "detail"
        return Draft(
            rule=_rule_name(ctx, "detail"),
            template=template,
            fields={"parent": asked},
            answer=children_pieces(kids),
            anchor=(concept_key(node, ctx.lang),),
            # a lead-in's lines are already in its answer (`stable: e.g. guns, abortion`)
            detail=() if is_label_line(kid) else detail_of(kid, ctx),
        )
    if any(k.kind is NodeKind.CODE for k in kids) and not all(
        k.kind is NodeKind.CODE for k in kids
    ):
        # `Un fichier est créé dans /tmp :`, a command, what it does: one example, not a list
        return Draft(
            rule=_rule_name(ctx, "detail"),
            template="detail_sentence" if sentence or announces(node.text) else "detail",
            fields={"parent": asked},
            answer=children_pieces(kids),
            anchor=(concept_key(node, ctx.lang),),
        )
    ordered = all(k.kind is NodeKind.ITEM and k.ordered for k in kids)
    statements = sum(_states(k, ctx) for k in kids)
    if ordered:
        template = "list_ordered"  # steps, even written as sentences: the order is knowledge
    elif 2 * statements > len(kids) and len(kids) > MAX_STATEMENT_ITEMS:
        ctx.note("too many statements to recite as one answer: each is asked on its own")
        return None
    elif 2 * sum(_long_item(k, ctx) for k in kids) > len(kids) and not counts_items(
        plain(node.text), len(kids)
    ):
        # `Pathogens` > `- Pathogens are microorganisms that ...` `- Viruses live ...`: what is
        # said of it, point by point; "name the 2 items" asks for names
        template = "list_sentence"
    elif (
        (sentence or not ctx.short(node))
        and not announces(node.text)
        and not counts_items(plain(node.text), len(kids))
    ):
        template = "list_sentence"
    else:
        template = "list"
    return Draft(
        rule=_rule_name(ctx, "list"),
        template=template,
        fields={"parent": asked, "n": str(len(kids))},
        answer=children_pieces(kids),
        anchor=(concept_key(node, ctx.lang),),
        kind=CardKind.LIST,
        ordered=ordered,
    )


def _example_text(kid: Node, ctx: NodeContext) -> str:
    """What an example line says, without its `Ex:` / `e.g.` lead; "" for any other line."""
    if kid.kind not in (NodeKind.ITEM, NodeKind.LINE):
        return ""
    text = kid.text.strip()
    if ":" in text and label_family(lead_key(text), ctx.lang) == "example":
        return text.split(":", 1)[1].strip()
    opener = EXAMPLE_OPENER.match(text)
    return text[opener.end() :].strip() if opener else ""


MAX_DEFINED_CHARS = 120
_DEFINED = re.compile(
    r"^(?P<name>[^,:\s][^,:]{1,59}?)(?:\s*[,:(]|\s+[-–])\s*"
    r"(?:defined|définie?s?|definition|définition)\s*\)?\s*:?\s*$",
    re.IGNORECASE,
)


def _is_facet(kid: Node, ctx: NodeContext) -> bool:
    """`characteristics`, `Fonctions :`, `Types` over a list of their own: a facet of the parent,
    written as a bullet."""
    name = plain(kid.text).strip(" *_:：").lower()
    return bool(_line_children(kid)) and is_facet_word(name)


def _outline(ctx: NodeContext, subs: tuple[Node, ...]) -> Draft:
    return Draft(
        rule="outline",
        template="outline",
        fields={"parent": title_of(ctx.node), "n": str(len(subs))},
        answer=tuple(Piece(s.text) for s in subs),
        anchor=(norm_key(ctx.node.text),),
        kind=CardKind.LIST,
    )


_INLINE_FORMULA = re.compile(r"^(?P<before>[^$]{0,40}?)\$(?P<math>[^$]+)\$(?P<after>[\s.,;]*)$")
_LHS = re.compile(r"^\s*(?P<lhs>[^=<>≤≥]{1,24}?)\s*(?:=|\\le|\\ge|\\leq|\\geq)")


def _formula(node: Node) -> str:
    """The formula a node is: a `$$...$$` block, or a line that is one `$...$` with `=` in it
    (`En particulier, $v_{n}=v_{0}q^{n}$.`)."""
    if node.kind is NodeKind.MATH:
        return node.text
    if node.kind is NodeKind.LINE:
        m = _INLINE_FORMULA.match(node.text.strip())
        if m and "=" in m.group("math") and len(m.group("before").split()) <= 3:
            return m.group("math").strip()
    return ""


def formula_rule(ctx: NodeContext) -> list[Draft]:
    """A formula under a heading (a formula under a line is that line's detail card). Named by
    its left-hand side when it has a short one, so two formulas in a section ask two things."""
    node, parent = ctx.node, ctx.parent
    formula = _formula(node)
    if not formula or (parent is not None and parent.kind not in _TITLES):
        return []
    title = title_of(parent) if parent is not None else ctx.note_title
    lhs = _LHS.match(formula)
    if (lhs and node.kind is NodeKind.LINE) or (lhs and len(formula) > len(lhs.group("lhs")) + 3):
        assert lhs is not None
        fields = {"parent": title, "lhs": f"${lhs.group('lhs').strip()}$"}
        template, anchor = "formula_of", (norm_key(title), norm_key(lhs.group("lhs")))
    else:
        siblings = [c for c in parent.children if _formula(c)] if parent else [node]
        index = next((i for i, c in enumerate(siblings) if c is node), 0)
        fields, template, anchor = {"parent": title}, "formula", (norm_key(title), str(index))
    return [
        Draft(
            rule="formula",
            template=template,
            fields=fields,
            answer=(Piece(formula, "math"),),
            anchor=anchor,
        )
    ]
