"""The stage functions as backend tasks: ``task(shared, chunk) -> result``.

Each task is a module-level function (so any backend can ship it to a worker) that calls the
library's own stage function on one chunk of independent items; nothing here decides anything.
The ``*_parallel`` helpers cut a stage's items into chunks, run them on a backend and put the
results back together exactly as one call over all items would have returned them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from naql.align import TokenPassage, align_pairs, common_stems
from naql.attribution import attributions
from naql.backends import Backend, Done, Pending, balanced_ranges, chunk_count
from naql.candidates import SeedIndex, candidate_pairs_in
from naql.config import AlignConfig
from naql.ingest.options import ReadOptions
from naql.ingest.paths import FileRead, read_file
from naql.outlets import Gazetteer
from naql.records import Article, Attribution, Problem, Story, Verdict
from naql.stories import (
    FormulaInputs,
    StoryConfig,
    formula_inputs,
    formula_pairs,
    formulas_among,
    may_be_formula,
)
from naql.stories.roundups import BlockReader, Run, RunsPile
from naql.text import Tokens, Vocabulary
from naql.text.chunks import ChunkTokens, merge_chunks, tokenize_chunk
from naql.text.tokenize import warm_tables

if TYPE_CHECKING:
    # Provenance (and networkx, 0.25 s to import) is loaded by the stage that traces stories,
    # not by every process that imports the tasks, such as `naql query`.
    from naql.provenance import StoryInput
    from naql.provenance.facts import StoryCommon

Told = Callable[[int, int], None] | None


def _told(progress: Told, total: int, sizes: list[int]) -> Callable[[int, int], None] | None:
    """Chunk progress as item progress (chunks finish out of order: the count is the sizes
    of as many chunks, close enough for a bar)."""
    if progress is None:
        return None

    def on_chunk(done: int, chunks: int) -> None:
        progress(total if done >= chunks else min(sum(sizes[:done]), total), total)

    return on_chunk


def read_task(
    options: ReadOptions, files: Sequence[FileRead]
) -> list[tuple[list[Article | Problem], dict[str, int]]]:
    """Each planned file's items and the inputs it skipped, by reason."""
    found = []
    for step in files:
        skipped: dict[str, int] = {}
        found.append((list(read_file(step, options, skipped)), skipped))
    return found


# Characters of text a task carries at most, where tasks are sent their texts (Spark).
TEXT_PER_TASK = 4_000_000


