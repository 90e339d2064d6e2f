"""Edge cases a review of the outline's newer readings found: each once lost or merged cards."""

from __future__ import annotations

from pathlib import Path

from quizgen.extract import extract_cards
from quizgen.model import Card, NodeKind, Note
from quizgen.outline import parse_note, walk


def cards_of(text: str) -> list[Card]:
    return list(extract_cards(Note(path=Path("/v/n.md"), rel_path="n.md", text=text)).cards)


def lines_of(text: str) -> list[str]:
    return [n.text for n, _ in walk(parse_note(text).root) if n.kind is NodeKind.LINE]


def test_a_lone_double_dollar_does_not_swallow_the_paragraph() -> None:
    assert len(lines_of("# M\n\nUse `$$` to open display math\nLine two.\nLine three.\n")) == 3
    assert len(lines_of("# M\n\nIt costs $$$\nLine two.\n")) == 2
    # while a formula opened mid-line is one line, whatever its rows
    assert len(lines_of("# M\n\nOn obtient $$\\begin{align}\nP = 1 \\\\\n\\end{align}$$\n")) == 1


def test_a_list_under_a_quoted_name_keeps_its_card() -> None:
    text = '# P\n\n"Big Five" personality traits:\n- Openness\n- Conscientiousness\n- Neuroticism\n'
    assert any(c.rule == "list" for c in cards_of(text))


def test_a_glossary_right_under_the_title_is_not_metadata() -> None:
    glossary = cards_of("# OOP\nClass: a blueprint for objects.\nObject: an instance of a class.\n")
    assert len([c for c in glossary if c.rule == "term"]) == 2
    dated = cards_of(
        "# Registers\nType: Lectures\nDate: October 10th 2024\n\n## EAX\n- EAX - acc\n"
    )
    assert not any("Lectures" in c.answer or "2024" in c.answer for c in dated)


def test_code_blocks_are_not_rewritten() -> None:
    code = "# C\n\n```\na | b\n-----\n1 | 2\n```\n"
    assert [n.text for n, _ in walk(parse_note(code).root) if n.kind is NodeKind.CODE] == [
        "a | b\n-----\n1 | 2\n"
    ]
    example = "# C\n\n````markdown\n```ad-note\nbody\n```\n````\n"
    codes = [n.text for n, _ in walk(parse_note(example).root) if n.kind is NodeKind.CODE]
    assert codes == ["```ad-note\nbody\n```\n"]


def test_an_html_tag_over_two_lines_does_not_leak() -> None:
    text = (
        '# D\n\n<div class="alert"\n     markdown="1">\nLe contrat est la loi des parties.\n'
        "</div>\n"
    )
    assert lines_of(text) == ["Le contrat est la loi des parties."]


def test_knowledge_that_sounds_like_logistics_or_a_modeline_keeps_its_card() -> None:
    rent = cards_of("# Law\n\nRent is due on the first day of each month under a lease.\n")
    assert rent
    vim = cards_of("# Editors\n- vim: a modal text editor derived from vi\n- emacs: an editor\n")
    assert any("vim" in c.question for c in vim)


def test_a_line_ending_on_so_on_is_finished() -> None:
    assert lines_of("# T\n\nApples, pears and so on\nThe tree grows slowly.\n") == [
        "Apples, pears and so on",
        "The tree grows slowly.",
    ]


# A second review, of the third field-test session's readings (formulas opened mid-line, pasted
# front matter, examples, quotations, generic titles): each case once lost or distorted cards.


def test_dollars_in_code_do_not_glue_a_list_into_one_line() -> None:
    text = "# Shell\n\nLa variable `$$` contient le PID.\n- `$?` : code retour\n- `$!` : PID\n"
    items = [n for n, _ in walk(parse_note(text).root) if n.kind is NodeKind.ITEM]
    assert len(items) == 2
    fenced = (
        "# Shell\n\nLe PID est dans `$$` :\n\n```bash\necho $$\n```\n\n"
        "- Un processus est un programme.\n"
    )
    assert any(c.rule == "definition" for c in cards_of(fenced))


def test_a_formula_opened_in_a_quote_loses_the_quote_markers() -> None:
    text = "# Gauss\n\n> Le flux s'écrit $$\n> \\Phi = \\oint E \\cdot dS\n> $$\n"
    assert not any(">" in line for line in lines_of(text) if "Phi" in line)


