"""`quizgen quiz` and `quizgen stats`: spaced repetition in the terminal, kept in SQLite.

The only place that reads the clock: `QUIZGEN_NOW` (ISO-8601, UTC) freezes it, so tests can
move days ahead.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import click
import platformdirs

from quizgen.cli.common import open_vault, paths_argument, warn
from quizgen.errors import UsageError
from quizgen.extract import extract_vault
from quizgen.model import Card
from quizgen.quiz_ui import Keys, QuizUI, make_console, render_stats
from quizgen.review.scheduler import DEFAULT_RETENTION, Scheduler
from quizgen.review.session import (
    DEFAULT_NEW_PER_DAY,
    Mode,
    Session,
    SyncScope,
    collect_stats,
    day_start,
    sync,
)
from quizgen.review.store import Store
from quizgen.vault import Vault

DB_ENV = "QUIZGEN_DB"
NOW_ENV = "QUIZGEN_NOW"
DB_NAME = "reviews.sqlite3"


def default_db() -> Path:
    return Path(platformdirs.user_data_dir("quizgen", appauthor=False)) / DB_NAME


def clock() -> datetime:
    """Now, in UTC; frozen at QUIZGEN_NOW when that is set."""
    frozen = os.environ.get(NOW_ENV)
    if not frozen:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(frozen)
    except ValueError:
        raise UsageError(
            f"{NOW_ENV}={frozen!r} is not an ISO-8601 time (e.g. 2025-03-01T09:00:00Z)"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=DB_ENV,
    show_envvar=True,
    help=f"The review store (default: {default_db()}).",
)


def _scope(vault: Vault, paths: Sequence[Path]) -> SyncScope:
    """What the notes read cover, for retiring the cards that left them."""
    folders: list[str] = []
    for path in paths or (Path("notes"),):
        resolved = path.expanduser().resolve()
        if resolved.is_dir():
            try:
                rel = resolved.relative_to(vault.root).as_posix()
            except ValueError:
                continue
            folders.append("" if rel == "." else rel)
    read = frozenset(note.rel_path for note in vault.notes)
    unreadable = frozenset(p.path for p in vault.problems) - read
    return SyncScope(str(vault.root), read, tuple(folders), unreadable)


def _matches(card: Card, decks: Sequence[str], tags: Sequence[str]) -> bool:
    def under(value: str, wanted: str) -> bool:
        value, wanted = value.casefold(), wanted.casefold()
        return value == wanted or value.startswith(wanted + "::")

    if decks and not any(under(card.deck, d) for d in decks):
        return False
    return not tags or any(under(t, w.lstrip("#")) for t in card.tags for w in tags)


def _load(
    paths: Sequence[Path], store: Store, now: datetime
) -> tuple[tuple[Card, ...], SyncScope, str]:
    """Read the notes, extract their cards and sync them into the store."""
    vault = open_vault(paths)
    warn(vault.problems)
    result = extract_vault(vault.notes, config=vault.config)
    warn(result.problems)
    scope = _scope(vault, paths)
    plan = sync(store, result.cards, scope, now=now)
    return result.cards, scope, plan.summary()


@click.command()
@paths_argument
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.MIXED.value,
    show_default=True,
    help="flip: reveal and rate; type: type the answer; choice: pick among 4; mixed: per card.",
)
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(min=0),
    default=DEFAULT_NEW_PER_DAY,
    show_default=True,
    help="New cards per day.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many answers.")
@click.option("--deck", multiple=True, help="Only this deck (and its subdecks); repeatable.")
@click.option("--tag", multiple=True, help="Only cards with this tag; repeatable.")
@click.option("--cram", is_flag=True, help="Practise every card, hardest first; no rescheduling.")
@db_option
@click.option(
    "--retention",
    type=click.FloatRange(0.7, 0.99),
    default=DEFAULT_RETENTION,
    show_default=True,
    help="Desired chance of recalling a card when it comes due.",
)
@click.option("--seed", type=int, hidden=True, help="Seed for option order (tests).")
@click.option("--no-fuzz", is_flag=True, hidden=True, help="Exact FSRS intervals (tests).")
def quiz(  # noqa: PLR0917 - click passes every option as an argument
    paths: tuple[Path, ...],
    mode: str,
    new_per_day: int,
    limit: int | None,
    deck: tuple[str, ...],
    tag: tuple[str, ...],
    cram: bool,
    db: Path | None,
    retention: float,
    seed: int | None,
    no_fuzz: bool,
) -> None:
    """Review the cards of the notes in PATHS (default: ./notes) that are due today.

    Due cards come first (the ones you are closest to forgetting), then new cards in note
    order. Rate each answer 1 Again, 2 Hard, 3 Good, 4 Easy; q, Ctrl-C or Ctrl-D stop.
    Every answer is saved at once.

    \b
    Examples:
      quizgen quiz
      quizgen quiz notes/Réseaux --mode type --limit 20
      quizgen quiz --deck "Réseaux::DHCP" --cram
    """
    now = clock()
    console = make_console()
    rng = random.Random(seed)
    if seed is not None:
        random.seed(seed)  # py-fsrs fuzzes intervals with the global generator
    with Store.open(db or default_db()) as store:
        cards, _scope_read, changes = _load(paths, store, now)
        chosen = [c for c in cards if _matches(c, deck, tag)]
        console.print(f"[dim]Notes synced: {changes}.[/dim]")
        if (deck or tag) and not chosen:
            raise UsageError("no card matches --deck/--tag")
        session = Session(
            store,
            chosen,
            scheduler=Scheduler(retention=retention, fuzz=not no_fuzz),
            now=now,
            today=day_start(now, local_zone()),
            mode=Mode(mode),
            new_per_day=new_per_day,
            limit=limit,
            cram=cram,
            pool=cards,
            rng=rng,
        )
        QuizUI(session, console=console, keys=Keys(sys.stdin), clock=clock).run()


@click.command()
@paths_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--all", "whole", is_flag=True, help="The whole store; do not read any notes.")
@db_option
def stats(paths: tuple[Path, ...], fmt: str, whole: bool, db: Path | None) -> None:
    """Show how the review of the notes in PATHS (default: ./notes) is going.

    Cards by state, what comes due, true retention (the share of mature cards recalled),
    a forecast of the next two weeks and a heatmap of past reviews.

    \b
    Examples:
      quizgen stats
      quizgen stats notes/ --format json
      quizgen stats --all
    """
    now = clock()
    if whole and paths:
        raise UsageError("--all reads no notes: give either PATHS or --all")
    with Store.open(db or default_db()) as store:
        ids: list[str] | None = None
        if not whole:
            cards, scope, _changes = _load(paths, store, now)
            retired = [
                c.id for c in store.cards_in(scope.vault).values()
                if c.retired and scope.covers(c.path)
            ]  # fmt: skip
            ids = [c.id for c in cards] + retired
        result = collect_stats(store, ids, now=now, today=day_start(now, local_zone()))
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_stats(result, make_console())
