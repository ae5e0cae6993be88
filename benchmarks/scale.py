"""How the trace's cost grows with the corpus: SaudiNewsNet at 1x, 2x, 4x ... its size.

    python benchmarks/scale.py [--sizes 1 2 4 16] [--backend local|spark] [--jobs N]
                               [--master local[*]] [--corpus ../shared/corpus/saudinewsnet]

How the larger corpora are made (seeded, so every run builds the same ones): copy 0 is the
corpus itself; copy k > 0 is the corpus written in a "parallel alphabet": every word that is not
a function word has its letters (the 28 base Arabic letters, a-z, 0-9) put through a bijection
drawn from ``random.Random(k)``, the same for every article of the copy, and its dates moved
k * 100 days on. Function words are kept, so each copy has the corpus's own reuse structure
(who copies whom, which texts share passages, how much is formula), while no two copies share a
content word: the known reuse of the Nx corpus is N times that of the corpus, and nothing
between copies. A size is run as one trace in a child process of its own (its peak memory is
its own), and the script prints per size: articles, wall time, peak memory, pairs with reuse,
how many of copy 0's pairs of pages (found at 1x; a page cut into parts counts as the page)
are found again in each copy ("known reuse found"), and pairs that cross copies (should be
none); then the growth exponent, the slope of log time on log size.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regex

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "saudinewsnet"
ARABIC_BASE = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LATIN = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
SHIFT_DAYS = 100
WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")
PART = regex.compile(r"#\d+$")


def alphabet(copy: int) -> dict[int, int]:
    """Copy ``copy``'s letter bijection (the identity for copy 0)."""
    table: dict[int, int] = {}
    if copy == 0:
        return table
    rng = random.Random(copy)
    for letters in (ARABIC_BASE, LATIN, DIGITS):
        shuffled = list(letters)
        rng.shuffle(shuffled)
        table.update({ord(a): ord(b) for a, b in zip(letters, shuffled)})
        if letters == LATIN:
            table.update({ord(a.upper()): ord(b.upper()) for a, b in zip(letters, shuffled)})
    return table


def rewrite(text: str, table: dict[int, int], seen: dict[str, str]) -> str:
    """``text`` in the copy's alphabet, function words kept as they are; ``seen`` remembers
    each word's rewrite (a corpus has far fewer distinct words than words)."""

    from naql.text import normalize
    from naql.text.tokenize import stopwords

    if not table:
        return text
    stop = stopwords()

    def word(match: regex.Match[str]) -> str:
        found = seen.get(match[0])
        if found is None:
            found = seen[match[0]] = (
                match[0] if normalize(match[0]) in stop else match[0].translate(table)
            )
        return found

    return WORD.sub(word, text)


def shifted(date: str | None, days: int) -> str | None:
    from datetime import datetime, timedelta

    if not date or not days:
        return date
    for size, pattern in ((19, "%Y-%m-%d %H:%M:%S"), (10, "%Y-%m-%d")):
        try:
            moved = datetime.strptime(date[:size], pattern) + timedelta(days=days)
        except ValueError:
            continue
        return moved.strftime(pattern) + date[size:]
    return date


def build(corpus: Path, size: int, out: Path) -> int:
    """The ``size``x corpus as one JSON-lines file (records as SaudiNewsNet's own)."""
    import zipfile

    records = []
    for archive in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(archive) as opened:
            for name in opened.namelist():
                if name.endswith(".json"):
                    records.extend(json.loads(opened.read(name)))
    count = 0
    with out.open("w", encoding="utf-8") as sink:
        for copy in range(size):
            table, seen = alphabet(copy), {}
            for record in records:
                record = dict(record)
                record["url"] = f"{record['url']}#copy{copy}" if copy else record["url"]
                for field in ("content", "title", "author"):
                    if isinstance(record.get(field), str):
                        record[field] = rewrite(record[field], table, seen)
                record["date_extracted"] = shifted(record.get("date_extracted"), copy * SHIFT_DAYS)
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def run_one(path: Path, backend: str, jobs: int | None, master: str | None) -> dict[str, object]:
    """One trace of ``path`` (in this process): time, memory and the pairs found."""
    from naql.backends import open_backend
    from naql.clean import CleanConfig
    from naql.config import Config, ProvenanceConfig
    from naql.ingest import ReadOptions, read_articles
    from naql.pipeline import trace

    start = time.perf_counter()
    options = ReadOptions(
        text_field="content", outlet_field="source", date_field="date_extracted", id_field="url"
    )
    read = read_articles([str(path)], options)
    runner = open_backend(backend, jobs, master)
    try:
        result = trace(
            read.take(),  # as `naql trace` does: the pages as read go once cleaned
            Config(provenance=ProvenanceConfig(trust_dates=False)),
            read.problems,
            cleaning=CleanConfig(),
            backend=runner,
        )
    finally:
        runner.close()
    wall = time.perf_counter() - start
    return {
        "articles": len(result.articles),
        "wall": wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "timings": result.timings,
        "pairs": sorted({(a.a, a.b) for a in result.alignments}),
    }


