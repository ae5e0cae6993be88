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
from typing import Any

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


# --- Stories: B-cubed ---------------------------------------------------------------------


@dataclass(slots=True)
class ClusterScores:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009)."""

    precision: float
    recall: float
    f1: float
    items: int
    gold_clusters: int
    predicted_clusters: int


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScores:
    """B-cubed over the items of ``gold`` (item -> cluster label); an item missing from
    ``predicted`` counts as a cluster of its own."""
    items = list(gold)
    if not items:
        return ClusterScores(1.0, 1.0, 1.0, 0, 0, 0)
    predicted_label = {item: predicted.get(item, f"\0{item}") for item in items}
    gold_members: dict[str, set[str]] = {}
    predicted_members: dict[str, set[str]] = {}
    for item in items:
        gold_members.setdefault(gold[item], set()).add(item)
        predicted_members.setdefault(predicted_label[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        same_gold = gold_members[gold[item]]
        same_predicted = predicted_members[predicted_label[item]]
        both = len(same_gold & same_predicted)
        precision += both / len(same_predicted)
        recall += both / len(same_gold)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClusterScores(
        precision, recall, f1, len(items), len(gold_members), len(predicted_members)
    )


# --- Provenance: origin and credits -----------------------------------------------------------


@dataclass(slots=True)
class DetectionScores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def detection_scores(tp: int, fp: int, fn: int) -> DetectionScores:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return DetectionScores(precision, recall, f1, tp, fp, fn)


@dataclass(slots=True)
class ProvenanceScores:
    """Origin: is the gold source article the origin naql gives for the copy's story?
    Credits: does naql find the copy's credit to the source outlet?"""

    origin: DetectionScores
    credits: DetectionScores
    pairs: int


def provenance_scores(
    gold: Sequence[Mapping[str, Any]], trace: Mapping[str, Any], gazetteer: Any = None
) -> ProvenanceScores:
    """Score a ``naql trace --json`` result against gold lines of the form
    ``{"copy": id, "source": id, "reused": bool, "credits_source": bool, "source_outlet": id}``.

    A positive line (reused) counts a true positive when naql traces the copy back to the
    source article's text (:func:`traced`), else a false negative; a negative line counts a
    false positive when naql does trace it there.
    Being in the same story is not enough: a paper may report the agency's event in its own words.
    Credits compare the gold ``credits_source`` with naql finding a ``source``-role credit of
    ``source_outlet`` in the copy; with a ``gazetteer`` (:func:`naql.outlets.load`), the gold
    may name the outlet as naql prints it («الشرق الأوسط», "Asharq Al-Awsat") or by its id.
    """
    stories = {story["id"]: story for story in trace.get("stories", [])}
    verdicts = {verdict["article"]: verdict for verdict in trace.get("verdicts", [])}
    credited: dict[str, set[str]] = {}
    for attribution in trace.get("attributions", []):
        if attribution["role"] == "source":
            credited.setdefault(attribution["article"], set()).add(attribution["outlet"])
    origin = [0, 0, 0]
    credit = [0, 0, 0]
    for line in gold:
        copy, source = str(line["copy"]), str(line["source"])
        verdict = verdicts.get(copy)
        story = stories.get(verdict["story"]) if verdict else None
        found = story is not None and traced(source, copy, story)
        if line.get("reused"):
            origin[0 if found else 2] += 1
        elif found:
            origin[1] += 1
        if "credits_source" in line:
            gold_credit = bool(line["credits_source"])
            outlet = str(line.get("source_outlet"))
            if gazetteer is not None and outlet not in gazetteer.outlets:
                known = gazetteer.lookup(outlet)
                outlet = known.id if known else outlet
            naql_credit = outlet in credited.get(copy, set())
            if gold_credit and naql_credit:
                credit[0] += 1
            elif naql_credit:
                credit[1] += 1
            elif gold_credit:
                credit[2] += 1
    return ProvenanceScores(detection_scores(*origin), detection_scores(*credit), len(gold))


def traced(source: str, copy: str, story: Mapping[str, Any]) -> bool:
    """Whether naql traces ``copy``'s text back to ``source``'s: ``source`` is an ancestor of
    ``copy`` along copied/excerpt edges, or both descend from one text not in the pile of
    which ``source`` is an excerpt (an agency's item and a paper that ran the agency's fuller
    version: the paper's text is the agency's, though not this cut of it)."""
    ancestors = _ancestors(copy, story)
    if source in ancestors:
        return True
    return any(
        edge["kind"] == "excerpt" and edge["target"] == source and edge["source"] in ancestors
        for edge in story.get("edges", [])
    )