def test_only_real_front_matter_is_skipped_mid_note() -> None:
    books = "# Livres\n\nCandide\n---\nAuthor: Voltaire\nDate: 1759\nGenre: conte\n"
    assert any("Voltaire" in c.answer for c in cards_of(books))
    pasted = '# N\n\nText.\n\n+++\ntitle = "PLSC"\ndate = "2023-04-10"\n+++\n\n- Fact: a real one\n'
    assert not any("PLSC" in c.answer or "2023" in c.answer for c in cards_of(pasted))


def test_a_preposition_that_is_a_verb_is_still_found() -> None:
    cards = cards_of("# Cellule\n\nLe sodium entre dans la cellule par les canaux sodiques.\n")
    assert not any(c.question.startswith("Qu'est-ce que Cellule") for c in cards)


def test_possessive_terms_and_impersonal_conditions_keep_their_cards() -> None:
    blood = cards_of("# Sang\n\n## Hémoglobine\n\n- Sa fonction : transporter le dioxygène.\n")
    assert any("dioxygène" in c.answer for c in blood)
    insulin = "# Glucose\n\nQuand il y a un excès de glucose, le pancréas sécrète de l'insuline.\n"
    assert any(c.rule == "condition" for c in cards_of(insulin))


def test_a_study_tip_that_states_a_fact_is_kept() -> None:
    cards = cards_of("# Dérivées\n\nRemarque : retenir que la dérivée de ln x est 1/x.\n")
    assert any("1/x" in c.answer for c in cards)


def test_an_acronym_in_brackets_is_no_author() -> None:
    text = "# Genetics\n\n- Genetic information is stored in deoxyribonucleic acid. (DNA)\n"
    assert not any(c.rule == "quotation" for c in cards_of(text))


def test_one_line_under_a_generic_title_is_not_its_definition() -> None:
    text = "# Diabetes\n\n## Symptoms\n\n- Loss of appetite\n"
    assert not any(c.rule == "definition" for c in cards_of(text))


def test_a_label_heading_or_a_remark_is_not_what_a_sentence_defines() -> None:
    example = "# Insuffisance cardiaque\n\n## Exemple\nCas d'un patient de 70 ans essoufflé.\n"
    assert not any(c.rule == "definition" for c in cards_of(example))
    remark = "# Bloom\n\n## Remarque\n\nC'est une idée qui revient souvent dans les examens.\n"
    assert not any(c.rule == "definition" for c in cards_of(remark))


def test_well_defined_is_not_well() -> None:
    text = (
        "# Maths\n\n## Well-defined\n\n- A function is well-defined when an input has one output.\n"
    )
    assert not any("Well?" in c.question for c in cards_of(text))


def test_a_paragraph_between_two_lists_keeps_them_apart() -> None:
    text = (
        "# Droit\n\n## Vices\n\n* L'erreur : une représentation inexacte.\n* Le dol : une"
        " manœuvre.\n\nCes vices sont sanctionnés différemment.\n\n* La nullité : une sanction.\n"
    )
    assert any("2 " in c.question for c in cards_of(text) if c.rule == "list")


def test_a_question_heading_is_answered_even_if_it_opens_with_so() -> None:
    text = (
        "# Light\n\n## So why is the sky blue?\n\n- Short wavelengths scatter more\n- Blue most\n"
    )
    assert any(c.rule == "question" for c in cards_of(text))


def test_a_lowercase_sentence_after_a_formula_is_not_cut() -> None:
    text = "# E\n\n- L'énergie :\n  $$E = mc^2$$ à condition que la particule soit au repos.\n"
    assert not any(c.answer.startswith("à condition") for c in cards_of(text))
    assert len(lines_of(text)) <= 1


def test_while_in_bold_is_part_of_the_gap() -> None:
    text = "# Python\n\nA loop is written with a **while loop** and its body is indented.\n"
    assert any(c.answer == "while loop" for c in cards_of(text) if c.rule == "emphasis")


def test_pathological_titles_and_asides_stay_fast() -> None:
    # regexes once quadratic on long runs of spaces: each of these must parse at once
    for text in ("# " + " " * 20000 + "x\n- a\n- b\n", "- word (" + " " * 20000 + "etc.)\n"):
        cards_of(text)
