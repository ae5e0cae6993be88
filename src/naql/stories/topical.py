"""Topical similarity: how much two articles' own vocabularies say they report one event.

The cosine of L2-normalised TF-IDF vectors over content stems (sublinear term frequency,
smoothed IDF), figures and places weighted up (:func:`term_weights`). Every pair is never
compared: pairs sharing rarer stems (admitted rarest first within a budget of co-occurrences)
or enough of each other's heaviest terms are the candidates, and only their cosines are
computed. Everything here is built a block of texts or rows at a time, so the whole pile's
token keys or products are never held at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from naql.arrays import changes, stable_order
from naql.text import Tokens, Vocabulary, words

if TYPE_CHECKING:
    # Only for annotations: naql.stories imports this module, and scipy takes 0.3 s to import,
    # which the functions that build matrices pay, not every `naql query` process.
    import scipy.sparse as sp

    from naql.stories import StoryConfig


def number_stems(vocabulary: Vocabulary) -> np.ndarray:
    """Per stem id: is it a figure (digits only)."""
    return np.fromiter(
        (stem.isdigit() for stem in vocabulary.stems), dtype=bool, count=len(vocabulary)
    )


def term_weights(vocabulary: Vocabulary, config: StoryConfig) -> np.ndarray:
    """Per stem id, how much a term pins an event down: numbers and places count more."""
    place_ids: list[int] = []
    for line in (
        resources.files("naql").joinpath("data/places.txt").read_text(encoding="utf-8").splitlines()
    ):
        if line.strip() and not line.startswith("#"):
            ids, stop = vocabulary.encode(words(line).forms)
            place_ids.extend(ids[~stop].tolist())
    weights = np.ones(len(vocabulary), dtype=np.float64)
    weights[number_stems(vocabulary)] = config.number_weight
    weights[place_ids] = config.place_weight
    return weights


def tfidf(
    tokens: Sequence[Tokens],
    vocabulary_size: int,
    boost: np.ndarray,
    config: StoryConfig,
    block: int = 4096,
) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows, bit for bit and laid out as ``sp.diags(1 / norms) @ raw``
    left them (a row's columns descending): ties in ``_top_term_pairs`` and the sums of the
    candidate product follow that layout.

    Built ``block`` texts at a time, in two passes (each row's stems and counts, then, with
    the document frequencies known, its weights): one pass over the whole pile's keys held
    several int64 arrays of every token at once, the trace's peak (5 GB of it at 16x
    SaudiNewsNet). Every row's entries and sums are the same either way."""
    import scipy.sparse as sp

    count = len(tokens)
    stems: list[np.ndarray] = []  # per block: each row's distinct stems, ascending
    counts: list[np.ndarray] = []  # ... and how often each occurs
    sizes = np.zeros(count, dtype=np.int64)  # distinct stems per row
    df = np.zeros(vocabulary_size, dtype=np.int64)
    for low in range(0, count, block):
        columns, occurrences, per_row = row_terms(tokens[low : low + block], vocabulary_size)
        stems.append(columns)
        counts.append(occurrences)
        sizes[low : low + len(per_row)] = per_row
        df += np.bincount(columns, minlength=vocabulary_size)
    if not sizes.any():  # no content word anywhere
        return sp.csr_matrix((count, vocabulary_size))
    idf = inverse_frequency(df, count)
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    data: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    for low in range(0, count, block):
        local = indptr[low : min(low + block, count) + 1] - indptr[low]
        weights, columns = row_weights(stems.pop(0), counts.pop(0), local, idf, boost)
        data.append(weights)
        indices.append(columns)
    return sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), indptr), shape=(count, vocabulary_size)
    )


