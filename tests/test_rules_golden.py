"""Golden fixtures: one small note per rule family (tests/fixtures/rules/*.md), positive and
negative cases side by side, and the exact cards expected from it (*.expected.yaml).

After a deliberate change to the rules, regenerate with `QUIZGEN_UPDATE_GOLDEN=1 pytest
tests/test_rules_golden.py` and read the diff: it is the review of the change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from quizgen.extract import extract_cards
from quizgen.model import Note
from tests.conftest import FIXTURES

RULES_DIR = FIXTURES / "rules"
NOTES = sorted(RULES_DIR.glob("*.md"))


def observed(path: Path) -> list[dict[str, Any]]:
    note = Note(path=path, rel_path=path.name, text=path.read_text(encoding="utf-8"))
    return [
        {
            "line": c.source.line,
            "rule": c.rule,
            "kind": c.kind.value,
            "question": c.question,
            "answer": c.answer,
            "context": list(c.context),
        }
        for c in extract_cards(note).cards
    ]


@pytest.mark.parametrize("path", NOTES, ids=[p.stem for p in NOTES])
def test_rule_fixture(path: Path) -> None:
    expected_path = path.with_suffix(".expected.yaml")
    cards = observed(path)
    if os.environ.get("QUIZGEN_UPDATE_GOLDEN"):
        expected_path.write_text(
            yaml.safe_dump(cards, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
    expected = yaml.safe_load(expected_path.read_text(encoding="utf-8")) or []
    assert cards == expected
