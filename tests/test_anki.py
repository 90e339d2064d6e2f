"""`quizgen anki`: every package built here is imported into a fresh collection with the
official `anki` package, and the collection is what the tests check.

Helpers shared by the other test_anki_* modules live here too."""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner, Result

from quizgen import anki as export
from quizgen.cli import cli
from quizgen.extract import VaultExtraction, extract_vault
from quizgen.model import Card, CardKind, Note, SourceRef
from quizgen.vault import load_vault

REPO = Path(__file__).resolve().parent.parent
PAST = int(time.time()) - 86_400  # note files "last edited yesterday"


# ---------------------------------------------------------------- helpers


def run_anki(*args: str | Path) -> Result:
    """`quizgen anki ARGS`, in process. Fails the test on a traceback."""
    result = CliRunner().invoke(cli, ["anki", *map(str, args)], catch_exceptions=False)
    return result


def import_package(col: Collection, path: Path) -> Any:
    """Import like Anki's File > Import with its default options; returns the import log."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def age(folder: Path, mtime: float = PAST) -> None:
    """Set the modification time of every file under `folder`."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (mtime, mtime))


def notes_by_guid(col: Collection) -> dict[str, Any]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def field(note: Any, name: str) -> str:
    return str(note[name])


def exported_cards(*paths: Path) -> list[Card]:
    """The cards quizgen makes, minus the reverse twins that Anki's reversed type makes."""
    vault = load_vault(*paths)
    cards = extract_vault(vault.notes, config=vault.config).cards
    ids = {c.id for c in cards}
    return [c for c in cards if not (c.reverse_of and c.reverse_of in ids)]


def anki_cards(card: Card) -> int:
    if card.kind is CardKind.REVERSED:
        return 2
    if card.kind is CardKind.CLOZE:
        return len(set(re.findall(r"\{\{c(\d+)::", card.cloze)))
    return 1


def package_notes(path: Path) -> list[tuple[str, str, int, str]]:
    """(guid, tags, mod, flds) of every note in a package, read from its SQLite."""
    with zipfile.ZipFile(path) as package, package.open("collection.anki2") as db:
        data = db.read()
    copy = path.with_suffix(".anki2")
    copy.write_bytes(data)
    try:
        connection = sqlite3.connect(copy)
        rows = connection.execute("SELECT guid, tags, mod, flds FROM notes").fetchall()
        connection.close()
    finally:
        copy.unlink()
    return [(str(g), str(t), int(m), str(f)) for g, t, m, f in rows]


