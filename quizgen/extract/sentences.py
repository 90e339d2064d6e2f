"""Light clause analysis: where a sentence's subject ends and what its verb says about it.

No tagger, no model: word lists from the language's data file and a few positional habits of
note-taking prose (`X est une ...`, `X permet de ...`, `When ..., ...`). The analysis works on
`markup.mask()`ed text, so a code span or a formula is one opaque word and a `:` inside a
formula is never a separator; spans are then cut from the raw text, so no markup is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from quizgen.lang import Language, phrases_of
from quizgen.markup import MASK, ZWSP, mask, spans

MAX_SUBJECT_WORDS: Final = 14  # French elisions (`l'`, `d'`) count as words
_EMPHASIS: Final = frozenset({"bold", "italic", "highlight"})
_EDGE_PUNCT: Final = '.,;:!?()[]{}"«»“”‘’…*_=~\u200b'
_TOKEN_ELIDING = re.compile(r"[^\W\d_]{1,7}['’](?=[^\W\d_]|" + MASK + r")|\S+")
_TOKEN_PLAIN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”)]?\s+(?=[\"«“(\[$*_`=" + MASK + r"]{0,3}[^\W\d_a-zà-ÿ])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|cf|ex|vs|fig|p|pp|dr|mr|mrs|ms|mme|mlle|st|no|vol|ch|sec|approx|resp"
    r"|env|av|apr|J\.-C)|\b[A-Za-z])\.$",
    re.IGNORECASE,
)


class Token(NamedTuple):  # a tuple: sentences make thousands of them
    start: int
    end: int
    word: str  # lower case, edge punctuation stripped; MASK for an opaque span
    depth: int  # parenthesis depth at the token's start
    capital: bool = False  # starts with a capital letter (`Code` in `Error Correction Code`)


@dataclass(frozen=True, slots=True)
class Clause:
    """What a sentence says, cut into a question side and an answer side (raw Markdown)."""

    kind: str  # see analyze()
    template: str = ""
    subject: str = ""  # question side: the subject, a stem or an introductory clause
    predicate: str = ""  # answer side
    subject_end: int = 0  # where the question side ends in the sentence
    # `pronoun`: `They remain zombies until` | `their parent ...`, when there is such a cut
    split_stem: str = ""
    split_rest: str = ""
    # `Pour Sartre, la conscience est ...`: whose definition it is, asked with it
    scope: str = ""
    # `completion` with a short subject: `Freud suppose` | `des pensées inconscientes ...`
    verb_stem: str = ""
    verb_object: str = ""


def plain_start(text: str) -> str:
    """The text without the emphasis markers it opens with (`**Quels sont ...`)."""
    return text.lstrip(" *_=\u200b")


def asks(text: str) -> bool:
    """Does this Markdown end as a question: `... ?`, `**Quelles sont ... ?**`, a bold made
    invisible (zero-width spaces), or `concordant?:` before its answer?"""
    return text.rstrip(" \t*_\u200b:：").endswith(("?", "？"))


# Opens like a question even without its `?` (`**Quels sont les objectifs du Code** :`).
QUESTION_OPENING = re.compile(
    r"^(?:c['’]est quoi|qu['’]est[- ]ce qu|pourquoi|quel(?:le)?s? (?:est|sont)|à quoi sert"
    r"|what (?:is|are|does|do)|what['’]s|why (?:is|are|does|do|did))\b",
    re.IGNORECASE,
)
EDITORIAL = re.compile(r"^\\?\[[^\[\]]*\\?\][.!]?$")


@lru_cache(maxsize=1 << 14)
def tokenize(masked: str, lang: Language, raw: str = "") -> tuple[Token, ...]:
    """Words of `masked`. Words inside **bold** or *italic* in `raw` count as opaque: an
    emphasised span names a thing, its words are never the sentence's verb."""
    pattern = _TOKEN_ELIDING if lang.elisions else _TOKEN_PLAIN
    emphasis = [(s.start, s.end) for s in spans(raw) if s.kind in _EMPHASIS] if raw else []
    tokens: list[Token] = []
    depth = 0
    for m in pattern.finditer(masked):
        text = m.group(0)
        if MASK in text or (emphasis and any(a <= m.start() < b for a, b in emphasis)):
            word = MASK
        elif text[-1:] in "'’" and len(text) <= 8:
            word = text.lower().replace("’", "'")
        else:
            word = text.lower().strip(_EDGE_PUNCT).replace("’", "'")
        first = text.lstrip(_EDGE_PUNCT)[:1]
        inside = depth + (1 if text[:1] in "([" else 0)  # `(adresse réseau)` is bracketed too
        tokens.append(Token(m.start(), m.end(), word, inside, first.isupper()))
        if "(" in text or ")" in text or "[" in text or "]" in text:
            opened = text.count("(") + text.count("[") - text.count(")") - text.count("]")
            depth = max(0, depth + opened)
    return tuple(tokens)


