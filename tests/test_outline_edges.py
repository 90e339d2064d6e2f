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