def copy_of(article_id: str) -> tuple[str, int]:
    page, _, copy = article_id.partition("#copy")
    if copy and "#" in copy:  # a split page: «url#copy2#1»
        copy, _, part = copy.partition("#")
        return f"{page}#{part}", int(copy)
    return page, int(copy) if copy else 0


def whole(article_id: str) -> str:
    """The page an article id is a part of («url#2» is «url»'s second part)."""
    return PART.sub("", article_id)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--backend", default="local")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--master", default=None)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child: trace this file
    args = parser.parse_args()
    if args.one is not None:
        figures = run_one(args.one, args.backend, args.jobs, args.master)
        print(json.dumps(figures))
        return 0
    if not list(args.corpus.glob("*.zip")):
        print(f"scale: no zips in {args.corpus}", file=sys.stderr)
        return 2
    rows = []
    known: set[tuple[str, str]] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sorted(set(args.sizes)):
            path = Path(folder) / f"x{size}.jsonl"
            build_start = time.perf_counter()
            count = build(args.corpus, size, path)
            built = time.perf_counter() - build_start
            child = [sys.executable, __file__, "--one", str(path), "--backend", args.backend]
            child += ["--jobs", str(args.jobs)] if args.jobs else []
            child += ["--master", args.master] if args.master else []
            done = subprocess.run(child, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                # The cause, not the JVM's stack frames.
                lines = [line for line in done.stderr.splitlines() if not line.startswith("\tat ")]
                print("\n".join(lines[-60:]), file=sys.stderr)
                return 1
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            path.unlink()
            pairs = [tuple(pair) for pair in figures["pairs"]]
            per_copy: dict[int, set[tuple[str, str]]] = {}
            crossing = 0
            for a, b in pairs:
                (page_a, copy_a), (page_b, copy_b) = copy_of(a), copy_of(b)
                if copy_a != copy_b:
                    crossing += 1
                    continue
                # Pages, not their parts: where a page is cut (its roundup's runs of lines
                # joined by topic, which the pile's IDF moves as it grows) is not reuse found.
                per_copy.setdefault(copy_a, set()).add((whole(page_a), whole(page_b)))
            if known is None:
                known = per_copy.get(0, set())
            found = [len(per_copy.get(k, set()) & known) / max(len(known), 1) for k in range(size)]
            rows.append((size, figures["wall"], figures["peak_mb"]))
            # Copy 0 is the corpus itself: its pairs found again measure what growth costs.
            # The other copies are read through another alphabet, which the Arabic stemmer
            # splits differently (it cannot see the affixes): their figure measures the copies.
            others = found[1:]
            print(
                f"{size}x: {count} articles (built in {built:.0f} s), trace {figures['wall']:.1f} s, "
                f"peak {figures['peak_mb']:.0f} MB (largest worker {figures['workers_peak_mb']:.0f} MB), "
                f"{len(pairs)} pairs with reuse; the corpus's own pairs found again: {found[0]:.3f}"
                + (
                    f"; in the other copies: min {min(others):.3f}, mean {sum(others) / len(others):.3f}"
                    if others
                    else ""
                )
                + f"; pairs across copies: {crossing}",
                flush=True,
            )
            print("   stages:", ", ".join(f"{k} {v:.1f}s" for k, v in figures["timings"].items()))
    if len(rows) > 1:
        xs = [math.log(size) for size, _, _ in rows]
        ys = [math.log(wall) for _, wall, _ in rows]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"growth exponent (log time on log size, {args.backend}): {slope:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