@lru_cache(maxsize=1 << 14)
def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans in `text` (which may hold Markdown: masked spans never split)."""
    masked = mask(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(masked):
        if _ABBREVIATION.search(masked[max(start, m.start() - 12) : m.start() + 1]):
            continue
        end = m.start() + len(m.group(0).rstrip())
        if masked[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if masked[start:].strip():
        spans.append((start, len(text)))
    return tuple(spans)


def _elliptic(subject: list[str], lang: Language) -> bool:
    """A short subject that only counts or ranks what an earlier sentence named: `Two
    strings`, `Each vertex`, `Les plus importants`, `L'une des plus importantes`."""
    if subject[0] in lang.quantifiers and len(subject) <= 2:
        return True
    at = next((i for i, w in enumerate(subject) if w in lang.superlatives), -1)
    return (
        0 < at <= 3
        and len(subject) <= at + 2
        and all(w in lang.articles or w in lang.quantifiers for w in subject[:at])
    )


def _phrase_at(words: list[str], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """Length of the longest phrase of `phrases` starting at word i (0 if none)."""
    if i >= len(words):
        return 0
    for phrase in _by_first_word(phrases).get(words[i], ()):  # longest first
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


@lru_cache(maxsize=64)
def _by_first_word(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(group) for first, group in index.items()}


@lru_cache(maxsize=8)
def _connector_phrases(connectors: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    return phrases_of(connectors)


def _comma_after(masked: str, tokens: tuple[Token, ...], i: int) -> int | None:
    """Offset of the first comma at parenthesis depth 0 after token i."""
    depth = 0
    for pos in range(tokens[i].start if i < len(tokens) else len(masked), len(masked)):
        ch = masked[pos]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            return pos
    return None


def _is_verb(word: str, lang: Language, weak: bool) -> bool:
    return word in lang.verb_forms or (weak and word in lang.past_forms)


def find_verb(tokens: tuple[Token, ...], start: int, lang: Language) -> int | None:
    """Index of the main verb of the clause starting at `start`, or None.

    Skips words inside parentheses, nouns after an article or preposition, and the verb of a
    relative clause; of two verb-like words in a row the first is a noun (`processes runs`).
    `-ed` forms are only tried when nothing else matched: they are adjectives as often."""
    limit = min(len(tokens), start + MAX_SUBJECT_WORDS + 1)
    if tokens[start].word in lang.reflexives or tokens[start].word in lang.negations:
        return start  # `s'installent ...`, `ne ...`: the sentence starts with its verb
    for weak in (False, True):
        relatives = 0
        i = start
        while i < limit:
            token = tokens[i]
            word = token.word
            if token.depth > 0 or word == MASK or (token.capital and i > start):
                i += 1  # bracketed, opaque, or a capitalised word inside a name
                continue
            if i > start and word in lang.relative_pronouns:
                relatives += 1
                i += 1
                continue
            if (
                i > start
                and word in lang.prepositions
                and tokens[i - 1].word not in lang.pronouns
                and not (weak and i + 1 < len(tokens) and tokens[i + 1].word in lang.prepositions)
            ):
                # `La relation entre offreurs`, `Mammals like whales`: not `il entre`, nor (on
                # the second pass) `Le sodium entre dans la cellule`
                i += 1
                continue
            particle = word in lang.negations or word in lang.reflexives
            if particle and i > start and i + 1 < len(tokens):
                # `ne contient`, `se fait`, `n'est`: the verb phrase starts at the particle.
                nxt = tokens[i + 1].word
                if _is_verb(nxt, lang, weak) or nxt in lang.negations:
                    if relatives:
                        relatives -= 1
                        i += 2
                        continue
                    return i
            if word in lang.ambiguous_verbs:
                nxt = tokens[i + 1].word if i + 1 < len(tokens) else ""
                verbal = nxt in lang.articles or nxt in lang.ambiguous_followers
                if not (verbal or nxt.endswith(lang.participle_suffixes)):
                    i += 1
                    continue
            if weak and word in lang.past_forms and i + 2 >= len(tokens):
                i += 1  # `CPU bound process`: a participle near the end describes a noun
                continue
            # `Claudius attempted to ...`: right after a one-word name, an `-ed` form is its verb
            named = (
                i == start + 1
                and tokens[start].capital
                and word in lang.past_forms
                # `Claudius attempted to ...`, not `Shovel shaped incisor`: a verb goes on with
                # an article, a preposition or a pronoun
                and (
                    i + 1 >= len(tokens)
                    or tokens[i + 1].word in lang.articles
                    or tokens[i + 1].word in lang.prepositions
                    or tokens[i + 1].word in lang.pronouns
                )
            )
            if _is_verb(word, lang, weak) or named:
                previous = tokens[i - 1].word if i > start else ""
                # `the use`, `de structure`: a noun. But `This happens`: `this` stands alone.
                alone = i - 1 == start and previous in lang.pronouns
                # `Verginius's return`: what a possessive owns is a noun too
                possessive = previous.endswith(("'s", "s'")) and len(previous) > 2
                if (
                    previous in lang.articles or previous in lang.prepositions or possessive
                ) and not alone:
                    i += 1
                    continue
                strong_here = word in lang.copulas or word in lang.auxiliaries
                if (
                    i == start
                    and not strong_here
                    and not _definitional([t.word for t in tokens], i, lang)[0]
                ):
                    later = _strong_verb(tokens, i + 1, limit, lang)
                    if later is not None:  # `Structure probabiliste permet de`: a noun first
                        return later
                if relatives:
                    relatives -= 1
                    i += 1
                    continue
                strong = word in lang.copulas or word in lang.auxiliaries
                if not strong and i + 1 < len(tokens) and i > start:
                    nxt = tokens[i + 1].word
                    if _is_verb(nxt, lang, weak) and nxt not in lang.articles:
                        i += 1
                        continue
                return i
            i += 1
    return None


_YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")


def is_date(text: str, lang: Language) -> bool:
    """`Le 18 mars 1871`, `In 1914`, `4 septembre`: a short phrase that is a date."""
    words = re.findall(r"\w+", text.lower())
    return len(words) <= 6 and (bool(_YEAR.search(text)) or any(w in lang.months for w in words))


def _strong_verb(tokens: tuple[Token, ...], start: int, limit: int, lang: Language) -> int | None:
    """A copula, auxiliary or definitional verb in tokens[start:limit], not after an article,
    and not past a word that opens a subordinate clause (`si`, `que`, `when`...)."""
    words = [t.word for t in tokens]
    for i in range(start, limit):
        if words[i] in lang.relative_pronouns or _phrase_at(words, i, lang.subordinators):
            return None
        if (
            tokens[i].depth > 0
            or words[i - 1] in lang.articles
            or words[i - 1] in lang.prepositions
        ):
            continue
        if (
            words[i] in lang.copulas
            or words[i] in lang.auxiliaries
            or _definitional(words, i, lang)[0]
        ):
            return i
    return None


def _definitional(words: list[str], i: int, lang: Language) -> tuple[str, int]:
    phrases, templates = _definitional_phrases(lang.definitional)
    n = _phrase_at(words, i, phrases)
    return (templates[tuple(words[i : i + n])], n) if n else ("", 0)


@lru_cache(maxsize=64)
def _definitional_phrases(
    definitional: tuple[tuple[tuple[str, ...], str], ...],
) -> tuple[tuple[tuple[str, ...], ...], dict[tuple[str, ...], str]]:
    """The definitional phrases (longest first, as _phrase_at wants them) and each one's family."""
    return tuple(phrase for phrase, _ in definitional), dict(definitional)


