"""Passage alignment: which stretches of two texts are the same text, with exact offsets.

Works on the candidate pairs from :mod:`naql.candidates`, in three steps per pair:

1. *Seed* with every shared content stem (not only the rare ones the candidate index used), so
   the dot plot is dense enough to see edited and shuffled copies whole.
2. *Extend* by gap clustering (:func:`naql.candidates.cluster_seeds`): a passage is a group of
   seeds with no hole wider than ``gap`` tokens on either side, in any order inside.
3. *Filter*: a group becomes a passage only if it matches enough distinct words on both sides
   (``min_words``, so a formulaic title alone never makes a passage) and covers enough of the
   content words in its own extent on both sides (``min_density``: reuse is dense, chance is
   sparse). Fragments of one passage that the gap split are merged back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from naql.arrays import changes, stable_order
from naql.candidates import Seeds, cluster_seeds, merge_clusters
from naql.config import AlignConfig
from naql.records import pickled_by_fields
from naql.text import Tokens
from naql.text.tokens import document_frequency
from naql.wording import PHRASE_BASE, shared_phrases


@pickled_by_fields
@dataclass(slots=True)
class TokenPassage:
    """A passage in token coordinates (inclusive ends), before it becomes a records.Passage."""

    left: int
    right: int
    i0: int
    i1: int
    j0: int
    j1: int
    matched: int
    density: float


def passages_by_pair(
    passages: Iterable[TokenPassage],
) -> dict[tuple[int, int], list[TokenPassage]]:
    """Each pair's passages, in the order given, pairs in order of first appearance."""
    found: dict[tuple[int, int], list[TokenPassage]] = {}
    for passage in passages:
        found.setdefault((passage.left, passage.right), []).append(passage)
    return found


@dataclass(slots=True)
class _DocIndex:
    stems: np.ndarray  # content stems, sorted
    positions: np.ndarray  # their token positions, in the same order
    content_before: np.ndarray  # seedable content tokens before each position (prefix sum)


def _doc_index(doc: Tokens, common: np.ndarray, max_per_doc: int) -> _DocIndex:
    content = ~doc.stop
    positions = np.flatnonzero(content & ~common[doc.ids])
    stems = doc.ids[positions].astype(np.int64)
    # Content-word bigrams (function words skipped) seed ordered copies densely even where their
    # single words are too frequent in the text to be trusted; they live in their own key space
    # (negative keys) so that a bigram never meets a unigram.
    bigrams = -(1 + stems[:-1] * PHRASE_BASE + stems[1:]) if len(stems) > 1 else stems[:0]
    keys = np.concatenate([stems, bigrams])
    keyed_positions = np.concatenate([positions, positions[:-1] if len(positions) else positions])
    # Positions ascend within each key already: a stable sort by key orders by (key, position).
    order = stable_order(keys)
    keys, keyed_positions = keys[order], keyed_positions[order]
    if len(keys):
        runs = np.flatnonzero(changes(keys))
        run_length = np.diff(runs, append=len(keys))
        keep = np.repeat(run_length, run_length) <= max_per_doc
        keys, keyed_positions = keys[keep], keyed_positions[keep]
    # Density is measured against the words that COULD have seeded (content words not capped
    # away), so a copy is not penalised for repeating a frequent word.
    eligible = np.zeros(len(doc.ids), dtype=np.int64)
    eligible[keyed_positions[keys >= 0]] = 1
    content_before = np.zeros(len(eligible) + 1, dtype=np.int64)
    np.cumsum(eligible, out=content_before[1:])
    return _DocIndex(keys, keyed_positions, content_before)


def _pair_seeds(a: _DocIndex, b: _DocIndex) -> tuple[np.ndarray, np.ndarray]:
    lo = np.searchsorted(b.stems, a.stems, side="left")
    hi = np.searchsorted(b.stems, a.stems, side="right")
    fanout = hi - lo
    total = int(fanout.sum())
    which_a = np.repeat(np.arange(len(a.stems)), fanout)
    which_b = np.repeat(lo, fanout) + (
        np.arange(total) - np.repeat(np.cumsum(fanout) - fanout, fanout)
    )
    i, j = a.positions[which_a], b.positions[which_b]
    # A bigram seed usually repeats its first word's unigram seed: one dot is enough.
    unique = _distinct(i * (int(j.max()) + 1 if len(j) else 1) + j)
    width = int(j.max()) + 1 if len(j) else 1
    return unique // width, unique % width


