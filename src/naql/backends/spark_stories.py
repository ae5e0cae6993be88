"""Stories on Spark: the story graph's connected components found on Spark itself, each
component grouped by average linkage on an executor.

Average linkage merges two groups only when some pair across them reaches the threshold
(:func:`naql.stories.average_linkage`), so its groups are those of each connected component of
the graph of such pairs, grouped alone with the component's own pairs. The components are
found by the alternating large-star / small-star rounds of Kiveris et al. ("Connected
Components in MapReduce and Beyond", SoCC 2014): each round is one shuffle of the edge list,
and a few rounds (logarithmic in the component's size) leave every node linked to its
component's smallest node. Every pair then joins its component by a join on that label, and
each component is grouped where it lands; the driver receives the groups, never the graph's
components to compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from naql.backends.spark_align import delivered, pile
from naql.stories import FormulaInputs, StoryConfig, average_linkage, formulas_among

# (i, j, similarity, its place among the graph's pairs, i's and j's reported days)
Edge = tuple[int, int, float, int, tuple[int, ...], tuple[int, ...]]


def large_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """Each neighbour larger than the node, linked to the smallest of the node's
    neighbourhood (itself included)."""
    node, neighbours = item
    around = set(neighbours)
    smallest = min(around | {node})
    for other in around:
        if other > node:
            yield other, smallest


def small_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """The node and its neighbours no larger than it, each linked to the smallest of them."""
    node, neighbours = item
    lower = {other for other in neighbours if other <= node} | {node}
    smallest = min(lower)
    for other in lower:
        if other != smallest:
            yield other, smallest


def _both_ways(edge: tuple[int, int]) -> list[tuple[int, int]]:
    return [edge, (edge[1], edge[0])]


def component_labels(context: Any, pairs: list[tuple[int, int]], partitions: int) -> Any:
    """An RDD of (node, the smallest node of its component) for every node of ``pairs``."""
    edges = context.parallelize(pairs, partitions).distinct(partitions).cache()
    while True:
        larger = edges.flatMap(_both_ways).groupByKey(partitions).flatMap(large_star)
        smaller = (
            larger.flatMap(_both_ways).groupByKey(partitions).flatMap(small_star).distinct()
        ).cache()
        # Converged when a round changes no edge: every node then points to its smallest.
        settled = smaller.subtract(edges).isEmpty() and edges.subtract(smaller).isEmpty()
        edges.unpersist()
        edges = smaller
        if settled:
            break
    # (node, smallest) for every node but the smallest, which labels itself.
    smallest = edges.map(lambda edge: (edge[1], edge[1])).distinct()
    return edges.union(smallest)


def group_component(
    edges: Iterable[Edge], threshold: float, apart: Iterable[tuple[int, int]] = ()
) -> list[list[int]]:
    """One component's groups: average linkage over its pairs in the graph's own order, with
    its articles' reported days and the pairs of it never together."""
    ordered = sorted(edges, key=lambda edge: edge[3])
    nodes = sorted({k for i, j, *_ in ordered for k in (i, j)})
    similarity = {(i, j): value for i, j, value, *_ in ordered}
    days = {
        k: told
        for i, j, _, _, days_i, days_j in ordered
        for k, told in ((i, days_i), (j, days_j))
        if told
    }
    return average_linkage(len(nodes), similarity, threshold, days, set(apart), nodes)


def story_groups(
    context: Any,
    count: int,
    similarity: dict[tuple[int, int], float],
    threshold: float,
    days: dict[int, tuple[int, ...]],
    apart: set[tuple[int, int]],
    partitions: int,
) -> list[list[int]]:
    """What :func:`naql.stories.average_linkage` returns, a component at a time on Spark.
    Each pair carries its two articles' reported days, and the pairs never together reach
    their component by the same joins, so each component's cannot-links come with it."""
    strong = [pair for pair, value in similarity.items() if value >= threshold]
    labels = component_labels(context, strong, partitions).cache()
    edges = context.parallelize(
        [
            (i, j, value, place, days.get(i, ()), days.get(j, ()))
            for place, ((i, j), value) in enumerate(similarity.items())
        ],
        partitions,
    )
    # A pair belongs to a component when both its ends do (pairs below the threshold between
    # two components never bring them together); so does a pair never together, which
    # matters only there.
    inside = _inside(edges, labels)
    never = _inside(context.parallelize(sorted(apart), partitions), labels)
    groups = (
        inside.cogroup(never, partitions)
        .flatMap(lambda item: group_component(item[1][0], threshold, item[1][1]))
        .collect()
    )
    labels.unpersist()
    grouped = {k for group in groups for k in group}
    groups.extend([k] for k in range(count) if k not in grouped)
    return sorted(groups, key=lambda group: (-len(group), group[0]))


def _inside(pairs: Any, labels: Any) -> Any:
    """(component, pair) for each pair (a tuple led by its two ends) inside one component."""
    first = pairs.map(lambda pair: (pair[0], pair)).join(labels)
    second = first.map(lambda item: (item[1][0][1], item[1])).join(labels)
    return second.filter(lambda item: item[1][0][1] == item[1][1]).map(
        lambda item: (item[1][1], item[1][0][0])
    )


def formula_chunk(
    items: Iterable[tuple[int, tuple[str, Any]]],
    shared: tuple[np.ndarray, StoryConfig],
    one_pile: bool,
) -> list[tuple[int, int]]:
    """The formula pairs (:func:`naql.stories.formulas_among`) of one chunk of pairs, from its
    payload (pairs, their passages, shares and days) and its texts."""
    weight, config = shared
    texts, payload = delivered(items)
    if payload is None:
        return []
    pairs, groups, shares, days = payload
    ids, _, docs, _, local = pile(texts, pairs, True)
    day_of = {}
    for (a, b), (day_a, day_b) in zip(pairs, days):
        day_of[a], day_of[b] = day_a, day_b
    inputs = FormulaInputs(
        [day_of[k] for k in ids], docs, dict(zip(local, groups)), dict(zip(local, shares)), weight
    )
    return [(ids[a], ids[b]) for a, b in formulas_among(inputs, local, config)]
