"""Provenance scored: origins and credits against gold copy/source lines
(:func:`provenance_scores`), and stories and transmission against hand-read pairs
(:func:`pair_scores`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


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


def _pages(articles: Iterable[str]) -> dict[str, list[str]]:
    """Article ids by the page they come from: a page cut into parts (``id#1``, ``id#2``: a
    roundup's items) or renamed (``id~2``) is read as any of them."""
    found: dict[str, list[str]] = {}
    for article in articles:
        found.setdefault(article.split("#", 1)[0].split("~", 1)[0], []).append(article)
    return found


def provenance_scores(
    gold: Sequence[Mapping[str, Any]], trace: Mapping[str, Any], gazetteer: Any = None
) -> ProvenanceScores:
    """Score a ``naql trace --json`` result against gold lines of the form
    ``{"copy": id, "source": id, "reused": bool, "credits_source": bool, "source_outlet": id}``.

    A positive line (reused) counts a true positive when naql traces the copy back to the
    source article's text (:func:`traced`), else a false negative; a negative line counts a
    false positive when naql does trace it there.
    Being in the same story is not enough: a paper may report the agency's event in its own words.
    A page given by its id that was cut into parts (``id#1``, ``id#2``) counts as traced when
    any of its parts is.
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
    parts = _pages(verdicts)
    origin = [0, 0, 0]
    credit = [0, 0, 0]
    for line in gold:
        copy, source = str(line["copy"]), str(line["source"])
        copies = [copy] if copy in verdicts else parts.get(copy, [])
        sources = [source] if source in verdicts else parts.get(source, [source])
        found = any(
            traced(s, c, story)
            for c in copies
            if (story := stories.get(verdicts[c]["story"])) is not None
            for s in sources
        )
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
            naql_credit = any(outlet in credited.get(c, set()) for c in copies or [copy])
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
    edges = story.get("edges", [])
    for full in {e["source"] for e in edges if e["kind"] == "excerpt" and e["target"] == source}:
        if full not in ancestors:
            continue
        others = {
            e["target"]
            for e in edges
            if e["kind"] == "excerpt" and e["source"] == full and e["target"] != source
        }
        # A copy that reaches the fuller text only through ONE other of its cuts ran that cut,
        # not ``source``'s (an agency item and its «إضافة», each a cut of the whole release: a
        # paper that ran the item did not run the addition); one that took from two cuts or
        # more ran the release, ``source``'s part with the rest.
        if full in _ancestors(copy, story, others) or len(others & ancestors) >= 2:
            return True
    return False


def _ancestors(
    article: str, story: Mapping[str, Any], through_not: set[str] | frozenset[str] = frozenset()
) -> set[str]:
    """``article``'s ancestors along copied/excerpt edges, not going on past the texts in
    ``through_not``."""
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
                if parent not in through_not:
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
    "agency_common_source_not_copy": "... of them, an agency's item and another outlet's article (one release both ran)",
    "template_not_copy": "template instances: neither drawn as the other's source",
    "no_text_not_aligned": "pairs sharing no text: no shared passage drawn between them",
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
    A pair read as sharing no text (``none``) is scored on the trace's alignments: no passage
    drawn between the two (nor their parts).
    """
    stories = {story["id"]: story for story in trace.get("stories", [])}
    story_of = {
        article: story["id"] for story in trace.get("stories", []) for article in story["articles"]
    }
    parts = _pages(story_of)
    aligned = {
        frozenset((alignment["a"], alignment["b"])) for alignment in trace.get("alignments", [])
    }
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
            ok = not drawn(a, b) and not drawn(b, a)
            count(name, ok, key)
            # The hardest of them: the agency's item reads as the paper's source unless the
            # paper holds what the item lacks.
            if reuse == "common_source" and (line.get("a_source") == agency) != (
                line.get("b_source") == agency
            ):
                count("agency_common_source_not_copy", ok, key)
        elif reuse == "none":
            count(
                "no_text_not_aligned",
                not any(frozenset((x, y)) in aligned for x in a for y in b),
                key,
            )
    return scores
