"""The review store: one SQLite file holding every card's schedule and every answer ever given.

Safety first, because a student's months of reviews live here:
- WAL mode and a busy timeout, writes in `BEGIN IMMEDIATE` transactions: two sessions on one
  store take turns instead of corrupting it or losing an answer;
- each answer is committed the moment it is given (a crash, Ctrl-C or kill loses nothing answered);
- `PRAGMA user_version` is the schema version, `application_id` says the file is ours; migrations
  run in one transaction after a backup copy; a corrupt file, someone else's database, or a store
  from a newer quizgen is reported and never written to.

Times are stored as UTC epoch milliseconds (`*_ms` columns): compact, fast to compare, exact.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quizgen.errors import QuizgenError
from quizgen.review.scheduler import Memory, Rating, State

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Answer",
    "CardText",
    "DayCount",
    "ScheduleRow",
    "StateCounts",
    "Store",
    "StoreError",
    "StoredCard",
    "from_ms",
    "to_ms",
]

APPLICATION_ID = 0x515A474E  # "QZGN" in the SQLite header: this file is a quizgen store
BUSY_TIMEOUT_MS = 10_000

Migration = Callable[[sqlite3.Connection], None]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one: `executescript` would COMMIT the migration's
    transaction halfway."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {statement!r}")


def _v1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE cards (
            id TEXT PRIMARY KEY,            -- Card.id: 16 hex digits, stable across edits
            vault TEXT NOT NULL,            -- the vault root it was last read from
            path TEXT NOT NULL,             -- note path relative to the vault
            line INTEGER NOT NULL,
            kind TEXT NOT NULL,
            rule TEXT NOT NULL,
            deck TEXT NOT NULL,
            question TEXT NOT NULL,         -- the current wording; earlier ones in card_text
            answer TEXT NOT NULL,
            content TEXT NOT NULL,          -- fingerprint of question, answer and items
            state INTEGER NOT NULL DEFAULT 0,   -- scheduler.State
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due_ms INTEGER,
            last_review_ms INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            added_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            retired_ms INTEGER              -- not NULL: gone from the notes, no longer asked
        );
        CREATE INDEX cards_due ON cards (due_ms) WHERE retired_ms IS NULL;
        CREATE INDEX cards_path ON cards (vault, path);
        CREATE TABLE card_text (            -- earlier wordings of a card, kept when notes change
            card_id TEXT NOT NULL REFERENCES cards (id),
            until_ms INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL
        );
        CREATE INDEX card_text_card ON card_text (card_id);
        CREATE TABLE reviews (              -- one row per answer, never updated or deleted
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards (id),
            at_ms INTEGER NOT NULL,
            rating INTEGER NOT NULL,        -- scheduler.Rating
            state_before INTEGER NOT NULL,
            state INTEGER NOT NULL,
            stability REAL,
            difficulty REAL,
            due_ms INTEGER,
            duration_ms INTEGER,
            mode TEXT NOT NULL,             -- flip, type, choice
            cram INTEGER NOT NULL DEFAULT 0 -- 1: practice that did not touch the schedule
        );
        CREATE INDEX reviews_card ON reviews (card_id, at_ms);
        CREATE INDEX reviews_at ON reviews (at_ms, state_before, rating, cram);
        """,
    )


# MIGRATIONS[i] takes a store from schema version i to i + 1. Append, never edit.
MIGRATIONS: tuple[Migration, ...] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(QuizgenError):
    """The store cannot be used (corrupt, foreign, newer, busy). It is left untouched."""


def to_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def _opt_ms(moment: datetime | None) -> int | None:
    return None if moment is None else to_ms(moment)


def _opt_dt(value: int | None) -> datetime | None:
    return None if value is None else from_ms(value)


