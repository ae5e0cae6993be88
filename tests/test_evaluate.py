from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naql.evaluate import PanScores, evaluate_dirs, pan_report, pan_scores, plagdet_score
from naql.pan import PanFeature, read_dir, write_detections
from naql.records import Passage, Span

GOLD_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "exara-dev" / "gold"

D = "suspicious-document0001.txt"
S = "source-document00001.txt"


def feat(
    this_offset: int,
    this_length: int,
    source_offset: int,
    source_length: int,
    *,
    doc: str = D,
    source: str = S,
    obfuscation: str | None = None,
) -> PanFeature:
    return PanFeature(
        doc, this_offset, this_length, source, source_offset, source_length, obfuscation
    )


def by_doc(features: Sequence[PanFeature]) -> dict[str, list[PanFeature]]:
    documents: dict[str, list[PanFeature]] = {}
    for feature in features:
        documents.setdefault(feature.suspicious, []).append(feature)
    return documents


def scores(cases: Sequence[PanFeature], detections: Sequence[PanFeature]) -> PanScores:
    return pan_scores(by_doc(cases), by_doc(detections))


def test_perfect_detection() -> None:
    case = feat(0, 100, 0, 100)
    result = scores([case], [case])
    assert result == PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detections=1, detected_cases=1)


def test_detection_split_in_two() -> None:
    result = scores([feat(0, 100, 0, 100)], [feat(0, 50, 0, 50), feat(50, 50, 50, 50)])
    assert result.recall == 1.0
    assert result.precision == 1.0
    assert result.granularity == 2.0
    assert result.plagdet == pytest.approx(1 / math.log2(3))
    assert (result.cases, result.detections, result.detected_cases) == (1, 2, 1)


def test_partial_overlap_counts_both_sides() -> None:
    # Case: suspicious [0, 100), source [0, 200) -> 300 characters.
    # Detection: suspicious [50, 150), source [100, 200) -> 200 characters.
    # Shared: 50 suspicious + 100 source = 150 characters.
    result = scores([feat(0, 100, 0, 200)], [feat(50, 100, 100, 100)])
    assert result.recall == pytest.approx(150 / 300)
    assert result.precision == pytest.approx(150 / 200)
    assert result.granularity == 1.0
    assert result.plagdet == pytest.approx(2 * 0.5 * 0.75 / 1.25)


def test_overlapping_detections_are_counted_once_per_character() -> None:
    # Two detections both inside the case and overlapping each other: the case's covered
    # characters are their union (suspicious [0, 60) and source [0, 60) -> 120 of 200).
    result = scores([feat(0, 100, 0, 100)], [feat(0, 40, 0, 40), feat(20, 40, 20, 40)])
    assert result.recall == pytest.approx(120 / 200)
    assert result.precision == 1.0
    assert result.granularity == 2.0


def test_macro_averaging_over_cases_and_detections() -> None:
    cases = [feat(0, 100, 0, 100), feat(1000, 10, 1000, 10)]
    # Detects all of the first case and nothing of the second; one detection is a false positive.
    detections = [feat(0, 100, 0, 100), feat(500, 50, 500, 50)]
    result = scores(cases, detections)
    assert result.recall == pytest.approx((1.0 + 0.0) / 2)
    assert result.precision == pytest.approx((1.0 + 0.0) / 2)
    assert result.detected_cases == 1
    assert result.granularity == 1.0


def test_wrong_source_document_detects_nothing() -> None:
    result = scores([feat(0, 100, 0, 100)], [feat(0, 100, 0, 100, source="other.txt")])
    assert result == PanScores(0.0, 0.0, 1.0, 0.0, cases=1, detections=1, detected_cases=0)


def test_overlap_on_the_suspicious_side_only_detects_nothing() -> None:
    # Same documents, same suspicious range, but disjoint source ranges: PAN's is_overlapping
    # needs overlap on both sides, and without it not even the suspicious characters count.
    result = scores([feat(0, 100, 0, 100)], [feat(0, 100, 100, 100)])
    assert (result.recall, result.precision, result.detected_cases) == (0.0, 0.0, 0)


def test_adjacent_ranges_do_not_overlap() -> None:
    result = scores([feat(0, 100, 0, 100)], [feat(100, 10, 50, 10)])
    assert result.detected_cases == 0


