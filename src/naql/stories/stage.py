"""The stories stage: pages cut into their items, the pile grouped into stories.

Pages running several items are cut first where their items share text with other articles
(:mod:`naql.stories.items`); the pile is then grouped (:func:`naql.stories.group_stories`,
templates and formula-only pairs kept apart); and a page reporting another story's event in
some of its lines, in words of its own, is cut there too, its part joining that story
(:mod:`naql.stories.roundups`). The trace (:func:`naql.pipeline.trace`) runs this stage; the
CLI, the index and the Spark job reach it only through there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from naql import memo
from naql.align import TokenPassage, common_stems
from naql.backends import Backend, tasks
from naql.config import Config
from naql.memo import Memo
from naql.pairs import PairInputs, Template, redescribed, word_lists
from naql.records import Alignment, Article, Attribution
from naql.stories import StoryGroups, _parse_date, group_stories
from naql.stories.items import Parts, cut_pages, token_items
from naql.stories.roundups import cut_roundups, joined, page_runs, parts_of
from naql.text import Tokens, Vocabulary


@dataclass(slots=True)
class Grouped:
    """The pile after the stories stage (its pages cut into parts) and its stories."""

    articles: list[Article]
    tokens: list[Tokens]
    by_pair: dict[tuple[int, int], list[TokenPassage]]
    alignments: list[Alignment]
    templates: dict[tuple[int, int], Template]
    credits: list[Attribution]
    groups: StoryGroups
    apart: set[tuple[int, int]]  # pairs kept apart: templates and formula-only pairs
    lists: dict[tuple[int, int], Any]  # names shared in no order (naql.pairs.word_lists)
    pages_cut: int


def stories_stage(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    credits: Sequence[Attribution],
    topical: dict[tuple[int, int], float],
    boost: np.ndarray,
    vocabulary: Vocabulary,
    config: Config,
    backend: Backend | None,
    told: Callable[[int, int], None],
    remember: Memo | None,
) -> Grouped:
    """The stories of the pile (see the module doc). ``topical`` loses the pairs kept apart,
    and is let go of once the stories are grouped (a caller that hands it over frees it
    then); ``told(done, total)`` hears of the formula test's progress."""
    pages_cut = 0
    # A page running several items is cut into one part per item (naql.stories.items).
    items = token_items(
        by_pair, [pair for pair in sorted(by_pair) if pair not in templates], set(topical)
    )
    if items:
        parts = cut_pages(articles, tokens, by_pair, credits, topical, items)
        if parts.pages:
            articles, tokens, by_pair, alignments, templates, credits, topical = _adopt(
                parts, by_pair, alignments, templates, vocabulary, remember
            )
            pages_cut = parts.pages
    groups, apart, lists = _grouped(
        articles, tokens, by_pair, alignments, templates, topical, boost, config, backend, told
    )
    del topical  # grouped: the links live on in the groups' (the caller hands them over)
    # A page reporting another story's event in some of its lines, in words of its own,
    # is cut there too, and the part joins that story (naql.stories.roundups).
    runs = page_runs(
        articles,
        tokens,
        groups,
        apart,
        [_parse_date(article.date) for article in articles],
        boost,
        config.stories,
        tasks.runs_reader(backend),
    )
    if runs:
        common = common_stems(tokens, tokens, len(vocabulary), config.align.max_df)
        parts, items = cut_roundups(
            articles,
            tokens,
            by_pair,
            credits,
            runs,
            lambda pile, pairs: _realigned(pile, pairs, len(vocabulary), config, common, backend),
        )
        articles, tokens, by_pair, alignments, templates, credits, _ = _adopt(
            parts, by_pair, alignments, templates, vocabulary, remember
        )
        pages_cut += parts.pages
        groups = joined(groups, runs, items, parts)
        new_index = parts.new_index
        apart = {(new_index[i], new_index[j]) for i, j in apart}
        lists = _relisted(lists, set(runs), parts, by_pair, alignments, templates, tokens, config)
        del parts
    return Grouped(
        list(articles),
        list(tokens),
        by_pair,
        list(alignments),
        templates,
        list(credits),
        groups,
        apart,
        lists,
        pages_cut,
    )


