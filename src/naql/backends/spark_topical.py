"""Topical similarity on Spark: TF-IDF rows built where the texts are, candidate pairs by
blocking on the rarer stems, each pair's cosine where its two rows meet.

The driver's version (:mod:`naql.stories.topical`) holds the whole TF-IDF matrix. Here:

1. each partition of texts finds its rows' terms (:func:`~naql.stories.topical.row_terms`);
   their document frequencies are summed (sparse, a tree reduce), and the driver derives the
   IDF and the stems admitted into the product (vocabulary-sized arrays) as the local version
   does;
2. each partition weighs its rows (:func:`~naql.stories.topical.row_weights`): the same rows,
   bit for bit, since a row depends on its text and the IDF alone;
3. candidate pairs are the products of rows sharing admitted stems (and of rows sharing their
   heaviest terms). Each partition asks for the columns its rows use; a shuffle by column
   delivers each column whole; the partition multiplies its rows by them with scipy, as the
   driver does (:func:`~naql.stories.topical.row_products`), so each pair's partial sum adds
   the same terms in the same order;
4. each chunk of candidate pairs is joined with its rows, and their cosines are taken by the
   driver's own :func:`~naql.stories.topical.rowwise_dot` over a matrix of just those rows.

Only vocabulary-sized arrays go out whole; the driver receives the pairs and their cosines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from naql.backends import balanced_ranges
from naql.backends.spark_align import by_chunk
from naql.backends.spark_candidates import dense, sparse_sum
from naql.stories.topical import (
    admitted_terms,
    heaviest_terms,
    inverse_frequency,
    row_products,
    row_terms,
    row_weights,
    rowwise_dot,
    top_matrix,
    union_pairs,
)

if TYPE_CHECKING:
    import scipy.sparse as sp

    from naql.stories import StoryConfig

# Candidate pairs whose cosines one task takes, at most. Every row a chunk's pairs name is
# sent to it, and most rows are in pairs of every chunk: four chunks a partition sent
# SaudiNewsNet's 52 MB of rows 436 MB in all (1.09 M pairs, 16 chunks on local[2]), one a
# partition 149 MB (the similarity stage 10-12 s -> 9 s). Chunks grow with the pile only to
# this bound (at most twice as many rows, 1.7 KB each on SaudiNewsNet: under 1 GB a task).
PAIRS_PER_CHUNK = 250_000
# A partition of rows: (its number, its first row, the rows as a CSR matrix).
Rows = tuple[int, int, "sp.csr_matrix"]
# Entries of columns: (columns, rows, values), sorted by column then row.
Entries = tuple[np.ndarray, np.ndarray, np.ndarray]


def present_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How often each value occurs, for the values present."""
    counts = np.bincount(values.astype(np.int64))
    present = np.flatnonzero(counts)
    return present, counts[present]


def weighed(
    terms: tuple[np.ndarray, np.ndarray, np.ndarray], idf: np.ndarray, boost: np.ndarray
) -> sp.csr_matrix:
    """A partition's TF-IDF rows, laid out as :func:`naql.stories.topical.tfidf` lays them."""
    import scipy.sparse as sp

    stems, counts, per_row = terms
    local = np.zeros(len(per_row) + 1, dtype=np.int64)
    np.cumsum(per_row, out=local[1:])
    data, columns = row_weights(stems, counts, local, idf, boost)
    return sp.csr_matrix((data, columns, local), shape=(len(per_row), len(idf)))


def column_entries(part: Rows, buckets: int) -> Iterator[tuple[int, tuple[str, Any]]]:
    """A partition's entries by column, one block per bucket of columns (``column %
    buckets``), and what columns it asks for, per bucket."""
    number, low, matrix = part
    coo = matrix.tocoo()
    columns, rows, values = coo.col.astype(np.int64), coo.row.astype(np.int64) + low, coo.data
    order = np.lexsort((rows, columns))
    columns, rows, values = columns[order], rows[order], values[order]
    bucket = columns % buckets
    for where in np.unique(bucket).tolist():
        inside = bucket == where
        yield where, ("entries", (columns[inside], rows[inside], values[inside]))
        yield where, ("asks", (number, np.unique(columns[inside])))