def _rest(raw: str, tokens: tuple[Token, ...], i: int) -> str:
    return raw[tokens[i].start :].strip().rstrip(" :：") if i < len(tokens) else ""


def _split_trailing_parenthesis(subject: str) -> tuple[str, str]:
    """`Tableau associatif (aussi appelé dictionnaire)`: the name, and the aside for the answer.
    An acronym or its expansion (`MPF (maturation-promoting factor)`) stays with the name: it
    names the thing, and in the answer it would give the answer away."""
    m = re.search(r"\s*(\([^()]*\))\s*$", subject)
    if m and m.start() > 0 and MASK not in m.group(1):
        name, aside = subject[: m.start()].rstrip(), m.group(1)
        inner = aside[1:-1].strip()
        if _ACRONYM_LIKE.fullmatch(inner) or _ACRONYM_LIKE.fullmatch(
            name.split()[-1] if name else ""
        ):
            return subject, ""
        return name, aside
    return subject, ""


_ACRONYM_LIKE = re.compile(r"[A-Z][A-Za-z0-9&]{0,9}[A-Z0-9]")


# `"Topique" est le nom donné par Freud ...`: a quoted name, then what the sentence says of it
_QUOTED_NAME = re.compile(r'^[«"“„]\s*[^\s»"”“„](?:[^»"”“„]{0,30}[^\s»"”“„])?\s*[»"”“]\s*\w')