def _relisted(
    lists: dict[tuple[int, int], list[int]],
    pages: set[int],
    parts: Parts,
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    tokens: Sequence[Tokens],
    config: Config,
) -> dict[tuple[int, int], list[int]]:
    """:func:`word_lists` of the pile after the roundups' cut of ``pages``: a pair none of
    them is in kept its passages and record, so its entry is only renumbered; the cut pages'
    pairs, aligned again, are read anew (reading every pair again cost 0.7 s on SaudiNewsNet)."""
    new_index = parts.new_index
    moved = {part for page in pages for part in parts_of(page, parts)}
    kept = {
        (new_index[i], new_index[j]): found
        for (i, j), found in lists.items()
        if i not in pages and j not in pages
    }
    ordered = sorted(by_pair)
    again = [n for n, (i, j) in enumerate(ordered) if i in moved or j in moved]
    fresh = word_lists(
        {ordered[n]: by_pair[ordered[n]] for n in again},
        [alignments[n] for n in again],
        templates,
        tokens,
        config.align.min_phrase_share,
    )
    return dict(sorted({**kept, **fresh}.items()))


def _realigned(
    pile: Sequence[Tokens],
    pairs: list[tuple[int, int]],
    size: int,
    config: Config,
    common: np.ndarray,
    backend: Backend | None,
) -> list[TokenPassage]:
    """The cut pages' pairs aligned again, on the workers where they see the cut pile as
    this process does (forked): each pair aligned alone, so the same passages, and this
    process does not hold every pair's seeds (at 16x SaudiNewsNet, part of its peak)."""
    if backend is None or not backend.shares_inputs:
        backend = None  # elsewhere the whole cut pile would go out for a few thousand pairs
    return tasks.align_parallel(pile, pile, pairs, size, config.align, backend, common=common)


def _adopt(
    parts: Parts,
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    vocabulary: Vocabulary,
    remember: Memo | None,
) -> tuple[
    list[Article],
    list[Tokens],
    dict[tuple[int, int], list[TokenPassage]],
    list[Alignment],
    dict[tuple[int, int], Template],
    list[Attribution],
    dict[tuple[int, int], float],
]:
    """The cut pile's articles, tokens, pairs (renumbered, those of the parts described
    again), credits and topical links; the index remembers the parts' tokens."""
    articles, tokens = parts.articles, parts.tokens
    alignments, templates = redescribed(
        parts.by_pair,
        (sorted(by_pair), alignments, templates),
        parts.new_index,
        parts.cut,
        PairInputs.of(articles, tokens, vocabulary),
    )
    if remember is not None:
        memo.adopt_parts(remember, [a.text for a in articles], tokens, sorted(parts.cut))
    by_pair = dict(sorted(parts.by_pair.items()))
    return articles, tokens, by_pair, alignments, templates, parts.credits, parts.topical


def _grouped(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    topical: dict[tuple[int, int], float],
    boost: np.ndarray,
    config: Config,
    backend: Backend | None,
    told: Callable[[int, int], None],
) -> tuple[StoryGroups, set[tuple[int, int]], dict[tuple[int, int], Any]]:
    """The stories of the pile (:func:`group_stories`), the pairs kept apart and the pairs
    whose names are shared in no order (:func:`word_lists`).
    ``topical`` loses the pairs kept apart."""
    # Template instances (same formula, other figures) and pairs sharing only a formula
    # are different events: neither their shared text nor their topic links them.
    shares = {pair: max(a.a_share, a.b_share) for a, pair in zip(alignments, sorted(by_pair))}
    apart = set(templates) | tasks.formula_parallel(
        [a.date for a in articles], tokens, by_pair, shares, boost, config.stories, backend, told
    )
    linked = [a for a, pair in zip(alignments, sorted(by_pair)) if pair not in apart]
    for pair in apart:  # out of this trace's own dict: a filtered copy was one more table
        topical.pop(pair, None)
    # Another day's bulletin is two events even when the articles around it are linked.
    # Other figures alone are not (two updates of one day's market report differ in their
    # figures), nor, yet, another place: SPA's rain reports for two towns share 90 % of
    # their words and are no template of each other, while a paper's re-run of one is a
    # template of the other; as a cannot-link that held the re-run out of its original's
    # story, and the SPA sample lost an origin.
    named = {pair for pair, found in templates.items() if found[0] == "slots"}
    # Names shared in no order (naql.pairs.word_lists) link two reports as topic does,
    # not as shared text: only within the topic window.
    lists = word_lists(by_pair, alignments, templates, tokens, config.align.min_phrase_share)
    listed = {pair for pair, dropped in lists.items() if len(dropped) == len(by_pair[pair])}
    groups = group_stories(
        articles,
        linked,
        topical,
        config.stories,
        getattr(backend, "linkage", None),
        named,
        listed,
    )
    return groups, apart, lists
