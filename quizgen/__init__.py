"""quizgen: turn Markdown course notes into flashcards, Anki decks, quizzes and exam drills."""

import gc

__version__ = "0.1.0"


def tune_gc() -> None:
    """Collect garbage less often. Extraction makes millions of short-lived objects while its
    caches keep many long-lived ones, so Python's default thresholds rescan the caches again
    and again: about a fifth of a `quizgen cards` run. Called by the commands and by the
    worker processes, never on import (a library does not change its host's collector)."""
    gc.set_threshold(50_000, 20, 20)
