"""The sheet's own words, in the language of the notes (both, side by side, when they mix)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType

__all__ = ["LABELS", "labels_for", "own_labels"]

LABELS: Mapping[str, Mapping[str, str]] = {
    "fr": {
        "drill": "Interrogation",
        "name": "Nom",
        "class": "Classe",
        "date": "Date",
        "version": "Version",
        "score": "Note",
        "answer_key": "Corrigé",
        "true": "Vrai",
        "false": "Faux",
        "mcq": "Cochez la bonne réponse.",
        "truefalse": "Vrai ou faux ? Cochez.",
        "cloze": "Complétez.",
        "short": "Répondez.",
        "proposed": "Réponse proposée",
        "correct": "Bonne réponse",
        "accepted": "Accepté aussi",
        "source": "Source",
        "questions": "questions",
        "left_out": "laissées de côté",
        "colon": "\u00a0: ",
    },
    "en": {
        "drill": "Drill",
        "name": "Name",
        "class": "Class",
        "date": "Date",
        "version": "Version",
        "score": "Score",
        "answer_key": "Answer key",
        "true": "True",
        "false": "False",
        "mcq": "Tick the right answer.",
        "truefalse": "True or false? Tick.",
        "cloze": "Fill in the blank.",
        "short": "Answer briefly.",
        "proposed": "Proposed answer",
        "correct": "Right answer",
        "accepted": "Also accepted",
        "source": "Source",
        "questions": "questions",
        "left_out": "left out",
        "colon": ": ",
    },
}


def own_labels(lang: str) -> Mapping[str, str]:
    """The labels of one question, in its own card's language."""
    return LABELS.get(lang, LABELS["en"])


def labels_for(langs: Iterable[str]) -> tuple[str, Mapping[str, str]]:
    """The sheet's language code and its labels: one language, or both, the language of most
    questions first (`fr+en`, `Nom / Name`)."""
    counts = Counter(code for code in langs if code in LABELS)
    codes = sorted(counts, key=lambda code: (-counts[code], code)) or ["en"]
    if len(codes) == 1:
        return codes[0], LABELS[codes[0]]
    tables = [LABELS[code] for code in codes]
    merged = {key: " / ".join(dict.fromkeys(table[key] for table in tables)) for key in tables[0]}
    merged["colon"] = ": "
    return "+".join(codes), MappingProxyType(merged)
