"""The command line: click commands only. Options become library calls; QuizgenError becomes a
one-line `Error: ...` (exit 1), a bad option a usage message (exit 2). No tracebacks."""

from __future__ import annotations

import sys
from typing import Any

import click

from quizgen import __version__, tune_gc
from quizgen.cli import anki, cards, drill, quiz
from quizgen.errors import QuizgenError, UsageError


class QuizgenGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except QuizgenError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:  # `quizgen cards ... | head`
            sys.stderr.close()
            raise SystemExit(0) from None


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def cli() -> None:
    """Turn Markdown course notes into flashcards, Anki decks, quizzes and exam drills.

    \b
    quizgen cards notes/            see which cards your notes make, and why
    quizgen cards NOTE.md --explain which rule read each line
    """


cli.add_command(cards.cards)
cli.add_command(drill.drill)
cli.add_command(anki.anki)
cli.add_command(quiz.quiz)
cli.add_command(quiz.stats)


def main() -> None:
    tune_gc()
    cli(prog_name="quizgen")
