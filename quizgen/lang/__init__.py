"""Languages: question templates and word lists (data files beside this module), and detection.

The rules never hard-code a word of any language: they ask a `Language` for its articles, verbs,
templates... Adding a language is adding a YAML file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

SUPPORTED = ("fr", "en")
DEFAULT_LANG = "en"
_VOWEL_START = re.compile(r"^[aeiouyàâäéèêëîïôöûùüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÙÜŒÆ]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one instance per language
class Language:
    code: str
    templates: Mapping[str, str]
    elisions: frozenset[str]
    articles: frozenset[str]
    indefinite_articles: frozenset[str]
    definite_articles: frozenset[str]
    prepositions: frozenset[str]
    pronouns: frozenset[str]
    generic_pronouns: frozenset[str]
    personal_pronouns: frozenset[str]
    demonstratives: frozenset[str]
    resumptive: frozenset[str]
    conditionals: tuple[tuple[str, ...], ...]
    months: frozenset[str]
    relative_pronouns: frozenset[str]
    copulas: Mapping[str, str]  # form -> "singular" | "plural"
    copula_articles: frozenset[str]
    auxiliaries: frozenset[str]
    negations: frozenset[str]
    ambiguous_verbs: frozenset[str]
    ambiguous_followers: frozenset[str]
    participle_suffixes: tuple[str, ...]
    reflexives: frozenset[str]
    definitional: tuple[tuple[tuple[str, ...], str], ...]  # (words, family), longest first
    called: tuple[tuple[str, ...], ...]
    named_openers: tuple[tuple[str, ...], ...]
    subordinators: tuple[tuple[str, ...], ...]
    mid_subordinators: tuple[tuple[str, ...], ...]
    coordinators: tuple[tuple[str, ...], ...]
    consequence_words: frozenset[str]
    intro_words: tuple[tuple[str, ...], ...]
    not_definitions: re.Pattern[str]  # the yaml's list as one alternation: one search, not 12
    logistics: re.Pattern[str]  # homework, deadlines, grading, agenda: in any language
    personal: re.Pattern[str]  # `I think ...`, `quand j'étais ...`: the student's own story
    pointers: frozenset[str]
    labels: frozenset[str]
    admin_keys: frozenset[str]
    superlatives: frozenset[str]  # `Les plus importants`: ranks what was named before
    quantifiers: frozenset[str]  # `each`, `deux`: a subject counting what was named before
    leadin_words: frozenset[str]  # `Ainsi, on a :`: a lead-in that names nothing
    attributions: tuple[str, ...]  # `Selon X :`, `According to X:`: a source, not a term
    intensifiers: frozenset[str]  # `*super* polite`: emphasis of tone, never a cloze's blank
    relational_nouns: frozenset[str]  # `La sanction est ...`: the section's sanction
    suppositions: frozenset[str]  # `Supposons V = cst`: a hypothesis, never a term
    clitics: frozenset[str]  # `y`, `en` before the verb: the subject's place is elsewhere
    prompt_verbs: frozenset[str]  # `Explain why ...`, `Citez ...`: an exam prompt is a question
    note_labels: frozenset[str]  # `Remarque`, `Tip`: asked as "what should you note?"
    glossary_titles: frozenset[str]  # `Vocabulaire`: a section of terms, each asked alone
    scaffold_words: frozenset[str]
    title_labels: Mapping[str, str]  # `Def.` -> definition, `Théorème` -> statement
    skip_sections: frozenset[str]
    skip_prefixes: tuple[str, ...]
    connectors: frozenset[str]
    leading_connectors: frozenset[str]
    clause_breakers: frozenset[str]
    scope_words: frozenset[str]
    rhetorical_openers: frozenset[str]
    condition_words: frozenset[str]
    restating_openers: tuple[tuple[str, ...], ...]
    stopwords: frozenset[str]
    acronym_fillers: frozenset[str]
    verb_forms: frozenset[str]  # conjugated forms that can be a sentence's main verb
    infinitives: frozenset[str]  # verbs as named in a dictionary (`tracer`, `compute`)
    base_forms: frozenset[str]  # English `process`, `set`: as often nouns as verbs
    past_forms: frozenset[str]  # weaker candidates (`-ed` is also an adjective): a second pass

    def template(
        self, name: str, values: Mapping[str, str], *, escape: Callable[[str], str] | None = None
    ) -> str:
        """Fill a template; in languages with elision `que une` becomes `qu'une`. `escape` is
        applied to the template's own text (values are expected ready for the output)."""
        text = self.templates[name]
        out: list[str] = []
        last = 0
        for m in _PLACEHOLDER.finditer(text):
            literal = text[last : m.start()]
            value = values.get(m.group(1), "")
            if self.elisions and _VOWEL_START.match(value):
                for word in self.elisions:
                    if literal.endswith(f" {word} ") or literal == f"{word} ":
                        literal = literal[: -len(word) - 1] + word[:-1] + "'"
                        break
                    cap = word.capitalize()
                    if literal == f"{cap} " or literal.endswith(f" {cap} "):
                        literal = literal[: -len(word) - 1] + cap[:-1] + "'"
                        break
            out.append(escape(literal) if escape else literal)
            out.append(value)
            last = m.end()
        out.append(escape(text[last:]) if escape else text[last:])
        return "".join(out)


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    """The yaml's list of patterns as one case-blind alternation (one search, not twelve). The
    patterns that start at a word boundary share one `\\b`: the engine then tries their branches
    only where a word starts, not at every character (3x faster on the logistics list)."""
    at_word = [p.removeprefix("\\b") for p in patterns if p.startswith("\\b")]
    parts = [f"(?:{p})" for p in patterns if not p.startswith("\\b")]
    if at_word:
        parts.append("\\b(?:" + "|".join(f"(?:{p})" for p in at_word) + ")")
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def phrases_of(items: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Multi-word entries as word tuples, longest first so that the longest phrase wins. An
    elided word is a word of its own, as the tokenizer reads it (`s'il` -> `s'`, `il`)."""
    words = (tuple(_ELIDED.findall(str(s).lower())) for s in items)
    return tuple(sorted(words, key=len, reverse=True))


_ELIDED = re.compile(r"[^\s']+'?")


def _english_forms(base: str) -> tuple[set[str], set[str]]:
    """Present forms (base and third person) and the regular past."""
    if re.search(r"(s|x|z|ch|sh|o)$", base):
        third = base + "es"
    elif re.search(r"[^aeiou]y$", base):
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if base.endswith("e"):
        past = base + "d"
    elif re.search(r"[^aeiou]y$", base):
        past = base[:-1] + "ied"
    else:
        past = base + "ed"
    return {base, third}, {past}


def _french_forms(infinitive: str, second_group: bool) -> set[str]:
    if second_group and infinitive.endswith("ir"):
        stem = infinitive[:-2]
        return {stem + "it", stem + "issent"}
    if not infinitive.endswith("er"):
        return set()
    stem = infinitive[:-2]
    forms = {stem + "ait", stem + "aient", stem + "èrent"}  # imparfait, passé simple
    stems = {stem}
    if stem.endswith("y"):
        stems.add(stem[:-1] + "i")  # employer -> emploie
    m = re.search(r"[ée]([^aeiouyéèê]+)$", stem)
    if m:  # répéter -> répète, lever -> lève
        stems.add(stem[: m.start()] + "è" + m.group(1))
    if stem.endswith(("el", "et")):
        stems.add(stem + stem[-1])  # appeler -> appelle, jeter -> jette
    return forms | {s + "e" for s in stems} | {s + "ent" for s in stems}


def _build(code: str, data: Mapping[str, Any], overrides: Mapping[str, str]) -> Language:
    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key, []) or [])

    verb_forms: set[str] = {str(w).lower() for w in data.get("verb_forms", []) or []}
    # Only where the infinitive has its own form (French `tracer`); English `flow` in
    # `Flow control` is a noun as often as a verb.
    infinitives = {
        str(v).lower()
        for key in ("verbs_er", "verbs_er_more", "verbs_ir")
        for v in data.get(key, []) or []
    }
    past_forms: set[str] = set()
    base_forms = {str(v).lower() for v in data.get("verbs", []) or []}
    for verb in data.get("verbs", []) or []:
        present, past = _english_forms(str(verb).lower())
        verb_forms |= present
        past_forms |= past
    for base, forms in (data.get("irregular") or {}).items():
        verb_forms |= {str(base).lower(), str(forms[0]).lower()}
        past_forms |= {str(f).lower() for f in forms[1:]}
    for infinitive in [*(data.get("verbs_er", []) or []), *(data.get("verbs_er_more", []) or [])]:
        verb_forms |= _french_forms(str(infinitive).lower(), second_group=False)
    for infinitive in data.get("verbs_ir", []) or []:
        verb_forms |= _french_forms(str(infinitive).lower(), second_group=True)
    # The first word of a definitional phrase (`means`, `désigne`) is a verb whatever the lists say.
    verb_forms |= {str(k).lower().split()[0] for k in (data.get("definitional") or {})}
    copulas = {str(k).lower(): str(v) for k, v in (data.get("copulas") or {}).items()}
    auxiliaries = words("auxiliaries")
    verb_forms |= set(copulas) | auxiliaries

    definitional = tuple(
        sorted(
            ((tuple(str(k).lower().split()), str(v)) for k, v in data["definitional"].items()),
            key=lambda kv: len(kv[0]),
            reverse=True,
        )
    )
    templates = dict(data["templates"])
    templates.update(overrides)
    return Language(
        code=code,
        templates=templates,
        elisions=words("elisions"),
        articles=words("articles"),
        indefinite_articles=words("indefinite_articles"),
        definite_articles=words("definite_articles"),
        prepositions=words("prepositions"),
        pronouns=words("pronouns"),
        generic_pronouns=words("generic_pronouns"),
        personal_pronouns=words("personal_pronouns"),
        demonstratives=words("demonstratives"),
        resumptive=words("resumptive"),
        conditionals=phrases_of(data.get("conditionals", [])),
        months=words("months"),
        relative_pronouns=words("relative_pronouns"),
        copulas=copulas,
        copula_articles=words("copula_articles"),
        auxiliaries=auxiliaries,
        negations=words("negations"),
        ambiguous_verbs=words("ambiguous_verbs"),
        ambiguous_followers=words("ambiguous_followers"),
        participle_suffixes=tuple(sorted(words("participle_suffixes"), key=len, reverse=True)),
        reflexives=words("reflexives"),
        definitional=definitional,
        called=phrases_of(data.get("called", [])),
        named_openers=phrases_of(data.get("named_openers", [])),
        subordinators=phrases_of(data.get("subordinators", [])),
        mid_subordinators=phrases_of(data.get("mid_subordinators", [])),
        coordinators=phrases_of(data.get("coordinators", [])),
        consequence_words=words("consequence_words"),
        intro_words=phrases_of(data.get("intro_words", [])),
        not_definitions=_alternation(data.get("not_definitions", [])),
        personal=_alternation(data.get("personal", [])),
        # patterns, not words: every language's, as they are (an English agenda in a French note)
        logistics=_alternation([p for c in SUPPORTED for p in _data(c).get("logistics", [])]),
        pointers=words("pointers"),
        labels=every_language("labels"),
        admin_keys=words("admin_keys"),
        superlatives=words("superlatives"),
        quantifiers=words("quantifiers"),
        leadin_words=words("leadin_words"),
        intensifiers=words("intensifiers"),
        relational_nouns=words("relational_nouns"),
        suppositions=words("suppositions"),
        clitics=words("clitics"),
        attributions=tuple(sorted(every_language("attributions"))),
        prompt_verbs=words("prompt_verbs"),
        note_labels=words("note_labels"),
        glossary_titles=words("glossary_titles"),
        scaffold_words=every_language("scaffold_words"),
        title_labels={str(k).lower(): str(v) for k, v in (data.get("title_labels") or {}).items()},
        skip_sections=words("skip_sections"),
        skip_prefixes=tuple(sorted(words("skip_prefixes"))),
        connectors=words("connectors"),
        leading_connectors=words("leading_connectors"),
        clause_breakers=words("clause_breakers"),
        scope_words=words("scope_words"),
        rhetorical_openers=words("rhetorical_openers"),
        condition_words=words("condition_words"),
        restating_openers=phrases_of(data.get("restating_openers", [])),
        stopwords=words("stopwords"),
        acronym_fillers=words("acronym_fillers"),
        verb_forms=frozenset(verb_forms),
        infinitives=frozenset(infinitives),
        base_forms=frozenset(base_forms),
        past_forms=frozenset(past_forms - verb_forms),
    )


@cache
def every_language(key: str) -> frozenset[str]:
    """A word list of every language's file, lower case: notes mix languages (`Exemple :` in an
    English note, an English agenda line in a French one)."""
    return frozenset(
        str(w).lower().replace("’", "'") for code in SUPPORTED for w in _data(code).get(key) or []
    )


@cache
def number_words(count: int) -> frozenset[str]:
    """How every language writes a small number (`3` -> `trois`, `three`)."""
    return frozenset(
        str(w).lower()
        for code in SUPPORTED
        for w in (_data(code).get("number_words") or {}).get(str(count), [])
    )


@cache
def _data(code: str) -> Mapping[str, Any]:
    text = resources.files(__package__).joinpath(f"{code}.yaml").read_text(encoding="utf-8")
    # BaseLoader: every scalar stays a string (YAML 1.1 would read `on`, `no`, `y` as booleans).
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml when available: fast start
    data: Mapping[str, Any] = yaml.load(text, Loader=loader)
    return data


@cache
def _language(code: str, overrides: tuple[tuple[str, str], ...]) -> Language:
    return _build(code, _data(code), dict(overrides))


def get_language(code: str | None, overrides: Mapping[str, str] | None = None) -> Language:
    """The language `code` (an unknown code falls back to English) with template overrides."""
    code = (code or DEFAULT_LANG).lower().split("-")[0].split("_")[0]
    if code not in SUPPORTED:
        code = DEFAULT_LANG
    known = _data(code)["templates"]
    items = tuple(sorted((k, v) for k, v in (overrides or {}).items() if k in known))
    return _language(code, items)


_WORD = re.compile(r"[a-zA-ZàâäéèêëîïôöûùüçœæÀÂÄÉÈÊËÎÏÔÖÛÙÜÇŒÆ']+")
_ACCENTED = re.compile("[éèêàùçœ]")


def detect_language(text: str) -> str:
    """The supported language whose common words are most frequent in `text` (English if none)."""
    words = _WORD.findall(text[:20_000].lower())
    stop = {code: get_language(code).stopwords for code in SUPPORTED}
    counts = {code: sum(w in stop[code] for w in words) for code in SUPPORTED}
    accents = sum(1 for w in words if _ACCENTED.search(w))
    counts["fr"] += accents // 4  # accented words are a strong hint in short notes
    best = max(SUPPORTED, key=lambda code: counts[code])
    return best if counts[best] > 0 else DEFAULT_LANG