@dataclass(frozen=True, slots=True)
class CardText:
    """What the store keeps of a card's content (the notes are the source of truth)."""

    id: str
    vault: str
    path: str
    line: int
    kind: str
    rule: str
    deck: str
    question: str
    answer: str
    content: str


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card row as sync needs it."""

    id: str
    vault: str
    path: str
    content: str
    retired: bool


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """A card's schedule as the queue needs it (times in epoch ms)."""

    id: str
    state: State
    due_ms: int | None
    stability: float | None
    difficulty: float | None
    last_review_ms: int | None
    lapses: int


@dataclass(frozen=True, slots=True)
class Answer:
    """One recorded answer: the memory before and after."""

    card_id: str
    rating: Rating
    before: Memory
    after: Memory
    at: datetime
    cram: bool


@dataclass(frozen=True, slots=True)
class StateCounts:
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    retired: int = 0
    due_now: int = 0
    due_today: int = 0
    due_week: int = 0

    @property
    def active(self) -> int:
        return self.new + self.learning + self.review + self.relearning


@dataclass(frozen=True, slots=True)
class DayCount:
    """Reviews on one day: `day` is the day number (days since the epoch, local offset applied)."""

    day: int
    reviews: int
    graded: int  # reviews of cards in the Review state (what true retention is measured on)
    passed: int  # ... of which not forgotten (rated Hard or better)


_MEMORY_COLUMNS = "state, step, stability, difficulty, due_ms, last_review_ms"


def _memory(row: Sequence[object]) -> Memory:
    state, step, stability, difficulty, due, last = row
    assert isinstance(state, int)
    return Memory(
        state=State(state),
        step=step if isinstance(step, int) else None,
        stability=float(stability) if isinstance(stability, float | int) else None,
        difficulty=float(difficulty) if isinstance(difficulty, float | int) else None,
        due=_opt_dt(due) if isinstance(due, int) else None,
        last_review=_opt_dt(last) if isinstance(last, int) else None,
    )


