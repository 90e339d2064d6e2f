"""Cards -> a drill: which cards become questions, of which type, in which versions.

Selection is balanced: the notes take turns, and inside a note its headings take turns, so a
20-question drill over 5 notes asks about 4 things from each, spread over their sections. Two
questions never test the same fact (same line, or one's answer written in the other). Each card
becomes the type the mix still needs among those it can make: a multiple-choice question only
when the course has three plausible wrong answers for it, true/false only when it has one,
cloze for cloze cards; a short (or, for long and list answers, written) answer always works.

Everything random comes from `random.Random` seeded from `seed` and a name (a card id, a version
letter), so a given seed gives the same drill byte for byte, whatever the order of the work.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from quizgen.config import Config
from quizgen.drill.distractors import (
    DistractorIndex,
    Tier,
    core_answer,
    near_equal,
    normalize,
    same_fact_line,
    same_question,
    without_parentheses,
)
from quizgen.drill.labels import labels_for
from quizgen.errors import UsageError
from quizgen.lang import get_language
from quizgen.model import Card, CardKind, SourceRef

__all__ = [
    "DEFAULT_WEIGHTS",
    "TYPE_ORDER",
    "Drill",
    "Question",
    "QuestionType",
    "Version",
    "accepted_answers",
    "compose",
    "conflicts",
    "gives_away",
]


class QuestionType(StrEnum):
    MCQ = "mcq"
    TRUEFALSE = "truefalse"
    CLOZE = "cloze"
    SHORT = "short"


# The order of the sections on a sheet, and the share of each type in the default mix.
TYPE_ORDER: tuple[QuestionType, ...] = (
    QuestionType.MCQ,
    QuestionType.TRUEFALSE,
    QuestionType.CLOZE,
    QuestionType.SHORT,
)
DEFAULT_WEIGHTS: Mapping[QuestionType, int] = {
    QuestionType.MCQ: 4,
    QuestionType.TRUEFALSE: 2,
    QuestionType.CLOZE: 1,
    QuestionType.SHORT: 2,
}

MCQ_DISTRACTORS = 3
MAX_OPTION_CHARS = 150  # a longer answer makes options nobody reads: ask for it in writing
MAX_STATEMENT_CHARS = 220
SHORT_MAX_CHARS = 40  # a short answer that a machine can mark; longer ones are written answers
SHORT_MAX_WORDS = 5
MAX_VERSIONS = 26  # versions are lettered A-Z
CLOSE_ENOUGH = Tier.SAME_COURSE  # farthest tier a distractor may come from

# An outline card asks for the note's own plan ("what are the 4 parts?"): a study aid, not an
# exam question about the course.
NOT_EXAM_QUESTIONS = frozenset({"outline"})
# Rules whose cards make the best exam questions come first within a heading.
RULE_PRIORITY: Mapping[str, int] = {
    "explicit": 0,
    "definition": 1,
    "term": 1,
    "table": 1,
    "acronym": 1,
    "question": 1,
    "formula": 1,
    "diagram": 2,
    "condition": 2,
    "implication": 2,
    "sentence": 2,
    "emphasis": 2,
    "list": 2,
    "outline": 3,
    "detail": 3,
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a drill. Texts are plain (formats escape them)."""

    id: str
    type: QuestionType
    card: Card
    prompt: str  # what is asked; CLOZE: see `gap`; TRUEFALSE from a cloze card: the statement
    answer: str  # the right answer, as the key shows it
    options: tuple[str, ...] = ()  # MCQ, in display order
    correct: int = -1  # MCQ: index of the right option
    proposed: str = ""  # TRUEFALSE: the answer put forward ("" when the prompt is a statement)
    truth: bool = True  # TRUEFALSE
    accepted: tuple[str, ...] = ()  # SHORT (machine-marked) and CLOZE: right answers, best first
    open: bool = False  # SHORT: a written answer marked by hand (a long answer or a list)
    gap: tuple[str, str] = ("", "")  # CLOZE: the text before and after the blank
    distractors: tuple[str, ...] = ()  # ids of the cards the wrong answers came from

    @property
    def source(self) -> SourceRef:
        return self.card.source

    @property
    def lines(self) -> int:
        """Writing lines to leave on paper for a written answer."""
        if self.card.kind is CardKind.LIST:
            return max(2, len(self.card.items) + 1)
        return 2 if self.open else 1


