"""The review engine on real notes and a real store: sync, order, limits, cram, stats."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs  # the reference: our numbers must be py-fsrs's
import pytest

from quizgen.extract import extract_vault
from quizgen.model import Card, CardKind
from quizgen.review.distractors import choices
from quizgen.review.scheduler import Memory, Rating, Scheduler, State
from quizgen.review.session import (
    Mode,
    Session,
    SyncScope,
    collect_stats,
    day_start,
    pick_mode,
    plan_sync,
    sync,
)
from quizgen.review.store import Store
from quizgen.vault import load_vault

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = day_start(NOW, UTC)

NOTE = """# Réseaux

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

WriteNote = Callable[[str, str], Path]


def read(folder: Path) -> tuple[tuple[Card, ...], SyncScope]:
    vault = load_vault(folder)
    cards = extract_vault(vault.notes, config=vault.config).cards
    scope = SyncScope(str(vault.root), frozenset(n.rel_path for n in vault.notes), ("",))
    return cards, scope


@pytest.fixture
def vault(write_note: WriteNote) -> Path:
    return write_note("Réseaux.md", NOTE).parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "reviews.sqlite3")


def by_question(cards: tuple[Card, ...], text: str) -> Card:
    return next(c for c in cards if text in c.question)


def session(store: Store, cards: tuple[Card, ...], now: datetime = NOW, **kw: object) -> Session:
    return Session(
        store,
        cards,
        scheduler=Scheduler(fuzz=False),
        now=now,
        today=day_start(now, UTC),
        rng=random.Random(0),
        **kw,  # type: ignore[arg-type]
    )


def answer_all(s: Session, rating: Rating, now: datetime) -> list[str]:
    asked = []
    while (prompt := s.next(now)) is not None:
        asked.append(prompt.card.id)
        s.answer(prompt, rating, now=now)
    return asked


# ---------------------------------------------------------------- scheduling


def test_scheduler_agrees_with_py_fsrs_exactly() -> None:
    ours = Scheduler(fuzz=False, retention=0.85)
    ref = fsrs.Scheduler(desired_retention=0.85, enable_fuzzing=False)
    card_id = "00ff00ff00ff00ff"
    memory = Memory()
    ref_card = fsrs.Card(card_id=int(card_id, 16), due=NOW)
    at = NOW
    for rating, gap in [
        (Rating.GOOD, 0),
        (Rating.GOOD, 10 * 60),
        (Rating.AGAIN, 3 * 86400),
        (Rating.HARD, 600),
        (Rating.EASY, 9 * 86400),
    ]:
        at += timedelta(seconds=gap)
        memory = ours.review(memory, rating, now=at, card_id=card_id)
        ref_card, _ = ref.review_card(ref_card, fsrs.Rating(int(rating)), at)
        assert memory.due == ref_card.due
        assert memory.stability == ref_card.stability
        assert memory.difficulty == ref_card.difficulty
        assert int(memory.state) == int(ref_card.state)
        assert ours.retrievability(memory, at + timedelta(days=3)) == pytest.approx(
            ref.get_card_retrievability(ref_card, at + timedelta(days=3))
        )


def test_scheduler_wants_utc() -> None:
    with pytest.raises(ValueError, match="UTC"):
        Scheduler().review(Memory(), Rating.GOOD, now=datetime(2026, 1, 1), card_id="0" * 16)


def test_day_starts_at_four_local_time() -> None:
    late = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
    assert day_start(late, UTC) == datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    assert day_start(NOW, UTC) == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


# ---------------------------------------------------------------- sync


