"""Where a story started and how many independent sources stand behind it.

- **Credited origins**: an article that no text in the pile feeds, yet credits a source («حسب
  الشرق الأوسط», «نقلت بلومبرغ»), took its story from that source: the credited outlet's article
  when the story holds one, else a node «X (not in the pile)». A one-article story that credits
  a source so gets that source as its origin.
- **Origin**: the root of the transmission graph that reaches the most articles (then the
  earliest, then the first by id).
- **Independent sources**: the roots of the transmission graph, two roots counting as one when
  shared text of unknown direction connects them or when they are the same outlet; each named
  by its outlet («واس», «الشرق الأوسط (full version, not in the pile)») — never by an id.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from naql.provenance.facts import Facts, Pairs, StoryInput
from naql.provenance.published import predates
from naql.records import Edge, HiddenSource, Signal
from naql.stories import _parse_date


def credited_origins(
    graph: nx.DiGraph, story: StoryInput, facts: Facts, hidden: dict[str, HiddenSource]
) -> list[Edge]:
    """Edges (and, in ``hidden``, nodes) from the sources that root articles credit."""
    edges: list[Edge] = []
    by_id = {story.articles[k].id: k for k in story.members}
    of_outlet: dict[str, list[int]] = {}
    for k in story.members:
        if facts.outlet[k]:
            of_outlet.setdefault(facts.outlet[k], []).append(k)  # type: ignore[arg-type]
    roots = [n for n in sorted(graph.nodes) if n in by_id and graph.in_degree(n) == 0]
    for root in roots:
        k = by_id[root]
        for outlet in sorted(facts.credits[k] - {facts.outlet[k]}):
            name = facts.name(story, outlet)
            detail = f"{root} credits «{name}» as its source"
            in_pile = [
                story.articles[o].id
                for o in of_outlet.get(outlet, [])
                if not nx.has_path(graph, root, story.articles[o].id)
                # A page out after the root was written is not what it credits.
                and not predates(facts.window[k], facts.window[o])
            ]
            if in_pile:
                source = in_pile[0]
            else:
                source = f"hidden:{outlet}"
                node = hidden.get(source)
                if node is None:
                    node = hidden[source] = HiddenSource(
                        id=source,
                        outlet=outlet,
                        name=f"{name} (not in the pile)",
                        reason=f"credited as the source, and no text of «{name}» is in the pile",
                        explains=[],
                        evidence=[],
                    )
                node.explains.append(root)
            graph.add_edge(source, root)
            edges.append(Edge(source, root, "credited", 0, [Signal("credit", 3.0, detail)]))
    return edges


def origin(
    graph: nx.DiGraph,
    story: StoryInput,
    facts: Facts,
    hidden: dict[str, HiddenSource],
    pairs: Pairs | None = None,
) -> tuple[str | None, str | None]:
    """(origin node id, its outlet's display name)."""
    roots = [node for node in graph.nodes if graph.in_degree(node) == 0]
    if not roots:
        return None, None
    by_id = {story.articles[k].id: k for k in story.members}
    weight = _evidence(graph, story, hidden, pairs)

    def rank(node: str) -> tuple:
        reach = len(nx.descendants(graph, node))
        k = by_id.get(node)
        date = _parse_date(story.articles[k].date) if k is not None else None
        return (-reach, date is None, date or 0, _unnamed(node, hidden), -weight(node), node)

    best = sorted(roots, key=rank)[0]
    return best, source_name(best, story, facts, hidden)


def source_name(node: str, story: StoryInput, facts: Facts, hidden: dict[str, HiddenSource]) -> str:
    """What a user reads for a node: an outlet's name, a hidden source's name, never an id
    (an article of an unknown outlet is named by its id, which is all there is)."""
    if node in hidden:
        found = hidden[node]
        return facts.name(story, found.outlet) if found.outlet else found.name  # type: ignore[return-value]
    k = next(k for k in story.members if story.articles[k].id == node)
    outlet = facts.outlet[k]
    if outlet:
        return facts.name(story, outlet)  # type: ignore[return-value]
    return story.articles[k].outlet or node


def _unnamed(node: str, hidden: dict[str, HiddenSource]) -> bool:
    """A source not in the pile that nothing names (the text behind two papers' shared
    passage): a named one, at the same reach, tells the reader more."""
    return node in hidden and hidden[node].outlet is None


def _evidence(
    graph: nx.DiGraph, story: StoryInput, hidden: dict[str, HiddenSource], pairs: Pairs | None
) -> Callable[[str], float]:
    """How much of the shared text a source not in the pile stands behind: the largest share
    of shared text among the articles it feeds directly. Two credits whose articles share a
    passage of unknown direction name one source, and the article made of that passage names
    it: an item crediting SPA against a roundup that runs it among paragraphs credited to AFP
    is SPA's item, not AFP's."""
    by_id = {story.articles[k].id: k for k in story.members}
    known: dict[str, float] = {}

    def weight(node: str) -> float:
        if node not in known:
            known[node] = measure(node)
        return known[node]

    def measure(node: str) -> float:
        if pairs is None or node not in hidden:
            return 0.0
        shares = []
        for child in graph.successors(node):
            k = by_id.get(child)
            if k is None:
                continue
            shares.append(pairs.share(k, pairs.with_any(k, story.members)))
        return max(shares, default=0.0)

    return weight


def independent_sources(
    graph: nx.DiGraph,
    edges: list[Edge],
    story: StoryInput,
    facts: Facts,
    hidden: dict[str, HiddenSource],
    pairs: Pairs | None = None,
) -> list[str]:
    """The names of the story's independent sources (see the module doc): a family of roots is
    named by the root that reaches the most articles, then by a named one, then by
    :func:`_evidence`."""
    roots = {node for node in graph.nodes if graph.in_degree(node) == 0}
    weight = _evidence(graph, story, hidden, pairs)

    def roots_above(node: str) -> set[str]:
        return {r for r in nx.ancestors(graph, node) if r in roots} or {node}

    joined = nx.Graph()
    joined.add_nodes_from(roots)
    for edge in edges:
        if edge.kind == "shared":  # direction unknown: whoever fed one end fed the other too
            ends = roots_above(edge.source) | roots_above(edge.target)
            first = min(ends)
            joined.add_edges_from((first, other) for other in ends if other != first)
    by_id = {story.articles[k].id: k for k in story.members}

    def key(node: str) -> str:
        if node in hidden:
            outlet = hidden[node].outlet
            return f"outlet:{outlet}" if outlet else node
        outlet = facts.outlet[by_id[node]]
        return f"outlet:{outlet}" if outlet else node

    of_key: dict[str, list[str]] = {}  # one outlet behind two families is one source
    for node in sorted(roots):
        of_key.setdefault(key(node), []).append(node)
    for same in of_key.values():
        joined.add_edges_from(zip(same, same[1:]))
    names = []
    for family in sorted(nx.connected_components(joined), key=lambda f: min(f)):
        best = max(
            sorted(family),
            key=lambda n: (len(nx.descendants(graph, n)), not _unnamed(n, hidden), weight(n)),
        )
        names.append(source_name(best, story, facts, hidden))
    return names
