"""Candidate pairs on Spark by blocking on rare stems: the seed index as shuffles, not a broadcast.

The local backends draw seeds from one index (:class:`naql.candidates.SeedIndex`) that every
worker sees whole. On a cluster that index is the corpus's postings: each executor would hold
all of it. Here the same seeds come from three steps over partitions of the texts:

1. each partition counts its stems (:func:`naql.candidates.stem_counts`); the counts, sparse,
   are summed by a tree reduce, and the driver admits stems rarest first within
   the budget (:func:`naql.candidates.admitted_stems`) exactly as the local index does;
2. each partition emits its admitted stems' postings keyed by a hash of the stem: one shuffle
   brings each stem's postings together, where they are joined into seeds (a stem's postings
   are bounded by the admission itself, which keeps only the rarest stems, and by
   ``max_per_doc``, so no key explodes);
3. the seeds are keyed by their left text: a second shuffle brings each pair's seeds
   together, where they are clustered (:func:`naql.candidates.cluster_seeds`).

A pair is clustered on its own and its seeds are the same set whichever partition made them,
so the pairs are those of the local index, whatever the number of partitions (a property test
runs these steps without Spark against the local index; the Spark tests compare traces).
The functions below are what runs inside the partitions; :func:`candidate_pairs` drives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from naql.backends.spark_texts import Part
from naql.candidates import (
    Postings,
    Seeds,
    admitted_stems,
    cluster_seeds,
    content_postings,
    join_postings,
    stem_counts,
)
from naql.config import CandidateConfig

# One posting block of a bucket: (side, stems, texts, positions), int32.
PostingBlock = tuple[int, np.ndarray, np.ndarray, np.ndarray]
_NONE = np.zeros(0, dtype=np.int32)


# Sparse per-stem counts: the stems present (ascending), then one array per measure.
Sparse = tuple[np.ndarray, ...]
# A side's stem counts (postings, texts), by side.
Counts = dict[int, Sparse]


def sparse_sum(a: Sparse, b: Sparse) -> Sparse:
    """Two sparse counts added (integers: any order of sums gives the same)."""
    stems, where = np.unique(np.concatenate([a[0], b[0]]), return_inverse=True)
    return (
        stems,
        *(
            np.bincount(where, weights=np.concatenate([x, y]), minlength=len(stems)).astype(
                np.int64
            )
            for x, y in zip(a[1:], b[1:], strict=True)
        ),
    )


def dense(counts: Sparse, size: int) -> list[np.ndarray]:
    """Each measure of sparse counts as a per-stem array of ``size``."""
    found = []
    for values in counts[1:]:
        total = np.zeros(size, dtype=np.int64)
        total[counts[0]] = values
        found.append(total)
    return found


def part_counts(part: Part, max_per_doc: int, vocabulary_size: int) -> Counts:
    """A part's stem counts on its side, for the stems it holds only (a partition's texts
    hold a small share of the vocabulary: dense arrays were megabytes a partition)."""
    side, _, docs = part
    count, df = stem_counts(docs, max_per_doc, vocabulary_size)
    present = np.flatnonzero(count)
    return {side: (present, count[present], df[present])}


def add_counts(a: Counts, b: Counts) -> Counts:
    """Counts summed, side by side."""
    total = dict(a)
    for side, counts in b.items():
        total[side] = sparse_sum(total[side], counts) if side in total else counts
    return total


def admitted(counts: Counts, self_join: bool, budget: int, vocabulary_size: int) -> np.ndarray:
    """The stems the local index admits, from the summed counts."""
    none = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    lcount, ldf = dense(counts.get(0, none), vocabulary_size)
    if self_join:
        return admitted_stems(lcount, lcount, ldf, budget)
    rcount, rdf = dense(counts.get(1, none), vocabulary_size)
    return admitted_stems(lcount, rcount, ldf + rdf, budget)


def part_postings(
    part: Part, max_per_doc: int, admitted: np.ndarray, buckets: int
) -> Iterator[tuple[int, PostingBlock]]:
    """A part's postings of admitted stems, one block per bucket (``stem % buckets``), its
    texts numbered on their side."""
    side, low, docs = part
    postings = content_postings(docs, max_per_doc, admitted)
    bucket = postings.stem % buckets
    for number in np.unique(bucket).tolist():
        inside = bucket == number
        yield (
            number,
            (
                side,
                postings.stem[inside],
                postings.doc[inside] + np.int32(low),
                postings.pos[inside],
            ),
        )


def bucket_seeds(
    blocks: Iterable[PostingBlock],
    vocabulary_size: int,
    admitted: np.ndarray,
    self_join: bool,
    ranges: int,
) -> Iterator[tuple[int, tuple[np.ndarray, ...]]]:
    """One bucket's seeds, split by their left text (``left % ranges``), as int32 arrays."""
    sides: list[list[PostingBlock]] = [[], []]
    for block in blocks:
        sides[block[0]].append(block)

    def postings(side: list[PostingBlock]) -> Postings:
        stem, doc, pos = (np.concatenate([_NONE, *(b[k] for b in side)]) for k in (1, 2, 3))
        order = np.lexsort((pos, doc, stem))
        return Postings(stem[order], doc[order], pos[order])

    left = postings(sides[0])
    seeds = join_postings(
        left, left if self_join else postings(sides[1]), vocabulary_size, admitted
    )
    keep = seeds.left < seeds.right if self_join else slice(None)
    columns = [seeds.left[keep], seeds.right[keep], seeds.i[keep], seeds.j[keep]]
    where = columns[0] % ranges
    for number in np.unique(where).tolist():
        inside = where == number
        yield number, tuple(column[inside].astype(np.int32) for column in columns)