def test_sync_adds_then_says_no_change(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    plan = sync(store, cards, scope, now=NOW)
    assert len(plan.added) == len(cards) > 5
    assert plan.summary() == f"{len(cards)} cards: {len(cards)} new"
    again = sync(store, cards, scope, now=NOW)
    assert again.summary() == f"{len(cards)} cards, no change"


def test_edited_answer_keeps_the_card_and_its_history(
    vault: Path, store: Store, write_note: WriteNote
) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    tcp = by_question(cards, "TCP")
    s = session(store, cards)
    prompt = s.next(NOW)
    while prompt is not None and prompt.card.id != tcp.id:
        prompt = s.next(NOW)
    assert prompt is not None
    s.answer(prompt, Rating.GOOD, now=NOW)
    before = store.memory(tcp.id)

    write_note("Réseaux.md", NOTE.replace("fiable orienté connexion", "fiable, avec connexion"))
    edited, scope = read(vault)
    plan = sync(store, edited, scope, now=NOW + timedelta(hours=1))
    protocols = next(c for c in edited if c.kind is CardKind.LIST and "TCP" in c.answer)
    assert {c.id for c in plan.changed} == {tcp.id, protocols.id}  # its list changed too
    assert not plan.added and not plan.retired
    assert store.memory(tcp.id) == before  # schedule kept
    assert len(store.reviews(tcp.id)) == 1  # reviews kept
    [(when, question, answer)] = store.history(tcp.id)  # old wording kept
    assert (when, answer) == (NOW + timedelta(hours=1), "protocole fiable orienté connexion")
    assert question == tcp.question
    stored = store.card_text(tcp.id)
    assert stored is not None and stored.answer == "protocole fiable, avec connexion"


def test_renamed_concept_is_a_new_card_and_the_old_one_retires(
    vault: Path, store: Store, write_note: WriteNote
) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    arp = by_question(cards, "ARP")
    write_note("Réseaux.md", NOTE.replace("- ARP :", "- NDP :"))
    renamed, scope = read(vault)
    plan = sync(store, renamed, scope, now=NOW)
    ndp = by_question(renamed, "NDP")
    assert [c.id for c in plan.added] == [ndp.id]
    assert arp.id in plan.retired
    assert store.is_retired(arp.id)
    assert arp.id not in {p.card.id for p in _all_prompts(store, renamed)}
    assert "1 new" in plan.summary() and "retired" in plan.summary()
    # Back in the notes: the card comes back with its schedule.
    write_note("Réseaux.md", NOTE)
    back, scope = read(vault)
    plan = sync(store, back, scope, now=NOW)
    assert arp.id in plan.revived and not store.is_retired(arp.id)


def _all_prompts(store: Store, cards: tuple[Card, ...]) -> list:  # type: ignore[type-arg]
    s = session(store, cards, new_per_day=1000)
    out = []
    while (p := s.next(NOW)) is not None:
        out.append(p)
        s.answer(p, Rating.EASY, now=NOW)
    return out


def test_sync_of_one_note_leaves_other_notes_alone(
    vault: Path, store: Store, write_note: WriteNote
) -> None:
    write_note("Autre.md", "# Autre\n- Octet : 8 bits\n- Mot : 16 bits\n")
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    only = vault / "Réseaux.md"
    one = load_vault(only)
    one_cards = extract_vault(one.notes, config=one.config).cards
    narrow = SyncScope(str(one.root), frozenset(n.rel_path for n in one.notes))
    plan = sync(store, one_cards, narrow, now=NOW)
    assert not plan.retired


def test_unreadable_note_keeps_its_cards(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    broken = replace(scope, notes=frozenset(), unreadable=frozenset({"Réseaux.md"}))
    assert not plan_sync(store.cards_in(), (), broken).retired
    assert plan_sync(store.cards_in(), (), scope).retired


# ---------------------------------------------------------------- order and limits


def test_new_cards_in_note_order_within_the_daily_limit(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    s = session(store, cards, new_per_day=3)
    assert (s.due_count, s.new_count) == (0, 3)
    asked = answer_all(s, Rating.EASY, NOW)
    assert asked == [c.id for c in cards[:3]]
    # Later the same day: the day's 3 new cards are used up.
    later = session(store, cards, now=NOW + timedelta(hours=2), new_per_day=3)
    assert later.new_count == 0 and later.next(NOW + timedelta(hours=2)) is None
    # The next day, 3 more.
    tomorrow = session(store, cards, now=NOW + timedelta(days=1), new_per_day=3)
    assert tomorrow.new_count == 3


def test_due_cards_first_lowest_retrievability_first(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    first, second, third = cards[:3]
    scheduler = Scheduler(fuzz=False)
    # Three review cards: the same stability, reviewed longer and longer ago.
    for card, days_ago in ((first, 20), (second, 40), (third, 30)):
        at = NOW - timedelta(days=days_ago)
        store.record_answer(
            card.id,
            Rating.EASY,
            now=at,
            review=lambda m, at=at, c=card: scheduler.review(m, Rating.EASY, now=at, card_id=c.id),
        )
    s = session(store, cards, new_per_day=2)
    assert (s.due_count, s.new_count) == (3, 2)
    order = [p.card.id for p in iter(lambda: _next_and_answer(s), None)]
    assert order[:3] == [second.id, third.id, first.id]
    assert order[3:] == [c.id for c in cards[3:5]]


def _next_and_answer(s: Session) -> object:
    prompt = s.next(NOW)
    if prompt is not None:
        s.answer(prompt, Rating.EASY, now=NOW)
    return prompt


def test_limit_stops_the_session(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    assert len(answer_all(session(store, cards, limit=2), Rating.GOOD, NOW)) == 2


def test_learning_cards_come_back_in_the_session(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    s = session(store, cards, new_per_day=1)
    first = s.next(NOW)
    assert first is not None
    s.answer(first, Rating.AGAIN, now=NOW)  # due again in 1 minute
    later = NOW + timedelta(minutes=2)
    again = s.next(later)
    assert again is not None and again.card.id == first.card.id
    s.answer(again, Rating.GOOD, now=later)  # next step: 10 minutes, within learn-ahead
    p = s.next(later)
    assert p is not None and p.card.id == first.card.id
    s.answer(p, Rating.GOOD, now=later)  # graduates: days away
    assert s.next(later) is None
    summary = s.summary(later)
    assert (summary.reviewed, summary.correct, summary.new) == (3, 2, 1)
    assert summary.next_due is not None and summary.next_due >= later + timedelta(days=1)


def test_card_answered_by_another_session_is_skipped(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    a = session(store, cards, new_per_day=2)
    b = session(store, cards, new_per_day=2)
    answer_all(a, Rating.EASY, NOW)
    assert b.next(NOW) is None  # both of b's cards were answered by a


def test_cram_asks_hardest_first_and_keeps_the_schedule(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    s = session(store, cards, new_per_day=3)
    ratings = {cards[0].id: Rating.EASY, cards[1].id: Rating.AGAIN, cards[2].id: Rating.GOOD}
    for _ in range(3):
        p = s.next(NOW)
        assert p is not None
        s.answer(p, ratings[p.card.id], now=NOW)
    schedule = {c.id: store.memory(c.id) for c in cards}
    cram = session(store, cards, cram=True)
    order = answer_all(cram, Rating.AGAIN, NOW)
    assert order[:3] == [cards[1].id, cards[2].id, cards[0].id]  # hardest first
    assert order[3:] == [c.id for c in cards[3:]]  # then the unseen, in note order
    assert {c.id: store.memory(c.id) for c in cards} == schedule
    assert all(entry[3] for entry in store.reviews(cards[1].id)[1:])  # logged as cram


# ---------------------------------------------------------------- modes and choices


def test_choices_come_from_siblings_and_never_repeat_the_answer(vault: Path) -> None:
    cards, _ = read(vault)
    tcp = by_question(cards, "TCP")
    for seed in range(20):
        choice = choices(tcp, cards, rng=random.Random(seed))
        assert choice is not None
        assert choice.options[choice.correct] == tcp.answer
        assert len(set(choice.options)) == 4
        siblings = {c.answer for c in cards if c.context == tcp.context}
        assert set(choice.options) <= siblings


def test_no_choice_without_enough_siblings(write_note: WriteNote) -> None:
    folder = write_note("Seul.md", "# Seul\n- Octet : 8 bits\n- Mot : 16 bits\n").parent
    cards, _ = read(folder)
    octet = by_question(cards, "Octet")
    assert choices(octet, cards, rng=random.Random(0)) is None
    assert pick_mode(octet, Mode.CHOICE, choice=None) is Mode.FLIP


def test_mixed_mode_types_short_answers_and_short_lists(vault: Path) -> None:
    cards, _ = read(vault)
    ports = next(c for c in cards if c.kind is CardKind.LIST and "ports" in c.question.lower())
    assert pick_mode(ports, Mode.MIXED, choice=None) is Mode.TYPE
    arp = by_question(cards, "ARP")
    choice = choices(arp, cards, rng=random.Random(0))
    assert pick_mode(arp, Mode.MIXED, choice=choice) is Mode.CHOICE  # a long answer
    assert pick_mode(arp, Mode.MIXED, choice=None) is Mode.FLIP
    assert pick_mode(arp, Mode.TYPE, choice=choice) is Mode.TYPE


# ---------------------------------------------------------------- stats


def test_stats_count_states_due_and_true_retention(vault: Path, store: Store) -> None:
    cards, scope = read(vault)
    sync(store, cards, scope, now=NOW)
    scheduler = Scheduler(fuzz=False)

    def review(card: Card, rating: Rating, at: datetime) -> None:
        store.record_answer(
            card.id,
            rating,
            now=at,
            review=lambda m: scheduler.review(m, rating, now=at, card_id=card.id),
        )

    start = NOW - timedelta(days=30)
    for card in cards[:3]:
        review(card, Rating.EASY, start)  # -> review state, due in some days
    for card, rating in zip(cards[:3], (Rating.GOOD, Rating.AGAIN, Rating.HARD), strict=True):
        review(card, rating, NOW - timedelta(minutes=5))  # mature: 2 of 3 recalled
    stats = collect_stats(store, [c.id for c in cards], now=NOW, today=TODAY)
    data = stats.to_dict()
    assert data["cards"] == len(cards)
    assert data["new"] == len(cards) - 3
    assert data["relearning"] == 1 and data["review"] == 2
    assert data["reviews"] == 6
    assert data["retention"] == pytest.approx(2 / 3, abs=1e-4)
    assert data["due_now"] == 0 and data["due_today"] == 1  # relearning: in 10 minutes
    assert stats.forecast[0] == 1 and data["due_week"] == 1  # the others: weeks away
    assert data["heatmap"] == {"2026-01-31": 3, "2026-03-02": 3}
    assert set(data) >= {
        "cards", "new", "learning", "review", "relearning", "retired",
        "due_now", "due_today", "reviews", "retention",
    }  # fmt: skip
    assert collect_stats(store, None, now=NOW, today=TODAY).to_dict()["cards"] == len(cards)


def test_memory_state_labels() -> None:
    assert [s.label for s in State] == ["new", "learning", "review", "relearning"]
    assert Memory().is_due(NOW) is False
