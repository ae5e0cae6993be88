"""What the HTML report shows, as plain JSON-ready data: the story list (one small row per
story) and, per story, everything its page needs — the graph laid out, its articles with their
verdicts and texts, its pairs with their passages marked. :mod:`naql.report.html` only embeds it.

Names, never internal ids: a source not in the pile is shown by its name («الشرق الأوسط (full
version, not in the pile)»), an article by its outlet and id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from naql.records import (
    Alignment,
    Article,
    Attribution,
    Edge,
    HiddenSource,
    KeptApart,
    Signal,
    Story,
    Trace,
    Verdict,
)
from naql.report.layout import DIRECTED, NODE_HEIGHT, NODE_WIDTH, layout
from naql.report.pairs import (
    Marks,
    PairView,
    Range,
    WordCache,
    direction,
    inked,
    pair_view,
    runs,
)

DERIVED = frozenset({"wholly derived", "partially derived"})
NODE_LINE = 32  # characters of a name a graph node shows (the whole name is its tooltip)
SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# http(s), then a host: the page links nothing else (it checks again before it does).
WEB_ADDRESS = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)

Json = dict[str, Any]


@dataclass(slots=True)
class Index:
    """The trace looked up by article and by story, built once for the whole report."""

    articles: dict[str, Article]
    verdicts: dict[str, Verdict]
    credits: dict[str, list[Attribution]]
    alignments: dict[str, list[Alignment]]  # story id -> the alignments inside it
    labels: dict[str, str] = field(default_factory=dict)  # story id -> its label

    @classmethod
    def of(cls, trace: Trace) -> Index:
        known = {a.id for a in trace.articles}
        # Only articles the trace holds: a story naming one it lacks draws without it.
        story_of = {a: s.id for s in trace.stories for a in s.articles if a in known}
        credits: dict[str, list[Attribution]] = {}
        for credit in trace.attributions:
            credits.setdefault(credit.article, []).append(credit)
        alignments: dict[str, list[Alignment]] = {}
        for alignment in trace.alignments:
            story = story_of.get(alignment.a)
            if story is not None and story == story_of.get(alignment.b):
                alignments.setdefault(story, []).append(alignment)
        return cls(
            articles={a.id: a for a in trace.articles},
            verdicts={v.article: v for v in trace.verdicts},
            credits=credits,
            alignments=alignments,
            labels={story.id: story.label for story in trace.stories},
        )


def block_ids(stories: Sequence[Story]) -> list[str]:
    """The element id of each story's data block: ``story-<id>`` when the id is plain, else by
    position (an id is data, and may hold anything)."""
    seen: set[str] = set()
    ids = []
    for number, story in enumerate(stories):
        block = f"story-{story.id}" if SAFE_ID.fullmatch(story.id) else f"story-n{number}"
        if block in seen:
            block = f"story-n{number}"
        seen.add(block)
        ids.append(block)
    return ids


def story_rows(trace: Trace, index: Index, blocks: Sequence[str]) -> list[Json]:
    """The story list: what a row shows and what its search box looks through."""
    rows = []
    for story, block in zip(trace.stories, blocks):
        members = [index.articles[a] for a in story.articles if a in index.articles]
        dates = sorted(a.date for a in members if a.date)
        rows.append(
            {
                "id": story.id,
                "block": block,
                "label": story.label,
                "first": dates[0] if dates else None,
                "last": dates[-1] if dates else None,
                "origin": origin_name(story, index.articles),
                "sources": story.sources,
                "independent": story.independent_sources,
                "credited": story.credited,
                "size": len(story.articles),
                "outlets": sorted({a.shown_outlet for a in members if a.shown_outlet}),
                "articles": story.articles,
            }
        )
    return rows


def origin_name(story: Story, articles: dict[str, Article]) -> str | None:
    """The story's origin as a reader names it: a hidden source by its name, an article by its
    outlet (and id)."""
    if story.origin is None:
        return None
    hidden = {h.id: h.name for h in story.hidden}
    if story.origin in hidden:
        return hidden[story.origin]
    article = articles.get(story.origin)
    if article is not None:
        outlet = article.shown_outlet
        return f"{outlet} ({article.id})" if outlet else article.id
    # An origin the trace does not describe: its outlet, never an internal id.
    return story.origin_outlet or "a source not in the pile"


def story_blocks(trace: Trace, index: Index, rows: Sequence[Json]) -> Iterator[tuple[str, Json]]:
    """Each story's page data with its block id (the list's ``rows`` say it), one story at a
    time: a large pile's blocks are written as they come, never all held at once."""
    for story, row in zip(trace.stories, rows):
        yield row["block"], story_data(story, row, index)