@dataclass(frozen=True, slots=True)
class Version:
    label: str  # A, B, C...
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Drill:
    title: str
    lang: str  # `fr`, `en`, or `en+fr` when the notes mix languages
    labels: Mapping[str, str]
    pool: tuple[Question, ...]  # every question once, in the notes' order (question banks)
    versions: tuple[Version, ...]  # the printable sheets, shuffled
    requested: int
    seed: int
    date: str = ""
    class_name: str = ""
    shortfall: tuple[str, ...] = field(default=())  # why fewer questions than requested

    @property
    def courses(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.card.deck.split("::", 1)[0] for q in self.pool))


# ---------------------------------------------------------------- answers


def accepted_answers(answer: str, lang: str) -> tuple[str, ...]:
    """`answer` and the forms a teacher would also accept: without its parenthesis
    (`Interphase (G1)` -> `Interphase`) and without a leading article (`le bail` -> `bail`)."""
    language = get_language(lang)
    found = [answer]
    bare = without_parentheses(answer)
    if bare:
        found.append(bare)
    for text in list(found):
        words = text.split()
        if len(words) > 1 and words[0].casefold() in language.articles:
            found.append(" ".join(words[1:]))
        head = re.match(r"^(\w+)['’](\w.*)$", text)
        if head and f"{head.group(1).casefold()}'" in language.articles:
            found.append(head.group(2))
    unique: dict[str, str] = {}
    for text in found:
        unique.setdefault(normalize(text), text)
    return tuple(text for key, text in unique.items() if key)


def conflicts(a: Card, b: Card) -> bool:
    """Do `a` and `b` test the same fact? The same line, the same question, or the answer of
    one written out in the other (where it would give the answer away)."""
    if a.id == b.id or same_fact_line(a, b) or same_question(a.question, b.question):
        return True
    for x, y in ((a, b), (b, a)):
        said = f" {normalize(y.question)} {normalize(y.answer)} "
        keys = x.items if x.kind is CardKind.LIST else (core_answer(x),)
        for key in keys:
            norm = normalize(key)
            if len(norm) >= 4 and f" {norm} " in said:
                return True
    return False


def gives_away(shown: Question, asked: Question) -> bool:
    """Does `shown` print the answer that `asked` wants written (in an option or a proposed
    answer)? Multiple-choice and true/false questions show their answer anyway."""
    if asked.type not in (QuestionType.SHORT, QuestionType.CLOZE):
        return False
    texts = (*shown.options, shown.proposed) if shown.type is not QuestionType.CLOZE else ()
    return any(text and near_equal(text, asked.answer) for text in texts)


# ---------------------------------------------------------------- one card, each type


