"""FSRS-6 scheduling: the only module that imports `fsrs`.

The rest of quizgen sees frozen `Memory` values and our own `Rating`/`State` enums; this module
translates them to py-fsrs objects for one review and back. Every call takes the review time
(UTC) and the card's id explicitly: py-fsrs would otherwise read the clock, and without a
`card_id` it sleeps 1 ms per card to make one up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

import fsrs

__all__ = ["DEFAULT_RETENTION", "Memory", "Rating", "Scheduler", "State", "fsrs_card_id"]

DEFAULT_RETENTION = 0.9


class Rating(IntEnum):
    """How well the answer was recalled (the keys 1-4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class State(IntEnum):
    """Where a card is in its life. NEW (never answered) is ours; the rest are FSRS's states."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Memory:
    """The scheduling state of one card. A NEW card has no stability, difficulty or review."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # None: new, due whenever it is introduced
    last_review: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        return self.state is not State.NEW and self.due is not None and self.due <= now


def fsrs_card_id(card_id: str) -> int:
    """Our 16-hex card id as the integer py-fsrs wants (it only copies it into its logs)."""
    return int(card_id, 16)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        raise ValueError(f"expected a UTC datetime, got {moment!r}")
    return moment.astimezone(UTC)


class Scheduler:
    """FSRS-6 with the default parameters, a desired retention and (off for tests) fuzzing."""

    def __init__(self, *, retention: float = DEFAULT_RETENTION, fuzz: bool = True) -> None:
        if not 0.5 <= retention < 1.0:
            raise ValueError(f"retention must be between 0.5 and 0.99, got {retention}")
        self._fsrs = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=fuzz)
        # R(t) = (1 + FACTOR * t / S) ** DECAY: FSRS-6's forgetting curve, with w20 as decay.
        self._decay = -float(self._fsrs.parameters[20])
        self._factor = 0.9 ** (1 / self._decay) - 1
        self.retention = retention

    def review(self, memory: Memory, rating: Rating, *, now: datetime, card_id: str) -> Memory:
        """The card's memory after answering it `now` with `rating` (a new object)."""
        now = _utc(now)
        card = self._to_fsrs(memory, card_id, now)
        updated, _log = self._fsrs.review_card(card, fsrs.Rating(int(rating)), now)
        return Memory(
            state=State(int(updated.state)),
            step=updated.step,
            stability=updated.stability,
            difficulty=updated.difficulty,
            due=_utc(updated.due),
            last_review=_utc(updated.last_review) if updated.last_review else None,
        )

    def retrievability(self, memory: Memory, now: datetime) -> float:
        """The probability of recalling the card `now` (0 for a new card).

        Unlike py-fsrs, which counts whole days, elapsed time is continuous here: it orders
        cards reviewed on the same day and agrees with py-fsrs at whole days."""
        if memory.stability is None or memory.last_review is None:
            return 0.0
        return self.recall(memory.stability, memory.last_review.timestamp(), now.timestamp())

    def recall(self, stability: float, last_review_s: float, now_s: float) -> float:
        """`retrievability` on bare numbers (epoch seconds), for ordering many cards fast."""
        elapsed_days = max(0.0, now_s - last_review_s) / 86400.0
        return float((1 + self._factor * elapsed_days / max(stability, 1e-6)) ** self._decay)

    def _to_fsrs(self, memory: Memory, card_id: str, now: datetime) -> fsrs.Card:
        if memory.state is State.NEW:
            return fsrs.Card(card_id=fsrs_card_id(card_id), due=now)
        return fsrs.Card(
            card_id=fsrs_card_id(card_id),
            state=fsrs.State(int(memory.state)),
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=memory.due or now,
            last_review=memory.last_review,
        )
