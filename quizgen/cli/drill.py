"""`quizgen drill`: exam drills for teachers (printable sheets, Moodle, Quizlet/Anki, Kahoot)."""

from __future__ import annotations

import fnmatch
import secrets
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from quizgen.cli.common import open_vault, paths_argument, warn
from quizgen.drill import (
    FORMATS,
    PAPER_SIZES,
    TYPE_ORDER,
    MediaFinder,
    QuestionType,
    RenderOptions,
    compose,
    render,
)
from quizgen.errors import QuizgenError
from quizgen.extract import extract_vault
from quizgen.model import Card

_BY_EXTENSION = {fmt.extension: name for name, fmt in FORMATS.items()}
_BY_EXTENSION[".markdown"] = "md"


def _types(ctx: click.Context, param: click.Parameter, value: str) -> tuple[QuestionType, ...]:
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    known = {t.value: t for t in TYPE_ORDER}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'}: choose among {', '.join(known)}", ctx, param
        )
    return tuple(dict.fromkeys(known[n] for n in names))


def _matches(
    card: Card, decks: Sequence[str], tags: Sequence[str], headings: Sequence[str]
) -> bool:
    if decks and not any(fnmatch.fnmatch(card.deck.casefold(), d.casefold()) for d in decks):
        return False
    if tags:
        wanted = [t.lstrip("#").replace("/", "::").casefold() for t in tags]
        have = [t.casefold() for t in card.tags]
        if not any(h == w or h.startswith(w + "::") for w in wanted for h in have):
            return False
    if headings:
        context = [c.casefold() for c in card.context]
        if not any(h.casefold() in c for h in headings for c in context):
            return False
    return True


@click.command()
@paths_argument
@click.option(
    "-n",
    "--questions",
    "n",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many questions.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Same seed, same drill, byte for byte. Default: a new one, printed.",
)
@click.option(
    "--versions",
    type=click.IntRange(1, 26),
    default=1,
    show_default=True,
    help="Versions A, B, C...: the same questions, shuffled (printable formats).",
)
@click.option(
    "--types",
    "types",
    default=",".join(t.value for t in TYPE_ORDER),
    show_default=True,
    callback=_types,
    help="Question types, comma-separated.",
)
@click.option(
    "--deck",
    "decks",
    multiple=True,
    metavar="PATTERN",
    help="Only cards whose deck matches (glob, e.g. 'Réseaux*'). Repeatable.",
)
@click.option("--tag", "tags", multiple=True, help="Only cards with this tag (or a sub-tag).")
@click.option(
    "--heading",
    "headings",
    multiple=True,
    help="Only cards under a heading or parent containing this text.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="Output format. Default: from -o's extension, else html.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (default: standard output).",
)
@click.option("--title", default="", help="The sheet's title (default: the course).")
@click.option("--date", default="", help="Printed in the sheet's date field (default: blank).")
@click.option("--class", "class_name", default="", help="Printed in the sheet's class field.")
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES),
    default="a4",
    show_default=True,
    help="Page size of the printable sheet.",
)
def drill(  # noqa: PLR0917 - click passes every option as an argument
    paths: tuple[Path, ...],
    n: int,
    seed: int | None,
    versions: int,
    types: tuple[QuestionType, ...],
    decks: tuple[str, ...],
    tags: tuple[str, ...],
    headings: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    title: str,
    date: str,
    class_name: str,
    paper: str,
) -> None:  # fmt: skip
    """Make an exam drill from the notes in PATHS (default: ./notes): multiple-choice questions
    whose wrong answers come from the course itself, true/false, cloze and short answers, with
    an answer key per version.

    \b
    Examples:
      quizgen drill notes/ -n 20 --seed 42 -o drill.html
      quizgen drill notes/ -n 30 --versions 3 --paper letter -o exam.html
      quizgen drill notes/ --deck 'Réseaux*' --types mcq,truefalse -o bank.gift
      quizgen drill notes/ --format moodle-xml -o bank.xml
      quizgen drill notes/ --types mcq -o quiz.xlsx          (Kahoot)
    """
    fmt = fmt or (_BY_EXTENSION.get(output.suffix.lower(), "html") if output else "html")
    chosen = FORMATS[fmt]
    if chosen.binary and output is None and sys.stdout.isatty():
        raise QuizgenError(f"{fmt} writes a binary {chosen.extension} file: give -o FILE")
    if seed is None:
        seed = secrets.randbelow(1_000_000)  # only the CLI picks a seed; it is printed below
    vault = open_vault(paths)
    warn(vault.problems)
    result = extract_vault(vault.notes, config=vault.config)
    warn(result.problems)
    selected = [c for c in result.cards if _matches(c, decks, tags, headings)]
    if not selected:
        what = "the notes make no card" if not result.cards else "no card matches the filters"
        raise QuizgenError(f"{what}: nothing to ask")
    made = compose(
        selected,
        n=n,
        seed=seed,
        versions=versions,
        types=types,
        universe=result.cards,
        config=vault.config,
        title=title,
        date=date,
        class_name=class_name,
    )
    for reason in made.shortfall:
        click.secho(f"Warning: {reason}", err=True, fg="yellow")
    if versions > 1 and not chosen.printable:
        click.secho(f"Warning: {fmt} is a question bank: it holds the questions once, "
                    "without versions (Moodle and Kahoot shuffle for themselves)",
                    err=True, fg="yellow")  # fmt: skip
    out = render(made, fmt, RenderOptions(paper=paper, media=MediaFinder(vault.root)))
    for reason, count in out.left_out.items():
        click.secho(f"Warning: {count} question{'s' if count > 1 else ''} left out of the "
                    f"{fmt} file: {reason}", err=True, fg="yellow")  # fmt: skip
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(out.data)
        sys.stdout.buffer.flush()
    else:
        try:
            output.write_bytes(out.data)
        except OSError as exc:
            raise QuizgenError(f"{output}: cannot write: {exc.strerror or exc}") from None
    counts = Counter(q.type.value for q in made.pool)
    mix = ", ".join(f"{counts[t.value]} {t.value}" for t in TYPE_ORDER if counts[t.value])
    kept = len(made.pool) - sum(out.left_out.values())
    where = f" to {output}" if output else ""
    shown = f"{kept} of {len(made.pool)}" if out.left_out else f"{len(made.pool)}"
    sheets = f" in {versions} versions" if versions > 1 and chosen.printable else ""
    click.echo(f"Drill: {shown} questions ({mix}){sheets}{where}, --seed {seed}.", err=True)