def test_no_detections() -> None:
    result = scores([feat(0, 100, 0, 100)], [])
    assert result == PanScores(0.0, 0.0, 1.0, 0.0, cases=1, detections=0, detected_cases=0)


def test_no_cases_and_no_detections_is_perfect_as_in_pan() -> None:
    assert scores([], []) == PanScores(1.0, 1.0, 1.0, 1.0, 0, 0, 0)


def test_detections_without_cases_score_zero() -> None:
    result = scores([], [feat(0, 10, 0, 10)])
    assert (result.precision, result.recall, result.plagdet) == (0.0, 0.0, 0.0)


def test_detections_in_documents_without_gold_hurt_precision() -> None:
    case = feat(0, 100, 0, 100)
    stray = feat(0, 100, 0, 100, doc="suspicious-document0999.txt")
    result = pan_scores({D: [case]}, {D: [case], "suspicious-document0999.txt": [stray]})
    assert result.recall == 1.0
    assert result.precision == 0.5
    assert result.detections == 2


def test_identical_detections_count_once() -> None:
    case = feat(0, 100, 0, 100)
    result = scores([case], [case, dataclasses.replace(case)])
    assert result == PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detections=1, detected_cases=1)


def test_zero_length_detection_inside_a_case() -> None:
    # It "detects" the case (PAN's strict inequalities hold), adds no characters, and scores
    # precision 0 (the official script would divide 0 by 0 here).
    result = scores([feat(0, 100, 0, 100)], [feat(0, 100, 0, 100), feat(50, 0, 50, 0)])
    assert result.recall == 1.0
    assert result.precision == 0.5
    assert result.granularity == 2.0


def test_plagdet_score_edges() -> None:
    assert plagdet_score(0.0, 0.0, 1.0) == 0.0
    assert plagdet_score(1.0, 1.0, 0.5) == 0.0
    assert plagdet_score(0.5, 1.0, 1.0) == pytest.approx(2 / 3)
    assert plagdet_score(1.0, 1.0, 3.0) == pytest.approx(0.5)


def test_report_by_obfuscation() -> None:
    shuffled = feat(0, 100, 0, 100, obfuscation="word shuffling")
    verbatim = feat(500, 100, 500, 100, obfuscation="none")
    unlabelled = feat(900, 10, 900, 10)
    detections = [
        feat(0, 100, 0, 100),  # the shuffled case, fully
        feat(500, 50, 500, 50),  # half of the verbatim case
        feat(550, 50, 550, 50),  # the other half
        feat(2000, 10, 2000, 10),  # a false positive: belongs to no type
    ]
    report = pan_report(by_doc([shuffled, verbatim, unlabelled]), by_doc(detections))
    assert report.overall.cases == 3
    assert report.overall.detections == 4
    assert report.overall.recall == pytest.approx(2 / 3)
    assert report.overall.precision == pytest.approx(3 / 4)
    assert report.overall.granularity == pytest.approx(3 / 2)
    assert list(report.by_obfuscation) == ["none", "unspecified", "word shuffling"]
    assert report.by_obfuscation["word shuffling"] == PanScores(1.0, 1.0, 1.0, 1.0, 1, 1, 1)
    verbatim_scores = report.by_obfuscation["none"]
    assert (verbatim_scores.precision, verbatim_scores.recall) == (1.0, 1.0)
    assert verbatim_scores.granularity == 2.0
    assert verbatim_scores.detections == 2
    assert report.by_obfuscation["unspecified"] == PanScores(0.0, 0.0, 1.0, 0.0, 1, 0, 0)


