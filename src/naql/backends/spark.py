"""Apache Spark (pyspark): the same stage tasks, run as Spark jobs on a cluster or ``local[*]``.

Each :meth:`SparkBackend.run` is one Spark job: the stage's shared inputs go out once as a
broadcast variable, the chunks become the partitions of an RDD, and each partition calls the
library's own stage function (``mapPartitions``). Configuration follows Spark's conventions:
``spark-submit``/``spark-defaults.conf``/``SPARK_CONF_DIR`` settings are honoured, ``--master``
overrides the master, and each job is described in Spark's UI and logs ("naql: align").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from naql.backends import ChunkProgress, Done, Pending, spark_conf
from naql.backends.spark_clean import same_texts
from naql.backends.spark_errors import require_spark
from naql.backends.spark_progress import jobs
from naql.backends.spark_texts import SparkTexts
from naql.errors import BackendUnavailable

if TYPE_CHECKING:
    import numpy as np

    from naql.align import TokenPassage
    from naql.backends.spark_kept import Kept
    from naql.clean import CleanResult
    from naql.config import AlignConfig, CandidateConfig
    from naql.outlets import Gazetteer
    from naql.pairs import PairInputs, Template
    from naql.provenance.facts import StoryCommon, StoryInput
    from naql.records import Alignment, Article, Attribution, Story, Verdict
    from naql.stories import FormulaInputs, StoryConfig
    from naql.stories.roundups import Run, RunsPile
    from naql.text import Tokens
    from naql.text.chunks import ChunkTokens


class SparkBackend:
    name = "spark"
    shares_inputs = False  # each job's inputs are broadcast to the executors

    def __init__(self, master: str | None = None, parallelism: int | None = None) -> None:
        require_spark()
        self.context = spark_conf.started(master, parallelism)
        self.workers = max(1, int(self.context.defaultParallelism))
        conf = self.context.getConf()

        def setting(key: str, default: int) -> int:
            try:
                return spark_conf.whole_number(conf, key, default)
            except BackendUnavailable:
                self.context.stop()
                raise

        # Shuffles and the texts' partitions: a few a worker.
        self.partitions = max(2, self.workers * 2)
        # Cached while one pile is traced; `spark.naql.tokensPerPartition` caps a partition.
        self.texts = SparkTexts(
            self.context, self.partitions, setting("spark.naql.tokensPerPartition", 2_000_000)
        )
        # Texts up to this many bytes go out as one broadcast rather than by joins.
        self.broadcast_texts = setting("spark.naql.broadcastTexts", 10 * 2**20)
        # The largest story graph grouped in the driver; a larger one by components on Spark.
        self.driver_edges = setting("spark.naql.stories.driverEdges", 10_000_000)
        # The most aligned pairs the driver describes, and pages whose runs of lines it reads
        # (the roundups'); more go to the executors. Each is a fraction of a millisecond of
        # one core, and on the executors the texts travel to them too: on local[2],
        # SaudiNewsNet's 40,600 pairs took 6.1 s there against 4.0 s in the driver, its
        # 19,028 pages 1.3-2.6 s more, so below these the driver's one core wins.
        self.driver_pairs = setting("spark.naql.pairs.driverPairs", 100_000)
        self.driver_pages = setting("spark.naql.stories.driverPages", 100_000)
        self.master = self.context.master
        self._jobs = 0  # naql stages run so far: each one's Spark jobs are a job group
        # What the last tokenise job left on the executors, for the trace's later stages.
        self._kept: Kept | None = None
        # The texts of the last pages cleaned here, left on the executors for tokenising:
        # (RDD of (chunk, texts), each chunk's texts as the driver received them).
        self._cleaned: tuple[Any, list[list[str]]] | None = None
        # Executors of a local master run on this machine and open its files; a cluster's do
        # not, and are sent only the files named by URL (naql.ingest.paths.read_on).
        self.sees_local_files = (self.master or "local").startswith("local")

    def run(
        self,
        task: Callable[[Any, Any], Any],
        shared: Any,
        chunks: Sequence[Any],
        progress: ChunkProgress | None = None,
    ) -> list[Any]:
        if not chunks:
            return []
        sent = self.context.parallelize(list(enumerate(chunks)), len(chunks))
        return self._mapped(sent, task, shared, "", progress)

    def keep(self, chunks: Sequence[Any]) -> Any:
        """``chunks`` sent to the executors once and kept there (cut from their lineage, as
        the tokenise job's texts are), for several :meth:`run_kept` passes over them; the
        caller unpersists the RDD returned when done."""
        from naql.backends.spark_texts import _materialised

        with self._job("send", f"chunks sent once ({len(chunks)})"):
            return _materialised(self.context.parallelize(list(enumerate(chunks)), len(chunks)))

    def run_kept(
        self,
        kept: Any,
        task: Callable[[Any, Any], Any],
        shared: Any,
        progress: ChunkProgress | None = None,
    ) -> list[Any]:
        """:meth:`run` over the chunks of a :meth:`keep`, where they are."""
        return self._mapped(kept, task, shared, ", where kept", progress)

    def line_holders_kept(self, kept: Any, shared: Any, least: int) -> dict[str, list[int]]:
        """The chunked cleaning's lines pass over the pages of a :meth:`keep`, its short
        lines' holders shuffled by line and only those on ``least`` pages or more brought
        back (:func:`.spark_clean.line_holders`)."""
        from naql.backends import spark_clean

        count = kept.getNumPartitions()
        with self._job("lines", f"lines ({count} chunks, where kept, by line)"):
            return spark_clean.line_holders(self.context, kept, shared, least)

    def clean_kept(
        self, kept: Any, shared: Any, progress: ChunkProgress | None = None
    ) -> list[CleanResult]:
        """The last pass of the chunked cleaning (:func:`naql.backends.cleaning.clean_parallel`)
        over the pages of a :meth:`keep`, its articles' texts left on the executors for the
        next :meth:`tokenize_kept`, which then sends no text out (:mod:`.spark_clean`)."""
        from naql.backends import spark_clean

        count = kept.getNumPartitions()
        with self._job("clean", f"clean ({count} chunks, where kept)", progress, count):
            results, texts = spark_clean.cleaned(self.context, kept, shared)
        if progress is not None:
            progress(count, count)
        self.drop_cleaned()
        self._cleaned = (texts, [[a.text for a in result.articles] for result in results])
        return results

    def drop_cleaned(self) -> None:
        """Let go of the cleaned texts the last :meth:`clean_kept` left on the executors."""
        if self._cleaned is not None:
            self._cleaned[0].unpersist()
            self._cleaned = None

    def _mapped(
        self,
        chunks: Any,
        task: Callable[[Any, Any], Any],
        shared: Any,
        where: str,
        progress: ChunkProgress | None,
    ) -> list[Any]:
        """``task(shared, chunk)`` of each (number, chunk) of the RDD ``chunks``, in order."""
        stage = task.__name__.removesuffix("_task")
        count = chunks.getNumPartitions()
        with self._job(stage, f"{stage} ({count} chunks{where})", progress, count):
            inputs = self.context.broadcast(shared)

            def each(partition: Iterable[tuple[int, Any]]) -> Iterable[tuple[int, Any]]:
                value = inputs.value
                for number, chunk in partition:
                    yield number, task(value, chunk)

            try:
                found = chunks.mapPartitions(each).collect()
            finally:
                inputs.unpersist()
        if progress is not None:
            progress(count, count)
        return [result for _, result in sorted(found, key=lambda item: item[0])]

    def tokenize_kept(
        self, latin_language: str, pieces: Sequence[Sequence[str]], progress: ChunkProgress | None
    ) -> list[ChunkTokens]:
        """:func:`naql.backends.tasks.tokenize_texts_task` of each piece, as :meth:`run` does,
        but with the texts and results kept on the executors (their lineage cut, so no later
        task carries the texts again: :mod:`.spark_kept`), for :meth:`adopt_texts` to build
        the cached texts from, and the credits and provenance to read the texts there."""
        from naql.backends.spark_kept import Kept
        from naql.backends.spark_texts import _materialised, one_a_batch
        from naql.backends.tasks import tokenize_texts_task

        if not pieces:
            return []
        self.drop_tokenised()
        shipped = None
        if self._cleaned is not None and same_texts(self._cleaned[1], pieces):
            # The texts were cleaned there: their chunks are this job's (any chunking
            # merges into the same tokens), and the driver sends none of them.
            (shipped, pieces), self._cleaned = self._cleaned, None
        self.drop_cleaned()
        chunks = len(pieces)
        with self._job("tokenize", f"tokenize ({chunks} chunks)", progress, chunks):
            if shipped is None:
                sent = self.context.parallelize(list(enumerate(pieces)), chunks)
                shipped = _materialised(one_a_batch(sent))
            # Both batched alike: later stages zip them (spark_kept).
            tokenised = one_a_batch(
                shipped.map(lambda item: (item[0], tokenize_texts_task(latin_language, item[1])))
            )
            found = _materialised(tokenised, action=lambda rdd: rdd.collect())
        self._kept = Kept(shipped, tokenised, pieces)
        if progress is not None:
            progress(chunks, chunks)
        return [chunk for _, chunk in sorted(found, key=lambda item: item[0])]

    def adopt_texts(self, tokens: Sequence[Tokens], id_maps: Sequence[np.ndarray]) -> None:
        """The texts of the last :meth:`tokenize_kept`, merged (``tokens``, and each chunk's
        map to the merged ids), cached as :class:`SparkTexts` holds them, built on the
        executors: the driver sends none of the tokens it received."""
        kept = self._kept
        if kept is None:
            return
        with self._job("texts", "texts (cached where they were tokenised)"):
            kept.id_maps = self.context.broadcast(list(id_maps))
            try:
                self.texts.adopt(tokens, kept.tokenised, kept.firsts, kept.id_maps)
            except BaseException:
                self.drop_tokenised()
                raise
        kept.pile = tokens

    def drop_tokenised(self) -> None:
        """Let go of what the last :meth:`tokenize_kept` left on the executors."""
        if self._kept is not None:
            self._kept.drop()
            self._kept = None

    def credits_where_tokenised(
        self, articles: Sequence[Article], gazetteer: Gazetteer
    ) -> list[list[Attribution]] | None:
        """:func:`naql.attribution.attributions` of ``articles``, read on the executors from
        the texts the last :meth:`tokenize_kept` sent them: only the rest of each article
        goes out. None when those texts are not ``articles``' (none kept, or another
        pile's): the caller sends them itself."""
        from naql.backends import spark_kept

        kept = self._kept
        if kept is None or not kept.holds(articles):
            return None
        with self._job("credits", f"credits ({len(kept.counts)} chunks, where tokenised)"):
            return spark_kept.read_credits(self.context, kept, articles, gazetteer)

    def trace_stories_joined(
        self,
        chunks: Sequence[Sequence[StoryInput]],
        common: StoryCommon | None,
        progress: ChunkProgress | None,
    ) -> list[list[tuple[Story, list[Verdict]]]] | None:
        """Each chunk's stories traced, their members' texts and tokens joined to them from
        what the tokenise job left on the executors (:mod:`.spark_kept`); None when it left
        nothing of this trace, or the texts are small enough to go with their stories."""
        from naql.backends import spark_kept

        kept = self._kept
        if kept is None or kept.pile is None or self._small(kept.pile, kept.pile):
            return None  # as for alignment: under spark.naql.broadcastTexts a join costs more
        description = f"provenance ({len(chunks)} chunks, texts joined where they were tokenised)"
        with self._job("provenance", description, progress, len(chunks)):
            found = spark_kept.trace_stories(self.context, kept, chunks, common)
        if progress is not None:
            progress(len(chunks), len(chunks))
        return found

    def describe_pairs(
        self, shared: PairInputs, pairs: Sequence[tuple[tuple[int, int], list[TokenPassage]]]
    ) -> list[tuple[Alignment, Template | None]] | None:
        """:func:`naql.pairs.describe_pairs` of ``pairs`` on the executors, each chunk's texts
        and tokens joined to it from where the tokenise job left them (:mod:`.spark_kept`):
        the driver, which described every pair alone, only receives the records. None (the
        driver describes them) when the tokenise job left no texts of this pile, they are
        small enough to go out as a broadcast, or the pairs are at most
        ``spark.naql.pairs.driverPairs``."""
        from naql.backends import spark_kept

        kept = self._kept
        if (
            kept is None
            or kept.pile is None
            or kept.pile is not shared.tokens
            or len(pairs) <= self.driver_pairs
            or self._small(kept.pile, kept.pile)
        ):
            return None
        from naql.backends.tasks import pair_ranges

        ranges = pair_ranges(kept.pile, kept.pile, [pair for pair, _ in pairs], self)
        chunks = [pairs[r.start : r.stop] for r in ranges]
        description = (
            f"pairs described ({len(chunks)} chunks, texts joined where they were tokenised)"
        )
        with self._job("pairs", description):
            found = spark_kept.describe(self.context, kept, shared, chunks)
        return [record for chunk in found for record in chunk]

    def read_runs(
        self, pile: RunsPile, articles: Sequence[Article], blocks: list[list[int]]
    ) -> list[dict[int, list[Run]]] | None:
        """The roundups' runs of each block of pages, read on the executors, each block sent
        its share of the pile and its texts from where the tokenise job left them
        (:mod:`.spark_runs`); None (the driver reads them) when it left nothing of this
        trace, the texts are small enough to go out as a broadcast, or the pages are at most
        ``spark.naql.stories.driverPages``."""
        from naql.backends import spark_runs

        kept = self._kept
        if (
            kept is None
            or kept.pile is None
            or sum(map(len, blocks)) <= self.driver_pages
            or self._small(kept.pile, kept.pile)
        ):
            return None
        description = f"stories (roundups' runs, {len(blocks)} blocks, texts where tokenised)"
        with self._job("stories", description):
            return spark_runs.read_runs(self.context, kept, pile, articles, blocks)

    def _job(
        self,
        stage: str,
        description: str,
        progress: ChunkProgress | None = None,
        total: int = 0,
    ) -> AbstractContextManager[None]:
        """One stage's Spark jobs, a job group of their own (:func:`.spark_progress.jobs`)."""
        self._jobs += 1
        group = f"naql-{self._jobs}-{stage}"
        return jobs(self.context, group, stage, description, self.master, progress, total)

    def candidate_pairs(
        self,
        left: Sequence[Tokens],
        right: Sequence[Tokens] | None,
        vocabulary_size: int,
        settings: CandidateConfig,
        budget: int,
        progress: ChunkProgress | None = None,
    ) -> list[tuple[int, int]]:
        """The rare-stem index's candidate pairs by blocking on Spark (:mod:`.spark_candidates`):
        two shuffles, no broadcast of the index."""
        from naql.backends import spark_candidates

        description = "candidates (blocking on rare stems)"
        with self._job("candidates", description, progress, max(1, len(left))):
            return spark_candidates.candidate_pairs(
                self.context,
                self.texts.partitioned(left, right),
                right is None or right is left,
                vocabulary_size,
                settings,
                budget,
                self.partitions,
            )

    def align_chunks(
        self,
        left: Sequence[Tokens],
        right: Sequence[Tokens],
        chunks: Sequence[Sequence[tuple[int, int]]],
        size: int,
        config: AlignConfig,
        common: np.ndarray,
        progress: ChunkProgress | None = None,
    ) -> list[list[TokenPassage]]:
        """Each chunk of pairs aligned with its own texts, joined to it by a shuffle
        (:mod:`.spark_align`): no executor is sent the whole corpus. Texts smaller than
        ``spark.naql.broadcastTexts`` (10 MB at 5 bytes a token, Spark SQL's broadcast-join
        default) go out as one broadcast instead: the join's shuffles cost more than they
        save there (ExAra: 3.8 s against 1.4 s)."""
        from naql.backends import spark_align, tasks

        if self._small(left, right):
            shared = (left, right, size, config, common)
            return self.run(tasks.align_task, shared, chunks, progress)
        description = f"align ({len(chunks)} chunks joined with their texts)"
        with self._job("align", description, progress, len(chunks)):
            return spark_align.align(
                self.context,
                self.texts,
                left,
                right,
                chunks,
                size,
                config,
                common,
                self.partitions,
            )

    def topical_similarity(
        self,
        tokens: Sequence[Tokens],
        boost: np.ndarray,
        config: StoryConfig,
        progress: ChunkProgress | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Topical similarity built where the texts are (:mod:`.spark_topical`): rows by
        partition, candidate pairs by blocking, cosines where each pair's rows meet."""
        from naql.backends import spark_topical

        description = "similarity (TF-IDF by partition, blocking)"
        with self._job("similarity", description, progress, max(1, len(tokens))):
            texts = self.texts.partitioned(tokens, None)
            starts = [low for _, low in self.texts.parts]
            found = spark_topical.similarity(
                self.context, texts, starts, len(tokens), boost, config, self.partitions
            )
        if progress is not None:
            progress(len(tokens), len(tokens))
        return found

    def formula_pairs(
        self,
        tokens: Sequence[Tokens],
        chunks: Sequence[Sequence[tuple[int, int]]],
        inputs: FormulaInputs,
        config: StoryConfig,
    ) -> set[tuple[int, int]]:
        """The stories' formula test of each chunk of pairs: in the driver while they are at
        most ``spark.naql.stories.driverEdges`` (it holds the texts and the pairs already, and
        a Spark job cost 5.6 s more on SaudiNewsNet), else on Spark, each chunk joined with
        its texts like alignment."""
        from naql.backends import spark_align, spark_stories
        from naql.stories import formulas_among

        pairs = [pair for chunk in chunks for pair in chunk]
        if len(pairs) <= self.driver_edges:
            return set(formulas_among(inputs, pairs, config))
        payloads = [
            (
                list(chunk),
                [inputs.passages[pair] for pair in chunk],
                [inputs.shares.get(pair, 0.0) for pair in chunk],
                [(inputs.days[a], inputs.days[b]) for a, b in chunk],
            )
            for chunk in chunks
        ]
        with self._job("stories", f"stories (formula test, {len(chunks)} chunks)"):
            found = spark_align.joined(
                self.context,
                self.texts,
                (tokens, tokens),
                chunks,
                payloads,
                spark_stories.formula_chunk,
                (inputs.weight, config),
                self.partitions,
            )
        return {pair for chunk in found for pair in chunk}

    def _small(self, left: Sequence[Tokens], right: Sequence[Tokens]) -> bool:
        """Texts under ``spark.naql.broadcastTexts`` (5 bytes a token)."""
        piles = [left] if left is right else [left, right]
        return sum(len(doc) for pile in piles for doc in pile) * 5 <= self.broadcast_texts

    def linkage(
        self,
        count: int,
        similarity: dict[tuple[int, int], float],
        threshold: float,
        days: dict[int, tuple[int, ...]],
        apart: set[tuple[int, int]],
    ) -> list[list[int]]:
        """The stories' average linkage: in the driver while the story graph holds at most
        ``spark.naql.stories.driverEdges`` pairs (10 M by default), else a connected
        component at a time on Spark (:mod:`.spark_stories`), with the same groups."""
        from naql.stories import average_linkage

        if len(similarity) <= self.driver_edges:
            return average_linkage(count, similarity, threshold, days, apart)
        from naql.backends import spark_stories

        with self._job("stories", f"stories ({len(similarity)} pairs, by connected components)"):
            return spark_stories.story_groups(
                self.context, count, similarity, threshold, days, apart, self.partitions
            )

    def start(
        self, task: Callable[[Any, Any], Any], shared: Any, chunks: Sequence[Any], workers: int
    ) -> Pending:
        # A Spark job is submitted and awaited by one call: run it now (the cluster, not the
        # driver, is where the time goes).
        return Done(self.run(task, shared, chunks))

    def close(self) -> None:
        self.drop_tokenised()
        self.drop_cleaned()
        self.texts.drop()
        self.context.stop()
