"""What every rule shares: the card draft a rule returns, and the context of the node it reads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Final, TypeVar, cast

from quizgen import markup
from quizgen.config import Config
from quizgen.extract.sentences import (
    Clause,
    analyze_sentence,
    split_sentences,
    unwrap_long_emphasis,
)
from quizgen.extract.separators import (
    POINTER_ONLY,
    TermSplit,
    is_admin_line,
    is_code_scope,
    is_slot,
    lead_key,
    split_term,
    unnumbered,
)
from quizgen.lang import Language, every_language, get_language
from quizgen.model import CardKind, Node, NodeKind
from quizgen.outline import announces

T = TypeVar("T")

BLANK: Final = "\ue001"  # a cloze gap, replaced after rendering
CLOZE_OPEN: Final = "\ue002"  # around a deletion in the Anki cloze text
CLOZE_CLOSE: Final = "\ue003"
SHORT_PARENT_WORDS: Final = 6

# Nodes that carry text a card can be made of.
TEXT_KINDS: Final = frozenset({NodeKind.LINE, NodeKind.ITEM})
# Nodes whose children are their explanation, as a list.
PARENT_KINDS: Final = frozenset(
    {NodeKind.LINE, NodeKind.ITEM, NodeKind.HEADING, NodeKind.CALLOUT, NodeKind.GRAPH_NODE}
)
# Children that can be part of an answer.
ANSWER_KINDS: Final = frozenset(
    {NodeKind.LINE, NodeKind.ITEM, NodeKind.MATH, NodeKind.CODE, NodeKind.GRAPH_NODE}
)


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of an answer: inline Markdown, a formula or a code block."""

    text: str
    kind: str = "text"  # text | math | code
    info: str = ""  # code language


@dataclass(frozen=True, slots=True)
class Draft:
    """A card before rendering and identity: a template and its values (raw Markdown)."""

    rule: str
    template: str
    fields: Mapping[str, str]
    answer: tuple[Piece, ...]
    anchor: tuple[str, ...]  # what the card is about, for its stable id
    kind: CardKind = CardKind.BASIC
    ordered: bool = False
    detail: tuple[Piece, ...] = ()
    cloze: str = ""  # CLOZE: raw text with deletions between CLOZE_OPEN / CLOZE_CLOSE
    line: int = 0  # source line when not the node's own
    reverse: bool = False  # the answer->question twin of the draft before it
    answers: tuple[Node, ...] = ()  # the nodes it answers with, when not the node's children


def plain(text: str) -> str:
    return markup.to_plain(text)


@lru_cache(maxsize=1 << 14)
def is_logistics(text: str, lang: Language) -> bool:
    """`Homework 2 is due Friday`, `On today's agenda:`: the course's organisation (asked for a
    line and again for it as its parent's child)."""
    return lang.logistics.search(plain(text)) is not None


def words(text: str) -> int:
    return len(plain(text).split())


# `Application de la relation fondamentale (suite)`: the second half of a section, same title
_CONTINUED = re.compile(r"\((?:suite|fin|cont(?:inued|'d|\.)?|continuation)\)$", re.IGNORECASE)
_TRAILING = " \t\n\r\f\v:：\u00a0\u202f"  # stripped, not matched: a regex is quadratic on spaces


_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\s?[.):-]|[IVXLCDM]+\s?[.):-]|[A-Za-z][.)])\s+(?=\S)")


def title_of(node: Node) -> str:
    """A node's text as a parent in a question or breadcrumb: trailing colon dropped, and a
    heading's numbering (`6. Keystone species`, `I. Le monopole`) too."""
    return _title(node.text, node.kind is NodeKind.HEADING)


