"""Grading typed answers: French and English, accents, typos, punctuation, lists."""

from __future__ import annotations

import pytest

from quizgen.model import Card, CardKind, SourceRef
from quizgen.review.grading import (
    Verdict,
    compact,
    core_answer,
    grade,
    grade_items,
    grade_text,
    normalize,
    split_entries,
)
from quizgen.review.scheduler import Rating


def make_card(answer: str, *, kind: CardKind = CardKind.BASIC, items: tuple[str, ...] = ()) -> Card:
    return Card(
        id="0" * 16,
        kind=kind,
        question="?",
        answer=answer,
        question_html="?",
        answer_html=answer,
        context=(),
        deck="d",
        tags=(),
        source=SourceRef("n.md", 1),
        lang="fr",
        rule="term",
        items=items,
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("heberge", "Hébergé"),  # accents
        ("HÉBERGÉ", "hébergé"),  # case
        ("VirtualBox", "Virtual Box"),  # spacing
        ("virtual-box", "VirtualBox"),  # punctuation
        ("oeuvre", "Œuvre"),  # ligature
        ("coeur", "cœur"),
        ("l'hôte", "l’hôte"),  # typographic apostrophe
        ("mémoire", "la mémoire"),  # leading article (fr)
        ("kernel", "the kernel"),  # leading article (en)
        ("255.0.0.0", "255.0.0.0 (/8)"),  # a parenthesised remark is optional
        ("Gateway", "Passerelle / Gateway"),  # either alternative
        ("connectionless!", "connectionless"),
    ],
)
def test_same_answer_in_another_form_is_correct(given: str, expected: str) -> None:
    result = grade_text(given, expected)
    assert result.verdict is Verdict.CORRECT
    assert result.proposed is Rating.GOOD


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("hyperviseurs", "hyperviseur"),
        ("hypervisr", "hyperviseur"),
        ("virtualisaton", "virtualisation"),
        ("retransmision", "retransmission"),
        ("datagarm", "datagram"),  # transposition
        ("Offre", "Offer"),
    ],
)
def test_a_typo_is_close_and_still_good(given: str, expected: str) -> None:
    result = grade_text(given, expected)
    assert result.verdict is Verdict.CLOSE
    assert result.proposed is Rating.GOOD


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("TCP", "UDP"),
        ("IP", "IO"),  # short answers allow no typo
        ("192.168.0.0/24", "192.168.0.0/16"),  # numbers must be exact
        ("port 80", "port 443"),
        ("Type 1", "Type 2"),
        ("", "Hébergé"),
        ("   ", "Hébergé"),
        ("mitose", "méiose"),
    ],
)
def test_wrong_answers_are_wrong(given: str, expected: str) -> None:
    result = grade_text(given, expected)
    assert result.verdict is Verdict.WRONG
    assert result.proposed is Rating.AGAIN


def test_long_answer_graded_on_its_key_words() -> None:
    expected = "un identifiant logique de 32 bits attribué a une interface réseau."
    close = grade_text("identifiant logique de 32 bits attribue à une interface reseau", expected)
    assert close.verdict >= Verdict.CLOSE
    partial = grade_text("identifiant de 32 bits d'une interface", expected)
    assert partial.verdict is Verdict.PARTIAL
    assert partial.proposed is Rating.HARD
    assert grade_text("un protocole de routage", expected).verdict is Verdict.WRONG
    # the right words with the wrong number are not right
    assert grade_text(
        "identifiant logique de 64 bits attribué interface réseau", expected
    ).verdict < (Verdict.CLOSE)


def test_normal_forms() -> None:
    assert normalize("  L’Œuvre   d'Art ! ") == "oeuvre d art"
    assert compact("Virtual Box") == compact("virtualbox") == "virtualbox"


def test_core_answer_leaves_out_detail_lines() -> None:
    card = make_card("ESXi\n- installé sans OS\n- type 1")
    assert core_answer(card) == "ESXi"
    assert grade(card, "esxi").verdict is Verdict.CORRECT


def test_list_graded_item_by_item_with_misses_shown() -> None:
    items = (
        "Discover : le client envoie un broadcast",
        "Offer : le serveur propose une adresse",
        "Request : le client demande l'adresse",
        "Acknowledge : le serveur confirme",
    )
    card = make_card("\n".join(f"- {i}" for i in items), kind=CardKind.LIST, items=items)
    result = grade(card, ["discover", "offre; request", "nack"])
    assert [i.verdict.passed for i in result.items] == [True, True, True, False]
    assert result.items[1].given == "offre"
    assert result.missed == ("Acknowledge : le serveur confirme",)
    assert result.extra == ("nack",)
    assert result.verdict is Verdict.PARTIAL
    assert result.proposed is Rating.HARD
    assert result.score == pytest.approx(0.75)


def test_list_all_items_in_any_order_is_good() -> None:
    items = ("HTTP", "HTTPS", "SSH")
    result = grade_items("ssh, https\nhttp", items)
    assert result.verdict is Verdict.CORRECT
    assert result.proposed is Rating.GOOD
    assert not result.missed


def test_an_entry_counts_for_one_item_only() -> None:
    # "HTTP" is close to both HTTP and HTTPS: typed once, it fills one of them.
    result = grade_items(["http"], ("HTTP", "HTTPS"))
    assert [i.given for i in result.items] == ["http", ""]
    assert result.missed == ("HTTPS",)


def test_exact_match_wins_over_fuzzy_one() -> None:
    result = grade_items(["https", "http"], ("HTTP", "HTTPS"))
    assert [i.given for i in result.items] == ["http", "https"]
    assert result.verdict is Verdict.CORRECT


def test_list_in_english_with_heads_only() -> None:
    items = (
        "Prophase: chromosomes condense",
        "Metaphase: chromosomes line up",
        "Anaphase: chromatids separate",
        "Telophase: nuclei reform",
    )
    result = grade_items("prophase\nmetafase\nanaphase\ntelophase", items)
    assert result.verdict is Verdict.CLOSE  # one typo
    assert result.proposed is Rating.GOOD
    assert grade_items("", items).verdict is Verdict.WRONG


def test_multi_gap_cloze_is_graded_gap_by_gap() -> None:
    card = make_card("mitose; méiose", kind=CardKind.CLOZE)
    assert grade(card, "mitose; meiose").verdict is Verdict.CORRECT
    assert grade(card, "mitose").verdict is Verdict.PARTIAL


def test_split_entries_strips_bullets_and_numbers() -> None:
    assert split_entries("- a\n2. b; c,d\n\n") == ["a", "b", "c", "d"]
