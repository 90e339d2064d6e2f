"""`quizgen quiz` and `quizgen stats` through click: piped input, JSON, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.extract import extract_vault
from quizgen.vault import load_vault

NOTE = """# Réseaux

## Protocoles
- TCP : protocole fiable orienté connexion
- UDP : protocole sans connexion
- ICMP : messages de contrôle et d'erreur
- ARP : résolution d'adresses IP en adresses MAC
"""

WriteNote = Callable[[str, str], Path]


@pytest.fixture
def vault(write_note: WriteNote) -> Path:
    return write_note("Réseaux.md", NOTE).parent


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "QUIZGEN_DB": str(tmp_path / "r.sqlite3"),
        "QUIZGEN_NOW": "2026-03-02T09:00:00Z",
        "TZ": "UTC",
    }


def count(folder: Path, deck: str = "") -> int:
    vault = load_vault(folder)
    cards = extract_vault(vault.notes, config=vault.config).cards
    return sum(1 for c in cards if c.deck.startswith(deck))


def invoke(args: list[str], env: dict[str, str], stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, input=stdin, env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_quiz_reads_lines_when_stdin_is_not_a_terminal(vault: Path, env: dict[str, str]) -> None:
    # flip: Enter reveals, "3" rates; then end of input ends the session cleanly.
    code, out = invoke(["quiz", str(vault), "--mode", "flip", "--no-fuzz"], env, "\n3\n\n1\n")
    assert code == 0, out
    n = count(vault)
    assert f"Notes synced: {n} cards: {n} new." in out
    assert f"Card 1/{n} · 0 due · {n} new" in out
    assert "Good · next review in 10 min" in out
    assert "Again · next review in 1 min" in out
    assert "Reviewed  2 (2 new)" in out and "Correct   50%" in out
    assert "Traceback" not in out


def test_typed_answer_is_echoed_and_graded(vault: Path, env: dict[str, str]) -> None:
    code, out = invoke(
        ["quiz", str(vault), "--mode", "type", "--no-fuzz", "--limit", "2"],
        env,
        "tcp\nudp\nicmp\narp\n\n\nprotocole fiable oriente connexion\n\n",
    )
    assert code == 0, out
    assert "› tcp" in out  # the transcript shows what was typed
    assert out.count("✓ Correct") == 2
    assert "Reviewed  2 (2 new)" in out and "Correct   100%" in out


def test_stats_json_has_the_documented_keys(vault: Path, env: dict[str, str]) -> None:
    invoke(["quiz", str(vault), "--mode", "flip", "--no-fuzz"], env, "\n4\n\nq\n")
    code, out = invoke(["stats", str(vault), "--format", "json"], env)
    assert code == 0, out
    data = json.loads(out)
    n = count(vault)
    assert {k: data[k] for k in ("cards", "new", "review", "retired", "reviews")} == {
        "cards": n,
        "new": n - 1,
        "review": 1,
        "retired": 0,
        "reviews": 1,
    }
    for key in ("learning", "relearning", "due_now", "due_today", "retention"):
        assert key in data
    assert data["retention"] is None  # no mature answer yet
    assert data["heatmap"] == {"2026-03-02": 1}


def test_stats_table_readable_at_80_columns(vault: Path, env: dict[str, str]) -> None:
    invoke(["quiz", str(vault), "--mode", "flip", "--no-fuzz"], env, "\n4\n\nq\n")
    code, out = invoke(["stats", str(vault)], env)
    assert code == 0, out
    assert "True retention" in out and "Due in the next 14 days" in out
    assert "Reviews, last" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    code, whole = invoke(["stats", "--all"], env)
    assert code == 0 and "Active" in whole


def test_retired_cards_are_counted_in_stats(
    vault: Path, env: dict[str, str], write_note: WriteNote
) -> None:
    invoke(["stats", str(vault), "--format", "json"], env)
    write_note("Réseaux.md", NOTE.replace("- ARP :", "- NDP :"))
    code, out = invoke(["quiz", str(vault), "--limit", "1"], env, "q\n")
    assert code == 0
    assert "1 new" in out and "1 retired" in out
    data = json.loads(invoke(["stats", str(vault), "--format", "json"], env)[1])
    assert data["retired"] == 1


def test_corrupt_store_is_a_one_line_error(vault: Path, env: dict[str, str]) -> None:
    Path(env["QUIZGEN_DB"]).write_bytes(b"garbage" * 1000)
    code, out = invoke(["quiz", str(vault)], env)
    assert code == 1
    assert out.startswith("Error: ") and "damaged" in out and env["QUIZGEN_DB"] in out
    assert out.count("\n") == 1
    assert Path(env["QUIZGEN_DB"]).read_bytes() == b"garbage" * 1000


def test_bad_clock_and_bad_options_are_usage_errors(vault: Path, env: dict[str, str]) -> None:
    code, out = invoke(["quiz", str(vault)], {**env, "QUIZGEN_NOW": "yesterday"})
    assert code == 2 and "QUIZGEN_NOW" in out
    code, out = invoke(["quiz", str(vault), "--retention", "1.5"], env)
    assert code == 2
    code, out = invoke(["quiz", str(vault), "--deck", "Nope"], env)
    assert code == 2 and "no card matches" in out
    code, out = invoke(["stats", str(vault), "--all"], env)
    assert code == 2


def test_deck_and_tag_filters(vault: Path, env: dict[str, str], write_note: WriteNote) -> None:
    write_note("Bio.md", "---\ntags: [bio/cell]\ndeck: Biologie\n---\n# Bio\n- Mitose : division\n")
    n = count(vault, "Biologie")
    assert 0 < n < count(vault)
    code, out = invoke(["quiz", str(vault), "--deck", "biologie", "--mode", "flip"], env, "q\n")
    assert code == 0 and f"Card 1/{n} " in out
    code, out = invoke(["quiz", str(vault), "--tag", "#bio", "--mode", "flip"], env, "q\n")
    assert code == 0 and f"Card 1/{n} " in out