def row_terms(
    docs: Sequence[Tokens], vocabulary_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's distinct content stems (ascending, all texts one after another), how often
    each occurs in it, and how many each text has: a row's terms depend on its text alone."""
    stop = np.concatenate([np.ones(0, dtype=bool), *(doc.stop for doc in docs)])
    lengths = np.fromiter((len(doc.ids) for doc in docs), dtype=np.int64, count=len(docs))
    ids = np.concatenate([np.zeros(0, np.int32), *(doc.ids for doc in docs)])[~stop]
    keys = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)[~stop]
    keys *= vocabulary_size
    keys += ids
    keys.sort()
    first = np.flatnonzero(np.diff(keys, prepend=-1))  # each (row, stem) once
    bounds = np.searchsorted(keys[first], np.arange(len(docs) + 1) * vocabulary_size)
    per_row = np.diff(bounds)
    columns = keys[first] - np.repeat(np.arange(len(docs)) * vocabulary_size, per_row)
    occurrences = np.diff(np.r_[first, len(keys)]).astype(np.int32)
    return columns.astype(np.int32), occurrences, per_row


def inverse_frequency(df: np.ndarray, count: int) -> np.ndarray:
    """Smoothed IDF of each stem found in ``df`` of ``count`` texts."""
    return np.log((count + 1) / (df + 1)) + 1.0


def normalised_weights(
    stems: np.ndarray, counts: np.ndarray, local: np.ndarray, idf: np.ndarray, boost: np.ndarray
) -> np.ndarray:
    """Each entry's L2-normalised TF-IDF weight, in the order given: rows one after another
    (``local``: their offsets from 0), each row's stems ascending, as :func:`row_terms` gives
    them."""
    weight = (1.0 + np.log(counts.astype(np.float64))) * idf[stems] * boost[stems]
    # Squares summed per row in ascending column order by np.add.reduceat, as scipy's
    # ``multiply(...).sum(axis=1)`` sums them.
    nonempty = np.flatnonzero(np.diff(local))
    norms = np.ones(len(local) - 1)
    norms[nonempty] = np.sqrt(np.add.reduceat(weight * weight, local[nonempty]))
    row = np.repeat(np.arange(len(local) - 1), np.diff(local))
    return (1.0 / norms)[row] * weight


