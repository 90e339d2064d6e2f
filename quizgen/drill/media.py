"""Images a question shows, found in the vault the way Obsidian finds them."""

from __future__ import annotations

import html
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from quizgen.markup import IMAGE_LABEL
from quizgen.media import MediaResolver, Outside

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
    return " ".join(IMAGE_LABEL.sub("", text).split())


@dataclass
class MediaFinder:
    """Finds `x.png` the way the Anki export does (quizgen.media: next to the note, from the
    vault root, then by name, closest first), and loads it. Never outside the vault root."""

    root: Path | None
    _resolver: MediaResolver | None = field(default=None, init=False)

    def find(self, ref: str, note_path: str = "") -> Image | None:
        if self.root is None or "://" in ref or ref.startswith("data:"):
            return None
        if PurePosixPath(ref).suffix.lower() not in IMAGE_TYPES:
            return None
        if self._resolver is None:
            self._resolver = MediaResolver(self.root)
        try:
            found = self._resolver.resolve(ref, note_path)
        except Outside:
            return None
        return self._load(found) if found is not None else None

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
