"""Backends: every backend, any number of workers or chunks, gives the result of one core."""

from __future__ import annotations

import functools
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from backend_cases import (
    exara_detections,
    exara_slice,
    formula_case,
    saudinewsnet_day,
    seed_texts,
    trace_json,
)
from conftest import EXAMPLE, story_graphs
from hypothesis import given, settings
from hypothesis import strategies as st

from naql import pan
from naql.align import align_pairs, common_stems
from naql.backends import (
    balanced_ranges,
    check,
    open_backend,
    spark_align,
    spark_candidates,
    spark_stories,
    spark_texts,
    spark_topical,
    tasks,
)
from naql.backends.local import LocalBackend
from naql.candidates import candidate_pairs_in, seed_index
from naql.clean import CleanConfig, clean_articles
from naql.config import Config
from naql.errors import BackendFailed, BackendUnavailable, ConfigError
from naql.ingest import ReadOptions, read_articles
from naql.pipeline import trace
from naql.records import to_json
from naql.reuse import candidate_pairs
from naql.stories import StoryConfig, average_linkage, formula_inputs, formula_pairs, may_be_formula
from naql.stories.topical import (
    admitted_terms,
    heaviest_terms,
    inverse_frequency,
    row_terms,
    term_weights,
    tfidf,
    top_matrix,
    topical_similarity,
    union_pairs,
)
from naql.text import Vocabulary
from naql.text.chunks import merge_chunks, tokenize_chunk

pytestmark = pytest.mark.heavy(50)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=60),
    st.integers(min_value=1, max_value=20),
)
def test_balanced_ranges_cut_every_item_once_in_order(weights: list[float], parts: int) -> None:
    ranges = balanced_ranges(weights, parts)
    assert [k for r in ranges for k in r] == list(range(len(weights)))
    assert len(ranges) <= parts
    assert all(len(r) > 0 for r in ranges)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
def test_merged_chunks_carry_the_ids_one_vocabulary_gives(cuts: list[int]) -> None:
    # Texts tokenised in chunks with vocabularies of their own, merged in order, get exactly
    # the stem ids (and so the vocabulary) of tokenising them one after another.
    texts = [line for text in seed_texts() for line in text.split("\n\n") if line.strip()][:40]
    bounds = sorted({0, len(texts), *(min(c, len(texts)) for c in cuts)})
    chunks = [tokenize_chunk(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    merged_vocabulary, one = Vocabulary(), Vocabulary()
    merged = merge_chunks(merged_vocabulary, chunks)
    expected = [one.tokens(text) for text in texts]
    assert merged_vocabulary.stems == one.stems
    for got, want in zip(merged, expected, strict=True):
        assert np.array_equal(got.ids, want.ids)
        assert np.array_equal(got.stop, want.stop)
        assert np.array_equal(got.starts, want.starts)
        assert np.array_equal(got.ends, want.ends)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=5))
def test_candidate_pairs_are_the_same_for_any_split_of_the_left_texts(cuts: list[int]) -> None:
    # A pair's seeds all come with its left text and each pair is clustered alone: the
    # pairs of ranges of left texts, in order, are the pairs of the whole.
    texts = [line for text in seed_texts() for line in text.split("\n\n") if line.strip()][:40]
    vocabulary = Vocabulary()
    docs = [vocabulary.tokens(text) for text in texts]
    index = seed_index(docs, None, len(vocabulary), budget=100_000, max_per_doc=20)
    whole = candidate_pairs_in(index, None, gap=20, min_seeds=5)
    bounds = sorted({0, len(docs), *(min(c, len(docs)) for c in cuts)})
    split = [
        pair
        for a, b in zip(bounds[:-1], bounds[1:])
        for pair in candidate_pairs_in(index, range(a, b), gap=20, min_seeds=5)
    ]
    assert whole and split == whole


