"""Cards -> Anki packages (.apkg) that import cleanly and update in place. The only genanki user.

What makes a re-import update a note instead of duplicating it, or overwriting what the user
changed inside Anki (see docs/anki.md):

- the note's GUID is the card's stable id, and its note type is one of ours, with a fixed id;
- Anki updates a note only when the incoming modification time is newer than its own. So each
  note carries the time its *content* last changed, remembered from build to build in a small
  manifest next to the output: an unchanged card keeps its old time (an edit made inside Anki
  survives), a changed card gets a newer one (the note file's mtime, later than the last);
- an import can never delete a note: a card that left the notes rides along, tagged
  `quizgen::retired`, until the user deletes it in Anki and says so (`--forget-retired`).

Writing is atomic: the package is written next to its target and moved into place.
"""

from __future__ import annotations

import errno
import hashlib
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import quote

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from quizgen.errors import QuizgenError
from quizgen.extract import VaultExtraction
from quizgen.media import MediaFile, MediaPlan, MediaRef, MediaResolver, plan_media, ref_line
from quizgen.model import Card, CardKind, Diagnostic, Note
from quizgen.vault import Vault

RETIRED_TAG: Final = "quizgen::retired"
MANIFEST_NAME: Final = ".quizgen-anki.json"
MANIFEST_VERSION: Final = 1

# ---------------------------------------------------------------- note types
#
# Fixed ids: Anki matches a note to its note type by id. Never change them. MODELS_MOD is the
# note types' modification time: bump it (to the day's epoch) when a template or the CSS
# changes, so that Anki takes the new ones, and only then (a user's own restyling survives).
MODEL_IDS: Final[Mapping[CardKind, int]] = {
    CardKind.BASIC: 1_764_100_001,
    CardKind.REVERSED: 1_764_100_002,
    CardKind.CLOZE: 1_764_100_003,
    CardKind.LIST: 1_764_100_004,
}
MODELS_MOD: Final = 1_764_115_200  # 2025-11-26

CSS: Final = """\
.card {
  --qg-text: #1f2328; --qg-muted: #656d76; --qg-link: #0969da; --qg-rule: #d0d7de;
  --qg-code: #f3f4f6; --qg-mark: #fff1a8; --qg-cloze: #0550ae; --qg-retired: #9a6700;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans",
    "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.5; color: var(--qg-text); text-align: left;
}
.card.nightMode, .nightMode .card, .card.night_mode, .night_mode .card {
  --qg-text: #e6edf3; --qg-muted: #9198a1; --qg-link: #4493f8; --qg-rule: #3d444d;
  --qg-code: #262c36; --qg-mark: #5c4a00; --qg-cloze: #79c0ff; --qg-retired: #d29922;
}
.qg { max-width: 40em; margin: 0 auto; padding: 0 .6em; overflow-wrap: anywhere; }
.qg-context { font-size: .7em; color: var(--qg-muted); margin-bottom: .6em; }
.qg-question { font-weight: 600; }
.qg-answer ul, .qg-answer ol { margin: .2em 0; padding-left: 1.3em; }
.qg-answer li { margin: .15em 0; }
.qg-items > ul, .qg-items > ol { padding-left: 1.4em; }
.detail { font-size: .9em; color: var(--qg-muted); margin-top: .4em; }
.qg-extra { margin-top: .8em; font-size: .9em; }
.qg-source { margin-top: 1.2em; font-size: .65em; color: var(--qg-muted); }
.qg-source a, .card a { color: var(--qg-link); text-decoration: none; }
.qg-retired { color: var(--qg-retired); font-weight: 600; }
hr#answer { border: 0; border-top: 1px solid var(--qg-rule); margin: .8em 0; }
img { max-width: 100%; height: auto; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
  background: var(--qg-code); border-radius: 4px; padding: .05em .3em; }
pre { background: var(--qg-code); border-radius: 6px; padding: .6em .8em; overflow-x: auto;
  line-height: 1.35; }
pre code { background: none; padding: 0; font-size: .8em; white-space: pre; }
mark { background: var(--qg-mark); color: inherit; border-radius: 3px; padding: 0 .1em; }
.cloze { font-weight: 700; color: var(--qg-cloze); }
.math { overflow-x: auto; }
"""

_CONTEXT = '{{#Context}}<div class="qg-context">{{Context}}</div>{{/Context}}'
_FOOTER = (
    '{{#Extra}}<div class="qg-extra">{{Extra}}</div>{{/Extra}}\n'
    '{{#Source}}<div class="qg-source">{{Source}}</div>{{/Source}}'
)