def test_evaluate_dirs_with_missing_detection_files(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for number, offset in ((1, 0), (2, 300)):
        (gold_dir / f"suspicious-document000{number}.xml").write_text(
            f'<document reference="suspicious-document000{number}.txt">'
            f'<feature name="plagiarism" this_offset="{offset}" this_length="100" '
            f'source_reference="{S}" source_offset="{offset}" source_length="100" '
            'obfuscation="none"/></document>',
            encoding="utf-8",
        )
    passage = Passage(
        a="suspicious-document0001.txt",
        b=S,
        a_span=Span(0, 100),
        b_span=Span(0, 100),
        kind="verbatim",
        score=1.0,
        matched_words=20,
    )
    # Only document 1 gets a detection file.
    write_detections(tmp_path / "det", "suspicious-document0001.txt", [passage])
    report = evaluate_dirs(gold_dir, tmp_path / "det")
    assert report.overall.recall == 0.5
    assert report.overall.precision == 1.0
    assert report.overall.detected_cases == 1
    assert report.by_obfuscation["none"] == report.overall


# An independent, deliberately naive reading of the PAN definitions: per-character sets, one
# comparison per (case, detection) pair. The fast interval code must agree with it.
def _naive(cases: list[PanFeature], detections: list[PanFeature]) -> tuple[float, float, float]:
    cases, detections = list(dict.fromkeys(cases)), list(dict.fromkeys(detections))

    def detects(x: PanFeature, y: PanFeature) -> bool:
        return (
            x.suspicious == y.suspicious
            and x.source_reference == y.source_reference
            and x.this_offset < y.this_offset + y.this_length
            and y.this_offset < x.this_offset + x.this_length
            and x.source_offset < y.source_offset + y.source_length
            and y.source_offset < x.source_offset + x.source_length
        )

    def share(x: PanFeature, others: list[PanFeature]) -> float:
        mine_t = set(range(x.this_offset, x.this_offset + x.this_length))
        mine_s = set(range(x.source_offset, x.source_offset + x.source_length))
        got_t: set[int] = set()
        got_s: set[int] = set()
        for y in others:
            if detects(x, y):
                got_t |= set(range(y.this_offset, y.this_offset + y.this_length))
                got_s |= set(range(y.source_offset, y.source_offset + y.source_length))
        size = len(mine_t) + len(mine_s)
        return (len(mine_t & got_t) + len(mine_s & got_s)) / size if size else 0.0

    if not cases and not detections:
        return 1.0, 1.0, 1.0
    if not cases or not detections:
        return 0.0, 0.0, 1.0
    recall = sum(share(c, detections) for c in cases) / len(cases)
    precision = sum(share(d, cases) for d in detections) / len(detections)
    counts = [sum(detects(c, d) for d in detections) for c in cases]
    detected = sum(1 for n in counts if n)
    return recall, precision, (sum(counts) / detected if detected else 1.0)


_features = st.builds(
    PanFeature,
    st.sampled_from(["d1", "d2"]),
    st.integers(0, 60),
    st.integers(0, 30),
    st.sampled_from(["s1", "s2"]),
    st.integers(0, 60),
    st.integers(0, 30),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_features, max_size=6), st.lists(_features, max_size=8))
def test_agrees_with_naive_definition(
    cases: list[PanFeature], detections: list[PanFeature]
) -> None:
    result = scores(cases, detections)
    recall, precision, granularity = _naive(cases, detections)
    assert result.recall == pytest.approx(recall)
    assert result.precision == pytest.approx(precision)
    assert result.granularity == pytest.approx(granularity)
    assert result.plagdet == pytest.approx(plagdet_score(recall, precision, granularity))


@pytest.fixture(scope="module")
def exara_gold() -> dict[str, list[PanFeature]]:
    if not GOLD_DIR.is_dir():
        pytest.skip(f"{GOLD_DIR} not available")
    return read_dir(GOLD_DIR, "plagiarism")


def test_real_gold_against_itself(exara_gold: dict[str, list[PanFeature]]) -> None:
    started = time.perf_counter()
    report = pan_report(exara_gold, exara_gold)
    elapsed = time.perf_counter() - started
    assert report.overall.cases == 1112
    assert report.overall.plagdet == 1.0
    assert (report.overall.precision, report.overall.recall) == (1.0, 1.0)
    assert report.overall.granularity == 1.0
    assert all(s.plagdet == 1.0 for s in report.by_obfuscation.values())
    assert sum(s.cases for s in report.by_obfuscation.values()) == 1112
    # Generous bound for slow CI machines; it takes a few hundredths of a second.
    assert elapsed < 1.0


def test_real_gold_against_first_halves(exara_gold: dict[str, list[PanFeature]]) -> None:
    halves = {
        document: [
            dataclasses.replace(
                f, this_length=f.this_length // 2, source_length=f.source_length // 2
            )
            for f in features
        ]
        for document, features in exara_gold.items()
    }
    result = pan_scores(exara_gold, halves)
    assert result.precision == 1.0
    assert result.recall == pytest.approx(0.5, abs=0.01)
    assert result.granularity == 1.0
    assert result.detected_cases == 1112