class _Maker:
    """Builds the question of each type a card can make (None when it can't)."""

    def __init__(self, index: DistractorIndex, seed: int, blanks: Mapping[str, str]) -> None:
        self.index = index
        self.seed = seed
        self.blanks = blanks
        self._cache: dict[tuple[str, QuestionType], Question | None] = {}

    def rng(self, card: Card, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{card.id}:{purpose}")

    def make(self, card: Card, kind: QuestionType) -> Question | None:
        key = (card.id, kind)
        if key not in self._cache:
            self._cache[key] = _BUILDERS[kind](self, card)
        return self._cache[key]

    def gap(self, card: Card) -> tuple[str, str] | None:
        if card.kind is not CardKind.CLOZE:
            return None
        parts = card.question.split(self.blanks.get(card.lang, "[…]"))
        if len(parts) != 2:
            return None
        return parts[0], parts[1]

    def mcq(self, card: Card) -> Question | None:
        answer = core_answer(card)
        if not answer or len(answer) > MAX_OPTION_CHARS:
            return None
        picked = self.index.pick(
            card, MCQ_DISTRACTORS, rng=self.rng(card, "mcq"), max_tier=CLOSE_ENOUGH
        )
        if len(picked) < MCQ_DISTRACTORS:
            return None  # not enough plausible wrong answers: another type will do
        gap = self.gap(card)
        return Question(
            id=f"{card.id}-mcq",
            type=QuestionType.MCQ,
            card=card,
            prompt=card.question,
            answer=answer,
            options=(answer, *(c.text for c in picked)),
            correct=0,
            gap=gap or ("", ""),
            distractors=tuple(c.card.id for c in picked),
        )

    def truefalse(self, card: Card) -> Question | None:
        answer = core_answer(card)
        if not answer or len(answer) > MAX_OPTION_CHARS:
            return None
        rng = self.rng(card, "truefalse")
        picked = self.index.pick(card, 1, rng=rng, max_tier=CLOSE_ENOUGH)
        if not picked:
            return None  # always-true statements would teach students to tick "true"
        truth = rng.random() < 0.5
        shown = answer if truth else picked[0].text
        gap = self.gap(card)
        if gap is not None:
            prompt, proposed = f"{gap[0]}{shown}{gap[1]}", ""
        else:
            prompt, proposed = card.question, shown
        if len(prompt) + len(proposed) > MAX_STATEMENT_CHARS:
            return None
        return Question(
            id=f"{card.id}-truefalse",
            type=QuestionType.TRUEFALSE,
            card=card,
            prompt=prompt,
            answer=answer,
            proposed=proposed,
            truth=truth,
            distractors=() if truth else (picked[0].card.id,),
        )

    def cloze(self, card: Card) -> Question | None:
        gap = self.gap(card)
        answer = core_answer(card)
        if gap is None or not answer:
            return None
        return Question(
            id=f"{card.id}-cloze",
            type=QuestionType.CLOZE,
            card=card,
            prompt=card.question,
            answer=answer,
            accepted=accepted_answers(answer, card.lang),
            gap=gap,
        )

    def short(self, card: Card) -> Question | None:
        if card.kind is CardKind.LIST:
            if not card.items:
                return None
            return Question(
                id=f"{card.id}-short",
                type=QuestionType.SHORT,
                card=card,
                prompt=card.question,
                answer=card.answer,
                open=True,
            )
        answer = core_answer(card)
        if not answer:
            return None
        written = len(answer) > SHORT_MAX_CHARS or len(answer.split()) > SHORT_MAX_WORDS
        return Question(
            id=f"{card.id}-short",
            type=QuestionType.SHORT,
            card=card,
            prompt=card.question,
            answer=answer,
            accepted=() if written else accepted_answers(answer, card.lang),
            open=written,
        )


_BUILDERS = {
    QuestionType.MCQ: _Maker.mcq,
    QuestionType.TRUEFALSE: _Maker.truefalse,
    QuestionType.CLOZE: _Maker.cloze,
    QuestionType.SHORT: _Maker.short,
}


# ---------------------------------------------------------------- selection


def quotas(n: int, types: Sequence[QuestionType]) -> dict[QuestionType, int]:
    """How many questions of each type make `n`, by DEFAULT_WEIGHTS (largest remainder)."""
    weights = {t: DEFAULT_WEIGHTS[t] for t in types}
    total = sum(weights.values())
    exact = {t: n * w / total for t, w in weights.items()}
    result = {t: int(v) for t, v in exact.items()}
    by_remainder = sorted(types, key=lambda t: (-(exact[t] - result[t]), TYPE_ORDER.index(t)))
    for t in by_remainder[: n - sum(result.values())]:
        result[t] += 1
    return result


class _Selector:
    """Round-robin over notes, then over each note's headings; greedy on the type mix."""

    def __init__(
        self,
        cards: Sequence[Card],
        maker: _Maker,
        types: Sequence[QuestionType],
        n: int,
        rng: random.Random,
    ) -> None:
        self.maker = maker
        self.types = tuple(t for t in TYPE_ORDER if t in types)
        self.n = n
        self.quota = quotas(n, self.types)
        self.count = dict.fromkeys(self.types, 0)
        self.chosen: list[Question] = []
        notes: dict[str, dict[tuple[str, ...], list[Card]]] = {}
        for card in cards:
            if card.rule in NOT_EXAM_QUESTIONS:
                continue
            notes.setdefault(card.source.path, {}).setdefault(card.context[:2], []).append(card)
        self.notes: list[list[list[Card]]] = []
        for path in sorted(notes):
            headings = []
            for group in notes[path].values():
                order = list(group)
                rng.shuffle(order)
                order.sort(key=lambda c: RULE_PRIORITY.get(c.rule, 2))
                headings.append(order)
            rng.shuffle(headings)
            self.notes.append(headings)
        rng.shuffle(self.notes)

    def run(self) -> list[Question]:
        strict = True
        while len(self.chosen) < self.n and self.notes:
            progress = False
            for headings in list(self.notes):
                if len(self.chosen) >= self.n:
                    break
                progress |= self._turn(headings, strict)
                if not headings:
                    self.notes.remove(headings)
            if not progress:
                if not strict:
                    break
                strict = False  # some type's quota can't be met: let the others make up
        return self.chosen

    def _turn(self, headings: list[list[Card]], strict: bool) -> bool:
        """The note's next heading that can give a question gives one; True if one did."""
        for _ in range(len(headings)):
            queue = headings.pop(0)
            question = self._take(queue, strict)
            if queue:
                headings.append(queue)
            if question is not None:
                self.chosen.append(question)
                self.count[question.type] += 1
                return True
        return False

    def _wanted(self, strict: bool) -> list[QuestionType]:
        """Types in the order the mix needs them most."""

        def need(t: QuestionType) -> tuple[float, int]:
            return (self.count[t] / self.quota[t] if self.quota[t] else 1.0, TYPE_ORDER.index(t))

        if strict:
            return sorted((t for t in self.types if self.count[t] < self.quota[t]), key=need)
        return sorted(self.types, key=need)

    def _take(self, queue: list[Card], strict: bool) -> Question | None:
        for card in list(queue):
            if any(conflicts(card, q.card) for q in self.chosen):
                queue.remove(card)
        for kind in self._wanted(strict):
            for card in queue:
                question = self.maker.make(card, kind)
                if question is not None and not any(
                    gives_away(question, q) or gives_away(q, question) for q in self.chosen
                ):
                    queue.remove(card)
                    return question
        if not strict:
            queue.clear()  # nothing here can make any requested type
        return None


# ---------------------------------------------------------------- versions


def _version(label: str, pool: Sequence[Question], rng: random.Random) -> Version:
    questions: list[Question] = []
    for kind in TYPE_ORDER:
        section = [q for q in pool if q.type is kind]
        rng.shuffle(section)
        for question in section:
            if question.type is QuestionType.MCQ:
                order = list(range(len(question.options)))
                rng.shuffle(order)
                options = tuple(question.options[i] for i in order)
                questions.append(
                    replace(question, options=options, correct=order.index(question.correct))
                )
            else:
                questions.append(question)
    return Version(label, tuple(questions))


def _title(cards: Iterable[Card]) -> str:
    courses = list(dict.fromkeys(card.deck.split("::", 1)[0] for card in cards))
    return courses[0] if len(courses) == 1 else ""


def compose(
    cards: Sequence[Card],
    *,
    n: int = 20,
    seed: int = 0,
    versions: int = 1,
    types: Sequence[QuestionType] = TYPE_ORDER,
    universe: Sequence[Card] | None = None,
    config: Config | None = None,
    title: str = "",
    date: str = "",
    class_name: str = "",
) -> Drill:
    """A drill of up to `n` questions from `cards`, in `versions` shuffled versions.

    Wrong answers come from `universe` (default: `cards`), usually every card of the vault, so
    a drill filtered to one heading still finds distractors in the rest of the note."""
    if n < 1:
        raise UsageError("the number of questions must be at least 1")
    if not 1 <= versions <= MAX_VERSIONS:
        raise UsageError(f"versions must be between 1 and {MAX_VERSIONS}")
    if not types:
        raise UsageError("no question type requested")
    config = config or Config()
    blanks = {
        code: get_language(code, config.templates.get(code)).templates["blank"]
        for code in sorted({card.lang for card in cards})
    }
    index = DistractorIndex(universe if universe is not None else cards)
    maker = _Maker(index, seed, blanks)
    chosen = _Selector(cards, maker, types, n, random.Random(f"{seed}:select")).run()
    pool = tuple(sorted(chosen, key=lambda q: (q.source.path, q.source.line, q.id)))
    shortfall: list[str] = []
    if not cards:
        shortfall.append("no card matches the selection")
    elif len(pool) < n:
        shortfall.append(
            f"only {len(pool)} questions could be made from {len(cards)} cards "
            f"(each fact is asked once; a multiple-choice question needs "
            f"{MCQ_DISTRACTORS} plausible wrong answers)"
        )
    lang, labels = labels_for([q.card.lang for q in pool] or [c.lang for c in cards])
    letters = string.ascii_uppercase
    sheets = tuple(
        _version(letters[v], pool, random.Random(f"{seed}:version:{letters[v]}"))
        for v in range(versions)
    )
    return Drill(
        title=title or _title(cards) or labels["drill"],
        lang=lang,
        labels=labels,
        pool=pool,
        versions=sheets,
        requested=n,
        seed=seed,
        date=date,
        class_name=class_name,
        shortfall=tuple(shortfall),
    )
