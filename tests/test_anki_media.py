"""Media: found the way Obsidian finds them, never read outside the vault, shipped under names
that are unique in Anki's flat media folder and that Anki keeps."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from quizgen.media import MediaRef, MediaResolver, Outside, anki_media_name, plan_media, ref_line
from tests.test_anki import (
    collection_fixture,  # noqa: F401  (a fixture)
    every_package_imports_fixture,  # noqa: F401  (an autouse fixture)
    import_package,
    notes_by_guid,
    run_anki,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(name="vault")
def vault_fixture(tmp_path: Path) -> Path:
    """A vault with images here and there, and a secret just outside it."""
    root = tmp_path / "vault"
    files = {
        "course/img.png": PNG + b"course img",
        "course/sub/x.png": PNG + b"sub x",
        "course/dup.png": PNG + b"course dup",
        "other/dup.png": PNG + b"other dup",
        "attachments/deep/only-here.png": PNG + b"only here",
        "root.png": PNG + b"root",
        "course/my image.png": PNG + b"spaces",
        "course/Weird: name [1].png": PNG + b"weird",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / ".obsidian").mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG + b"secret")
    (root / "course" / "link.png").symlink_to(secret)
    (root / "course" / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    return root


@pytest.mark.parametrize(
    ("ref", "note", "expected"),
    [
        ("img.png", "course/Bio.md", "course/img.png"),  # beside the note
        ("sub/x.png", "course/Bio.md", "course/sub/x.png"),  # relative to the note
        ("course/img.png", "other/N.md", "course/img.png"),  # from the vault root
        ("/root.png", "course/Bio.md", "root.png"),  # a leading / is the vault root
        ("../root.png", "course/Bio.md", "root.png"),  # up, but still inside
        ("only-here.png", "course/Bio.md", "attachments/deep/only-here.png"),  # by name
        ("deep/only-here.png", "course/Bio.md", "attachments/deep/only-here.png"),  # path end
        ("ONLY-HERE.png", "course/Bio.md", "attachments/deep/only-here.png"),  # any case
        ("dup.png", "course/Bio.md", "course/dup.png"),  # the nearest of two
        ("dup.png", "other/N.md", "other/dup.png"),
        ("dup.png", "N.md", "course/dup.png"),  # equally far: the first by name
        ("my%20image.png", "course/Bio.md", "course/my image.png"),
        ("<my image.png>", "course/Bio.md", "course/my image.png"),
        ("nope.png", "course/Bio.md", None),
        ("sub/img.png", "course/Bio.md", None),  # a path that does not end like any file
    ],
)
def test_references_resolve_like_obsidian(
    vault: Path, ref: str, note: str, expected: str | None
) -> None:
    found = MediaResolver(vault).resolve(ref, note)
    assert (found.relative_to(vault.resolve()).as_posix() if found else None) == expected


@pytest.mark.parametrize(
    "ref",
    [
        "../secret.png",  # from a note at the root
        "../../secret.png",
        "course/../../secret.png",
        "link.png",  # a symlink to a file outside
        "linkdir/secret.png",  # through a symlinked folder
        "C:\\Users\\me\\secret.png",
        "\\\\server\\share\\secret.png",
        "",
    ],
)
def test_nothing_outside_the_vault_is_ever_read(vault: Path, ref: str) -> None:
    note = (
        "course/Bio.md"
        if ref in {"link.png", "../../secret.png", "linkdir/secret.png"}
        else "Bio.md"
    )
    with pytest.raises(Outside):
        MediaResolver(vault).resolve(ref, note)


def test_an_absolute_path_is_read_from_the_vault_root(vault: Path, tmp_path: Path) -> None:
    secret = (tmp_path / "secret.png").as_posix()
    assert MediaResolver(vault).resolve(secret, "Bio.md") is None  # <vault>/tmp/.../secret.png


def test_names_are_unique_stable_and_kept_by_anki(vault: Path) -> None:
    refs = [
        MediaRef("course/Bio.md", "dup.png", 3),
        MediaRef("other/N.md", "dup.png", 1),
        MediaRef("course/Bio.md", "img.png", 4),
        MediaRef("course/Bio.md", "img.png", 9),  # the same file twice: one entry
        MediaRef("course/Bio.md", "Weird: name [1].png", 5),
    ]
    plan = plan_media(refs, MediaResolver(vault))
    names = {item.source.relative_to(vault.resolve()).as_posix(): item.name for item in plan.files}
    assert names["course/img.png"] == "img.png"
    assert names["course/Weird: name [1].png"] == "Weird_ name _1_.png"
    course, other = names["course/dup.png"], names["other/dup.png"]
    assert course != other and course.startswith("dup-") and course.endswith(".png")
    assert plan_media(reversed(refs), MediaResolver(vault)).files == tuple(
        sorted(plan.files, key=lambda f: f.source)
    )
    assert plan.problems == ()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("img.png", "img.png"),
        ("a:b*c?.png", "a_b_c_.png"),
        ("CON.png", "CON_.png"),
        ("e\u0301te\u0301.png", "\u00e9t\u00e9.png"),  # NFC, as Anki stores it
        ("x" * 200 + ".png", "x" * 116 + ".png"),
        ("é" * 100 + ".png", "é" * 58 + ".png"),  # 120 bytes, never a broken character
    ],
)
def test_media_names_as_anki_keeps_them(name: str, expected: str) -> None:
    assert anki_media_name(name) == expected
    assert len(anki_media_name(name).encode("utf-8")) <= 120


def test_ref_line_finds_the_line_of_the_image() -> None:
    text = "# A\n![[x.png]]\ntext\n- item ![[x.png]]\n"
    assert ref_line(text, "x.png", 3) == 4
    assert ref_line(text, "x.png", 1) == 2
    assert ref_line(text, "x.png", 9) == 2
    assert ref_line(text, "y.png", 3) == 3


BIO = """# Cells