def answered(items: Iterable[tuple[str, Any]]) -> Iterator[tuple[int, tuple[str, Any]]]:
    """One bucket's columns, whole, sent to each partition that asked for some of them."""
    blocks: list[Entries] = []
    asks: list[tuple[int, np.ndarray]] = []
    for kind, value in items:
        (blocks if kind == "entries" else asks).append(value)
    columns, rows, values = (
        np.concatenate([np.zeros(0, dtype), *(b[k] for b in blocks)])
        for k, dtype in ((0, np.int64), (1, np.int64), (2, np.float64))
    )
    order = np.lexsort((rows, columns))
    columns, rows, values = columns[order], rows[order], values[order]
    for number, wanted in asks:
        inside = np.isin(columns, wanted)
        yield number, ("columns", (columns[inside], rows[inside], values[inside]))


def part_products(
    items: Iterable[tuple[int, tuple[str, Any]]], count: int, least: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """A partition's pairs (i < j) whose product reaches ``least``, from its rows and the
    columns they use (each column whole, its rows ascending: the transposed matrix's rows)."""
    import scipy.sparse as sp

    part: tuple[int, sp.csr_matrix] | None = None
    blocks: list[Entries] = []
    for _, (kind, value) in items:
        if kind == "rows":
            part = value
        else:
            blocks.append(value)
    if part is None:
        return []
    low, matrix = part
    columns, rows, values = (
        np.concatenate([np.zeros(0, dtype), *(b[k] for b in blocks)])
        for k, dtype in ((0, np.int64), (1, np.int64), (2, np.float64))
    )
    order = np.lexsort((rows, columns))
    indptr = np.zeros(matrix.shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(columns, minlength=matrix.shape[1]), out=indptr[1:])
    transposed = sp.csr_matrix((values[order], rows[order], indptr), shape=(matrix.shape[1], count))
    return [row_products(matrix, transposed, least, low)]


def products(
    context: Any, parts: Any, count: int, least: float, partitions: int, numbers: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) whose product reaches ``least``, from an RDD of :data:`Rows`."""
    delivered = (
        parts.flatMap(lambda part: column_entries(part, partitions))
        .groupByKey(partitions)
        .flatMap(lambda bucket: answered(bucket[1]))
    )
    own = parts.map(lambda part: (part[0], ("rows", (part[1], part[2]))))
    found = (
        delivered.union(own)
        .partitionBy(numbers, lambda number: number)
        .mapPartitions(lambda items: part_products(items, count, least))
        .collect()
    )
    rows = np.concatenate([np.zeros(0, np.int64), *(f[0] for f in found)])
    cols = np.concatenate([np.zeros(0, np.int64), *(f[1] for f in found)])
    return rows, cols


def chunk_cosines(items: Iterable[tuple[int, tuple[str, Any]]]) -> np.ndarray:
    """One chunk's cosines, from its payload (its pairs and the matrix's width) and its rows
    (columns ascending), which come as blocks of (row ids ascending, their rows), one from
    each partition holding some."""
    import scipy.sparse as sp

    pairs: tuple[np.ndarray, np.ndarray] | None = None
    blocks: list[tuple[np.ndarray, sp.csr_matrix]] = []
    width = 0
    for _, (kind, value) in items:
        if kind == "payload":
            pairs, width = value
        else:
            blocks.append(value)
    if pairs is None:
        return np.zeros(0)
    rows, cols = pairs
    blocks.sort(key=lambda block: int(block[0][0]))
    ids = np.concatenate([np.zeros(0, np.int64), *(block[0] for block in blocks)])
    matrix = (
        sp.vstack([block[1] for block in blocks], format="csr")
        if blocks
        else sp.csr_matrix((0, width))
    )
    matrix.has_sorted_indices = True
    local_rows = np.searchsorted(ids, rows).astype(rows.dtype)
    local_cols = np.searchsorted(ids, cols).astype(cols.dtype)
    return rowwise_dot(matrix, local_rows, local_cols)


def cosines(
    context: Any,
    parts: Any,
    starts: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    width: int,
    partitions: int,
) -> np.ndarray:
    """Each pair's cosine: each chunk of pairs asks each partition of rows (first rows
    ``starts``) for the rows it needs, and gets them as one block from each."""
    chunks = balanced_ranges(
        np.ones(len(rows)), max(1, partitions, -(-len(rows) // PAIRS_PER_CHUNK))
    )
    if not chunks:
        return np.zeros(0)
    asks = []
    for number, chunk in enumerate(chunks):
        needed = np.union1d(rows[chunk.start : chunk.stop], cols[chunk.start : chunk.stop])
        held_by = np.searchsorted(starts, needed, side="right") - 1
        for part in np.unique(held_by).tolist():
            asks.append((part, (number, needed[held_by == part].astype(np.int64))))

    def block(item: tuple[int, tuple[tuple[int, np.ndarray], Any]]) -> tuple[int, Any]:
        (number, ids), (low, matrix) = item[1]
        return number, ("rows", (ids, matrix[ids - low]))

    held = parts.map(lambda part: (part[0], (part[1], part[2].sorted_indices())))
    delivered = context.parallelize(asks, partitions).join(held).map(block)
    payloads = [((rows[c.start : c.stop], cols[c.start : c.stop]), width) for c in chunks]
    return np.concatenate([np.zeros(0), *by_chunk(context, delivered, payloads, chunk_cosines)])


def similarity(
    context: Any,
    texts: Any,
    starts: Sequence[int],
    count: int,
    boost: np.ndarray,
    config: StoryConfig,
    partitions: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`naql.stories.topical.topical_similarity` of :func:`~.tfidf` returns, from
    ``texts`` (an RDD of one pile's :data:`~naql.backends.spark_texts.Part`, one a partition,
    their first texts ``starts``, ``count`` texts in all)."""
    size = len(boost)
    terms = texts.mapPartitionsWithIndex(
        lambda number, items: [(number, low, row_terms(docs, size)) for _, low, docs in items]
    ).cache()
    held: list[Any] = [terms]  # cached RDDs and broadcasts, let go however this ends
    try:
        df = dense(terms.map(lambda t: present_counts(t[2][0])).treeReduce(sparse_sum), size)[0]
        empty = np.zeros(0, np.int64)
        if not df.any():
            return empty, empty, np.zeros(0)
        idf = inverse_frequency(df, count)
        weights = context.broadcast((idf, boost, admitted_terms(df, count, config)))
        rows_rdd = terms.map(
            lambda t: (t[0], t[1], weighed(t[2], weights.value[0], weights.value[1]))
        ).cache()
        held += [weights, rows_rdd]
        reduced = rows_rdd.map(lambda r: (r[0], r[1], r[2][:, weights.value[2]]))
        first = products(context, reduced, count, config.min_partial, partitions, len(starts))
        heavy = rows_rdd.map(
            lambda r: (r[0], r[1], r[2].shape[0], heaviest_terms(r[2], config.top_terms))
        )
        used = dense(heavy.map(lambda h: present_counts(h[3][1])).treeReduce(sparse_sum), size)[0]
        marks = context.broadcast(used > config.top_max_docs)
        held.append(marks)
        top = heavy.map(
            lambda h: (h[0], h[1], top_matrix(h[3][0], h[3][1], marks.value, (h[2], size)))
        )
        second = products(context, top, count, config.top_shared, partitions, len(starts))
        rows, cols = union_pairs(first, second)
        first_rows = np.array(starts, dtype=np.int64)
        values = cosines(context, rows_rdd, first_rows, rows, cols, size, partitions)
        keep = values >= config.min_pair
        return rows[keep], cols[keep], values[keep]
    finally:
        for thing in held:
            thing.unpersist()
