"""Chrome learned from the batch: short lines that recur on many pages that tell different stories.

The rule, computed once over the whole batch (N pages; N_o of them from outlet o):

* a line of at most ``frequent_max_words`` words is **outlet chrome** for o when it is on at
  least ``max(outlet_min_pages, outlet_share * N_o)`` pages of o;
* it is **cross-outlet chrome** when it is on at least ``max(cross_min_pages, cross_share * N)``
  pages of at least ``cross_min_outlets`` outlets (a page with no outlet counts as an outlet of
  its own);
* in both cases only if the pages holding it are different stories: the mean pairwise Jaccard
  similarity of their word sets (words of four letters or more, up to ``guard_sample`` pages)
  stays below ``story_overlap``. A line repeated because one story was re-run by many outlets
  («نحن سلمان بن عبدالعزيز آل سعود» in royal decrees) is reuse, the thing naql traces: on
  SaudiNewsNet such lines' pages score 0.27-0.46, chrome's («// انتهى //», «للتواصل مع الكاتب
  ارسل رسالة SMS») 0.02-0.05, random pairs 0.01.

The floors keep a small batch (five pages about one story) from learning anything by chance;
the shares make the bar grow with the corpus, so 31,000 pages need a line on 155 pages of three
outlets before it counts as site-wide. Long lines are never counted: a body paragraph on many
pages is reuse, and the aligner must see it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from naql.clean.lines import Line

if TYPE_CHECKING:
    from naql.clean import CleanConfig

OUTLET_CHROME = "frequent in outlet"
CROSS_CHROME = "frequent across outlets"


@dataclass(slots=True)
class Chrome:
    """What the batch taught: (outlet group, key) pairs and keys that are chrome."""

    by_outlet: set[tuple[str, str]] = field(default_factory=set)
    everywhere: set[str] = field(default_factory=set)

    def reason(self, group: str | None, key: str) -> str | None:
        if key in self.everywhere:
            return CROSS_CHROME
        if group is not None and (group, key) in self.by_outlet:
            return OUTLET_CHROME
        return None


def outlet_bar(config: CleanConfig, pages: int) -> int:
    """Pages of an outlet with ``pages`` pages that a line or sign-off must be on to be its
    chrome: ``max(outlet_min_pages, outlet_share * pages)``."""
    return max(config.outlet_min_pages, math.ceil(config.outlet_share * pages))


def worth_counting(groups: Sequence[str | None], config: CleanConfig) -> bool:
    """Whether any line of a batch of pages of these outlets could reach a chrome bar: a
    small batch (a few pages) learns nothing, and is not counted at all."""
    sizes = Counter(group for group in groups if group is not None)
    cross_bar = max(config.cross_min_pages, math.ceil(config.cross_share * len(groups)))
    return max(sizes.values(), default=0) >= config.outlet_min_pages or len(groups) >= cross_bar


def line_holders(
    pages: Sequence[Sequence[Line]], config: CleanConfig, first: int = 0
) -> dict[str, list[int]]:
    """The pages (numbered from ``first``) holding each line short enough to be counted, once
    per page, in page order: what :func:`learn_chrome` counts. Pages cut into contiguous
    chunks give, merged in chunk order (:func:`merge_holders`), the whole batch's."""
    holders: dict[str, list[int]] = defaultdict(list)
    limit = config.frequent_max_words
    for index, lines in enumerate(pages, first):
        keys = {line.key for line in lines if 0 < line.words <= limit and line.key}
        for key in keys:
            holders[key].append(index)
    return holders


def merge_holders(chunks: Iterable[dict[str, list[int]]]) -> dict[str, list[int]]:
    """The :func:`line_holders` of contiguous chunks, given in order, as one batch's."""
    merged: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks:
        for key, indices in chunk.items():
            merged[key].extend(indices)
    return merged


def learn_chrome(
    groups: Sequence[str | None],
    holders: dict[str, list[int]],
    page_text: Callable[[int], str],
    config: CleanConfig,
) -> Chrome:
    """The chrome of a batch: ``groups[i]`` is page i's outlet (None if unknown), ``holders``
    the pages holding each short line (:func:`line_holders`), ``page_text(i)`` page i's text
    (read only for the story check)."""
    chrome = Chrome()
    total = len(groups)
    cross_bar = max(config.cross_min_pages, math.ceil(config.cross_share * total))
    outlet_sizes: dict[str, int] = defaultdict(int)
    for group in groups:
        if group is not None:
            outlet_sizes[group] += 1
    smallest_outlet_bar = config.outlet_min_pages
    words_cache: dict[int, set[str]] = {}

    def different_stories(indices: list[int]) -> bool:
        step = max(1, len(indices) // config.guard_sample)
        sample = indices[::step][: config.guard_sample]
        sets = []
        for index in sample:
            if index not in words_cache:
                words_cache[index] = {w for w in page_text(index).split() if len(w) >= 4}
            sets.append(words_cache[index])
        scores = [len(a & b) / len(a | b) for a, b in combinations(sets, 2) if a or b]
        return not scores or sum(scores) / len(scores) < config.story_overlap

    for key, indices in holders.items():
        if len(indices) < smallest_outlet_bar:
            continue
        if len(indices) >= cross_bar:
            outlets = {groups[i] if groups[i] is not None else f"#{i}" for i in indices}
            if len(outlets) >= config.cross_min_outlets and different_stories(indices):
                chrome.everywhere.add(key)
                continue
        per_outlet: dict[str, list[int]] = defaultdict(list)
        for index in indices:
            group = groups[index]
            if group is not None:
                per_outlet[group].append(index)
        for group, members in per_outlet.items():
            if len(members) >= outlet_bar(config, outlet_sizes[group]) and different_stories(
                members
            ):
                chrome.by_outlet.add((group, key))
    return chrome
