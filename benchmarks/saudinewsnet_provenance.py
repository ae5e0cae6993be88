"""Origin and credit precision/recall on the hand-checked SaudiNewsNet sample.

    python benchmarks/saudinewsnet_provenance.py [--trace TRACE.json] [--since 2015-08-09]

The sample (tests/data/saudinewsnet_spa_sample.jsonl, built without naql's aligner; see the .md
beside it) lists paper articles that re-ran Saudi Press Agency copy (source `was`) and hard
negatives. Without --trace, the articles crawled since --since are read, cleaned and traced
here (dates untrusted: they are crawl times). Prints origin and credit precision/recall.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from naql.evaluate import provenance_scores

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "saudinewsnet_spa_sample.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"


def gold_lines(sample: Path = SAMPLE) -> list[dict]:
    lines = [
        json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [
        {
            "copy": line["paper_url"],
            "source": line["spa_url"],
            "reused": line["rerun"],
            "credits_source": line["credits_spa"],
            "source_outlet": "spa",
        }
        for line in lines
    ]


def run_trace(corpus: Path, since: str) -> dict:
    from naql.backends import open_backend
    from naql.clean import clean_articles
    from naql.config import Config, ProvenanceConfig
    from naql.ingest import ReadOptions, read_articles
    from naql.pipeline import trace
    from naql.records import to_json

    options = ReadOptions(
        text_field="content", outlet_field="source", date_field="date_extracted", id_field="url"
    )
    read = read_articles([str(z) for z in sorted(corpus.glob("*.zip"))], options)
    articles = [a for a in read.articles if (a.date or "") >= since]
    articles = clean_articles(articles).articles
    # Every core: the result is the one-core result (tests/test_backends.py), sooner.
    result = trace(
        articles, Config(provenance=ProvenanceConfig(trust_dates=False)), backend=open_backend()
    )
    return to_json(result)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--trace", type=Path, default=None, help="a naql trace --json output to score"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--since", default="2015-08-09", help="crawl date of the first article traced"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    trace = (
        json.loads(args.trace.read_text(encoding="utf-8"))
        if args.trace
        else run_trace(args.corpus, args.since)
    )
    gold = gold_lines()
    scores = provenance_scores(gold, trace)
    positives = sum(1 for line in gold if line["reused"])
    print(
        f"sample: {len(gold)} pairs ({positives} re-runs of SPA copy, {len(gold) - positives} hard negatives)"
    )
    for name, part in (("origin", scores.origin), ("credits", scores.credits)):
        print(
            f"{name:8} precision {part.precision:.3f}  recall {part.recall:.3f}  F1 {part.f1:.3f}  "
            f"(tp {part.true_positives}, fp {part.false_positives}, fn {part.false_negatives})"
        )
    print(f"time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
