"""Provenance inside a story: who took text from whom, the original, hidden common sources, how
many independent sources stand behind the story, and what each article added.

One module per decision, composed in :func:`trace_story`:

- :mod:`~naql.provenance.facts`: what is known of each article (outlet, credits, teaser) and
  which tokens each pair's passages cover;
- :mod:`~naql.provenance.published`: the days a page gives itself (a print issue's URL, an
  agency's dateline): a copy cannot predate its source;
- :mod:`~naql.provenance.hidden`: texts not in the pile that must exist — an outlet's full
  version several articles credit, and common sources (each side of a pair has, inside the
  shared passages, what the other lacks: neither is the other's source);
- :mod:`~naql.provenance.direction`: the vote that orients a copy, and siblings of one source;
- :mod:`~naql.provenance.origin`: credited origins, the origin, the independent sources named;
- :mod:`~naql.provenance.verdicts`: per-article class, sources, shares and added material.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from naql.pairs import template_evidence
from naql.provenance.direction import (
    Decided,
    orient,
    redundant_source,
    signals,
    through_common_parent,
)
from naql.provenance.facts import Pairs, StoryInput, gather, is_teaser
from naql.provenance.hidden import common_source_pairs, credited_sources, hang_common_sources
from naql.provenance.origin import credited_origins, independent_sources, origin
from naql.provenance.verdicts import verdict
from naql.records import Edge, HiddenSource, Signal, Story, Verdict

__all__ = ["StoryInput", "is_teaser", "trace_story"]


def trace_story(story: StoryInput) -> tuple[Story, list[Verdict]]:
    facts = gather(story)
    pairs = Pairs(story)
    articles = story.articles
    graph = nx.DiGraph()
    graph.add_nodes_from(articles[k].id for k in story.members)
    edges: list[Edge] = []
    hidden: dict[str, HiddenSource] = {}
    parents: dict[int, list[tuple[str, np.ndarray]]] = {k: [] for k in story.members}
    excerpt_of: dict[int, str] = {}
    explained: set[tuple[int, int]] = set()

    def attach(node: str, k: int, kind: str, detail: str, mask: np.ndarray) -> None:
        """Article ``k`` under a hidden node: the edge, its evidence, and ``k``'s source."""
        edges.append(
            Edge(
                node,
                articles[k].id,
                kind,
                pairs.words(k, mask),
                [Signal("common-source", 3.0, detail)],
            )
        )
        graph.add_edge(node, articles[k].id)
        parents[k].append((node, mask))

    for node, fed, own in credited_sources(story, facts, pairs):
        hidden[node.id] = node
        family = fed | own
        for k in sorted(family):
            mask = pairs.with_any(k, family)
            if k in own:
                kind, detail = "excerpt", f"{articles[k].id} is a truncated teaser of «{node.name}»"
                excerpt_of[k] = node.id
            else:
                kind = "copied"
                partners = ", ".join(
                    articles[p].id for p in sorted(family - {k}) if pairs.words(k, pairs.of(k, p))
                )
                detail = (
                    f"{articles[k].id} credits «{facts.name(story, node.outlet)}» and shares "
                    f"its passages with {partners}"
                )
            attach(node.id, k, kind, detail, mask)
        explained |= {(a, b) for a in family for b in family}
    open_pairs = [pair for pair in sorted(story.passages) if pair not in explained]
    for a, b in open_pairs:
        if (a, b) in story.templates:
            # Same wording, other facts: two instances of one template (a cable, a market
            # close), not a copy of one another.
            name, detail = template_evidence(story.templates[(a, b)])
            signal = Signal(name, 0.0, detail)
            edges.append(
                Edge(articles[a].id, articles[b].id, "template", pairs.shared_words(a, b), [signal])
            )
    open_pairs = [pair for pair in open_pairs if pair not in story.templates]
    judged = common_source_pairs(story, facts, pairs, open_pairs)
    decided: Decided = {}
    for a, b in open_pairs:
        if (a, b) not in judged:
            found = signals(a, b, story, facts, pairs)
            decided[(a, b)] = (sum(signal.weight for signal in found), found)
    linked = {k for pair in decided for k in pair}
    # Siblings (both took it from the same article) get no edge between them.
    drawn = {
        pair: vote
        for pair, vote in decided.items()
        if not through_common_parent(*pair, decided, linked, pairs)
    }
    sources_of: dict[int, list[int]] = {}
    for (a, b), (total, _) in drawn.items():
        if (oriented := orient(a, b, total)) is not None:
            sources_of.setdefault(oriented[1], []).append(oriented[0])
    for (a, b), (total, found) in drawn.items():
        shared = pairs.shared_words(a, b)
        if (oriented := orient(a, b, total)) is not None:
            source, target = oriented
            if redundant_source(source, target, sources_of[target], pairs):
                continue  # a larger source of the copy gave it this text too
            if total < 0:  # weights were for a -> b; positive must support the edge as drawn
                found = [Signal(sig.name, -sig.weight, sig.detail) for sig in found]
            edges.append(Edge(articles[source].id, articles[target].id, "copied", shared, found))
            graph.add_edge(articles[source].id, articles[target].id)
            parents[target].append((articles[source].id, pairs.of(target, source)))
        else:
            edges.append(Edge(articles[a].id, articles[b].id, "shared", shared, found))
    for node, members in hang_common_sources(judged, graph, story, facts, pairs):
        hidden[node.id] = node
        for k in sorted(members):
            mask = pairs.with_any(k, members)
            mine = node.alone.get(articles[k].id, [])
            if node.outlet is not None and facts.outlet[k] == node.outlet:
                # The agency's own item, a shorter cut of the fuller version the others used.
                kind, detail = "excerpt", f"{articles[k].id} is «{node.name}» cut short"
                excerpt_of[k] = node.id
            else:
                kind = "copied"
                detail = f"{articles[k].id} alone has, inside the shared passages, " + (
                    "; ".join(f"«{_quote(articles[k].text, s.start, s.end)}»" for s in mine[:3])
                    or "nothing the others lack"
                )
            attach(node.id, k, kind, detail, mask)
    edges.extend(credited_origins(graph, story, facts, hidden))
    origin_id, origin_outlet = origin(graph, story, facts, hidden, pairs)
    sources = independent_sources(graph, edges, story, facts, hidden, pairs)
    verdicts = [
        verdict(k, story, facts, pairs, parents[k], excerpt_of.get(k)) for k in story.members
    ]
    credited = sorted({facts.name(story, o) or o for k in story.members for o in facts.credits[k]})
    return (
        Story(
            id=story.story_id,
            label=story.label,
            articles=[articles[k].id for k in story.members],
            origin=origin_id,
            origin_outlet=origin_outlet,
            independent_sources=len(sources),
            credited=credited,
            edges=edges,
            hidden=list(hidden.values()),
            sources=sources,
        ),
        verdicts,
    )


def _quote(text: str, start: int, end: int, limit: int = 60) -> str:
    words = " ".join(text[start:end].split())
    return words if len(words) <= limit else words[: limit - 1] + "…"