def _front(field_name: str) -> str:
    return f'<div class="qg">{_CONTEXT}\n<div class="qg-question">{{{{{field_name}}}}}</div></div>'


def _back(field_name: str, css_class: str = "qg-answer") -> str:
    return (
        '{{FrontSide}}\n<hr id="answer">\n'
        f'<div class="qg"><div class="{css_class}">{{{{{field_name}}}}}</div>\n{_FOOTER}</div>'
    )


@dataclass(frozen=True, slots=True)
class NoteType:
    """One of our note types: its fields (the first is the sort field) and card templates."""

    kind: CardKind
    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back)

    @property
    def model_id(self) -> int:
        return MODEL_IDS[self.kind]


NOTE_TYPES: Final[Mapping[CardKind, NoteType]] = {
    CardKind.BASIC: NoteType(
        CardKind.BASIC,
        "quizgen: Basic",
        ("Question", "Answer", "Context", "Source", "Extra"),
        (("Card 1", _front("Question"), _back("Answer")),),
    ),
    CardKind.REVERSED: NoteType(
        CardKind.REVERSED,
        "quizgen: Basic (and reversed card)",
        ("Question", "Answer", "Context", "Source", "Extra"),
        (
            ("Card 1", _front("Question"), _back("Answer")),
            ("Card 2", _front("Answer"), _back("Question")),
        ),
    ),
    CardKind.CLOZE: NoteType(
        CardKind.CLOZE,
        "quizgen: Cloze",
        ("Text", "Context", "Source", "Extra"),
        (
            (
                "Cloze",
                _front("cloze:Text"),
                _front("cloze:Text").removesuffix("</div>") + _FOOTER + "</div>",
            ),
        ),
    ),
    CardKind.LIST: NoteType(
        CardKind.LIST,
        "quizgen: List",
        ("Question", "Items", "Context", "Source", "Extra"),
        (("Card 1", _front("Question"), _back("Items", "qg-answer qg-items")),),
    ),
}


def _genanki_model(note_type: NoteType) -> Any:
    model = genanki.Model(
        note_type.model_id,
        note_type.name,
        fields=[{"name": name} for name in note_type.fields],
        templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in note_type.templates],
        css=CSS,
        model_type=genanki.Model.CLOZE if note_type.kind is CardKind.CLOZE else 0,
        sort_field_index=0,
    )
    return model


# ---------------------------------------------------------------- notes


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One Anki note, ready to write. `mod` is when its content last changed (seconds)."""

    guid: str
    kind: CardKind
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    note: str  # the source note, relative to the vault root
    line: int
    question: str  # plain text, for reports
    digest: str  # content hash: fields (source line left out) and tags
    media: tuple[str, ...] = ()  # names in the package
    mod: int = 0
    due: int = 0
    retired: bool = False

    @property
    def source(self) -> str:
        return f"{self.note}:{self.line}" if self.line else self.note

    @property
    def card_count(self) -> int:
        """How many Anki cards the note makes."""
        if self.kind is CardKind.REVERSED:
            return 2
        if self.kind is CardKind.CLOZE:
            return len({int(n) for n in _CLOZE_OPEN.findall(self.fields[0])} - {0}) or 1
        return 1


def deck_name(deck: str, parent: str | None = None) -> str:
    """A clean Anki deck path (`A::B`), under `parent` unless it already is."""
    parts = [p.strip() for p in deck.split("::") if p.strip()]
    if parent:
        top = [p.strip() for p in parent.split("::") if p.strip()]
        if parts[: len(top)] != top:
            parts = top + parts
    return "::".join(parts) or "Default"


def _tags(tags: Iterable[str]) -> tuple[str, ...]:
    # Anki splits tags on spaces; card tags are Anki-safe already, this is belt and braces.
    return tuple(dict.fromkeys(t for t in ("_".join(t.split()) for t in tags) if t))


def _digest(kind: CardKind, fields: Sequence[str], tags: Sequence[str]) -> str:
    # Separators that never occur in fields or tags keep the parts apart.
    data = "\x1e".join((str(MODEL_IDS[kind]), "\x1f".join(fields), " ".join(sorted(tags))))
    return hashlib.blake2b(data.encode("utf-8"), digest_size=12).hexdigest()


def source_html(path: str, line: int, vault: str | None) -> str:
    """`path:line`, a link that opens the note in Obsidian when the vault name is known."""
    label = _source_link(path, vault)
    return f'{label}<span class="qg-line">:{line}</span>' if line else label


@lru_cache(maxsize=4096)
def _source_link(path: str, vault: str | None) -> str:
    label = html.escape(path)
    if vault:
        url = f"obsidian://open?vault={quote(vault, safe='')}&file={quote(path, safe='')}"
        label = f'<a href="{html.escape(url)}">{label}</a>'
    return label


_CLOZE_OPEN = re.compile(r"\{\{c(\d{1,3})::")
_TAG = re.compile(r"<[^>]*>")


def _closing(text: str, start: int) -> int | None:
    """Index of the `}}` that closes a deletion opened before `start`; braces inside it (TeX)
    must balance first, so `{{c1::\\(x^{2}\\)}}` ends where it should."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "}" and depth == 0 and text.startswith("}}", i):
            return i
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
    return None