def analyze(raw: str, lang: Language) -> Clause | None:
    """Analyse one sentence. Kinds:

    - `named` (`On appelle X Y`), `condition` (`Quand X, Y`): ready-made question and answer;
    - `definition`, `called` and the definitional families (`purpose`, `designates`...);
    - `completion`: a subject and what the sentence says of it;
    - `subjectless` (starts with its verb) and `fragment` (no verb): the caller may supply the
      subject from the heading above;
    - `pointer` (`See ...`), `rejected` (`c'est ...`, `it is ...`): no card.
    """
    masked = mask(raw)
    tokens = tokenize(masked, lang, raw)
    if not tokens:
        return None
    stripped = raw.strip()
    opening = QUESTION_OPENING.match(plain_start(stripped))
    if asks(stripped) or (opening and not opening.group(0).lower().startswith("what")):
        # asks, does not tell: the question rule answers it (`What is good is whatever ...`
        # opens like a question and is none)
        return Clause("question")
    if stripped[:1] in '«"“„' and not _QUOTED_NAME.match(stripped):
        return Clause("quotation")  # a quoted saying, not a statement about its first words
    if EDITORIAL.match(stripped):
        return Clause("pointer")  # `[xxx check maths!]`, `[à compléter]`: a note to oneself
    if lang.personal.search(masked):
        return Clause("personal")  # `Quand j'étais au lycée, j'ai vécu ...`: a story, not a fact
    words = [t.word for t in tokens]
    if words[0] in lang.pointers or (len(words) > 1 and f"{words[0]} {words[1]}" in lang.pointers):
        return Clause("pointer")

    n = _phrase_at(words, 0, lang.named_openers)
    if n:
        for i in range(n + 1, len(tokens)):
            if words[i] in lang.articles:
                subject = raw[tokens[n].start : tokens[i - 1].end]
                return Clause("named", "named", subject, _rest(raw, tokens, i), tokens[i - 1].end)
        return None

    start = 0
    n = _phrase_at(words, 0, _connector_phrases(lang.leading_connectors))
    if n and len(words) > n + 1:
        # `Mais la Commune ...`, `D'abord Rome est ...`, `De même, si l'on regarde ...`: read
        # the sentence without its link to the last one.
        return analyze(raw[tokens[n].start :], lang)
    if len(words) > 2 and words[0] in lang.labels and raw.lstrip().split(" ", 1)[0].endswith("."):
        # `Thm. ...`, `Lemma. ...`: a statement introduced by its kind.
        return analyze(raw[tokens[1].start :], lang)
    n = _phrase_at(words, 0, lang.subordinators)
    if n and _phrase_at(words, 0, lang.intro_words) > n:
        n = 0  # `As a result, ...`: a longer opening phrase than the subordinator `as`
    if n and lang.not_definitions.search(raw.lstrip(ZWSP + "=*_ ")):
        return Clause("rejected")  # `Once upon a time, ...`, `If you click ..., ...`
    if n and n < len(words) and words[n] in lang.demonstratives:
        # `Lorsque cette conséquence est bénéfique, ...`, `When it erupts, ...`: of what?
        return Clause("anaphoric")
    if n:
        comma = _comma_after(masked, tokens, n)
        if comma is not None:
            condition, consequence = raw[:comma].strip(), raw[comma + 1 :].strip()
            after = next((i for i, t in enumerate(tokens) if t.start > comma), len(tokens))
            # `Lorsqu'on rédige un contrat il faut écrire les conditions, la raison et ...`:
            # a comma inside an enumeration (an article, no verb, a coordinator), not the
            # comma before the consequence
            enumerated = (
                after < len(tokens)
                and words[after] in lang.articles
                and find_verb(tokens, after, lang) is None
                and any(_phrase_at(words, i, lang.coordinators) for i in range(after, len(tokens)))
            )
            if len(consequence.split()) >= 2 and not enumerated:
                return Clause("condition", "condition", condition, consequence, comma)
        # `Si X alors Y`, `If X then Y`: the consequence word does the comma's work.
        for i in range(n + 1, len(tokens) - 1):
            if tokens[i].depth == 0 and words[i] in lang.consequence_words:
                condition = raw[: tokens[i].start].strip().rstrip(",")
                return Clause("condition", "condition", condition, raw[tokens[i].start :].strip(),
                              tokens[i].start)  # fmt: skip
        return None
    n = _phrase_at(words, 0, lang.intro_words)
    comma = _comma_after(masked, tokens, 0)
    dated = comma is not None and is_date(masked[:comma], lang)
    if comma is not None and (n or dated or (len(tokens) > 1 and tokens[1].start > comma)):
        # `En pratique, ...`, `Unlike X, ...`, `Maintenant, ...`: the clause starts after it.
        start = next((i for i, t in enumerate(tokens) if t.start > comma), len(tokens))
        if start >= len(tokens) or start > MAX_SUBJECT_WORDS:
            return None
    scope = _scope(raw[:comma].strip(), tokens[:start], lang) if start else ""
    main = raw[tokens[start].start :]
    if start == 0:
        n = _phrase_at(words, 0, lang.restating_openers)
        # a kind narrowed by what follows (`une structure de données qui ...`), not a judgement
        # (`C'est un sujet important`)
        narrowed = any(
            w in lang.relative_pronouns or w in lang.prepositions for w in words[n + 2 : n + 8]
        )
        if n and n < len(words) and words[n] in lang.articles and narrowed:
            # `C'est une structure de données ...` right under `## Filtre de Bloom`: what the
            # title is (the caller decides whether the line speaks of the title)
            return Clause("restated", "definition", "", _rest(raw, tokens, n))
    if lang.not_definitions.search(main.lstrip(ZWSP + "=*_ ")):
        return Clause("rejected")

    verb = find_verb(tokens, start, lang)
    if verb is None:
        return Clause("fragment", predicate=main.strip())
    if verb == start:
        template, length = _definitional(words, verb, lang)
        if template:
            return Clause("subjectless", template, "", _rest(raw, tokens, verb + length))
        return Clause("subjectless", "completion", "", main.strip())

    commas = [
        i for i in range(start, verb) if tokens[i].depth == 0 and masked[tokens[i].end - 1] == ","
    ]
    listing = commas and any(
        _phrase_at(words, i, lang.coordinators) for i in range(commas[-1], verb)
    )
    if commas and commas[-1] + 1 < verb and not listing:  # `TCP, UDP and ICMP are` is one subject
        # `n vectors, there exist ...`, `In 1900, the Empire ...`: what precedes the last
        # comma before the verb sets the scene; the subject comes after it.
        start = commas[-1] + 1
        if lang.not_definitions.search(raw[tokens[start].start :]):
            return Clause("rejected")
    subject_tokens = tokens[start:verb]
    if len(subject_tokens) > 1 and subject_tokens[-1].word in lang.resumptive:
        subject_tokens = subject_tokens[:-1]  # `Le seul parti révolutionnaire, c'est ...`
    subject_end = subject_tokens[-1].end
    subject = raw[subject_tokens[0].start : subject_end]
    subject_words = [t.word for t in subject_tokens]
    single = len(subject_tokens) == 1
    if subject_words[0] in lang.demonstratives and not single:
        return Clause("anaphoric")  # `Ces deux implémentations ...`: about an earlier sentence
    if _elliptic(subject_words, lang):
        return Clause("anaphoric")  # `Each vertex ...`, `Les plus importants ...`: of what?
    inner = range(1, len(subject_words))
    if any(_phrase_at(subject_words, i, lang.mid_subordinators) for i in inner):
        return None  # `x car y est ...`: the verb found belongs to a subordinate clause
    if any(subject_words[i] in lang.clause_breakers for i in inner):
        return None  # `Il n'y a pas de valeur mais c'est moi ...`: two clauses, no subject
    if any(w in lang.condition_words for w in subject_words):
        return None  # `Ou bien si c'est un accessoire`: a condition, not a subject
    if len(subject_words) > 1 and subject_words[-1] in lang.clitics:
        return Clause("anaphoric")  # `Les femmes y sont réduites ...`: there, where?
    if (
        len(subject_words) == 2
        and subject_words[0] in lang.pronouns
        and (subject_words[1] in lang.intensifiers or subject_words[1] in lang.leading_connectors)
    ):
        single = True  # `It also includes ...`: the pronoun is the whole subject
        subject_tokens = subject_tokens[:1]
        subject_words = subject_words[:1]
        subject_end = subject_tokens[-1].end
        subject = raw[subject_tokens[0].start : subject_end]
    if single and subject_words[0] in lang.pronouns:
        if subject_words[0] in lang.generic_pronouns:
            verb_end = tokens[verb].end
            rest = raw[verb_end:].strip()
            return Clause("generic", "completion", raw[:verb_end].strip(), rest, verb_end)
        stem, rest = "", ""
        for i in range(verb + 1, len(tokens)):
            length = _phrase_at(words, i, lang.mid_subordinators)
            if length and i + length < len(tokens):
                cut = tokens[i + length - 1].end
                stem, rest = raw[:cut].strip(), raw[cut:].strip()
                break
        kind = "pronoun" if subject_words[0] in lang.personal_pronouns else "demonstrative"
        predicate = raw[tokens[verb].start :].strip()
        return Clause(kind, "completion", subject, predicate, subject_end, stem, rest)

    template, length = _definitional(words, verb, lang)
    if template:
        predicate = _rest(raw, tokens, verb + length)
        return (
            Clause(template.split("_")[0], template, subject, predicate, subject_end)
            if predicate
            else None
        )

    word = words[verb]
    if word in lang.copulas:
        after = verb + 1
        called = _phrase_at(words, after, lang.called)
        complement = after + called
        rest_words = words[complement:]
        name_like = complement < len(tokens) and (
            words[complement] in lang.articles or tokens[complement].capital or len(rest_words) <= 4
        )
        subordinate = any(
            _phrase_at(rest_words, i, (*lang.subordinators, *lang.mid_subordinators))
            for i in range(len(rest_words))
        )
        if called and name_like and not subordinate:
            return Clause(
                "called", "called", subject, _rest(raw, tokens, after + called), subject_end
            )
        conditional = any(_phrase_at(words, i, lang.conditionals) for i in range(after, len(words)))
        if (
            after < len(tokens)
            and (words[after] in lang.copula_articles or _kind_of(tokens, after, word, lang))
            and not conditional
            and not dated  # after `Le 18 mars 1871,` the sentence states, it does not define
        ):
            number = lang.copulas[word]
            template = "definition_plural" if number == "plural" else "definition"
            # `Un ampholyte (ou espèce amphotère) est ...`: the aside names the same thing, it
            # belongs with the name in "Qu'est-ce qu'un ampholyte (ou espèce amphotère) ?".
            predicate = _rest(raw, tokens, after)
            return Clause("definition", template, subject, predicate, subject_end, scope=scope)

    stem_start = tokens[start].start
    name, aside = _split_trailing_parenthesis(raw[stem_start:subject_end])
    stem = (raw[:stem_start] + name).strip()
    predicate = f"{aside} {raw[tokens[verb].start :].strip()}".strip().rstrip(" :：")
    if len(predicate.split()) < 2:
        return Clause("fragment", predicate=main.strip())  # `... spanning set.`: no statement
    chain = _verb_chain_end(tokens, verb, lang)
    # `Freud suppose`, `Roots merge`: a verb that says something (not `is`, `may`, `doit`), not
    # cut from what follows it by a comma (`Snow falls, compacting ...`)
    verb_word = words[verb]
    telling = (
        verb_word not in lang.copulas
        and verb_word not in lang.auxiliaries
        and verb_word not in lang.negations
        and verb_word not in lang.prepositions  # `L'écart entre Paris et ...`
        and chain < len(tokens)
        and not _after_comma(masked, tokens[chain].start)
        and any(ch.isalpha() for ch in stem)
    )
    if (
        len(stem.split()) <= NAME_SUBJECT_WORDS  # `Au Ve siècle, les Athéniens …` says enough
        and telling
        and not aside
        and len(tokens) - chain >= MIN_OBJECT_WORDS
        and not _phrase_at(words, chain, lang.coordinators)
    ):
        # `Freud …` asks nothing a second `Freud …` does not: `Freud suppose …` does. A short
        # subject may take its verb into the question (see Clause.verb_end).
        cut = tokens[chain - 1].end
        object_ = raw[tokens[chain].start :].strip().rstrip(" :：")
        return Clause("completion", "completion", stem, predicate, subject_end,
                      verb_stem=raw[:cut].strip(), verb_object=object_)  # fmt: skip
    return Clause("completion", "completion", stem, predicate, subject_end)


