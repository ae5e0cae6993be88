"""Provenance inside a story: who took text from whom, the original, hidden common sources,
how many independent sources stand behind the story, and what each article added.

Direction of reuse between two articles A and B that share passages is a vote of signals, each
kept as evidence on the edge (weights in parentheses, positive for A → B):

- ``date`` (±2): the earlier article, when both dates are known and trusted;
- ``credit`` (±3): B credits A's outlet as a source («حسب الشرق الأوسط»);
- ``self-report`` (±1.5): A names itself as the recipient («مصادر لـ«الشرق الأوسط»» on
  Asharq Al-Awsat's own page): it is the outlet's own reporting;
- ``agency`` (±1): A is a news agency and B is not: papers re-run wire copy, not the reverse;
- ``containment`` (±1): in the copier, the reused text is scattered among added material; in
  the original it is contiguous (the share of unshared words between the first and the last
  shared one, on each side).

A total of at least 1 either way decides the edge; otherwise it stays ``shared`` (direction
unknown) and says so.

**Hidden sources.** When two or more articles credit the same outlet X and share passages that
no article of X in the pile accounts for (X is absent, or present only as a truncated teaser),
the full text at X must exist: naql adds a node «X (not in the pile)» as their common source, and
the passages it accounts for are its evidence. Siblings that share text only through it get no
edge between them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import numpy as np

from naql.align import TokenPassage
from naql.attribution import own_outlet_id
from naql.outlets import Gazetteer
from naql.records import (
    Article,
    Attribution,
    Edge,
    HiddenSource,
    Passage,
    Signal,
    SourceShare,
    Span,
    Story,
    Verdict,
)
from naql.stories import _parse_date
from naql.text import Tokens

WHOLLY = 0.8  # METER: an article whose words are at least this much reused is wholly derived
MIN_ADDED_WORDS = 8  # shorter unshared stretches are edits, not added material
MIN_HIDDEN_WORDS = 10  # shared words no pile article explains, before a hidden source is inferred
# «مصادر لـ«X»», «مصدر لـX», «وعلمت «X»», "told X": the outlet as the recipient of its sources.
RECIPIENT_CUES = frozenset({"مصادر", "مصدر", "ل", "لل", "علمت", "وعلمت", "told"})
TEASER = re.compile(
    r"(المزيد|اقرا المزيد|تابع القراءه|read more|continue reading)\W*$", re.IGNORECASE
)


@dataclass(slots=True)
class StoryInput:
    """Everything provenance needs about one story, by article index."""

    members: list[int]
    articles: Sequence[Article]
    tokens: Sequence[Tokens]
    passages: dict[tuple[int, int], list[TokenPassage]]  # (a, b) with a < b
    attributions: dict[int, list[Attribution]]
    gazetteer: Gazetteer
    story_id: str
    label: str
    trust_dates: bool
    to_passage: Callable[[TokenPassage], Passage]  # from the pipeline: token -> text offsets
    # Pairs whose shared wording carries mostly different figures: (common, fewer) numbers.
    templates: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


@dataclass(slots=True)
class _Facts:
    outlet: dict[int, str | None] = field(default_factory=dict)
    kind: dict[int, str | None] = field(default_factory=dict)
    credits: dict[int, set[str]] = field(default_factory=dict)  # outlet ids credited as source
    self_report: dict[int, bool] = field(default_factory=dict)
    teaser: dict[int, bool] = field(default_factory=dict)


def is_teaser(article: Article) -> bool:
    """A page that stops at «المزيد....» / "Read more" is an excerpt of a longer original."""
    from naql.text import normalize

    tail = normalize(article.text.rstrip()[-40:])
    if TEASER.search(tail):
        return True
    return any("more" in drop.reason or "المزيد" in drop.reason for drop in article.dropped)


def _facts(story: StoryInput) -> _Facts:
    facts = _Facts()
    for k in story.members:
        article = story.articles[k]
        outlet_id = own_outlet_id(article, story.gazetteer)
        facts.outlet[k] = outlet_id
        facts.kind[k] = (
            story.gazetteer.outlets[outlet_id].kind
            if outlet_id in story.gazetteer.outlets
            else None
        )
        found = story.attributions.get(k, [])
        facts.credits[k] = {a.outlet for a in found if a.role == "source"}
        facts.self_report[k] = any(
            a.role == "self" and a.where == "text" and a.cue in RECIPIENT_CUES for a in found
        )
        facts.teaser[k] = is_teaser(article)
    return facts


def _coverage(tokens: Tokens, ranges: list[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros(len(tokens), dtype=bool)
    for start, end in ranges:
        mask[start : end + 1] = True
    return mask


def _side_ranges(passages: list[TokenPassage], first_side: bool) -> list[tuple[int, int]]:
    return [(p.i0, p.i1) if first_side else (p.j0, p.j1) for p in passages]


def _interleave(tokens: Tokens, covered: np.ndarray) -> float:
    """Share of content words left unshared between the first and the last shared one."""
    inside = np.flatnonzero(covered)
    if not len(inside):
        return 0.0
    window = slice(inside[0], inside[-1] + 1)
    content = ~tokens.stop[window]
    total = int(content.sum())
    return float((content & ~covered[window]).sum() / total) if total else 0.0


class _Pairs:
    """Token coverage of each article by its passages with each other member."""

    def __init__(self, story: StoryInput) -> None:
        self.story = story
        self.cover: dict[tuple[int, int], np.ndarray] = {}
        for (a, b), found in story.passages.items():
            self.cover[(a, b)] = _coverage(story.tokens[a], _side_ranges(found, True))
            self.cover[(b, a)] = _coverage(story.tokens[b], _side_ranges(found, False))

    def of(self, article: int, partner: int) -> np.ndarray:
        return self.cover.get(
            (article, partner), np.zeros(len(self.story.tokens[article]), dtype=bool)
        )

    def words(self, article: int, mask: np.ndarray) -> int:
        return int((mask & ~self.story.tokens[article].stop).sum())

    def share(self, article: int, mask: np.ndarray) -> float:
        content = ~self.story.tokens[article].stop
        total = int(content.sum())
        return float((mask & content).sum() / total) if total else 0.0


def _direction(a: int, b: int, story: StoryInput, facts: _Facts, pairs: _Pairs) -> list[Signal]:
    """Signals for ``a → b`` (positive weights) versus ``b → a`` (negative)."""
    articles = story.articles
    signals: list[Signal] = []
    date_a, date_b = _parse_date(articles[a].date), _parse_date(articles[b].date)
    trusted = story.trust_dates
    if date_a and date_b and trusted and date_a != date_b:
        earlier, weight = (a, 2.0) if date_a < date_b else (b, -2.0)
        signals.append(
            Signal(
                "date",
                weight,
                f"{articles[earlier].id} is dated earlier ({min(date_a, date_b):%Y-%m-%d %H:%M})",
            )
        )
    for x, y, sign in ((a, b, 1.0), (b, a, -1.0)):
        outlet = facts.outlet[x]
        if outlet and outlet in facts.credits[y] and facts.outlet[y] != outlet:
            name = story.gazetteer.outlets[outlet].name
            signals.append(
                Signal(
                    "credit",
                    3.0 * sign,
                    f"{articles[y].id} credits «{name}», the outlet of {articles[x].id}",
                )
            )
        if facts.self_report[x] and not facts.self_report[y]:
            signals.append(
                Signal(
                    "self-report",
                    1.0 * sign,
                    f"{articles[x].id} names itself as the recipient of its sources",
                )
            )
        if facts.kind[x] == "agency" and facts.kind[y] not in (None, "agency"):
            signals.append(
                Signal("agency", 2.0 * sign, f"{articles[x].id} is a news agency's copy")
            )
    spread_a = _interleave(story.tokens[a], pairs.of(a, b))
    spread_b = _interleave(story.tokens[b], pairs.of(b, a))
    if abs(spread_a - spread_b) >= 0.1:
        weight = 1.0 if spread_b > spread_a else -1.0
        copier, original = (b, a) if weight > 0 else (a, b)
        signals.append(
            Signal(
                "containment",
                weight,
                f"shared text is interleaved with other material in {articles[copier].id} "
                f"({max(spread_a, spread_b):.0%} unshared in between) and contiguous in "
                f"{articles[original].id} ({min(spread_a, spread_b):.0%})",
            )
        )
    return signals


def _hidden_sources(
    story: StoryInput, facts: _Facts, pairs: _Pairs
) -> list[tuple[HiddenSource, set[int], set[int]]]:
    """(node, the crediting articles it feeds, the outlet's own excerpts it explains)."""
    found = []
    credited = sorted({outlet for k in story.members for outlet in facts.credits[k]})
    for outlet in credited:
        crediting = [
            k for k in story.members if outlet in facts.credits[k] and facts.outlet[k] != outlet
        ]
        own = [k for k in story.members if facts.outlet[k] == outlet]
        if len(crediting) < 2 or any(not facts.teaser[k] for k in own):
            continue  # a complete article of the outlet is in the pile: it can be the source
        evidence: list[Passage] = []
        fed: set[int] = set()
        for c1, c2 in combinations(crediting, 2):
            key = (min(c1, c2), max(c1, c2))
            if key not in story.passages:
                continue
            explained_1 = np.zeros(len(story.tokens[c1]), dtype=bool)
            explained_2 = np.zeros(len(story.tokens[c2]), dtype=bool)
            for p in own:
                explained_1 |= pairs.of(c1, p)
                explained_2 |= pairs.of(c2, p)
            unexplained = min(
                pairs.words(c1, pairs.of(c1, c2) & ~explained_1),
                pairs.words(c2, pairs.of(c2, c1) & ~explained_2),
            )
            if unexplained >= MIN_HIDDEN_WORDS:
                fed |= {c1, c2}
                evidence.extend(story.to_passage(p) for p in story.passages[key])
        if not fed:
            continue
        name = story.gazetteer.outlets[outlet].name if outlet in story.gazetteer.outlets else outlet
        ids = ", ".join(story.articles[k].id for k in sorted(fed))
        if own:
            reason = (
                f"{ids} credit «{name}» and share passages absent from its truncated teaser "
                f"{', '.join(story.articles[k].id for k in own)}: they used its full version"
            )
        else:
            reason = f"{ids} credit «{name}» and share passages no article in the pile accounts for"
        node = HiddenSource(
            id=f"hidden:{outlet}",
            outlet=outlet,
            name=f"{name} (full version, not in the pile)",
            reason=reason,
            explains=[story.articles[k].id for k in sorted(fed | set(own))],
            evidence=evidence,
        )
        found.append((node, set(crediting) | fed, set(own)))
    return found


def trace_story(story: StoryInput) -> tuple[Story, list[Verdict]]:
    facts = _facts(story)
    pairs = _Pairs(story)
    articles = story.articles
    graph = nx.DiGraph()
    graph.add_nodes_from(articles[k].id for k in story.members)
    edges: list[Edge] = []
    hidden = _hidden_sources(story, facts, pairs)
    explained: set[tuple[int, int]] = set()
    parents: dict[int, list[tuple[str, np.ndarray]]] = {k: [] for k in story.members}
    for node, fed, own in hidden:
        graph.add_node(node.id)
        family = fed | own
        for k in sorted(family):
            partners = [p for p in family if p != k]
            mask = np.zeros(len(story.tokens[k]), dtype=bool)
            for p in partners:
                mask |= pairs.of(k, p)
            kind = "excerpt" if k in own else "copied"
            detail = (
                f"{articles[k].id} is a truncated teaser of «{node.name}»"
                if k in own
                else f"{articles[k].id} credits «{_outlet_name(story, node.outlet)}» and shares its passages with {', '.join(articles[p].id for p in partners if pairs.words(k, pairs.of(k, p)))}"
            )
            edges.append(
                Edge(
                    node.id,
                    articles[k].id,
                    kind,
                    pairs.words(k, mask),
                    [Signal("common-source", 3.0, detail)],
                )
            )
            graph.add_edge(node.id, articles[k].id)
            if k not in own:
                parents[k].append((node.id, mask))
        explained |= {(a, b) for a in family for b in family}
    decided: dict[tuple[int, int], tuple[float, list[Signal]]] = {}
    for a, b in sorted(story.passages):
        if (a, b) not in explained:
            signals = _direction(a, b, story, facts, pairs)
            decided[(a, b)] = (sum(signal.weight for signal in signals), signals)
    linked = {k for pair in decided for k in pair}  # articles with a decided pair
    for (a, b), (total, signals) in decided.items():
        shared = min(pairs.words(a, pairs.of(a, b)), pairs.words(b, pairs.of(b, a)))
        if (a, b) in story.templates:
            # Same wording, other facts: two instances of one template (a cable, a market
            # close), not a copy of one another.
            common, fewer = story.templates[(a, b)]
            detail = f"same wording, different figures: {common} of {fewer} numbers agree"
            edges.append(
                Edge(
                    articles[a].id,
                    articles[b].id,
                    "template",
                    shared,
                    [Signal("figures", 0.0, detail)],
                )
            )
            continue
        if _through_common_parent(a, b, decided, linked, pairs):
            continue  # both took it from the same article: no edge between the siblings
        if total >= 1 or total <= -1:
            source, target = (a, b) if total > 0 else (b, a)
            if total < 0:  # weights were for a -> b; positive must support the edge as drawn
                signals = [Signal(sig.name, -sig.weight, sig.detail) for sig in signals]
            edges.append(Edge(articles[source].id, articles[target].id, "copied", shared, signals))
            graph.add_edge(articles[source].id, articles[target].id)
            parents[target].append((articles[source].id, pairs.of(target, source)))
        else:
            edges.append(Edge(articles[a].id, articles[b].id, "shared", shared, signals))
    origin, origin_outlet = _origin(graph, story, facts, hidden)
    verdicts = [_verdict(k, story, facts, pairs, parents[k]) for k in story.members]
    credited = sorted(
        {
            story.gazetteer.outlets[o].name if o in story.gazetteer.outlets else o
            for k in story.members
            for o in facts.credits[k]
        }
    )
    return (
        Story(
            id=story.story_id,
            label=story.label,
            articles=[articles[k].id for k in story.members],
            origin=origin,
            origin_outlet=origin_outlet,
            independent_sources=_independent_sources(graph, edges, story, facts, hidden),
            credited=credited,
            edges=edges,
            hidden=[node for node, _, _ in hidden],
        ),
        verdicts,
    )


SIBLING_COVER = 0.8  # share of two siblings' common text that their common parent must account for


def _through_common_parent(
    a: int,
    b: int,
    decided: dict[tuple[int, int], tuple[float, list[Signal]]],
    linked: set[int],
    pairs: _Pairs,
) -> bool:
    """Whether a third article is a decided source of both ``a`` and ``b`` and accounts for
    what they share: then their overlap is inherited, not copied from one another."""

    def source_of(parent: int, child: int) -> bool:
        key = (min(parent, child), max(parent, child))
        if key not in decided:
            return False
        total = decided[key][0]
        return total >= 1 if parent < child else total <= -1

    common_a = pairs.of(a, b)
    common_b = pairs.of(b, a)
    for parent in linked - {a, b}:
        if source_of(parent, a) and source_of(parent, b):
            inherited_a = (common_a & pairs.of(a, parent)).sum() / max(common_a.sum(), 1)
            inherited_b = (common_b & pairs.of(b, parent)).sum() / max(common_b.sum(), 1)
            if inherited_a >= SIBLING_COVER and inherited_b >= SIBLING_COVER:
                return True
    return False


def _outlet_name(story: StoryInput, outlet: str) -> str:
    known = story.gazetteer.outlets.get(outlet)
    return known.name if known else outlet


def _origin(
    graph: nx.DiGraph, story: StoryInput, facts: _Facts, hidden: list
) -> tuple[str | None, str | None]:
    roots = [node for node in graph.nodes if graph.in_degree(node) == 0]
    if not roots:
        return None, None
    by_id = {story.articles[k].id: k for k in story.members}

    def rank(node: str) -> tuple:
        reach = len(nx.descendants(graph, node))
        k = by_id.get(node)
        date = _parse_date(story.articles[k].date) if k is not None else None
        return (-reach, date is None, date or 0, node)

    best = sorted(roots, key=rank)[0]
    if best.startswith("hidden:"):
        node = next(n for n, _, _ in hidden if n.id == best)
        outlet = story.gazetteer.outlets.get(node.outlet)
        return best, outlet.name if outlet else node.outlet
    k = by_id[best]
    outlet_id = facts.outlet[k]
    name = (
        story.gazetteer.outlets[outlet_id].name
        if outlet_id in story.gazetteer.outlets
        else story.articles[k].outlet
    )
    return best, name


def _independent_sources(
    graph: nx.DiGraph, edges: list[Edge], story: StoryInput, facts: _Facts, hidden: list
) -> int:
    """Distinct origins behind the story.

    Articles linked by reuse, in any direction or none known, form one family with one origin
    (everything in it traces back, through shared text, to one source); a family's source is
    its root's outlet, so two families rooted at the same outlet count once. Articles in the
    story that share no text with the others (joined by topic) are independent reports.
    """
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    undirected.add_edges_from((e.source, e.target) for e in edges if e.kind != "template")
    by_id = {story.articles[k].id: k for k in story.members}
    sources: set[str] = set()
    for family in nx.connected_components(undirected):
        roots = sorted(n for n in family if graph.in_degree(n) == 0)
        root = next(
            (n for n in roots if graph.out_degree(n)), roots[0] if roots else sorted(family)[0]
        )
        if root.startswith("hidden:"):
            sources.add("outlet:" + root.removeprefix("hidden:"))
        else:
            outlet = facts.outlet[by_id[root]]
            sources.add(f"outlet:{outlet}" if outlet else f"article:{root}")
    return len(sources)


def _verdict(
    k: int, story: StoryInput, facts: _Facts, pairs: _Pairs, parents: list[tuple[str, np.ndarray]]
) -> Verdict:
    tokens = story.tokens[k]
    covered = np.zeros(len(tokens), dtype=bool)
    sources = []
    for node, mask in parents:
        covered |= mask
        sources.append(SourceShare(node, round(pairs.share(k, mask), 4)))
    share = pairs.share(k, covered)
    if not parents:
        derivation = "independent"
    else:
        derivation = "wholly derived" if share >= WHOLLY else "partially derived"
    added = _added_spans(tokens, covered) if parents else []
    credited = sorted(
        {
            (
                story.gazetteer.outlets[a.outlet].name
                if a.outlet in story.gazetteer.outlets
                else a.name
            )
            for a in story.attributions.get(k, [])
            if a.role in ("source", "photo")
        }
    )
    return Verdict(
        article=story.articles[k].id,
        story=story.story_id,
        derivation=derivation,
        reused_share=round(share, 4),
        sources=sources,
        added=added,
        credits=credited,
    )


def _added_spans(tokens: Tokens, covered: np.ndarray) -> list[Span]:
    """Runs of unshared tokens holding at least MIN_ADDED_WORDS content words, as text spans."""
    spans = []
    edges = np.diff(np.r_[0, (~covered).astype(np.int8), 0])
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if int((~tokens.stop[start:end]).sum()) >= MIN_ADDED_WORDS:
            spans.append(Span(int(tokens.starts[start]), int(tokens.ends[end - 1])))
    return spans
