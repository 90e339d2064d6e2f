"""Card ids come from structural anchors: edits that keep the concept keep the id.

Each test edits the seed note one way and compares the ids of the cards before and after.
"""

from __future__ import annotations

from pathlib import Path

from quizgen.config import Config
from quizgen.extract import extract_cards
from quizgen.model import Card, Note
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def cards_of(text: str, config: Config | None = None) -> list[Card]:
    note = Note(path=Path("/vault/Virtualisation des Serveurs.md"),
                rel_path="Virtualisation des Serveurs.md", text=text)  # fmt: skip
    return list(extract_cards(note, config=config).cards)


def ids_of(text: str, config: Config | None = None) -> set[str]:
    return {c.id for c in cards_of(text, config)}


def card_about(cards: list[Card], question_part: str) -> Card:
    matches = [c for c in cards if question_part in c.question]
    assert len(matches) == 1, [c.question for c in matches]
    return matches[0]


def edit(old: str, new: str, text: str = SEED_TEXT) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_ids_are_deterministic_and_unique() -> None:
    first, second = cards_of(SEED_TEXT), cards_of(SEED_TEXT)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


def test_editing_an_answer_keeps_every_id() -> None:
    assert ids_of(edit("Type 1 : ESXI", "Type 1 : ESXi 8 (VMware)")) == ids_of(SEED_TEXT)


def test_fixing_a_typo_in_an_answer_keeps_every_id() -> None:
    fixed = edit("sur la machine physiqe pour", "sur la machine physique pour")
    fixed = edit(
        "le faite d'executer plusierus machines", "le fait d'exécuter plusieurs machines", fixed
    )
    assert ids_of(fixed) == ids_of(SEED_TEXT)


def test_rewording_templates_keeps_every_id() -> None:
    config = Config(
        templates={"fr": {"list": "Énumérez : {parent} ({n})", "definition": "Définir {subject}"}}
    )
    before, after = cards_of(SEED_TEXT), cards_of(SEED_TEXT, config)
    assert [c.question for c in before] != [c.question for c in after]
    assert {c.id for c in before} == {c.id for c in after}


def test_reordering_bullets_keeps_every_id() -> None:
    swapped = edit(
        "\t\t\t\t* Hyper Threading \n\t\t\t\t* Turbo Boost\n",
        "\t\t\t\t* Turbo Boost\n\t\t\t\t* Hyper Threading \n",
    )
    type1 = "\t* Type 1 : Bare Metal  \n"
    type2 = "\t* Type 2 : Hébergé\n\t\t* logiciel qui s'installe et s'execute\n"
    swapped = edit(type1 + type2, type2 + type1, swapped)
    assert swapped != SEED_TEXT
    assert ids_of(swapped) == ids_of(SEED_TEXT)


def test_inserting_a_card_above_keeps_the_others() -> None:
    inserted = edit(
        "# Virtualisation des Serveurs\n",
        "# Virtualisation des Serveurs\n* Un conteneur est une instance isolée d'une image\n",
    )
    before, after = ids_of(SEED_TEXT), ids_of(inserted)
    assert before < after
    assert len(after - before) == 1


def test_renaming_the_concept_makes_a_new_card() -> None:
    before = cards_of(SEED_TEXT)
    renamed = cards_of(edit("* Hypervisor\n", "* Hyperviseur natif\n"))
    old = card_about(before, "Hypervisor : citez")
    new = card_about(renamed, "Hyperviseur natif : citez")
    assert old.id != new.id
    assert old.id not in {c.id for c in renamed}
    # Cards about other concepts are untouched.
    untouched = card_about(before, "Multi-processeur : citez")
    assert untouched.id in {c.id for c in renamed}


def test_moving_a_note_to_another_folder_keeps_ids() -> None:
    here = Note(path=Path("/v/a.md"), rel_path="Virtualisation des Serveurs.md", text=SEED_TEXT)
    there = Note(
        path=Path("/v/x/a.md"), rel_path="S5/Virtualisation des Serveurs.md", text=SEED_TEXT
    )
    config = Config(course="Cloud")  # same deck either way: only the folder moved
    assert {c.id for c in extract_cards(here, config=config).cards} == {
        c.id for c in extract_cards(there, config=config).cards
    }
