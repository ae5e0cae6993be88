"""ExAra dev benchmark: naql's PAN alignment + evaluation, quality, wall time and peak memory.

    python benchmarks/exara.py [--corpus ../shared/corpus/exara-dev] [--out DIR]

Prints plagdet, precision, recall and granularity overall and per obfuscation type, the wall
time of the whole run (read, tokenize, candidates, align, write, evaluate) and the process's
peak resident memory. Bars (issue #2): plagdet >= 0.85, granularity <= 1.10, recall >= 0.95 on
`none` and >= 0.80 on `word shuffling`, <= 20 s and <= 1.5 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from naql.backends import open_backend
from naql.evaluate import evaluate_dirs
from naql.pan import align_pan

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "exara-dev"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--out", type=Path, default=None, help="keep the detections here")
    parser.add_argument("--backend", default="local", help="local or spark")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (1: this one)")
    parser.add_argument("--master", default=None, help="Spark master URL (default: local[*])")
    args = parser.parse_args()
    if not (args.corpus / "susp").is_dir():
        print(
            f"exara: {args.corpus}: no susp/ folder (is ../shared/corpus there?)", file=sys.stderr
        )
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="naql-exara-"))
    start = time.perf_counter()
    backend = open_backend(args.backend, args.jobs, args.master)
    try:
        run = align_pan(
            str(args.corpus / "susp"), str(args.corpus / "src"), str(out), backend=backend
        )
    finally:
        backend.close()
    evaluated = time.perf_counter()
    report = evaluate_dirs(args.corpus / "gold", out)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ExAra dev: {run.documents} suspicious documents, {run.detections} detections in {out}")
    print(f"{'obfuscation':<28} {'cases':>6} {'prec':>7} {'recall':>7} {'gran':>7} {'plagdet':>8}")
    rows = [("all", report.overall)] + sorted(report.by_obfuscation.items())
    for name, s in rows:
        print(
            f"{name:<28} {s.cases:>6} {s.precision:>7.4f} {s.recall:>7.4f} {s.granularity:>7.4f} {s.plagdet:>8.4f}"
        )
    stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in run.timings.items())
    print(f"stages: {stages}, evaluate {time.perf_counter() - evaluated:.2f}s")
    print(f"wall time (align + eval): {wall:.2f} s")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
