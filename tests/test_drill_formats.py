"""Drill formats, each read back by something independent: gift-pegjs for GIFT, a real headless
Chromium (PDF and PNG, text extracted with poppler's pdftotext) for HTML, xml.etree for Moodle
XML, the csv module, and the .xlsx package parts for Kahoot."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.drill import (
    Drill,
    MediaFinder,
    QuestionType,
    RenderOptions,
    compose,
    render,
)
from quizgen.drill.formats.kahoot import ANSWER_CHARS, HEADER, QUESTION_CHARS, TIME_LIMITS
from quizgen.extract import extract_vault
from quizgen.vault import load_vault

REPO = Path(__file__).resolve().parent.parent
JS = REPO / "tests" / "js"
WriteNote = Callable[[str, str], Path]
# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

TRICKY = """\
---
course: Escapes/Tests
---
# Tricky

## Specials
What is a{b}c? :: x = y ~ z # w
Where is Colon:thing? :: back\\slash and 50% off
Which braces? :: {1:SHORTANSWER:=no} stays text
What is the discount? :: %50% is not a weight

## Cloze
The set {a} costs ==10/20 ~ 5#== euros.

## Danger
- Script : the text <script>alert(1)</script> must stay text
- Compare : a < b and c > d & "e"
- Ampersand : Q&A && more

## Picture
What does this diagram show? ![[pic.png]] :: the three-way handshake
Which layer? :: transport
Which protocol? :: TCP
Which port? :: 443