def align_pairs(
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    pairs: Sequence[tuple[int, int]],
    vocabulary_size: int,
    config: AlignConfig,
    progress: Callable[[int, int], None] | None = None,
    common: np.ndarray | None = None,
) -> list[TokenPassage]:
    """Reused passages for each candidate pair ``(left index, right index)``;
    ``progress(done, total)`` is told of the pairs aligned, a batch at a time. ``common``
    (:func:`common_stems` of the same texts) may be given when the caller has it."""
    if not pairs:
        return []
    if common is None:
        common = common_stems(left, right, vocabulary_size, config.max_df)
    left_index: dict[int, _DocIndex] = {}
    # Among one pile's texts a text is a pair's left side and another's right side: one index
    # (18 % fewer built over SaudiNewsNet's trace, in its chunks).
    right_index: dict[int, _DocIndex] = left_index if left is right else {}
    passages: list[TokenPassage] = []
    chunk: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    size = 0
    for done, (a, b) in enumerate(pairs, 1):
        ia = left_index.get(a) or left_index.setdefault(
            a, _doc_index(left[a], common, config.max_per_doc)
        )
        ib = right_index.get(b) or right_index.setdefault(
            b, _doc_index(right[b], common, config.max_per_doc)
        )
        i, j = _pair_seeds(ia, ib)
        chunk.append((a, b, i, j))
        size += len(i)
        # Pairs are clustered independently, so a batch of a few million seeds at a time gives
        # the same passages with bounded memory and cheaper sorts.
        if size >= SEEDS_PER_BATCH:
            passages.extend(_passages_in(chunk, left_index, right_index, config))
            chunk, size = [], 0
            if progress is not None:
                progress(done, len(pairs))
    if chunk:
        passages.extend(_passages_in(chunk, left_index, right_index, config))
    passages = [
        p
        for p in passages
        if p.density >= config.dense
        or shared_phrases(left[p.left], right[p.right], p) >= config.min_phrases
    ]
    passages = _merge_fragments(passages, config.merge_gap)
    for passage in passages:
        _snap_ordered_edges(passage, left[passage.left], right[passage.right])
        _extend_edges(passage, left[passage.left], right[passage.right])
    if progress is not None:
        progress(len(pairs), len(pairs))
    return _best_source_location(passages)


def _snap_ordered_edges(passage: TokenPassage, a: Tokens, b: Tokens, min_block: int = 2) -> None:
    """For a copy that kept its order, move each end to the first (last) run of identical words.

    The seeds fix a passage only to within a stray match; the LCS alignment of the two stem
    sequences (rapidfuzz, C) fixes it to the word. An end is moved only over words that share
    no phrase with the other side: a reordered phrase stays in the passage, stray single-word
    matches go. Shuffled copies have no runs to snap to and keep their rectangle.
    """
    sa = a.ids[passage.i0 : passage.i1 + 1]
    sb = b.ids[passage.j0 : passage.j1 + 1]
    if Indel.normalized_similarity(sa.tolist(), sb.tolist()) < 0.5:
        return
    opcodes = Indel.opcodes(sa.tolist(), sb.tolist())
    blocks = [op for op in opcodes if op.tag == "equal" and op.src_end - op.src_start >= min_block]
    if not blocks:
        return
    first, last = blocks[0], blocks[-1]
    # Start and end are judged against what remains of the other side once the other end is
    # settled, so a stray prefix cannot vouch for a stray suffix.
    head_a, head_b = 0, 0
    if not _shares_phrase(sa[: first.src_start], sb[first.dest_start :]) and not _shares_phrase(
        sb[: first.dest_start], sa[first.src_start :]
    ):
        head_a, head_b = first.src_start, first.dest_start
    tail_a, tail_b = len(sa), len(sb)
    if not _shares_phrase(sa[last.src_end :], sb[head_b : last.dest_end]) and not _shares_phrase(
        sb[last.dest_end :], sa[head_a : last.src_end]
    ):
        tail_a, tail_b = last.src_end, last.dest_end
    i0, j0 = passage.i0, passage.j0
    passage.i0, passage.j0 = i0 + head_a, j0 + head_b
    passage.i1, passage.j1 = i0 + tail_a - 1, j0 + tail_b - 1