def _blocked_without_spark(
    left: list, right: list | None, size: int, budget: int, parts: int, order: random.Random
) -> list[tuple[int, int]]:
    """The Spark blocking's partition functions, with its two shuffles done by dicts and each
    bucket's blocks arriving in any order (as they do from a cluster's executors)."""
    pieces = spark_texts.text_parts(left, right, parts)
    counts = [spark_candidates.part_counts(piece, 20, size) for piece in pieces]
    admitted = spark_candidates.admitted(
        functools.reduce(spark_candidates.add_counts, counts), right is None, budget, size
    )
    buckets: dict[int, list] = {}
    for piece in pieces:
        for bucket, block in spark_candidates.part_postings(piece, 20, admitted, parts):
            buckets.setdefault(bucket, []).append(block)
    ranges: dict[int, list] = {}
    for blocks in buckets.values():
        order.shuffle(blocks)
        for number, seeds in spark_candidates.bucket_seeds(
            blocks, size, admitted, right is None, parts
        ):
            ranges.setdefault(number, []).append(seeds)
    return sorted(
        pair for found in ranges.values() for pair in spark_candidates.range_pairs(found, 20, 5)
    )


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=7),
    st.sampled_from([300, 3_000, 100_000]),
    st.integers(min_value=0, max_value=39),
    st.integers(min_value=0, max_value=2**32),
)
def test_blocking_on_spark_gives_the_local_index_pairs(
    parts: int, budget: int, cut: int, seed: int
) -> None:
    # The same stems admitted, each pair's seeds brought together whatever partition made
    # them: the pairs of the local index, for any number of partitions, either join.
    texts = [line for text in seed_texts() for line in text.split("\n\n") if line.strip()][:40]
    vocabulary = Vocabulary()
    docs = [vocabulary.tokens(text) for text in texts]
    size = len(vocabulary)
    found = []
    for left, right in ((docs, None), (docs[:cut], docs[cut:])):
        index = seed_index(left, right, size, budget=budget, max_per_doc=20)
        local = candidate_pairs_in(index, None, gap=20, min_seeds=5)
        blocked = _blocked_without_spark(left, right, size, budget, parts, random.Random(seed))
        assert blocked == local
        found.append(local)
    assert budget < 100_000 or found[0]  # the whole index finds pairs among the seed texts


@functools.cache
def _aligned_piles() -> list[tuple[list, list, int, np.ndarray, list, list]]:
    """The seed texts' paragraphs as one pile and as two, with their candidate pairs and
    those pairs' passages aligned over the whole piles."""
    texts = [line for text in seed_texts() for line in text.split("\n\n") if line.strip()]
    vocabulary = Vocabulary()
    docs = [vocabulary.tokens(text) for text in texts]
    size, config = len(vocabulary), Config()
    found = []
    for left, right in ((docs, docs), (docs[:30], docs[30:])):
        pairs = candidate_pairs(left, None if left is right else right, size, config)
        common = common_stems(left, right, size, config.align.max_df)
        whole = align_pairs(left, right, pairs, size, config.align, common=common)
        found.append((left, right, size, common, pairs, whole))
    return found


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=2**32))
def test_chunks_joined_with_their_texts_align_as_the_whole_pile(parts: int, seed: int) -> None:
    # Spark's alignment sees a chunk's pairs and just their texts, delivered by a join in any
    # order: renumbered, its passages are those of the whole pile (one pile or two).
    order = random.Random(seed)
    for left, right, size, common, pairs, whole in _aligned_piles():
        one_pile = left is right
        chunks = [pairs[r.start : r.stop] for r in balanced_ranges([1.0] * len(pairs), parts)]
        pieces = spark_texts.text_parts(left, right, 3)
        by_key = {key: doc for piece in pieces for key, doc in spark_texts.keyed(piece)}
        delivered = {n: [(n, ("payload", chunk))] for n, chunk in enumerate(chunks)}
        for key, number in spark_align.requests(chunks, one_pile):
            delivered[number].append((number, ("text", (key, by_key[key]))))
        found = []
        for number in range(len(chunks)):
            order.shuffle(delivered[number])
            shared = (size, Config().align, common)
            found += spark_align.align_chunk(delivered[number], shared, one_pile)
        assert whole and found == whole