@pytest.fixture(name="collection")
def collection_fixture(tmp_path: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection."""
    folder = tmp_path / "anki-profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture(name="every_package_imports", autouse=True)
def every_package_imports_fixture(tmp_path: Path) -> Iterator[None]:
    """After each test: every package it left behind imports cleanly into a fresh collection,
    as many notes as the package holds, no conflict."""
    yield
    for package in sorted(tmp_path.rglob("*.apkg")):
        if not zipfile.is_zipfile(package):
            continue  # a stand-in file of a test about writing
        notes = package_notes(package)
        with tempfile.TemporaryDirectory() as folder:
            col = Collection(str(Path(folder) / "collection.anki2"))
            try:
                log = import_package(col, package)
                assert len(log.new) == len(notes) == col.note_count(), package
                assert not log.conflicting and not log.missing_notetype, package
                assert col.card_count() >= len(notes), package
            finally:
                col.close()


NET = """---
tags: [réseau/tcp, cours 1, éléments]
---
# TCP

What is TCP?::A reliable transport protocol
What is a port?::A 16-bit number that names an endpoint
Masque:::Mask

Les ==deux== protocoles sont ==TCP== et UDP.

## Handshake

- Three-way handshake :
    - SYN
    - SYN-ACK
    - ACK

## Diagram

```mermaid
graph TD
  A[Client] --> B[Server]
  B --> C[Reply]
  B --> D[Log]
```
"""

UDP = """# UDP

What is UDP?::A connectionless transport protocol
What is a datagram?::A self-contained message
"""


@pytest.fixture(name="net_vault")
def net_vault_fixture(write_note: Any) -> Path:
    """A small vault, an Obsidian one, with one note of every kind of card."""
    tcp = write_note("Réseau/TCP.md", NET)
    write_note("Réseau/UDP.md", UDP)
    vault: Path = tcp.parent.parent
    (vault / ".obsidian").mkdir()
    age(vault)
    return vault


# ---------------------------------------------------------------- the bundled notes


def test_bundled_notes_import_cleanly(notes_copy: Path, tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "decks"
    result = run_anki(notes_copy, "-o", out)
    assert result.exit_code == 0, result.output
    packages = list(out.glob("*.apkg"))
    assert [p.name for p in packages] == ["notes.apkg"]  # several courses: named after the vault

    cards = exported_cards(notes_copy)
    log = import_package(collection, packages[0])
    assert len(log.new) == len(cards)
    assert not log.updated and not log.duplicate and not log.conflicting
    assert not log.missing_notetype and not log.first_field_match

    assert collection.note_count() == len(cards)
    assert collection.card_count() == sum(anki_cards(c) for c in cards)
    names = {d.name for d in collection.decks.all_names_and_ids()}
    for card in cards:
        parts = card.deck.split("::")
        for depth in range(1, len(parts) + 1):
            assert "::".join(parts[:depth]) in names
    notes = notes_by_guid(collection)
    assert set(notes) == {c.id for c in cards}  # GUID = the card's stable id
    for card in cards:
        note = notes[card.id]
        assert sorted(note.tags) == sorted(card.tags)
        assert note.note_type()["id"] == export.MODEL_IDS[card.kind]
        cards_of_note = note.cards()
        assert len(cards_of_note) == anki_cards(card)
        assert {collection.decks.name(c.did) for c in cards_of_note} == {card.deck}
    kinds = {note.note_type()["name"] for note in notes.values()}
    assert kinds == {t.name for t in export.NOTE_TYPES.values()}  # the notes use all four
    assert "Basic" not in {n.note_type()["name"] for n in notes.values()}


def test_note_fields_for_every_kind(net_vault: Path, tmp_path: Path, collection: Any) -> None:
    result = run_anki(net_vault, "-o", tmp_path / "out.apkg")
    assert result.exit_code == 0, result.output
    import_package(collection, tmp_path / "out.apkg")
    by_question = {}
    for note in notes_by_guid(collection).values():
        by_question[field(note, note.keys()[0])] = note

    basic = by_question["What is TCP?"]
    assert basic.note_type()["name"] == "quizgen: Basic"
    assert basic.keys() == ["Question", "Answer", "Context", "Source", "Extra"]
    assert field(basic, "Answer") == "A reliable transport protocol"
    assert field(basic, "Context") == "TCP"
    assert sorted(basic.tags) == sorted(["réseau::tcp", "cours_1", "éléments", "TCP"])
    source = field(basic, "Source")
    assert 'href="obsidian://open?vault=vault&amp;file=R%C3%A9seau%2FTCP.md"' in source
    assert source.endswith(":6</span>")
    assert collection.decks.name(basic.cards()[0].did) == "Réseau::TCP"

    reversed_note = by_question["Masque"]
    assert reversed_note.note_type()["name"] == "quizgen: Basic (and reversed card)"
    forward, backward = (c.question().split("</style>")[1] for c in reversed_note.cards())
    assert "Masque" in forward and "Mask" not in forward
    assert "Mask" in backward and "Masque" not in backward
    assert "Mask" not in by_question  # the reverse twin is not a note of its own

    cloze = next(n for q, n in by_question.items() if "{{c1::deux}}" in q)
    assert cloze.keys() == ["Text", "Context", "Source", "Extra"]
    assert len(cloze.cards()) == 2  # two deletions, two cards
    first = cloze.cards()[0]
    assert "[...]" in first.question() and "TCP" in first.question()
    assert '<span class="cloze" data-ordinal="1">deux</span>' in first.answer()

    items = next(n for n in by_question.values() if n.note_type()["name"] == "quizgen: List")
    assert items.keys() == ["Question", "Items", "Context", "Source", "Extra"]
    assert field(items, "Items") == "<ul><li>SYN</li><li>SYN-ACK</li><li>ACK</li></ul>"
    assert "qg-items" in items.cards()[0].answer()

    diagram = next(n for n in by_question.values() if "language-mermaid" in field(n, "Extra"))
    assert "A[Client] --&gt; B[Server]" in field(diagram, "Extra")
    assert "Server" in field(diagram, "Question")


def test_new_cards_come_in_document_order(net_vault: Path, tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "out.apkg"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    import_package(collection, out)
    order = [c.id for c in exported_cards(net_vault)]
    cards = [collection.get_card(cid) for cid in collection.find_cards("")]
    cards.sort(key=lambda c: (c.due, c.ord))
    seen = list(dict.fromkeys(c.note().guid for c in cards))
    assert seen == order


def test_note_types_read_well_in_night_mode_and_on_phones(
    net_vault: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "out.apkg"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    import_package(collection, out)
    for kind, note_type in export.NOTE_TYPES.items():
        model = collection.models.get(export.MODEL_IDS[kind])
        assert model is not None and model["name"] == note_type.name
        css = model["css"]
        assert ".nightMode" in css and ".night_mode" in css  # desktop/iOS and AnkiDroid
        assert "img { max-width: 100%" in css and "overflow-x: auto" in css
        assert model["sortf"] == 0


# ---------------------------------------------------------------- cloze


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a {{c1::b}} c", "a {{c1::b}} c"),
        ("loopback {{c1::::1}}.", "loopback {{c1::&#58;&#58;1}}."),
        ("x {{c1::a::b}}", "x {{c1::a&#58;&#58;b}}"),
        (r"{{c1::\(x^{2}\)}} and {{c2::y}}", r"{{c1::\(x^{2}\)}} and {{c2::y}}"),
        (
            r"{{c1::\(\frac{a}{b^{2}}\)}}",
            r"{{c1::\(\frac&#123;a&#125;&#123;b^&#123;2&#125;&#125;\)}}",
        ),
        ("no deletion", None),
        ("empty {{c1::}} one", None),
        ("empty {{c1::<b> </b>}} one", None),
        ("unclosed {{c1::abc", None),
        ("zero {{c0::abc}}", None),
    ],
)
def test_cloze_deletions_read_as_meant(text: str, expected: str | None) -> None:
    assert export.anki_cloze(text) == expected


def _card(**changes: Any) -> Card:
    base: dict[str, Any] = {
        "id": "00000000000000c1",
        "kind": CardKind.CLOZE,
        "question": "En IPv6, le loopback est […].",
        "answer": "::1",
        "question_html": 'En IPv6, le loopback est <span class="cloze">[…]</span>.',
        "answer_html": "<code>::1</code>",
        "context": ("Adresses",),
        "deck": "Réseau::IP",
        "tags": ("réseau",),
        "source": SourceRef("IP.md", 3),
        "lang": "fr",
        "rule": "emphasis",
        "cloze": "En IPv6, le loopback est {{c1::<code>::1</code>}}.",
    }
    base.update(changes)
    return Card(**base)


def _build_cards(cards: list[Card], vault_dir: Path, out: Path) -> export.AnkiBuild:
    vault = load_vault(vault_dir)
    extraction = VaultExtraction(tuple(cards), (), ())
    build = export.build_anki(extraction, vault, {}, now=time.time())
    export.write_package(build.notes, build.media.files, out, now=time.time())
    return build


def test_cloze_with_colons_in_a_deletion_imports_as_one_card(
    write_note: Any, tmp_path: Path, collection: Any
) -> None:
    vault = write_note("IP.md", "# Adresses\n").parent
    cards = [
        _card(),
        _card(id="00000000000000c2", cloze="no deletion at all", source=SourceRef("IP.md", 5)),
    ]
    build = _build_cards(cards, vault, tmp_path / "c.apkg")
    assert [str(p) for p in build.problems] == [
        "IP.md:5: cloze card without a usable deletion: exported as a basic card"
    ]
    import_package(collection, tmp_path / "c.apkg")
    notes = notes_by_guid(collection)
    assert set(notes) == {"00000000000000c1", "00000000000000c2-basic"}
    cloze = notes["00000000000000c1"]
    assert len(cloze.cards()) == 1
    answer = cloze.cards()[0].answer()
    assert '<span class="cloze" data-ordinal="1"><code>&#58;&#58;1</code></span>' in answer
    fallback = notes["00000000000000c2-basic"]
    assert fallback.note_type()["name"] == "quizgen: Basic"
    assert field(fallback, "Answer") == "<code>::1</code>"


# ---------------------------------------------------------------- invariants


def test_model_ids_never_change() -> None:
    # Anki ties every imported note to its note type's id: changing one orphans all the notes
    # users imported before. These numbers are part of the file format.
    assert {k.value: v for k, v in export.MODEL_IDS.items()} == {
        "basic": 1_764_100_001,
        "reversed": 1_764_100_002,
        "cloze": 1_764_100_003,
        "list": 1_764_100_004,
    }
    assert [t.fields[0] for t in export.NOTE_TYPES.values()] == [
        "Question",
        "Question",
        "Text",
        "Question",
    ]


def test_genanki_is_imported_by_the_anki_module_only() -> None:
    importers = []
    for path in sorted((REPO / "quizgen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "genanki" or n.startswith("genanki.") for n in names):
                importers.append(path.relative_to(REPO).as_posix())
    assert set(importers) == {"quizgen/anki.py"}


@pytest.mark.parametrize(
    ("deck", "parent", "expected"),
    [
        ("Course::Note", None, "Course::Note"),
        (" Course :: Note ", None, "Course::Note"),
        ("Course::::Note", None, "Course::Note"),
        ("Course::Note", "L2", "L2::Course::Note"),
        ("L2::Course::Note", "L2", "L2::Course::Note"),
        ("Note", "L2::S1", "L2::S1::Note"),
        ("", None, "Default"),
    ],
)
def test_deck_names(deck: str, parent: str | None, expected: str) -> None:
    assert export.deck_name(deck, parent) == expected


def test_package_holds_each_note_with_its_own_modification_time(
    net_vault: Path, tmp_path: Path
) -> None:
    tcp = net_vault / "Réseau" / "TCP.md"
    os.utime(tcp, (PAST - 500, PAST - 500))
    out = tmp_path / "out.apkg"
    assert run_anki(net_vault, "-o", out).exit_code == 0
    mods = {m for _g, _t, m, flds in package_notes(out) if "TCP.md" in flds}
    assert mods == {PAST - 500}
    udp = {m for _g, _t, m, flds in package_notes(out) if "UDP.md" in flds}
    assert udp == {PAST}
    manifest = json.loads((tmp_path / export.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["version"] == 1
    assert {e["mod"] for e in manifest["notes"].values()} == {PAST, PAST - 500}


# ---------------------------------------------------------------- stamping, exactly


def test_stamps_follow_content_changes_not_builds(tmp_path: Path) -> None:
    def source(mtime: float) -> Note:
        return Note(tmp_path / "a.md", "a.md", "", mtime=mtime)

    def stamped(notes: list[export.AnkiNote], manifest: Any, mtime: float, now: float,
                **options: Any) -> export.Stamped:  # fmt: skip
        return export.stamp(notes, manifest, sources=[source(mtime)], now=now,
                            scope=options.pop("scope", [tmp_path]), **options)  # fmt: skip

    card = export.AnkiNote("g1", CardKind.BASIC, ("q", "a", "", "", ""), ("t",), "D", "a.md", 1,
                           "q", digest="d1")  # fmt: skip
    first = stamped([card], {}, mtime=1000.7, now=5000)
    assert [(n.mod, n.due) for n in first.notes] == [(1000, 0)] and first.new == 1
    # unchanged content keeps its time, whatever happened to the file or the clock
    again = stamped([card], first.manifest, mtime=3000, now=6000)
    assert [n.mod for n in again.notes] == [1000] and again.unchanged == 1
    # changed content: the file's time, or one second past the last stamp if that is later
    edited = replace(card, digest="d2")
    assert [n.mod for n in stamped([edited], first.manifest, mtime=3000, now=6000).notes] == [3000]
    assert [n.mod for n in stamped([edited], first.manifest, mtime=900, now=6000).notes] == [1001]

    retired = stamped([], first.manifest, mtime=1000, now=5000)
    assert [(n.guid, n.mod, n.retired) for n in retired.notes] == [("g1", 5000, True)]
    assert retired.vanished == retired.notes
    assert retired.notes[0].tags == ("t", export.RETIRED_TAG)
    assert retired.manifest["g1"].state is export.State.RETIRED
    riding = stamped([], retired.manifest, mtime=1000, now=7000)
    assert [(n.mod, n.retired) for n in riding.notes] == [(5000, True)] and not riding.vanished

    elsewhere = stamped([], first.manifest, mtime=1000, now=5000, scope=[tmp_path / "other"])
    assert elsewhere.notes == () and elsewhere.manifest == first.manifest

    forgotten = stamped([], retired.manifest, mtime=1000, now=8000, forget_retired=True)
    assert forgotten.notes == ()
    assert forgotten.manifest["g1"] == export.Entry("", 5000, export.State.GONE)
    back = stamped([card], forgotten.manifest, mtime=1000, now=9000)
    assert [(n.mod, n.retired) for n in back.notes] == [(5001, False)] and back.changed == 1
