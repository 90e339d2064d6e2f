"""The real `quizgen quiz` in a pseudo-terminal, driven by pexpect as a student would use it.

New cards come in note order, so the test knows which card is on screen from the note's
extraction. The clock is frozen with QUIZGEN_NOW; fuzzing is off so the due dates are FSRS's.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from quizgen.extract import extract_vault
from quizgen.model import Card
from quizgen.review.grading import expected_items
from quizgen.review.scheduler import Memory, Rating, Scheduler, State
from quizgen.review.store import Store
from quizgen.vault import load_vault

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

NOTE = """# Réseaux :

## Protocoles
- TCP : protocole fiable orienté connexion
- UDP : protocole sans connexion
- ICMP : messages de contrôle et d'erreur
- ARP : résolution d'adresses IP en adresses MAC

## Ports
Les ports courants :
- HTTP
- HTTPS
- SSH
"""

_SGR = r"(?:\x1b\[[0-9;]*m)*"  # a real terminal gets colours and styles between the words


def screen(text: str) -> re.Pattern[str]:
    """`text` as it appears on the terminal, whatever styles surround its characters."""
    return re.compile(_SGR.join(re.escape(ch) for ch in text))


FLIP = screen("Enter show the answer")
RATE = screen("1 Again · 2 Hard · 3 Good · 4 Easy")
OPTION = r"(?:\s|\x1b\[[0-9;]*m)*([a-d])\) " + _SGR + r"(.*?)" + _SGR + r"\r\n"
CHOOSE = re.compile(OPTION * 4)
TYPE_ONE = screen("Type your answer")
TYPE_LIST = screen("Type one per line")
OVER = screen("Session over")
NEXT = screen("next review")

WriteNote = Callable[[str, str], Path]


@pytest.fixture
def vault(write_note: WriteNote) -> Path:
    return write_note("Réseaux.md", NOTE).parent


@pytest.fixture
def cards(vault: Path) -> tuple[Card, ...]:
    loaded = load_vault(vault)
    return extract_vault(loaded.notes, config=loaded.config).cards


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "reviews.sqlite3"


@pytest.fixture
def run(vault: Path, db: Path) -> Iterator[Callable[..., pexpect.spawn]]:
    children: list[pexpect.spawn] = []

    def start(*args: str, now: datetime = NOW) -> pexpect.spawn:
        env = {
            **os.environ,
            "QUIZGEN_DB": str(db),
            "QUIZGEN_NOW": now.isoformat(),
            "TZ": "UTC",
            "TERM": "xterm-256color",
            "COLUMNS": "80",
            "LINES": "40",
        }
        child = pexpect.spawn(
            sys.executable,
            ["-m", "quizgen", "quiz", str(vault), "--no-fuzz", *args],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 80),
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.kill(signal.SIGKILL)


def finish(child: pexpect.spawn) -> str:
    child.expect(OVER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return re.sub(r"\x1b\[[0-9;]*m", "", str(child.before))  # the summary, without styles


def flip(child: pexpect.spawn, rating: Rating) -> None:
    child.expect(FLIP)
    child.send("\r")
    child.expect(RATE)
    child.send(str(int(rating)))
    child.expect(NEXT)


def memory(db: Path, card: Card) -> Memory | None:
    with Store.open(db) as store:
        return store.memory(card.id)


def reviews(db: Path) -> list[tuple[str, int, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT card_id, rating, mode FROM reviews ORDER BY id").fetchall()
    finally:
        con.close()


def test_flip_quit_and_come_back_days_later(run: Callable[..., pexpect.spawn], cards, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--mode", "flip", "--new", "4")
    child.expect(screen("Notes synced: 7 cards: 7 new"))
    child.expect(screen("Card 1/4 · 0 due · 4 new"))
    flip(child, Rating.EASY)
    flip(child, Rating.EASY)
    child.expect(FLIP)
    child.send("q")  # quit mid-session
    out = finish(child)
    assert "Reviewed  2 (2 new)" in out and "Correct   100%" in out

    # The answered cards are scheduled as FSRS says; the others are still new.
    fsrs = Scheduler(fuzz=False)
    for card in cards[:2]:
        expected = fsrs.review(Memory(), Rating.EASY, now=NOW, card_id=card.id)
        assert memory(db, card) == expected
        assert expected.due is not None and expected.due > NOW + timedelta(days=1)
    assert all(memory(db, c) == Memory() for c in cards[2:])

    # Same day: the 2 answered cards are not due; 2 new cards remain of the day's 4.
    child = run("--mode", "flip", "--new", "4")
    child.expect(screen("Notes synced: 7 cards, no change"))
    child.expect(screen("Card 1/2 · 0 due · 2 new"))
    child.send("q")
    finish(child)

    # Days later the answered cards come due, before any new card.
    due = max(m.due for m in (memory(db, c) for c in cards[:2]) if m and m.due)
    child = run("--mode", "flip", "--new", "0", now=due + timedelta(hours=1))
    child.expect(screen("Card 1/2 · 2 due · 0 new"))
    flip(child, Rating.GOOD)
    flip(child, Rating.GOOD)
    finish(child)
    assert [r[0] for r in reviews(db)][2:] != []
    assert all(memory(db, c).state is State.REVIEW for c in cards[:2])  # type: ignore[union-attr]


def test_type_mode_grades_items_and_proposes_a_rating(run, cards, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--mode", "type", "--new", "3")
    # 1. "Réseaux: what are the 2 parts?" - both given, with an accent left out.
    assert expected_items(cards[0]) == ("Protocoles", "Ports")
    child.expect(TYPE_LIST)
    child.sendline("protocoles")
    child.sendline("PORTS")
    child.sendline("")
    child.expect(screen("✓ Correct"))
    child.expect(screen("Enter: 3 Good"))
    child.send("\r")  # accept the proposal
    child.expect(NEXT)
    # 2. The 4 protocols: 2 given, 2 missed and shown.
    child.expect(TYPE_LIST)
    child.sendline("tcp; udp")
    child.sendline("")
    child.expect(screen("Partly right"))
    child.expect(screen("✗ ICMP"))
    child.expect(screen("Missed 2"))
    child.expect(screen("Enter: 2 Hard"))
    child.send("\r")
    child.expect(NEXT)
    # 3. "que désigne « TCP » ?" with a typo, overridden to Easy.
    child.expect(TYPE_ONE)
    child.sendline("protocole fiabel oriente connexion")
    child.expect(screen("Correct, with a typo"))
    child.expect(screen("Enter: 3 Good"))
    child.send("4")
    child.expect(NEXT)
    child.expect(TYPE_LIST)  # the first card again: 10 minutes is within learn-ahead
    child.sendline("q")
    finish(child)
    assert reviews(db) == [
        (cards[0].id, Rating.GOOD, "type"),
        (cards[1].id, Rating.HARD, "type"),
        (cards[2].id, Rating.EASY, "type"),
    ]


def test_choice_mode_offers_siblings_and_falls_back_to_flip(run, cards, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--mode", "choice", "--new", "4")
    flip(child, Rating.GOOD)  # a list card: no choices, asked as flip
    flip(child, Rating.GOOD)
    for wrong in (False, True):
        card = cards[2 + int(wrong)]
        child.expect(CHOOSE)
        options = [child.match.group(i) for i in range(2, 9, 2)]
        assert card.answer in options and len(set(options)) == 4
        right = "abcd"[options.index(card.answer)]
        pick = next(x for x in "abcd" if x != right) if wrong else right
        child.expect(screen("Choose a/b/c/d"))
        child.send(pick)
        child.expect(screen("the answer is" if wrong else "✓ Correct"))
        child.expect(screen("Enter: 1 Again" if wrong else "Enter: 3 Good"))
        child.send("\r")
        child.expect(NEXT)
    child.expect([FLIP, screen("Choose a/b/c/d")])  # learning cards coming back
    child.send("q")
    finish(child)
    assert [(r[1], r[2]) for r in reviews(db)] == [
        (Rating.GOOD, "flip"),
        (Rating.GOOD, "flip"),
        (Rating.GOOD, "choice"),
        (Rating.AGAIN, "choice"),
    ]


def test_mixed_mode_picks_per_card(run, cards, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--new", "3")  # mixed is the default
    child.expect(TYPE_LIST)  # short list: typed
    child.sendline("protocoles, ports")
    child.sendline("")
    child.expect(screen("Enter: 3 Good"))
    child.send("\r")
    child.expect(TYPE_LIST)
    child.send("\x04")  # Ctrl-D while typing: leave cleanly
    finish(child)
    assert len(reviews(db)) == 1


def test_ctrl_c_leaves_cleanly_with_a_summary(run, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--mode", "flip")
    flip(child, Rating.GOOD)
    child.expect(FLIP)
    child.sendintr()
    out = finish(child)
    assert "Traceback" not in out
    assert "Reviewed  1 (1 new)" in out
    assert len(reviews(db)) == 1


def test_killed_mid_session_loses_nothing_answered(run, cards, db) -> None:  # type: ignore[no-untyped-def]
    child = run("--mode", "flip", "--new", "5")
    for rating in (Rating.GOOD, Rating.AGAIN, Rating.EASY):
        flip(child, rating)  # returns once the answer is acknowledged on screen
    child.expect(FLIP)
    child.kill(signal.SIGKILL)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert reviews(db) == [
        (cards[0].id, Rating.GOOD, "flip"),
        (cards[1].id, Rating.AGAIN, "flip"),
        (cards[2].id, Rating.EASY, "flip"),
    ]
    assert memory(db, cards[2]).state is State.REVIEW  # type: ignore[union-attr]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    # And the store opens and carries on.
    child = run("--mode", "flip", "--new", "5")
    child.expect(screen("no change"))
    child.send("q")
    finish(child)


def test_nothing_due_says_when_next(run, vault) -> None:  # type: ignore[no-untyped-def]
    child = run("--new", "0")
    out = finish(child)
    assert "Reviewed  nothing" in out