def _components_without_spark(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """spark_stories' large-star / small-star rounds, their shuffles done by dicts."""

    def grouped(edges: set[tuple[int, int]]) -> list[tuple[int, list[int]]]:
        around: dict[int, list[int]] = {}
        for a, b in edges:
            around.setdefault(a, []).append(b)
            around.setdefault(b, []).append(a)
        return list(around.items())

    edges = set(pairs)
    while True:
        larger = {e for item in grouped(edges) for e in spark_stories.large_star(item)}
        smaller = {e for item in grouped(larger) for e in spark_stories.small_star(item)}
        settled, edges = smaller == edges, smaller
        if settled:
            return {a: b for a, b in edges} | {b: b for _, b in edges}


@settings(max_examples=60, deadline=None)
@given(
    story_graphs(30, 80)[0],
    st.sampled_from([0.2, 0.25, 0.5]),
    story_graphs(30, 80)[1],
    story_graphs(30, 80)[2],
)
def test_stories_grouped_by_components_are_the_groups_of_the_whole_graph(
    weighted: list[tuple[int, int, float]],
    threshold: float,
    days: dict[int, tuple[int, ...]],
    apart: set[tuple[int, int]],
) -> None:
    # The components (as Spark finds them) of the pairs at the threshold, each grouped alone
    # with its own pairs and its articles' reported days: the groups of average linkage over
    # the whole graph.
    similarity = {(min(a, b), max(a, b)): value for a, b, value in weighted if a != b}
    strong = [pair for pair, value in similarity.items() if value >= threshold]
    label = _components_without_spark(strong)
    graph = nx.Graph(strong)
    for component in nx.connected_components(graph):
        assert {label[k] for k in component} == {min(component)}
    by_component: dict[int, list] = {}
    for place, ((i, j), value) in enumerate(similarity.items()):
        if i in label and j in label and label[i] == label[j]:
            by_component.setdefault(label[i], []).append(
                (i, j, value, place, days.get(i, ()), days.get(j, ()))
            )
    never: dict[int, list[tuple[int, int]]] = {}
    for i, j in apart:
        if i in label and j in label and label[i] == label[j]:
            never.setdefault(label[i], []).append((i, j))
    groups = [
        group
        for key, edges in by_component.items()
        for group in spark_stories.group_component(reversed(edges), threshold, never.get(key, []))
    ]
    groups += [[k] for k in range(30) if k not in label]
    groups.sort(key=lambda group: (-len(group), group[0]))
    assert groups == average_linkage(30, similarity, threshold, days, apart)


def _similarity_without_spark(
    docs: list, boost: np.ndarray, config: StoryConfig, parts: int, order: random.Random
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """spark_topical's partition functions, its shuffles done by dicts, each partition's
    deliveries in any order."""
    size, count = len(boost), len(docs)
    pieces = spark_texts.text_parts(docs, None, parts)
    terms = [(n, low, row_terms(d, size)) for n, (_, low, d) in enumerate(pieces)]
    present = [spark_topical.present_counts(t[2][0]) for t in terms]
    df = spark_candidates.dense(functools.reduce(spark_candidates.sparse_sum, present), size)[0]
    idf, admitted = inverse_frequency(df, count), admitted_terms(df, count, config)
    rows = [(n, low, spark_topical.weighed(t, idf, boost)) for n, low, t in terms]

    def products(matrices: list, least: float) -> tuple[np.ndarray, np.ndarray]:
        buckets: dict[int, list] = {}
        for part in matrices:
            for bucket, item in spark_topical.column_entries(part, parts):
                buckets.setdefault(bucket, []).append(item)
        delivered: dict[int, list] = {n: [(n, ("rows", (low, m)))] for n, low, m in matrices}
        for items in buckets.values():
            order.shuffle(items)
            for n, item in spark_topical.answered(items):
                delivered[n].append((n, item))
        found = []
        for items in delivered.values():
            order.shuffle(items)
            found += spark_topical.part_products(items, count, least)
        return tuple(
            np.concatenate([np.zeros(0, np.int64), *(f[k] for f in found)]) for k in (0, 1)
        )

    first = products([(n, low, m[:, admitted]) for n, low, m in rows], config.min_partial)
    heavy = [(n, low, m.shape[0], heaviest_terms(m, config.top_terms)) for n, low, m in rows]
    used = [spark_topical.present_counts(h[3][1]) for h in heavy]
    frequent = spark_candidates.dense(functools.reduce(spark_candidates.sparse_sum, used), size)[0]
    top = [
        (n, low, top_matrix(h[0], h[1], frequent > config.top_max_docs, (k, size)))
        for n, low, k, h in heavy
    ]
    pairs = union_pairs(first, products(top, config.top_shared))
    values = []
    for chunk in balanced_ranges(np.ones(len(pairs[0])), parts * 2):
        a, b = pairs[0][chunk.start : chunk.stop], pairs[1][chunk.start : chunk.stop]
        items: list = [(0, ("payload", ((a, b), size)))]
        needed = np.union1d(a, b)
        for _, low, m in rows:  # each partition's block of the rows the chunk needs
            ids = needed[(needed >= low) & (needed < low + m.shape[0])].astype(np.int64)
            if len(ids):
                items.append((0, ("rows", (ids, m.sorted_indices()[ids - low]))))
        order.shuffle(items)
        values.append(spark_topical.chunk_cosines(items))
    cosine = np.concatenate([np.zeros(0), *values])
    keep = cosine >= config.min_pair
    return pairs[0][keep], pairs[1][keep], cosine[keep]


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=2**32))
def test_topical_similarity_by_partitions_is_the_drivers_bit_for_bit(parts: int, seed: int) -> None:
    # TF-IDF rows by partition, products by columns delivered in any order, cosines by
    # chunks of pairs with their rows: the driver's pairs and cosines, to the last bit.
    docs, boost, config, whole = _topical_reference()
    found = _similarity_without_spark(docs, boost, config, parts, random.Random(seed))
    assert len(whole[0]) > 20
    for got, want in zip(found, whole, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)


