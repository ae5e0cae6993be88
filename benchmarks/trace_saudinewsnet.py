"""The full SaudiNewsNet trace: read, clean, align, stories, provenance on 31,030 articles.

    python benchmarks/trace_saudinewsnet.py [--corpus ../shared/corpus/saudinewsnet] [--json OUT]
                                           [--repeat N]

Prints wall time per stage and in all, peak memory, and what was found: stories, pairs with
reuse, and how the Saudi Press Agency's copy (source `was`) travels (stories whose origin is an
SPA article, papers' articles derived from it). Bar (issue #4): <= 120 s and <= 4 GB on a
2-core machine. `date_extracted` is the crawl time, so dates are not trusted for direction.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from naql.backends import open_backend
from naql.clean import CleanConfig
from naql.config import Config, ProvenanceConfig
from naql.ingest import ReadOptions, read_articles
from naql.pipeline import clean, trace
from naql.records import to_json

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "saudinewsnet"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path, default=None, help="write the full trace here")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0 = all)")
    parser.add_argument("--backend", default="local", help="local or spark")
    parser.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument("--master", default=None, help="Spark master URL (default: local[*])")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs, each in a fresh process; prints the median"
    )
    args = parser.parse_args()
    if args.repeat > 1:
        return repeated(args.repeat)
    zips = sorted(args.corpus.glob("*.zip"))
    if not zips:
        print(f"trace_saudinewsnet: no zips in {args.corpus}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    options = ReadOptions(
        text_field="content", outlet_field="source", date_field="date_extracted", id_field="url"
    )
    read = read_articles([str(z) for z in zips], options)
    articles = read.take()  # as `naql trace` does: the pages as read go once cleaned
    articles = articles[: args.limit] if args.limit else articles
    read_seconds = time.perf_counter() - start
    config = Config(provenance=ProvenanceConfig(trust_dates=False))
    backend = open_backend(args.backend, args.jobs, args.master)
    try:
        # As `naql trace` cleans: on the backend's workers where that pays (on Spark, always).
        clean_start = time.perf_counter()
        articles = clean(articles, CleanConfig(), backend=backend).articles
        clean_seconds = time.perf_counter() - clean_start
        result = trace(articles, config, read.problems, backend=backend)
    finally:
        backend.close()
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outlet = {a.id: a.outlet for a in result.articles}
    spa_origin = [s for s in result.stories if s.origin and outlet.get(s.origin) == "was"]
    derived_from_spa = sum(
        1
        for s in spa_origin
        for v in result.verdicts
        if v.story == s.id and v.derivation != "independent" and outlet.get(v.article) != "was"
    )
    multi = [s for s in result.stories if len(s.articles) > 1]
    print(f"SaudiNewsNet: {len(articles)} articles read ({len(read.problems)} problems)")
    print(
        f"stories: {len(result.stories)} ({len(multi)} with 2+ articles), pairs with reuse: {len(result.alignments)}"
    )
    print(
        f"stories whose origin is an SPA (was) article: {len(spa_origin)}; paper articles derived from them: {derived_from_spa}"
    )
    kinds = collections.Counter(v.derivation for v in result.verdicts)
    print("derivation classes:", dict(kinds))
    stages = {"read": read_seconds, "clean": clean_seconds, **result.timings}
    print("stages:", ", ".join(f"{name} {seconds:.1f}s" for name, seconds in stages.items()))
    print(f"wall time: {wall:.1f} s")
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"backend: {backend.name}, {backend.workers} workers")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB (largest worker {children_mb:.0f} MB)")
    if args.json:
        args.json.write_text(json.dumps(to_json(result), ensure_ascii=False), encoding="utf-8")
    return 0


def repeated(runs: int) -> int:
    """The same command without ``--repeat``, ``runs`` times in turn, each in a fresh process
    (imports, reading and the workers' start included, as a user's run pays them)."""
    arguments = list(sys.argv[1:])
    for k, argument in enumerate(arguments):
        if argument.startswith("--repeat"):
            del arguments[k : k + (1 if "=" in argument else 2)]
            break
    walls, peaks = [], []
    for run in range(1, runs + 1):
        done = subprocess.run(
            [sys.executable, __file__, *arguments], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return done.returncode
        wall = _figure(r"wall time: ([0-9.]+) s", done.stdout)
        peak = _figure(r"peak memory \(max RSS\): ([0-9.]+) MB", done.stdout)
        walls.append(wall)
        peaks.append(peak)
        print(f"run {run}: {wall:.1f} s, {peak:.0f} MB", flush=True)
    print(
        f"median of {runs}: {statistics.median(walls):.1f} s "
        f"(min {min(walls):.1f}, max {max(walls):.1f}), peak {max(peaks):.0f} MB"
    )
    return 0


def _figure(pattern: str, printed: str) -> float:
    found = re.search(pattern, printed)
    if found is None:
        raise SystemExit(f"trace_saudinewsnet: a run printed no {pattern!r}:\n{printed}")
    return float(found.group(1))


if __name__ == "__main__":
    sys.exit(main())
