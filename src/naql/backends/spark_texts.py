"""The texts on Spark: built on the executors from the tokenise job's results
(:meth:`SparkTexts.adopt`), or shipped once from the driver as partitions, checkpointed, and
read by every stage that needs them (candidates and similarity by partition, alignment by text).

Each text goes out with its stems and stop mask only (5 bytes a token): the character offsets
stay with the driver, which turns token passages into records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from naql.backends import balanced_ranges
from naql.text import Tokens
from naql.text.tokenize import FlatTokens

# (side, first text of the side, texts): side 0 is the left pile, 1 the right.
Part = tuple[int, int, list[Tokens]]
Key = tuple[int, int]  # (side, text)
_NONE = np.zeros(0, dtype=np.int32)


def light(doc: Tokens) -> Tokens:
    """What the index, the similarity and the aligner read of a text."""
    return Tokens(doc.ids, doc.stop, _NONE, _NONE)


def part_ranges(docs: Sequence[Tokens], parts: int) -> list[range]:
    """One side's texts cut into ``parts`` ranges balanced by tokens."""
    return balanced_ranges([len(doc) + 1 for doc in docs], parts)


def text_parts(left: Sequence[Tokens], right: Sequence[Tokens] | None, parts: int) -> list[Part]:
    """The texts cut into ``parts`` ranges per side balanced by tokens (a pile aligned with
    itself is one side)."""
    found: list[Part] = []
    for side, docs in enumerate([left] if right is None or right is left else [left, right]):
        for chunk in part_ranges(docs, parts):
            found.append((side, chunk.start, [light(docs[k]) for k in chunk]))
    return found


def keyed(part: Part) -> Iterator[tuple[Key, Tokens]]:
    side, low, docs = part
    for k, doc in enumerate(docs):
        yield (side, low + k), doc


