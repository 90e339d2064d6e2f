"""Media files that cards embed: found the way Obsidian finds them, never outside the vault.

A reference is looked up relative to its note, then relative to the vault root, then by file
name anywhere in the vault (nearest to the note first). Whatever the reference says (`../`,
an absolute path, a symlink pointing elsewhere), a file that does not resolve to a path inside
the vault is never read. Anki's media folder is flat, so every file gets a name that is unique
in the package and that Anki keeps as is (Anki strips some characters and long names).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final
from urllib.parse import unquote

from quizgen.model import Diagnostic

SKIPPED_DIRS: Final = frozenset({".obsidian", ".trash", ".git", "node_modules", "__pycache__"})
MAX_NAME_BYTES: Final = 120  # Anki truncates longer media names, which would break references
# Characters Anki removes from media names, and Windows device names it renames.
_ANKI_UNSAFE = re.compile(r'[\[\]<>:"/?*^\\|\x00-\x1f\x7f]')
_DEVICE_NAME = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\.|$)", re.IGNORECASE)
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


@dataclass(frozen=True, slots=True)
class MediaRef:
    """One reference to a file, as written in a note, with the line it is on."""

    note: str  # the note's path relative to the vault root (POSIX)
    ref: str  # as written: `img.png`, `sub/x.png`, `../y.png`
    line: int


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A file to put in the package: where it is, and its name in Anki's flat media folder."""

    source: Path  # absolute and resolved, inside the vault
    name: str
    digest: str = ""  # of the content: a changed image must update the notes that show it


@dataclass(frozen=True, slots=True)
class MediaPlan:
    files: tuple[MediaFile, ...]
    names: Mapping[tuple[str, str], str]  # (note, ref as written) -> name in the package
    problems: tuple[Diagnostic, ...]


class Outside(Exception):
    """The reference points outside the vault: it is never read."""


