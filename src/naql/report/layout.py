"""Where the report draws a story's transmission graph: nodes in layers by depth from the roots
(the sources), edges as SVG path geometry. The page only draws what is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from naql.records import Edge

# Edges that say who took from whom; the others (shared text of unknown direction, templates)
# connect nodes without ordering them.
DIRECTED = frozenset({"copied", "excerpt", "credited"})

NODE_WIDTH = 212
NODE_HEIGHT = 48
GAP_X = 36
GAP_Y = 78
# A layer wider than this wraps onto more rows: a page is ~1,400 px wide, and a wire item
# re-run by thirty papers would otherwise draw a strip nobody can read.
PER_ROW = 6
MARGIN = 20
# Room above the first row for the arcs between nodes of one row.
ARC_ROOM = 56


@dataclass(slots=True)
class Point:
    x: float
    y: float


@dataclass(slots=True)
class Geometry:
    """One edge: its SVG path and where its label sits."""

    path: str
    label: Point


@dataclass(slots=True)
class Layout:
    width: float
    height: float
    centres: dict[str, Point]
    layers: dict[str, int]
    edges: list[Geometry]  # in the order of the edges given


def layers(nodes: Sequence[str], edges: Sequence[Edge]) -> dict[str, int]:
    """Depth of each node from the roots along directed edges (roots are 0). A cycle, which a
    provenance graph should not have, puts its nodes in one layer instead of failing."""
    directed = [(e.source, e.target) for e in edges if e.kind in DIRECTED and e.source != e.target]
    if not directed:  # most stories: one article, or shared text only
        return dict.fromkeys(nodes, 0)
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(directed)
    try:
        return {
            node: depth
            for depth, generation in enumerate(nx.topological_generations(graph))
            for node in generation
        }
    except nx.NetworkXUnfeasible:
        condensed = nx.condensation(graph)
        members = condensed.graph["mapping"]  # node -> its strongly connected component
        depth_of = {
            component: depth
            for depth, generation in enumerate(nx.topological_generations(condensed))
            for component in generation
        }
        return {node: depth_of[members[node]] for node in nodes}


def layout(nodes: Sequence[str], edges: Sequence[Edge]) -> Layout:
    """Nodes placed in rows by layer (in the given order for the roots, under their parents'
    mean position below), and each edge's path."""
    depth = layers(nodes, edges)
    parents: dict[str, list[str]] = {node: [] for node in nodes}
    for edge in edges:
        if edge.kind in DIRECTED and edge.source in parents and edge.target in parents:
            parents[edge.target].append(edge.source)
    given = {node: n for n, node in enumerate(nodes)}
    by_layer: dict[int, list[str]] = {}
    for node in nodes:
        by_layer.setdefault(depth[node], []).append(node)
    rows: list[list[str]] = []
    slot: dict[str, float] = {}  # a node's position across its row, to order its children
    for level in sorted(by_layer):
        members = by_layer[level]
        if level > 0:  # barycentre ordering: fewer crossings
            members.sort(key=lambda n: (_mean(slot[p] for p in parents[n] if p in slot), given[n]))
        for start in range(0, len(members), PER_ROW):
            row = members[start : start + PER_ROW]
            for position, node in enumerate(row):
                slot[node] = position - (len(row) - 1) / 2
            rows.append(row)
    widest = max((len(row) for row in rows), default=1)
    width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X
    centres: dict[str, Point] = {}
    for number, row in enumerate(rows):
        span = len(row) * NODE_WIDTH + (len(row) - 1) * GAP_X
        left = (width - span) / 2
        y = MARGIN + ARC_ROOM + number * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2
        for position, node in enumerate(row):
            centres[node] = Point(left + position * (NODE_WIDTH + GAP_X) + NODE_WIDTH / 2, y)
    height = MARGIN * 2 + ARC_ROOM + len(rows) * (NODE_HEIGHT + GAP_Y) - GAP_Y
    geometry = [_geometry(centres[e.source], centres[e.target]) for e in edges]
    return Layout(width, max(height, NODE_HEIGHT + 2 * MARGIN), centres, depth, geometry)


def _mean(values: Iterable[float]) -> float:
    numbers = list(values)
    return sum(numbers) / len(numbers) if numbers else 0.0


def _geometry(source: Point, target: Point) -> Geometry:
    if abs(source.y - target.y) < 1:
        # One row: an arc above it, so the edge does not run through the nodes between.
        top = source.y - NODE_HEIGHT / 2
        lift = 34 + 0.08 * abs(target.x - source.x)
        control = Point((source.x + target.x) / 2, top - lift)
        start, end = Point(source.x, top), Point(target.x, top)
        label = Point((start.x + 2 * control.x + end.x) / 4, (start.y + 2 * control.y + end.y) / 4)
        path = (
            f"M{start.x:.1f},{start.y:.1f} Q{control.x:.1f},{control.y:.1f} {end.x:.1f},{end.y:.1f}"
        )
        return Geometry(path, label)
    start, end = _clip(source, target), _clip(target, source)
    label = Point((start.x + end.x) / 2, (start.y + end.y) / 2)
    return Geometry(f"M{start.x:.1f},{start.y:.1f} L{end.x:.1f},{end.y:.1f}", label)


def _clip(centre: Point, towards: Point) -> Point:
    """Where the line from ``centre`` to ``towards`` leaves the node box around ``centre``."""
    dx, dy = towards.x - centre.x, towards.y - centre.y
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (NODE_WIDTH / 2) / abs(dx) if dx else float("inf"),
        (NODE_HEIGHT / 2 + 3) / abs(dy) if dy else float("inf"),
    )
    return Point(centre.x + dx * scale, centre.y + dy * scale)