def _adverbial_connector(word: str, lang: Language) -> bool:
    """`ensuite`, `donc`, `also`: a linking adverb, not a conjunction or a preposition."""
    return (
        word in lang.leading_connectors
        and word not in lang.prepositions
        and word not in lang.clause_breakers
        and not any(phrase == (word,) for phrase in lang.coordinators)
        and word not in lang.relative_pronouns
    )


MAX_SCOPE_WORDS: Final = 5


def _scope(intro: str, tokens: tuple[Token, ...], lang: Language) -> str:
    """`Selon Durkheim`, `Pour Sartre`, `According to Kant`: an opening that says whose view the
    sentence gives ("" for `En pratique`, `Pour calculer x`)."""
    if not tokens or len(tokens) > MAX_SCOPE_WORDS:
        return ""
    said = intro.lower().replace("’", "'")
    if said.startswith(tuple(f"{a} " for a in lang.attributions)):
        return intro
    named = len(tokens) > 1 and tokens[1].capital
    return intro if tokens[0].word in lang.scope_words and named else ""


NAME_SUBJECT_WORDS: Final = 2  # `Freud`, `Le dol`: a subject this short says nothing alone
MIN_OBJECT_WORDS: Final = 3  # words the answer keeps once the verb moves to the question


def _verb_chain_end(tokens: tuple[Token, ...], verb: int, lang: Language) -> int:
    """The token after a verb group: `suppose`, `ne dépend`, `va mettre`, `has been used`,
    `dominent ensuite`."""
    i = verb + 1
    while i < len(tokens) and (
        tokens[i].word in lang.verb_forms
        or tokens[i].word in lang.negations
        or tokens[i].word in lang.auxiliaries
        or tokens[i].word in lang.intensifiers
        or _adverbial_connector(tokens[i].word, lang)
        or (
            tokens[i - 1].word in lang.auxiliaries
            and tokens[i].word.endswith(lang.participle_suffixes)
        )
    ):
        i += 1
    return i


