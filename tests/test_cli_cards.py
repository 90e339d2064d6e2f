"""`quizgen cards` as a user runs it: through click's CliRunner, and as a real subprocess
(`python -m quizgen`). Output formats, --explain, exit codes, and warnings kept off stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from quizgen.cli import cli
from quizgen.extract import extract_vault
from quizgen.vault import load_vault
from tests.conftest import NOTES, REPO, SEED

WriteNote = Callable[[str, str], Path]

CARD_KEYS = {
    "id",
    "kind",
    "question",
    "answer",
    "question_html",
    "answer_html",
    "context",
    "deck",
    "tags",
    "source",
    "lang",
    "rule",
}

CELL = (
    "# Cell\n"
    "* Mitochondria : powerhouse of the cell\n"
    "* Ribosome : makes proteins\n"
    "* \n"  # an empty bullet
    "* [[Biology index|up]]\n"
)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    # A wide terminal so that the table does not fold questions across lines.
    runner = CliRunner(env={"COLUMNS": "250", **(env or {})})
    return runner.invoke(
        cli, ["cards", *map(str, args)], prog_name="quizgen", catch_exceptions=False
    )


def run_process(*args: str | Path, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "PYTHONPATH": str(REPO)}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "quizgen", "cards", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        **kwargs,
    )


def assert_one_line_error(stderr: str, *expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    for part in expected:
        assert part in lines[0]
    assert "Traceback" not in stderr


def library_cards(*paths: Path) -> list[dict[str, Any]]:
    vault = load_vault(*paths)
    return [c.to_dict() for c in extract_vault(vault.notes, config=vault.config).cards]


# ---------------------------------------------------------------- the table


def test_table_shows_questions_answers_and_rules(write_note: WriteNote) -> None:
    path = write_note("Cell.md", CELL)
    result = run(path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    for header in ("Question", "Answer", "Context", "Rule"):
        assert header in out
    assert "Cell: Mitochondria?" in out
    assert "powerhouse of the cell" in out
    assert "Cell.md:2" in out
    assert "term" in out
    cards = library_cards(path)
    assert out.rstrip().endswith(f"{len(cards)} cards from 1 note.")


def test_table_on_the_seed_note() -> None:
    result = run(SEED)
    assert result.exit_code == 0
    cards = library_cards(SEED)
    assert len(cards) >= 10
    assert f"{len(cards)} cards from 1 note." in result.stdout
    questions_seen = sum(card["question"] in result.stdout for card in cards)
    assert questions_seen >= len(cards) * 0.8  # the rest are folded by the table's width


def test_default_path_is_notes_in_the_current_folder(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(notes_copy.parent)
    result = run("--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == len(library_cards(notes_copy))


def test_no_path_and_no_notes_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 1
    assert_one_line_error(result.stderr, "notes")


# ---------------------------------------------------------------- json and yaml


def test_json_is_an_array_of_cards_with_exactly_the_public_fields(notes_copy: Path) -> None:
    result = run(notes_copy, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert len(data) > 100
    for card in data:
        assert set(card) == CARD_KEYS
        assert set(card["source"]) == {"path", "line"}
        assert isinstance(card["source"]["line"], int)
        assert card["source"]["line"] >= 1
        assert (notes_copy / card["source"]["path"]).is_file()
        assert card["kind"] in {"basic", "reversed", "cloze", "list"}
        assert card["lang"] in {"fr", "en"}
        assert isinstance(card["context"], list)
        assert isinstance(card["tags"], list)
        for key in ("id", "question", "answer", "question_html", "answer_html", "deck", "rule"):
            assert isinstance(card[key], str)
            assert card[key].strip(), (key, card)
    assert len({card["id"] for card in data}) == len(data)
    assert data == library_cards(notes_copy)


def test_json_keeps_unicode_readable(write_note: WriteNote) -> None:
    path = write_note("Cellule.md", "# Cellule\n* Mitochondrie : centrale énergétique\n")
    result = run(path, "--format", "json")
    assert "centrale énergétique" in result.stdout  # not \u00e9
    assert json.loads(result.stdout)


def test_yaml_loads_back_to_the_same_data_as_json(notes_copy: Path) -> None:
    as_json = json.loads(run(notes_copy, "--format", "json").stdout)
    result = run(notes_copy, "--format", "yaml")
    assert result.exit_code == 0
    assert "Virtualisation" in result.stdout  # Unicode kept, not escaped
    assert yaml.safe_load(result.stdout) == as_json


def test_no_cards_is_an_empty_list(write_note: WriteNote) -> None:
    path = write_note("Empty.md", "---\nquizgen: false\n---\n# Nothing\n* a : b\n")
    assert json.loads(run(path, "--format", "json").stdout) == []
    assert yaml.safe_load(run(path, "--format", "yaml").stdout) == []
    assert "0 cards from 1 note." in run(path).stdout


# ---------------------------------------------------------------- --explain


def explain_lines(path: Path) -> dict[int, str]:
    result = run(path, "--explain")
    assert result.exit_code == 0
    lines: dict[int, str] = {}
    for line in result.stdout.splitlines():
        first = line.split(maxsplit=1)
        if first and first[0].isdigit():
            lines[int(first[0])] = line
    return lines


def test_explain_names_the_rule_that_fired_and_why_others_did_not(
    write_note: WriteNote,
) -> None:
    path = write_note("Cell.md", CELL)
    lines = explain_lines(path)
    assert "→ term" in lines[2]
    assert "Mitochondria" in lines[2]
    assert "→" not in lines[4]
    assert "· empty" in lines[4]  # the empty bullet
    assert "· navigation link" in lines[5]


def test_explain_on_the_seed_note() -> None:
    lines = explain_lines(SEED)
    text = SEED.read_text(encoding="utf-8").split("\n")
    type1 = next(n for n, line in enumerate(text, 1) if "Type 1 : ESXI" in line)
    docker = next(n for n, line in enumerate(text, 1) if line.startswith("* Docker"))
    up = next(n for n, line in enumerate(text, 1) if "|up]]" in line)
    assert "→ term" in lines[type1]
    assert "→" not in lines[docker]
    assert "·" in lines[docker]
    assert "· navigation link" in lines[up]
    # every explained line names a rule or gives a reason
    for line in lines.values():
        assert "→ " in line or "· " in line, line


# ---------------------------------------------------------------- errors and exit codes


def test_a_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere.md")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "nowhere.md", "no such file")


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["--format", "xml"], ["--format"], ["--explain=yes"]],
    ids=["unknown-option", "bad-choice", "missing-value", "flag-with-value"],
)
def test_a_bad_option_exits_2(args: list[str]) -> None:
    result = run(SEED, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_option_shows_the_usage() -> None:
    result = run(SEED, "--bogus")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: quizgen cards [OPTIONS] [PATHS]...")
    assert "No such option" in result.stderr


def broken_vault(write_note: WriteNote) -> Path:
    root = write_note("Cell.md", CELL).parent
    write_note("Broken.md", "---\ntitle: TCP: the layer\n---\n# Ports\n* HTTP : port 80\n")
    (root / "Picture.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "Latin.md").write_bytes("# Café\n* Crème : brûlée\n".encode("cp1252"))
    return root


def test_warnings_go_to_stderr_and_json_stays_parseable(write_note: WriteNote) -> None:
    root = broken_vault(write_note)
    result = run(root, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {card["source"]["path"] for card in data} == {"Cell.md", "Broken.md"}
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 3, warnings
    assert all(line.startswith("Warning: ") for line in warnings)
    assert any(line.startswith("Warning: Broken.md:2: front matter") for line in warnings)
    assert any("Picture.md" in line and "binary" in line for line in warnings)
    assert any("Latin.md" in line and "UTF-8" in line for line in warnings)
    assert "Warning" not in result.stdout


def test_warnings_go_to_stderr_in_yaml_and_explain(write_note: WriteNote) -> None:
    root = broken_vault(write_note)
    as_yaml = run(root, "--format", "yaml")
    assert len(yaml.safe_load(as_yaml.stdout)) == len(
        json.loads(run(root, "--format", "json").stdout)
    )
    assert "Picture.md" in as_yaml.stderr
    explained = run(root, "--explain")
    assert "Picture.md" in explained.stderr
    assert "Picture.md" not in explained.stdout


def test_a_bad_config_is_a_warning_not_an_error(write_note: WriteNote) -> None:
    root = write_note("Cell.md", CELL).parent
    (root / "quizgen.yaml").write_text("exclude: [unclosed\n", encoding="utf-8")
    result = run(root, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)
    assert result.stderr.startswith("Warning: quizgen.yaml:2:")


# ---------------------------------------------------------------- a real process


def test_subprocess_json_matches_the_library(notes_copy: Path, tmp_path: Path) -> None:
    proc = run_process(notes_copy, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == library_cards(notes_copy)
    assert "Traceback" not in proc.stderr
    assert all(line.startswith("Warning: ") for line in proc.stderr.splitlines())


def test_subprocess_table_default_notes_folder(notes_copy: Path) -> None:
    proc = run_process(cwd=notes_copy.parent)
    assert proc.returncode == 0, proc.stderr
    assert "Question" in proc.stdout
    assert f"{len(library_cards(notes_copy))} cards from 10 notes." in proc.stdout


def test_subprocess_errors_and_usage(tmp_path: Path) -> None:
    missing = run_process(tmp_path / "nowhere", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert_one_line_error(missing.stderr, "nowhere")
    bad = run_process(SEED, "--format", "xml", cwd=tmp_path)
    assert bad.returncode == 2
    assert "Usage:" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_subprocess_warnings_stay_off_stdout(write_note: WriteNote, tmp_path: Path) -> None:
    root = broken_vault(write_note)
    proc = run_process(root, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0
    assert len(json.loads(proc.stdout)) >= 2
    assert proc.stderr.count("Warning: ") == 3


def test_subprocess_in_a_c_locale_prints_unicode(tmp_path: Path) -> None:
    proc = run_process(SEED, "--format", "json", cwd=tmp_path, env={"LC_ALL": "C", "LANG": "C"})
    assert proc.returncode == 0, proc.stderr
    assert "Virtualisation" in proc.stdout
    assert json.loads(proc.stdout)


def test_subprocess_output_piped_into_head_is_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-m", "quizgen", "cards", str(NOTES), "--format", "json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        assert proc.stdout.readline().strip() == b"["
        proc.stdout.close()  # like `| head -1`: the reader goes away
        stderr = proc.stderr.read().decode("utf-8")
        code = proc.wait(timeout=120)
    assert "Traceback" not in stderr
    assert code == 0
