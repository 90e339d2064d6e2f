"""`quizgen anki`: Anki packages that import cleanly and update in place."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from quizgen import anki as export
from quizgen.cli.common import DEFAULT_NOTES, open_vault, paths_argument, warn
from quizgen.errors import QuizgenError, UsageError
from quizgen.extract import extract_vault
from quizgen.model import Diagnostic

DEFAULT_OUTPUT = Path("decks")
WARNINGS_FILE = "quizgen-warnings.txt"
SHOWN_WARNINGS = 20  # more go to WARNINGS_FILE only
SHOWN_VANISHED = 10
LARGE_VAULT = 50  # notes; smaller vaults build too fast for a progress bar to help


@click.command()
@paths_argument
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None,
    help="The .apkg file to write, or a folder for it.  [default: decks/]",
)  # fmt: skip
@click.option(
    "--deck", "parent_deck", metavar="NAME",
    help="Put every deck under NAME (e.g. 'Semestre 3'). Decks are Course::Note otherwise.",
)  # fmt: skip
@click.option("--split", is_flag=True, help="Write one package per top-level deck.")
@click.option(
    "--forget-retired", is_flag=True,
    help="Stop sending the cards no longer in your notes (once deleted in Anki).",
)  # fmt: skip
def anki(
    paths: tuple[Path, ...],
    output: Path | None,
    parent_deck: str | None,
    split: bool,
    forget_retired: bool,
) -> None:
    """Build an Anki package (.apkg) from the notes in PATHS (default: ./notes).

    Import it into Anki (File > Import); import it again after editing your notes: cards
    update in place, their review history kept, no duplicates. Edits you made inside Anki
    survive as long as the card did not change in your notes.

    \b
    Examples:
      quizgen anki                          notes/ -> decks/<deck>.apkg
      quizgen anki notes/ -o ~/Desktop/     one package, in another folder
      quizgen anki notes/ --split           one package per course
      quizgen anki notes/ --deck "L2 S1"    every deck under "L2 S1"
    """
    now = time.time()  # the only clock read: the library takes time as a parameter
    if output is not None and _is_file(output) and split:
        raise UsageError("--split writes one package per top-level deck: give -o a folder")
    if parent_deck is not None:
        if not parent_deck.replace(":", "").strip():
            raise UsageError("--deck needs a name")
        parent_deck = export.deck_name(parent_deck)
    chosen = list(paths) or [Path(DEFAULT_NOTES)]
    vault = open_vault(paths)
    problems: list[Diagnostic] = list(vault.problems)
    folder = output.parent if output is not None and _is_file(output) else output
    folder = folder if folder is not None else DEFAULT_OUTPUT
    manifest_path = folder / export.MANIFEST_NAME
    manifest, manifest_problems = export.load_manifest(manifest_path)
    problems.extend(manifest_problems)

    console = Console(stderr=True)
    large = len(vault.notes) >= LARGE_VAULT and console.is_terminal
    with _progress(console, enabled=large) as progress:
        task = progress.add_task("Extracting cards", total=len(vault.notes))
        extraction = extract_vault(
            vault.notes, config=vault.config, progress=lambda _note: progress.advance(task)
        )
        problems.extend(extraction.problems)
        progress.update(task, description="Building notes")
        build = export.build_anki(
            extraction,
            vault,
            manifest,
            now=now,
            parent_deck=parent_deck,
            scope=[p.expanduser().resolve() for p in chosen],
            forget_retired=forget_retired,
        )
        problems.extend(build.problems)
        groups = export.packages(build.notes, split=split)
        if not build.notes:
            if forget_retired:
                export.save_manifest(manifest_path, build.manifest)
            raise QuizgenError(
                f"no cards in {', '.join(str(p) for p in chosen)}: nothing written "
                "(`quizgen cards --explain` shows why)"
            )
        targets = _targets(groups, output, folder, parent_deck or _single_deck(build.notes)
                           or vault.name)  # fmt: skip
        writing = progress.add_task("Writing", total=len(targets))
        for path, group in targets.items():
            progress.update(writing, description=f"Writing {path.name}")
            export.write_package(group, build.media.files, path, now=now)
            progress.advance(writing)
        export.save_manifest(manifest_path, build.manifest)

    _report_warnings(problems, folder)
    _summary(build, targets, len(vault.notes), len(problems), folder)
    _report_retired(build, forgot=forget_retired)


def _is_file(output: Path) -> bool:
    return output.suffix.lower() == ".apkg" and not output.is_dir()


def _single_deck(notes: Sequence[export.AnkiNote]) -> str | None:
    tops = {n.deck.split("::", 1)[0] for n in notes}
    return tops.pop() if len(tops) == 1 else None


def file_name(deck: str) -> str:
    """A deck name as a file name: `A::B` -> `A - B`, no character a file system refuses."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", deck.replace("::", " - ")).strip(" .")
    return name or "deck"