def _shares_phrase(part: np.ndarray, other: np.ndarray) -> bool:
    """Whether two consecutive words of ``part`` also stand together in ``other``: a moved
    phrase does, a stray single-word match does not."""
    if len(part) < 2 or len(other) < 2:
        return False
    pairs = part[:-1].astype(np.int64) * PHRASE_BASE + part[1:]
    other_pairs = other[:-1].astype(np.int64) * PHRASE_BASE + other[1:]
    # A set of a few hundred ints: np.isin's sorting cost 100 us a call, 8x this.
    return not set(pairs.tolist()).isdisjoint(other_pairs.tolist())


def _extend_edges(passage: TokenPassage, a: Tokens, b: Tokens, steps: int = 8) -> None:
    """Grow an ordered copy over the function words at its ends, which were never seeds."""
    before_a = a.ids[max(0, passage.i0 - steps) : passage.i0][::-1]
    before_b = b.ids[max(0, passage.j0 - steps) : passage.j0][::-1]
    grow = _common_prefix(before_a, before_b)
    passage.i0 -= grow
    passage.j0 -= grow
    after_a = a.ids[passage.i1 + 1 : passage.i1 + 1 + steps]
    after_b = b.ids[passage.j1 + 1 : passage.j1 + 1 + steps]
    grow = _common_prefix(after_a, after_b)
    passage.i1 += grow
    passage.j1 += grow


def _common_prefix(x: np.ndarray, y: np.ndarray) -> int:
    n = min(len(x), len(y))
    differ = np.flatnonzero(x[:n] != y[:n])
    return int(differ[0]) if len(differ) else n


def _best_source_location(passages: list[TokenPassage]) -> list[TokenPassage]:
    """One source location per stretch of the left text: when the right text repeats itself
    (a quoted verse, a paragraph printed twice), the stretch aligns to each copy; keep the
    best-supported. The converse is legitimate (one source paragraph reused twice) and kept."""
    passages.sort(key=lambda p: (p.left, p.right, -p.matched, p.i0))
    kept: list[TokenPassage] = []
    for passage in passages:
        if not any(
            other.left == passage.left
            and other.right == passage.right
            and _mostly_inside(passage.i0, passage.i1, other.i0, other.i1)
            for other in kept[-20:]
        ):
            kept.append(passage)
    kept.sort(key=lambda p: (p.left, p.right, p.i0))
    return kept


def _mostly_inside(start: int, end: int, other_start: int, other_end: int) -> bool:
    overlap = min(end, other_end) - max(start, other_start) + 1
    return overlap > 0.5 * (end - start + 1)


SEEDS_PER_BATCH = 4_000_000


def _passages_in(
    chunk: list[tuple[int, int, np.ndarray, np.ndarray]],
    left_index: dict[int, _DocIndex],
    right_index: dict[int, _DocIndex],
    config: AlignConfig,
) -> list[TokenPassage]:
    seeds = Seeds(
        np.concatenate([np.full(len(i), a, dtype=np.int64) for a, _, i, _ in chunk]),
        np.concatenate([np.full(len(i), b, dtype=np.int64) for _, b, i, _ in chunk]),
        np.concatenate([i for _, _, i, _ in chunk]),
        np.concatenate([j for _, _, _, j in chunk]),
    )
    keys = [(a, b) for a, b, _, _ in chunk]
    dense = None
    if all(x < y for x, y in zip(keys, keys[1:])):  # pairs in order: number them so
        dense = np.repeat(np.arange(len(chunk)), [len(i) for _, _, i, _ in chunk])
    cores = cluster_seeds(seeds, gap=config.core_gap, min_seeds=config.core_seeds, pair=dense)
    clusters = merge_clusters(seeds, cores, gap=config.gap)
    passages: list[TokenPassage] = []
    seed_order = stable_order(clusters.label)
    bounds = np.searchsorted(clusters.label[seed_order], np.arange(len(clusters) + 1))
    for k in np.flatnonzero(
        np.minimum(clusters.distinct_i, clusters.distinct_j) >= config.min_words
    ):
        members = seed_order[bounds[k] : bounds[k + 1]]
        extent = _trimmed_extent(
            seeds.i[members], seeds.j[members], config.edge_window, config.edge_rows
        )
        if extent is None:
            continue
        i0, i1, j0, j1, distinct_i, distinct_j = extent
        a, b = int(clusters.left[k]), int(clusters.right[k])
        ca, cb = left_index[a], right_index[b]
        words_a = int(ca.content_before[i1 + 1] - ca.content_before[i0])
        words_b = int(cb.content_before[j1 + 1] - cb.content_before[j0])
        matched = min(distinct_i, distinct_j)
        density = min(distinct_i / max(words_a, 1), distinct_j / max(words_b, 1))
        if matched >= config.min_words and density >= config.min_density:
            passages.append(TokenPassage(a, b, i0, i1, j0, j1, matched, float(density)))
    return passages