MAX_KIND_WORDS: Final = 3


def _kind_of(tokens: tuple[Token, ...], after: int, copula: str, lang: Language) -> bool:
    """`Pathogens are microorganisms that cause disease`: a plural copula, a bare class noun
    (perhaps with an adjective) and a relative clause that narrows it is a definition too."""
    if lang.copulas.get(copula) != "plural":
        return False
    for i in range(after, min(len(tokens), after + MAX_KIND_WORDS + 1)):
        word = tokens[i].word
        if word in lang.relative_pronouns:
            return i > after
        if (
            word == MASK
            or tokens[i].depth > 0
            or word in lang.verb_forms
            or word in lang.stopwords
            or word in lang.prepositions
            or not word.isalpha()
        ):
            return False
    return False


_APPOSITIVE = re.compile(r",\s+(?:which|qui)\s+(?:is|est)\s+", re.IGNORECASE)


def appositives(raw: str, lang: Language) -> list[Clause]:
    """`..., pid_t, which is a signed integer type` -> a definition of the emphasised term."""
    masked = mask(raw)
    found: list[Clause] = []
    for m in _APPOSITIVE.finditer(masked):
        before = masked[: m.start()].rstrip()
        term_match = re.search(r"(" + MASK + r"+|\*\*[^*]+\*\*|\b[A-Z][A-Z0-9]{1,9})$", before)
        after = raw[m.end() :]
        first_word = after.split(maxsplit=1)[0].lower() if after.strip() else ""
        if term_match and first_word in lang.articles:
            term = raw[term_match.start() : term_match.end()]
            found.append(Clause("definition", "definition", term, after.strip(), m.start()))
    return found