def anki_cloze(text: str) -> str | None:
    """Cloze HTML that Anki reads as meant, or None when it has no usable deletion.

    A deletion's body may itself hold `::` (`{{c1::::1}}`, an IPv6 loopback) or braces, which
    Anki would take for a hint or the end: those characters become HTML entities, which Anki
    shows unchanged."""
    out: list[str] = []
    pos = count = 0
    while (m := _CLOZE_OPEN.search(text, pos)) is not None:
        end = _closing(text, m.end())
        if end is None:
            return None
        body = text[m.end() : end]
        if int(m.group(1)) < 1 or not _TAG.sub("", body).strip():
            return None
        if re.search(r"::|\{\{|\}\}|^:|:$", body):
            body = body.replace(":", "&#58;").replace("{", "&#123;").replace("}", "&#125;")
        out.append(f"{text[pos : m.start()]}{{{{c{m.group(1)}::{body}}}}}")
        pos = end + 2
        count += 1
    out.append(text[pos:])
    return "".join(out) if count else None


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)


def _with_media(text: str, names: Mapping[str, str]) -> str:
    """Point `<img src>` at the files' names in the package (Anki's media folder is flat)."""
    if not names or "<img" not in text:
        return text

    def swap(m: re.Match[str]) -> str:
        name = names.get(html.unescape(m.group(2)))
        return m.group(0) if name is None else f"{m.group(1)}{html.escape(name)}{m.group(3)}"

    return _IMG_SRC.sub(swap, text)


@dataclass(frozen=True, slots=True)
class _Context:
    vault: str | None  # the Obsidian vault name, when the folder is one
    parent: str | None
    media: Mapping[tuple[str, str], str]  # (note, ref as written) -> name in the package
    media_digests: Mapping[str, str]  # name in the package -> content digest


def _card_note(card: Card, ctx: _Context, problems: list[Diagnostic]) -> AnkiNote:
    """The Anki note of one card (modification time and order are set later)."""
    path = card.source.path
    names = {ref: ctx.media[(path, ref)] for ref in card.media if (path, ref) in ctx.media}
    context = html.escape(" › ".join(card.context))
    extra = ""
    mermaid = card.diagram.rstrip("\n")
    if mermaid:
        extra = f'<pre><code class="language-mermaid">{html.escape(mermaid)}</code></pre>'
    kind, guid = card.kind, card.id
    main: tuple[str, ...] = ()
    if kind is CardKind.CLOZE:
        cloze = anki_cloze(_with_media(card.cloze, names))
        if cloze is not None:
            main = (cloze,)
        else:
            # A cloze note without a deletion would make no card at all: ask it as a basic
            # card. Another note type needs another GUID, or Anki reports a conflict.
            message = "cloze card without a usable deletion: exported as a basic card"
            problems.append(Diagnostic(path, card.source.line, message))
            kind, guid = CardKind.BASIC, f"{card.id}-basic"
    if not main:
        main = (_with_media(card.question_html, names), _with_media(card.answer_html, names))
    tags = _tags(card.tags)
    shown = tuple(dict.fromkeys(names.values()))
    hashed = (*main, context, source_html(path, 0, ctx.vault), extra,
              *(ctx.media_digests.get(name, "") for name in shown))  # fmt: skip
    return AnkiNote(
        guid=guid,
        kind=kind,
        fields=(*main, context, source_html(card.source.path, card.source.line, ctx.vault), extra),
        tags=tags,
        deck=deck_name(card.deck, ctx.parent),
        note=card.source.path,
        line=card.source.line,
        question=card.question,
        digest=_digest(kind, hashed, tags),
        media=shown,
    )


