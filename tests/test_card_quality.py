"""Card quality on real notes, measured against hand-written gold facts.

The shared evaluation notes (tests/fixtures/eval) and every bundled note in notes/ with a gold
file (tests/fixtures/gold) must reach recall >= 0.9 with no junk and at most 2.5 cards per fact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizgen.extract import extract_vault
from quizgen.vault import load_vault
from tests.conftest import EVAL_NOTES, FIXTURES, NOTES
from tests.scoring import score

MIN_RECALL = 0.9
MAX_CARDS_PER_FACT = 2.5


def _cases() -> list[tuple[Path, Path]]:
    cases = []
    for gold_dir, notes_dir in (
        (FIXTURES / "eval" / "gold", EVAL_NOTES),
        (FIXTURES / "gold", NOTES),
    ):
        for gold in sorted(gold_dir.glob("*.yaml")):
            note = yaml.safe_load(gold.read_text(encoding="utf-8"))["note"]
            cases.append((gold, notes_dir / note))
    return cases


CASES = _cases()


def test_every_bundled_note_has_a_gold_file() -> None:
    scored = {note.name for _, note in CASES}  # the seed is scored through its eval copy
    bundled = {p.name for p in NOTES.glob("*.md") if p.name != "Stub.md"}
    assert bundled <= scored, f"notes without gold facts: {sorted(bundled - scored)}"
    assert len(bundled) >= 7


@pytest.mark.parametrize(("gold", "note"), CASES, ids=[g.stem for g, _ in CASES])
def test_cards_recall_the_gold_facts_without_junk(gold: Path, note: Path) -> None:
    vault = load_vault(note)
    cards = extract_vault(vault.notes, config=vault.config).cards
    result = score(yaml.safe_load(gold.read_text(encoding="utf-8")), cards)
    assert result.recall >= MIN_RECALL, f"missed facts: {result.missed}"
    assert result.junk == []
    assert result.ratio <= MAX_CARDS_PER_FACT, f"{result.cards} cards for {result.facts} facts"


def test_the_scorer_can_fail() -> None:
    """A scorer that never fails proves nothing: empty, repeated and raw cards are caught."""
    from dataclasses import replace

    vault = load_vault(NOTES / "Virtualisation des Serveurs.md")
    cards = list(extract_vault(vault.notes, config=vault.config).cards)
    gold = yaml.safe_load(
        (FIXTURES / "eval" / "gold" / "virtualisation-des-serveurs.yaml").read_text()
    )
    broken = [
        replace(cards[0], answer=""),
        replace(cards[1], answer=cards[1].question),
        replace(cards[2], answer="see [[Cloud]]"),
        replace(cards[3], answer="06-10-2021"),
    ]
    result = score(gold, broken)
    assert len(result.junk) == 4
    assert result.recall < MIN_RECALL