def story_data(story: Story, row: Json, index: Index) -> Json:
    """One story's page: its list row, the sources not in the pile, the graph, the articles
    (verdicts, credits, texts) and the pairs (both sides marked). Articles and pairs are
    referred to by their position in these lists, never by id again."""
    members = [a for a in story.articles if a in index.articles]
    position = {article: n for n, article in enumerate(members)}
    names = node_names(story, index.articles)
    texts = {a: index.articles[a].text for a in members}
    credits = {a: index.credits.get(a, []) for a in members}
    credit_spans = {a: [_text_range(c) for c in credits[a]] for a in members}
    verdicts = {a: v for a in members if (v := index.verdicts.get(a)) is not None}
    # What each article added, as printed stretches (see pairs.inked).
    printed = {
        a: inked(texts[a], ((span.start, span.end) for span in v.added))
        for a, v in verdicts.items()
        if v.added
    }
    alignments = index.alignments.get(story.id, [])
    pairs, pair_of = _pairs(story, alignments, texts, credit_spans, verdicts, printed)
    by_pair = {frozenset((a.a, a.b)): a for a in alignments}
    return {
        **row,
        "hidden": [{"name": h.name, "reason": h.reason} for h in story.hidden],
        "apart": [_apart(apart, index) for apart in story.kept_apart],
        "graph": _graph(story, members, names, index, pair_of, by_pair),
        "articles": [
            _article(index.articles[a], verdicts.get(a), printed.get(a, []), credits[a], names)
            for a in members
        ],
        "pairs": [
            {
                "left": position[view.left.article],
                "right": position[view.right.article],
                "left_share": round(view.left.share, 3),
                "right_share": round(view.right.share, 3),
                "left_runs": view.left.runs,
                "right_runs": view.right.runs,
                "derived": derived,
                "passages": [
                    {
                        "kind": p.kind,
                        "words": p.words,
                        "left": list(p.left),
                        "right": list(p.right),
                    }
                    for p in view.passages
                ],
            }
            for view, derived in pairs
        ],
    }


def _apart(apart: KeptApart, index: Index) -> Json:
    """Another story this one is kept apart from: its id and label (the page links to it),
    the two articles and the reason in words."""
    return {
        "story": apart.story,
        "label": index.labels.get(apart.story, apart.story),
        "article": _named(apart.article, index),
        "other": _named(apart.other, index),
        "reason": apart.reason,
        "detail": apart.detail,
    }


def _named(article: str, index: Index) -> str:
    """An article by «id (outlet)», or by its id when this page does not hold it (a served
    story's page holds that story's articles alone)."""
    found = index.articles.get(article)
    return article if found is None else found.label


def node_names(story: Story, articles: dict[str, Article]) -> dict[str, str]:
    """What a reader calls each node: hidden sources by name, articles by «id (outlet)»."""
    names = {h.id: h.name for h in story.hidden}
    for member in story.articles:
        article = articles.get(member)
        if article is not None:
            names[member] = article.label
    return names


def _text_range(credit: Attribution) -> Range:
    # A credit read in a byline has no place in the text: an empty range paints nothing and
    # keeps the credit's index, so the page finds it in the article's list all the same.
    return (credit.span.start, credit.span.end) if credit.where == "text" else (0, 0)


def _pairs(
    story: Story,
    alignments: list[Alignment],
    texts: dict[str, str],
    credits: dict[str, list[Range]],
    verdicts: dict[str, Verdict],
    printed: dict[str, list[Range]],
) -> tuple[list[tuple[PairView, str | None]], dict[frozenset[str], int]]:
    """The pair views (the source on the left, with which side is derived) and, per pair of
    articles, the index of its view."""
    directed = {
        frozenset((e.source, e.target)): e
        for e in story.edges
        if e.kind in DIRECTED and e.source != e.target
    }
    cache = WordCache(texts, alignments)
    views: list[tuple[PairView, str | None]] = []
    pair_of: dict[frozenset[str], int] = {}
    for alignment in alignments:
        edge = directed.get(frozenset((alignment.a, alignment.b)))
        derived_ids = _derived(alignment, edge, verdicts)
        left = alignment.a
        if edge is not None:
            left = edge.source
        elif derived_ids == {alignment.a}:
            left = alignment.b
        added = {a: printed[a] for a in derived_ids if printed.get(a)}
        view = pair_view(alignment, texts, cache, left=left, added=added, credits=credits)
        right = alignment.b if left == alignment.a else alignment.a
        side = {left: "left", right: "right"}
        derived = "both" if len(derived_ids) == 2 else next(iter(map(side.get, derived_ids)), None)
        pair_of[frozenset((alignment.a, alignment.b))] = len(views)
        views.append((view, derived))
    return views, pair_of