@functools.cache
def _topical_reference() -> tuple[list, np.ndarray, StoryConfig, tuple]:
    texts = [line for text in seed_texts() for line in text.split("\n\n") if line.strip()]
    vocabulary = Vocabulary()
    docs = [vocabulary.tokens(text) for text in texts]
    config = Config().stories
    boost = term_weights(vocabulary, config)
    whole = topical_similarity(tfidf(docs, len(boost), boost, config), config)
    return docs, boost, config, whole


def test_a_chunk_repeated_gives_the_same_tokens() -> None:
    # A retried Spark task, or a chunk a worker sees after others, must not depend on history.
    texts = seed_texts()
    first = tokenize_chunk(texts[:2])
    tokenize_chunk(texts[2:])
    again = tokenize_chunk(texts[:2])
    assert first.stems == again.stems
    assert np.array_equal(first.ids, again.ids)


def test_local_backend_runs_chunks_in_order_on_several_processes() -> None:
    backend = LocalBackend(2)
    seen: list[tuple[int, int]] = []
    chunks = [range(k, k + 3) for k in range(8)]
    found = backend.run(_pid_and_sum, 10, chunks, lambda done, total: seen.append((done, total)))
    assert [total for total, _ in found] == [10 + 3 * k + 3 for k in range(8)]
    assert os.getpid() not in {pid for _, pid in found}
    assert seen[-1] == (8, 8)


def _pid_and_sum(shared: int, chunk: range) -> tuple[int, int]:
    return shared + 3 * chunk.start + len(chunk), os.getpid()


def test_a_started_job_runs_while_the_caller_works() -> None:
    backend = LocalBackend(2)
    chunks = [range(k, k + 3) for k in range(6)]
    pending = backend.start(_pid_and_sum, 10, chunks, 1)
    meanwhile = sum(range(100_000))  # the caller's own stage
    found = pending.result()
    assert meanwhile == 4_999_950_000
    assert [total for total, _ in found] == [10 + 3 * k + 3 for k in range(6)]
    assert len({pid for _, pid in found}) == 1 and os.getpid() not in {pid for _, pid in found}
    # One core: no worker to spare, the chunks run at once, here.
    here = LocalBackend(1).start(_pid_and_sum, 10, chunks, 1).result()
    assert {pid for _, pid in here} == {os.getpid()}


