"""Throughput of reading, parsing and extracting, against markdown-it-py's bare parse.

Generates a vault of realistic course notes (seed-deterministic: French and English, headings,
tab-nested bullets, terms, definition sentences, acronyms, mermaid, tables, callouts, explicit
cards, metadata, scheduling comments...) into a temporary folder, then measures:

  (a) markdown-it-py's bare parse of the same texts: `MarkdownIt().parse(text)` (the commonmark
      preset, markdown-it-py's default), with the js "default" preset and quizgen's own
      configured parser printed for reference;
  (b) quizgen's parse + extract: `parse_note` + `extract_cards`, caches cleared before each pass
      (one pass is one `quizgen cards` run over the vault);
  (c) reading the vault: `load_vault` (files already in the OS cache);
  (d) what `quizgen` commands do: `extract_vault`, which reads a large vault on every core
      (printed for reference: the goal compares one process with markdown-it's one process);

and prints notes/s for each and the ratio (b)/(a). Goal: under 2x.

    python bench/bench_extract.py                 # 2,000 notes, best of 3
    python bench/bench_extract.py --profile       # + cProfile of (b): top 15 by cumulative time
                                                  #   and by own time
    python bench/bench_extract.py --notes 200 --repeat 1 --keep /tmp/vault
    python bench/bench_extract.py --shapes        # long flat sections: is the cost linear?

Run by hand; not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import os
import pstats
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from markdown_it import MarkdownIt  # noqa: E402

from quizgen import tune_gc  # noqa: E402
from quizgen.extract import extract_cards, extract_vault  # noqa: E402
from quizgen.model import Note  # noqa: E402
from quizgen.outline import parse_note  # noqa: E402
from quizgen.vault import Vault, load_vault  # noqa: E402

GOAL = 2.0

# ---------------------------------------------------------------- vocabulary

# fmt: off
EN = {
    "subjects": [
        "Operating Systems", "Computer Networks", "Databases", "Cell Biology", "Microeconomics",
        "Thermodynamics", "Linear Algebra", "Organic Chemistry", "Software Engineering",
        "Statistics", "Modern History", "Contract Law", "Genetics", "Machine Learning",
    ],
    "nouns": [
        "process", "thread", "scheduler", "kernel", "page table", "cache", "socket", "router",
        "packet", "frame", "index", "transaction", "lock", "enzyme", "membrane", "ribosome",
        "market", "demand curve", "supply shock", "entropy", "heat engine", "matrix", "vector",
        "eigenvalue", "alkene", "nucleophile", "module", "interface", "estimator", "variance",
        "treaty", "revolution", "contract", "offer", "allele", "genotype", "classifier",
        "gradient", "loss function", "hash table", "binary tree", "protocol", "buffer",
    ],
    "adjectives": [
        "small", "fast", "shared", "virtual", "physical", "stable", "linear", "random",
        "binding", "recessive", "dominant", "elastic", "isolated", "reversible", "optimal",
    ],
    "verbs": [
        "stores", "maps", "schedules", "transmits", "protects", "measures", "converts",
        "controls", "splits", "combines", "predicts", "limits", "encodes", "returns",
    ],
    "intros": ["There are {n} types:", "{n} steps:", "Main properties:", "Examples:"],
    "sentence": [
        "{X} is a {adj} {noun} that {verb} the {noun2}.",
        "{X} are {adj} {noun}s used by the {noun2}.",
        "{X} allows the {noun} to {verb_inf} the {noun2}.",
        "{X} consists of a {noun} and a {noun2}.",
        "It is important to check the {noun} before the {noun2}.",
        "The {noun} usually {verb} the {noun2} when it is {adj}.",
    ],
    "question": "{n}. During which phase does the {noun} {verb_inf} the {noun2}?",
    "labels": ["Note", "Example", "Warning", "Remember"],
}
FR = {
    "subjects": [
        "Systèmes d'exploitation", "Réseaux", "Bases de données", "Biologie cellulaire",
        "Microéconomie", "Thermodynamique", "Algèbre linéaire", "Chimie organique",
        "Génie logiciel", "Statistiques", "Histoire moderne", "Droit des contrats",
        "Cloud et Virtualisation", "Électronique",
    ],
    "nouns": [
        "processus", "thread", "ordonnanceur", "noyau", "table des pages", "cache", "socket",
        "routeur", "paquet", "trame", "index", "transaction", "verrou", "enzyme", "membrane",
        "marché", "courbe de demande", "entropie", "machine thermique", "matrice", "vecteur",
        "valeur propre", "alcène", "module", "interface", "estimateur", "variance", "traité",
        "contrat", "offre", "allèle", "hyperviseur", "machine virtuelle", "conteneur",
        "adresse IP", "passerelle", "serveur", "acide", "base", "tampon",
    ],
    "adjectives": [
        "petit", "rapide", "partagé", "virtuel", "physique", "stable", "linéaire", "aléatoire",
        "récessif", "dominant", "élastique", "isolé", "réversible", "optimal", "logique",
    ],
    "verbs": [
        "stocke", "associe", "ordonne", "transmet", "protège", "mesure", "convertit",
        "contrôle", "découpe", "combine", "prédit", "limite", "encode", "renvoie",
    ],
    "intros": ["Il existe {n} types :", "{n} étapes :", "Propriétés principales :", "Exemples :"],
    "sentence": [
        "{X} est un {noun} {adj} qui {verb} le {noun2}.",
        "{X} sont des {noun}s {adj}s utilisés par le {noun2}.",
        "{X} permet de {verb_inf} le {noun2}.",
        "On appelle {X} le {noun} qui {verb} le {noun2}.",
        "{X} désigne un {noun} {adj}.",
        "Il est important de vérifier le {noun} avant le {noun2}.",
        "{X} n'est pas un {noun} {adj}.",
        "C'est le {noun} qui {verb} le {noun2}.",
    ],
    "question": "{n}. Pendant quelle phase le {noun} {verb} -il le {noun2} ?",
    "labels": ["Remarque", "Exemple", "Attention", "Note"],
}
# fmt: on
ACRONYMS = [
    ("Error Correction Code", "ECC"),
    ("Central Processing Unit", "CPU"),
    ("Dynamic Host Configuration Protocol", "DHCP"),
    ("Transmission Control Protocol", "TCP"),
    ("Virtual Machine Monitor", "VMM"),
    ("Non-Uniform Memory Access", "NUMA"),
    ("Gross Domestic Product", "GDP"),
    ("Deoxyribonucleic Acid", "DNA"),
    ("Random Access Memory", "RAM"),
    ("Structured Query Language", "SQL"),
]  # fmt: skip
CALLOUTS = ["tip", "note", "warning", "info", "example", "question", "important"]


class NoteWriter:
    """Writes one note: a random mix of the structures students use, in one language."""

    def __init__(self, rng: random.Random, lang: str, index: int) -> None:
        self.rng = rng
        self.lang = lang
        self.words = FR if lang == "fr" else EN
        self.index = index
        self.out: list[str] = []

    # -- words
    def pick(self, key: str) -> str:
        return self.rng.choice(self.words[key])

    def term(self) -> str:
        """A concept name: a noun, sometimes qualified, sometimes with a number, so that notes
        differ from each other the way real ones do (and caches cannot hide the work)."""
        noun = self.pick("nouns")
        roll = self.rng.random()
        if roll < 0.3:
            noun = f"{noun} {self.pick('adjectives')}"
        elif roll < 0.45:
            noun = f"{noun} {self.rng.randint(1, 99)}"
        elif roll < 0.55:
            noun = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(3))
        return noun[0].upper() + noun[1:]

    def phrase(self, low: int = 3, high: int = 12) -> str:
        pool = [
            *self.words["nouns"], *self.words["adjectives"], *self.words["verbs"],
            "the" if self.lang == "en" else "le", "of" if self.lang == "en" else "de",
            "and" if self.lang == "en" else "et", "with" if self.lang == "en" else "avec",
        ]  # fmt: skip
        words = [self.rng.choice(pool) for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words)), f"**{self.rng.choice(pool)}**")
        if self.rng.random() < 0.1:
            words.append(f"[[{self.rng.choice(self.words['nouns'])}]]")
        if self.rng.random() < 0.05:
            words.append(f"$x_{self.rng.randint(0, 9)}^2$")
        return " ".join(words)

    def sentence(self) -> str:
        template = self.pick("sentence")
        verb = self.pick("verbs")
        verb_inf = verb.rstrip("s") if self.lang == "en" else verb + "r"
        return template.format(
            X=self.term(), noun=self.pick("nouns"), noun2=self.pick("nouns"),
            adj=self.pick("adjectives"), verb=verb, verb_inf=verb_inf,
        )  # fmt: skip

    def colon(self) -> str:
        if self.lang == "fr":
            return self.rng.choice([" : ", " : ", "\u00a0: ", " :", ": "])
        return self.rng.choice([": ", ": ", " : ", " - ", " = "])

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    # -- blocks
    def header(self, subject: str) -> None:
        if self.rng.random() < 0.5:
            tags = self.rng.sample(["cours", "exam", "td", "revision", "s1", "s2", "todo"], 2)
            fm = ["---", f"tags: [{', '.join(tags)}]"]
            if self.rng.random() < 0.5:
                fm.append(f"course: {subject}")
            if self.rng.random() < 0.2:
                fm.append(f"lang: {self.lang}")
            if self.rng.random() < 0.2:
                fm.append(f"aliases: [{self.term()}]")
            self.add(*fm, "---")
        if self.rng.random() < 0.4:
            bullet = "* " if self.rng.random() < 0.5 else ""
            key = "Cours" if self.lang == "fr" else "Course"
            sep = ":" if bullet else ": "
            day, month = self.rng.randint(1, 28), self.rng.randint(1, 12)
            self.add(f"{bullet}{key}{sep}[[{subject}]]", f"{bullet}Date: {day:02}-{month:02}-2023")
            if self.rng.random() < 0.5:
                self.add(f"Tags: #{subject.split(maxsplit=1)[0].lower()} #{self.lang}")
            self.add("")

    def bullets(self, depth: int = 0, max_depth: int = 3) -> None:
        marker = self.rng.choice(["*", "*", "-", "+"])
        for _ in range(self.rng.randint(2, 5) if depth == 0 else self.rng.randint(1, 4)):
            indent = "\t" * depth
            roll = self.rng.random()
            if roll < 0.35:
                text = f"{self.term()}{self.colon()}{self.phrase()}"
            elif roll < 0.45:
                text = f"**{self.term()}**{self.colon().rstrip()} {self.phrase()}"
            elif roll < 0.55:
                text = self.sentence()
            elif roll < 0.6:
                long, short = self.rng.choice(ACRONYMS)
                text = self.rng.choice(
                    [f"{long} ({short})", f"{short} ({long})", f"{long}({short})"]
                )
            elif roll < 0.63:
                text = f"![[{self.term().lower().replace(' ', '-')}.png]]"
            elif roll < 0.65:
                text = ""  # an empty bullet
            else:
                text = self.term() + (" :" if self.rng.random() < 0.3 else "")
            trailing = " " if self.rng.random() < 0.2 else ""
            self.add(f"{indent}{marker} {text}{trailing}")
            if depth < max_depth and self.rng.random() < 0.4 - 0.12 * depth:
                self.bullets(depth + 1, max_depth)
            elif self.rng.random() < 0.08:
                self.add(f"{indent}\t-> {self.phrase(2, 6)}")

    def intro_list(self) -> None:
        n = self.rng.randint(2, 5)
        self.add(self.pick("intros").format(n=n))
        ordered = self.rng.random() < 0.5
        for i in range(1, n + 1):
            self.add(f"{i}. {self.term()}" if ordered else f"- {self.term()}")
            if self.rng.random() < 0.3:
                self.add(f"\t- {self.phrase(3, 8)}")

    def worksheet(self) -> None:
        for n in range(1, self.rng.randint(2, 4) + 1):
            verb = self.pick("verbs")
            verb_inf = verb.rstrip("s") if self.lang == "en" else verb + "r"
            self.add(str(self.words["question"]).format(
                n=n, noun=self.pick("nouns"), noun2=self.pick("nouns"), verb=verb,
                verb_inf=verb_inf,
            ))  # fmt: skip
            for _ in range(self.rng.randint(1, 3)):
                self.add(f"\t- {self.phrase(2, 8)}")

    def paragraph(self) -> None:
        lines = [self.sentence() for _ in range(self.rng.randint(1, 4))]
        if self.rng.random() < 0.3:
            lines.append(" ".join(self.phrase(8, 20) for _ in range(self.rng.randint(2, 6))) + ".")
        self.add(*lines)

    def mermaid(self) -> None:
        n = self.rng.randint(4, 10)
        labels = [self.term() for _ in range(n)]
        shapes = ["[{}]", "({})", "{{{}}}", "(({}))", "[[{}]]"]
        self.add("```mermaid", self.rng.choice(["graph TD", "graph LR", "flowchart TD"]))
        for i in range(1, n):
            parent = self.rng.randrange(i)
            shape = self.rng.choice(shapes).format(labels[i])
            edge = self.rng.choice(["-->", "-->", "---", f"-->|{self.pick('adjectives')}|"])
            self.add(f"    N{parent}({labels[parent]}) {edge} N{i}{shape}")
        self.add("```")

    def table(self) -> None:
        cols = self.rng.randint(2, 4)
        header = [self.term() for _ in range(cols)]
        self.add("| " + " | ".join(header) + " |", "|" + "---|" * cols)
        for _ in range(self.rng.randint(2, 5)):
            cells = [self.term()] + [self.phrase(1, 5) for _ in range(cols - 1)]
            self.add("| " + " | ".join(cells) + " |")

    def callout(self) -> None:
        self.add(f"> [!{self.rng.choice(CALLOUTS)}] {self.term()}")
        for _ in range(self.rng.randint(1, 3)):
            self.add(f"> {self.sentence()}" if self.rng.random() < 0.5 else f"> - {self.phrase()}")

    def explicit(self) -> None:
        roll = self.rng.random()
        if roll < 0.3:
            self.add(f"{self.term()}::{self.phrase(2, 8)}")
        elif roll < 0.45:
            self.add(f"{self.term()}:::{self.phrase(2, 6)}")
        elif roll < 0.65:
            self.add(f"{self.sentence().rstrip('.')}?", "?", self.phrase(3, 10))
        elif roll < 0.8:
            self.add(f"{self.term()} {self.pick('verbs')} =={self.pick('nouns')}==.")
        else:
            self.add(f"{self.term()} {self.pick('verbs')} {{{{c1::{self.pick('nouns')}}}}}.")
        if self.rng.random() < 0.3:
            day = self.rng.randint(1, 28)
            interval, ease = self.rng.randint(1, 60), self.rng.randint(130, 300)
            self.add(f"<!--SR:!2025-07-{day:02},{interval},{ease}-->")

    def code(self) -> None:
        self.add("```python", f"def f{self.index}(x):", "    return x * 2", "```")

    def math(self) -> None:
        self.add("$$", f"E_{self.rng.randint(0, 9)} = \\frac{{a}}{{b}} + c^2", "$$")

    def labelled(self) -> None:
        self.add(f"{self.pick('labels')} : {self.sentence()}")

    BLOCKS: Sequence[tuple[float, str]] = (
        (5.0, "bullets"), (2.0, "paragraph"), (1.2, "intro_list"), (0.6, "worksheet"),
        (0.5, "mermaid"), (0.6, "table"), (0.6, "callout"), (1.2, "explicit"),
        (0.3, "code"), (0.3, "math"), (0.4, "labelled"),
    )  # fmt: skip

    def write(self) -> tuple[str, str]:
        subject = self.pick("subjects")
        title = f"{self.term()} {self.index:04}"
        self.header(subject)
        self.add(f"# {title}", "")
        weights = [w for w, _ in self.BLOCKS]
        names = [name for _, name in self.BLOCKS]
        for _ in range(self.rng.randint(2, 6)):
            self.add(f"{'#' * self.rng.choice([2, 2, 3])} {self.term()}", "")
            for name in self.rng.choices(names, weights, k=self.rng.randint(1, 4)):
                getattr(self, name)()
                self.add("")
        if self.rng.random() < 0.3:
            self.add("---", f"[[{subject}#Notes|up]]")
        return subject, "\n".join(self.out) + "\n"


def generate_vault(root: Path, count: int, seed: int) -> str:
    """Write `count` notes under `root` (folders by subject) and return a digest of them."""
    rng = random.Random(seed)
    digest = hashlib.sha256()
    for i in range(count):
        lang = "fr" if rng.random() < 0.5 else "en"
        subject, text = NoteWriter(random.Random(rng.getrandbits(64)), lang, i).write()
        folder = root / subject.replace("'", "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"Note {i:04}.md"
        data = text.replace("\n", "\r\n") if rng.random() < 0.1 else text  # some Windows notes
        path.write_text(data, encoding="utf-8", newline="")
        digest.update(data.encode())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------- measuring


def clear_caches() -> None:
    """Forget every memoised function of quizgen: the next pass is a cold `quizgen cards`."""
    for name, module in list(sys.modules.items()):
        if name != "quizgen" and not name.startswith("quizgen."):
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def best_of(
    repeat: int, run: Callable[[], object], before: Callable[[], None] | None = None
) -> float:
    times: list[float] = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_parse(md: MarkdownIt, texts: Sequence[str]) -> Callable[[], None]:
    def run() -> None:
        for text in texts:
            md.parse(text)

    return run


def quizgen_pass(vault: Vault, cards: list[int]) -> Callable[[], None]:
    """One pass over the notes; appends the number of cards made to `cards`."""

    def run() -> None:
        made = 0
        for note in vault.notes:
            outline = parse_note(note.text, separators=vault.config.separators, path=note.rel_path)
            made += len(extract_cards(note, config=vault.config, outline=outline).cards)
        cards.append(made)

    return run


def report(label: str, seconds: float, notes: int, megabytes: float, base: float | None) -> None:
    ratio = f"{seconds / base:6.2f}x" if base else "   base"
    print(f"  {label:<44} {seconds:8.3f} s {notes / seconds:9.0f} notes/s "
          f"{megabytes / seconds:7.2f} MB/s  {ratio}")  # fmt: skip


def profile(run: Callable[[], object], top: int, sorts: Sequence[str]) -> None:
    clear_caches()
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    for sort in sorts:
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.strip_dirs().sort_stats(sort).print_stats(top)
        print(f"--- top {top} by {sort}")
        print(stream.getvalue().strip() + "\n")


# Long flat sections: every line is a sibling of every other, where a per-line look at the
# siblings would make the cost quadratic.
SHAPES: dict[str, Callable[[int], str]] = {
    "glossary (`- term : definition`)": lambda n: (
        "# Glossaire\n\n"
        + "\n".join(f"- terme{i} : définition du terme numéro {i}" for i in range(n))
    ),
    "revision sheet (`- Question ?` / `- answer`)": lambda n: (
        "# Révisions\n\n"
        + "\n".join(
            f"- Question {i} sur le sujet ?\n- Réponse {i} : le terme t{i % 7}"
            for i in range(n // 2)
        )
    ),
    "acrostic (`D - descendre`)": lambda n: (
        "# Verbes\n\n" + "\n".join(f"{chr(65 + i % 26)} - verbe{i}" for i in range(n))
    ),
}


def shapes(repeat: int) -> int:
    print("Long flat sections, 1,000 and 10,000 lines; ratio = time(10k) / time(1k), linear = 10")
    for name, make in SHAPES.items():
        times = []
        for lines in (1_000, 10_000):
            note = Note(path=Path("shape.md").absolute(), rel_path="shape.md", text=make(lines))
            times.append(best_of(repeat, partial(extract_cards, note), before=clear_caches))
        print(f"  {name:<46} {times[0]:7.3f} s  {times[1]:7.3f} s   x{times[1] / times[0]:5.1f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=2000, help="notes to generate (2000)")
    parser.add_argument("--seed", type=int, default=20240601, help="generator seed")
    parser.add_argument("--repeat", type=int, default=3, help="passes per measure; best kept (3)")
    parser.add_argument("--profile", action="store_true", help="cProfile quizgen's parse+extract")
    parser.add_argument("--top", type=int, default=15, help="functions shown by --profile (15)")
    parser.add_argument(
        "--sort",
        action="append",
        help="pstats sort key for --profile, repeatable (default: cumulative, then tottime)",
    )
    parser.add_argument("--keep", type=Path, help="write the vault here instead of a temp folder")
    parser.add_argument("--vault", type=Path, help="measure this vault instead of a generated one")
    parser.add_argument(
        "--shapes",
        action="store_true",
        help="only time long flat sections (glossary, Q/A sheet) at two sizes: cost must be linear",
    )
    args = parser.parse_args(argv)
    tune_gc()  # the collector settings the `quizgen` commands run with
    if args.shapes:
        return shapes(args.repeat)

    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        if args.vault:
            root, digest = args.vault, "-"
        else:
            root = args.keep or Path(tmp) / "vault"
            root.mkdir(parents=True, exist_ok=True)
            digest = generate_vault(root, args.notes, args.seed)

        read_time = best_of(args.repeat, lambda: load_vault(root))
        vault = load_vault(root)
        texts = [note.text for note in vault.notes]
        sizes = [len(text.encode()) for text in texts]
        megabytes = sum(sizes) / 1e6
        count = len(texts)
        print(f"quizgen bench: {count} notes, {megabytes:.2f} MB (median "
              f"{statistics.median(sizes) / 1000:.1f} KB), seed {args.seed}, digest {digest}, "
              f"best of {args.repeat}, Python {sys.version.split()[0]}")  # fmt: skip
        if vault.problems:
            print(f"  ({len(vault.problems)} warnings while reading, e.g. {vault.problems[0]})")

        from quizgen.outline import _parser  # quizgen's configured markdown-it, for reference

        bare = best_of(args.repeat, bare_parse(MarkdownIt(), texts))
        js_default = best_of(args.repeat, bare_parse(MarkdownIt("default"), texts))
        configured = best_of(args.repeat, bare_parse(_parser(), texts))
        made: list[int] = []
        run = quizgen_pass(vault, made)
        ours = best_of(args.repeat, run, before=clear_caches)
        warm = best_of(1, run)
        cards = made[0]

        print("\n(a) markdown-it-py bare parse")
        report("MarkdownIt().parse  [commonmark preset]", bare, count, megabytes, None)
        report("MarkdownIt('default').parse  [reference]", js_default, count, megabytes, bare)
        report("quizgen's configured parser  [reference]", configured, count, megabytes, bare)
        print("(b) quizgen parse_note + extract_cards")
        report("cold caches (one `quizgen cards` run)", ours, count, megabytes, bare)
        report("warm caches (a second pass)  [reference]", warm, count, megabytes, bare)
        print("(c) reading the vault")
        report("load_vault (OS cache warm)", read_time, count, megabytes, bare)
        cores = os.cpu_count() or 1
        whole = best_of(args.repeat, lambda: extract_vault(vault.notes, config=vault.config),
                        before=clear_caches)  # fmt: skip
        print(f"(d) extract_vault, as the commands run it ({cores} cores)  [reference]")
        report("parse + extract, every core", whole, count, megabytes, bare)
        print(f"\n{cards} cards, {cards / count:.1f} per note.")
        ratio = ours / bare
        verdict = "met" if ratio < GOAL else "NOT met"
        print(f"(b)/(a) = {ratio:.2f}x  (goal: under {GOAL:g}x: {verdict})")

        if args.profile:
            print("\ncProfile of (b), cold caches:")
            profile(run, args.top, args.sort or ["cumulative", "tottime"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
