"""Review store at scale: 100,000 cards and 1,000,000 review logs.

Measures the time to pick the next card (goal < 5 ms) and `quizgen stats` (goal < 1 s), plus
what a session costs to start. Run by hand, not a test:

    .venv/bin/python bench/bench_review.py [--cards 100000] [--logs 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizgen.model import Card, CardKind, SourceRef
from quizgen.review.scheduler import Rating, Scheduler, State
from quizgen.review.session import Session, collect_stats, day_start
from quizgen.review.store import Store, to_ms

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PICK_GOAL_MS = 5.0
STATS_GOAL_S = 1.0


def make_cards(n: int) -> list[Card]:
    return [
        Card(
            id=f"{i:016x}",
            kind=CardKind.BASIC,
            question=f"Question {i}?",
            answer=f"Answer {i}",
            question_html=f"Question {i}?",
            answer_html=f"Answer {i}",
            context=("Course", f"Chapter {i // 50}"),
            deck=f"Course::Note {i // 500}",
            tags=(),
            source=SourceRef(f"note-{i // 500}.md", i % 500 + 1),
            lang="en",
            rule="term",
        )
        for i in range(n)
    ]


def build(path: Path, cards: list[Card], logs: int, rng: random.Random) -> None:
    """Fill a store directly with SQL: realistic states, due dates and a year of answers."""
    with Store.open(path):
        pass  # creates the schema
    import sqlite3

    db = sqlite3.connect(path)
    now_ms, day = to_ms(NOW), 86_400_000
    rows = []
    for i, card in enumerate(cards):
        r = rng.random()
        state = State.NEW if r < 0.2 else State.REVIEW if r < 0.9 else State(rng.choice((1, 3)))
        stability = None if state is State.NEW else rng.uniform(0.5, 200)
        last = None if state is State.NEW else now_ms - rng.randrange(0, 60 * day)
        due = None if last is None else last + int((stability or 1) * day)
        rows.append(
            (card.id, "/bench", card.source.path, card.source.line, "basic", "term", card.deck,
             card.question, card.answer, "x", int(state),
             None if state is State.NEW else 0, stability,
             None if state is State.NEW else rng.uniform(1, 10), due, last, now_ms, now_ms, i)
        )  # fmt: skip
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO cards (id, vault, path, line, kind, rule, deck, question, answer, content,"
        " state, step, stability, difficulty, due_ms, last_review_ms, added_ms, updated_ms, reps)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    seen = [c.id for c, row in zip(cards, rows, strict=True) if row[10] != 0]
    start = now_ms - 365 * day

    def log_rows() -> object:
        for _ in range(logs):
            at = start + rng.randrange(0, 365 * day)
            rating = rng.choices((1, 2, 3, 4), (10, 15, 60, 15))[0]
            before = rng.choice((0, 1, 2, 2, 2, 3))
            yield (rng.choice(seen), at, rating, before, 2, 10.0, 5.0, at + day, 8000, "flip", 0)

    db.executemany(
        "INSERT INTO reviews (card_id, at_ms, rating, state_before, state, stability,"
        " difficulty, due_ms, duration_ms, mode, cram) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        log_rows(),  # type: ignore[arg-type]
    )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def timed(fn: object, repeat: int = 1) -> tuple[float, object]:
    result = None
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--picks", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="build the store in this folder and keep it")
    args = parser.parse_args()
    rng = random.Random(42)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="quizgen-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.sqlite3"
    cards = make_cards(args.cards)
    if not path.exists():
        t = time.perf_counter()
        build(path, cards, args.logs, rng)
        print(f"built {args.cards:,} cards, {args.logs:,} logs in {time.perf_counter() - t:.1f} s")
    size = sum(f.stat().st_size for f in folder.glob("bench.sqlite3*")) / 1e6
    print(f"store: {path} ({size:.0f} MB)")

    store = Store.open(path)
    today = day_start(NOW, UTC)
    scheduler = Scheduler(fuzz=False)
    start_s, session = timed(
        lambda: Session(store, cards, scheduler=scheduler, now=NOW, today=today, new_per_day=20)
    )
    assert isinstance(session, Session)
    print(
        f"session start (queue of {session.due_count:,} due + {session.new_count} new"
        f" out of {len(cards):,}): {start_s * 1000:.0f} ms"
    )

    picks, answers = [], []
    at = NOW
    for _ in range(args.picks):
        t = time.perf_counter()
        prompt = session.next(at)
        picks.append(time.perf_counter() - t)
        if prompt is None:
            break
        t = time.perf_counter()
        session.answer(prompt, Rating.GOOD, now=at)
        answers.append(time.perf_counter() - t)
        at += timedelta(seconds=5)
    pick_ms = statistics.median(picks) * 1000
    p99 = sorted(picks)[int(len(picks) * 0.99) - 1] * 1000
    print(
        f"pick next card: median {pick_ms:.2f} ms, p99 {p99:.2f} ms over {len(picks)} picks"
        f"  -> {pick_ms / PICK_GOAL_MS:.2f} of the {PICK_GOAL_MS:.0f} ms goal"
    )
    print(f"record an answer (committed): median {statistics.median(answers) * 1000:.2f} ms")

    ids = [c.id for c in cards]
    for label, selection in (("whole store", None), (f"{len(ids):,} selected ids", ids)):
        seconds, _ = timed(
            lambda s=selection: collect_stats(store, s, now=NOW, today=today), repeat=3
        )
        print(
            f"collect_stats ({label}): {seconds * 1000:.0f} ms"
            f"  -> {seconds / STATS_GOAL_S:.2f} of the {STATS_GOAL_S:.0f} s goal"
        )
    store.close()

    env = {**os.environ, "QUIZGEN_NOW": NOW.isoformat(), "TZ": "UTC"}
    command = [sys.executable, "-m", "quizgen", "stats", "--all", "--db", str(path)]
    for fmt in ("table", "json"):
        seconds, _ = timed(
            lambda f=fmt: subprocess.run(
                [*command, "--format", f], env=env, capture_output=True, check=True
            ),
            repeat=3,
        )
        print(
            f"`quizgen stats --all --format {fmt}` (whole process): {seconds * 1000:.0f} ms"
            f"  -> {seconds / STATS_GOAL_S:.2f} of the {STATS_GOAL_S:.0f} s goal"
        )
    if not args.keep:
        for f in folder.glob("bench.sqlite3*"):
            f.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
