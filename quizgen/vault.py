"""Find and read the notes of a vault: folders, ignore rules, encodings, the config file."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.config import CONFIG_NAME, Config, load_config
from quizgen.errors import QuizgenError
from quizgen.model import Diagnostic, Note

SKIPPED_DIRS = {".obsidian", ".trash", ".git", "node_modules", "__pycache__"}
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Vault:
    """A folder of notes with its config. `notes` are in a stable, sorted order."""

    root: Path
    config: Config
    notes: tuple[Note, ...]
    problems: tuple[Diagnostic, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.root.name


def find_vault_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding `quizgen.yaml` or `.obsidian/`;
    failing that, the folder itself (or a file's folder)."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / ".obsidian").is_dir():
            return folder
    return start


def load_vault(*paths: str | os.PathLike[str]) -> Vault:
    """Read every note under `paths` (files or folders). The vault root is found from the first
    path; a note outside it is read with its own folder as root. Unreadable files are warnings."""
    if not paths:
        raise QuizgenError("no path given")
    resolved = [Path(p).expanduser().resolve() for p in paths]
    for path in resolved:
        if not path.exists():
            raise QuizgenError(f"{path}: no such file or folder")
    root = find_vault_root(resolved[0])
    config, problems = load_config(root)
    notes: list[Note] = []
    seen: set[Path] = set()
    for path in resolved:
        for file in _note_files(path, root, config):
            if file in seen:
                continue
            seen.add(file)
            note = read_note(file, root, problems)
            if note is not None:
                notes.append(note)
    return Vault(root=root, config=config, notes=tuple(notes), problems=tuple(problems))


def _note_files(path: Path, root: Path, config: Config) -> Iterator[Path]:
    if path.is_file():
        yield path  # named explicitly: read it even if an ignore rule would skip it
        return
    found: list[Path] = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in files:
            if name.lower().endswith(".md") and not name.startswith("."):
                file = Path(folder) / name
                if not _excluded(file, root, config.exclude):
                    found.append(file)
    yield from sorted(found, key=lambda p: p.as_posix())


def _excluded(file: Path, root: Path, patterns: Iterable[str]) -> bool:
    rel = _relative(file, root)
    for raw in patterns:
        pattern = raw.strip("/")
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
            return True
        if any(fnmatch.fnmatch(part, pattern) for part in rel.split("/")[:-1]):
            return True
    return False


def _relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.name


def decode_note(data: bytes) -> str:
    """UTF-8 with or without BOM; CRLF and CR become LF. Raises ValueError if not text."""
    if b"\x00" in data[:_BINARY_SNIFF]:
        raise ValueError("binary file (NUL bytes), not a Markdown note")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"not UTF-8 (byte 0x{data[exc.start]:02x} on line {line})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_note(file: Path, root: Path, problems: list[Diagnostic]) -> Note | None:
    """Read one note; on failure add one warning naming it and return None."""
    rel = _relative(file, root)
    try:
        data = file.read_bytes()
        mtime = file.stat().st_mtime
    except OSError as exc:
        problems.append(Diagnostic(rel, 0, f"cannot read: {exc.strerror or exc}; skipped"))
        return None
    try:
        text = decode_note(data)
    except ValueError as exc:
        problems.append(Diagnostic(rel, 0, f"{exc}; skipped"))
        return None
    return Note(path=file, rel_path=rel, text=text, mtime=mtime)
