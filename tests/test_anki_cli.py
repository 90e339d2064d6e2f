"""`quizgen anki` on the command line: paths, options, the summary, errors, atomic writes."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from quizgen import anki as export
from quizgen.errors import QuizgenError
from quizgen.extract import extract_vault
from quizgen.media import MediaFile
from quizgen.vault import load_vault
from tests.test_anki import (
    REPO,
    anki_cards,
    collection_fixture,  # noqa: F401  (a fixture)
    every_package_imports_fixture,  # noqa: F401  (an autouse fixture)
    exported_cards,
    import_package,
    net_vault_fixture,  # noqa: F401  (a fixture)
    run_anki,
)


def test_defaults_read_notes_and_write_decks(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(notes_copy.parent)
    result = run_anki()
    assert result.exit_code == 0, result.output
    cards = exported_cards(notes_copy)
    decks = len({c.deck for c in cards})
    notes = len(list(notes_copy.glob("*.md")))
    warnings = len(result.stderr.splitlines())
    assert result.stdout.splitlines() == [
        f"Wrote decks/notes.apkg ({len(cards)} cards in {decks} decks)",
        f"{notes} notes read, {len(cards)} cards ({sum(anki_cards(c) for c in cards)} in Anki), "
        f"0 media files, {warnings} warning{'' if warnings == 1 else 's'} (above)",
        f"Since the last build: {len(cards)} new, 0 changed, 0 unchanged.",
    ]
    package = notes_copy.parent / "decks" / "notes.apkg"
    probe = notes_copy.parent / "probe"
    probe.write_bytes(b"")  # the mode any new file gets here; not mkstemp's private 0600
    assert stat.S_IMODE(package.stat().st_mode) == stat.S_IMODE(probe.stat().st_mode)
    assert sorted(p.name for p in package.parent.iterdir()) == [".quizgen-anki.json", "notes.apkg"]


def test_deck_option_puts_every_deck_under_one(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    result = run_anki(net_vault, "--deck", "L2 :: S1", "-o", out)
    assert result.exit_code == 0, result.output
    package = out / "L2 - S1.apkg"
    assert package.exists()
    import_package(collection, package)
    names = {d.name for d in collection.decks.all_names_and_ids()} - {"Default"}
    assert names == {"L2", "L2::S1", "L2::S1::Réseau", "L2::S1::Réseau::TCP", "L2::S1::Réseau::UDP"}


def test_split_writes_one_package_per_top_level_deck(
    write_note: Any, tmp_path: Path, collection: Any
) -> None:
    write_note("Bio/Cells.md", "# Cells\n\nWhat is a cell?::The unit of life\n")
    vault = write_note(
        "Chimie/Acides.md", "# Acides\n\nQu'est-ce qu'un acide ?::Un donneur de H+\n"
    )
    out = tmp_path / "decks"
    result = run_anki(vault.parent.parent, "--split", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.apkg")) == ["Bio.apkg", "Chimie.apkg"]
    import_package(collection, out / "Chimie.apkg")
    names = {d.name for d in collection.decks.all_names_and_ids()} - {"Default"}
    assert names == {"Chimie", "Chimie::Acides"}
    assert collection.note_count() == 1


def test_split_needs_a_folder(net_vault: Path, tmp_path: Path) -> None:
    result = run_anki(net_vault, "--split", "-o", tmp_path / "one.apkg")
    assert result.exit_code == 2
    assert "--split writes one package per top-level deck: give -o a folder" in result.output
    assert not (tmp_path / "one.apkg").exists()


def test_no_cards_is_an_error(write_note: Any, tmp_path: Path) -> None:
    note = write_note("Empty.md", "# Nothing to ask\n")
    result = run_anki(note.parent, "-o", tmp_path / "decks")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no cards in {note.parent}: nothing written")
    assert not (tmp_path / "decks").exists()


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    result = run_anki(tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_an_unwritable_output_is_an_error(net_vault: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    result = run_anki(net_vault, "-o", tmp_path / "file" / "deck.apkg")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: cannot write {tmp_path / 'file' / 'deck.apkg'}: Not a directory\n"
    )


def test_many_warnings_go_to_a_file(write_note: Any, tmp_path: Path) -> None:
    lines = "".join(f"- Term {i} : meaning {i} ![[missing-{i}.png]]\n" for i in range(25))
    note = write_note("Many.md", f"# Many\n\n{lines}")
    out = tmp_path / "decks"
    result = run_anki(note.parent, "-o", out)
    assert result.exit_code == 0
    shown = result.stderr.splitlines()
    assert len(shown) == 21
    missing = "image 'missing-0.png' not found in the vault: the card shows it missing"
    assert shown[0] == f"Warning: Many.md:3: {missing}"
    log = out / "quizgen-warnings.txt"
    assert shown[-1] == f"... and 5 more warnings: all are in {log}"
    assert len(log.read_text(encoding="utf-8").splitlines()) == 25
    assert f"25 warnings (see {log})" in result.stdout

    note.write_text("# Many\n\nFine::no image\n", encoding="utf-8")
    assert run_anki(note.parent, "-o", out).exit_code == 0
    assert not log.exists()  # a stale list would mislead


def test_ctrl_c_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"the good old package")
    with pytest.raises(KeyboardInterrupt), export.atomic_write(target) as out:
        out.write(b"half a pack")
        raise KeyboardInterrupt  # what Ctrl-C raises, wherever Python happens to be
    assert target.read_bytes() == b"the good old package"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_a_failed_write_keeps_the_old_package(net_vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "deck.apkg"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    before = out.read_bytes()
    vault = load_vault(net_vault)
    extraction = extract_vault(vault.notes, config=vault.config)
    build = export.build_anki(extraction, vault, {}, now=time.time())
    # a file that disappears between planning and writing fails the write half-way
    gone = MediaFile(tmp_path / "vanished.png", "vanished.png")
    notes = [replace(build.notes[0], media=("vanished.png",)), *build.notes[1:]]
    with pytest.raises(QuizgenError, match=r"cannot write .*deck\.apkg: No such file"):
        export.write_package(notes, [gone], out, now=time.time())
    assert out.read_bytes() == before
    assert sorted(os.listdir(out.parent)) == [export.MANIFEST_NAME, "deck.apkg"]  # no .part


def _big_vault(root: Path, notes: int, terms: int) -> None:
    for n in range(notes):
        lines = "".join(
            f"- Term {n}-{t} : the meaning of term {t} in note {n}\n" for t in range(terms)
        )
        path = root / f"Course {n % 5}" / f"Note {n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Note {n}\n\n## Terms\n\n{lines}", encoding="utf-8")


def test_ctrl_c_during_a_build_never_leaves_a_broken_package(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "decks"
    _big_vault(vault, notes=40, terms=50)
    command = [sys.executable, "-m", "quizgen", "anki", str(vault), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=tmp_path)
    package = out / "vault.apkg"
    good = package.read_bytes()
    for note in vault.rglob("*.md"):  # every note changes: the next build rewrites it all
        note.write_text(note.read_text(encoding="utf-8").replace("meaning", "sense"), "utf-8")

    process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if any(out.glob(".vault.apkg.*.part")):  # writing the package: interrupt it now
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.001)
    process.communicate(timeout=60)
    assert not list(out.glob(".*.part"))
    assert process.returncode in (0, 1)  # done, or click's "Aborted!"
    # Whenever the signal landed: the old package untouched, or a whole new one.
    if package.read_bytes() != good:
        with zipfile.ZipFile(package) as pack:
            assert pack.testzip() is None
            assert b"the sense of term" in pack.read("collection.anki2")


def test_help_shows_examples() -> None:
    result = run_anki("--help")
    assert result.exit_code == 0
    assert "quizgen anki notes/ --split" in result.output
    assert "--forget-retired" in result.output


def test_the_ci_command_works_from_a_fresh_checkout(tmp_path: Path) -> None:
    # .ci/run: `quizgen anki` in the repository, decks/*.apkg must appear
    shutil.copytree(REPO / "notes", tmp_path / "notes")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "quizgen", "anki"]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "decks").glob("*.apkg")] == ["notes.apkg"]