class SparkTexts:
    """The piles being traced, as two cached RDDs: their parts, one a partition
    (:func:`text_parts`), and the same texts keyed by text. Kept while the same piles are
    asked for (a trace's candidates, similarity and two alignment jobs), then dropped."""

    def __init__(self, context: Any, partitions: int, tokens_per_part: int = 2_000_000) -> None:
        self.context, self.partitions = context, partitions
        # A partition holds at most this many tokens (10 MB at 5 bytes a token), more
        # partitions than the shuffles' when the pile is large: a fixed few a worker had
        # grown with the pile (11 MB each on SaudiNewsNet, 300 MB at 100 M articles on 400).
        self.tokens_per_part = tokens_per_part
        self.piles: tuple[Sequence[Tokens], Sequence[Tokens] | None] | None = None
        self.parts: list[tuple[int, int]] = []  # (side, first text) of each partition
        self._parts: Any = None
        self._keyed: Any = None

    def _hold(self, left: Sequence[Tokens], right: Sequence[Tokens] | None) -> None:
        right = None if right is left else right
        if self.piles is not None and self.piles[0] is left and self.piles[1] is right:
            return
        self.drop()
        pieces = text_parts(left, right, self._part_count([left, right or ()]))
        self.piles = (left, right)
        self.parts = [(side, low) for side, low, _ in pieces]
        self._parts = _materialised(self.context.parallelize(pieces, len(pieces)))

    def _part_count(self, piles: Sequence[Sequence[Tokens]]) -> int:
        """Parts a side: the shuffles' number, or more where that keeps each under
        :attr:`tokens_per_part`."""
        tokens = sum(len(doc) for pile in piles for doc in pile)
        return max(self.partitions, -(-tokens // max(1, self.tokens_per_part)))

    def adopt(
        self, tokens: Sequence[Tokens], tokenised: Any, firsts: Sequence[int], id_maps: Any
    ) -> None:
        """Hold ``tokens`` (one pile) as the parts :meth:`partitioned` would ship, but built
        where they were tokenised: ``tokenised`` is the tokenise job's RDD of (chunk number,
        :class:`~naql.text.chunks.ChunkTokens`), its lineage cut, ``firsts`` each chunk's
        first text, ``id_maps`` a broadcast of each chunk's map to the merged vocabulary's
        ids. Each chunk sends the slices of the parts it overlaps to them (a shuffle between
        executors): the same parts, the same texts, none of them sent by the driver."""
        self.drop()
        starts = [chunk.start for chunk in part_ranges(tokens, self._part_count([tokens]))]
        bounds = np.array(starts + [len(tokens)], dtype=np.int64)
        chunk_firsts = list(firsts)

        def sliced(item: tuple[int, Any]) -> Iterator[tuple[int, tuple[int, list[Tokens]]]]:
            number, chunk = item
            ids = id_maps.value[number][chunk.ids]
            flat = FlatTokens(chunk.lengths, ids, chunk.stop, _NONE, _NONE)
            docs = [light(doc) for doc in flat.split()]
            low, high = chunk_firsts[number], chunk_firsts[number] + len(docs)
            first = int(np.searchsorted(bounds, low, side="right")) - 1
            for part in range(max(first, 0), len(starts)):
                start, stop = max(low, int(bounds[part])), min(high, int(bounds[part + 1]))
                if start >= stop:
                    break
                yield part, (start, docs[start - low : stop - low])

        def joined(
            part: int, slices: Iterable[tuple[int, tuple[int, list[Tokens]]]]
        ) -> Iterator[Part]:
            found = sorted((item for _, item in slices), key=lambda item: item[0])
            yield 0, starts[part], [doc for _, docs in found for doc in docs]

        if not starts:
            return  # no texts: held as nothing, shipped as usual if ever asked for
        self.piles = (tokens, None)
        self.parts = [(0, start) for start in starts]
        self._parts = _materialised(
            tokenised.flatMap(sliced)
            .partitionBy(len(starts), lambda part: part)
            .mapPartitionsWithIndex(joined, True)
        )

    def partitioned(self, left: Sequence[Tokens], right: Sequence[Tokens] | None) -> Any:
        """An RDD of :data:`Part`, one a partition, in :attr:`parts` order."""
        self._hold(left, right)
        return self._parts

    def by_text(self, left: Sequence[Tokens], right: Sequence[Tokens] | None) -> Any:
        """An RDD of (key, text), hash-partitioned by key."""
        self._hold(left, right)
        if self._keyed is None:
            self._keyed = self._parts.flatMap(keyed).partitionBy(self.partitions).cache()
        return self._keyed

    def drop(self) -> None:
        for rdd in (self._keyed, self._parts):
            if rdd is not None:
                rdd.unpersist()
        self.piles, self.parts, self._parts, self._keyed = None, [], None, None


def one_a_batch(rdd: Any) -> Any:
    """``rdd`` pickled one item (a whole chunk) a batch. Two RDDs zipped must be batched
    alike, and pyspark's own batching (automatic) is no fixed size: zipping two such RDDs
    re-pickled both, every item, in a Python pass of their own on each job (the kept texts
    and their tokens, 136 MB on SaudiNewsNet, three times a trace). Set before the RDD is
    computed, this costs nothing (the identity map is pipelined into its last map)."""
    from pyspark.serializers import BatchedSerializer, CPickleSerializer

    return rdd._reserialize(BatchedSerializer(CPickleSerializer(), 1))


def _materialised(rdd: Any, action: Any = None) -> Any:
    """``rdd`` computed once and cut from its lineage. A parallelized RDD's partitions hold
    their data, and so does every task over it or over an RDD derived from it, cached or not:
    each stage that read the texts sent them from the driver again (11 MB a task on
    SaudiNewsNet, the tasks Spark warns are "of very large size"). Checkpointed, its
    partitions are block references. To the checkpoint directory when Spark has one
    (``SparkContext.setCheckpointDir``: recomputable when an executor is lost), else to the
    executors' own storage. ``action(rdd)``, if given, is the job that computes it, and its
    result is returned instead."""
    # Cached too: pyspark marks a locally checkpointed RDD neither cached nor checkpointed,
    # so a map over one built from a map was pipelined onto the first map's input, which it
    # recomputed, its tasks carrying that input again.
    rdd.cache()
    if rdd.context.getCheckpointDir() is not None:
        rdd.checkpoint()
    else:
        rdd.localCheckpoint()
    if action is not None:  # the job that computes it, whose result the caller wants
        return action(rdd)
    rdd.count()
    return rdd
