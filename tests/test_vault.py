"""Reading a vault: which files are notes, how they are decoded, what their front matter and
metadata lines say, and how a broken file or config is reported (a warning, never a crash).

Every test writes real files into a temporary vault and reads them with `load_vault`, then
extracts cards with `extract_vault`, as `quizgen cards` does.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quizgen.config import Config
from quizgen.errors import QuizgenError
from quizgen.extract import extract_vault
from quizgen.model import Card, Diagnostic
from quizgen.outline import parse_note
from quizgen.vault import Vault, load_vault
from tests.conftest import NOTES

WriteNote = Callable[[str, str], Path]

# A note whose cards are easy to recognise: two terms under a heading.
CELL = "# Cell\n* Mitochondria : powerhouse of the cell\n* Ribosome : makes proteins\n"


def read(*paths: Path) -> tuple[Vault, list[Card], list[Diagnostic]]:
    """Load like the CLI does: the vault's problems, then each note's."""
    vault = load_vault(*paths)
    result = extract_vault(vault.notes, config=vault.config)
    return vault, list(result.cards), [*vault.problems, *result.problems]


def rel_paths(vault: Vault) -> list[str]:
    return [note.rel_path for note in vault.notes]


def card_texts(cards: list[Card]) -> str:
    return "\n".join(f"{c.question}\n{c.answer}\n{' '.join(c.context)}" for c in cards)


def term_card(cards: list[Card], term: str) -> Card:
    quoted = (f"“{term}”", f"« {term} »", f": {term}?", f": {term} ?")
    found = [c for c in cards if c.rule == "term" and any(q in c.question for q in quoted)]
    assert len(found) == 1, [c.question for c in cards]
    return found[0]


# ---------------------------------------------------------------- which files are notes


def test_a_single_file_is_a_vault_of_one_note(write_note: WriteNote) -> None:
    path = write_note("Cell.md", CELL)
    write_note("Other.md", CELL)
    vault, cards, problems = read(path)
    assert rel_paths(vault) == ["Cell.md"]
    assert problems == []
    assert {c.source.path for c in cards} == {"Cell.md"}
    assert term_card(cards, "Mitochondria").answer == "powerhouse of the cell"


def test_a_folder_is_read_recursively_in_a_stable_order(write_note: WriteNote) -> None:
    write_note("b.md", CELL)
    write_note("a/z.md", CELL)
    write_note("a/deep/er/x.md", CELL)
    write_note("A.MD", CELL)  # the extension is matched without regard to case
    root = write_note("readme.txt", CELL).parent
    write_note("image.png.md.bak", CELL)
    vault, cards, problems = read(root)
    assert rel_paths(vault) == ["A.MD", "a/deep/er/x.md", "a/z.md", "b.md"]
    assert problems == []
    assert {c.source.path for c in cards} == set(rel_paths(vault))


def test_obsidian_trash_and_hidden_folders_are_skipped(write_note: WriteNote) -> None:
    root = write_note("kept.md", CELL).parent
    for skipped in (
        ".obsidian/workspace.md",
        ".obsidian/plugins/x/README.md",
        ".trash/Old note.md",
        ".hidden/secret.md",
        "sub/.cache/note.md",
        ".hidden-note.md",
    ):
        write_note(skipped, CELL)
    write_note("sub/kept too.md", CELL)
    vault, cards, problems = read(root)
    assert rel_paths(vault) == ["kept.md", "sub/kept too.md"]
    assert problems == []
    assert {c.source.path for c in cards} == {"kept.md", "sub/kept too.md"}


@pytest.mark.parametrize(
    ("exclude", "kept"),
    [
        ("[drafts]", ["Cell.md", "notes/keep.md", "notes/old.draft.md"]),
        ("[drafts/]", ["Cell.md", "notes/keep.md", "notes/old.draft.md"]),
        ("['*.draft.md']", ["Cell.md", "drafts/wip.md", "notes/keep.md"]),
        ("[notes/old.draft.md, drafts]", ["Cell.md", "notes/keep.md"]),
        ("drafts", ["Cell.md", "notes/keep.md", "notes/old.draft.md"]),  # a lone string
        ("[]", ["Cell.md", "drafts/wip.md", "notes/keep.md", "notes/old.draft.md"]),
    ],
)
def test_quizgen_yaml_exclude(write_note: WriteNote, exclude: str, kept: list[str]) -> None:
    root = write_note("Cell.md", CELL).parent
    write_note("drafts/wip.md", CELL)
    write_note("notes/keep.md", CELL)
    write_note("notes/old.draft.md", CELL)
    (root / "quizgen.yaml").write_text(f"exclude: {exclude}\n", encoding="utf-8")
    vault, cards, problems = read(root)
    assert rel_paths(vault) == kept
    assert problems == []
    assert {c.source.path for c in cards} == set(kept)


def test_the_config_at_the_vault_root_applies_when_a_subfolder_is_read(
    write_note: WriteNote,
) -> None:
    root = write_note("course/keep.md", CELL).parent.parent
    write_note("course/drafts/wip.md", CELL)
    (root / "quizgen.yaml").write_text("exclude: [drafts]\ndeck: Fixed\n", encoding="utf-8")
    vault, cards, _ = read(root / "course")
    assert vault.root == root.resolve()
    assert rel_paths(vault) == ["course/keep.md"]
    assert {c.deck for c in cards} == {"Fixed"}


def test_a_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(QuizgenError, match=r"nowhere\.md"):
        load_vault(tmp_path / "nowhere.md")


def test_the_bundled_vault_reads_every_note() -> None:
    vault, cards, _ = read(NOTES)
    assert sorted(rel_paths(vault)) == sorted(p.name for p in NOTES.glob("*.md"))
    assert len(cards) > 100


# ---------------------------------------------------------------- encodings and newlines

# Line numbers of the note below (1-based), counted by hand.
ENCODED = (
    "---\n"  # 1
    "tags: [biology]\n"  # 2
    "---\n"  # 3
    "# Cellule\n"  # 4
    "\n"  # 5
    "* Mitochondrie : centrale énergétique de la cellule\n"  # 6
    "* Ribosome : fabrique les protéines\n"  # 7
    "\n"  # 8
    "Le noyau est le centre de contrôle de la cellule.\n"  # 9
)


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_utf8_with_or_without_bom_any_newline(
    write_note: WriteNote, bom: bool, newline: str
) -> None:
    path = write_note("Cellule.md", "")
    data = ENCODED.replace("\n", newline).encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    vault, cards, problems = read(path)
    assert problems == []
    (note,) = vault.notes
    assert note.text == ENCODED  # BOM gone, newlines normalised, accents intact
    assert term_card(cards, "Mitochondrie").source.line == 6
    assert term_card(cards, "Mitochondrie").answer == "centrale énergétique de la cellule"
    assert term_card(cards, "Ribosome").source.line == 7
    assert [c.source.line for c in cards if "noyau" in c.question] == [9]
    assert all(c.tags[0] == "biology" for c in cards)  # the front matter was read: BOM or not


# ---------------------------------------------------------------- files that can't be read


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("Latin.md", "# Café\n* Crème : brûlée\n".encode("cp1252"), "not UTF-8"),
        ("Utf16.md", "# Note\n* a : b\n".encode("utf-16"), "binary"),
        ("Picture.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ],
    ids=["cp1252", "utf16", "png"],
)
def test_a_file_that_is_not_utf8_text_is_one_warning(
    write_note: WriteNote, name: str, data: bytes, expected: str
) -> None:
    root = write_note("Cell.md", CELL).parent
    write_note("Zoo.md", CELL.replace("Cell", "Zoo"))
    (root / name).write_bytes(data)
    vault, cards, problems = read(root)
    assert rel_paths(vault) == ["Cell.md", "Zoo.md"]  # the rest goes on
    assert len(problems) == 1, problems
    assert problems[0].path == name
    assert expected in problems[0].message
    assert name in str(problems[0])
    assert {c.source.path for c in cards} == {"Cell.md", "Zoo.md"}


def test_a_non_utf8_warning_names_the_line_of_the_bad_byte(write_note: WriteNote) -> None:
    root = write_note("Cell.md", CELL).parent
    (root / "Latin.md").write_bytes(b"# Title\n* ok : fine\n* caf\xe9 : bar\n")
    _, _, problems = read(root)
    assert [(p.path, "line 3" in p.message) for p in problems] == [("Latin.md", True)]


def test_a_dangling_symlink_is_one_warning(write_note: WriteNote) -> None:
    root = write_note("Cell.md", CELL).parent
    (root / "Gone.md").symlink_to(root / "deleted-long-ago.md")
    vault, cards, problems = read(root)
    assert rel_paths(vault) == ["Cell.md"]
    assert [p.path for p in problems] == ["Gone.md"]
    assert "cannot read" in problems[0].message
    assert cards


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Act as a user that file permissions apply to. Root reads a chmod 000 file anyway, so a
    root test process drops its effective uid to `nobody` for the duration (and gets it back:
    the real and saved uids stay root)."""
    if os.geteuid() != 0:
        yield
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no `nobody` user to drop privileges to")
    os.setegid(nobody.pw_gid)
    os.seteuid(nobody.pw_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_an_unreadable_file_is_one_warning() -> None:
    # Not tmp_path: pytest's base temp folder is private to its owner, so an unprivileged
    # user could not even list the vault.
    root = Path(tempfile.mkdtemp(prefix="quizgen-perm-"))
    try:
        root.chmod(0o755)
        (root / "Cell.md").write_text(CELL, encoding="utf-8")
        (root / "Cell.md").chmod(0o644)
        secret = root / "Secret.md"
        secret.write_text(CELL.replace("Cell", "Secret"), encoding="utf-8")
        secret.chmod(0o000)
        with unprivileged():
            if os.access(secret, os.R_OK, effective_ids=True):
                pytest.skip("permissions are not enforced for this user on this file system")
            vault, cards, problems = read(root)
        assert rel_paths(vault) == ["Cell.md"]
        assert [p.path for p in problems] == ["Secret.md"]
        assert "cannot read" in problems[0].message
        assert "Permission denied" in problems[0].message
        assert {c.source.path for c in cards} == {"Cell.md"}
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- front matter

FRONT = """\
---
tags: [biology, cell/organelles, "two words"]
aliases: [Cellule, The cell]
lang: fr
deck: Bio 101::Organelles
course: Ignored because deck is set
---
# Cell
* Mitochondria : powerhouse of the cell
* Ribosome : makes proteins
"""


def test_front_matter_fields_reach_the_meta_and_the_cards(write_note: WriteNote) -> None:
    path = write_note("Cell.md", FRONT)
    meta = parse_note(FRONT).meta
    assert meta.tags == ("biology", "cell/organelles", "two words")
    assert meta.aliases == ("Cellule", "The cell")
    assert meta.lang == "fr"
    assert meta.deck == "Bio 101::Organelles"
    assert meta.course == "Ignored because deck is set"
    assert meta.enabled
    _, cards, problems = read(path)
    assert problems == []
    card = term_card(cards, "Mitochondria")
    assert card.lang == "fr"
    assert card.question.endswith(" ?")  # the French templates, from `lang: fr`
    assert card.deck == "Bio 101::Organelles"
    assert card.tags[:3] == ("biology", "cell::organelles", "two_words")  # Anki-safe
    assert card.source.line == 9


def test_front_matter_course_names_the_deck(write_note: WriteNote) -> None:
    path = write_note("Cell.md", "---\ncourse: Biology 101\ntags: solo\n---\n" + CELL)
    _, cards, _ = read(path)
    assert {c.deck for c in cards} == {"Biology 101::Cell"}
    assert all(c.tags[0] == "solo" for c in cards)


def test_without_front_matter_the_folder_is_the_course(write_note: WriteNote) -> None:
    root = write_note("Biology/Cell.md", CELL).parent.parent
    _, cards, _ = read(root)
    assert {c.deck for c in cards} == {"Biology::Cell"}


@pytest.mark.parametrize("value", ["false", "no", "off", "False"])
def test_quizgen_false_skips_the_note(write_note: WriteNote, value: str) -> None:
    root = write_note("Skipped.md", f"---\nquizgen: {value}\n---\n" + CELL).parent
    write_note("Kept.md", CELL)
    vault, cards, problems = read(root)
    assert rel_paths(vault) == ["Kept.md", "Skipped.md"]  # read, then skipped, silently
    assert problems == []
    assert {c.source.path for c in cards} == {"Kept.md"}


@pytest.mark.parametrize(
    ("front", "line", "what"),
    [
        # The line is the note's own line number: the front matter starts on line 2.
        ("title: TCP vs UDP: the transport layer\ntags: [x]", 2, "mapping values"),
        ("tags: [x]\ncourse: Bio\n  deck: X", 4, "mapping values"),
        ("tags: [x]\ncourse: Bio\n\tdeck: X", 4, "tab"),
        ("tags: [a, b\nlang: en", 3, "expected ','"),
        ("- just\n- a list", 1, "not a mapping"),
    ],
    ids=["colon-in-value", "bad-indent", "tab-indent", "unclosed-list", "not-a-mapping"],
)
def test_malformed_front_matter_is_a_warning_and_the_note_is_still_read(
    write_note: WriteNote, front: str, line: int, what: str
) -> None:
    text = f"---\n{front}\n---\n{CELL}"
    path = write_note("Cell.md", text)
    _, cards, problems = read(path)
    assert len(problems) == 1, problems
    (problem,) = problems
    assert (problem.path, problem.line) == ("Cell.md", line)
    assert what in problem.message
    assert str(problem).startswith(f"Cell.md:{line}: front matter")
    heading_line = text.split("\n").index("# Cell") + 1
    assert term_card(cards, "Mitochondria").source.line == heading_line + 1
    assert term_card(cards, "Ribosome").answer == "makes proteins"


# ---------------------------------------------------------------- metadata lines

METADATA = """\
Course: [[Cell Biology]]
Date: 06-10-2021
Tags: #bio #cells/organelles

# Cell
* Mitochondria : powerhouse of the cell
* Ribosome : makes proteins
"""


@pytest.mark.parametrize(
    "text",
    [
        METADATA,
        # the seed's way: bullets, no space after the colon
        METADATA.replace("Course: ", "* Course:")
        .replace("Date:", "* Date:")
        .replace("Tags:", "* Tags:"),
        METADATA.replace("Course: [[Cell Biology]]", "Course :: [[Cell Biology|Cell Biology]]"),
    ],
    ids=["lines", "bullets", "dataview"],
)
def test_metadata_lines_give_deck_and_tags_and_never_cards(
    write_note: WriteNote, text: str
) -> None:
    path = write_note("Mitochondria notes.md", text)
    _, cards, problems = read(path)
    assert problems == []
    assert cards
    assert {c.deck for c in cards} == {"Cell Biology::Mitochondria notes"}
    assert all(c.tags[:2] == ("bio", "cells::organelles") for c in cards)
    assert all(c.source.line >= 5 for c in cards)
    texts = card_texts(cards)
    for word in ("Course", "Date", "2021", "#bio", "Tags"):
        assert word not in texts


def test_french_metadata_lines(write_note: WriteNote) -> None:
    text = "Cours : [[Chimie générale]]\nDate : 19/01/2023\n\n# Acides\n* pKa : force d'un acide\n"
    _, cards, _ = read(write_note("Acides.md", text))
    assert cards
    assert {c.deck for c in cards} == {"Chimie générale::Acides"}
    assert all(c.source.line >= 4 for c in cards)
    assert "19/01" not in card_texts(cards)


def test_metadata_bullets_then_a_metadata_line(write_note: WriteNote) -> None:
    text = "* Course:[[Cell Biology]]\n* Date: 06-10-2021\nTags: #bio\n\n" + CELL
    _, cards, _ = read(write_note("Cell.md", text))
    assert cards
    assert all(c.source.line >= 5 for c in cards), [(c.source.line, c.question) for c in cards]
    assert all(c.tags[0] == "bio" for c in cards)


def test_a_metadata_key_after_the_first_heading_is_content(write_note: WriteNote) -> None:
    text = "# Dates\n* Date : a point in time\n* Period : a span of time\n"
    _, cards, _ = read(write_note("Time.md", text))
    assert term_card(cards, "Date").answer == "a point in time"


NAVIGATION = """\
[[Biology index|⬅ index]]
# Cell
[[Cell Biology#Notes|up]]

* Mitochondria : powerhouse of the cell
* [[Organelles]]
* Ribosome : makes proteins
* ![[ribosome.png]]

---
[[Previous note]] | [[Next note]]
← [[Prev]] · [[Next]] →
"""


def test_navigation_lines_made_only_of_links_are_skipped(write_note: WriteNote) -> None:
    _, cards, _ = read(write_note("Cell.md", NAVIGATION))
    assert {c.source.line for c in cards} <= {5, 7}
    texts = card_texts(cards)
    for word in ("index", "up", "Organelles", "Previous", "Next", "Prev", "ribosome.png"):
        assert word not in texts.replace("Ribosome", "")


def test_a_navigation_line_right_above_a_list_is_not_its_subject(write_note: WriteNote) -> None:
    text = "# Cell\n[[Cell Biology#Notes|up]]\n* Mitochondria : powerhouse\n* Ribosome : proteins\n"
    _, cards, _ = read(write_note("Cell.md", text))
    assert cards
    for card in cards:
        assert "up" not in card.question.split(":")[0]
        assert "up" not in card.context


def test_the_bundled_stub_yields_zero_cards() -> None:
    vault, cards, problems = read(NOTES / "Stub.md")
    assert rel_paths(vault) == ["Stub.md"]
    assert cards == []
    assert problems == []
    meta = parse_note(vault.notes[0].text).meta
    assert meta.course == "Chimie générale"
    assert set(meta.tags) >= {"chimie", "todo"}


def test_a_copied_stub_in_a_vault_adds_no_cards(notes_copy: Path) -> None:
    _, before, _ = read(notes_copy)
    (notes_copy / "Another stub.md").write_text(
        (NOTES / "Stub.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _, after, _ = read(notes_copy)
    assert len(after) == len(before)
    assert not any(c.source.path == "Another stub.md" for c in after)


# ---------------------------------------------------------------- a bad quizgen.yaml


@pytest.mark.parametrize(
    ("config", "line", "what"),
    [
        ("exclude: [drafts\n", 2, "expected ','"),
        ("exclude:\n\t- drafts\n", 2, "character '\\t'"),
        ("- exclude\n- drafts\n", 1, "expected a mapping"),
        ("exclude: 3\n", 0, "expected a list"),
        ("frobnicate: yes\n", 0, "unknown setting"),
        ("separators: {inline: 5}\n", 0, "separators"),
    ],
    ids=["unclosed", "tab", "list", "wrong-type", "unknown-key", "bad-separator"],
)
def test_a_bad_config_is_a_warning_and_defaults_are_used(
    write_note: WriteNote, config: str, line: int, what: str
) -> None:
    root = write_note("Cell.md", CELL + "\nWhat is ATP::the energy currency\n").parent
    write_note("drafts/wip.md", CELL)
    (root / "quizgen.yaml").write_text(config, encoding="utf-8")
    vault, cards, problems = read(root)
    assert vault.config == Config()
    assert rel_paths(vault) == ["Cell.md", "drafts/wip.md"]  # nothing excluded
    assert len(problems) == 1, problems
    (problem,) = problems
    assert (problem.path, problem.line) == ("quizgen.yaml", line)
    assert what in problem.message
    explicit = [c for c in cards if c.rule == "explicit"]
    assert [(c.question, c.answer) for c in explicit] == [("What is ATP", "the energy currency")]


def test_a_config_that_is_not_utf8_is_a_warning(write_note: WriteNote) -> None:
    root = write_note("Cell.md", CELL).parent
    (root / "quizgen.yaml").write_bytes("deck: Café\n".encode("cp1252"))
    vault, cards, problems = read(root)
    assert vault.config == Config()
    assert [p.path for p in problems] == ["quizgen.yaml"]
    assert cards


def test_a_good_config_part_is_kept_when_another_part_is_bad(write_note: WriteNote) -> None:
    root = write_note("Cell.md", CELL).parent
    (root / "quizgen.yaml").write_text("deck: Fixed\nexclude: 3\n", encoding="utf-8")
    vault, cards, problems = read(root)
    assert vault.config.deck == "Fixed"
    assert vault.config.exclude == ()
    assert len(problems) == 1
    assert {c.deck for c in cards} == {"Fixed"}
