"""Moodle XML question bank, built with xml.etree (never by pasting strings together).

multichoice, truefalse, shortanswer, cloze (an embedded SHORTANSWER) and essay (written answers,
with the model answer as grader information). Images the question shows are embedded in base64
and referenced as @@PLUGINFILE@@/name, the way Moodle exports them.
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET

from quizgen.drill.compose import Drill, Question, QuestionType
from quizgen.drill.formats.base import Output, RenderOptions
from quizgen.drill.formats.gift import category
from quizgen.drill.labels import own_labels
from quizgen.drill.media import Image, image_label, question_images

__all__ = ["write"]

PENALTY = {QuestionType.MCQ: "0.3333333", QuestionType.TRUEFALSE: "1"}
NAME_CHARS = 60
# Inside {1:SHORTANSWER:...} these characters must be backslash-escaped.
_CLOZE_SPECIAL = re.compile(r'([}#~/"\\])')


def _html(text: str) -> str:
    # Braces in the text around a cloze gap would read as embedded answers: use entities.
    escaped = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    return "<br>".join(escaped.split("\n"))


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _leaf(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _name(number: int, question: Question) -> str:
    prompt = " ".join(question.prompt.split())
    if len(prompt) > NAME_CHARS:
        prompt = prompt[: NAME_CHARS - 1].rstrip() + "…"
    return f"{number:02d} {prompt}"


def _cloze_answer(text: str) -> str:
    return _CLOZE_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _images(question: Question, options: RenderOptions) -> list[Image]:
    found = []
    for ref in question_images(question.card.question_html):
        image = options.media.find(ref, question.source.path)
        if image is not None:
            found.append(image)
    return found


def _question_text(question: Question, images: list[Image]) -> str:
    labels = own_labels(question.card.lang)
    prompt = image_label(question.prompt) if images else question.prompt
    if question.type is QuestionType.CLOZE:
        accepted = "~".join(f"={_cloze_answer(a)}" for a in question.accepted)
        body = f"{_html(question.gap[0])}{{1:SHORTANSWER:{accepted}}}{_html(question.gap[1])}"
    elif question.type is QuestionType.MCQ and any(question.gap):
        body = f"{_html(question.gap[0])}_____{_html(question.gap[1])}"
    else:
        body = _html(prompt)
    text = f"<p>{body}</p>"
    if question.proposed:
        proposed = f"{labels['proposed']}{labels['colon']}« {question.proposed} »"
        text += f"<p><em>{_html(proposed)}</em></p>"
    for image in images:
        text += f'<p><img src="@@PLUGINFILE@@/{html.escape(image.name)}" alt=""></p>'
    return text


def _answer(parent: ET.Element, fraction: str, text: str, fmt: str = "html") -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    _leaf(answer, "text", text)
    _text(answer, "feedback", "")


def _question(
    quiz: ET.Element, number: int, question: Question, drill: Drill, options: RenderOptions
) -> None:
    kind = question.type
    moodle_type = {
        QuestionType.MCQ: "multichoice",
        QuestionType.TRUEFALSE: "truefalse",
        QuestionType.CLOZE: "cloze",
        QuestionType.SHORT: "essay" if question.open else "shortanswer",
    }[kind]
    element = ET.SubElement(quiz, "question", {"type": moodle_type})
    _leaf(ET.SubElement(element, "name"), "text", _name(number, question))
    images = _images(question, options)
    text = _text(element, "questiontext", _question_text(question, images))
    for image in images:
        file = ET.SubElement(text, "file", {"name": image.name, "path": "/", "encoding": "base64"})
        file.text = base64.b64encode(image.data).decode("ascii")
    feedback = ""
    if kind is QuestionType.TRUEFALSE and not question.truth:
        labels = own_labels(question.card.lang)
        feedback = _html(f"{labels['correct']}{labels['colon']}{question.answer}")
    _text(element, "generalfeedback", feedback)
    _leaf(element, "defaultgrade", "1")
    _leaf(element, "penalty", PENALTY.get(kind, "0"))
    _leaf(element, "hidden", "0")
    _leaf(element, "idnumber", question.id)
    if kind is QuestionType.MCQ:
        _leaf(element, "single", "true")
        _leaf(element, "shuffleanswers", "true")
        _leaf(element, "answernumbering", "abc")
        for i, option in enumerate(question.options):
            _answer(element, "100" if i == question.correct else "0", _html(option))
    elif kind is QuestionType.TRUEFALSE:
        _answer(element, "100" if question.truth else "0", "true", "moodle_auto_format")
        _answer(element, "0" if question.truth else "100", "false", "moodle_auto_format")
    elif moodle_type == "shortanswer":
        _leaf(element, "usecase", "0")
        for accepted in question.accepted:
            _answer(element, "100", accepted, "moodle_auto_format")
    elif moodle_type == "essay":
        _leaf(element, "responseformat", "editor")
        _leaf(element, "responserequired", "1")
        _leaf(element, "responsefieldlines", str(max(5, question.lines * 3)))
        _leaf(element, "attachments", "0")
        _leaf(element, "attachmentsrequired", "0")
        grader = "<br>".join(html.escape(line, quote=False) for line in question.answer.split("\n"))
        _text(element, "graderinfo", grader)
        _text(element, "responsetemplate", "")


def write(drill: Drill, options: RenderOptions) -> Output:
    quiz = ET.Element("quiz")
    comment = f" {drill.title} — quizgen drill, seed {drill.seed} ".replace("--", "- -")
    quiz.append(ET.Comment(comment))
    current = ""
    for number, question in enumerate(drill.pool, 1):
        cat = category(question)
        if cat != current:
            holder = ET.SubElement(quiz, "question", {"type": "category"})
            _text(holder, "category", cat, None)
            current = cat
        _question(quiz, number, question, drill, options)
    ET.indent(quiz, space="  ")
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=True)
    return Output(('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"))
