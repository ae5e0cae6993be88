"""Pages that report another story's event in some of their lines, found by topic.

A roundup (the day's condemnations, a press review, a Yemen front page, a health page)
reports several events, each in a run of paragraphs written in its own words. Cut pages by
shared text (:mod:`naql.stories.items`) only where a later item shares wording with another
article; a rewrite of the event shares none. As one text the page sits with its lead's event,
and its cosine to another event's articles is diluted by everything else it reports: the
reports of that event never count it among theirs.

So, once stories are grouped, every page linked at least ``roundup_link`` to another story's
articles is read a run of lines at a time (one to ``roundup_lines`` paragraphs, not its lead,
at least :data:`~naql.stories.items.MIN_ITEM_TOKENS` tokens): a run whose mean cosine to ALL
that story's members (0 for those dated beyond ``topic_days``, as the links between articles
are) reaches ``roundup_join`` and is ``roundup_over_own`` times its mean to the page's own
story would join that story as an article of its own; a story naming other days than the
page's lead, or holding an article kept apart from the page, is not offered. The page is cut
there, as pages are cut by shared text, the run's lines becoming a part (what follows it
another, when long enough), and the part joins that story while the page's other parts stay
in the page's: the stories are not grouped again, which moved other articles about (a
preview and the match report it preceded merged). The page's pairs are aligned again part by
part, since a passage it shared may run across a cut.

Read on SaudiNewsNet (tests/data/saudinewsnet_roundups.md): of 48 parts drawn at random from
the 440 that joined another story, 45 report the event of one or both of two of its articles
shown; 71 of the 84 pairs are one event.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from naql.records import Article, Attribution
from naql.stories import StoryGroups
from naql.stories.items import MIN_ITEM_TOKENS, Item, Parts, cut_pages
from naql.stories.topical import (
    inverse_frequency,
    normalised_weights,
    row_terms,
    rowwise_dot,
)
from naql.text import Tokens
from naql.text.tokens import document_frequency

if TYPE_CHECKING:
    import scipy.sparse as sp

    from naql.align import TokenPassage
    from naql.stories import StoryConfig

_LINE = re.compile("\n")


@dataclass(slots=True, frozen=True)
class Run:
    """A run of a page's lines that joins another story: token positions, the story, and
    its cosine to each of that story's members (article index -> cosine)."""

    first: int
    last: int
    story: int
    links: dict[int, float]
    mean: float


# Pages read at a time: their runs' rows are never all held at once, and each block is one
# worker's chunk (the blocks are independent given the pile).
RUNS_BLOCK = 2048
# (the pile, its articles, blocks of pages) -> each block's runs, as RunsPile.runs gives them,
# or None where the reader declines (this process reads them then)
BlockReader = Callable[
    ["RunsPile", Sequence[Article], list[list[int]]], list[dict[int, list[Run]]] | None
]


def page_runs(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    groups: StoryGroups,
    apart: set[tuple[int, int]],
    dates: Sequence[datetime | None],
    boost: np.ndarray,
    config: StoryConfig,
    read: BlockReader | None = None,
) -> dict[int, list[Run]]:
    """Per page, the runs of its lines that join another story (see the module doc), in page
    order and not overlapping. ``boost``: the stories' term weights
    (:func:`naql.stories.topical.term_weights`), with the pile's IDF. Pages are read
    :data:`RUNS_BLOCK` at a time, each block against the whole pile alone: ``read`` (a
    backend's workers) gives the blocks' runs as this process would, block by block, or
    declines (None) and this process reads them."""
    members = groups.members
    story = np.full(len(articles), -1, dtype=np.int64)
    for number, group in enumerate(members):
        story[group] = number
    candidates = _candidates(groups, story, articles, config.roundup_link, apart)
    if not candidates:
        return {}
    pile = RunsPile(
        tokens,
        [np.asarray(group, dtype=np.int64) for group in members],
        story,
        np.array([d.timestamp() if d else np.nan for d in dates], dtype=float),
        inverse_frequency(document_frequency(tokens, len(boost), content=True), len(tokens)),
        boost,
        config,
        candidates,
    )
    blocks = pile.blocks()
    parts = None if read is None else read(pile, articles, blocks)
    if parts is None:
        parts = [pile.runs(pages, [articles[page].text for page in pages]) for pages in blocks]
    found: dict[int, list[Run]] = {}
    for part in parts:
        found.update(part)
    return found


