"""Frozen dataclasses and enums shared by every stage of the pipeline.

read (vault.py) -> Note -> parse (outline.py) -> Outline of Nodes -> extract -> Card
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where something comes from: a path relative to the vault and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning about the input. The work goes on; the user is told once, with file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )


class NodeKind(StrEnum):
    DOCUMENT = "document"
    HEADING = "heading"
    ITEM = "item"  # a list item (bullet or numbered)
    LINE = "line"  # one line of a paragraph (Obsidian shows each on its own line)
    MATH = "math"  # a $$...$$ block
    CODE = "code"  # a fenced or indented code block that is not a diagram
    DIAGRAM = "diagram"  # a mermaid flowchart; its children are GRAPH_NODEs
    GRAPH_NODE = "graph_node"
    TABLE = "table"
    CALLOUT = "callout"  # `> [!type] title`; text is the title
    FLASHCARD = "flashcard"  # an explicit multi-line card (`?` / `??` separator)


@dataclass(frozen=True, slots=True)
class Node:
    """One block of the outline. `text` is raw inline Markdown; children follow the note's logic
    (a list under the line that introduces it, `|>` lines under the line they qualify)."""

    kind: NodeKind
    text: str
    line: int
    children: tuple[Node, ...] = ()
    level: int = 0  # heading level
    ordered: bool = False  # numbered list item
    marker: str = ""  # list marker or hand-made child marker (`->`, `|>`, `=>`)
    info: str = ""  # code language, callout type, edge label of a graph node, "quote" (`> ...`)
    rows: tuple[tuple[str, ...], ...] = ()  # TABLE: header row first
    back: str = ""  # FLASHCARD: the answer (raw)
    reversed: bool = False  # FLASHCARD: `??` (both directions)
    ref: bool = False  # GRAPH_NODE already expanded elsewhere in the diagram


@dataclass(frozen=True, slots=True)
class NoteMeta:
    """What a note says about itself: frontmatter and metadata lines before the first heading."""

    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    lang: str | None = None
    deck: str | None = None
    course: str | None = None
    enabled: bool = True  # `quizgen: false` skips the note
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outline:
    root: Node
    meta: NoteMeta
    problems: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """A Markdown file read from a vault."""

    path: Path  # absolute
    rel_path: str  # POSIX path relative to the vault root
    text: str  # decoded, newlines normalised to \n
    mtime: float = 0.0  # when the source last changed (seconds since the epoch)

    @property
    def title(self) -> str:
        name = self.rel_path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    @property
    def folder(self) -> str:
        return self.rel_path.rsplit("/", 1)[0] if "/" in self.rel_path else ""


class CardKind(StrEnum):
    """The shape of a card, which decides how it is studied and exported."""

    BASIC = "basic"
    REVERSED = "reversed"  # basic, also asked from answer to question
    CLOZE = "cloze"
    LIST = "list"  # the answer is a list of items


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    kind: CardKind
    question: str
    answer: str
    question_html: str
    answer_html: str
    context: tuple[str, ...]
    deck: str
    tags: tuple[str, ...]
    source: SourceRef
    lang: str
    rule: str
    items: tuple[str, ...] = ()  # LIST: the expected items, plain text
    cloze: str = ""  # CLOZE: the text with Anki deletions `{{c1::...}}` (HTML)
    media: tuple[str, ...] = ()  # file names referenced by the card, as written in the note
    # A `Q:::A` card is asked both ways: the answer->question card names its twin here. Anki's
    # basic-and-reversed note type makes both from the twin, so the Anki export skips it.
    reverse_of: str = ""
    section: tuple[str, ...] = ()  # the heading path alone (context also holds parent lines)
    diagram: str = ""  # the mermaid source of the diagram the card comes from
    detail: tuple[str, ...] = ()  # plain detail lines (the `- ...` lines ending `answer`)

    @property
    def main_answer(self) -> str:
        """The answer without its detail lines."""
        if not self.detail:
            return self.answer
        tail = "\n" + "\n".join(f"- {line}" for line in self.detail)
        return self.answer[: -len(tail)] if self.answer.endswith(tail) else self.answer

    def to_dict(self) -> dict[str, Any]:
        """The public fields, as printed by `quizgen cards --format json`."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "question": self.question,
            "answer": self.answer,
            "question_html": self.question_html,
            "answer_html": self.answer_html,
            "context": list(self.context),
            "deck": self.deck,
            "tags": list(self.tags),
            "source": {"path": self.source.path, "line": self.source.line},
            "lang": self.lang,
            "rule": self.rule,
        }
