"""Any text is a note: it yields cards or warnings, never an exception.

Property tests (hypothesis) over arbitrary text and over Markdown-ish text built from the pieces
students really write, plus pathological inputs: very deep nesting and a 5 MB note.

Set QUIZGEN_SLOW_TESTS=1 to also run the slow variants (a 10,000-deep tab-indented list, which
is 50 MB of tabs; more hypothesis examples).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen import markup
from quizgen.config import Config, Separators
from quizgen.extract import extract_cards
from quizgen.mermaid import flowchart_tree, parse_flowchart
from quizgen.model import Card, NodeKind, Note
from quizgen.outline import (
    MAX_LINE_DEPTH,
    _admonitions_as_callouts,
    _ruled_tables,
    parse_note,
    walk,
)

SLOW = bool(os.environ.get("QUIZGEN_SLOW_TESTS"))
slow = pytest.mark.skipif(not SLOW, reason="slow: set QUIZGEN_SLOW_TESTS=1 to run")

PROPERTY = settings(
    max_examples=400 if SLOW else 60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of real notes: markers, separators, inline markup, blocks. Joined at random they make
# text that reaches every rule and every branch of the outline builder.
FRAGMENTS = [
    "* ", "- ", "+ ", "1. ", "2) ", "\t", "    ", "  ", "# ", "## ", "###### ", "#", "> ",
    ">", "> [!tip] ", "> [!note]- ", "[!tip]", "::", ":::", "?", "??", " : ", ": ", " - ",
    " = ", "==x==", "==", "**", "*", "_", "__", "~~", "`", "```", "{{c1::x}}", "{{c2::y::hint}}",
    "[[a|b]]", "[[Note#Heading|alias]]", "[[", "]]", "![[i.png]]", "![[i.png|300]]",
    "![alt](img/x.png)", "[t](https://e.org)", "https://example.org/x", "$", "$$", "$x^2$",
    "$$\\frac{a}{b}$$", "\\", "```mermaid\ngraph TD\nA-->B\n```", "```mermaid\ngraph LR\n",
    "A[Start] --> B{Ok?}\n", "B -->|yes| C((End))\n", "C --> A\n", "```\n", "```python\n",
    "|a|b|\n|-|-|\n|c|d|", "| x | y |\n", "|---|---|\n", "<!--SR:x-->",
    "<!--SR:!2025-07-16,30,230-->", "<!--", "-->", "Term : def", "Term: def", "**Term**: def",
    "**Term** - def", "Term = def", "Error Correction Code (ECC)", "ECC (Error Correction Code)",
    "X est un Y", "X is a Y", "X permet de Y", "X allows Y", "On appelle X un Y", "n'est pas",
    "c'est", "it is", "10:30", "std::vector", "Note : ", "Remarque : ", "->", "|>", "=>", "→",
    "---", "***", "\n", "\n", "\n", "\n\n", "\r\n", " ", "\u00a0", "\u202f", "é", "Œ", "漢字",
    "\ufeff", "\x00", "Course: [[X]]", "Date: 06-10-2021", "Tags: #a #b", "#tag", "^block-id",
    "[^1]", "<b>", "</b>", "<script>alert(1)</script>", "<br>", "&amp;", "Hypervisor",
    "Type 1", "4 étapes :", "There are two types:", "3. During which phase?", "A?", "word",
    "```ad-note\n", "~~~~ad-tip\n", "title: X\n", "collapse: open\n", "~~~~\n", "!!! note\n",
    "a | b\n", "-----\n", "=====\n", "^abc123\n", "// vim: set ft=md:\n",
    '<div class="alert" markdown="1">\n', "</div>\n", "<details>\n<summary>S</summary>\n",
    "\n\n$$\nE = mc^2\n$$\n",
]  # fmt: skip

markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map(
    "".join
)

any_text = st.text(max_size=400)
notes = st.one_of(any_text, markdownish)


def note_of(text: str, name: str = "Note.md") -> Note:
    return Note(path=Path("/vault") / name, rel_path=name, text=text)


def check_cards(cards: tuple[Card, ...]) -> None:
    for card in cards:
        assert card.question.strip(), card
        assert card.answer.strip(), card
        assert card.question_html.strip(), card
        assert card.answer_html.strip(), card
        assert card.source.line >= 0
        assert card.rule
    ids = [card.id for card in cards]
    assert len(ids) == len(set(ids)), ids


# ---------------------------------------------------------------- properties of the pipeline


@PROPERTY
@given(text=notes)
def test_any_text_parses_and_extracts(text: str) -> None:
    outline = parse_note(text, path="Note.md")
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))  # CR is a line end too
    for node, _ancestors in walk(outline.root):
        assert 0 <= node.line <= lines + 1, node
    extraction = extract_cards(note_of(text), outline=outline)
    check_cards(extraction.cards)
    for problem in extraction.problems:
        assert problem.path == "Note.md"
        assert problem.message


@PROPERTY
@given(text=markdownish, name=st.sampled_from(["Note.md", "Cours/Chapitre 1.md", "x y/é.md"]))
def test_markdownish_text_in_every_configuration(text: str, name: str) -> None:
    configs = [
        Config(lang="fr"),
        Config(
            lang="en",
            separators=Separators(inline="", inline_reversed="", multiline="", bold_cloze=True),
            dataview_fields=False,
        ),
    ]
    for config in configs:
        check_cards(extract_cards(note_of(text, name), config=config).cards)


@PROPERTY
@given(text=notes)
def test_extraction_is_deterministic(text: str) -> None:
    first = extract_cards(note_of(text)).cards
    second = extract_cards(note_of(text)).cards
    assert first == second


@PROPERTY
@given(body=markdownish)
def test_front_matter_of_any_shape_is_a_warning_at_most(body: str) -> None:
    text = f"---\n{body}\n---\n# Cell\n* Mitochondria : powerhouse of the cell\n"
    extraction = extract_cards(note_of(text))
    check_cards(extraction.cards)


# ---------------------------------------------------------------- markup


@PROPERTY
@given(text=notes)
def test_markup_functions_never_raise_and_mask_keeps_offsets(text: str) -> None:
    plain = markup.to_plain(text)
    assert isinstance(plain, str)
    html = markup.to_html(text)
    assert isinstance(html, str)
    masked = markup.mask(text)
    assert len(masked) == len(text)
    for original, hidden in zip(text, masked, strict=True):
        assert hidden in (original, markup.MASK)
    for span in markup.spans(text):
        assert 0 <= span.start <= span.body_start <= span.body_end <= span.end <= len(text)


SCRIPTS = ["<script>alert(1)</script>", "<SCRIPT src=x>", "<script", "<ScRiPt>", "<script\n>"]


@PROPERTY
@given(
    before=markdownish,
    script=st.sampled_from(SCRIPTS),
    after=markdownish,
    wrap=st.sampled_from(["{}", "**{}**", "=={}==", "[[{}]]", "[{}](https://x)", "{{{{c1::{}}}}}"]),
)
def test_html_from_a_note_is_always_escaped(
    before: str, script: str, after: str, wrap: str
) -> None:
    text = before + wrap.format(script) + after
    assert "<script" not in markup.to_html(text).lower()
    extraction = extract_cards(note_of(f"# T\n* Danger : {text}\n* {text}\n\t* child\n"))
    for card in extraction.cards:
        assert "<script" not in card.question_html.lower()
        assert "<script" not in card.answer_html.lower()


# ---------------------------------------------------------------- mermaid

mermaid_ids = st.sampled_from(["A", "B", "C", "D", "n1", "é", "_x", "1"])
mermaid_shapes = st.sampled_from(["", "[{}]", "({})", "{{{}}}", "(({}))", "[[{}]]", '["{}"]'])
mermaid_edges = st.sampled_from(
    ["-->", "---", "-.->", "==>", "--o", " --> ", "-->|yes|", "-- text -->", " & ", "->"]
)
mermaid_labels = st.sampled_from(["Label", "a (b)", "x<br>y", "#quot;q#quot;", "", "]", "{", "|"])


@st.composite
def flowcharts(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["graph TD", "flowchart LR", "graph", "graph TD;", "GRAPH bt"]))
    lines = [header]
    for _ in range(draw(st.integers(0, 12))):
        parts: list[str] = []
        for n in range(draw(st.integers(1, 4))):
            if n:
                parts.append(draw(mermaid_edges))
            shape = draw(mermaid_shapes)
            parts.append(draw(mermaid_ids) + (shape.format(draw(mermaid_labels)) if shape else ""))
        lines.append(draw(st.sampled_from(["", "  ", "\t"])) + "".join(parts))
    lines.extend(draw(st.lists(st.sampled_from(["%% c", "subgraph S", "end", "style A x"]))))
    return "\n".join(lines)


@PROPERTY
@given(source=st.one_of(flowcharts(), st.text(max_size=200)))
def test_mermaid_never_raises(source: str) -> None:
    chart = parse_flowchart(source)
    if chart is None:
        return
    forest = flowchart_tree(chart)
    ids = set(chart.labels)
    stack = list(forest)
    while stack:
        node = stack.pop()
        assert node.id in ids
        stack.extend(node.children)
    # and as part of a note
    check_cards(extract_cards(note_of(f"# Chart\n```mermaid\n{source}\n```\n")).cards)


@pytest.mark.parametrize(
    "source",
    [
        "graph TD\nA-->A",
        "graph TD\nA-->B\nB-->A",
        "graph TD\nA-->B-->C-->A",
        "graph LR\nA-->B & C\nB & C-->A\nC-->B",
        "graph TD\n" + "\n".join(f"N{i}-->N{(i * 7 + 3) % 50}" for i in range(50)),
    ],
    ids=["self-loop", "two-cycle", "three-cycle", "dense", "random-50"],
)
def test_mermaid_cycles_are_harmless(source: str) -> None:
    chart = parse_flowchart(source)
    assert chart is not None
    forest = flowchart_tree(chart)
    seen: list[str] = []
    stack = list(forest)
    while stack:
        node = stack.pop()
        if not node.ref:
            seen.append(node.id)
        stack.extend(node.children)
    assert sorted(seen) == sorted(chart.labels)  # every node expanded exactly once
    check_cards(extract_cards(note_of(f"# Chart\n```mermaid\n{source}\n```\n")).cards)


def test_a_long_mermaid_chain_is_cut_not_crashed() -> None:
    source = "graph TD\n" + "\n".join(
        f"N{i}[Step {i}]-->N{i + 1}[Step {i + 1}]" for i in range(3000)
    )
    forest = flowchart_tree(parse_flowchart(source))  # type: ignore[arg-type]
    assert forest
    check_cards(extract_cards(note_of(f"# Chain\n```mermaid\n{source}\n```\n")).cards)


# ---------------------------------------------------------------- deep nesting


def deepest(text: str) -> int:
    outline = parse_note(text)
    return max((len(ancestors) for _node, ancestors in walk(outline.root)), default=0)


def test_10000_nested_bullets_on_one_line() -> None:
    # `- - - - x` opens a list inside a list item at every marker: 10,000 levels of nesting in
    # 20 KB of text (indented forms need n²/2 characters of indentation).
    text = "# Deep\n" + "- " * 10_000 + "bottom\n* Alpha : first letter\n"
    outline = parse_note(text, path="Deep.md")
    assert any("nesting" in p.message for p in outline.problems)
    extraction = extract_cards(note_of(text, "Deep.md"), outline=outline)
    check_cards(extraction.cards)


def test_2000_nested_tab_indented_bullets() -> None:
    text = "".join("\t" * i + f"* Level {i} : meaning {i}\n" for i in range(2000))
    extraction = extract_cards(note_of(text))
    assert any("nesting" in p.message for p in extraction.problems)
    check_cards(extraction.cards)
    assert any("Level 10" in c.question for c in extraction.cards)  # the shallow part still counts


@slow
@pytest.mark.parametrize("indent", ["\t", "  "], ids=["tabs", "spaces"])
def test_10000_nested_indented_bullets(indent: str) -> None:
    text = "".join(indent * i + f"- Level {i} : meaning {i}\n" for i in range(10_000))
    extraction = extract_cards(note_of(text))
    check_cards(extraction.cards)
    assert any("Level 10" in c.question for c in extraction.cards)


def test_10000_nested_quotes() -> None:
    text = (
        "# Q\n" + ">" * 10_000 + " deep\n\n" + "".join(">" * i + f" q{i}\n" for i in range(1, 600))
    )
    check_cards(extract_cards(note_of(text)).cards)


def test_10000_child_marker_lines() -> None:
    text = "Top\n" + "".join(f"-> x{i}\n|> y{i}\n" for i in range(5000))
    check_cards(extract_cards(note_of(text)).cards)


def test_a_paragraph_indented_300_levels() -> None:
    text = "Intro\n" + "".join("\t" * i + f"line {i}\n" for i in range(1, 300))
    check_cards(extract_cards(note_of(text)).cards)
    # Lines nest by indentation, up to a bound past which they are siblings.
    assert MAX_LINE_DEPTH <= deepest(text) <= MAX_LINE_DEPTH + 2


def test_a_paragraph_indented_1000_levels() -> None:
    text = "Intro\n" + "".join("\t" * i + f"line {i}\n" for i in range(1, 1000))
    check_cards(extract_cards(note_of(text)).cards)


# ---------------------------------------------------------------- a 5 MB note

WORDS = [
    "the", "cell", "membrane", "protein", "energy", "and", "its", "nucleus", "contains", "genetic",
    "material", "which", "la", "cellule", "est", "une", "unité", "de", "base", "du", "vivant",
    "dont", "le", "noyau", "contient",
]  # fmt: skip


def big_note(size: int, *, dense: bool = False, seed: int = 7) -> str:
    """`size` characters of sections: terms, lists, definition sentences, explicit cards and long
    prose lines; `dense` puts unbalanced markup (`**`, `==`, `$`, backticks) all over the prose."""
    rng = random.Random(seed)
    vocabulary = [*WORDS, "**", "==", "$", "`", "a : b"] if dense else WORDS
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        prose = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(50, 400)))
        section = (
            f"## Section {n}\n"
            f"* Term{n} : definition number {n}, with **bold** and ==highlight== and $x_{n}$\n"
            f"\t* detail {n} [[Link {n}|alias]]\n"
            f"* Concept {n}\n\t* first part\n\t* second part\n"
            f"Le concept {n} est une idée importante du cours.\n"
            f"Q{n}::A{n}\n"
            f"{prose}.\n\n"
        )
        parts.append(section)
        total += len(section)
    return "".join(parts)


def markup_line(length: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return "".join(
        rng.choice(["**", "==", "$", "x ", "`", "[[", "]]", ": "]) for _ in range(length)
    )


def check_big_note(text: str) -> None:
    extraction = extract_cards(note_of(text))
    check_cards(extraction.cards)
    assert len(extraction.cards) > 1000
    # cards come from the whole note, not only its beginning
    assert max(c.source.line for c in extraction.cards) > text.count("\n") * 0.9


@pytest.mark.parametrize("size", [1_000_000, 5_000_000], ids=["1MB", "5MB"])
def test_a_big_note(size: int) -> None:
    # The 5 MB note runs every time (about 3 s per MB); the markup-dense variant below
    # is the slow one.
    long_line = markup_line(size // 50)
    text = big_note(size - len(long_line)) + "# Long\n" + long_line + "\n"
    assert len(text.encode()) >= size
    check_big_note(text)


@slow
def test_a_5mb_note_dense_with_markup() -> None:
    long_line = markup_line(600_000)
    text = big_note(5_000_000 - len(long_line), dense=True) + "# Long\n" + long_line + "\n"
    check_big_note(text)


MARKERS = ["**", "==", "$", "$a", "[[", "`", "::"]


# A line of 10,000 `[[` takes ~2 s: each opener is tried against every bounded inline pattern.
@pytest.mark.parametrize("size", [10_000, pytest.param(1_000_000, marks=slow)], ids=str)
@pytest.mark.parametrize("marker", MARKERS)
def test_a_long_line_of_one_marker(marker: str, size: int) -> None:
    line = marker * (size // len(marker))
    text = f"# T\n* Term : {line}\n{line}\n"
    check_cards(extract_cards(note_of(text)).cards)


def test_the_fragments_reach_every_node_kind_and_the_main_rules() -> None:
    # A guard against vacuous property tests: random joins of the fragments (what `markdownish`
    # draws) make every kind of outline node and cards from the main rules.
    rng = random.Random(0)
    kinds: set[NodeKind] = set()
    rules: set[str] = set()
    wanted_kinds = set(NodeKind) - {NodeKind.DOCUMENT}
    wanted_rules = {"term", "explicit", "table", "acronym"}
    for _ in range(1000):  # stops as soon as all are seen (a few hundred joins)
        text = "".join(rng.choice(FRAGMENTS) for _ in range(60))
        kinds |= {node.kind for node, _ in walk(parse_note(text).root)}
        rules |= {card.rule for card in extract_cards(note_of(text)).cards}
        if kinds == wanted_kinds and wanted_rules <= rules:
            break
    assert kinds == wanted_kinds
    assert wanted_rules <= rules


@PROPERTY
@given(text=markdownish)
def test_admonition_rewrite_keeps_every_line_where_it_was(text: str) -> None:
    """Card sources point at the note's lines: the rewrite of ```ad-note blocks into callouts
    must keep their number, and leave text without such blocks alone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rewritten = _admonitions_as_callouts(text)
    assert rewritten.count("\n") == text.count("\n")
    if "ad-" not in text:
        assert rewritten == text
    ruled = _ruled_tables(text)  # the other rewrite made before parsing
    assert ruled.count("\n") == text.count("\n")
    if "|" not in text:
        assert ruled == text