STRONG_KINDS: Final = frozenset(
    {"definition", "called", "named", "purpose", "designates", "consists", "serves"}
)
_STRONG_KINDS = STRONG_KINDS


_LONG_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)([^*_\n]{25,}?)(?<=\S)\1|(==)(?=\S)([^=\n]{25,}?)(?<=\S)=="
)


def unwrap_long_emphasis(raw: str) -> str:
    """`Quand la **lumière change de milieu, elle change de direction.**`: bold (or a
    `==highlight==`) over a whole clause is emphasis, not a term. Its markers become
    zero-width spaces (offsets hold, rendering drops them), so no split can fall inside them
    and leave a stray `**`."""
    if "**" not in raw and "__" not in raw and "==" not in raw:
        return raw

    def blank(m: re.Match[str]) -> str:
        marker, body = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if len(body.split()) < 6:
            return m.group(0)
        return ZWSP * len(marker) + body + ZWSP * len(marker)

    return _LONG_EMPHASIS.sub(blank, raw)


def _after_comma(text: str, at: int) -> bool:
    """Is the last non-blank character before `at` a comma?"""
    at -= 1
    while at >= 0 and text[at].isspace():
        at -= 1
    return at >= 0 and text[at] == ","


@lru_cache(maxsize=1 << 14)
def analyze_sentence(raw: str, lang: Language) -> tuple[tuple[int, Clause], ...]:
    """Clauses of one sentence with their offsets: `X is A, and Y is B` gives two, when the
    part after the coordinator has a subject of its own (not `, and has ...`, not `, but they`)."""
    masked = mask(raw)
    tokens = tokenize(masked, lang, raw)
    words = [t.word for t in tokens]
    for i, token in enumerate(tokens if "," in masked else ()):
        if i == 0 or token.depth > 0 or not _after_comma(masked, token.start):
            continue
        length = _phrase_at(words, i, lang.coordinators)
        if not length or i + length >= len(tokens):
            continue
        second_start = tokens[i + length].start
        second = analyze(raw[second_start:], lang)
        # Only parallel statements (`X is called A, and Y is called B`) are two cards; in
        # `X is fast, but Y is faster` the second half belongs with the first.
        if second is None or second.kind not in _STRONG_KINDS or not second.subject:
            continue
        comma = masked.rindex(",", 0, token.start)
        first = analyze(raw[:comma], lang)
        if first is None:
            continue
        return ((0, first), (second_start, second))
    clause = analyze(raw, lang)
    return ((0, clause),) if clause is not None else ()
