"""Candidate pairs, found without comparing every article with every other.

The index is an inverted index of rare stems. Two texts that share a passage share many of its
rarer words, in ANY order: that is what lets naql find word-shuffled passages, which character
n-gram fingerprints (passim, Churnalism) score zero on. Every shared occurrence of an indexed stem
is a *seed*: a dot (i, j) in the pair's dot plot. A copied passage shows up as a dense cluster of
dots: a diagonal when the order was kept, a filled rectangle when it was shuffled. Chance
co-occurrences are scattered.

Sub-quadratic by construction: the stems are admitted rarest first while the number of seeds they
generate stays under a fixed budget, so a stem that occurs everywhere (and would produce
``n * n`` seeds) is never indexed, and the work is bounded by the budget, not by the number of
pairs. (MinHash-LSH estimates whole-text Jaccard similarity: it cannot see a 40-word passage
inside a 4,000-word text, nor a shuffled one, so it is not the primary index here.)

A second index does the same with *phrases*: each two successive content words. A press release
or a ministry's statement is mostly common words: none of them is rare enough for the stem
index once a pile holds thousands of articles (on SaudiNewsNet it admits stems found in at most
24 articles), yet its word pairs are rare. Phrases find what stems cannot — a release re-run
days later, a short item inside a long roundup — and stems what phrases cannot: a shuffled or
reworded passage keeps its rare words, not their neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from naql.arrays import changes, stable_order
from naql.candidates.clusters import (
    Clusters,
    Seeds,
    cluster_seeds,
    merge_clusters,
)
from naql.text import Tokens

__all__ = [
    "Clusters",
    "Postings",
    "SeedIndex",
    "Seeds",
    "admitted_stems",
    "candidate_pairs_in",
    "cluster_seeds",
    "content_postings",
    "document_frequency",
    "join_postings",
    "merge_clusters",
    "phrase_index",
    "rare_stem_seeds",
    "seed_index",
    "stem_counts",
]


@dataclass(slots=True)
class Postings:
    stem: np.ndarray
    doc: np.ndarray
    pos: np.ndarray


def _runs(
    part: Sequence[Tokens], low: int, width: int, positions: bool = True
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """The content tokens of texts ``low``, ``low + 1``... sorted by (stem, text, position):
    their ``stem * width + text`` keys, positions (unless not asked for), how often their stem
    occurs in their text, and whether each is the first of its (stem, text)."""
    content = ~np.concatenate([np.zeros(0, bool), *(doc.stop for doc in part)])
    lengths = np.fromiter((len(doc.ids) for doc in part), dtype=np.int64, count=len(part))
    key = np.concatenate([np.zeros(0, np.int32), *(doc.ids for doc in part)])[content]
    key = key.astype(np.int64) * width
    key += np.repeat(np.arange(low, low + len(part), dtype=np.int64), lengths)[content]
    where = None
    if positions:
        where = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        # Stable: positions ascend within a text already.
        order = stable_order(key)
        key, where = key[order], where[content][order]
    else:
        key.sort()
    first = changes(key)
    run = np.cumsum(first) - 1
    return key, where, np.bincount(run)[run] if len(run) else run, first


def stem_counts(
    docs: Sequence[Tokens], max_per_doc: int, vocabulary_size: int, block: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """Per stem: its postings and the texts it occurs in (``max_per_doc`` applied), counted a
    block of texts at a time, without the postings. Integer counts: those of several piles
    add up to their union's."""
    count = np.zeros(vocabulary_size, dtype=np.int64)
    df = np.zeros(vocabulary_size, dtype=np.int64)
    width = max(len(docs), 1)
    for low in range(0, len(docs), block):
        key, _, occurrences, first = _runs(docs[low : low + block], low, width, positions=False)
        kept = occurrences <= max_per_doc
        stem = key // width
        count += np.bincount(stem[kept], minlength=vocabulary_size)
        df += np.bincount(stem[kept & first], minlength=vocabulary_size)
    return count, df