class Store:
    """An open review store. Use `Store.open(path)`; close it (or use `with`)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._selected: Collection[str] | None = None  # what temp.selection holds

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, migrations: Sequence[Migration] = MIGRATIONS) -> Store:
        """Open (or create) the store at `path`, migrating it to the current schema."""
        path = Path(path).expanduser()
        if path.exists() and not path.is_file():
            raise StoreError(f"{path}: not a file; pass --db with the path of a store file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path.parent}: cannot create the folder: {exc.strerror}") from None
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the review store: {exc}") from None
        try:
            _prepare(db, path, migrations)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise _translate(exc, path) from None
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (IMMEDIATE) so that a second session waits for
        it rather than failing halfway; committed on success, rolled back on any error."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise _translate(exc, self.path) from None
        try:
            yield self._db
        except sqlite3.DatabaseError as exc:
            self._db.execute("ROLLBACK")
            raise _translate(exc, self.path) from None
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _translate(exc, self.path) from None

    # ------------------------------------------------------------------ cards

    def cards_in(self, vault: str | None = None) -> dict[str, StoredCard]:
        """Every card of the store (or of one vault), keyed by id."""
        sql = "SELECT id, vault, path, content, retired_ms IS NOT NULL FROM cards"
        rows = self._read(sql + " WHERE vault = ?", (vault,)) if vault else self._read(sql)
        return {
            str(r[0]): StoredCard(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4]))
            for r in rows
        }

    def apply_sync(
        self,
        *,
        added: Iterable[CardText],
        changed: Iterable[CardText],
        moved: Iterable[CardText],
        revived: Iterable[str],
        retired: Iterable[str],
        now: datetime,
    ) -> None:
        """Apply a sync plan in one transaction. `changed` cards keep their schedule and their
        reviews; their previous wording goes to card_text. `moved` only changed place."""
        now_ms = to_ms(now)
        with self._write() as db:
            db.executemany(
                "INSERT INTO cards (id, vault, path, line, kind, rule, deck, question, answer,"
                " content, added_ms, updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(*_text_row(c), now_ms, now_ms) for c in added],
            )
            changed = list(changed)
            db.executemany(
                "INSERT INTO card_text (card_id, until_ms, question, answer)"
                " SELECT id, ?, question, answer FROM cards WHERE id = ?",
                [(now_ms, c.id) for c in changed],
            )
            db.executemany(
                "UPDATE cards SET vault=?, path=?, line=?, kind=?, rule=?, deck=?, question=?,"
                " answer=?, content=?, updated_ms=? WHERE id=?",
                [(*_text_row(c)[1:], now_ms, c.id) for c in changed],
            )
            db.executemany(
                "UPDATE cards SET vault=?, path=?, line=?, deck=? WHERE id=?",
                [(c.vault, c.path, c.line, c.deck, c.id) for c in moved],
            )
            db.executemany(
                "UPDATE cards SET retired_ms = NULL WHERE id = ?", [(i,) for i in revived]
            )
            db.executemany(
                "UPDATE cards SET retired_ms = ? WHERE id = ?", [(now_ms, i) for i in retired]
            )

    def count_cards(self) -> int:
        """Cards in the store, retired ones included."""
        return int(str(self._read("SELECT count(*) FROM cards")[0][0]))

    def card_text(self, card_id: str) -> CardText | None:
        rows = self._read(
            "SELECT id, vault, path, line, kind, rule, deck, question, answer, content"
            " FROM cards WHERE id = ?",
            (card_id,),
        )
        if not rows:
            return None
        r = [str(v) for v in rows[0]]
        return CardText(r[0], r[1], r[2], int(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])

    def history(self, card_id: str) -> list[tuple[datetime, str, str]]:
        """Earlier wordings of a card: (replaced at, question, answer), oldest first."""
        rows = self._read(
            "SELECT until_ms, question, answer FROM card_text WHERE card_id = ? ORDER BY rowid",
            (card_id,),
        )
        return [(from_ms(int(str(r[0]))), str(r[1]), str(r[2])) for r in rows]

    def is_retired(self, card_id: str) -> bool:
        rows = self._read("SELECT retired_ms IS NOT NULL FROM cards WHERE id = ?", (card_id,))
        return bool(rows and rows[0][0])

    def memory(self, card_id: str) -> Memory | None:
        rows = self._read(f"SELECT {_MEMORY_COLUMNS} FROM cards WHERE id = ?", (card_id,))
        return _memory(rows[0]) if rows else None

    def schedule(self, ids: Collection[str] | None = None) -> list[ScheduleRow]:
        """The schedule of the active cards (all, or those in `ids`). Filtered in Python: one
        sequential scan beats filling a temporary table with a vault's worth of ids."""
        rows = self._read(
            "SELECT id, state, due_ms, stability, difficulty, last_review_ms, lapses"
            " FROM cards WHERE retired_ms IS NULL"
        )
        wanted = (
            None if ids is None else ids if isinstance(ids, set | frozenset | dict) else set(ids)
        )
        return [
            ScheduleRow(
                str(r[0]),
                State(int(str(r[1]))),
                r[2] if isinstance(r[2], int) else None,
                float(r[3]) if isinstance(r[3], float | int) else None,
                float(r[4]) if isinstance(r[4], float | int) else None,
                r[5] if isinstance(r[5], int) else None,
                int(str(r[6])),
            )
            for r in rows
            if wanted is None or r[0] in wanted
        ]

    # ------------------------------------------------------------------ answers

    def record_answer(
        self,
        card_id: str,
        rating: Rating,
        *,
        now: datetime,
        review: Callable[[Memory], Memory] | None,
        duration_ms: int | None = None,
        mode: str = "",
    ) -> Answer:
        """Record one answer and commit it before returning.

        `review` computes the new memory from the stored one; it is read inside the write
        transaction, so two sessions answering the same card both count, one after the other.
        With `review=None` (cram) the answer is logged but the schedule is not touched."""
        now_ms = to_ms(now)
        with self._write() as db:
            row = db.execute(
                f"SELECT {_MEMORY_COLUMNS} FROM cards WHERE id = ?", (card_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no card {card_id} in the store")
            before = _memory(row)
            after = before if review is None else review(before)
            if review is not None:
                lapse = int(before.state is State.REVIEW and rating is Rating.AGAIN)
                db.execute(
                    "UPDATE cards SET state=?, step=?, stability=?, difficulty=?, due_ms=?,"
                    " last_review_ms=?, reps = reps + 1, lapses = lapses + ? WHERE id=?",
                    (
                        int(after.state),
                        after.step,
                        after.stability,
                        after.difficulty,
                        _opt_ms(after.due),
                        _opt_ms(after.last_review),
                        lapse,
                        card_id,
                    ),
                )
            db.execute(
                "INSERT INTO reviews (card_id, at_ms, rating, state_before, state, stability,"
                " difficulty, due_ms, duration_ms, mode, cram) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    card_id,
                    now_ms,
                    int(rating),
                    int(before.state),
                    int(after.state),
                    after.stability,
                    after.difficulty,
                    _opt_ms(after.due),
                    duration_ms,
                    mode,
                    int(review is None),
                ),
            )
        return Answer(card_id, rating, before, after, now, cram=review is None)

    def introduced_since(self, start: datetime) -> int:
        """How many new cards were answered for the first time since `start`."""
        rows = self._read(
            "SELECT count(*) FROM reviews WHERE at_ms >= ? AND state_before = 0 AND cram = 0",
            (to_ms(start),),
        )
        return int(str(rows[0][0]))

    def reviews(self, card_id: str) -> list[tuple[datetime, Rating, State, bool]]:
        """A card's answers: (when, rating, state before, cram), oldest first."""
        rows = self._read(
            "SELECT at_ms, rating, state_before, cram FROM reviews WHERE card_id = ?"
            " ORDER BY at_ms, id",
            (card_id,),
        )
        return [
            (from_ms(int(str(r[0]))), Rating(int(str(r[1]))), State(int(str(r[2]))), bool(r[3]))
            for r in rows
        ]

    # ------------------------------------------------------------------ statistics

    def state_counts(
        self,
        ids: Collection[str] | None,
        *,
        now: datetime,
        today_end: datetime,
        week_end: datetime,
    ) -> StateCounts:
        """Cards by state, and how many come due now, by the end of today, within the week."""
        sql = (
            "SELECT c.retired_ms IS NOT NULL, c.state, count(*),"
            " sum(c.due_ms <= ?), sum(c.due_ms <= ?), sum(c.due_ms <= ?)"
            " FROM cards c WHERE {join} 1 GROUP BY 1, 2"
        )
        with self._selection(ids) as join:
            rows = self._read(
                sql.format(join=join), (to_ms(now), to_ms(today_end), to_ms(week_end))
            )
        counts = dict.fromkeys(("new", "learning", "review", "relearning", "retired"), 0)
        due = [0, 0, 0]
        for retired, state, count, *due_counts in rows:
            n = int(str(count))
            if retired:
                counts["retired"] += n
                continue
            counts[State(int(str(state))).label] += n
            if state != State.NEW:
                due = [d + int(str(x or 0)) for d, x in zip(due, due_counts, strict=True)]
        return StateCounts(**counts, due_now=due[0], due_today=due[1], due_week=due[2])

    def forecast(self, ids: Collection[str] | None, *, start: datetime, days: int) -> list[int]:
        """Cards coming due on each of `days` days from `start` (overdue ones count on day 0)."""
        start_ms, day_ms = to_ms(start), 86_400_000
        sql = (
            "SELECT max(0, (c.due_ms - ?) / ?), count(*) FROM cards c"
            " WHERE {join} c.retired_ms IS NULL AND c.state != 0 AND c.due_ms < ? GROUP BY 1"
        )
        with self._selection(ids) as join:
            rows = self._read(sql.format(join=join), (start_ms, day_ms, start_ms + days * day_ms))
        out = [0] * days
        for day, count in rows:
            out[int(str(day))] += int(str(count))
        return out

    def review_days(self, ids: Collection[str] | None, *, offset_s: int) -> list[DayCount]:
        """Answers per local day (cram excluded), oldest first. `offset_s` is the UTC offset
        of the user's day boundary (local time zone and rollover hour)."""
        sql = (
            "SELECT (r.at_ms + ?) / 86400000 AS day, count(*), sum(r.state_before = 2),"
            " sum(r.state_before = 2 AND r.rating > 1) FROM reviews r"
            " WHERE {join} r.cram = 0 GROUP BY day ORDER BY day"
        )
        with self._selection(ids, column="r.card_id") as join:
            rows = self._read(sql.format(join=join), (offset_s * 1000,))
        return [DayCount(*(int(str(v or 0)) for v in r)) for r in rows]

    def next_due(self, ids: Collection[str] | None, *, after: datetime) -> datetime | None:
        """When the next card (of `ids`) comes due after `after`."""
        sql = (
            "SELECT min(c.due_ms) FROM cards c WHERE {join} c.retired_ms IS NULL"
            " AND c.state != 0 AND c.due_ms > ?"
        )
        with self._selection(ids) as join:
            rows = self._read(sql.format(join=join), (to_ms(after),))
        value = rows[0][0] if rows else None
        return from_ms(value) if isinstance(value, int) else None

    @contextlib.contextmanager
    def _selection(self, ids: Collection[str] | None, column: str = "c.id") -> Iterator[str]:
        """A condition (to put first in the WHERE clause) restricting a query to `ids`, kept in
        a temporary table; '' for all."""
        if ids is None:
            yield ""
            return
        if ids is self._selected:  # the same selection as the previous query: already there
            yield f"{column} IN temp.selection AND"
            return
        try:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS selection (id TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM temp.selection")
            self._db.executemany(
                "INSERT OR IGNORE INTO temp.selection VALUES (?)", ((i,) for i in ids)
            )
        except sqlite3.DatabaseError as exc:
            raise _translate(exc, self.path) from None
        self._selected = ids
        # IN (not JOIN): SQLite then scans the big table once and probes the selection,
        # instead of looping over the selection and sorting for GROUP BY.
        yield f"{column} IN temp.selection AND"


def _text_row(card: CardText) -> tuple[object, ...]:
    return (
        card.id,
        card.vault,
        card.path,
        card.line,
        card.kind,
        card.rule,
        card.deck,
        card.question,
        card.answer,
        card.content,
    )


def _prepare(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    """Check that the file is a quizgen store we can read, then bring it up to date."""
    app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    target = len(migrations)
    if app_id != APPLICATION_ID and (tables or version):
        raise StoreError(
            f"{path}: this SQLite file is not a quizgen review store; it was left untouched"
            " (pass --db with another path)"
        )
    if version > target:
        raise StoreError(
            f"{path}: this review store was written by a newer quizgen (schema {version},"
            f" this one knows up to {target}); upgrade quizgen. The store was left untouched."
        )
    mode = str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
    if mode != "wal":
        raise StoreError(f"{path}: cannot switch the store to WAL mode (got {mode})")
    db.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable on commit, no fsync per read
    db.execute("PRAGMA foreign_keys = ON")
    if version == target:
        return
    if version > 0:
        _backup(db, path.with_name(f"{path.name}.v{version}.bak"))
    db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the lock: another session may have migrated meanwhile.
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        for step in migrations[version:]:
            step(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {target}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _backup(db: sqlite3.Connection, target: Path) -> None:
    """A copy of the store as it was before a migration, next to it."""
    with contextlib.closing(sqlite3.connect(target)) as copy:
        db.backup(copy)


def _translate(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    message = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in message:
        return StoreError(
            f"{path}: the review store is busy (another quizgen is writing to it); try again"
        )
    if isinstance(exc, sqlite3.OperationalError) and "readonly" in message:
        return StoreError(f"{path}: the review store is read-only; check its permissions")
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return StoreError(
            f"{path}: the review store is damaged or not a SQLite file ({message}); it was left"
            " untouched: move it away, or pass --db with another path"
        )
    return StoreError(f"{path}: review store error: {message}")
