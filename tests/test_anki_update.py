"""Re-imports: notes update in place, review history survives, edits made inside Anki survive
when the card did not change in the notes, cards that left the notes are retired."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from quizgen import anki as export
from tests.test_anki import (
    PAST,
    age,
    collection_fixture,  # noqa: F401  (a fixture)
    every_package_imports_fixture,  # noqa: F401  (an autouse fixture)
    exported_cards,
    field,
    import_package,
    net_vault_fixture,  # noqa: F401  (a fixture)
    notes_by_guid,
    package_notes,
    run_anki,
)


def _edit(path: Path, old: str, new: str, *, mtime: float | None = None) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def _guid_of(col: Any, question: str) -> str:
    matches = [g for g, n in notes_by_guid(col).items() if n.fields[0] == question]
    assert len(matches) == 1, matches  # never a duplicate
    return matches[0]


def _build_and_import(vault: Path, out: Path, col: Any) -> Any:
    """Build `vault` into the folder `out`, import the package; returns the import log."""
    result = run_anki(vault, "-o", out)
    assert result.exit_code == 0, result.output
    return import_package(col, out / "Réseau.apkg")


def _edit_in_anki(col: Any, question: str, name: str, value: str) -> str:
    """Change a field of a note the way the editor does; returns the note's GUID."""
    guid = _guid_of(col, question)
    note = notes_by_guid(col)[guid]
    note[name] = value
    col.update_note(note)
    return guid


def _review(col: Any, guid: str) -> int:
    """Answer the note's first card 'Good'; returns the card id."""
    card = notes_by_guid(col)[guid].cards()[0]
    card.start_timer()
    col.sched.answerCard(card, 3)
    return int(card.id)


def _history(col: Any, card_id: int) -> list[tuple[int, int, int]]:
    return [
        (int(r[0]), int(r[1]), int(r[2]))
        for r in col.db.all("SELECT id, ease, ivl FROM revlog WHERE cid = ?", card_id)
    ]