class RunsPile:
    """What every block of pages is read against: the pile's tokens and stories, its dates,
    its IDF and the stories' boost; and per page to read, the stories it may join."""

    def __init__(
        self,
        tokens: Sequence[Tokens],
        members: list[np.ndarray],
        story: np.ndarray,
        stamps: np.ndarray,
        idf: np.ndarray,
        boost: np.ndarray,
        config: StoryConfig,
        candidates: dict[int, list[int]],
    ) -> None:
        self.tokens, self.members, self.story = tokens, members, story
        self.stamps, self.idf, self.boost, self.config = stamps, idf, boost, config
        self.candidates = candidates
        self.sizes = np.fromiter((len(m) for m in members), dtype=np.int64, count=len(members))

    def blocks(self) -> list[list[int]]:
        """The pages to read, :data:`RUNS_BLOCK` at a time, in page order."""
        pages = sorted(self.candidates)
        return [pages[low : low + RUNS_BLOCK] for low in range(0, len(pages), RUNS_BLOCK)]

    def restricted(self, pages: list[int]) -> Restricted:
        """What reading ``pages`` (one block) needs of the pile, renumbered: the texts of the
        stories the pages are in or may join, those stories, and the pages' candidates. Its
        :meth:`runs` of the pages' new numbers are this pile's, numbered anew
        (:meth:`Restricted.numbered`), to the last bit: the texts and the stories keep their
        order, and every sum adds the same terms in the same order."""
        stories = sorted(
            {int(self.story[page]) for page in pages}
            | {s for page in pages for s in self.candidates[page]}
        )
        texts = np.unique(np.concatenate([self.members[s] for s in stories]))
        story_at = {s: n for n, s in enumerate(stories)}
        members = [np.searchsorted(texts, self.members[s]) for s in stories]
        story = np.full(len(texts), -1, dtype=np.int64)
        for number, group in enumerate(members):
            story[group] = number
        local = np.searchsorted(texts, pages).tolist()
        pile = RunsPile(
            [self.tokens[k] for k in texts.tolist()],
            members,
            story,
            self.stamps[texts],
            self.idf,
            self.boost,
            self.config,
            {at: [story_at[s] for s in self.candidates[page]] for at, page in zip(local, pages)},
        )
        return Restricted(pile, local, texts, np.asarray(stories, dtype=np.int64))

    def runs(self, pages: list[int], texts: list[str]) -> dict[int, list[Run]]:
        """The runs of ``pages`` (one block; ``texts`` their texts), as :func:`page_runs`."""
        config, candidates = self.config, self.candidates
        # Each page cut into paragraphs once; a run's term counts are its paragraphs' summed.
        pieces: list[tuple[int, list[int]]] = []  # per page read: the page, its bounds
        windows: list[tuple[int, int, int]] = []  # (page, first, last) token positions
        spans: list[tuple[int, int]] = []  # per window, its paragraphs (first, end), counted
        base = 0  # over all pages' paragraphs
        for page, text in zip(pages, texts):
            bounds = _paragraphs(text, self.tokens[page])
            if len(bounds) < 2:
                continue
            pieces.append((page, bounds))
            for x in range(1, len(bounds) - 1):
                for y in range(x + 1, min(len(bounds), x + config.roundup_lines + 1)):
                    if bounds[y] - bounds[x] >= MIN_ITEM_TOKENS:
                        windows.append((page, bounds[x], bounds[y] - 1))
                        spans.append((base + x, base + y))
            base += len(bounds) - 1
        if not windows:
            return {}
        page_of = np.asarray([w[0] for w in windows], dtype=np.int64)
        count = len(windows)
        own_story = self.story[page_of]
        texts_needed = np.unique(
            np.concatenate(
                [
                    self.members[s]
                    for s in {
                        *own_story.tolist(),
                        *(s for p in pages for s in candidates.get(p, ())),
                    }
                ]
            )
        )
        paragraphs = _paragraph_counts(self.tokens, pieces, len(self.idf))
        needed = [self.tokens[k] for k in texts_needed.tolist()]
        matrix = _rows(paragraphs, spans, needed, self.idf, self.boost)

        def means(gw: np.ndarray, gs: np.ndarray) -> tuple[np.ndarray, ...]:
            """Per (window, story) group: the members' cosines to the window (0 beyond
            ``topic_days`` and for the page itself), summed; the groups' first pairs, their
            members and cosines."""
            per_group = self.sizes[gs]
            firsts = np.r_[0, np.cumsum(per_group)]
            member = np.concatenate([self.members[s] for s in gs.tolist()] or [np.zeros(0, int)])
            window = np.repeat(gw, per_group)
            values = rowwise_dot(matrix, window, count + np.searchsorted(texts_needed, member))
            page = page_of[window]
            far = np.abs(self.stamps[page] - self.stamps[member]) > config.topic_days * 86400
            values[far | (member == page)] = 0.0  # NaN dates: near
            sums = np.add.reduceat(values, firsts[:-1]) if len(values) else np.zeros(len(gw))
            return sums, firsts, member, values

        # (window, story) for each candidate story of its page: its mean over the story ...
        gw = np.repeat(np.arange(count), [len(candidates[p]) for p in page_of.tolist()])
        gs = np.concatenate([np.asarray(candidates[p], dtype=np.int64) for p in page_of.tolist()])
        sums, firsts, member, values = means(gw, gs)
        mean = sums / self.sizes[gs]
        near = np.flatnonzero(mean >= config.roundup_join)
        # ... and, where it may join, over its own story's other members.
        mine = np.unique(gw[near])
        own_sums = means(mine, own_story[mine])[0]
        own_mean = np.zeros(count)
        own_mean[mine] = own_sums / np.maximum(self.sizes[own_story[mine]] - 1, 1)
        offered = near[mean[near] > config.roundup_over_own * own_mean[gw[near]]]
        found: dict[int, list[Run]] = {}
        for g in sorted(offered.tolist(), key=lambda g: (-mean[g], g)):
            at, first, last = windows[gw[g]]
            chosen = found.setdefault(at, [])
            if all(gs[g] != c.story and (last < c.first or first > c.last) for c in chosen):
                low, high = firsts[g], firsts[g + 1]
                links = {
                    int(m): float(v) for m, v in zip(member[low:high], values[low:high]) if v > 0.0
                }
                chosen.append(Run(first, last, int(gs[g]), links, float(mean[g])))
        return {at: sorted(runs, key=lambda r: r.first) for at, runs in sorted(found.items())}


