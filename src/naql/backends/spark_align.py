"""Alignment on Spark, each chunk of pairs joined with its own texts by a shuffle.

The local backends' workers see every text (forked, copy-on-write). A broadcast of every text
would make each executor hold the corpus's tokens, the first thing to break on a cluster (a
16 GB executor near 3.5 M articles). Here the texts are an RDD keyed by text, shipped once and
cached; each chunk of pairs asks for the texts it needs (one request per text and chunk, not
per pair), a join brings them to it, and the chunk is aligned by the library's own
:func:`naql.align.align_pairs` over a pile of just those texts.

The pile keeps the texts' order (its ids ascend with theirs), and each pair is aligned on its
own with the corpus's common stems, so a chunk's passages, renumbered, are those the local
backends return for it (the trace tests compare both on Spark).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from naql.align import TokenPassage, align_pairs
from naql.backends.spark_texts import Key, SparkTexts
from naql.config import AlignConfig
from naql.text import Tokens


def requests(chunks: Sequence[Sequence[tuple[int, int]]], one_pile: bool) -> list[tuple[Key, int]]:
    """(text, chunk) for each text a chunk's pairs need, once per chunk."""
    right_side = 0 if one_pile else 1
    found: list[tuple[Key, int]] = []
    for number, pairs in enumerate(chunks):
        keys = {(0, a) for a, _ in pairs} | {(right_side, b) for _, b in pairs}
        found.extend((key, number) for key in sorted(keys))
    return found


def delivered(items: Iterable[tuple[int, tuple[str, Any]]]) -> tuple[dict[Key, Tokens], Any]:
    """A chunk's texts, as the join delivers them (in any order), and its payload."""
    texts: dict[Key, Tokens] = {}
    payload: Any = None
    for _, (kind, value) in items:
        if kind == "payload":
            payload = value
        else:
            key, doc = value
            texts[key] = doc
    return texts, payload


def pile(
    texts: dict[Key, Tokens], pairs: Sequence[tuple[int, int]], one_pile: bool
) -> tuple[list[int], list[int], list[Tokens], list[Tokens], list[tuple[int, int]]]:
    """The piles of just ``pairs``' texts, numbered in the whole piles' order: their ids on
    each side, their texts, and the pairs renumbered."""
    left_ids = sorted({a for a, _ in pairs} | ({b for _, b in pairs} if one_pile else set()))
    right_ids = left_ids if one_pile else sorted({b for _, b in pairs})
    left_at = {k: n for n, k in enumerate(left_ids)}
    right_at = left_at if one_pile else {k: n for n, k in enumerate(right_ids)}
    left = [texts[(0, k)] for k in left_ids]
    right = left if one_pile else [texts[(1, k)] for k in right_ids]
    return left_ids, right_ids, left, right, [(left_at[a], right_at[b]) for a, b in pairs]


def align_chunk(
    items: Iterable[tuple[int, tuple[str, Any]]],
    shared: tuple[int, AlignConfig, np.ndarray],
    one_pile: bool,
) -> list[TokenPassage]:
    """One chunk's passages, from its pairs and its texts, numbered as in the whole piles."""
    size, config, common = shared
    texts, pairs = delivered(items)
    if not pairs:
        return []
    left_ids, right_ids, left, right, local = pile(texts, pairs, one_pile)
    passages = align_pairs(left, right, local, size, config, common=common)
    for passage in passages:
        passage.left, passage.right = left_ids[passage.left], right_ids[passage.right]
    return passages


def align(
    context: Any,
    table: SparkTexts,
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    chunks: Sequence[Sequence[tuple[int, int]]],
    size: int,
    config: AlignConfig,
    common: np.ndarray,
    partitions: int,
) -> list[list[TokenPassage]]:
    """Each chunk's passages (:func:`align_chunk`), in chunk order."""
    return joined(
        context,
        table,
        (left, right),
        chunks,
        chunks,
        align_chunk,
        (size, config, common),  # vocabulary-sized, not corpus-sized
        partitions,
    )


def joined(
    context: Any,
    table: SparkTexts,
    piles: tuple[Sequence[Tokens], Sequence[Tokens]],
    chunks: Sequence[Sequence[tuple[int, int]]],
    payloads: Sequence[Any],
    work: Callable[[Iterable[tuple[int, tuple[str, Any]]], Any, bool], Any],
    shared: Any,
    partitions: int,
) -> list[Any]:
    """``work(items, shared, one_pile)`` of each chunk of pairs, in chunk order: its items are
    its payload and the texts its pairs need, joined to it by a shuffle."""
    if not chunks:
        return []
    left, right = piles
    one_pile = left is right
    texts = table.by_text(left, right)
    inputs = context.broadcast(shared)

    try:
        wanted = context.parallelize(requests(chunks, one_pile), partitions).partitionBy(partitions)
        arrived = wanted.join(texts).map(lambda item: (item[1][0], ("text", (item[0], item[1][1]))))
        return by_chunk(
            context, arrived, payloads, lambda items: work(items, inputs.value, one_pile)
        )
    finally:
        inputs.unpersist()


def by_chunk(
    context: Any,
    arrived: Any,
    payloads: Sequence[Any],
    work: Callable[[Iterable[tuple[int, tuple[str, Any]]]], Any],
) -> list[Any]:
    """``work(items)`` of each chunk, in chunk order: a chunk's items are its payload,
    ``(number, ("payload", payload))``, and what ``arrived`` (an RDD keyed by chunk number)
    brought it, in any order."""
    count = len(payloads)
    listed = context.parallelize(
        [(number, ("payload", payload)) for number, payload in enumerate(payloads)], count
    )
    # Each side shuffled by chunk on its own, then united partition by partition (one
    # partitioner: Spark unites them aligned). A union first, then the shuffle, had the
    # texts pickled once more and read back by a Python process of their own (1-3 s a job
    # on SaudiNewsNet, on local[2]).
    found = (
        arrived.partitionBy(count, _chunk)
        .union(listed.partitionBy(count, _chunk))
        .mapPartitionsWithIndex(lambda number, items: [(number, work(items))])
        .collect()
    )
    return [result for _, result in sorted(found, key=lambda item: item[0])]


def _chunk(number: int) -> int:
    """A chunk's partition: its number (one function, so both sides' partitioners are one)."""
    return number