def test_reimport_updates_in_place_and_keeps_the_review_history(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    first = import_package(collection, out / "Réseau.apkg")
    notes_before = collection.note_count()
    cards_before = collection.card_count()
    assert len(first.new) == notes_before

    tcp_guid = _guid_of(collection, "What is TCP?")
    card_id = _review(collection, tcp_guid)
    history = _history(collection, card_id)
    assert len(history) == 1
    reviewed = collection.get_card(card_id)

    # Edit that card's answer, and another note's text; the files change "now".
    _edit(net_vault / "Réseau/TCP.md", "A reliable transport", "A reliable, ordered transport")
    _edit(net_vault / "Réseau/UDP.md", "A self-contained message", "A self-contained packet")
    result = run_anki(net_vault, "-o", out)
    assert result.exit_code == 0, result.output
    assert "0 new, 2 changed" in result.output

    second = import_package(collection, out / "Réseau.apkg")
    assert len(second.updated) == 2
    assert not second.new and not second.conflicting and not second.missing_notetype
    assert collection.note_count() == notes_before
    assert collection.card_count() == cards_before
    notes = notes_by_guid(collection)
    assert field(notes[tcp_guid], "Answer") == "A reliable, ordered transport protocol"
    datagram = notes[_guid_of(collection, "What is a datagram?")]
    assert field(datagram, "Answer") == "A self-contained packet"

    after = collection.get_card(card_id)  # the same card, its scheduling untouched
    assert (after.type, after.queue, after.ivl, after.due) == (
        reviewed.type,
        reviewed.queue,
        reviewed.ivl,
        reviewed.due,
    )
    assert _history(collection, card_id) == history
    questions = [n.fields[0] for n in notes.values()]
    assert len(questions) == len(set(questions))


def test_unchanged_notes_keep_edits_made_inside_anki(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    _build_and_import(net_vault, out, collection)
    mine = "A 16-bit number (my own words)"
    guid = _edit_in_anki(collection, "What is a port?", "Answer", mine)

    # Nothing changed in the notes: re-importing the rebuilt package changes nothing.
    log = _build_and_import(net_vault, out, collection)
    assert not log.updated and not log.new
    assert field(notes_by_guid(collection)[guid], "Answer") == mine

    # Another card of the same note file changes: only that card is updated.
    _edit(net_vault / "Réseau/TCP.md", "A reliable transport", "A dependable transport")
    log = _build_and_import(net_vault, out, collection)
    assert len(log.updated) == 1
    notes = notes_by_guid(collection)
    assert field(notes[guid], "Answer") == mine
    assert field(notes[_guid_of(collection, "What is TCP?")], "Answer").startswith("A dependable")


def test_a_later_edit_in_the_notes_wins_over_an_edit_in_anki(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    _build_and_import(net_vault, out, collection)
    guid = _edit_in_anki(collection, "What is UDP?", "Answer", "edited in Anki")

    later = time.time() + 120  # the note file is edited after the edit in Anki
    _edit(net_vault / "Réseau/UDP.md", "A connectionless", "A message-oriented", mtime=later)
    _build_and_import(net_vault, out, collection)
    answer = field(notes_by_guid(collection)[guid], "Answer")
    assert answer == "A message-oriented transport protocol"


def test_shifted_lines_do_not_rewrite_notes(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    _build_and_import(net_vault, out, collection)
    guid = _edit_in_anki(collection, "What is TCP?", "Extra", "my mnemonic")

    # A blank line above moves every card down: their content is the same, so Anki's
    # copies (and the edit above) stay as they are.
    _edit(net_vault / "Réseau/TCP.md", "# TCP\n", "# TCP\n\n\n")
    result = run_anki(net_vault, "-o", out)
    assert "0 new, 0 changed" in result.output
    log = import_package(collection, out / "Réseau.apkg")
    assert not log.updated
    assert field(notes_by_guid(collection)[guid], "Extra") == "my mnemonic"


def test_a_card_that_left_the_notes_is_retired_then_forgotten(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    package = out / "Réseau.apkg"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    import_package(collection, package)
    count = collection.note_count()
    guid = _guid_of(collection, "What is a datagram?")

    _edit(net_vault / "Réseau/UDP.md", "What is a datagram?::A self-contained message\n", "")
    result = run_anki(net_vault, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Wrote " in result.output and "cards in 2 decks, 1 retired)" in result.output
    assert "1 card no longer in your notes" in result.output
    assert "What is a datagram?  (Réseau/UDP.md:4)" in result.output
    assert "--forget-retired" in result.output

    log = import_package(collection, package)
    assert len(log.updated) == 1 and not log.new
    assert collection.note_count() == count  # an import cannot delete it...
    retired = notes_by_guid(collection)[guid]
    assert export.RETIRED_TAG in retired.tags  # ...but it is tagged, ready to delete
    assert "No longer in your notes" in field(retired, "Source")
    assert collection.find_notes(f"tag:{export.RETIRED_TAG}") == [retired.id]

    # It rides along, unchanged, until the user has deleted it and says so.
    result = run_anki(net_vault, "-o", out)
    assert "1 earlier retired card still ride along" in result.output
    assert guid in {g for g, *_ in package_notes(package)}
    assert not import_package(collection, package).updated

    collection.remove_notes([retired.id])
    result = run_anki(net_vault, "--forget-retired", "-o", out)
    assert result.exit_code == 0, result.output
    assert guid not in {g for g, *_ in package_notes(package)}
    log = import_package(collection, package)
    assert not log.new  # it does not come back
    manifest = json.loads((out / export.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["notes"][guid]["state"] == "gone"


def test_a_retired_card_that_comes_back_loses_its_tag(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    udp = net_vault / "Réseau/UDP.md"
    _build_and_import(net_vault, out, collection)
    guid = _guid_of(collection, "What is UDP?")
    _edit(udp, "What is UDP?::A connectionless transport protocol\n", "", mtime=PAST)
    _build_and_import(net_vault, out, collection)
    assert export.RETIRED_TAG in notes_by_guid(collection)[guid].tags

    # Put back with an old file time: its stamp must still be newer than the retired one.
    _edit(
        udp, "# UDP\n", "# UDP\n\nWhat is UDP?::A connectionless transport protocol\n", mtime=PAST
    )
    log = _build_and_import(net_vault, out, collection)
    assert len(log.updated) == 1
    assert export.RETIRED_TAG not in notes_by_guid(collection)[guid].tags


def test_building_one_note_retires_nothing_elsewhere(net_vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    result = run_anki(net_vault / "Réseau/UDP.md", "-o", out / "Réseau.apkg")
    assert result.exit_code == 0, result.output
    assert "no longer in your notes" not in result.output
    udp_cards = {c.id for c in exported_cards(net_vault / "Réseau/UDP.md")}
    assert {g for g, *_ in package_notes(out / "Réseau.apkg")} == udp_cards
    # and the full build after it still knows every card: nothing new, nothing retired
    result = run_anki(net_vault, "-o", out)
    assert "0 new, 0 changed" in result.output and "no longer" not in result.output


def test_a_restyled_note_type_survives_reimport(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    _build_and_import(net_vault, out, collection)
    model = collection.models.get(export.MODEL_IDS[export.CardKind.BASIC])
    model["css"] += "\n.card { font-size: 30px; }"
    collection.models.update_dict(model)
    _build_and_import(net_vault, out, collection)
    model = collection.models.get(export.MODEL_IDS[export.CardKind.BASIC])
    assert model["css"].endswith(".card { font-size: 30px; }")


def test_a_damaged_manifest_is_a_warning(net_vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    out.mkdir()
    (out / export.MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    age(net_vault)
    result = run_anki(net_vault, "-o", out)
    assert result.exit_code == 0
    assert "build manifest unreadable" in result.stderr
    assert f"Since the last build: {len(exported_cards(net_vault))} new" in result.output
    assert json.loads((out / export.MANIFEST_NAME).read_text(encoding="utf-8"))["version"] == 1