def test_admonition_blocks_are_read_as_callouts() -> None:
    text = (
        "# Cinétique\n\n"
        "```ad-note\ntitle: Catalyseur\ncollapse: open\n"
        "Un catalyseur est une espèce qui accélère une réaction sans être consommée.\n```\n\n"
        "```ad-tip\n"  # never closed: code to the end, as CommonMark reads it
        "Un tampon est une solution dont le pH varie peu.\n"
    )
    cards = extract_cards(note_of(text)).cards
    by_question = {c.question: c for c in cards}
    card = by_question["Qu'est-ce qu'un catalyseur ?"]
    assert card.context == ("Cinétique", "Catalyseur")
    assert card.source.line == 6
    assert not any("tampon" in c.question.lower() for c in cards)


def test_a_ruled_plain_text_table_is_a_table_and_front_matter_stays_front_matter() -> None:
    text = (
        "---\ntitle: TCP | UDP\ntags: [net]\n---\n# Monnaie\n\n"
        "forme | émetteur\n-----------------\nfiduciaire | banque centrale\nscripturale | banques\n"
    )
    outline = parse_note(text)
    assert outline.meta.tags == ("net",)
    tables = [node for node, _ in walk(outline.root) if node.kind is NodeKind.TABLE]
    assert [row[0] for row in tables[0].rows] == ["forme", "fiduciaire", "scripturale"]
    headings = [node.text for node, _ in walk(outline.root) if node.kind is NodeKind.HEADING]
    assert headings == ["Monnaie"]
