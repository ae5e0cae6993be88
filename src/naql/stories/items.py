"""Pages that run several items, found from what they share, and cut into one part per item.

A roundup, or a business page with a second story appended, shares text with the articles of
each of its items: the first item's with some, a later item's with others, in blocks of the
page that do not overlap, and the two sets of partners have nothing to do with each other (no
shared text, no topical link). As one article such a page would tie two events together, or,
averaged over both stories, keep either from holding; it belongs to each.

So the page is cut, like a multi-story page at cleaning (``id#1``, ``id#2``, ``meta["page"]``),
at the start of a line between two items that no passage crosses: each part joins its own
item's story, keeps its passages and credits (offsets into the part; ``offset`` still maps
them back to the input), and the page's topical links stay with its first part, which holds
the headline and the lead. A page with no such line keeps its text whole and stays with its
first item; only its later items' links by shared text are dropped
(:func:`naql.stories.later_item_links`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from naql.records import Article, Attribution, Span, drops_within
from naql.text import Tokens

if TYPE_CHECKING:  # align imports config, which imports naql.stories, which imports this module
    from naql.align import TokenPassage

Block = tuple[int, int, int]  # (first, last) position of one partner's passages on a page, partner
Item = tuple[int, int, set[int]]  # (first, last) position of an item, its partners


# A later item cut into a part of its own must be a report, not a quoted line: this many
# tokens from its first shared one to its last, and this share of its part.
MIN_ITEM_TOKENS = 40
MIN_ITEM_SHARE = 0.5


def page_items(
    blocks: dict[int, list[Block]], related: set[tuple[int, int]]
) -> dict[int, list[Item]]:
    """The pages of several items, each with its items in page order: a partner's block that
    overlaps an item's joins it; the blocks make items when no partner of one is ``related``
    (pairs ``(i, j)``, ``i < j``) to a partner of another."""
    found: dict[int, list[Item]] = {}
    for page, spans in blocks.items():
        if len(spans) < 2:
            continue
        items: list[Item] = []
        for start, end, partner in sorted(spans):
            if items and start <= items[-1][1]:
                first, last, partners = items[-1]
                items[-1] = (first, max(last, end), partners | {partner})
            else:
                items.append((start, end, {partner}))
        if len(items) > 1 and not any(
            (min(x, y), max(x, y)) in related
            for k, (_, _, one) in enumerate(items)
            for _, _, other in items[k + 1 :]
            for x in one
            for y in other
        ):
            found[page] = items
    return found


@dataclass(slots=True)
class Parts:
    """A pile with its pages of several items cut into parts."""

    articles: list[Article]
    tokens: list[Tokens]
    by_pair: dict[tuple[int, int], list[TokenPassage]]
    credits: list[Attribution]
    topical: dict[tuple[int, int], float]
    new_index: list[int]  # old article index -> the new index of its (first) part
    cut: set[int]  # new indices of the parts cut from pages
    pages: int = 0  # pages cut


def token_items(
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    linked: Iterable[tuple[int, int]],
    related: set[tuple[int, int]],
) -> dict[int, list[Item]]:
    """:func:`page_items` in token positions, from the passages of the ``linked`` pairs."""
    blocks: dict[int, list[Block]] = {}
    related = set(related)
    for left, right in linked:
        related.add((left, right))
        group = by_pair[(left, right)]
        blocks.setdefault(left, []).append(
            (min(p.i0 for p in group), max(p.i1 for p in group), right)
        )
        blocks.setdefault(right, []).append(
            (min(p.j0 for p in group), max(p.j1 for p in group), left)
        )
    return page_items(blocks, related)


def cut_pages(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    credits: Sequence[Attribution],
    topical: dict[tuple[int, int], float] | None,
    items: dict[int, list[Item]],
) -> Parts:
    """The pile with each page of ``items`` cut where it can be (see the module doc); its
    ``topical`` links renumbered (none when None: a caller done with them)."""
    covered = _covered(by_pair, set(items), [len(t) for t in tokens])
    cuts = {
        page: found
        for page in sorted(items)
        if (found := _cuts(articles[page].text, tokens[page], items[page], covered[page]))
    }
    if not cuts:
        unchanged = list(range(len(articles)))
        return Parts(
            list(articles), list(tokens), by_pair, list(credits), topical or {}, unchanged, set()
        )
    # Per cut page: where each part starts, in characters (the line starts of its cuts).
    chars = {
        page: [0, *(_line_start(articles[page].text, tokens[page], t) for t in found)]
        for page, found in cuts.items()
    }
    new_articles: list[Article] = []
    new_tokens: list[Tokens] = []
    new_index: list[int] = []
    bounds: dict[int, list[int]] = {}  # page -> token positions where its parts start
    cut: set[int] = set()
    for k, (article, doc) in enumerate(zip(articles, tokens)):
        new_index.append(len(new_articles))
        if k not in cuts:
            new_articles.append(article)
            new_tokens.append(doc)
            continue
        starts = [0, *cuts[k]]
        bounds[k] = starts
        begins = [*chars[k], len(article.text)]
        ends = [*starts[1:], len(doc)]
        for part, (t0, t1) in enumerate(zip(starts, ends)):
            cut.add(len(new_articles))
            new_articles.append(_part(article, part, begins[part], begins[part + 1]))
            new_tokens.append(_slice(doc, t0, t1, begins[part]))
    new_pairs: dict[tuple[int, int], list[TokenPassage]] = {}
    for (left, right), group in by_pair.items():
        for passage in group:
            a, i0 = _where(left, passage.i0, new_index, bounds)
            b, j0 = _where(right, passage.j0, new_index, bounds)
            moved = replace(
                passage,
                left=a,
                right=b,
                i0=passage.i0 - i0,
                i1=passage.i1 - i0,
                j0=passage.j0 - j0,
                j1=passage.j1 - j0,
            )
            new_pairs.setdefault((a, b), []).append(moved)
    new_topical = {(new_index[i], new_index[j]): value for (i, j), value in (topical or {}).items()}
    return Parts(
        new_articles,
        new_tokens,
        new_pairs,
        _credits(credits, articles, chars, new_articles, new_index),
        new_topical,
        new_index,
        cut,
        len(cuts),
    )


def _covered(
    by_pair: dict[tuple[int, int], list[TokenPassage]], pages: set[int], sizes: list[int]
) -> dict[int, np.ndarray]:
    """Per page, per token position: whether a passage (of any pair) runs on past it."""
    inside = {page: np.zeros(sizes[page] + 1, dtype=np.int64) for page in pages}
    for (left, right), group in by_pair.items():
        for page, side in ((left, 0), (right, 1)):
            if page in inside:
                for p in group:
                    first, last = (p.i0, p.i1) if side == 0 else (p.j0, p.j1)
                    inside[page][first + 1] += 1  # a cut before first + 1 .. last is inside
                    inside[page][last + 1] -= 1
    return {page: np.cumsum(marks) > 0 for page, marks in inside.items()}


def _cuts(text: str, doc: Tokens, items: list[Item], inside: np.ndarray) -> list[int]:
    """Token positions where a part starts: for each later item, the last line start between
    the previous item's end and its own start that no passage crosses. Any item with no such
    line, and the page stays whole."""
    found = []
    for (_, last, _), (first, _, _) in zip(items, items[1:]):
        cut = next(
            (
                t
                for t in range(first, last, -1)
                if not inside[t] and "\n" in text[doc.end(t - 1) : int(doc.starts[t])]
            ),
            None,
        )
        if cut is None:
            return []
        found.append(cut)
    ends = [*found[1:], len(doc)]
    for (first, last, _), start, end in zip(items[1:], found, ends):
        size = last - first + 1
        if size < MIN_ITEM_TOKENS or size < MIN_ITEM_SHARE * (end - start):
            return []
    if found[0] < MIN_ITEM_TOKENS:
        return []
    return found


def _line_start(text: str, doc: Tokens, t: int) -> int:
    return text.rfind("\n", doc.end(t - 1), int(doc.starts[t])) + 1


def _part(article: Article, part: int, begin: int, end: int) -> Article:
    meta = dict(article.meta)
    meta["page"] = article.meta.get("page", article.id)
    meta["item_of"] = article.id  # cut as one item of a page of several (naql.stories.items)
    return replace(
        article,
        id=f"{article.id}#{part + 1}",
        text=article.text[begin:end],
        title=article.title if part == 0 else None,
        offset=article.offset + begin,
        dropped=drops_within(article.dropped, begin, end),
        meta=meta,
    )


def _slice(doc: Tokens, first: int, end: int, begin: int) -> Tokens:
    return Tokens(
        doc.ids[first:end],
        doc.stop[first:end],
        (doc.starts[first:end] - begin).astype(np.int32),
        (doc.ends_in(first, end) - begin).astype(np.int32),
    )


def _where(
    k: int, position: int, new_index: list[int], bounds: dict[int, list[int]]
) -> tuple[int, int]:
    """The new index of the part of article ``k`` holding token ``position``, and where that
    part starts."""
    if k not in bounds:
        return new_index[k], 0
    part = int(np.searchsorted(bounds[k], position, side="right")) - 1
    return new_index[k] + part, bounds[k][part]


def _credits(
    credits: Sequence[Attribution],
    articles: Sequence[Article],
    chars: dict[int, list[int]],
    new_articles: Sequence[Article],
    new_index: list[int],
) -> list[Attribution]:
    """Credits in a cut page's text go with the part they stand in; a byline's, to every part.
    ``chars``: per cut page, where its parts start."""
    index = {article.id: k for k, article in enumerate(articles)}
    found: list[Attribution] = []
    for credit in credits:
        k = index[credit.article]
        if k not in chars:
            found.append(credit)
            continue
        starts = chars[k]
        if credit.where != "text":
            found.extend(
                replace(credit, article=new_articles[new_index[k] + part].id)
                for part in range(len(starts))
            )
            continue
        part = int(np.searchsorted(starts, credit.span.start, side="right")) - 1
        begin = starts[part]
        found.append(
            replace(
                credit,
                article=new_articles[new_index[k] + part].id,
                span=Span(credit.span.start - begin, credit.span.end - begin),
            )
        )
    return found