@dataclass(slots=True)
class Restricted:
    """A block's share of the pile (:meth:`RunsPile.restricted`): the pile of its texts
    alone, the pages' numbers there, and each text's and story's number in the whole pile."""

    pile: RunsPile
    pages: list[int]
    texts: np.ndarray
    stories: np.ndarray

    def numbered(self, found: dict[int, list[Run]]) -> dict[int, list[Run]]:
        """Runs :attr:`pile` found, numbered as in the whole pile."""
        texts, stories = self.texts.tolist(), self.stories.tolist()
        return {
            texts[at]: [
                Run(
                    run.first,
                    run.last,
                    stories[run.story],
                    {texts[k]: value for k, value in run.links.items()},
                    run.mean,
                )
                for run in runs
            ]
            for at, runs in found.items()
        }


def run_items(runs: list[Run], length: int) -> list[Item]:
    """A page's items for :func:`naql.stories.items.cut_pages`: its lead, each run, and what
    follows a run when it is long enough to be a part of its own (else the run takes it)."""
    items: list[Item] = [(0, runs[0].first - 1, set())]
    for k, run in enumerate(runs):
        following = runs[k + 1].first if k + 1 < len(runs) else length
        items.append((run.first, run.last, {run.story}))
        if following - run.last - 1 >= MIN_ITEM_TOKENS:
            items.append((run.last + 1, following - 1, set()))
    return items