def _derived(alignment: Alignment, edge: Edge | None, verdicts: dict[str, Verdict]) -> set[str]:
    """Which side of a pair took from the other: the target of an edge between them; with no
    edge (both took from a third text), each side whose verdict says it is derived."""
    if edge is not None:
        return {edge.target}
    return {
        a for a in (alignment.a, alignment.b) if a in verdicts and verdicts[a].derivation in DERIVED
    }


def _graph(
    story: Story,
    members: list[str],
    names: dict[str, str],
    index: Index,
    pair_of: dict[frozenset[str], int],
    by_pair: dict[frozenset[str], Alignment],
) -> Json:
    hidden = {h.id: h for h in story.hidden}
    nodes = [*hidden, *members]
    known = set(nodes)
    edges = [e for e in story.edges if e.source in known and e.target in known]
    placed = layout(nodes, edges)
    number = {node: n for n, node in enumerate(nodes)}
    position = {a: n for n, a in enumerate(members)}
    drawn_nodes = []
    hidden_number = {h.id: n for n, h in enumerate(story.hidden)}
    for node in nodes:
        centre = placed.centres[node]
        if node in hidden:
            name, _, rest = hidden[node].name.partition(" (")
            lines = [name, f"({rest}" if rest else "not in the pile"]
        else:
            article = index.articles[node]
            outlet = article.shown_outlet
            lines = [outlet or node, node if outlet else (article.date or "")]
        drawn_nodes.append(
            {
                "hidden": hidden_number.get(node, -1),
                "article": position.get(node, -1),
                "name": names.get(node, node),
                "x": round(centre.x, 1),
                "y": round(centre.y, 1),
                "lines": [_cut(line) for line in lines if line],
                "origin": node == story.origin,
            }
        )

    def target_share(target: str) -> dict[int, float]:
        """Per pair view, the share of ``target`` it shows shared."""
        return {
            n: (a.a_share if a.a == target else a.b_share)
            for key, a in by_pair.items()
            if target in key and (n := pair_of.get(key)) is not None
        }

    drawn_edges = []
    for edge, geometry in zip(edges, placed.edges):
        label, says = _edge_words(edge, index, by_pair)
        drawn_edges.append(
            {
                "from": number[edge.source],
                "to": number[edge.target],
                "kind": edge.kind,
                "path": geometry.path,
                "label_x": round(geometry.label.x, 1),
                "label_y": round(geometry.label.y, 1),
                "label": label,
                "says": says,
                "signals": [_signal_words(edge, s, names) for s in edge.signals],
                "pairs": _edge_pairs(edge, hidden, pair_of, target_share(edge.target)),
                "target": position.get(edge.target, -1),
            }
        )
    return {
        "width": round(placed.width, 1),
        "height": round(placed.height, 1),
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
        "nodes": drawn_nodes,
        "edges": drawn_edges,
    }


