"""The terminal front end of `quizgen quiz` and `quizgen stats`, drawn with rich.

It only renders and reads keys: what to ask, grading and scheduling are review/session.py's.
On a terminal, single keys are read (1-4, Enter, q) without Enter; when stdin is a pipe or a
file, whole lines are read, so scripts can drive it. q, Ctrl-C and Ctrl-D all end the session
cleanly, after the answers given so far (each already saved).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO

from rich.console import Console, Group

if sys.platform != "win32":
    import termios
    import tty
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizgen.review.grading import Grade, Verdict, core_answer, expected_items, grade
from quizgen.review.scheduler import Rating, State
from quizgen.review.session import Mode, Prompt, Session, Stats, Summary

__all__ = ["Keys", "Quit", "QuizUI", "format_delay", "render_stats"]

Clock = Callable[[], datetime]

_RATING_STYLE = {
    Rating.AGAIN: "red",
    Rating.HARD: "yellow",
    Rating.GOOD: "green",
    Rating.EASY: "cyan",
}
_VERDICT = {
    Verdict.CORRECT: ("✓ Correct", "bold green"),
    Verdict.CLOSE: ("✓ Correct, with a typo", "green"),
    Verdict.PARTIAL: ("~ Partly right", "bold yellow"),
    Verdict.WRONG: ("✗ Not quite", "bold red"),
}
_CTRL_C, _CTRL_D, _ESC = "\x03", "\x04", "\x1b"


class Quit(Exception):
    """The user asked to leave (q, Ctrl-C, Ctrl-D, end of input)."""


class Keys:
    """Reads single keys on a terminal, lines otherwise."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def key(self, allowed: str, *, enter: str | None = None) -> str:
        """One of `allowed` (or `enter` for Enter). q, Ctrl-C and Ctrl-D raise Quit."""
        while True:
            raw = self._raw_key() if self.tty else self._line().strip().lower()
            if raw in ("\r", "\n", "") and enter is not None:
                return enter
            if raw in ("q", _CTRL_C, _CTRL_D, _ESC):
                raise Quit
            if raw and raw[0] in allowed and (self.tty or len(raw) == 1):
                return raw[0]

    def line(self, echo: Callable[[str], None] | None = None) -> str:
        """A line of text (the answer typed); Ctrl-D or end of input raise Quit. Off a
        terminal, `echo` shows it (a transcript then reads like a session)."""
        text = self._line()
        if echo is not None and not self.tty:
            echo(text.rstrip("\n"))
        if text.strip().lower() == "q":
            raise Quit
        return text.rstrip("\n")

    def _line(self) -> str:
        try:
            text = self.stream.readline()
        except KeyboardInterrupt:
            raise Quit from None
        if text == "":
            raise Quit  # end of input
        return text

    def _raw_key(self) -> str:
        if sys.platform == "win32":  # no termios: read a line instead
            return self._line().strip()[:1].lower() or "\n"
        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd, termios.TCSANOW)  # not the default TCSAFLUSH: keep type-ahead
            data = os.read(fd, 8)
            if not data:
                raise Quit  # the terminal went away
            return data.decode("utf-8", "replace")[:1].lower()
        except KeyboardInterrupt:
            raise Quit from None
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def format_delay(delay: timedelta) -> str:
    """'in 10 min', 'in 3 h', 'in 4 days', 'in 2 months'."""
    seconds = max(0, int(delay.total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"in {seconds // 60} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    days = round(seconds / 86400)
    if days < 60:
        return f"in {days} day{'s' if days != 1 else ''}"
    if days < 730:
        return f"in {round(days / 30)} months"
    return f"in {days / 365:.1f} years"


def _breadcrumb(context: tuple[str, ...], width: int) -> str:
    """The path to the card, shortened from the left to fit."""
    parts = list(context)
    text = " › ".join(parts)
    while len(text) > width and len(parts) > 1:
        parts.pop(0)
        text = "… › " + " › ".join(parts)
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class QuizUI:
    """Runs a session in the terminal."""

    def __init__(
        self,
        session: Session,
        *,
        console: Console,
        keys: Keys,
        clock: Clock,
    ) -> None:
        self.session = session
        self.console = console
        self.keys = keys
        self.clock = clock

    def run(self) -> Summary:
        started = self.clock()
        # Ctrl-C may land outside a key read (while drawing, or saving: the transaction then
        # commits or rolls back whole): it ends the session the same way.
        with contextlib.suppress(Quit, KeyboardInterrupt):
            while (prompt := self.session.next(self.clock())) is not None:
                self._ask(prompt)
        self.console.print()
        summary = self.session.summary(self.clock())
        self._print_summary(summary, self.clock() - started)
        return summary

    # -------------------------------------------------------------- one card

    def _ask(self, prompt: Prompt) -> None:
        shown = self.clock()
        self._show_question(prompt)
        if prompt.mode is Mode.TYPE:
            proposed = self._typed(prompt)
        elif prompt.mode is Mode.CHOICE:
            proposed = self._chosen(prompt)
        else:
            self._hint("Enter show the answer · q quit")
            self.keys.key("", enter="\n")
            self._show_answer(prompt)
            proposed = None
        rating = self._rate(proposed)
        now = self.clock()
        answer = self.session.answer(
            prompt,
            rating,
            now=now,
            duration_ms=int((now - shown).total_seconds() * 1000),
        )
        if self.session.cram:
            note = "practice only: the schedule is unchanged"
        elif answer.after.due is not None:
            note = f"next review {format_delay(answer.after.due - now)}"
        else:
            note = ""
        self.console.print(
            Text.assemble((f"{rating.label}", _RATING_STYLE[rating]), (f" · {note}", "dim"))
        )
        self.console.rule(style="dim")

    def _show_question(self, prompt: Prompt) -> None:
        card = prompt.card
        width = min(self.console.width, 100)
        status = Text.assemble(
            (f"Card {prompt.number}/{prompt.total}", "bold"),
            (f" · {self.session.due_count} due · {self.session.new_count} new", "dim"),
            (" · cram" if self.session.cram else "", "magenta"),
            ("  NEW" if prompt.memory.state is State.NEW else "", "bold cyan"),
        )
        self.console.print(status)
        title = _breadcrumb(card.context, width - 6) if card.context else card.deck
        body = Text(card.question)
        items = expected_items(card)
        if prompt.mode is Mode.TYPE and items:
            body.append(f"\n({len(items)} to give)", style="dim")
        self.console.print(
            Panel(
                body,
                title=Text(title, style="bold blue"),
                title_align="left",
                subtitle=Text(f"{card.source} · {prompt.mode.value}", style="dim"),
                subtitle_align="right",
                border_style="cyan" if prompt.is_new else "blue",
                width=width,
                padding=(1, 2),
            )
        )

    def _show_answer(self, prompt: Prompt) -> None:
        self.console.print(
            Panel(
                Text(prompt.card.answer),
                title=Text("Answer", style="bold green"),
                title_align="left",
                border_style="green",
                width=min(self.console.width, 100),
                padding=(0, 2),
            )
        )

    def _typed(self, prompt: Prompt) -> Rating:
        items = expected_items(prompt.card)
        if items:
            self._hint("Type one per line (or separate with ;) · empty line: done · q quit")
            lines = []
            while True:
                self._prompt("› ")
                line = self.keys.line(echo=self._echo)
                if not line.strip():
                    break
                lines.append(line)
            result = grade(prompt.card, lines)
        else:
            self._hint("Type your answer · Enter alone: I don't know · q quit")
            self._prompt("› ")
            result = grade(prompt.card, self.keys.line(echo=self._echo))
        self._show_grade(prompt, result)
        return result.proposed

    def _show_grade(self, prompt: Prompt, result: Grade) -> None:
        label, style = _VERDICT[result.verdict]
        self.console.print(Text(label, style=style))
        if result.items:
            table = Table.grid(padding=(0, 1))
            for item in result.items:
                mark = ("✓", "green") if item.verdict.passed else ("✗", "red")
                if item.verdict is Verdict.PARTIAL:
                    mark = ("~", "yellow")
                given = Text(f"  (you: {item.given})", style="dim") if item.given else Text("")
                table.add_row(Text(mark[0], style=mark[1]), Text.assemble(item.expected, given))
            self.console.print(table)
            if result.missed:
                self.console.print(Text(f"Missed {len(result.missed)}.", style="red"))
            if result.extra:
                self.console.print(
                    Text("Not in the list: " + "; ".join(result.extra), style="yellow")
                )
        elif result.verdict is not Verdict.CORRECT:
            self.console.print(Text.assemble(("Expected: ", "dim"), core_answer(prompt.card)))
        detail = [line for line in prompt.card.answer.split("\n") if line.startswith("- ")]
        if detail and not result.items:
            self.console.print(Text("\n".join(detail), style="dim"))

    def _chosen(self, prompt: Prompt) -> Rating:
        choice = prompt.choice
        assert choice is not None
        letters = "abcd"[: len(choice.options)]
        for letter, option in zip(letters, choice.options, strict=True):
            self.console.print(Text.assemble((f"  {letter}) ", "bold"), option))
        self._hint(f"Choose {'/'.join(letters)} · q quit")
        picked = letters.index(self.keys.key(letters))
        if picked == choice.correct:
            self.console.print(Text("✓ Correct", style="bold green"))
            return Rating.GOOD
        right = letters[choice.correct]
        self.console.print(
            Text.assemble(
                ("✗ Not quite", "bold red"),
                (" — the answer is ", "dim"),
                (f"{right}) {choice.options[choice.correct]}", "green"),
            )
        )
        return Rating.AGAIN

    def _rate(self, proposed: Rating | None) -> Rating:
        hints = " · ".join(f"{int(r)} {r.label}" for r in Rating)
        if proposed is None:
            self._hint(f"{hints} · q quit")
            return Rating(int(self.keys.key("1234")))
        self._hint(f"Enter: {int(proposed)} {proposed.label} · or {hints} · q quit")
        key = self.keys.key("1234", enter=str(int(proposed)))
        return Rating(int(key))

    def _echo(self, text: str) -> None:
        self.console.print(Text(text), highlight=False)

    def _hint(self, text: str) -> None:
        self.console.print(Text(text, style="dim italic"))

    def _prompt(self, text: str) -> None:
        self.console.print(Text(text, style="bold"), end="")
        self.console.file.flush()

    # -------------------------------------------------------------- the end

    def _print_summary(self, summary: Summary, spent: timedelta) -> None:
        now = self.clock()
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        if summary.reviewed:
            ratio = summary.correct_ratio or 0.0
            grid.add_row("Reviewed", f"{summary.reviewed} ({summary.new} new)")
            grid.add_row("Correct", f"{ratio:.0%}")
            counts = "  ".join(f"{r.label} {n}" for r, n in summary.ratings.items())
            grid.add_row("Ratings", counts)
        else:
            grid.add_row("Reviewed", "nothing" if not self.session.remaining else "0")
        seconds = int(spent.total_seconds())
        grid.add_row("Time", f"{seconds // 60} min {seconds % 60:02d} s")
        if summary.next_due is not None:
            when = summary.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
            grid.add_row("Next due", f"{format_delay(summary.next_due - now)} ({when})")
        elif not summary.reviewed:
            grid.add_row("Next due", "nothing scheduled")
        self.console.print(
            Panel(
                grid,
                title=Text("Session over", style="bold"),
                title_align="left",
                width=min(self.console.width, 100),
            )
        )


# ---------------------------------------------------------------- stats

_SHADES = " ░▒▓█"


def render_stats(stats: Stats, console: Console) -> None:
    """Cards by state, what comes due, retention, a forecast chart and a review heatmap."""
    c = stats.counts
    width = min(console.width, 100)
    table = Table(title="Cards", title_justify="left", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, value in (
        ("Active", c.active),
        ("  new", c.new),
        ("  learning", c.learning),
        ("  review", c.review),
        ("  relearning", c.relearning),
        ("Retired", c.retired),
        ("Due now", c.due_now),
        ("Due today", c.due_today),
        ("Due in 7 days", c.due_week),
        ("Reviews logged", stats.reviews),
    ):
        table.add_row(label, str(value))
    retention = "—" if stats.retention is None else f"{stats.retention:.1%}"
    table.add_row("True retention", f"{retention} ({stats.graded} mature answers)")
    console.print(table)
    console.print()
    console.print(Group(*_forecast(stats, width)))
    console.print()
    console.print(Group(*_heatmap(stats, width)))


def _forecast(stats: Stats, width: int, days: int = 14) -> Iterator[Text]:
    yield Text("Due in the next 14 days", style="bold")
    counts = stats.forecast[:days]
    top = max(counts, default=0) or 1
    bar_width = max(10, width - 22)
    for offset, count in enumerate(counts):
        day = stats.today + timedelta(days=offset)
        label = "today" if offset == 0 else day.strftime("%a %d %b")
        bar = "█" * round(count / top * bar_width) if count else ""
        yield Text.assemble(
            (f"{label:>10} ", "dim"), (bar, "cyan"), (f" {count}" if count else " ·", "")
        )


def _heatmap(stats: Stats, width: int) -> Iterator[Text]:
    """One column per week, one row per weekday, as many weeks as fit (at most a year)."""
    weeks = max(4, min(53, (width - 6)))
    today = stats.today_number
    by_day = {d.day: d.reviews for d in stats.days}
    weekday = stats.today.weekday()  # 0 = Monday
    first = today - weekday - (weeks - 1) * 7  # a Monday
    top = max((by_day.get(d, 0) for d in range(first, today + 1)), default=0) or 1
    total = sum(by_day.get(d, 0) for d in range(first, today + 1))
    yield Text(f"Reviews, last {weeks} weeks ({total})", style="bold")
    for row, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = Text(f"{name:<4}", style="dim")
        for week in range(weeks):
            day = first + week * 7 + row
            if day > today:
                line.append(" ")
                continue
            count = by_day.get(day, 0)
            shade = 0 if not count else 1 + min(3, int(count / top * 4))
            line.append(_SHADES[shade] if count else "·", style="green" if count else "dim")
        yield line
    yield Text(f"    less {_SHADES[1:]} more", style="dim")


def make_console(stream: IO[str] | None = None) -> Console:
    """A console that wraps at the terminal's width (80 when not a terminal)."""
    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False)