def cut_roundups(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    credits: Sequence[Attribution],
    runs: dict[int, list[Run]],
    realign: Callable[[Sequence[Tokens], list[tuple[int, int]]], list[TokenPassage]],
) -> tuple[Parts, dict[int, list[Item]]]:
    """The pile with each page of ``runs`` cut at its runs (:func:`cut_pages`), and each
    page's items. A passage the page shared may run across a cut (an agency's roundup and a
    paper's copy of it share the whole page): each pair the page was in is aligned again,
    part by part (``realign`` of the cut pile's tokens and pairs)."""
    items = {page: run_items(found, len(tokens[page])) for page, found in runs.items()}
    touched = [pair for pair in by_pair if pair[0] in items or pair[1] in items]
    kept = {
        pair: group
        for pair, group in by_pair.items()
        if pair[0] not in items and pair[1] not in items
    }
    # With none of its passages left, every page is cut at its runs: they start paragraphs,
    # and leads, runs and tails are long enough (naql.stories.items' rules).
    # The stories are grouped: the topical links are not carried over (at 16x SaudiNewsNet,
    # a copy of them was the trace's peak).
    parts = cut_pages(articles, tokens, kept, credits, None, items)
    again = sorted(
        {
            (min(x, y), max(x, y))
            for i, j in touched
            for x in parts_of(i, parts)
            for y in parts_of(j, parts)
        }
    )
    for passage in realign(parts.tokens, again):
        parts.by_pair.setdefault((passage.left, passage.right), []).append(passage)
    return parts, items


def joined(
    groups: StoryGroups, runs: dict[int, list[Run]], items: dict[int, list[Item]], parts: Parts
) -> StoryGroups:
    """The stories of the cut pile: each run's part joins the story its run joined, the
    page's other parts stay in the page's story; the page's links and named days are its
    lead's, and each run's cosines its part's links. ``groups.similarity`` is emptied on the
    way: renumbered a link at a time, the pile's links are never held twice (at 16x
    SaudiNewsNet, 0.5 GB). Their order is not kept: the links are looked up, or sorted."""
    new_index = parts.new_index
    similarity: dict[tuple[int, int], float] = {}
    old = groups.similarity
    while old:
        (i, j), value = old.popitem()
        similarity[(new_index[i], new_index[j])] = value
    moved: dict[int, int] = {}  # run's part -> the story it joins
    for page, found in runs.items():
        if len(parts_of(page, parts)) == 1:
            continue  # not cut
        firsts = [first for first, _, _ in items[page]]
        for run in found:
            part = new_index[page] + firsts.index(run.first)
            moved[part] = run.story
            for member, value in run.links.items():
                other = new_index[member]
                similarity[(min(part, other), max(part, other))] = value
    members: list[list[int]] = [[] for _ in groups.members]
    for number, group in enumerate(groups.members):
        for k in group:
            for part in parts_of(k, parts):
                members[moved.get(part, number)].append(part)
    days = {new_index[k]: named for k, named in groups.days.items()}
    ordered = sorted((sorted(group) for group in members), key=lambda g: (-len(g), g[0]))
    return StoryGroups(ordered, similarity, days)


def parts_of(k: int, parts: Parts) -> range:
    """The indices, in the cut pile, of article ``k``'s parts (one when it was not cut)."""
    new_index = parts.new_index
    return range(new_index[k], new_index[k + 1] if k + 1 < len(new_index) else len(parts.articles))


