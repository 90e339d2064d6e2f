"""The review engine, without any UI: sync the notes' cards into the store, choose what to
ask and in which order, record answers. The terminal front end (quiz_ui.py) only renders.

Order: learning cards that have come due, then due cards (lowest retrievability first), then
new cards in note order within the day's new-card limit, then, once nothing else is left,
learning cards due within the next 20 minutes (as Anki's "learn ahead"). Cram mode asks every
card once, hardest first, and never touches the schedule.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from quizgen.model import Card, CardKind
from quizgen.review.distractors import Choice, Siblings, choices
from quizgen.review.grading import core_answer, expected_items
from quizgen.review.scheduler import Memory, Rating, Scheduler, State
from quizgen.review.store import (
    Answer,
    CardText,
    DayCount,
    ScheduleRow,
    StateCounts,
    Store,
    StoredCard,
    to_ms,
)

__all__ = [
    "DEFAULT_NEW_PER_DAY",
    "LEARN_AHEAD",
    "ROLLOVER_HOUR",
    "Mode",
    "Prompt",
    "Session",
    "Stats",
    "Summary",
    "SyncPlan",
    "SyncScope",
    "collect_stats",
    "day_start",
    "fingerprint",
    "pick_mode",
    "plan_sync",
    "sync",
]

DEFAULT_NEW_PER_DAY = 20
LEARN_AHEAD = timedelta(minutes=20)
ROLLOVER_HOUR = 4  # a study day starts at 04:00 local time: a late night counts as the day before


# ---------------------------------------------------------------- days


def day_start(now: datetime, tz: tzinfo, *, rollover_hour: int = ROLLOVER_HOUR) -> datetime:
    """When the user's current study day began (an aware datetime in `now`'s zone)."""
    local = now.astimezone(tz)
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(now.tzinfo)


# ---------------------------------------------------------------- sync


@dataclass(frozen=True, slots=True)
class SyncScope:
    """What the notes read cover: cards of these notes (or under these folders) that are no
    longer made are retired. `unreadable` notes (a read error) keep their cards."""

    vault: str
    notes: frozenset[str]
    folders: tuple[str, ...] = ()  # paths relative to the vault; "" is the whole vault
    unreadable: frozenset[str] = frozenset()

    def covers(self, path: str) -> bool:
        if path in self.unreadable:
            return False
        if path in self.notes:
            return True
        return any(f == "" or path.startswith(f.rstrip("/") + "/") for f in self.folders)


@dataclass(frozen=True, slots=True)
class SyncPlan:
    added: tuple[CardText, ...] = ()
    changed: tuple[CardText, ...] = ()  # new wording: history kept, schedule kept
    moved: tuple[CardText, ...] = ()  # same wording, another line, note or deck
    revived: tuple[str, ...] = ()  # back in the notes after being retired
    retired: tuple[str, ...] = ()
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.moved) + self.unchanged

    def summary(self) -> str:
        """One line saying what changed, e.g. "371 cards: 3 new, 1 changed, 2 retired"."""
        parts = [
            f"{n} {label}"
            for n, label in (
                (len(self.added), "new"),
                (len(self.changed), "changed"),
                (len(self.revived), "back"),
                (len(self.retired), "retired"),
            )
            if n
        ]
        head = f"{self.total} card{'s' if self.total != 1 else ''}"
        return f"{head}: {', '.join(parts)}" if parts else f"{head}, no change"


def fingerprint(card: Card) -> str:
    """What a card says: a change here is an edit of the card (same id, new text)."""
    text = "\x1f".join((card.kind.value, card.question, card.answer, *card.items))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _text(card: Card, vault: str) -> CardText:
    return CardText(
        id=card.id,
        vault=vault,
        path=card.source.path,
        line=card.source.line,
        kind=card.kind.value,
        rule=card.rule,
        deck=card.deck,
        question=card.question,
        answer=card.answer,
        content=fingerprint(card),
    )


def plan_sync(
    stored: Mapping[str, StoredCard], cards: Sequence[Card], scope: SyncScope
) -> SyncPlan:
    """Compare the notes' cards with the store, by id (pure)."""
    added: list[CardText] = []
    changed: list[CardText] = []
    moved: list[CardText] = []
    revived: list[str] = []
    unchanged = 0
    seen: set[str] = set()
    for card in cards:
        seen.add(card.id)
        text = _text(card, scope.vault)
        old = stored.get(card.id)
        if old is None:
            added.append(text)
            continue
        if old.retired:
            revived.append(card.id)
        if old.content != text.content:
            changed.append(text)
        elif (old.vault, old.path) != (text.vault, text.path):
            moved.append(text)
        else:
            unchanged += 1
    retired = tuple(
        card_id
        for card_id, old in stored.items()
        if card_id not in seen
        and not old.retired
        and old.vault == scope.vault
        and scope.covers(old.path)
    )
    return SyncPlan(tuple(added), tuple(changed), tuple(moved), tuple(revived), retired, unchanged)


