"""`quizgen.yaml` at the vault root: what to skip, languages, decks, card separators, templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from quizgen.model import Diagnostic

CONFIG_NAME = "quizgen.yaml"


@dataclass(frozen=True, slots=True)
class Separators:
    """Explicit-card syntax, compatible with the obsidian-spaced-repetition plugin.

    An empty string switches a form off (Dataview users often switch `::` off)."""

    inline: str = "::"
    inline_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    highlight_cloze: bool = True  # ==text== is a cloze deletion
    bold_cloze: bool = False  # **text** is a cloze deletion (off, as in the plugin)


@dataclass(frozen=True, slots=True)
class Config:
    lang: str | None = None  # None: detect per note
    course: str | None = None
    deck: str | None = None  # a fixed deck for every note
    exclude: tuple[str, ...] = ()
    separators: Separators = field(default_factory=Separators)
    templates: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # `key:: value` with a one-word key is a Dataview field, not a card.
    dataview_fields: bool = True


_KNOWN = {"lang", "course", "deck", "exclude", "separators", "templates", "dataview_fields"}
_SEPARATOR_KEYS = set(Separators.__dataclass_fields__)


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read `quizgen.yaml` in `root` if there is one. Problems become warnings, never errors:
    a broken config falls back to the defaults for what it got wrong."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), [
            Diagnostic(CONFIG_NAME, 0, f"cannot read the config ({exc}); defaults used")
        ]
    return parse_config(text)


def parse_config(text: str, name: str = CONFIG_NAME) -> tuple[Config, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return Config(), [Diagnostic(name, line, f"{problem}; config ignored, defaults used")]
    if data is None:
        return Config(), []
    if not isinstance(data, dict):
        return Config(), [Diagnostic(name, 1, "expected a mapping of settings; config ignored")]

    config = Config()
    for key, value in data.items():
        if key not in _KNOWN:
            problems.append(Diagnostic(name, 0, f"unknown setting {key!r} ignored"))
            continue
        try:
            config = _apply(config, key, value)
        except (TypeError, ValueError) as exc:
            problems.append(Diagnostic(name, 0, f"setting {key!r}: {exc}; default kept"))
    return config, problems


def _apply(config: Config, key: str, value: Any) -> Config:
    if key in {"lang", "course", "deck"}:
        if value is not None and not isinstance(value, str):
            raise TypeError("expected text")
        if key == "lang" and value is not None:
            value = value.strip().lower()
            if value == "auto":
                value = None
        return replace(config, **{key: value})
    if key == "exclude":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError("expected a list of glob patterns")
        return replace(config, exclude=tuple(value))
    if key == "dataview_fields":
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return replace(config, dataview_fields=value)
    if key == "separators":
        if not isinstance(value, dict):
            raise TypeError("expected a mapping")
        unknown = set(value) - _SEPARATOR_KEYS
        if unknown:
            raise ValueError(f"unknown separator(s) {sorted(unknown)}")
        for name, sep in value.items():
            expected = bool if name.endswith("cloze") else str
            if sep is None and expected is str:
                value[name] = ""
            elif not isinstance(sep, expected):
                raise TypeError(f"{name}: expected {expected.__name__}")
        return replace(config, separators=replace(config.separators, **value))
    if key == "templates":
        if not isinstance(value, dict) or not all(
            isinstance(v, dict) and all(isinstance(t, str) for t in v.values())
            for v in value.values()
        ):
            raise TypeError("expected {language: {template name: text}}")
        return replace(config, templates={str(k): dict(v) for k, v in value.items()})
    raise AssertionError(key)  # pragma: no cover - _KNOWN lists every key