## Words
- Alpha : the first letter of the greek alphabet
- Beta : the second letter of the greek alphabet
- Gamma : the third letter of the greek alphabet
- Delta : the fourth letter of the greek alphabet
"""


def _drill(path: Path, **kwargs: object) -> tuple[Drill, Path]:
    vault = load_vault(path)
    cards = extract_vault(vault.notes, config=vault.config).cards
    return compose(cards, **kwargs), vault.root  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def bundled() -> Drill:
    return _drill(REPO / "notes", n=40, seed=42, versions=2)[0]


@pytest.fixture
def tricky(write_note: WriteNote) -> tuple[Drill, RenderOptions]:
    path = write_note("Tricky.md", TRICKY)
    (path.parent / "pic.png").write_bytes(PIXEL)
    drill, root = _drill(path.parent, n=40, seed=3)
    return drill, RenderOptions(media=MediaFinder(root))


def _squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- GIFT, read by gift-pegjs


def _parse_gift(data: bytes, tmp_path: Path) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the GIFT read-back needs node and gift-pegjs")
    if not (JS / "node_modules" / "gift-pegjs").is_dir():
        pytest.skip("gift-pegjs is not installed: run `npm install` in tests/js (as .ci/run does)")
    file = tmp_path / "drill.gift"
    file.write_bytes(data)
    done = subprocess.run([node, str(JS / "parse_gift.js"), str(file)], capture_output=True,
                          text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    parsed: list[dict[str, object]] = json.loads(done.stdout)
    return parsed


def _gift_text(value: object) -> str:
    assert isinstance(value, dict)
    return _squash(html.unescape(str(value["text"])).replace("<br>", "\n"))


@pytest.mark.parametrize("which", ["bundled", "tricky"])
def test_gift_survives_an_independent_parser(
    which: str, bundled: Drill, tricky: tuple[Drill, RenderOptions], tmp_path: Path
) -> None:
    drill = bundled if which == "bundled" else tricky[0]
    parsed = _parse_gift(render(drill, "gift").data, tmp_path)
    categories = [q["title"] for q in parsed if q["type"] == "Category"]
    questions = [q for q in parsed if q["type"] != "Category"]
    assert len(questions) == len(drill.pool)
    assert all(str(c).startswith("$course$/top/") for c in categories)
    expected_type = {
        QuestionType.MCQ: "MC",
        QuestionType.TRUEFALSE: "TF",
        QuestionType.CLOZE: "Short",
    }
    for question, got in zip(drill.pool, questions, strict=True):
        kind = "Essay" if question.open else expected_type.get(question.type, "Short")
        assert got["type"] == kind, question.prompt
        stem = _gift_text(got["stem"])
        if any(question.gap):
            blank = re.compile(r"\s*_____\s*")  # gift-pegjs puts spaces around the blank
            wanted = _squash(f"{question.gap[0]}_____{question.gap[1]}")
            assert blank.sub("_____", stem) == blank.sub("_____", wanted)
        else:
            assert stem.startswith(_squash(question.prompt)), (stem, question.prompt)
        if question.proposed:
            assert _squash(question.proposed) in stem
        if question.type is QuestionType.MCQ:
            choices = got["choices"]
            assert isinstance(choices, list)
            assert [_gift_text(c["text"]) for c in choices] == [
                _squash(o) for o in question.options
            ]
            assert [c["isCorrect"] for c in choices].index(True) == question.correct
        elif question.type is QuestionType.TRUEFALSE:
            assert got["isTrue"] is question.truth
        elif kind == "Short":
            choices = got["choices"]
            assert isinstance(choices, list)
            assert [_gift_text(c["text"]) for c in choices] == [
                _squash(a) for a in question.accepted
            ]
        else:
            assert _squash(question.answer) == _gift_text(got["globalFeedback"]).replace(
                "<br>", " "
            )


def test_gift_escapes_every_special_character(tricky: tuple[Drill, RenderOptions]) -> None:
    text = render(tricky[0], "gift").data.decode("utf-8")
    assert "$CATEGORY: $course$/top/Escapes//Tests/Tricky" in text
    assert r"x \= y \~ z \# w" in text
    assert r"back\\slash" in text
    assert "Colon\\:thing" in text
    assert "&\\#37;50%" in text  # a leading % would read as a weight


# ---------------------------------------------------------------- HTML, in a real browser


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium on this machine (CI installs Debian's chromium)")


def _browser(page: Path, tmp_path: Path, *args: str) -> None:
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext from poppler-utils; a form feed ends each page)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True, timeout=60)  # fmt: skip
    return [_squash(page) for page in done.stdout.decode("utf-8").split("\f")][:-1]


def test_html_prints_in_a_real_browser(bundled: Drill, tmp_path: Path) -> None:
    page = tmp_path / "drill.html"
    page.write_bytes(render(bundled, "html").data)
    pdf, png = tmp_path / "drill.pdf", tmp_path / "drill.png"
    _browser(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    _browser(page, tmp_path, f"--screenshot={png}", "--window-size=900,1300")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a blank page compresses to almost nothing
    pages = _pdf_pages(pdf)
    assert len(pages) >= 4  # two versions, two keys
    everything = " ".join(pages)
    for version in bundled.versions:
        for question in version.questions:
            shown = question.gap[0] if any(question.gap) else question.prompt
            assert _squash(shown)[:40] in everything, shown
    # Each key starts a page of its own, after every sheet.
    key_title = bundled.labels["answer_key"]
    key_pages = [i for i, text in enumerate(pages) if text.startswith(key_title)]
    assert len(key_pages) == len(bundled.versions)
    assert not any(key_title in text for text in pages[: key_pages[0]])
    # A question is never split: its prompt and all its options are on one page.
    for question in bundled.versions[0].questions:
        if question.type is QuestionType.MCQ and not any(question.gap):
            holder = [t for t in pages if _squash(question.prompt)[:40] in t]
            assert holder, question.prompt
            assert all(_squash(o)[:30] in holder[0] for o in question.options), question.prompt


def test_html_escapes_note_content_and_embeds_images(
    tricky: tuple[Drill, RenderOptions], tmp_path: Path
) -> None:
    drill, options = tricky
    text = render(drill, "html", options).data.decode("utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "data:image/png;base64," + base64.b64encode(PIXEL).decode() in text
    page = tmp_path / "tricky.html"
    page.write_text(text, encoding="utf-8")
    pdf = tmp_path / "tricky.pdf"
    _browser(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert "<script>alert(1)</script>" in " ".join(_pdf_pages(pdf))  # shown, not run


def test_html_paper_and_fields(bundled: Drill) -> None:
    letter = render(bundled, "html", RenderOptions(paper="letter")).data.decode("utf-8")
    assert "size: letter" in letter
    a4 = render(bundled, "html").data.decode("utf-8")
    assert "size: A4" in a4
    assert a4.count('class="page sheet"') == 2 and a4.count('class="page key"') == 2
    for label in ("name", "class", "date", "score"):
        assert html.escape(bundled.labels[label]) in a4


# ---------------------------------------------------------------- Moodle XML


def test_moodle_xml_structure(tricky: tuple[Drill, RenderOptions]) -> None:
    drill, options = tricky
    root = ET.fromstring(render(drill, "moodle-xml", options).data)
    assert root.tag == "quiz"
    questions = root.findall("question")
    kinds = Counter(q.get("type") for q in questions)
    assert kinds["category"] >= 1
    assert sum(v for k, v in kinds.items() if k != "category") == len(drill.pool)
    for question in questions:
        kind = question.get("type")
        if kind == "category":
            assert question.findtext("category/text", "").startswith("$course$/top/")
            continue
        assert question.findtext("name/text")
        assert question.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        answers = question.findall("answer")
        if kind == "multichoice":
            assert len(answers) == 4
            assert [a.get("fraction") for a in answers].count("100") == 1
            assert question.findtext("single") == "true"
        elif kind == "truefalse":
            assert sorted(a.findtext("text", "") for a in answers) == ["false", "true"]
        elif kind == "shortanswer":
            assert answers and all(a.get("fraction") == "100" for a in answers)
        elif kind == "cloze":
            assert "{1:SHORTANSWER:=" in question.findtext("questiontext/text", "")
        else:
            assert kind == "essay"
            assert question.findtext("graderinfo/text")
    texts = " ".join(q.findtext("questiontext/text", "") for q in questions)
    assert "<script>" not in texts
    files = root.findall(".//questiontext/file")
    assert [f.get("name") for f in files] == ["pic.png"]
    assert base64.b64decode(files[0].text or "") == PIXEL
    assert "@@PLUGINFILE@@/pic.png" in texts


def test_moodle_xml_cloze_escapes_answers(write_note: WriteNote) -> None:
    path = write_note("Tricky.md", TRICKY)
    drill, _ = _drill(path.parent, n=3, seed=1, types=[QuestionType.CLOZE])
    assert [q.answer for q in drill.pool] == ["10/20 ~ 5#"]
    root = ET.fromstring(render(drill, "moodle-xml").data)
    text = root.findtext(".//question[@type='cloze']/questiontext/text", "")
    assert r"{1:SHORTANSWER:=10\/20 \~ 5\#}" in text
    assert "&#123;a&#125;" in text  # braces around the gap are not embedded answers


# ---------------------------------------------------------------- CSV, Kahoot, Markdown


def test_csv_is_term_definition(bundled: Drill) -> None:
    text = render(bundled, "csv").data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(bundled.pool) == len(text.splitlines())
    assert all(len(row) == 2 and all(cell.strip() for cell in row) for row in rows)


def _xlsx_rows(data: bytes) -> dict[int, dict[str, str]]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert {"[Content_Types].xml", "xl/workbook.xml"} <= set(archive.namelist())
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows: dict[int, dict[str, str]] = {}
    for row in sheet.iterfind(".//m:row", ns):
        cells = {}
        for cell in row.iterfind("m:c", ns):
            column = re.sub(r"\d", "", cell.get("r", ""))
            cells[column] = cell.findtext("m:is/m:t", None, ns) or cell.findtext("m:v", "", ns)
        rows[int(row.get("r", "0"))] = cells
    return rows


def test_kahoot_respects_its_limits(bundled: Drill) -> None:
    out = render(bundled, "kahoot")
    rows = _xlsx_rows(out.data)
    header = rows[8]
    assert [header.get(c, "") for c in "ABCDEFGH"] == list(HEADER)
    questions = [cells for r, cells in sorted(rows.items()) if r > 8]
    assert questions
    assert len(questions) + sum(out.left_out.values()) == len(bundled.pool)
    assert out.left_out["short questions"] == sum(
        q.type is QuestionType.SHORT for q in bundled.pool
    )
    for number, cells in enumerate(questions, 1):
        assert cells["A"] == str(number)
        assert 0 < len(cells["B"]) <= QUESTION_CHARS
        answers = [cells.get(c, "") for c in "CDEF" if cells.get(c)]
        assert 2 <= len(answers) <= 4
        assert all(len(a) <= ANSWER_CHARS for a in answers)
        assert int(cells["G"]) in TIME_LIMITS
        assert 1 <= int(cells["H"]) <= len(answers)
    assert render(bundled, "kahoot").data == out.data  # fixed timestamps: reproducible


def test_markdown_sheet(bundled: Drill, tricky: tuple[Drill, RenderOptions]) -> None:
    text = render(bundled, "md").data.decode("utf-8")
    assert text.count("- [ ] **A.**") == 2 * sum(q.type is QuestionType.MCQ for q in bundled.pool)
    assert text.count(f"# {bundled.labels['answer_key']}") == 2
    tricky_text = render(tricky[0], "md").data.decode("utf-8")
    assert "\\<script>" in tricky_text
    assert not re.search(r"(?<!\\)<script", tricky_text)