def sync(store: Store, cards: Sequence[Card], scope: SyncScope, *, now: datetime) -> SyncPlan:
    """Bring the store in line with the notes: add, update (history kept), retire."""
    plan = plan_sync(store.cards_in(), cards, scope)
    # Unchanged cards still get their line and deck refreshed when those moved: cheap, and
    # it keeps `moved` honest about note renames too.
    store.apply_sync(
        added=plan.added,
        changed=plan.changed,
        moved=plan.moved,
        revived=plan.revived,
        retired=plan.retired,
        now=now,
    )
    return plan


# ---------------------------------------------------------------- how to ask


class Mode(StrEnum):
    FLIP = "flip"
    TYPE = "type"
    CHOICE = "choice"
    MIXED = "mixed"


_SHORT_WORDS = 5
_SHORT_CHARS = 40
_LIST_TYPABLE = 8


def _short(text: str) -> bool:
    return len(text.split()) <= _SHORT_WORDS and len(text) <= _SHORT_CHARS


def pick_mode(card: Card, requested: Mode, *, choice: Choice | None) -> Mode:
    """The mode to ask `card` in. `choice` falls back to flip without distractors; `mixed`
    types short answers and lists of short items, offers choices for longer answers, and
    flips the rest."""
    if requested is Mode.CHOICE:
        return Mode.CHOICE if choice else Mode.FLIP
    if requested is not Mode.MIXED:
        return requested
    items = expected_items(card)
    if items:
        heads = [i.split(":", 1)[0] for i in items]
        if len(items) <= _LIST_TYPABLE and all(_short(h) for h in heads):
            return Mode.TYPE
        return Mode.FLIP
    if card.kind is CardKind.LIST:
        return Mode.FLIP
    if _short(core_answer(card)):
        return Mode.TYPE
    return Mode.CHOICE if choice else Mode.FLIP


@dataclass(frozen=True, slots=True)
class Prompt:
    """One card as it is to be asked."""

    card: Card
    mode: Mode
    memory: Memory
    choice: Choice | None = None
    number: int = 1  # 1-based position in the session
    total: int = 1  # cards planned (answered + still to come)

    @property
    def is_new(self) -> bool:
        return self.memory.state is State.NEW


# ---------------------------------------------------------------- the session


@dataclass(frozen=True, slots=True)
class Summary:
    reviewed: int
    correct: int  # answers rated Hard or better
    new: int  # new cards seen for the first time
    ratings: Mapping[Rating, int] = field(default_factory=dict)
    next_due: datetime | None = None

    @property
    def correct_ratio(self) -> float | None:
        return self.correct / self.reviewed if self.reviewed else None