- Mitochondria : the powerhouse of the cell ![[img.png]]
- Ribosome : makes proteins ![[img.png|300]]
- Nucleus : holds the DNA ![](sub/x.png)
- Golgi : packs proteins ![[dup.png]]
- Lysosome : digests waste ![](../../secret.png)
- Vacuole : stores water ![[nope.png]]
- Membrane : a lipid bilayer ![[link.png]]
- Centriole : organises microtubules ![](<Weird: name [1].png>)
"""

OTHER = """# Other

- Chloroplast : makes sugar ![[dup.png]]
"""


def test_media_land_in_the_collection(vault: Path, tmp_path: Path, collection: Any) -> None:
    (vault / "course" / "Bio.md").write_text(BIO, encoding="utf-8")
    (vault / "other" / "Other.md").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "out.apkg"
    result = run_anki(vault, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: course/Bio.md:7: image '../../secret.png' is outside the vault: not read, "
        "not included",
        "Warning: course/Bio.md:8: image 'nope.png' not found in the vault: the card shows it "
        "missing",
        "Warning: course/Bio.md:9: image 'link.png' is outside the vault: not read, not included",
    ]
    assert "5 media files" in result.output
    with zipfile.ZipFile(out) as package:
        assert all(PNG + b"secret" not in package.read(name) for name in package.namelist())

    import_package(collection, out)
    media = Path(collection.media.dir())
    stored = {p.name: p.read_bytes() for p in media.iterdir() if p.is_file()}
    assert stored["img.png"] == PNG + b"course img"
    assert stored["x.png"] == PNG + b"sub x"
    assert stored["Weird_ name _1_.png"] == PNG + b"weird"
    dups = sorted(data for name, data in stored.items() if name.startswith("dup-"))
    assert dups == [PNG + b"course dup", PNG + b"other dup"]
    assert len(stored) == 5

    answers = {n.fields[0]: n.fields[1] for n in notes_by_guid(collection).values()}
    # `Cell: what is “Mitochondria”?` or `Cell: Ribosome?`
    named = (re.search(r"“(.+?)”", q) or re.search(r":\s*([^:]+?)\s*\?$", q) for q in answers)
    by_term = {m.group(1): answers[m.string] for m in named if m}
    assert by_term["Mitochondria"].endswith('<img src="img.png" alt="">')
    assert '<img src="img.png" width="300" alt="">' in by_term["Ribosome"]
    assert '<img src="x.png" alt="">' in by_term["Nucleus"]
    assert '<img src="Weird_ name _1_.png" alt="">' in by_term["Centriole"]
    golgi, chloroplast = by_term["Golgi"], by_term["Chloroplast"]
    assert golgi != chloroplast and "dup-" in golgi and "dup-" in chloroplast
    for name in ("Golgi", "Chloroplast", "Mitochondria", "Nucleus", "Centriole"):
        src = by_term[name].split('src="')[1].split('"')[0]
        assert src in stored  # every reference resolves in Anki's media folder
    # Anki's own media check: only what the warnings named is missing
    assert sorted(collection.media.check().missing) == ["../../secret.png", "link.png", "nope.png"]


def test_a_package_carries_only_its_own_media(vault: Path, tmp_path: Path) -> None:
    (vault / "course" / "Bio.md").write_text(BIO, encoding="utf-8")
    (vault / "other" / "Other.md").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "decks"
    assert run_anki(vault, "--split", "-o", out).exit_code == 0
    with zipfile.ZipFile(out / "other.apkg") as package:
        names = set(package.namelist())
    assert names == {"collection.anki2", "media", "0"}
    assert os.path.exists(out / "course.apkg")


def test_a_changed_image_updates_the_cards_that_show_it(
    vault: Path, tmp_path: Path, collection: Any
) -> None:
    (vault / "course" / "Bio.md").write_text(BIO, encoding="utf-8")
    out = tmp_path / "out.apkg"
    assert run_anki(vault, "-o", out).exit_code == 0
    import_package(collection, out)
    (vault / "course" / "img.png").write_bytes(PNG + b"redrawn")  # the note file is untouched
    result = run_anki(vault, "-o", out)
    assert "0 new, 3 changed" in result.output  # Mitochondria, Ribosome and the list of all
    log = import_package(collection, out)
    assert len(log.updated) == 3
    media = Path(collection.media.dir())
    for note in notes_by_guid(collection).values():
        if "Mitochondria" in note.fields[0]:
            src = note.fields[1].split('src="')[1].split('"')[0]
            assert (media / src).read_bytes() == PNG + b"redrawn"