def content_postings(
    docs: Sequence[Tokens],
    max_per_doc: int,
    admitted: np.ndarray | None = None,
    block: int = 4096,
) -> Postings:
    """(stem, doc, position) of every content token, sorted by stem, as int32 arrays; with
    ``admitted`` (per stem id), of the admitted stems' tokens only.

    A stem repeated more than ``max_per_doc`` times in one text (a name in a long profile) would
    add ``n * m`` seeds to each pair for little evidence, so its occurrences in that text are
    dropped; its other texts keep theirs. Built a block of texts at a time: only the postings
    kept are ever held whole (the index's rare stems hold a tenth of a pile's postings; all of
    them, sorted at once, had been the trace's peak: 3.4 GB over the rest at 16x SaudiNewsNet).
    """
    width = max(len(docs), 1)
    stems, texts, positions = (
        [np.zeros(0, np.int32)],
        [np.zeros(0, np.int32)],
        [np.zeros(0, np.int32)],
    )
    for low in range(0, len(docs), block):
        key, position, occurrences, _ = _runs(docs[low : low + block], low, width)
        assert position is not None
        keep = occurrences <= max_per_doc
        if admitted is not None:
            keep &= admitted[key // width]
        key = key[keep]
        stem = key // width
        stems.append(stem.astype(np.int32))
        texts.append((key - stem * width).astype(np.int32))
        positions.append(position[keep].astype(np.int32))
    stem = np.concatenate(stems)
    # Blocks hold ascending texts, each sorted by (stem, text, position): a stable sort on the
    # stem alone puts the whole in that order.
    order = stable_order(stem)
    return Postings(stem[order], np.concatenate(texts)[order], np.concatenate(positions)[order])


def document_frequency(postings: Postings, vocabulary_size: int) -> np.ndarray:
    if not len(postings.stem):
        return np.zeros(vocabulary_size, dtype=np.int64)
    first = changes(postings.stem) | changes(postings.doc)
    return np.bincount(postings.stem[first], minlength=vocabulary_size)


def _budget_mask(cost: np.ndarray, df: np.ndarray, budget: int) -> np.ndarray:
    """Stems admitted rarest first (by document frequency) until ``budget`` seeds are used up."""
    order = np.lexsort((np.arange(len(df)), df))
    spent = np.cumsum(cost[order])
    admitted = np.zeros(len(df), dtype=bool)
    admitted[order[spent <= budget]] = True
    return admitted


def admitted_stems(
    lcount: np.ndarray, rcount: np.ndarray, df: np.ndarray, budget: int
) -> np.ndarray:
    """Per stem: indexed or not, from its postings on each side and its document frequency
    (:func:`_budget_mask`); a stem found in one text only makes no seed."""
    return _budget_mask(lcount * rcount, df, budget) & (df >= 2)


def join_postings(
    left: Postings, right: Postings, vocabulary_size: int, admitted: np.ndarray
) -> Seeds:
    """Every (left posting, right posting) with the same admitted stem: a vectorised join.
    ``right`` is sorted by stem."""
    lkeep = admitted[left.stem]
    rkeep = admitted[right.stem]
    lstem, ldoc, lpos = left.stem[lkeep], left.doc[lkeep], left.pos[lkeep]
    rstem, rdoc, rpos = right.stem[rkeep], right.doc[rkeep], right.pos[rkeep]
    rcount = np.bincount(rstem, minlength=vocabulary_size)
    rstart = np.r_[0, np.cumsum(rcount)[:-1]]
    fanout = rcount[lstem]
    total = int(fanout.sum())
    which_left = np.repeat(np.arange(len(lstem)), fanout)
    # Ragged arange: for each left posting, 0..fanout-1, added to its stem's block start.
    block_offset = np.arange(total) - np.repeat(np.cumsum(fanout) - fanout, fanout)
    which_right = rstart[lstem][which_left] + block_offset
    # int64 from here: seeds are keyed by (left, right) and (group, position) products.
    return Seeds(
        ldoc[which_left].astype(np.int64),
        rdoc[which_right].astype(np.int64),
        lpos[which_left].astype(np.int64),
        rpos[which_right].astype(np.int64),
    )


@dataclass(slots=True)
class SeedIndex:
    """The postings of both sides and the stems admitted into the index: what every seed
    comes from. Seeds of any set of left texts can be drawn from it alone (:meth:`seeds`)."""

    left: Postings
    right: Postings
    admitted: np.ndarray  # per stem id
    vocabulary_size: int
    self_join: bool

    def seeds(self, docs: range | None = None) -> Seeds:
        """Seeds whose left text is in ``docs`` (every left text when None)."""
        left = self.left
        if docs is not None:
            inside = (left.doc >= docs.start) & (left.doc < docs.stop)
            left = Postings(left.stem[inside], left.doc[inside], left.pos[inside])
        seeds = join_postings(left, self.right, self.vocabulary_size, self.admitted)
        if self.self_join:
            # Each unordered pair once, never a text with itself.
            keep = seeds.left < seeds.right
            seeds = Seeds(seeds.left[keep], seeds.right[keep], seeds.i[keep], seeds.j[keep])
        return seeds

    def seeds_per_text(self) -> np.ndarray:
        """How many seeds each left text will have (before the self-join's halving): what
        splitting the work by left texts balances."""
        rcount = np.bincount(self.right.stem, minlength=self.vocabulary_size)
        keep = self.admitted[self.left.stem]
        weights = rcount[self.left.stem[keep]].astype(np.float64)
        count = int(self.left.doc.max()) + 1 if len(self.left.doc) else 0
        return np.bincount(self.left.doc[keep], weights=weights, minlength=count)


def seed_index(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    *,
    budget: int,
    max_per_doc: int,
) -> SeedIndex:
    """The index between ``left`` and ``right`` texts (or among ``left`` when ``right`` is
    None): stems admitted rarest first within ``budget`` seeds."""
    self_join = right is None
    # The stems' counts first, then the admitted stems' postings alone: a pile's full
    # postings are never held.
    lcount, df = stem_counts(left, max_per_doc, vocabulary_size)
    rcount = lcount
    if right is not None:
        rcount, right_df = stem_counts(right, max_per_doc, vocabulary_size)
        df = df + right_df
    admitted = admitted_stems(lcount, rcount, df, budget)
    lpost = content_postings(left, max_per_doc, admitted)
    rpost = lpost if right is None else content_postings(right, max_per_doc, admitted)
    return SeedIndex(lpost, rpost, admitted, vocabulary_size, self_join)


def phrase_index(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    *,
    budget: int,
    max_per_doc: int,
    block: int = 4096,
) -> SeedIndex:
    """:func:`seed_index` over phrases — two successive content words, the function words
    between them skipped — instead of stems, admitted rarest first within ``budget`` seeds; a
    phrase found in one text only costs nothing (it makes no seed, and most phrases are such).

    A phrase's position is its first word's token: its seeds cluster as a stem's do.
    Everything comes from one sort of the pile's phrase keys, stable, so each phrase's
    occurrences stay in (text, position) order: np.unique took 11 s over SaudiNewsNet's
    6.4 M, the sort 0.3 s."""
    sides = [left] if right is None else [left, right]
    keys: list[np.ndarray] = [np.zeros(0, np.int64)]
    places: list[np.ndarray] = [np.zeros(0, np.int32)]
    counts: list[np.ndarray] = [np.zeros(0, np.int64)]
    for docs in sides:
        for low in range(0, len(docs), block):
            found, where, per_text = _phrase_keys(docs[low : low + block], vocabulary_size)
            keys.append(found)
            places.append(where)
            counts.append(per_text)
    key = np.concatenate(keys)
    del keys
    order = stable_order(key)
    key = key[order]
    per_text = np.concatenate(counts)
    doc = np.repeat(np.arange(len(per_text), dtype=np.int32), per_text)[order]
    position = np.concatenate(places)[order]
    del order, places
    new_phrase = changes(key)
    del key
    phrase = np.cumsum(new_phrase, dtype=np.int64) - 1
    size = int(phrase[-1]) + 1 if len(phrase) else 0
    new_text = new_phrase | changes(doc)
    run = np.cumsum(new_text) - 1
    # A phrase repeated more than max_per_doc times in one text is left out there, as a stem.
    kept = (np.bincount(run)[run] if len(run) else run) <= max_per_doc
    del run
    on_left = doc < len(left)
    lcount = np.bincount(phrase[kept & on_left], minlength=size)
    rcount = lcount if right is None else np.bincount(phrase[kept & ~on_left], minlength=size)
    df = np.bincount(phrase[kept & new_text], minlength=size)
    cost = lcount * rcount
    cost[df < 2] = 0
    admitted = _budget_mask(cost, df, budget) & (df >= 2)
    kept &= admitted[phrase]

    def postings(side: np.ndarray, shift: int) -> Postings:
        return Postings(phrase[side].astype(np.int32), doc[side] - np.int32(shift), position[side])

    lpost = postings(kept & on_left, 0)
    rpost = lpost if right is None else postings(kept & ~on_left, len(left))
    return SeedIndex(lpost, rpost, admitted, size, right is None)


def _phrase_keys(docs: Sequence[Tokens], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The phrase keys (first stem * ``size`` + second) of ``docs``, text after text, the
    token position of each phrase's first word, and how many phrases each text has."""
    content = [np.flatnonzero(~doc.stop) for doc in docs]
    lengths = np.fromiter(map(len, content), dtype=np.int64, count=len(content))
    where = np.concatenate([np.zeros(0, np.int64), *content])
    ids = np.concatenate([np.zeros(0, np.int32), *(doc.ids[at] for doc, at in zip(docs, content))])
    keys = ids[:-1].astype(np.int64) * size + ids[1:]
    across = np.cumsum(lengths)[:-1] - 1  # the key joining a text's last word to the next's
    keep = np.ones(len(keys), dtype=bool)
    keep[across[(across >= 0) & (across < len(keys))]] = False
    return keys[keep], where[:-1][keep].astype(np.int32), np.maximum(lengths - 1, 0)


def rare_stem_seeds(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    *,
    budget: int,
    max_per_doc: int,
) -> Seeds:
    """Seeds between ``left`` and ``right`` texts (or among ``left`` when ``right`` is None).

    ``budget`` bounds the number of seeds: with 30 M seeds (~1 GB of int64 at peak while they
    are clustered) the rarest 95% of the ExAra vocabulary is indexed, yet a corpus of a million
    articles costs no more.
    """
    index = seed_index(left, right, vocabulary_size, budget=budget, max_per_doc=max_per_doc)
    return index.seeds()


def candidate_pairs_in(
    index: SeedIndex, docs: range | None, *, gap: int, min_seeds: int
) -> list[tuple[int, int]]:
    """The pairs, left text in ``docs``, whose seeds cluster: each pair is clustered on its
    own (:func:`cluster_seeds`), so any split of the left texts gives the same pairs."""
    clusters = cluster_seeds(index.seeds(docs), gap=gap, min_seeds=min_seeds)
    return sorted(set(zip(clusters.left.tolist(), clusters.right.tolist())))