def _ancestors(article: str, story: Mapping[str, Any]) -> set[str]:
    parents: dict[str, set[str]] = {}
    for edge in story.get("edges", []):
        if edge["kind"] in ("copied", "excerpt"):
            parents.setdefault(edge["target"], set()).add(edge["source"])
    seen: set[str] = set()
    frontier = [article]
    while frontier:
        for parent in parents.get(frontier.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


# What a hand-read pair label says naql should do with the pair, by measure name.
PAIR_MEASURES = {
    "same_event_together": "pairs reporting the same event, kept in one story",
    "different_event_apart": "pairs reporting different events of one topic, kept apart",
    "unrelated_apart": "unrelated pairs, kept apart",
    "direction": "copies: the source traced as the copy's ancestor",
    "agency_direction": "papers' re-runs of agency copy: the agency traced as the source",
    "common_source_not_copy": "shared text both took from a third text: neither drawn as the other's source",
    "template_not_copy": "template instances: neither drawn as the other's source",
}


@dataclass(slots=True)
class PairScore:
    correct: int = 0
    total: int = 0
    wrong: list[int] = field(default_factory=list)  # gold line numbers (or ``pair`` ids) missed

    @property
    def rate(self) -> float:
        return self.correct / self.total if self.total else 1.0


def pair_scores(
    gold: Sequence[Mapping[str, Any]], trace: Mapping[str, Any], agency: str = "was"
) -> dict[str, PairScore]:
    """Score a trace against hand-read pairs ``{a, b, event, reuse, a_source, b_source}``
    (``a``/``b`` may be given as ``a_url``/``b_url``; ``event``: same, different or unrelated;
    ``reuse``: none, a_to_b, b_to_a, common_source, template or unclear).

    An article given by URL matches the trace's id for it and the parts a page was split into
    (``id#1``, ``id#2``). "Drawn as a source" means an ancestor along ``copied``/``excerpt``
    edges, as in :func:`provenance_scores`; articles in different stories are never drawn so.
    """
    stories = {story["id"]: story for story in trace.get("stories", [])}
    story_of = {
        article: story["id"] for story in trace.get("stories", []) for article in story["articles"]
    }
    parts: dict[str, list[str]] = {}
    for article in story_of:
        parts.setdefault(article.split("#", 1)[0].split("~", 1)[0], []).append(article)
    ancestors: dict[str, set[str]] = {}

    def ancestors_of(article: str) -> set[str]:
        if article not in ancestors:
            ancestors[article] = _ancestors(article, stories[story_of[article]])
        return ancestors[article]

    def drawn(source: list[str], copy: list[str]) -> bool:
        """``source`` drawn as (an ancestor of) ``copy``'s source."""
        return any(s in ancestors_of(c) for c in copy for s in source)

    def traced_back(source: list[str], copy: list[str]) -> bool:
        return any(traced(s, c, stories[story_of[c]]) for c in copy for s in source)

    scores = {name: PairScore() for name in PAIR_MEASURES}

    def count(name: str, ok: bool, key: int) -> None:
        scores[name].total += 1
        if ok:
            scores[name].correct += 1
        else:
            scores[name].wrong.append(key)

    for number, line in enumerate(gold, 1):
        key = int(line.get("pair", number))
        a = parts.get(str(line.get("a", line.get("a_url"))), [])
        b = parts.get(str(line.get("b", line.get("b_url"))), [])
        if not a or not b:
            continue  # not in the trace: nothing to score
        together = any(story_of[x] == story_of[y] for x in a for y in b)
        event, reuse = line.get("event"), line.get("reuse")
        if event == "same":
            count("same_event_together", together, key)
        elif event == "different":
            count("different_event_apart", not together, key)
        elif event == "unrelated":
            count("unrelated_apart", not together, key)
        if reuse in ("a_to_b", "b_to_a"):
            source, copy = (a, b) if reuse == "a_to_b" else (b, a)
            ok = traced_back(source, copy) and not drawn(copy, source)
            count("direction", ok, key)
            side = "a_source" if reuse == "a_to_b" else "b_source"
            other = "b_source" if reuse == "a_to_b" else "a_source"
            if line.get(side) == agency and line.get(other) != agency:
                count("agency_direction", ok, key)
        elif reuse in ("common_source", "template"):
            name = "common_source_not_copy" if reuse == "common_source" else "template_not_copy"
            count(name, not drawn(a, b) and not drawn(b, a), key)
    return scores
