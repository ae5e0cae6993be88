"""Provenance quality gate on real wire copy: SaudiNewsNet papers re-running SPA items.

The gold sample (tests/data/saudinewsnet_spa_sample.jsonl, see the .md beside it) was built and
hand-checked without naql's aligner. Only the articles crawled on the sample's days are traced,
to keep the test fast (~15 s); benchmarks/saudinewsnet_provenance.py scores the full corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import ROOT, shared

from naql.evaluate import provenance_scores

FLOORS = {
    "origin_precision": 0.8,
    "origin_recall": 0.9,
    "credit_precision": 0.95,
    "credit_recall": 0.9,
}


def test_spa_copy_is_traced_to_the_agency_credited_or_not() -> None:
    corpus = shared("saudinewsnet")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_provenance import gold_lines, run_trace

    result = run_trace(Path(corpus), since="2015-08-09")
    scores = provenance_scores(gold_lines(), json.loads(json.dumps(result)))
    assert scores.origin.precision >= FLOORS["origin_precision"]
    assert scores.origin.recall >= FLOORS["origin_recall"]
    assert scores.credits.precision >= FLOORS["credit_precision"]
    assert scores.credits.recall >= FLOORS["credit_recall"]
