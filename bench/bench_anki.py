"""How long the Anki export takes for 20,000 cards, alone and as a share of `quizgen anki`.

Run by hand (not a test):  python bench/bench_anki.py [--cards 20000] [--keep DIR]

It writes a synthetic vault (terms, explicit and reversed cards, clozes, lists, one image per
note), then measures:
  - the whole command, `python -m quizgen anki VAULT -o OUT`, in a fresh process (wall time,
    interpreter start and imports included), first build and an unchanged rebuild;
  - the export alone, in process, on cards already extracted: build_anki (GUIDs, fields,
    media, stamps) + write_package + save_manifest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def make_vault(root: Path, cards: int) -> None:
    """About `cards` cards: each note makes ~50 (40 terms, 4 Q::A, 2 reversed, 2 clozes,
    a list of 4 and its parent)."""
    notes = max(1, cards // 50)
    (root / ".obsidian").mkdir(parents=True)
    for n in range(notes):
        course = root / f"Course {n % 20:02d}"
        course.mkdir(exist_ok=True)
        (course / f"figure-{n}.png").write_bytes(PNG + n.to_bytes(4, "big"))
        terms = "".join(
            f"- Term {n}-{t} : what term {t} of note {n} means, in a few words\n" for t in range(40)
        )
        explicit = "".join(f"Question {n}-{q}?::Answer {q} of note {n}\n" for q in range(4))
        both = "".join(f"Mot {n}-{q}:::Word {q} of note {n}\n" for q in range(2))
        text = (
            f"# Note {n}\n\n## Vocabulary\n\n{terms}\n## Questions\n\n{explicit}{both}\n"
            f"## Facts\n\nThe answer to note {n} is =={n * 7}== and not {n * 7 + 1}.\n\n"
            f"The figure ![[figure-{n}.png]] shows =={n} things==.\n\n"
            f"## Steps\n\n- The four steps of process {n} :\n"
            "    - gather\n    - sort\n    - check\n    - ship\n"
        )
        (course / f"Note {n}.md").write_text(text, encoding="utf-8")


def run_command(vault: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "quizgen", "anki", str(vault), "-o", str(out)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return time.perf_counter() - start


def export_only(vault_dir: Path, out: Path, runs: int) -> tuple[int, list[float], float]:
    from quizgen import anki
    from quizgen.extract import extract_vault
    from quizgen.vault import load_vault

    start = time.perf_counter()
    vault = load_vault(vault_dir)
    extraction = extract_vault(vault.notes, config=vault.config)
    read_and_extract = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        now = time.time()
        build = anki.build_anki(extraction, vault, {}, now=now)
        anki.write_package(build.notes, build.media.files, out / "bench.apkg", now=now)
        anki.save_manifest(out / anki.MANIFEST_NAME, build.manifest)
        times.append(time.perf_counter() - start)
    return len(build.notes), times, read_and_extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the vault and packages here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        base = args.keep or Path(temp)
        vault, out = base / "vault", base / "out"
        make_vault(vault, args.cards)
        full = run_command(vault, out / "cli")
        again = run_command(vault, out / "cli")
        notes, times, extract = export_only(vault, out / "lib", args.runs)
        export = statistics.median(times)
        package = out / "cli" / "vault.apkg"
        print(f"vault: {len(list(vault.rglob('*.md')))} notes -> {notes} Anki notes")
        print(f"quizgen anki, first build:     {full:6.2f} s  ({notes / full:,.0f} cards/s)")
        print(f"quizgen anki, unchanged again: {again:6.2f} s")
        print(f"  read + extract (in process): {extract:6.2f} s")
        print(
            f"  export (median of {len(times)}):      {export:6.2f} s  "
            f"({notes / export:,.0f} cards/s, {export / full:.0%} of the whole run)"
        )
        print(f"package: {package.stat().st_size / 1e6:.1f} MB, manifest: "
              f"{(out / 'cli' / '.quizgen-anki.json').stat().st_size / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
