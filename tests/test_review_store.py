"""The review store: real SQLite files, created, migrated, refused, shared by two sessions."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizgen.review.scheduler import Memory, Rating, Scheduler, State
from quizgen.review.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    CardText,
    Store,
    StoreError,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def text(card_id: str, question: str = "Q?", answer: str = "A") -> CardText:
    return CardText(card_id, "/vault", "n.md", 1, "basic", "term", "D", question, answer, "h")


def add(store: Store, *ids: str) -> None:
    store.apply_sync(
        added=[text(i) for i in ids], changed=(), moved=(), revived=(), retired=(), now=NOW
    )


def test_new_store_is_wal_versioned_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "reviews.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_answer_is_committed_before_record_answer_returns(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = Store.open(path)
    add(store, "a" * 16)
    scheduler = Scheduler(fuzz=False)
    store.record_answer(
        "a" * 16,
        Rating.GOOD,
        now=NOW,
        review=lambda m: scheduler.review(m, Rating.GOOD, now=NOW, card_id="a" * 16),
    )
    # Another connection (another process would do the same) sees it at once.
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert other.execute("SELECT state FROM cards").fetchone()[0] == int(State.LEARNING)
    store.close()


def test_cram_answer_is_logged_but_leaves_the_schedule(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        add(store, "b" * 16)
        answer = store.record_answer("b" * 16, Rating.AGAIN, now=NOW, review=None)
        assert answer.cram and answer.after == answer.before == Memory()
        assert store.memory("b" * 16) == Memory()
        assert store.reviews("b" * 16) == [(NOW, Rating.AGAIN, State.NEW, True)]
        assert store.introduced_since(NOW - timedelta(days=1)) == 0


def test_newer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer quizgen"):
        Store.open(path)
    assert path.read_bytes() == before


def test_corrupt_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    path.write_bytes(b"this is not a database, but a student's precious file" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="damaged or not a SQLite file") as error:
        Store.open(path)
    assert str(path) in str(error.value)
    assert path.read_bytes() == before


def test_damaged_pages_are_reported_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        add(store, *(f"{i:016x}" for i in range(500)))
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xff" * (len(data) - page)  # scribble over every page but the header
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError, match="damaged"), Store.open(path) as store:
        store.cards_in()
    assert path.read_bytes() == before


def test_someone_elses_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a quizgen review store"):
        Store.open(path)
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == 0


def test_migration_runs_once_in_a_transaction_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        add(store, "c" * 16)

    def v2(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE cards ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0")

    with Store.open(path, migrations=(*MIGRATIONS, v2)) as store:
        assert store.schema_version == SCHEMA_VERSION + 1
        assert store.card_text("c" * 16) == text("c" * 16)
    backup = tmp_path / f"r.db.v{SCHEMA_VERSION}.bak"
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM cards").fetchone()[0] == 1
    # Opened again, nothing to do: the column is not added twice.
    Store.open(path, migrations=(*MIGRATIONS, v2)).close()


def test_failed_migration_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        add(store, "d" * 16)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE cards ADD COLUMN x INTEGER")
        db.execute("THIS IS NOT SQL")

    with pytest.raises(StoreError):
        Store.open(path, migrations=(*MIGRATIONS, broken))
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(cards)")]
        assert "x" not in columns


def test_two_sessions_answering_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    ids = [f"{i:016x}" for i in range(40)]
    with Store.open(path) as store:
        add(store, *ids)
    scheduler = Scheduler(fuzz=False)
    errors: list[BaseException] = []

    def answer_all(offset: int) -> None:
        try:
            with Store.open(path) as store:  # its own connection, as another process
                for n, card_id in enumerate(ids):
                    at = NOW + timedelta(seconds=offset + 2 * n)
                    store.record_answer(
                        card_id,
                        Rating.GOOD,
                        now=at,
                        review=lambda m, at=at, c=card_id: scheduler.review(
                            m, Rating.GOOD, now=at, card_id=c
                        ),
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer_all, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Store.open(path) as store:
        for card_id in ids:
            log = store.reviews(card_id)
            assert len(log) == 2
            # whichever came second was computed from the first one's result
            assert sorted(entry[2] for entry in log) == [State.NEW, State.LEARNING]
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT sum(reps) FROM cards").fetchone()[0] == 80