class MediaResolver:
    """Resolves references against one vault. The index of file names is built on first need."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._by_name: dict[str, list[str]] | None = None

    def resolve(self, ref: str, note: str) -> Path | None:
        """The file `ref` (written in `note`) stands for, or None if there is none.
        Raises Outside when the reference leads out of the vault."""
        spelled = ref.strip()
        if spelled.startswith("<") and spelled.endswith(">"):
            spelled = spelled[1:-1].strip()  # `![](<my image.png>)`
        if not spelled or "\x00" in spelled or _WINDOWS_ABSOLUTE.match(spelled):
            raise Outside(ref)
        for candidate in dict.fromkeys((spelled, unquote(spelled))):
            found = self._by_path(candidate, note)
            if found is not None:
                return found
        return self._by_file_name(unquote(spelled), note)

    def _by_path(self, ref: str, note: str) -> Path | None:
        folder = PurePosixPath(note).parent
        tried = []
        if not ref.startswith("/"):
            tried.append(_normalise(folder / ref))
        tried.append(_normalise(PurePosixPath(ref.lstrip("/"))))  # `/x.png`: from the vault root
        if all(t is None for t in tried):
            raise Outside(ref)  # every reading of it climbs out of the vault
        for rel in tried:
            if rel is not None:
                found = self._inside(rel)
                if found is not None:
                    return found
        return None

    def _inside(self, rel: str) -> Path | None:
        path = self.root / rel
        if not path.is_file():
            return None
        real = path.resolve()
        if not real.is_relative_to(self.root):
            raise Outside(rel)  # a symlink out of the vault
        return real

    def _by_file_name(self, ref: str, note: str) -> Path | None:
        wanted = PurePosixPath(ref.replace("\\", "/"))
        if not wanted.name:
            return None
        suffix = [p.lower() for p in wanted.parts if p not in ("", ".", "..", "/")]
        matches = [
            rel
            for rel in self._index().get(wanted.name.lower(), [])
            if [p.lower() for p in PurePosixPath(rel).parts[-len(suffix) :]] == suffix
        ]
        if not matches:
            return None
        folder = PurePosixPath(note).parent.parts
        # Obsidian prefers the closest file: most folders in common with the note, then the
        # shortest path; the name breaks ties so that the choice is stable.
        best = min(matches, key=lambda r: (-_common(folder, r), r.count("/"), r))
        return self._inside(best)

    def _index(self) -> dict[str, list[str]]:
        if self._by_name is None:
            index: dict[str, list[str]] = {}
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                base = Path(folder).relative_to(self.root).as_posix()
                for name in files:
                    if not name.lower().endswith(".md"):
                        rel = name if base == "." else f"{base}/{name}"
                        index.setdefault(name.lower(), []).append(rel)
            self._by_name = index
        return self._by_name


def _normalise(path: PurePosixPath) -> str | None:
    """`a/./b/../c` -> `a/c`; None when `..` climbs above the vault root."""
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part == "/":
            return None
        else:
            parts.append(part)
    return "/".join(parts) if parts else None


def _common(folder: tuple[str, ...], rel: str) -> int:
    count = 0
    for a, b in zip(folder, PurePosixPath(rel).parent.parts, strict=False):
        if a != b:
            break
        count += 1
    return count


def anki_media_name(name: str) -> str:
    """`name` as Anki would store it, so that a reference to it keeps working: NFC, no
    characters Anki strips, no Windows device name, at most 120 bytes (extension kept)."""
    name = _ANKI_UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .") or "media"
    name = _DEVICE_NAME.sub(r"\1_\2", name)
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 10:
        stem, ext = name, ""
    room = MAX_NAME_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
    stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{stem}.{ext}" if ext else stem


def _hashed(name: str, rel: str) -> str:
    """`img.png` from `a/b/img.png` -> `img-1a2b3c4d.png`: unique, and the same every build."""
    digest = hashlib.blake2b(rel.encode("utf-8"), digest_size=4).hexdigest()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    room = MAX_NAME_BYTES - len(digest) - 1 - (len(ext.encode("utf-8")) + 1 if ext else 0)
    stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f"{stem}-{digest}.{ext}" if ext else f"{stem}-{digest}"


def ref_line(text: str, ref: str, near: int) -> int:
    """The line on which `ref` is written in `text`: the first at or after line `near`, else
    the first anywhere, else `near` itself."""
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if ref in line:
            if number >= near:
                return number
            first = first or number
    return first or near


def plan_media(refs: Iterable[MediaRef], resolver: MediaResolver) -> MediaPlan:
    """Resolve every reference; give each distinct file a unique name. Missing files and files
    outside the vault are warnings (one per note, line and reference), never errors."""
    problems: dict[tuple[str, int, str], Diagnostic] = {}
    resolved: dict[tuple[str, str], Path] = {}
    digests: dict[Path, str] = {}
    for item in refs:
        key = (item.note, item.ref)
        if key in resolved:
            continue
        try:
            found = resolver.resolve(item.ref, item.note)
            if found is not None and found not in digests:
                digests[found] = _file_digest(found)
        except Outside:
            message = f"image {item.ref!r} is outside the vault: not read, not included"
            problems.setdefault((item.note, item.line, item.ref), _diag(item, message))
            continue
        except OSError as exc:
            message = f"image {item.ref!r} cannot be read ({exc.strerror or exc}): not included"
            problems.setdefault((item.note, item.line, item.ref), _diag(item, message))
            continue
        if found is None:
            message = f"image {item.ref!r} not found in the vault: the card shows it missing"
            problems.setdefault((item.note, item.line, item.ref), _diag(item, message))
            continue
        resolved[key] = found

    # One name per distinct file; files that would share a name all get a hashed one, so a
    # name never depends on which other files happen to be in this build.
    by_name: dict[str, set[Path]] = {}
    for path in resolved.values():
        by_name.setdefault(anki_media_name(path.name).lower(), set()).add(path)
    names: dict[Path, str] = {}
    for path in sorted(set(resolved.values())):
        name = anki_media_name(path.name)
        if len(by_name[name.lower()]) > 1:
            name = anki_media_name(_hashed(name, path.relative_to(resolver.root).as_posix()))
        names[path] = name
    return MediaPlan(
        files=tuple(MediaFile(path, name, digests[path]) for path, name in names.items()),
        names={key: names[path] for key, path in resolved.items()},
        problems=tuple(problems.values()),
    )


def _file_digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=12)).hexdigest()


def _diag(item: MediaRef, message: str) -> Diagnostic:
    return Diagnostic(item.note, item.line, message)
