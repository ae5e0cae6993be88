"""CI quality gate: the aligner on a fixed ExAra slice must not fall below the pinned floors."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import shared

from naql import pan
from naql.evaluate import pan_report
from naql.pan import align_pan

FLOOR = json.loads((Path(__file__).parent / "quality_floor.json").read_text(encoding="utf-8"))


def test_exara_slice_stays_above_the_pinned_floor(tmp_path: Path) -> None:
    corpus = shared("exara-dev")
    names = sorted(path.name for path in (corpus / "susp").glob("*.txt"))[
        : FLOOR["slice_documents"]
    ]
    suspicious = tmp_path / "susp"
    suspicious.mkdir()
    for name in names:
        os.symlink(corpus / "susp" / name, suspicious / name)
    run = align_pan(str(suspicious), str(corpus / "src"), str(tmp_path / "out"))
    assert run.problems == []
    gold = {name: cases for name, cases in pan.read_dir(corpus / "gold").items() if name in names}
    report = pan_report(gold, pan.read_dir(tmp_path / "out"))
    assert report.overall.plagdet >= FLOOR["plagdet"]
    assert report.overall.granularity <= FLOOR["granularity_max"]
    assert report.by_obfuscation["none"].recall >= FLOOR["recall_none"]
    assert report.by_obfuscation["word shuffling"].recall >= FLOOR["recall_word_shuffling"]
