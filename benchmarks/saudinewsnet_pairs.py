"""Stories and provenance on the hand-read SaudiNewsNet pairs, for the full-corpus trace.

    python benchmarks/saudinewsnet_pairs.py [--trace TRACE.json] [--corpus DIR]

The pairs (tests/data/saudinewsnet_pairs.jsonl and its second to seventh draws,
saudinewsnet_pairs_2.jsonl to _7.jsonl; how they were drawn and read in the .md beside each)
were labelled by reading, without naql's output. Without --trace the whole corpus is read,
cleaned and traced here (dates untrusted: they are crawl times), as benchmarks/
trace_saudinewsnet.py does. Prints each measure, its count and the pairs missed, the roundup
parts' figures (tests/data/saudinewsnet_roundups.md) and the SPA sample's origin
precision/recall on the same trace.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from naql.evaluate import PAIR_MEASURES, pair_scores, provenance_scores

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "data" / "saudinewsnet_pairs.jsonl"
PAIRS_2 = ROOT / "tests" / "data" / "saudinewsnet_pairs_2.jsonl"
PAIRS_3 = ROOT / "tests" / "data" / "saudinewsnet_pairs_3.jsonl"
PAIRS_4 = ROOT / "tests" / "data" / "saudinewsnet_pairs_4.jsonl"
PAIRS_5 = ROOT / "tests" / "data" / "saudinewsnet_pairs_5.jsonl"
PAIRS_6 = ROOT / "tests" / "data" / "saudinewsnet_pairs_6.jsonl"
PAIRS_7 = ROOT / "tests" / "data" / "saudinewsnet_pairs_7.jsonl"
ROUNDUPS = ROOT / "tests" / "data" / "saudinewsnet_roundups.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"


def gold_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def full_trace(corpus: Path) -> dict:
    """The whole corpus, read, cleaned and traced as the trace benchmark does."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_provenance import run_trace

    return run_trace(corpus, since="")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trace", type=Path, default=None, help="a naql trace --json output")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.trace:
        trace = json.loads(args.trace.read_text(encoding="utf-8"))
    else:
        trace = full_trace(args.corpus)
    draws = (
        ("first draw", PAIRS),
        ("second draw", PAIRS_2),
        ("third draw", PAIRS_3),
        ("fourth draw", PAIRS_4),
        ("fifth draw", PAIRS_5),
        ("sixth draw", PAIRS_6),
        ("seventh draw", PAIRS_7),
    )
    for label, path in draws:
        print(f"{label} ({path.name}):")
        for name, score in pair_scores(gold_pairs(path), trace).items():
            print(
                f"  {PAIR_MEASURES[name]}: {score.rate:.3f} ({score.correct} of {score.total})"
                + (f"; missed pairs {score.wrong}" if score.wrong else "")
            )
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_provenance import gold_lines

    # Drawn from the roundup parts naql cut and joined to a story (not blind to naql's output
    # as the draws are): of the pairs held together, the share read as one event.
    roundups = pair_scores(gold_pairs(ROUNDUPS), trace)
    same = roundups["same_event_together"]
    other = sum(
        score.total - score.correct
        for name, score in roundups.items()
        if name in ("different_event_apart", "unrelated_apart")
    )
    print(
        f"roundup parts ({ROUNDUPS.name}): same-event pairs together {same.correct} of "
        f"{same.total}; of the pairs together, one event {same.correct} of {same.correct + other}"
    )
    spa = provenance_scores(gold_lines(), trace)
    print(
        f"SPA sample origin: precision {spa.origin.precision:.3f}, recall {spa.origin.recall:.3f}"
    )
    print(f"time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
