"""Images a question shows, found in the vault the way Obsidian finds them."""

from __future__ import annotations

import html
import mimetypes
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["Image", "MediaFinder", "image_label", "question_images"]

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # a drill is printed or imported, not a photo album
_IMG_SRC = re.compile(r'<img\s[^>]*?src="([^"]+)"')
# How the core writes an embedded image in plain text (`![[x.png]]` -> `[image: x.png]`).
_IMAGE_LABEL = re.compile(r"\s*\[image: [^\]]+\]")
_SKIPPED_DIRS = {".git", ".obsidian", ".trash", "node_modules", "__pycache__"}


@dataclass(frozen=True, slots=True)
class Image:
    name: str  # the bare file name, unique enough for Moodle's flat file area
    mime: str
    data: bytes


def question_images(question_html: str) -> tuple[str, ...]:
    """The image references in a card's question HTML (not its answer: that would tell)."""
    return tuple(dict.fromkeys(html.unescape(src) for src in _IMG_SRC.findall(question_html)))


def image_label(text: str) -> str:
    """Plain text without the `[image: x.png]` placeholders, for formats that show the image."""
    return _IMAGE_LABEL.sub("", text).strip()


@dataclass
class MediaFinder:
    """Finds `x.png` next to the note, under the vault root, or anywhere in the vault by name
    (Obsidian's shortest-path links). Never outside the vault root."""

    root: Path | None
    _by_name: dict[str, Path] | None = field(default=None, init=False)

    def find(self, ref: str, note_path: str = "") -> Image | None:
        if self.root is None or "://" in ref or ref.startswith("data:"):
            return None
        suffix = PurePosixPath(ref).suffix.lower()
        if suffix not in IMAGE_TYPES:
            return None
        root = self.root.resolve()
        folder = PurePosixPath(note_path).parent
        for candidate in (root / folder / ref, root / ref):
            found = self._inside(root, candidate)
            if found is not None:
                return self._load(found)
        found = self._index().get(PurePosixPath(ref).name.casefold())
        return self._load(found) if found is not None else None

    @staticmethod
    def _inside(root: Path, candidate: Path) -> Path | None:
        try:
            resolved = candidate.resolve()
        except OSError:
            return None
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
        return None

    def _index(self) -> dict[str, Path]:
        if self._by_name is None:
            self._by_name = {}
            assert self.root is not None
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
                for name in sorted(files):
                    if PurePosixPath(name).suffix.lower() in IMAGE_TYPES:
                        self._by_name.setdefault(name.casefold(), Path(folder) / name)
        return self._by_name

    @staticmethod
    def _load(path: Path) -> Image | None:
        try:
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        suffix = path.suffix.lower()
        mime = IMAGE_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or ""
        return Image(path.name, mime, data)