@lru_cache(maxsize=1 << 14)
def _title(text: str, heading: bool) -> str:
    text = text.rstrip(_TRAILING)
    if text.endswith(")"):
        text = _CONTINUED.sub("", text).rstrip(_TRAILING)
    for bold in ("**", "__"):  # `**Principle:**` -> `**Principle**`
        if text.endswith(bold) and len(text) > 2 * len(bold):
            text = text[: -len(bold)].rstrip(_TRAILING) + bold
    if heading:
        text = markup.strip_kinds(text, frozenset({"html"}))
    return _NUMBERING.sub("", text) or text


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[^\w+]+")


@lru_cache(maxsize=1 << 15)
def norm_key(text: str) -> str:
    """Identity-grade normal form: case, accents, punctuation and spacing do not count."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", plain(text))).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class Gap:
    """An emphasised span a cloze can hide (offsets in the node's text)."""

    start: int
    end: int
    body_start: int
    body_end: int
    sentence_start: int
    sentence_end: int


MAX_GAP_WORDS: Final = 8
_TRIVIAL_GAPS: Final = frozenset(
    {"true", "false", "null", "none", "nil", "0", "1", "yes", "no", "vrai", "faux"}
)


@dataclass
class NodeContext:
    """A node seen from where it stands: its ancestors, language, and what rules found so far."""

    node: Node
    ancestors: tuple[Node, ...]
    lang: Language
    config: Config
    note_title: str
    answered: bool = False  # an answer of its parent's list, detail or question card
    notes: list[str] = field(default_factory=list)  # why rules declined, for --explain

    def note(self, why: str) -> None:
        self.notes.append(why)

    @property
    def parent(self) -> Node | None:
        return self.ancestors[-1] if self.ancestors else None

    @cached_property
    def headings(self) -> tuple[Node, ...]:
        return tuple(a for a in self.ancestors if a.kind is NodeKind.HEADING)

    @cached_property
    def breadcrumb(self) -> tuple[str, ...]:
        crumbs: list[str] = []
        for ancestor in self.ancestors:
            if ancestor.kind in (NodeKind.DIAGRAM, NodeKind.DOCUMENT, NodeKind.FLASHCARD):
                continue
            if markup.is_media_only(ancestor.text):
                continue
            text = plain(title_of(ancestor))
            if text:
                crumbs.append(text)
        return tuple(crumbs)

    @cached_property
    def masked(self) -> str:
        return markup.mask(self.node.text)

    @cached_property
    def skip_reason(self) -> str:
        """Why this node's own text can never be a card ("" when it can)."""
        text = self.node.text
        if not text.strip() or not markup.has_content(text):
            return "empty"
        if markup.is_media_only(text):
            return "image only"
        if markup.is_link_only(text) and not self._listed_link(self.node, self.parent):
            return "navigation link only"
        return ""

    @staticmethod
    def _listed_link(node: Node, parent: Node | None) -> bool:
        """`## Traitements` / `- [[Betabloquants]]` / `- [[IEC]]`: a list of linked concepts
        under a subject is content; a lone `[[Index|up]]` line is navigation."""
        if (
            node.kind is not NodeKind.ITEM
            or parent is None
            or not _WIKI_ONLY.match(node.text.strip())
            or markup.is_navigation_word(plain(node.text))  # `[[Index|up]]`, `[[Home]]`
        ):
            return False
        items = [c for c in parent.children if c.kind is NodeKind.ITEM]
        return len(items) >= 2 and parent.kind is not NodeKind.DOCUMENT

    @cached_property
    def answer_children(self) -> tuple[Node, ...]:
        """Children that explain this node (connectors like `ET`, links and empties left out)."""
        kept: list[Node] = []
        for child in self.node.children:
            if child.kind not in ANSWER_KINDS:
                continue
            if child.kind in (NodeKind.LINE, NodeKind.ITEM, NodeKind.GRAPH_NODE):
                text = child.text.strip()
                if not markup.has_content(text) and not markup.is_media_only(text):
                    continue
                link = markup.is_link_only(text) and not self._listed_link(child, self.node)
                if link or plain(text).lower() in self.lang.connectors:
                    continue
                if is_admin_line(text, self.lang):
                    continue  # `Email: ...`, `Location: ...`: course admin, not an answer
                if is_logistics(text, self.lang):
                    continue  # `Homework 2 is due Friday`: not what the parent is
                if not child.children and TRAILING_COLON.search(text) and words(text) <= 5:
                    continue  # `Unit of account:` with nothing after it answers nothing
                if self.is_explicit(text):
                    continue
            kept.append(child)
        return tuple(kept)

    def is_explicit(self, text: str) -> bool:
        """Is this line an explicit card (so never an item of its parent's list)?"""
        seps = self.config.separators
        if "{{c" not in text and not any(
            s and s in text for s in (seps.inline, seps.inline_reversed)
        ):
            return False
        masked = markup.mask(text)
        for sep in (seps.inline_reversed, seps.inline):
            at = masked.find(sep) if sep else -1
            if at > 0:
                left, right = text[:at].strip(), text[at + len(sep) :]
                dataview = re.fullmatch(r"[\w-]+", left) and right[:1].isspace()
                if is_code_scope(text[:at], right):
                    continue
                if sep != seps.inline or not (self.config.dataview_fields and dataview):
                    return True
        return "{{c" in text and bool(re.search(r"\{\{c\d+::", text))

    @cached_property
    def term(self) -> TermSplit | None:
        if self.node.kind not in TEXT_KINDS or self.skip_reason:
            return None
        return split_term(self.node.text, self.lang)

    @cached_property
    def label_family(self) -> str:
        """What a labelled line is (`TL;DR:` summary, `Réponse :` answer, `Def.`...), or ""."""
        term = self.term
        return label_family(term.term, self.lang) if term is not None and term.label else ""

    @cached_property
    def clauses(self) -> tuple[tuple[int, Clause], ...]:
        """(offset in the node's text, clause) for every clause of every sentence."""
        if self.node.kind not in TEXT_KINDS or self.skip_reason:
            return ()
        text = unwrap_long_emphasis(self.node.text)
        offset = 0
        term = self.term
        if term is not None and not term.label and not term.implication:
            return ()  # `Term : definition`: the term rule says it all
        if term is not None:
            # Past a label (`Remarque : ...`, `careful: X -> Y`), the sentence starts after it.
            start_text = term.definition if term.label else term.term
            offset = text.find(start_text) if start_text in text else 0
            text = text[offset:]
        found: list[tuple[int, Clause]] = []
        for start, end in split_sentences(text):
            for inner, clause in analyze_sentence(text[start:end], self.lang):
                found.append((offset + start + inner, clause))
        return tuple(found)

    @cached_property
    def emphasis_gaps(self) -> tuple[Gap, ...]:
        """**Bold**, *italic* and `code` words inside sentences: what the student marked as the
        thing to remember. Not a whole-line label, not a throwaway literal (`true`), nothing an
        Anki cloze cannot hold."""
        node, text = self.node, self.node.text
        if node.kind not in TEXT_KINDS or not any(ch in text for ch in "*_`="):
            return ()
        if not self.clauses and (self.term is None or not self.term.label):
            return ()
        kinds = {"bold", "bolditalic", "italic", "code"}
        if not self.config.separators.highlight_cloze:
            kinds.add("highlight")
        gaps: list[Gap] = []
        for start, end in split_sentences(text):
            sentence = text[start:end]
            sentence_words = len(plain(sentence).split())
            for span in markup.spans(sentence):
                if span.kind not in kinds:
                    continue
                body = sentence[span.body_start : span.body_end]
                body_plain = plain(body)
                n = len(body_plain.split())
                if len(body_plain) < 2 or n > MAX_GAP_WORDS or body_plain.lower() in _TRIVIAL_GAPS:
                    continue
                if "::" in body or "}}" in body or sentence_words - n < (2 if n == 1 else 3):
                    continue
                if body_plain.rstrip(
                    " :"
                ).lower() in self.lang.labels or body_plain.rstrip().endswith(":"):
                    continue  # `**Définition :** ...`: a label, not the word to remember
                rest = plain(sentence[: span.start] + sentence[span.end :]).strip(" -:–—")
                if POINTER_ONLY.match(rest):
                    continue  # `**Course staff** - Slide 15`: nothing to remember around it
                gaps.append(Gap(start + span.start, start + span.end, start + span.body_start,
                                start + span.body_end, start, end))  # fmt: skip
        return tuple(gaps)

    def antecedent(self, offset: int) -> str:
        """The subject a pronoun at `offset` stands for: the subject of the sentence before,
        in this line or in the line just above (same parent). "" when there is none."""
        earlier = [c for o, c in self.clauses if o < offset]
        if not earlier and self.parent is not None:
            siblings = self.parent.children
            index = max(0, sibling_index(self.parent, self.node))
            if index > 0 and siblings[index - 1].kind in TEXT_KINDS:
                earlier = [c for _, c in clauses_of(siblings[index - 1].text, self.lang)]
        if earlier and earlier[-1].kind in _ANTECEDENT_KINDS and earlier[-1].subject:
            subject = earlier[-1].subject
            # `In most systems, orphaned processes` -> `orphaned processes`
            return subject.rsplit(", ", 1)[-1] if earlier[-1].kind == "completion" else subject
        return ""

    def is_intro(self) -> bool:
        """A line that announces its children (`Méthodes :`, a question, `X est composé de`)."""
        return bool(self.node.children) and announces(self.node.text)

    def short(self, node: Node) -> bool:
        return words(title_of(node)) <= SHORT_PARENT_WORDS

    def has_subject(self, node: Node) -> bool:
        """Does this text read as a sentence (a verb after a subject) rather than a name?"""
        if node.kind not in TEXT_KINDS:
            return False
        return any(
            c.kind not in {"fragment", "subjectless"} for _, c in clauses_of(node.text, self.lang)
        )


_WIKI_ONLY: Final = re.compile(r"^\[\[[^\]|#]+(?:\|[^\]]+)?\]\]$")
_NOT_A_CONCEPT: Final = frozenset({"condition", "pronoun", "demonstrative", "generic"})
_ANTECEDENT_KINDS: Final = frozenset(
    {"definition", "called", "named", "purpose", "designates", "consists", "serves", "completion"}
)


_SCAFFOLD = re.compile(
    r"^\W*([^\W\d_]+)\.?\s*(?:n[°o]\.?\s*)?[\dIVXivx]+(?:[.)\-]\d+)*\s*[:.)-]?\W*$"
)


def is_scaffold(text: str, lang: Language) -> bool:
    """`Question 3`, `Exercice 2 :`, `Doc. 1`, `Étape 4`: a worksheet's numbering, not a subject."""
    m = _SCAFFOLD.match(plain(text))
    return m is not None and m.group(1).lower() in lang.scaffold_words


@lru_cache(maxsize=1 << 14)
def clauses_of(text: str, lang: Language) -> tuple[tuple[int, Clause], ...]:
    return tuple(
        (start + inner, clause)
        for start, end in split_sentences(text)
        for inner, clause in analyze_sentence(text[start:end], lang)
    )


# Per-parent facts, computed once per parent rather than once per child (a list of 10,000
# items would be read 10,000 times). Keyed by identity: nodes compare by value, a costly hash.
_PER_PARENT: dict[tuple[int, str], tuple[Node, object]] = {}


def per_parent(parent: Node, name: str, compute: Callable[[Node], T]) -> T:
    key = (id(parent), name)
    cached = _PER_PARENT.get(key)
    if cached is not None and cached[0] is parent:
        return cast(T, cached[1])
    value = compute(parent)
    if len(_PER_PARENT) > 1024:
        _PER_PARENT.clear()
    _PER_PARENT[key] = (parent, value)
    return value


def sibling_index(parent: Node, node: Node) -> int:
    """Where `node` sits among `parent`'s children (-1 if it is not one)."""
    positions = per_parent(parent, "index", lambda p: {id(c): i for i, c in enumerate(p.children)})
    return positions.get(id(node), -1)


def label_family(label: str, lang: Language) -> str:
    """The family of a label (`TL;DR` summary, `Réponse attendue` answer, `Déf.` definition,
    `Exemples` example...), "" for a plain label or none."""
    return lang.title_labels.get(unnumbered(plain(label).strip("*_ :：").lower()), "")


def remark_fields(label: str, parent: str, lang: Language) -> tuple[str, dict[str, str]]:
    """The template of a labelled line's card: `Remarque :` asks what to note, `Issue:` asks the
    issue by name (`Background: Issue?`)."""
    name = plain(label).strip("*_ :：")
    if name.lower() in lang.note_labels or not name:
        return "remark", {"parent": parent}
    return "labelled", {"parent": parent, "label": name}


def children_pieces(nodes: tuple[Node, ...]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    for child in nodes:
        if child.kind is NodeKind.MATH:
            pieces.append(Piece(child.text, "math"))
        elif child.kind is NodeKind.CODE:
            pieces.append(Piece(child.text, "code", child.info))
        elif child.kind is NodeKind.GRAPH_NODE and child.info:
            pieces.append(Piece(f"{child.info} → {child.text}"))
        elif is_label_line(child):
            # `Protocols:` over `TCP: ...` / `UDP: ...`: the item is what it introduces
            # its formula inline; a remark on it (`Remarque : ...`) is no part of it
            remarks = every_language("note_labels")
            lines = [
                f"${k.text.strip()}$" if k.kind is NodeKind.MATH else k.text.strip().rstrip(".;")
                for k in child.children
                if (k.kind in _LINE_KINDS and lead_key(k.text) not in remarks)
                or (k.kind is NodeKind.MATH and "\n" not in k.text)
            ]
            lead = child.text.rstrip()
            lead = lead if TRAILING_COLON.search(lead) else f"{lead}:"
            pieces.append(Piece(f"{lead} {'; '.join(lines)}"))
        else:
            pieces.append(Piece(child.text))
    return tuple(pieces)


_LINE_KINDS: Final = (NodeKind.ITEM, NodeKind.LINE)
_ALL_BOLD = re.compile(r"(\*\*|__)[^*_]+\1")
# A colon ending a line, perhaps inside its emphasis (`**10-ème siècle:**`); group 1 the closer.
TRAILING_COLON = re.compile(r"\s*[:：]+\s*(\*\*|__|\*|_)?\s*$")


def is_label_line(node: Node) -> bool:
    """`**10-ème siècle:**`, `Protocols:`, `examples` over lines of their own: a lead-in, not
    a fact."""
    if node.kind not in _LINE_KINDS or not any(k.kind in _LINE_KINDS for k in node.children):
        return False
    # labels are shared by every language (a French note says `Example` too)
    labels = get_language(None).labels
    text = node.text.strip()
    return (
        bool(TRAILING_COLON.search(text))
        or plain(text).strip(" *_").lower() in labels
        or bool(_ALL_BOLD.fullmatch(text))  # `**Correlation Coefficient**`: a sub-heading
    )


def detail_of(node: Node, ctx: NodeContext) -> tuple[Piece, ...]:
    """A node's children, shown as extra detail under an answer."""
    sub = NodeContext(node, (), ctx.lang, ctx.config, ctx.note_title)
    return children_pieces(sub.answer_children)


# `Basic unit of speech sound`, `Ensemble de règles qui ...`: a kind of something, the way a
# definition without its verb starts
_KIND_OF = re.compile(
    r"^[^\W\d_]+(?:[ -][^\W\d_]+){0,2}\s+(?:(?:of|de|des|du)\s+|d['’])\w", re.IGNORECASE
)


def names_a_kind(text: str, lang: Language) -> bool:
    """`Basic unit of speech sound`, `Ensemble de règles`: a definition without its verb (not
    `Agir en fonction de ...`, an instruction)."""
    said = plain(text).strip(" *_")
    first = said.split(" ", 1)[0].lower()
    verb = first in lang.verb_forms or first in lang.infinitives
    return not verb and _KIND_OF.match(said) is not None


def plural_name(title: str, lang: Language) -> bool:
    """`### Phones`: "What are phones?" (not `Physics`, `Analysis`, `Virus`)."""
    last = plain(title).strip(" *_").rsplit(None, 1)[-1].lower() if plain(title).strip() else ""
    return (
        lang.code == "en"
        and last.endswith("s")
        and not last.endswith(("ss", "us", "is", "as", "ics", "'s", "species", "series", "betes"))
        and len(last) > 3
    )


# `e.g. guns, abortion`, `par ex. ...`, `For instance, ...`: an example without a `Label:`
EXAMPLE_OPENER: Final = re.compile(
    r"^(?:e\.\s?g\.?|eg\b|for (?:example|instance)|par ex(?:emple|\.)?|ex\.)[\s,:]+",
    re.IGNORECASE,
)
MAX_GENERIC_WORDS: Final = 3


@cache
def _facet_words() -> frozenset[str]:
    # every language's: notes mix them (`## Symptoms` in a French note)
    return every_language("relational_nouns") | every_language("facet_words")


def is_facet_word(word: str) -> bool:
    """`effects`, `avantages`, `characteristics`: a word naming a facet of something else."""
    return word in _facet_words()


def is_generic(title: str, lang: Language) -> bool:
    """`Positive Effects`, `Causes`, `Types`, `Fall 1`, `Exemple`: a title that names a facet
    of something else, meaningless in a question without it."""
    words = plain(title).strip(" *_:").lower().replace("’", "'").split()
    if not words or len(words) > MAX_GENERIC_WORDS:
        return False
    key = " ".join(words)
    if key in lang.labels or is_slot(key, lang):
        return True  # `Exemple`, `Partie 2`
    if any(w in lang.prepositions for w in words[1:]):
        return False  # `Causes of Containment`, `Effets de la crise`: it names its owner
    content = [w for w in words if w not in lang.articles]
    qualifiers = every_language("qualifiers")
    for head, others in ((content[-1], content[:-1]), (content[0], content[1:])) if content else ():
        # `Positive Effects`, `Effets positifs`, `Avantages`; not `Placebo Effect`
        if is_facet_word(head) and all(w in qualifiers or w.isdigit() for w in others):
            return True
    return False


def qualified_title(node: Node, ctx: NodeContext, ancestors: tuple[Node, ...] | None = None) -> str:
    """A node's title for a question: a generic one (`### Positive Effects`) prefixed by the
    nearest ancestor that names a thing (`Volcanoes — Positive Effects`). `ancestors` are the
    node's own when it is not ctx's node (a term's parent)."""
    title = title_of(node)
    if not is_generic(title, ctx.lang):
        return title
    named = next(
        (
            title_of(a)
            for a in reversed(ctx.ancestors if ancestors is None else ancestors)
            if a.kind in (NodeKind.HEADING, NodeKind.ITEM, NodeKind.LINE, NodeKind.CALLOUT)
            and markup.has_content(a.text)
            and not is_generic(title_of(a), ctx.lang)
        ),
        ctx.note_title.replace("_", " "),  # a file name's underscores are no emphasis
    )
    named = named.rstrip(" :：")
    if not named or norm_key(named) == norm_key(title):
        return title
    return ctx.lang.template("qualified", {"parent": named, "title": title})


def concept_key(node: Node, lang: Language) -> str:
    """What a node is about, for identities: a term, a sentence's subject, or its text."""
    if node.kind in TEXT_KINDS:
        term = split_term(node.text, lang)
        if term is not None and not term.label and not term.implication:
            return norm_key(term.term)
        for _, clause in clauses_of(node.text, lang):
            if clause.subject and clause.kind not in _NOT_A_CONCEPT:
                return norm_key(clause.subject)
            break
    return norm_key(title_of(node))