def row_weights(
    stems: np.ndarray, counts: np.ndarray, local: np.ndarray, idf: np.ndarray, boost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows' L2-normalised weights and columns, each row's columns descending (the layout of
    :func:`tfidf`), from :func:`row_terms`' stems and counts; ``local``: the rows' offsets
    into them (from 0)."""
    values = normalised_weights(stems, counts, local, idf, boost)
    # Each row reversed: scipy's sparse product emits a row's columns in descending order.
    flip = np.repeat(local[:-1] + local[1:] - 1, np.diff(local)) - np.arange(len(stems))
    return values[flip], stems[flip]


def topical_similarity(
    matrix: sp.csr_matrix,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cosine for the pairs that share admitted stems (rarest first, within the budget), as
    (rows, columns, values) by row then column.
    ``matrix`` (:func:`tfidf`'s) has its rows' columns sorted ascending on the way."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])  # texts per stem
    reduced = matrix[:, admitted_terms(df, matrix.shape[0], config)]
    # Sharing rarer stems makes a pair a candidate; its cosine is then computed on ALL stems:
    # wire copy of a formulaic item (a royal reception) is mostly common words, which a
    # cosine over rare stems alone would miss as the corpus grows and the budget gets tighter.
    rows, cols = union_pairs(
        _product_pairs(reduced, config.min_partial), _top_term_pairs(matrix, config)
    )
    del reduced
    # In place: a sorted copy would hold the whole matrix twice (0.9 GB at 16x SaudiNewsNet).
    matrix.sort_indices()
    values = rowwise_dot(matrix, rows, cols, progress=progress)
    # Pairs this dissimilar barely move a group's mean; dropping them keeps the graph sparse.
    keep = values >= config.min_pair
    return rows[keep], cols[keep], values[keep]


def admitted_terms(df: np.ndarray, count: int, config: StoryConfig) -> np.ndarray:
    """The stems whose texts are multiplied, rarest first within the product budget, in that
    order (the reduced matrix's columns)."""
    order = np.argsort(df, kind="stable")
    spent = np.cumsum(df[order] * df[order])
    budget = max(config.product_budget, config.product_per_text * count)
    return order[spent <= budget]


def _product_pairs(
    reduced: sp.csr_matrix, least: float, block: int = 8_000_000
) -> tuple[np.ndarray, np.ndarray]:
    """``_upper_pairs(reduced @ reduced.T, least)`` (:func:`row_products`)."""
    return row_products(reduced, reduced.T.tocsr(), least, 0, block)


def row_products(
    reduced: sp.csr_matrix,
    transposed: sp.csr_matrix,
    least: float,
    offset: int,
    block: int = 8_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """``_upper_pairs(reduced @ transposed, least, offset)``: ``reduced`` holds rows
    ``offset...`` of the whole, ``transposed`` at least the columns they use, whole. Taken a
    block of rows at a time: a row of the product depends only on that row of ``reduced``
    and those columns, so the pairs and their values are the same, while the whole product
    (up to the stem budget's entries, 12 bytes each: 1.9 GB at 8x SaudiNewsNet) is never held
    at once. A block holds rows whose products sum to about ``block`` entries (a row's: the
    texts sharing each of its stems, summed)."""
    df = np.diff(transposed.indptr)
    count = reduced.shape[0]
    row_of = np.repeat(np.arange(count), np.diff(reduced.indptr))
    cost = np.bincount(row_of, weights=df[reduced.indices], minlength=count)
    bounds = np.searchsorted(np.cumsum(cost), np.arange(block, int(cost.sum()), block))
    edges = [0, *sorted(set(bounds.tolist()) - {0}), count]
    found_rows, found_cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for low, high in zip(edges[:-1], edges[1:]):
        if low >= high:
            continue
        rows, cols = _upper_pairs(reduced[low:high] @ transposed, least, low + offset)
        found_rows.append(rows)
        found_cols.append(cols)
    return np.concatenate(found_rows), np.concatenate(found_cols)


def _upper_pairs(
    product: sp.csr_matrix, least: float, offset: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Entries (i < j) of ``product`` worth at least ``least``, read off its CSR arrays: few
    pass, so only theirs get a row (``sp.triu(...).tocoo()`` copied the whole product twice)."""
    chosen = np.flatnonzero(product.data >= least)
    rows = np.searchsorted(product.indptr, chosen, side="right") - 1 + offset
    cols = product.indices[chosen]
    upper = cols > rows
    return rows[upper], cols[upper]


def _top_term_pairs(
    matrix: sp.csr_matrix, config: StoryConfig, block: int = 8192
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least ``top_shared`` of each other's ``top_terms`` heaviest terms.

    Short wire items (a cabinet's condemnation, a council's session) are made of words common
    in the corpus; the rare-stem budget leaves them out as the corpus grows, and two verbatim
    copies of one such item had no candidate at all (cosine 0.89, never computed). Each text's
    own heaviest terms find them at a cost linear in the number of texts; a term that is among
    the heaviest of more than ``top_max_docs`` texts says nothing about an event and is skipped.
    """
    rows, columns = heaviest_terms(matrix, config.top_terms, block)
    frequent = np.bincount(columns, minlength=matrix.shape[1]) > config.top_max_docs
    return _product_pairs(top_matrix(rows, columns, frequent, matrix.shape), config.top_shared)


def heaviest_terms(
    matrix: sp.csr_matrix, top_terms: int, block: int = 8192
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's ``top_terms`` heaviest entries, ties in stored order,
    by row, heaviest first: a row's depend on that row alone."""
    count = matrix.shape[0]
    indptr = matrix.indptr.astype(np.int64)
    row_of = np.repeat(np.arange(count), np.diff(indptr))
    kept = [np.zeros(0, np.int64)]
    # A block of rows at a time (ranks are per row): the whole matrix's complex keys and
    # their order were 24 bytes an entry at once.
    for low in range(0, count, block):
        high = min(low + block, count)
        start, end = indptr[low], indptr[high]
        # By row, heaviest first, ties in stored order. Complex numbers sort by real part,
        # then imaginary part: one stable argsort of them is 4x faster than np.lexsort.
        order = np.argsort(row_of[start:end] - 1j * matrix.data[start:end], kind="stable")
        order += start
        rank = np.arange(start, end) - indptr[row_of[order]]
        kept.append(order[rank < top_terms])
    keep = np.concatenate(kept)
    return row_of[keep], matrix.indices[keep]


def top_matrix(
    rows: np.ndarray, columns: np.ndarray, frequent: np.ndarray, shape: tuple[int, int]
) -> sp.csr_matrix:
    """Ones at the heaviest terms (:func:`heaviest_terms`) not among the heaviest of too many
    texts (``frequent``, per column)."""
    import scipy.sparse as sp

    keep = ~frequent[columns]
    return sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], columns[keep])), shape=shape)


def union_pairs(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs in either, sorted by row then column."""
    rows = np.concatenate([first[0], second[0]]).astype(np.int64)
    cols = np.concatenate([first[1], second[1]]).astype(np.int64)
    width = max(int(cols.max(initial=0)), int(rows.max(initial=0))) + 1
    keys = np.sort(rows * width + cols)  # sort and mask: np.unique is many times slower
    keys = keys[changes(keys)]
    # Text indices fit int32: every array over the candidate pairs (tens of millions at 16x
    # SaudiNewsNet) is then half the size.
    index = np.int32 if width <= np.iinfo(np.int32).max else np.int64
    return (keys // width).astype(index), (keys % width).astype(index)


def rowwise_dot(
    matrix: sp.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
    block: int = 12,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """``matrix[rows[k]] · matrix[cols[k]]`` for every k, bit for bit as scipy's
    ``multiply(...).sum(axis=1)`` of the gathered rows: the nonzero products over the shared
    columns in ascending column order, summed by np.add.reduceat (pairwise, so the exact terms
    and their order decide the last bit). The longer row of each pair is scattered into a dense
    buffer, ``block`` rows at a time, and the shorter one looked up in it: no row copies, no merge.
    """
    if not matrix.has_sorted_indices:  # ascending columns (tfidf's are descending)
        matrix = matrix.sorted_indices()
    count, width = matrix.shape
    indptr, data = matrix.indptr.astype(np.int64), matrix.data
    lengths = np.diff(indptr)
    longer = lengths[rows] >= lengths[cols]
    scattered = np.where(longer, rows, cols)
    by_scattered = stable_order(scattered).astype(rows.dtype)
    scattered = scattered[by_scattered]
    walked = np.where(longer, cols, rows)[by_scattered]
    del longer
    bounds = np.searchsorted(scattered, np.arange(0, count + block, block)).tolist()
    # (row r of a block, column j) lives at j * block + r: the block's rows share the cache
    # lines of the common columns, where most lookups go. int32 where the slots fit: an entry
    # each, 80 M at 16x SaudiNewsNet.
    slot = np.int32 if width * block <= np.iinfo(np.int32).max else np.int64
    slot_of = matrix.indices.astype(slot) * slot(block)
    buffer = np.zeros(width * block)
    values = np.zeros(len(rows))
    reported = 0
    for low, high, first in zip(bounds[:-1], bounds[1:], range(0, count, block)):
        if low == high:
            continue
        last = min(first + block, count)
        own = slice(indptr[first], indptr[last])  # the block's entries
        slots = slot_of[own] + np.repeat(np.arange(last - first), lengths[first:last])
        buffer[slots] = data[own]
        # The walked rows' entries one after another; pair k's are [starts[k], ends[k]).
        counts = lengths[walked[low:high]]
        ends = np.cumsum(counts)
        starts = ends - counts
        entries = np.repeat(indptr[walked[low:high]] - starts, counts)
        entries += np.arange(ends[-1])
        lookup = np.repeat(scattered[low:high] - first, counts)
        lookup += slot_of.take(entries)
        found = buffer.take(lookup)
        buffer[slots] = 0.0
        # Shared columns only, as scipy's multiply keeps no zero product.
        shared = np.flatnonzero(found != 0)
        products = found[shared] * data[entries[shared]]
        if not products.all():  # one underflowed to 0.0
            shared, products = shared[products != 0], products[products != 0]
        firsts = np.searchsorted(shared, starts)
        some = np.searchsorted(shared, ends) > firsts
        values[by_scattered[low:high][some]] = np.add.reduceat(products, firsts[some])
        if progress is not None and (high - reported >= 100_000 or high == len(rows)):
            reported = high
            progress(high, len(rows))
    return values