def test_a_started_job_hands_each_chunk_over_as_it_is_done() -> None:
    # The caller works on the first chunks while the workers finish the rest (pipeline.trace
    # describes aligned pairs so): every chunk comes once, numbered, whatever the order.
    chunks = [range(k, k + 3) for k in range(7)]
    for backend in (LocalBackend(2), LocalBackend(1)):
        got = dict(backend.start(_pid_and_sum, 10, chunks, 2).each())
        assert sorted(got) == list(range(7))
        assert [got[k][0] for k in range(7)] == [10 + 3 * k + 3 for k in range(7)]


def test_formula_pairs_are_the_same_on_several_cores() -> None:
    # The formula test judges each pair on its own: cut among workers, the same set.
    day = saudinewsnet_day(1500, outlet_field="source", date_field="date_extracted")
    dates, tokens, passages, shares, boost = formula_case(clean_articles(day).articles)
    config = Config()
    one = formula_pairs(dates, tokens, passages, shares, boost, config.stories)
    two = tasks.formula_parallel(
        dates, tokens, passages, shares, boost, config.stories, open_backend("local", 2)
    )
    assert one and one != set(passages) and one == two
    # As Spark judges them: chunks of the pairs the test looks at, each with its payload and
    # just its texts, in any order.
    inputs = formula_inputs(dates, tokens, passages, shares, boost)
    looked_at = [pair for pair in passages if may_be_formula(inputs, pair, config.stories)]
    by_key = {(0, k): doc for k, doc in enumerate(tokens)}
    joined: set[tuple[int, int]] = set()
    order = random.Random(7)
    for r in balanced_ranges([1.0] * len(looked_at), 5):
        chunk = looked_at[r.start : r.stop]
        payload = (
            chunk,
            [passages[pair] for pair in chunk],
            [shares[pair] for pair in chunk],
            [(inputs.days[a], inputs.days[b]) for a, b in chunk],
        )
        items = [(0, ("payload", payload))]
        items += [
            (0, ("text", (key, by_key[key]))) for key, _ in spark_align.requests([chunk], True)
        ]
        order.shuffle(items)
        joined.update(spark_stories.formula_chunk(items, (inputs.weight, config.stories), True))
    assert joined == one


def test_a_failing_chunk_raises_in_the_caller() -> None:
    with pytest.raises(ZeroDivisionError):
        LocalBackend(2).run(_divide, 1, [0, 1, 0])


def _divide(shared: int, chunk: int) -> float:
    return shared / chunk


def test_a_worker_that_dies_is_one_clear_error() -> None:
    with pytest.raises(BackendFailed, match="a worker process died during _die"):
        LocalBackend(2).run(_die, None, [1, 2, 3])


def _die(shared: None, chunk: int) -> int:
    if chunk == 2:
        os._exit(9)  # what the kernel's OOM killer leaves behind
    return chunk


@pytest.mark.parametrize("jobs", [2, 4])
def test_the_seed_trace_is_the_same_on_several_cores(jobs: int) -> None:
    articles = read_articles([str(EXAMPLE)], ReadOptions()).articles
    assert trace_json(articles, open_backend("local", jobs)) == trace_json(articles, None)


def test_the_align_bar_counts_every_pair_on_several_cores() -> None:
    # Most pairs are aligned while similarity runs (pipeline.trace): the bar still counts them.
    articles = read_articles([str(EXAMPLE)], ReadOptions()).articles
    told: dict[str | None, list[tuple[int, int]]] = {None: [], "local": []}
    for backend in (None, open_backend("local", 2)):

        def progress(
            stage: str, done: int, total: int, seen: list = told[backend and backend.name]
        ) -> None:
            if stage == "align":
                seen.append((done, total))

        trace(articles, cleaning=CleanConfig(), backend=backend, progress=progress)
    one, two = told[None], told["local"]
    assert one and two and one[-1][0] == one[-1][1] == two[-1][0] == two[-1][1]
    assert all(b[0] >= a[0] and b[1] == a[1] for a, b in zip(two, two[1:]))


def test_a_saudinewsnet_day_is_the_same_on_several_cores() -> None:
    articles = saudinewsnet_day(600, outlet_field="source", date_field="date_extracted")
    config = Config()
    one = to_json(trace(articles, config, cleaning=CleanConfig()))
    two = to_json(trace(articles, config, cleaning=CleanConfig(), backend=open_backend("local", 2)))
    one.pop("timings"), two.pop("timings")
    assert one["alignments"] and one == two