def _edge_words(
    edge: Edge, index: Index, by_pair: dict[frozenset[str], Alignment]
) -> tuple[str, str]:
    """The label on an edge (the share of the target reused from the source) and what the
    edge says, in words (the page puts the two names before it: a large story would repeat
    long ids in every sentence)."""
    if edge.kind == "credited":
        return "credit", "credited as the source; no shared text in the pile"
    if edge.kind == "template":
        return "template", (
            f"the same formula with other facts ({edge.shared_words} shared words), not a copy"
        )
    alignment = by_pair.get(frozenset((edge.source, edge.target)))
    if edge.kind == "shared":
        if alignment is None:
            return f"{edge.shared_words} words", f"share {edge.shared_words} words"
        mine = alignment.a_share if alignment.a == edge.source else alignment.b_share
        theirs = alignment.b_share if alignment.a == edge.source else alignment.a_share
        return f"{mine:.0%} ⇄ {theirs:.0%}", (
            f"share {edge.shared_words} words ({mine:.0%} of the first, {theirs:.0%} of the "
            "second); which took from which is not known"
        )
    verdict = index.verdicts.get(edge.target)
    sources = verdict.sources if verdict is not None else []
    share = next((s.share for s in sources if s.source == edge.source), None)
    if share is None and alignment is not None:
        share = alignment.b_share if alignment.b == edge.target else alignment.a_share
    words = f"{edge.kind}, {edge.shared_words} shared words"
    if share is None:
        return f"{edge.shared_words} words", words
    return f"{share:.0%}", f"{words}; {share:.0%} of the target reused from the source"


def _signal_words(edge: Edge, signal: Signal, names: dict[str, str]) -> Json:
    """A piece of evidence and what it says about the edge, in words."""
    weight = f"{signal.weight:+.1f}".replace("-", "−")
    if edge.kind in DIRECTED:
        if signal.weight > 0:
            stance = f"for this direction ({weight})"
        elif signal.weight < 0:
            stance = f"against this direction ({weight})"
        else:
            stance = "neutral"
    else:
        # Direction unknown: a signal leans one way or the other, too weakly to decide.
        ends = (names.get(edge.source, edge.source), names.get(edge.target, edge.target))
        first, second = ends if signal.weight >= 0 else ends[::-1]
        stance = f"leans {first} → {second} ({weight})" if signal.weight else "neutral"
    return {"name": signal.name, "stance": stance, "detail": signal.detail}


def _edge_pairs(
    edge: Edge,
    hidden: dict[str, HiddenSource],
    pair_of: dict[frozenset[str], int],
    shares: dict[int, float],
) -> list[int]:
    """The pair views an edge opens: the pair of its two articles; for an edge from a text not
    in the pile, the target with each article that source also explains, most shared first
    (the evidence that the text exists)."""
    direct = pair_of.get(frozenset((edge.source, edge.target)))
    if direct is not None:
        return [direct]
    source = hidden.get(edge.source)
    if source is None:
        return []
    found = [
        pair_of[key]
        for other in source.explains
        if other != edge.target and (key := frozenset((other, edge.target))) in pair_of
    ]
    return sorted(found, key=lambda n: -shares.get(n, 0.0))


def _article(
    article: Article,
    verdict: Verdict | None,
    printed: list[Range],
    credits: list[Attribution],
    names: dict[str, str],
) -> Json:
    added = verdict.added if verdict is not None else []
    spans = [_text_range(c) for c in credits]
    return {
        "id": article.id,
        "outlet": article.shown_outlet,
        "date": article.date,
        "title": article.title,
        "url": article.url,
        "link": _linkable(article.url),
        "outlet_from": article.meta.get("outlet_from"),
        "dir": direction(article.text),
        "text": article.text,
        "runs": runs(len(article.text), Marks(added=printed, credits=spans)),
        "derivation": verdict.derivation if verdict is not None else None,
        "reused": round(verdict.reused_share, 3) if verdict is not None else None,
        "sources": [
            {"name": names.get(s.source, s.source), "share": round(s.share, 3)}
            for s in (verdict.sources if verdict is not None else [])
        ],
        "added_chars": sum(len(span) for span in added),
        "credits": [
            {
                "name": c.name,
                "role": c.role,
                "cue": c.cue,
                "where": c.where,
                "words": _quote(article, c),
            }
            for c in credits
        ],
    }


def _linkable(url: str | None) -> bool:
    """Only web addresses become links: a ``javascript:`` or ``data:`` URL stays text."""
    return url is not None and WEB_ADDRESS.match(url) is not None


def _quote(article: Article, credit: Attribution) -> str:
    """The words a credit stands on, from the text or the metadata field it was read in."""
    if credit.where == "text":
        field: object = article.text
    else:
        field = getattr(article, credit.where, None) if credit.where in ("title", "url") else None
        field = field or article.meta.get(credit.where)
    if not isinstance(field, str):
        return ""
    return " ".join(field[credit.span.start : credit.span.end].split())


def _cut(line: str) -> str:
    line = " ".join(line.split())
    return line if len(line) <= NODE_LINE else line[: NODE_LINE - 1] + "…"
