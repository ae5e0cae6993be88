"""PAN text-alignment performance measures, computed as the official PAN 2013-2015 evaluator does.

Definitions (Potthast et al., "An Evaluation Framework for Plagiarism Detection", COLING 2010,
and the official ``pan13-text-alignment-perfmeasures.py`` / ``pan14-text-alignment-eval.py`` /
``pan15_text_alignment_evaluator_character_level.py``, which share the same code):

* A case or detection ``r`` is a pair of character ranges: ``r_susp`` in the suspicious document
  and ``r_src`` in the source document. Its characters are both ranges together, so its size is
  ``this_length + source_length``.
* A detection *detects* a case when both name the same suspicious document and the same source
  document and they overlap by at least one character on BOTH sides (``is_overlapping``).
  Overlap on the suspicious side alone counts for nothing, not even for those characters.
* ``cover(s, R) = |s_susp ∩ ∪ r_susp| + |s_src ∩ ∪ r_src|`` over the detections ``r ∈ R`` that
  detect ``s`` (``overlapping_chars``).
* Macro recall ``rec = mean over cases s of cover(s, R) / |s|``; macro precision is the same with
  cases and detections swapped: ``prec = mean over detections r of cover(r, S) / |r|``.
  Detections in documents without any case count, with precision 0 (the official script reads
  every detection file). If there are neither cases nor detections both are 1; if only one of
  the two sets is empty both are 0.
* Granularity: over the cases detected at least once, the mean number of detections detecting
  each; 1 when no case is detected.
* ``plagdet = F1(prec, rec) / log2(1 + granularity)``, 0 when ``prec = rec = 0``.
* Identical annotations are counted once, because the official reader collects them in a set.

Deviation: a zero-length annotation has no characters to score. The official script then
divides 0 by 0 and crashes; here its recall (or precision) contribution is 0.

Character sets are handled as intervals: per case only the detections of the same document pair
whose suspicious ranges can reach it are looked at (sorted offsets + bisect), and covered
characters are counted by merging clipped intervals, never by materialising one int per char.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from naql.pan import DETECTED, GOLD, PanFeature, read_dir

UNSPECIFIED = "unspecified"
"""The ``by_obfuscation`` key for gold cases that carry no ``obfuscation`` attribute."""


@dataclass(slots=True)
class PanScores:
    """PAN's character-level scores plus the counts behind them (after removing duplicates)."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    detected_cases: int


@dataclass(slots=True)
class PanReport:
    """Scores over all cases, and per obfuscation type (see :func:`pan_report`)."""

    overall: PanScores
    by_obfuscation: dict[str, PanScores] = field(default_factory=dict)


def plagdet_score(recall: float, precision: float, granularity: float) -> float:
    """``F1 / log2(1 + granularity)``; 0 for meaningless inputs, as in the official script."""
    if (recall == 0 and precision == 0) or recall < 0 or precision < 0 or granularity < 1:
        return 0.0
    f1 = 2 * recall * precision / (recall + precision)
    return f1 / math.log2(1 + granularity)


def pan_scores(
    gold: Mapping[str, Sequence[PanFeature]], detections: Mapping[str, Sequence[PanFeature]]
) -> PanScores:
    """PAN precision, recall, granularity and plagdet of ``detections`` against ``gold``.

    Both mappings are keyed by suspicious document (as :func:`naql.pan.read_dir` returns them);
    matching uses each feature's own ``suspicious`` and ``source_reference``, like the official
    script. Every detection counts, including those in documents that have no gold file.
    """
    cases = _unique(chain.from_iterable(gold.values()))
    found = _unique(chain.from_iterable(detections.values()))
    return _score(cases, found, _detecting(cases, found))


def pan_report(
    gold: Mapping[str, Sequence[PanFeature]], detections: Mapping[str, Sequence[PanFeature]]
) -> PanReport:
    """:func:`pan_scores` overall and for each obfuscation type of the gold cases.

    For a type T the figures score the cases of type T against the detections that detect at
    least one case of type T. PAN published per-obfuscation figures computed on sub-corpora that
    held one obfuscation type each, so there every false positive belonged to a type. Here types
    are mixed inside documents and a detection that hits no case cannot be assigned to any type:
    per-type precision ignores false positives and is therefore an upper bound, and the
    per-type detection counts do not add up to the overall count (a detection touching cases of
    two types counts for both). Cases without an obfuscation attribute are reported under
    ``"unspecified"``.
    """
    cases = _unique(chain.from_iterable(gold.values()))
    found = _unique(chain.from_iterable(detections.values()))
    hits = _detecting(cases, found)
    overall = _score(cases, found, hits)
    by_type: dict[str, list[int]] = {}
    for index, case in enumerate(cases):
        by_type.setdefault(case.obfuscation or UNSPECIFIED, []).append(index)
    by_obfuscation: dict[str, PanScores] = {}
    for obfuscation in sorted(by_type):
        indices = by_type[obfuscation]
        type_cases = [cases[i] for i in indices]
        detection_indices = sorted(set(chain.from_iterable(hits[i] for i in indices)))
        type_found = [found[i] for i in detection_indices]
        by_obfuscation[obfuscation] = _score(
            type_cases, type_found, _detecting(type_cases, type_found)
        )
    return PanReport(overall=overall, by_obfuscation=by_obfuscation)