def test_roundup_pages_read_by_several_workers_are_cut_as_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each block of pages is read against the whole pile alone: blocks of a few pages, read
    # by two workers, find the runs one process finds reading them in turn.
    from naql.stories import roundups, stage

    blocks, runs = roundups.RunsPile.blocks, stage.page_runs
    read: list[list[list[int]]] = []
    found: list[dict[int, list[roundups.Run]]] = []

    def counted(pile: roundups.RunsPile) -> list[list[int]]:
        read.append(blocks(pile))
        return read[-1]

    def kept(*arguments: Any) -> dict[int, list[roundups.Run]]:
        found.append(runs(*arguments))
        return found[-1]

    monkeypatch.setattr(roundups, "RUNS_BLOCK", 8)
    monkeypatch.setattr(roundups.RunsPile, "blocks", counted)
    monkeypatch.setattr(stage, "page_runs", kept)
    articles = saudinewsnet_day(1500, outlet_field="source", date_field="date_extracted")
    config = Config()
    one = to_json(trace(articles, config, cleaning=CleanConfig()))
    two = to_json(trace(articles, config, cleaning=CleanConfig(), backend=open_backend("local", 2)))
    one.pop("timings"), two.pop("timings")
    assert read[0] == read[1] and len(read[1]) > 2
    # The pages that hold runs lie in several blocks: each worker's blocks count.
    assert len({k for k, pages in enumerate(read[1]) for page in found[1] if page in pages}) > 1
    assert found[0] == found[1] and one == two


def test_chunks_sent_alone_are_traced_as_with_the_whole_trace() -> None:
    # Where workers do not share the driver's memory (Spark), each chunk of texts to tokenise
    # or read credits from goes out alone, and each story with only its own members' articles,
    # tokens and credits: the same trace.
    articles = saudinewsnet_day(600, outlet_field="source")
    alone = open_backend("local", 2)
    alone.shares_inputs = False  # type: ignore[misc]
    one = to_json(trace(articles, cleaning=CleanConfig()))
    two = to_json(trace(articles, cleaning=CleanConfig(), backend=alone))
    one.pop("timings"), two.pop("timings")
    assert sum(len(s["articles"]) > 1 for s in one["stories"]) > 20 and one == two


def test_an_exara_slice_aligns_the_same_on_several_cores(tmp_path: Path) -> None:
    suspicious, source = exara_slice(tmp_path)
    one = pan.align_pan(str(suspicious), str(source), str(tmp_path / "one"))
    two = pan.align_pan(
        str(suspicious), str(source), str(tmp_path / "two"), backend=open_backend("local", 2)
    )
    assert one.detections > 0 and one.detections == two.detections
    assert exara_detections(tmp_path / "one") == exara_detections(tmp_path / "two")


def test_unknown_backends_and_job_counts_are_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError, match="choose one of local, spark"):
        check("dask")
    with pytest.raises(ConfigError, match="--jobs must be 1 or more"):
        open_backend("local", 0)


def test_spark_without_java_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'naql[spark]')")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackendUnavailable, match="Java 17"):
        check("spark")


def test_trace_writes_its_tables_as_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from naql.cli import main

    out, trace_json = tmp_path / "tables", tmp_path / "trace.json"
    assert (
        main(["trace", str(EXAMPLE), "--json", str(trace_json), "--parquet", str(out), "-q"]) == 0
    )
    found = json.loads(trace_json.read_text(encoding="utf-8"))
    rows = {path.stem: pq.read_table(path).num_rows for path in out.glob("*.parquet")}
    assert rows["articles"] == len(found["articles"]) == 6
    assert rows["stories"] == len(found["stories"])
    assert rows["alignments"] == len(found["alignments"])
    assert rows["passages"] == sum(len(a["passages"]) for a in found["alignments"])
    assert rows["credits"] == len(found["attributions"])
    stories = pq.read_table(out / "stories.parquet").to_pylist()
    assert {s["id"]: s["size"] for s in stories} == {
        s["id"]: len(s["articles"]) for s in found["stories"]
    }


