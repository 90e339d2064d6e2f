"""`quizgen cards`: which cards the notes make, and why."""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quizgen.cli.common import open_vault, paths_argument, warn
from quizgen.extract import Extraction, extract_vault
from quizgen.model import Card, Note


@click.command()
@paths_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "yaml"]), default="table",
    show_default=True, help="Output format.",
)  # fmt: skip
@click.option(
    "--explain", is_flag=True, help="Show, for every line, which rule fired or why none did."
)
def cards(paths: tuple[Path, ...], fmt: str, explain: bool) -> None:
    """Show the cards that the notes in PATHS make (default: ./notes).

    \b
    Examples:
      quizgen cards notes/
      quizgen cards "notes/Virtualisation des Serveurs.md" --format json
      quizgen cards notes/ --explain
    """
    vault = open_vault(paths)
    warn(vault.problems)
    result = extract_vault(vault.notes, config=vault.config)
    warn(result.problems)
    if explain:
        for note, extraction in result.notes:
            _print_explain(note, extraction)
        return
    if fmt == "json":
        click.echo(json.dumps([c.to_dict() for c in result.cards], ensure_ascii=False, indent=2))
    elif fmt == "yaml":
        click.echo(yaml.safe_dump([c.to_dict() for c in result.cards], allow_unicode=True,
                                  sort_keys=False, width=100), nl=False)  # fmt: skip
    else:
        _print_table(result.cards, len(vault.notes))


def _print_table(cards: tuple[Card, ...], notes: int) -> None:
    console = Console(soft_wrap=False)
    table = Table(show_lines=True, expand=True)
    table.add_column("Question", ratio=3, overflow="fold")
    table.add_column("Answer", ratio=3, overflow="fold")
    table.add_column("Context", ratio=2, overflow="fold", style="dim")
    table.add_column("Rule", no_wrap=True, style="cyan")
    for card in cards:
        table.add_row(card.question, card.answer, " › ".join(card.context),
                      f"{card.rule}\n{card.source.path}:{card.source.line}")  # fmt: skip
    console.print(table, markup=False, highlight=False)
    console.print(f"{len(cards)} cards from {notes} note{'s' if notes != 1 else ''}.", markup=False)


def _print_explain(note: Note, extraction: Extraction) -> None:
    console = Console(soft_wrap=True)
    console.print(
        f"[bold]{note.rel_path}[/bold] ({extraction.lang}, {len(extraction.cards)} cards)"
    )
    for entry in extraction.trace:
        text = entry.text if len(entry.text) <= 70 else entry.text[:69] + "…"
        if entry.rules:
            outcome = "[green]→ " + ", ".join(entry.rules) + "[/green]"
        else:
            outcome = f"[dim]· {entry.reason}[/dim]"
        console.print(f"  {entry.line:>5}  {entry.kind:<10} {escape(text)}  {outcome}")
    console.print()
