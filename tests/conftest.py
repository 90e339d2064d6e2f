"""Shared fixtures. Tests never read outside the repository: shared data is copied into
tests/fixtures (see tests/fixtures/eval/SOURCES.md for attribution)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTES = REPO / "notes"
FIXTURES = REPO / "tests" / "fixtures"
EVAL_NOTES = FIXTURES / "eval" / "notes"
SEED = NOTES / "Virtualisation des Serveurs.md"


@pytest.fixture
def notes_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled notes/ vault, safe to edit."""
    target = tmp_path / "notes"
    shutil.copytree(NOTES, target)
    return target


@pytest.fixture
def write_note(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a note into a fresh vault folder and return its path."""
    vault = tmp_path / "vault"
    vault.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
