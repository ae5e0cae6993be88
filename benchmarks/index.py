"""The index grown day by day: SaudiNewsNet added one zip at a time (``naql index add``).

    python benchmarks/index.py [--corpus ../shared/corpus/saudinewsnet] [--days N] [--db FILE]
                               [--holdout 500] [--seed 7]

For each day (zips in date order): the articles added, the seconds the add took (storing the
pages and re-tracing the whole archive, remembering), articles per second, and how much of the
memo was reused (remembered results / results asked, in all and per kind). Then the total time,
the index's size on disk and the peak memory; then one batch trace (naql.pipeline.trace over
every page added, in the same order, same config and cleaning) and whether its stories,
alignments and verdicts are identical to the index's; then the cost of the last day's add per
article added against the batch's per article (bar: <= 3 times).

Query latency: ``--holdout`` articles (seeded random) of the last day are kept out of the
index; each is queried in-process against it (p50/p95/p99 ms), and one ``naql query`` is timed
as a subprocess, start-up included. Skipped when naql.query is not there.

`date_extracted` is the crawl time, so dates are not trusted for direction (as in
benchmarks/trace_saudinewsnet.py). Times are time.perf_counter; memory is getrusage's max RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from naql import index, pipeline
from naql.clean import CleanConfig
from naql.ingest import ReadOptions, read_articles
from naql.memo import KINDS
from naql.records import Article, Problem, to_json
from naql.store import open_store

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "saudinewsnet"
OPTIONS = ReadOptions(
    text_field="content",
    outlet_field="source",
    date_field="date_extracted",
    id_field="url",
    author_field="author",
)
CLI_FIELDS = [
    "--text-field",
    "content",
    "--outlet-field",
    "source",
    "--date-field",
    "date_extracted",
    "--id-field",
    "url",
    "--author-field",
    "author",
]
SETTINGS = index.Settings(trust_dates=False)
BAR = 3.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reuse(report: index.AddReport) -> str:
    def share(hits: int, misses: int) -> str:
        return f"{hits / (hits + misses):.0%}" if hits + misses else "-"

    hits, misses = sum(report.reused.values()), sum(report.computed.values())
    kinds = ", ".join(
        f"{kind} {share(report.reused.get(kind, 0), report.computed.get(kind, 0))}"
        for kind in KINDS
    )
    return f"{share(hits, misses)} ({kinds})"


def db_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def same(name: str, ours: list[Any], theirs: list[Any]) -> bool:
    left, right = to_json(ours), to_json(theirs)
    if left == right:
        print(f"  {name}: identical ({len(left):,})")
        return True
    differ = [k for k, (a, b) in enumerate(zip(left, right)) if a != b]
    print(
        f"  {name}: DIFFERENT ({len(left):,} in the index, {len(right):,} in the batch, "
        f"{len(differ) + abs(len(left) - len(right)):,} differ)"
    )
    for k in differ[:3]:
        item = left[k]
        label = [item.get(key) for key in ("id", "a", "b", "article") if key in item]
        print(f"    first differing: #{k} {' '.join(map(str, label))}")
    return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[at]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--days", type=int, default=0, help="only the first N days (0 = all)")
    parser.add_argument("--db", type=Path, default=None, help="the index (default: a temp file)")
    parser.add_argument("--holdout", type=int, default=500, help="last-day articles kept out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    zips = sorted(args.corpus.glob("*.zip"))[: args.days or None]
    if not zips:
        print(f"index: {args.corpus}: no zip files (is ../shared/corpus there?)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="naql-index-bench-"))
    db = args.db or workdir / "naql.db"
    if db.exists():
        print(f"index: {db} exists; the benchmark builds a new index", file=sys.stderr)
        return 2

    try:
        from naql.query import QueryIndex
    except ImportError:
        QueryIndex = None  # type: ignore[assignment,misc]  # noqa: N806

    print(f"SaudiNewsNet: {len(zips)} days into {db}")
    print(f"{'day':<12}{'added':>7}{'seconds':>9}{'art/s':>8}  memo reuse (all; per kind)")
    added: list[Article] = []
    problems: list[Problem] = []
    held_out: list[Article] = []
    seconds: list[float] = []
    last_report: index.AddReport | None = None
    for number, path in enumerate(zips, 1):
        read = read_articles([str(path)], OPTIONS)
        pages = read.articles
        if number == len(zips) and QueryIndex is not None and args.holdout:
            chosen = set(
                random.Random(args.seed).sample(
                    range(len(pages)), min(args.holdout, len(pages) - 1)
                )
            )
            held_out = [p for k, p in enumerate(pages) if k in chosen]
            pages = [p for k, p in enumerate(pages) if k not in chosen]
        start = time.perf_counter()
        store = open_store(db)
        report = index.add(store, pages, SETTINGS, problems=read.problems)
        store.close()
        took = time.perf_counter() - start
        seconds.append(took)
        added.extend(pages)
        problems.extend(read.problems)
        last_report = report
        print(
            f"{path.stem:<12}{report.new:>7,}{took:>9.1f}{report.new / took:>8.0f}  {reuse(report)}",
            flush=True,
        )
    assert last_report is not None and last_report.trace is not None
    total = sum(seconds)
    print(
        f"total: {len(added):,} articles in {total:.1f} s ({len(added) / total:.0f} articles/s); "
        f"index {db_size(db) / 2**20:.0f} MB on disk; peak memory {peak_mb():.0f} MB"
    )
    stages = last_report.trace.timings
    print("last day's trace stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()))

    # ---- query latency (naql.query) ----------------------------------------------------------
    if QueryIndex is None or not held_out:
        print("query latency: naql.query not available; skipped")
    else:
        query_latency(QueryIndex, db, held_out, workdir)

    # ---- the same pages in one batch ------------------------------------------------------------
    start = time.perf_counter()
    whole = pipeline.trace(added, SETTINGS.config(), problems, cleaning=CleanConfig())
    batch_seconds = time.perf_counter() - start
    print(
        f"batch trace: {len(added):,} articles in {batch_seconds:.1f} s; peak memory {peak_mb():.0f} MB"
    )
    ours = last_report.trace
    identical = all(
        [
            same("stories", ours.stories, whole.stories),
            same("alignments", ours.alignments, whole.alignments),
            same("verdicts", ours.verdicts, whole.verdicts),
            same("articles", ours.articles, whole.articles),
            same("attributions", ours.attributions, whole.attributions),
        ]
    )
    print(f"index == batch: {'yes' if identical else 'NO'}")
    last = seconds[-1] / max(1, last_report.new) * 1000
    per = batch_seconds / len(added) * 1000
    print(
        f"cost of the last day: {last:.1f} ms/article vs batch {per:.1f} ms/article "
        f"(ratio {last / per:.1f}; bar <= {BAR:g})"
    )
    return 0 if identical else 1


def query_latency(query_index: Any, db: Path, held_out: list[Article], workdir: Path) -> None:
    store = open_store(db, readonly=True)
    start = time.perf_counter()
    searcher = query_index.load(store)
    loading = time.perf_counter() - start
    times, found = [], 0
    for article in held_out:
        start = time.perf_counter()
        result = searcher.query(article)
        times.append((time.perf_counter() - start) * 1000)
        found += bool(result.sources)
    store.close()
    print(
        f"query: {len(held_out)} held-out articles (not added), index loaded in {loading:.1f} s; "
        f"p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"p99 {percentile(times, 99):.1f} ms; {found} with a source in the index"
    )
    article = held_out[0]
    page = workdir / "query.json"
    record = {
        "content": article.text,
        "url": article.id,
        "source": article.outlet,
        "date_extracted": article.date,
        "title": article.title,
        "author": article.meta.get("author"),
    }
    page.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "naql.cli", "query", str(page), "--db", str(db), "--json"]
    start = time.perf_counter()
    run = subprocess.run([*command, *CLI_FIELDS], capture_output=True, text=True)
    took = time.perf_counter() - start
    status = "ok" if run.returncode == 0 else f"exit {run.returncode}: {run.stderr.strip()[:200]}"
    print(f"naql query (one article, a new process, start-up included): {took:.2f} s ({status})")


if __name__ == "__main__":
    sys.exit(main())