def _candidates(
    groups: StoryGroups,
    story: np.ndarray,
    articles: Sequence[Article],
    least: float,
    apart: set[tuple[int, int]],
) -> dict[int, list[int]]:
    """Per page, the other stories holding an article it is linked to, at ``least`` this
    strongly, that the page may join as the stories' own cannot-links say: none naming days
    all other than the page's, none holding an article kept apart from it. A part already
    cut from a page is not cut again."""
    found: dict[int, set[int]] = {}
    for (i, j), value in groups.similarity.items():
        if value >= least and story[i] != story[j]:
            found.setdefault(i, set()).add(int(story[j]))
            found.setdefault(j, set()).add(int(story[i]))
    told: dict[int, set[int]] = {}
    for k, named in groups.days.items():
        told.setdefault(int(story[k]), set()).update(named)
    banned: dict[int, set[int]] = {}
    for i, j in apart:
        banned.setdefault(i, set()).add(int(story[j]))
        banned.setdefault(j, set()).add(int(story[i]))
    return {
        page: allowed
        for page, stories in sorted(found.items())
        if "item_of" not in articles[page].meta
        and (
            allowed := [
                s
                for s in sorted(stories)
                if s not in banned.get(page, ())
                and not (
                    page in groups.days and s in told and told[s].isdisjoint(groups.days[page])
                )
            ]
        )
    }


def _paragraphs(text: str, doc: Tokens) -> list[int]:
    """Token positions where the page's paragraphs start, the lead (at least
    :data:`MIN_ITEM_TOKENS` tokens) first, and the page's end: empty when the page is too
    short to hold a later item."""
    count = len(doc.ids)
    if count < 2 * MIN_ITEM_TOKENS:
        return []
    breaks = [hit.end() for hit in _LINE.finditer(text)]
    starts = np.unique(np.searchsorted(doc.starts, breaks)).tolist()
    return [0, *(t for t in starts if MIN_ITEM_TOKENS <= t < count), count]


def _paragraph_counts(
    tokens: Sequence[Tokens], pages: Sequence[tuple[int, list[int]]], size: int
) -> sp.csr_matrix:
    """Content-stem counts per paragraph of each page (its ``bounds``: token positions), one
    row per paragraph, the pages' one after another."""
    import scipy.sparse as sp

    keys = []
    base = 0
    for page, bounds in pages:
        doc = tokens[page]
        content = np.flatnonzero(~doc.stop)
        paragraph = np.searchsorted(bounds, content, side="right") - 1 + base
        keys.append(paragraph.astype(np.int64) * size + doc.ids[content])
        base += len(bounds) - 1
    values, counts = np.unique(np.concatenate(keys), return_counts=True)
    rows, columns = np.divmod(values, size)
    return sp.csr_matrix((counts.astype(np.float64), (rows, columns)), shape=(base, size)).tocsr()


def _rows(
    paragraphs: sp.csr_matrix,
    spans: Sequence[tuple[int, int]],
    texts: Sequence[Tokens],
    idf: np.ndarray,
    boost: np.ndarray,
) -> sp.csr_matrix:
    """The stories' TF-IDF rows (:func:`naql.stories.topical.normalised_weights`, with the
    pile's ``idf`` and the stories' ``boost``), columns ascending: one per run, the summed
    counts of its ``paragraphs[first:end]``, then one per text of ``texts``."""
    import scipy.sparse as sp

    size = len(idf)

    def counts(docs: Sequence[Tokens]) -> sp.csr_matrix:
        stems, occurrences, per_row = row_terms(docs, size)
        return sp.csr_matrix(
            (occurrences.astype(np.float64), stems, np.r_[0, np.cumsum(per_row)]),
            shape=(len(docs), size),
        )

    first = np.asarray([a for a, _ in spans], dtype=np.int64)
    width = np.asarray([b for _, b in spans], dtype=np.int64) - first
    total = int(width.sum())
    runs = sp.csr_matrix(
        (
            np.ones(total),
            np.repeat(first - np.r_[0, np.cumsum(width)[:-1]], width) + np.arange(total),
            np.r_[0, np.cumsum(width)],
        ),
        shape=(len(spans), paragraphs.shape[0]),
    )
    raw = sp.vstack([runs @ paragraphs, counts(texts)], format="csr")
    raw.sum_duplicates()
    raw.sort_indices()
    local = raw.indptr.astype(np.int64)
    data = normalised_weights(raw.indices, raw.data, local, idf, boost)
    return sp.csr_matrix((data, raw.indices, local), shape=raw.shape)
