"""The one exception hierarchy. The CLI turns every QuizgenError into a one-line message."""

from __future__ import annotations


class QuizgenError(Exception):
    """Base class of every error quizgen reports to a user (never shown as a traceback)."""


class NoteError(QuizgenError):
    """A problem located in a file: `path:line: message`."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class ConfigError(NoteError):
    """A quizgen.yaml that cannot be used."""


class UsageError(QuizgenError):
    """A bad option or argument; the CLI exits with status 2."""