def test_parquet_into_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from naql.cli import main

    assert main(["trace", str(EXAMPLE), "--parquet", str(tmp_path / "no" / "such"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("naql: --parquet") and "does not exist" in err
    assert len(err.strip().splitlines()) == 1


_KILLED_PARENT = """
import sys, time
from naql.backends.local import LocalBackend

def slow(shared, chunk):
    time.sleep(120)

if __name__ == "__main__":
    running = LocalBackend(2).start(slow, None, [1, 2], 2)
    print(" ".join(str(pid) for pid in running.pool._processes), flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """SIGKILL runs no clean-up: the workers must notice their parent is gone and end, or
    they hold its stdout and stderr open for ever (a killed ``naql index add`` hung the test
    that reads its output)."""
    import signal
    import time

    script = tmp_path / "parent.py"
    script.write_text(_KILLED_PARENT, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.communicate(timeout=30)  # both pipes reach their end: no worker holds them

    def alive(pid: int) -> bool:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        return "State:\tZ" not in status  # a zombie has ended

    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(alive, workers))


class _SendingBackend:
    """Runs each chunk here, as a backend that sends every task its own inputs would."""

    name, workers, shares_inputs = "sending", 2, False

    def __init__(self) -> None:
        self.sent: list[int] = []

    def run(self, task, shared, chunks, progress=None):  # type: ignore[no-untyped-def]
        self.sent.extend(sum(len(text) for text in chunk) for chunk in chunks)
        return [task(shared, chunk) for chunk in chunks]


def test_a_tokenise_task_carries_a_bounded_share_of_the_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Where tasks travel with their texts (Spark), a large pile is cut into more chunks than
    # workers, each under the cap, and the tokens and ids are those of one process.
    from naql.backends import tasks

    texts = [a.text for a in saudinewsnet_day(300)]
    cap = sum(map(len, texts)) // 7
    monkeypatch.setattr(tasks, "TEXT_PER_TASK", cap)
    backend = _SendingBackend()
    vocabulary = Vocabulary()
    sent = tasks.tokenize_parallel(texts, vocabulary, backend)  # type: ignore[arg-type]
    assert len(backend.sent) >= 7 and max(backend.sent) <= cap + max(map(len, texts))
    alone = Vocabulary()
    one = alone.tokens_of(texts)
    assert vocabulary.stems == alone.stems
    assert all(
        np.array_equal(a.ids, b.ids) and np.array_equal(a.starts, b.starts)
        for a, b in zip(sent, one)
    )


def test_stories_sent_alone_leave_what_they_share_to_one_broadcast() -> None:
    # The gazetteer and the vocabulary's figures are the same for every story: sent with each
    # chunk of stories, they were 2.2 of a 4.6 MB task on SaudiNewsNet. They go once, as the
    # job's shared input, and the stories are traced as with them.
    from naql.backends import Done

    class Recording(_SendingBackend):
        def __init__(self) -> None:
            super().__init__()
            self.jobs: list[tuple[str, Any, list[Any]]] = []

        def run(self, task, shared, chunks, progress=None):  # type: ignore[no-untyped-def]
            self.jobs.append((task.__name__, shared, list(chunks)))
            return [task(shared, chunk) for chunk in chunks]

        def start(self, task, shared, chunks, workers):  # type: ignore[no-untyped-def]
            return Done(self.run(task, shared, chunks))

    articles = saudinewsnet_day(300, outlet_field="source")
    backend = Recording()
    sent = to_json(trace(articles, cleaning=CleanConfig(), backend=backend))  # type: ignore[arg-type]
    one = to_json(trace(articles, cleaning=CleanConfig()))
    sent.pop("timings"), one.pop("timings")
    assert sent == one
    [(_, shared, chunks)] = [job for job in backend.jobs if job[0] == "stories_alone_task"]
    gazetteer, figures, is_figure, calendar = shared
    assert len(gazetteer.outlets) > 50 and len(figures) == len(is_figure) == len(calendar) > 1000
    stories = [story for chunk in chunks for story in chunk]
    assert len(stories) == len(one["stories"])
    assert all(not s.gazetteer.outlets and not len(s.figures) for s in stories)