class Session:
    """One sitting over `cards` (already synced into `store`), asking due and new cards.

    `cards` are in note order; `pool` is where choice distractors come from (default: cards).
    """

    def __init__(
        self,
        store: Store,
        cards: Sequence[Card],
        *,
        scheduler: Scheduler,
        now: datetime,
        today: datetime,
        mode: Mode = Mode.MIXED,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        limit: int | None = None,
        cram: bool = False,
        pool: Sequence[Card] | None = None,
        rng: random.Random | None = None,
        learn_ahead: timedelta = LEARN_AHEAD,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.mode = mode
        self.cram = cram
        self.limit = limit
        self.learn_ahead = learn_ahead
        self._rng = rng or random.Random()
        self._by_id = {c.id: c for c in cards}
        self._siblings = Siblings(pool if pool is not None else cards)
        self._learning: list[tuple[int, int, str]] = []  # (due ms, tie, id): a heap
        self._tie = 0
        self._answers: list[Answer] = []
        rows = store.schedule(self._by_id)
        if cram:
            self._queue = _cram_order(rows, cards, scheduler, now)
            self.due_count = len(self._queue)
            self.new_count = 0
        else:
            due, new = _due_and_new(rows, cards, scheduler, now)
            room = max(0, new_per_day - store.introduced_since(today))
            self.due_count = len(due)
            self.new_count = min(room, len(new))
            self._queue = due + new[:room]
        self._queue.reverse()  # a stack: pop() gives the next card

    # -------------------------------------------------------------- asking

    @property
    def answered(self) -> int:
        return len(self._answers)

    @property
    def remaining(self) -> int:
        """Cards still planned (learning cards coming back included)."""
        return len(self._queue) + len(self._learning)

    def next(self, now: datetime) -> Prompt | None:
        """The next card to ask, or None when the session is over."""
        if self.limit is not None and self.answered >= self.limit:
            return None
        now_ms = to_ms(now)
        while True:
            card_id = self._pop(now_ms)
            if card_id is None:
                return None
            memory = self.store.memory(card_id)
            if memory is None or self.store.is_retired(card_id):
                continue
            if (
                not self.cram
                and memory.state is not State.NEW
                and not memory.is_due(now + self.learn_ahead)
            ):
                continue  # answered meanwhile by another session
            card = self._by_id[card_id]
            choice = choices(card, self._siblings, rng=self._rng)
            mode = pick_mode(card, self.mode, choice=choice)
            return Prompt(
                card,
                mode,
                memory,
                choice if mode is Mode.CHOICE else None,
                self.answered + 1,
                self.answered + 1 + self.remaining,
            )

    def _pop(self, now_ms: int) -> str | None:
        if self._learning and self._learning[0][0] <= now_ms:
            return heapq.heappop(self._learning)[2]
        if self._queue:
            return self._queue.pop()
        ahead = now_ms + int(self.learn_ahead.total_seconds() * 1000)
        if self._learning and self._learning[0][0] <= ahead:
            return heapq.heappop(self._learning)[2]
        return None

    def answer(
        self,
        prompt: Prompt,
        rating: Rating,
        *,
        now: datetime,
        duration_ms: int | None = None,
        mode: Mode | None = None,
    ) -> Answer:
        """Record the rating for `prompt` (committed before this returns)."""
        card_id = prompt.card.id
        review = None
        if not self.cram:

            def review(memory: Memory) -> Memory:
                return self.scheduler.review(memory, rating, now=now, card_id=card_id)

        answer = self.store.record_answer(
            card_id,
            rating,
            now=now,
            review=review,
            duration_ms=duration_ms,
            mode=(mode or prompt.mode).value,
        )
        self._answers.append(answer)
        after = answer.after
        if (
            not self.cram
            and after.state in (State.LEARNING, State.RELEARNING)
            and after.due is not None
        ):
            self._tie += 1
            heapq.heappush(self._learning, (to_ms(after.due), self._tie, card_id))
        return answer

    def summary(self, now: datetime) -> Summary:
        ratings = {r: sum(1 for a in self._answers if a.rating is r) for r in Rating}
        return Summary(
            reviewed=len(self._answers),
            correct=sum(1 for a in self._answers if a.rating is not Rating.AGAIN),
            new=len({a.card_id for a in self._answers if a.before.state is State.NEW}),
            ratings=ratings,
            next_due=self.store.next_due(self._by_id, after=now),
        )


def _recall(row: ScheduleRow, scheduler: Scheduler, now_s: float) -> float:
    if row.stability is None or row.last_review_ms is None:
        return 0.0
    return scheduler.recall(row.stability, row.last_review_ms / 1000, now_s)


def _due_and_new(
    rows: Sequence[ScheduleRow], cards: Sequence[Card], scheduler: Scheduler, now: datetime
) -> tuple[list[str], list[str]]:
    now_ms = to_ms(now)
    now_s = now_ms / 1000
    due: list[tuple[float, int, str]] = []
    new: set[str] = set()
    for row in rows:
        if row.state is State.NEW:
            new.add(row.id)
        elif row.due_ms is not None and row.due_ms <= now_ms:
            due.append((_recall(row, scheduler, now_s), row.due_ms, row.id))
    due.sort()
    return [d[2] for d in due], [c.id for c in cards if c.id in new]


def _cram_order(
    rows: Sequence[ScheduleRow], cards: Sequence[Card], scheduler: Scheduler, now: datetime
) -> list[str]:
    """Hardest first: highest difficulty, most lapses, least likely recalled; new cards last,
    in note order."""
    now_s = to_ms(now) / 1000
    seen: list[tuple[float, int, float, str]] = []
    for row in rows:
        if row.state is State.NEW or row.difficulty is None:
            continue
        seen.append((-row.difficulty, -row.lapses, _recall(row, scheduler, now_s), row.id))
    seen.sort()
    ordered = [s[3] for s in seen]
    new = {row.id for row in rows} - set(ordered)
    return ordered + [c.id for c in cards if c.id in new]


# ---------------------------------------------------------------- statistics

DAY_MS = 86_400_000
FORECAST_DAYS = 30


@dataclass(frozen=True, slots=True)
class Stats:
    """What `quizgen stats` shows. Days are study days (local time, from the rollover hour)."""

    counts: StateCounts
    reviews: int  # answers logged (cram practice excluded)
    graded: int  # answers to cards in the Review state: what true retention is measured on
    passed: int  # ... not forgotten (rated Hard or better)
    forecast: tuple[int, ...]  # cards coming due on each day from today (overdue: today)
    days: tuple[DayCount, ...]  # answers per day number, oldest first
    today: datetime  # when today's study day started

    @property
    def retention(self) -> float | None:
        return self.passed / self.graded if self.graded else None

    @property
    def today_number(self) -> int:
        return _day_number(to_ms(self.today), self.today)

    def day_date(self, number: int) -> datetime:
        """When study day `number` started."""
        return self.today + timedelta(days=number - self.today_number)

    def to_dict(self) -> dict[str, object]:
        c = self.counts
        retention = self.retention
        return {
            "cards": c.active,
            "new": c.new,
            "learning": c.learning,
            "review": c.review,
            "relearning": c.relearning,
            "retired": c.retired,
            "due_now": c.due_now,
            "due_today": c.due_today,
            "due_week": c.due_week,
            "reviews": self.reviews,
            "retention": None if retention is None else round(retention, 4),
            "forecast": list(self.forecast),
            "heatmap": {
                self.day_date(d.day).date().isoformat(): d.reviews
                for d in self.days
                if d.day > self.today_number - 366
            },
        }


def _day_offset_ms(today: datetime) -> int:
    return -(to_ms(today) % DAY_MS)


def _day_number(moment_ms: int, today: datetime) -> int:
    return (moment_ms + _day_offset_ms(today)) // DAY_MS


def collect_stats(
    store: Store, ids: Sequence[str] | None, *, now: datetime, today: datetime
) -> Stats:
    """Statistics over the cards `ids` (None: the whole store). `today` is when the current
    study day began (see `day_start`)."""
    selection = None if ids is None else frozenset(ids)
    if selection is not None and len(selection) >= store.count_cards():
        # Every card of the store is selected (one vault per store, the usual case): the
        # whole-store queries are the same answer, without probing a selection per row.
        known = store.cards_in()
        if selection.issuperset(known):
            selection = None
    counts = store.state_counts(
        selection,
        now=now,
        today_end=today + timedelta(days=1),
        week_end=today + timedelta(days=7),
    )
    forecast = store.forecast(selection, start=today, days=FORECAST_DAYS)
    days = store.review_days(selection, offset_s=_day_offset_ms(today) // 1000)
    return Stats(
        counts=counts,
        reviews=sum(d.reviews for d in days),
        graded=sum(d.graded for d in days),
        passed=sum(d.passed for d in days),
        forecast=tuple(forecast),
        days=tuple(days),
        today=today,
    )