def _carried(backend: Backend, sizes: Sequence[int], parts: int) -> int:
    """``parts`` chunks, or more where each travels with its texts (``sizes`` in
    characters): at most TEXT_PER_TASK characters each. A worker's share of a large pile in
    one task outgrows what Spark serialises (2 GB), and its tokenise tasks had carried 47 MB
    each on SaudiNewsNet."""
    if backend.shares_inputs:
        return parts
    return max(parts, min(len(sizes), -(-sum(sizes) // TEXT_PER_TASK)))


def tokenize_task(shared: tuple[Sequence[str], str], chunk: range) -> ChunkTokens:
    texts, latin_language = shared
    return tokenize_chunk([texts[k] for k in chunk], latin_language)


def tokenize_parallel(
    texts: Sequence[str], vocabulary: Vocabulary, backend: Backend, progress: Told = None
) -> list[Tokens]:
    # One chunk a worker: each chunk learns, and stems, its own vocabulary; a second chunk
    # stemmed much of it again (on ExAra, 2 chunks took 1.3-1.5 s, 4 took 1.6).
    sizes = [len(t) for t in texts]
    ranges = balanced_ranges(sizes, _carried(backend, sizes, chunk_count(backend, len(texts), 1)))
    warm_tables()  # once here, not once in every forked worker
    told = _told(progress, len(texts), [len(r) for r in ranges])
    if backend.shares_inputs:
        chunks = backend.run(tokenize_task, (texts, vocabulary.latin_language), ranges, told)
    else:  # each chunk sent its own texts, not every text to every worker
        pieces = [texts[r.start : r.stop] for r in ranges]
        kept = getattr(backend, "tokenize_kept", None)
        if kept is not None:
            # Spark: the texts later stages read are built where they were tokenised.
            chunks = kept(vocabulary.latin_language, pieces, told)
            id_maps: list[np.ndarray] = []
            merged = merge_chunks(vocabulary, chunks, id_maps)
            backend.adopt_texts(merged, id_maps)  # type: ignore[attr-defined]
            return merged
        chunks = backend.run(tokenize_texts_task, vocabulary.latin_language, pieces, told)
    return merge_chunks(vocabulary, chunks)


def tokenize_texts_task(latin_language: str, texts: Sequence[str]) -> ChunkTokens:
    return tokenize_chunk(list(texts), latin_language)


def candidates_task(shared: tuple[SeedIndex, int, int], docs: range) -> list[tuple[int, int]]:
    index, gap, min_seeds = shared
    return candidate_pairs_in(index, docs, gap=gap, min_seeds=min_seeds)


def candidates_parallel(
    index: SeedIndex, gap: int, min_seeds: int, backend: Backend
) -> list[tuple[int, int]]:
    """:func:`naql.candidates.candidate_pairs_in` over ranges of left texts balanced by their
    seeds: a pair's seeds all come with its left text, so the ranges' pairs, in order, are
    the pairs of the whole."""
    weights = index.seeds_per_text()
    # Two chunks a worker: each chunk scans the admitted postings once.
    ranges = balanced_ranges(weights + 1.0, chunk_count(backend, len(weights), 2))
    found = backend.run(candidates_task, (index, gap, min_seeds), ranges)
    return [pair for chunk in found for pair in chunk]


def align_task(
    shared: tuple[Sequence[Tokens], Sequence[Tokens], int, AlignConfig, np.ndarray],
    pairs: Sequence[tuple[int, int]],
) -> list[TokenPassage]:
    left, right, size, config, common = shared
    return align_pairs(left, right, pairs, size, config, common=common)


def align_parallel(
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    pairs: Sequence[tuple[int, int]],
    size: int,
    config: AlignConfig,
    backend: Backend | None,
    progress: Told = None,
    common: np.ndarray | None = None,
) -> list[TokenPassage]:
    """:func:`naql.align.align_pairs`, over chunks of the (sorted) pairs when ``backend`` has
    several workers: every pair is aligned on its own, and each chunk comes back sorted, so
    the chunks in order are the whole result."""
    if backend is None or backend.workers <= 1 or not pairs:
        return align_pairs(left, right, pairs, size, config, progress, common=common)
    if common is None:
        common = common_stems(left, right, size, config.max_df)
    chunks = _pair_chunks(left, right, pairs, backend)
    told = _told(progress, len(pairs), [len(c) for c in chunks])
    joined = getattr(backend, "align_chunks", None)
    if joined is not None:
        found = joined(left, right, chunks, size, config, common, told)
        if told is not None:
            told(len(chunks), len(chunks))
    else:
        found = backend.run(align_task, (left, right, size, config, common), chunks, told)
    return [passage for chunk in found for passage in chunk]


def _align_started(
    backend: Backend,
    texts: Sequence[Tokens],
    chunks: Sequence[Sequence[tuple[int, int]]],
    size: int,
    config: AlignConfig,
    common: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> Pending:
    """``chunks`` of pairs among ``texts`` begun on ``backend``: by its own join of pairs
    and texts where it has one (Spark, which awaits the join here and tells ``progress`` of
    the chunks done meanwhile), else as tasks that see every text."""
    joined = getattr(backend, "align_chunks", None)
    if joined is not None:
        return Done(joined(texts, texts, chunks, size, config, common, progress))
    return backend.start(align_task, (texts, texts, size, config, common), chunks, backend.workers)


def pair_ranges(
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    pairs: Sequence[tuple[int, int]],
    backend: Backend,
) -> list[range]:
    """Contiguous ranges of the (sorted) pairs, several a worker, balanced by length."""
    weights = [len(left[a]) + len(right[b]) for a, b in pairs]
    return balanced_ranges(weights, chunk_count(backend, len(pairs)))


def _pair_chunks(
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    pairs: Sequence[tuple[int, int]],
    backend: Backend,
) -> list[Sequence[tuple[int, int]]]:
    """The pairs cut at :func:`pair_ranges`."""
    return [pairs[r.start : r.stop] for r in pair_ranges(left, right, pairs, backend)]


class AlignJob:
    """Pairs being aligned on a backend's workers while the caller works on
    (:func:`align_start`); :func:`align_finish` adds more pairs and collects the passages."""

    __slots__ = ("common", "pairs", "pending")

    def __init__(self, pending: Pending, pairs: Sequence[tuple[int, int]], common: np.ndarray):
        self.pending, self.pairs, self.common = pending, pairs, common


def align_start(
    texts: Sequence[Tokens],
    pairs: Sequence[tuple[int, int]],
    size: int,
    config: AlignConfig,
    backend: Backend,
) -> AlignJob:
    """:func:`align_parallel` of ``pairs`` (sorted) among ``texts``, begun on every worker."""
    common = common_stems(texts, texts, size, config.max_df)
    chunks = _pair_chunks(texts, texts, pairs, backend)
    return AlignJob(_align_started(backend, texts, chunks, size, config, common), pairs, common)


def align_finish(
    job: AlignJob,
    texts: Sequence[Tokens],
    more: Sequence[tuple[int, int]],
    size: int,
    config: AlignConfig,
    backend: Backend,
    progress: Told = None,
    on_chunk: Callable[[list[TokenPassage]], None] | None = None,
) -> list[TokenPassage]:
    """The passages of ``job``'s pairs and of ``more`` (sorted, none of them ``job``'s),
    in pair order: what :func:`align_parallel` of all of them returns (each pair is aligned
    on its own). ``on_chunk`` is handed each chunk's passages (every passage of its pairs) as
    it comes back, so the caller works on them while the workers align the rest."""
    total = len(job.pairs) + len(more)
    if progress is not None:
        progress(0, total)
    done = len(job.pairs)
    pending: Pending | None = None
    sizes: list[int] = []
    if more:
        chunks = _pair_chunks(texts, texts, more, backend)
        sizes = [len(chunk) for chunk in chunks]

        def running(chunks_done: int, _: int) -> None:  # a join still running (Spark)
            if progress is not None:
                progress(len(job.pairs) + sum(sizes[:chunks_done]), total)

        # Begun before the first pairs' chunks are handed over: the workers align these while
        # this process works through those (they were mostly done during similarity).
        pending = _align_started(backend, texts, chunks, size, config, job.common, running)
    started = _collected(job.pending, None, on_chunk)
    if progress is not None:
        progress(done, total)
    extra: list[TokenPassage] = []
    if pending is not None:

        def counted(k: int) -> None:
            nonlocal done
            done += sizes[k]
            if progress is not None:
                progress(done, total)

        extra = _collected(pending, counted, on_chunk)
    if progress is not None:
        progress(total, total)
    return list(heapq.merge(started, extra, key=lambda p: (p.left, p.right)))


def _collected(
    pending: Pending,
    counted: Callable[[int], None] | None,
    on_chunk: Callable[[list[TokenPassage]], None] | None,
) -> list[TokenPassage]:
    """A pending alignment's passages in chunk order (each chunk is sorted by pair, and the
    chunks cut the sorted pairs in order), each chunk handed to ``on_chunk`` as it is done."""
    found: dict[int, list[TokenPassage]] = {}
    for k, chunk in pending.each():
        found[k] = chunk
        if on_chunk is not None:
            on_chunk(chunk)
        if counted is not None:
            counted(k)
    return [passage for k in sorted(found) for passage in found[k]]


def formula_task(
    shared: tuple[FormulaInputs, StoryConfig], pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    inputs, config = shared
    return formulas_among(inputs, pairs, config)


def formula_parallel(
    dates: Sequence[str | None],
    tokens: Sequence[Tokens],
    passages: dict[tuple[int, int], list[TokenPassage]],
    shares: dict[tuple[int, int], float],
    boost: np.ndarray,
    config: StoryConfig,
    backend: Backend | None,
    progress: Told = None,
) -> set[tuple[int, int]]:
    """:func:`naql.stories.formula_pairs`, its pairs cut into chunks for ``backend``'s
    workers (each pair is judged on its own; the answer is a set) when they share its inputs,
    or by the backend's own ``formula_pairs`` (Spark: the pairs it looks at, each chunk
    joined with its texts). Broadcasting every text's tokens and passages to Spark's
    executors cost more than the stage (its 1.3 s here against 4 s more on Spark
    `local[2]`)."""
    joined = getattr(backend, "formula_pairs", None)
    if backend is None or backend.workers <= 1 or not (backend.shares_inputs or joined):
        return formula_pairs(dates, tokens, passages, shares, boost, config, progress)
    inputs = formula_inputs(dates, tokens, passages, shares, boost)
    if joined is not None:
        # Only the pairs the test looks at go out, each chunk with the texts it needs.
        pairs = [pair for pair in passages if may_be_formula(inputs, pair, config)]
        return set(joined(tokens, _pair_chunks(tokens, tokens, pairs, backend), inputs, config))
    chunks = _pair_chunks(tokens, tokens, list(passages), backend)
    found = backend.run(
        formula_task,
        (inputs, config),
        chunks,
        _told(progress, len(passages), [len(c) for c in chunks]),
    )
    return {pair for chunk in found for pair in chunk}


def runs_task(shared: tuple[RunsPile, Sequence[Article]], pages: list[int]) -> dict[int, list[Run]]:
    pile, articles = shared
    return pile.runs(pages, [articles[page].text for page in pages])


def runs_reader(backend: Backend | None) -> BlockReader | None:
    """How :func:`naql.stories.roundups.page_runs` has its blocks of pages read by
    ``backend``'s workers: when they share its inputs, each block against the whole pile; on
    Spark, each block sent its share of the pile (its texts joined to it where they were
    tokenised; :meth:`SparkBackend.read_runs`, which may decline); None: in this process."""
    if backend is None or backend.workers <= 1:
        return None
    joined: BlockReader | None = getattr(backend, "read_runs", None)
    if joined is not None:
        return joined
    if not backend.shares_inputs:
        return None
    runner = backend

    def read(
        pile: RunsPile, articles: Sequence[Article], blocks: list[list[int]]
    ) -> list[dict[int, list[Run]]]:
        return runner.run(runs_task, (pile, articles), blocks)

    return read


def credits_task(shared: tuple[Sequence[Article], Gazetteer], chunk: range) -> list[Attribution]:
    articles, gazetteer = shared
    return attributions([articles[k] for k in chunk], gazetteer)


def credits_start(
    articles: Sequence[Article], gazetteer: Gazetteer, backend: Backend, workers: int
) -> Pending:
    """:func:`naql.attribution.attributions` of every article, begun on ``workers`` workers
    while the caller goes on (credits need only the texts: they can be read while the driver
    works through the stages no worker shares); :func:`credits_of` collects them."""
    kept = getattr(backend, "credits_where_tokenised", None)
    if kept is not None and (found := kept(articles, gazetteer)) is not None:
        return Done(found)  # Spark: the texts are on the executors since tokenising
    sizes = [len(a.text) for a in articles]
    ranges = balanced_ranges(sizes, _carried(backend, sizes, chunk_count(backend, len(articles))))
    if not backend.shares_inputs:  # each chunk sent its own articles
        pieces = [articles[r.start : r.stop] for r in ranges]
        return backend.start(credits_alone_task, gazetteer, pieces, workers)
    return backend.start(credits_task, (articles, gazetteer), ranges, workers)


def credits_alone_task(gazetteer: Gazetteer, articles: Sequence[Article]) -> list[Attribution]:
    return attributions(list(articles), gazetteer)


def credits_of(pending: Pending) -> list[Attribution]:
    """The credits of a :func:`credits_start`, in article order."""
    return [credit for chunk in pending.result() for credit in chunk]


def stories_task(shared: Sequence[StoryInput], chunk: range) -> list[tuple[Story, list[Verdict]]]:
    from naql.provenance import trace_story

    return [trace_story(shared[k]) for k in chunk]


def stories_alone_task(
    shared: StoryCommon | None, chunk: Sequence[StoryInput]
) -> list[tuple[Story, list[Verdict]]]:
    from naql.provenance import trace_story
    from naql.provenance.facts import with_common

    if shared is not None:
        chunk = [with_common(story, shared) for story in chunk]
    return [trace_story(story) for story in chunk]


def trace_each(
    inputs: Sequence[StoryInput], backend: Backend | None, progress: Told = None
) -> list[tuple[Story, list[Verdict]]]:
    """:func:`naql.provenance.trace_story` of every story, in story order (on ``backend``'s
    workers when it has several)."""
    from naql.provenance import trace_story

    if backend is None or backend.workers <= 1:
        traced = []
        for done, story in enumerate(inputs, 1):
            traced.append(trace_story(story))
            if progress is not None and (done % 256 == 0 or done == len(inputs)):
                progress(done, len(inputs))
        return traced
    # A story's cost grows faster than its size (pairs of members): weigh by size squared.
    # Where each chunk travels with its stories' texts, there are enough chunks to keep them
    # to about TEXT_PER_TASK characters (see _carried).
    parts = chunk_count(backend, len(inputs))
    if not backend.shares_inputs:
        texts = [sum(len(s.articles[k].text) for k in s.members) for s in inputs]
        parts = _carried(backend, texts, parts)
    ranges = balanced_ranges([len(s.members) ** 2 + 1 for s in inputs], parts)
    told = _told(progress, len(inputs), [len(r) for r in ranges])
    if backend.shares_inputs:
        found = backend.run(stories_task, inputs, ranges, told)
    else:
        # Each story goes out once, with its own members' texts: sending every story the
        # whole trace's (a broadcast on Spark) made every executor hold the corpus.
        from naql.provenance.facts import alone, common_of, without_common

        # What every story shares (the gazetteer, the vocabulary's figures: 2.2 MB on
        # SaudiNewsNet) goes out once, not with each chunk.
        common = common_of(inputs)
        strip = without_common if common is not None else (lambda story: story)
        chunks = [[strip(alone(inputs[k])) for k in r] for r in ranges]
        # Spark: the members' texts and tokens joined to the stories where they were tokenised.
        joined = getattr(backend, "trace_stories_joined", None)
        at_texts = joined(chunks, common, told) if joined is not None else None
        if at_texts is not None:
            found = at_texts
        else:
            found = backend.run(stories_alone_task, common, chunks, told)
    return [traced for chunk in found for traced in chunk]