def _targets(
    groups: dict[str, list[export.AnkiNote]], output: Path | None, folder: Path, name: str
) -> dict[Path, list[export.AnkiNote]]:
    if "" in groups:  # one package
        path = (
            output
            if output is not None and _is_file(output)
            else folder / f"{file_name(name)}.apkg"
        )
        return {path: groups[""]}
    targets: dict[Path, list[export.AnkiNote]] = {}
    for deck, notes in sorted(groups.items()):
        stem = file_name(deck)
        path, n = folder / f"{stem}.apkg", 1
        while path in targets:  # two decks that differ only by a character files refuse
            n += 1
            path = folder / f"{stem} ({n}).apkg"
        targets[path] = notes
    return targets


def _progress(console: Console, *, enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True, disable=not enabled,
    )  # fmt: skip


def _report_warnings(problems: Sequence[Diagnostic], folder: Path) -> None:
    """The first warnings on stderr; all of them in a file when there are more."""
    log = folder / WARNINGS_FILE
    warn(problems[:SHOWN_WARNINGS])
    if len(problems) > SHOWN_WARNINGS:
        log.write_text("".join(f"{p}\n" for p in problems), encoding="utf-8")
        click.secho(
            f"... and {len(problems) - SHOWN_WARNINGS} more warnings: all are in {log}",
            err=True, fg="yellow",
        )  # fmt: skip
    else:
        with suppress(OSError):
            log.unlink()  # from an earlier build: no longer true


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(
    build: export.AnkiBuild,
    targets: dict[Path, list[export.AnkiNote]],
    notes_read: int,
    warnings: int,
    folder: Path,
) -> None:
    for path, group in targets.items():
        decks = len({n.deck for n in group})
        retired = sum(n.retired for n in group)
        extra = f", {retired} retired" if retired else ""
        cards = _plural(len(group) - retired, "card")
        click.echo(f"Wrote {path} ({cards} in {_plural(decks, 'deck')}{extra})")
    live = len(build.notes) - len(build.retired)
    where = ""
    if warnings:
        where = f" (see {folder / WARNINGS_FILE})" if warnings > SHOWN_WARNINGS else " (above)"
    click.echo(
        f"{_plural(notes_read, 'note')} read, {_plural(live, 'card')} "
        f"({build.card_count} in Anki), {_plural(len(build.media.files), 'media file')}, "
        f"{_plural(warnings, 'warning')}{where}"
    )
    click.echo(
        f"Since the last build: {build.new} new, {build.changed} changed, "
        f"{build.unchanged} unchanged."
    )


def _report_retired(build: export.AnkiBuild, *, forgot: bool) -> None:
    if build.vanished:
        click.echo()
        click.echo(
            f"{_plural(len(build.vanished), 'card')} no longer in your notes. An import "
            "cannot delete them from Anki:"
        )
        for note in build.vanished[:SHOWN_VANISHED]:
            click.echo(f"  - {_short(note.question)}  ({note.source})")
        if len(build.vanished) > SHOWN_VANISHED:
            click.echo(f"  ... and {len(build.vanished) - SHOWN_VANISHED} more")
    if forgot:
        click.echo("Retired cards are forgotten: no package carries them any more.")
        return
    earlier = len(build.retired) - len(build.vanished)
    if not build.retired:
        return
    if earlier > 0:
        click.echo(f"{_plural(earlier, 'earlier retired card')} still ride along.")
    click.echo(
        f"They are in the package, tagged {export.RETIRED_TAG}. After importing, search "
        f'"tag:{export.RETIRED_TAG}" in Anki\'s browser, delete (or suspend) them, then run '
        "`quizgen anki --forget-retired` so they are not sent again."
    )


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