def common_stems(
    left: Sequence[Tokens], right: Sequence[Tokens], size: int, max_df: float
) -> np.ndarray:
    """Stems in more than ``max_df`` of the texts: near-stopwords that seed everywhere.

    Only applied to corpora of 20 texts or more: in a handful of articles about one story every
    name is "common" and still evidence.
    """
    docs = list(left) if left is right else list(left) + list(right)
    common = np.zeros(size, dtype=bool)
    if len(docs) < 20:
        return common
    common[document_frequency(docs, size) > max_df * len(docs)] = True
    return common


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values: np.unique's own machinery costs more than the sort on the
    small arrays of one pair or one cluster (a fifth of the aligner's time went to it)."""
    ordered = np.sort(values)
    return ordered[changes(ordered)]


def _dense_span(values: np.ndarray, window: int, rows: int) -> tuple[int, int] | None:
    """First and last of the sorted distinct ``values`` that have ``rows`` values within
    ``window`` tokens: where a passage's seeds are dense, not where a stray match sits."""
    if len(values) < rows:
        return None
    reach = values[rows - 1 :] - values[: len(values) - rows + 1] < window
    dense = np.flatnonzero(reach)
    if not len(dense):
        return None
    return int(values[dense[0]]), int(values[dense[-1] + rows - 1])


def _trimmed_extent(
    i: np.ndarray, j: np.ndarray, window: int, rows: int
) -> tuple[int, int, int, int, int, int] | None:
    """A cluster's rectangle without the stray seeds at its edges, and its distinct counts.

    Chance matches next to a passage join its cluster when they fall inside its range on the
    other axis; they sit alone, while the passage's own seeds come several to a few tokens.
    """
    span_i = _dense_span(_distinct(i), window, rows)
    if span_i is None:
        return None
    inside = (i >= span_i[0]) & (i <= span_i[1])
    span_j = _dense_span(_distinct(j[inside]), window, rows)
    if span_j is None:
        return None
    inside &= (j >= span_j[0]) & (j <= span_j[1])
    rows_i, rows_j = _distinct(i[inside]), _distinct(j[inside])
    return (
        int(rows_i[0]),
        int(rows_i[-1]),
        int(rows_j[0]),
        int(rows_j[-1]),
        len(rows_i),
        len(rows_j),
    )


def _merge_fragments(passages: list[TokenPassage], merge_gap: int) -> list[TokenPassage]:
    """Join pieces of one passage that the gap split (each side within ``merge_gap`` tokens)."""
    passages.sort(key=lambda p: (p.left, p.right, p.i0))
    merged: list[TokenPassage] = []
    for passage in passages:
        last = merged[-1] if merged else None
        if (
            last is not None
            and (last.left, last.right) == (passage.left, passage.right)
            and passage.i0 - last.i1 <= merge_gap
            and passage.j0 - last.j1 <= merge_gap
            and last.j0 - passage.j1 <= merge_gap
        ):
            total = last.matched + passage.matched
            last.density = (last.density * last.matched + passage.density * passage.matched) / total
            last.i1 = max(last.i1, passage.i1)
            last.j0 = min(last.j0, passage.j0)
            last.j1 = max(last.j1, passage.j1)
            last.matched = total
        else:
            merged.append(passage)
    return merged