def evaluate_dirs(
    gold_dir: str | os.PathLike[str],
    detections_dir: str | os.PathLike[str],
    *,
    gold_name: str | None = GOLD,
    detection_name: str | None = DETECTED,
) -> PanReport:
    """:func:`pan_report` of the PAN XML files in ``detections_dir`` against ``gold_dir``.

    A suspicious document without a detection file simply has no detections. Only features named
    ``gold_name`` (resp. ``detection_name``) are read, as the official ``--plag-tag`` /
    ``--det-tag`` options do; pass ``None`` to accept both PAN feature names.
    """
    gold = read_dir(gold_dir, gold_name)
    detections = read_dir(detections_dir, detection_name)
    return pan_report(gold, detections)


_Key = tuple[str, int, int, str, int, int]


def _key(feature: PanFeature) -> _Key:
    return (
        feature.suspicious,
        feature.this_offset,
        feature.this_length,
        feature.source_reference,
        feature.source_offset,
        feature.source_length,
    )


def _unique(features: Iterable[PanFeature]) -> list[PanFeature]:
    """Features in first-seen order, dropping exact repeats (the official reader keeps a set;
    obfuscation and type are not part of PAN's annotation tuple, so they do not distinguish)."""
    seen: set[_Key] = set()
    unique: list[PanFeature] = []
    for feature in features:
        key = _key(feature)
        if key not in seen:
            seen.add(key)
            unique.append(feature)
    return unique


def _detecting(cases: Sequence[PanFeature], detections: Sequence[PanFeature]) -> list[list[int]]:
    """For each case, the indices of the detections that detect it (official ``is_overlapping``).

    The relation is symmetric, so inverting it gives the cases each detection detects.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for index, detection in enumerate(detections):
        groups.setdefault((detection.suspicious, detection.source_reference), []).append(index)
    # Per document pair: detections sorted by suspicious offset, and the longest suspicious
    # length, which bounds how far left of a case a detection can start and still reach it.
    index_by_pair: dict[tuple[str, str], tuple[list[int], list[int], int]] = {}
    for pair, indices in groups.items():
        indices.sort(key=lambda i: detections[i].this_offset)
        starts = [detections[i].this_offset for i in indices]
        longest = max(detections[i].this_length for i in indices)
        index_by_pair[pair] = (indices, starts, longest)

    result: list[list[int]] = []
    for case in cases:
        hits: list[int] = []
        entry = index_by_pair.get((case.suspicious, case.source_reference))
        if entry is not None:
            indices, starts, longest = entry
            case_end = case.this_offset + case.this_length
            source_end = case.source_offset + case.source_length
            low = bisect_right(starts, case.this_offset - longest)
            high = bisect_left(starts, case_end)
            for index in indices[low:high]:
                detection = detections[index]
                if (
                    detection.this_offset + detection.this_length > case.this_offset
                    and detection.source_offset < source_end
                    and detection.source_offset + detection.source_length > case.source_offset
                ):
                    hits.append(index)
        result.append(hits)
    return result


def _covered(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> int:
    """How many characters of ``[start, end)`` lie in the union of ``ranges``."""
    clipped = sorted(
        (max(start, low), min(end, high)) for low, high in ranges if low < end and high > start
    )
    total = 0
    reach = start
    for low, high in clipped:
        if high <= reach:
            continue
        total += high - max(low, reach)
        reach = high
    return total


def _share(target: PanFeature, others: Sequence[PanFeature]) -> float:
    """``cover(target, others) / |target|`` over both sides (official ``case_recall``)."""
    size = target.this_length + target.source_length
    if size == 0 or not others:
        return 0.0
    suspicious = _covered(
        target.this_offset,
        target.this_offset + target.this_length,
        ((o.this_offset, o.this_offset + o.this_length) for o in others),
    )
    source = _covered(
        target.source_offset,
        target.source_offset + target.source_length,
        ((o.source_offset, o.source_offset + o.source_length) for o in others),
    )
    return (suspicious + source) / size


def _score(
    cases: Sequence[PanFeature], detections: Sequence[PanFeature], hits: Sequence[Sequence[int]]
) -> PanScores:
    detected_by: list[list[int]] = [[] for _ in detections]
    for case_index, detection_indices in enumerate(hits):
        for detection_index in detection_indices:
            detected_by[detection_index].append(case_index)

    if not cases and not detections:
        recall = precision = 1.0
    elif not cases or not detections:
        recall = precision = 0.0
    else:
        recall = sum(
            _share(case, [detections[i] for i in case_hits])
            for case, case_hits in zip(cases, hits, strict=True)
        ) / len(cases)
        precision = sum(
            _share(detection, [cases[i] for i in detection_hits])
            for detection, detection_hits in zip(detections, detected_by, strict=True)
        ) / len(detections)

    detected_cases = sum(1 for case_hits in hits if case_hits)
    granularity = sum(len(h) for h in hits) / detected_cases if detected_cases else 1.0
    return PanScores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=plagdet_score(recall, precision, granularity),
        cases=len(cases),
        detections=len(detections),
        detected_cases=detected_cases,
    )