# ---------------------------------------------------------------- manifest


class State(StrEnum):
    LIVE = "live"
    RETIRED = "retired"  # no longer in the notes; rides along tagged until forgotten
    GONE = "gone"  # retired and forgotten: only its time is kept


@dataclass(frozen=True, slots=True)
class Entry:
    """What the last build wrote for one GUID: enough to stamp, report and retire it."""

    digest: str
    mod: int
    state: State = State.LIVE
    kind: CardKind = CardKind.BASIC
    deck: str = ""
    note: str = ""  # relative to the vault root, for reports
    path: str = ""  # absolute, to tell whether a build covers the note
    line: int = 0
    question: str = ""
    fields: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        if self.state is State.GONE:
            return {"state": self.state.value, "mod": self.mod}
        return {
            "state": self.state.value,
            "digest": self.digest,
            "mod": self.mod,
            "kind": self.kind.value,
            "deck": self.deck,
            "note": self.note,
            "path": self.path,
            "line": self.line,
            "question": self.question,
            "fields": list(self.fields),
            "tags": list(self.tags),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        state = State(data.get("state", "live"))
        if state is State.GONE:
            return cls("", int(data["mod"]), state)
        return cls(
            digest=str(data["digest"]),
            mod=int(data["mod"]),
            state=state,
            kind=CardKind(data["kind"]),
            deck=str(data["deck"]),
            note=str(data["note"]),
            path=str(data.get("path", "")),
            line=int(data.get("line", 0)),
            question=str(data.get("question", "")),
            fields=tuple(str(f) for f in data["fields"]),
            tags=tuple(str(t) for t in data.get("tags", ())),
        )


Manifest = Mapping[str, Entry]


def load_manifest(path: Path) -> tuple[dict[str, Entry], list[Diagnostic]]:
    """The manifest at `path` (none yet: empty). A damaged one is a warning: the build goes on
    as if it were the first (notes may then overwrite edits made inside Anki once)."""
    if not path.exists():
        return {}, []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        return {str(k): Entry.from_json(v) for k, v in data["notes"].items()}, []
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        message = (
            f"build manifest unreadable ({exc}); starting afresh: this build may overwrite "
            "edits you made inside Anki"
        )
        return {}, [Diagnostic(str(path), 0, message)]


def save_manifest(path: Path, manifest: Manifest) -> None:
    """Write the manifest atomically."""
    about = (
        "quizgen anki: when each note last changed, so that re-imports update in place. "
        "Deleting this file makes the next build overwrite edits made in Anki."
    )
    # One note per line: readable, and json's fast encoder (indent= makes it pure Python).
    notes = ",\n".join(
        f"{json.dumps(guid)}: {json.dumps(manifest[guid].to_json(), ensure_ascii=False)}"
        for guid in sorted(manifest)
    )
    head = f'{{"version": {MANIFEST_VERSION}, "about": {json.dumps(about)},\n"notes": {{\n'
    text = f"{head}{notes}\n}}}}\n"
    try:
        with atomic_write(path) as out:
            out.write(text.encode("utf-8"))
    except OSError as exc:
        raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- stamping


@dataclass(frozen=True, slots=True)
class Stamped:
    notes: tuple[AnkiNote, ...]  # in document order, retired ones last
    manifest: dict[str, Entry]
    vanished: tuple[AnkiNote, ...]  # retired by this build
    new: int
    changed: int
    unchanged: int


def in_scope(path: str, scope: Sequence[Path]) -> bool:
    """True when the note at `path` (absolute) is at or under one of the `scope` paths."""
    return bool(path) and any(Path(path).is_relative_to(s) for s in scope)


def stamp(
    notes: Sequence[AnkiNote],
    manifest: Manifest,
    *,
    sources: Sequence[Note],
    now: float,
    scope: Sequence[Path],
    forget_retired: bool = False,
) -> Stamped:
    """Give each note the time its content last changed; retire what left the notes.

    Unchanged: the time from the manifest. New: its note file's mtime. Changed: the file's
    mtime, or one second after the last stamp if that is later (Anki only takes newer notes).
    A note of the manifest whose source is under `scope` but that this build did not make is
    retired: it rides along with the retired tag, stamped `now` once so that Anki tags it."""
    clock = int(now)
    files = {n.rel_path: n for n in sources}
    out: list[AnkiNote] = []
    entries = dict(manifest)
    new = changed = unchanged = 0
    for due, note in enumerate(notes):
        previous = manifest.get(note.guid)
        source = files.get(note.note)
        file_time = int(source.mtime) if source is not None and source.mtime > 0 else clock
        if previous is None:
            mod, new = file_time, new + 1
        elif previous.state is State.LIVE and previous.digest == note.digest:
            mod, unchanged = previous.mod, unchanged + 1
        else:
            mod, changed = max(file_time, previous.mod + 1), changed + 1
        stamped = replace(note, mod=mod, due=due)
        out.append(stamped)
        entries[note.guid] = _entry(stamped, State.LIVE, str(source.path) if source else "")

    built = {n.guid for n in notes}
    vanished: list[AnkiNote] = []
    riding: list[AnkiNote] = []
    for guid in sorted(manifest, key=lambda g: (manifest[g].note, manifest[g].line, g)):
        entry = manifest[guid]
        if guid in built or entry.state is State.GONE or not in_scope(entry.path, scope):
            continue
        if entry.state is State.LIVE:
            note = _retired(guid, entry, mod=max(clock, entry.mod + 1))
            vanished.append(note)
        else:
            note = _retired(guid, entry, mod=entry.mod)
        if forget_retired:
            entries[guid] = Entry("", note.mod, State.GONE)
            continue
        note = replace(note, due=len(notes) + len(riding))
        riding.append(note)
        entries[guid] = _entry(note, State.RETIRED, entry.path)
    return Stamped((*out, *riding), entries, tuple(vanished), new, changed, unchanged)


def _entry(note: AnkiNote, state: State, path: str) -> Entry:
    return Entry(note.digest, note.mod, state, note.kind, note.deck, note.note, path, note.line,
                 note.question, note.fields, note.tags)  # fmt: skip


_RETIRED_MARK: Final = '<div class="qg-retired">No longer in your notes</div>'


def _retired(guid: str, entry: Entry, *, mod: int) -> AnkiNote:
    tags = tuple(dict.fromkeys((*entry.tags, RETIRED_TAG)))
    fields = list(entry.fields)
    source = NOTE_TYPES[entry.kind].fields.index("Source")
    if _RETIRED_MARK not in fields[source]:
        fields[source] = _RETIRED_MARK + fields[source]
    return AnkiNote(guid, entry.kind, tuple(fields), tags, entry.deck, entry.note, entry.line,
                    entry.question, _digest(entry.kind, fields, tags), mod=mod,
                    retired=True)  # fmt: skip


# ---------------------------------------------------------------- the build


@dataclass(frozen=True, slots=True)
class AnkiBuild:
    """Everything `quizgen anki` writes, and what it reports."""

    notes: tuple[AnkiNote, ...]
    media: MediaPlan
    manifest: dict[str, Entry]
    vanished: tuple[AnkiNote, ...]
    retired: tuple[AnkiNote, ...]  # every retired note riding along (vanished ones included)
    new: int
    changed: int
    unchanged: int
    problems: tuple[Diagnostic, ...] = field(default=())

    @property
    def card_count(self) -> int:
        return sum(n.card_count for n in self.notes if not n.retired)


def obsidian_vault(vault: Vault) -> str | None:
    """The vault's name for `obsidian://` links, when the folder is an Obsidian vault."""
    return vault.name if (vault.root / ".obsidian").is_dir() else None


def build_anki(
    extraction: VaultExtraction,
    vault: Vault,
    manifest: Manifest,
    *,
    now: float,
    parent_deck: str | None = None,
    scope: Sequence[Path] | None = None,
    forget_retired: bool = False,
) -> AnkiBuild:
    """Turn the cards of a vault into stamped Anki notes and the media they need.

    `now` is only used to retire notes (see `stamp`); `scope` lists the files and folders this
    build covers (default: the whole vault), so that building one note does not retire the
    cards of the others."""
    problems: list[Diagnostic] = []
    texts = {note.rel_path: note for note, _ in extraction.notes}
    twins = {c.id for c in extraction.cards}
    # A `Q:::A` card's reverse is made by the reversed note type from its twin.
    cards = [c for c in extraction.cards if not (c.reverse_of and c.reverse_of in twins)]

    refs = [
        MediaRef(c.source.path, ref, _line_of(texts.get(c.source.path), ref, c.source.line))
        for c in cards
        for ref in c.media
    ]
    media = plan_media(refs, MediaResolver(vault.root))
    problems.extend(media.problems)

    digests = {f.name: f.digest for f in media.files}
    ctx = _Context(obsidian_vault(vault), parent_deck, media.names, digests)
    notes: list[AnkiNote] = []
    seen: set[str] = set()
    for card in cards:
        note = _card_note(card, ctx, problems)
        if note.guid not in seen:  # ids are unique per vault; a second one would not import
            seen.add(note.guid)
            notes.append(note)
    stamped = stamp(
        notes,
        manifest,
        sources=vault.notes,
        now=now,
        scope=scope if scope is not None else (vault.root,),
        forget_retired=forget_retired,
    )
    return AnkiBuild(
        notes=stamped.notes,
        media=media,
        manifest=stamped.manifest,
        vanished=stamped.vanished,
        retired=tuple(n for n in stamped.notes if n.retired),
        new=stamped.new,
        changed=stamped.changed,
        unchanged=stamped.unchanged,
        problems=tuple(problems),
    )


def _line_of(note: Note | None, ref: str, near: int) -> int:
    return ref_line(note.text, ref, near) if note is not None else near


def packages(notes: Sequence[AnkiNote], *, split: bool) -> dict[str, list[AnkiNote]]:
    """Notes grouped by package: one for all (key ""), or one per top-level deck."""
    groups: dict[str, list[AnkiNote]] = {}
    for note in notes:
        groups.setdefault(note.deck.split("::", 1)[0] if split else "", []).append(note)
    return groups


# ---------------------------------------------------------------- writing


def deck_id(name: str) -> int:
    """A stable id per deck name, below 2**53 (Anki's UI is JavaScript)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=6).digest()
    return (1 << 49) + int.from_bytes(digest, "big")


@contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """A file written beside `path` and moved over it only once complete and synced: a crash
    or Ctrl-C leaves the old file as it was, and no half-written one."""
    for folder in (path.parent, *path.parent.parents):
        if folder.exists():  # mkdir would say "File exists" of a file in the way
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        # mkstemp makes the file private (0600); the result gets the mode a plain `open` would.
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; set back at once
    os.umask(mask)
    return mask


def write_package(
    notes: Sequence[AnkiNote],
    media: Iterable[MediaFile],
    path: Path,
    *,
    now: float,
) -> None:
    """Write `notes` (and the media files they use) to the .apkg at `path`, atomically.

    `now` seeds the package's note and card ids, which Anki replaces when they clash; a note
    is matched by its GUID."""
    used = {name for note in notes for name in note.media}
    files = sorted((m for m in media if m.name in used), key=lambda m: m.name)
    try:
        with tempfile.TemporaryDirectory(prefix="quizgen-") as work:
            collection = Path(work) / "collection.anki2"
            _write_collection(collection, notes, now)
            with atomic_write(path) as out, zipfile.ZipFile(out, "w") as package:
                package.write(collection, "collection.anki2", zipfile.ZIP_DEFLATED)
                names = {str(i): m.name for i, m in enumerate(files)}
                package.writestr("media", json.dumps(names, ensure_ascii=False))
                for i, item in enumerate(files):
                    package.write(item.source, str(i))  # images are compressed already
    except OSError as exc:
        raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_collection(target: Path, notes: Sequence[AnkiNote], now: float) -> None:
    """The package's SQLite, as genanki's Package.write_to_db writes it, with two changes:
    the deck and note-type tables are written once (genanki rewrites both for every deck,
    which is quadratic in decks), and every note carries its own modification time, the note
    types MODELS_MOD (genanki stamps everything with the build time)."""
    models = {kind: _genanki_model(NOTE_TYPES[kind]) for kind in {n.kind for n in notes}}
    decks = {name: deck_id(name) for name in dict.fromkeys(n.deck for n in notes)}
    connection = sqlite3.connect(target)
    try:
        cursor = connection.cursor()
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        (deck_table,) = cursor.execute("SELECT decks FROM col").fetchone()
        deck_json = json.loads(deck_table)
        for name, did in decks.items():
            deck_json[str(did)] = genanki.Deck(did, name).to_json()
        home = next(iter(decks.values()), 1)
        model_json = {str(m.model_id): m.to_json(MODELS_MOD, home) for m in models.values()}
        cursor.execute(
            "UPDATE col SET decks = ?, models = ?", (json.dumps(deck_json), json.dumps(model_json))
        )
        ids = itertools.count(int(now * 1000))
        for note in notes:
            genanki.Note(
                model=models[note.kind],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.due,
            ).write_to_db(cursor, note.mod, decks[note.deck], ids)
        connection.commit()
    finally:
        connection.close()