def range_pairs(
    blocks: Iterable[tuple[np.ndarray, ...]], gap: int, min_seeds: int
) -> list[tuple[int, int]]:
    """The pairs whose seeds (all of each pair's, from every bucket) cluster, in order."""
    found = list(blocks)
    columns = [
        np.concatenate([_NONE, *(block[k] for block in found)]).astype(np.int64) for k in range(4)
    ]
    clusters = cluster_seeds(Seeds(*columns), gap=gap, min_seeds=min_seeds)
    return sorted(set(zip(clusters.left.tolist(), clusters.right.tolist())))


def candidate_pairs(
    context: Any,
    texts: Any,
    self_join: bool,
    vocabulary_size: int,
    settings: CandidateConfig,
    budget: int,
    partitions: int,
) -> list[tuple[int, int]]:
    """The rare-stem index's candidate pairs (those of :func:`naql.candidates.seed_index`
    clustered), computed by ``context`` (a SparkContext) from ``texts`` (an RDD of
    :data:`~naql.backends.spark_texts.Part`), in ``partitions`` buckets."""
    max_per_doc = settings.max_per_doc
    counts = texts.map(lambda part: part_counts(part, max_per_doc, vocabulary_size))
    summed = counts.treeReduce(add_counts)
    stems = context.broadcast(admitted(summed, self_join, budget, vocabulary_size))
    try:
        gap, min_seeds = settings.gap, settings.min_seeds
        found = (
            texts.flatMap(lambda part: part_postings(part, max_per_doc, stems.value, partitions))
            .partitionBy(partitions, lambda bucket: bucket)
            .mapPartitions(
                lambda items: bucket_seeds(
                    (block for _, block in items),
                    vocabulary_size,
                    stems.value,
                    self_join,
                    partitions,
                )
            )
            .partitionBy(partitions, lambda number: number)
            .mapPartitions(
                lambda items: [range_pairs((block for _, block in items), gap, min_seeds)]
            )
            .collect()
        )
    finally:
        stems.unpersist()
    return sorted(pair for chunk in found for pair in chunk)
