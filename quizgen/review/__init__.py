"""Spaced repetition over the notes' cards: a SQLite store, FSRS scheduling, grading and a
UI-free session engine (the terminal front end is quizgen/quiz_ui.py).

    store = Store.open(path)
    plan = sync(store, cards, scope, now=now)            # add / update / retire by card id
    session = Session(store, cards, scheduler=Scheduler(), now=now, today=day_start(now, tz))
    while (prompt := session.next(now)) is not None:
        session.answer(prompt, Rating.GOOD, now=now)     # committed at once
"""

from __future__ import annotations

from quizgen.review.distractors import Choice, choices
from quizgen.review.grading import Grade, Verdict, grade
from quizgen.review.scheduler import Memory, Rating, Scheduler, State
from quizgen.review.session import (
    Mode,
    Prompt,
    Session,
    Stats,
    Summary,
    SyncPlan,
    SyncScope,
    collect_stats,
    day_start,
    sync,
)
from quizgen.review.store import Store, StoreError

__all__ = [
    "Choice",
    "Grade",
    "Memory",
    "Mode",
    "Prompt",
    "Rating",
    "Scheduler",
    "Session",
    "State",
    "Stats",
    "Store",
    "StoreError",
    "Summary",
    "SyncPlan",
    "SyncScope",
    "Verdict",
    "choices",
    "collect_stats",
    "day_start",
    "grade",
    "sync",
]
