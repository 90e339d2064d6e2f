"""Helpers shared by commands: reading paths into a vault, printing warnings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from quizgen.errors import QuizgenError
from quizgen.model import Diagnostic
from quizgen.vault import Vault, load_vault

DEFAULT_NOTES = "notes"

paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def open_vault(paths: Iterable[Path]) -> Vault:
    chosen = list(paths)
    if not chosen:
        default = Path(DEFAULT_NOTES)
        if not default.is_dir():
            raise QuizgenError(f"no PATH given and no ./{DEFAULT_NOTES}/ folder here")
        chosen = [default]
    return load_vault(*chosen)


def warn(problems: Iterable[Diagnostic]) -> int:
    count = 0
    for problem in problems:
        click.secho(f"Warning: {problem}", err=True, fg="yellow")
        count += 1
    return count
