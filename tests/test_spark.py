"""The Spark backend in local mode (and on a local cluster of its own): each stage it runs gives
the local backend's result. Skipped, saying why, without pyspark or Java."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from backend_cases import (
    exara_detections,
    exara_slice,
    formula_case,
    saudinewsnet_day,
    tokenized_pile,
    trace_json,
)
from conftest import EXAMPLE, needs_spark

from naql import pan
from naql.backends import Backend, cleaning, open_backend, tasks
from naql.candidates import candidate_pairs_in, seed_index
from naql.clean import CleanConfig, clean_articles
from naql.config import Config
from naql.ingest import ReadOptions, read_articles
from naql.pipeline import trace
from naql.records import Article, to_json
from naql.stories import formula_pairs
from naql.stories.topical import term_weights, tfidf, topical_similarity
from naql.text import Vocabulary

pytestmark = pytest.mark.heavy(230)

T = TypeVar("T")


@pytest.fixture(scope="module")
def spark() -> Iterator[Backend]:
    needs_spark()
    backend = open_backend("spark", 2, "local[2]")
    yield backend
    backend.close()


def test_spark_runs_the_formula_test_as_the_driver(spark: Backend) -> None:
    # Over the driver's limit, the formula test runs on Spark, each chunk of pairs joined
    # with its texts: the same formula pairs.
    dates, tokens, passages, shares, boost = formula_case(saudinewsnet_day(800))
    config = Config()
    one = formula_pairs(dates, tokens, passages, shares, boost, config.stories)
    limit = spark.driver_edges  # type: ignore[attr-defined]
    try:
        spark.driver_edges = 0  # type: ignore[attr-defined]
        on_spark = tasks.formula_parallel(
            dates, tokens, passages, shares, boost, config.stories, spark
        )
    finally:
        spark.driver_edges = limit  # type: ignore[attr-defined]
    assert one and one != set(passages) and on_spark == one


def test_spark_local_mode_gives_the_local_seed_trace(spark: Backend) -> None:
    articles = read_articles([str(EXAMPLE)], ReadOptions()).articles
    assert spark.workers == 2
    assert trace_json(articles, spark) == trace_json(articles, open_backend("local", 2))


def test_spark_executors_read_the_pages_as_one_process(spark: Backend, tmp_path: Path) -> None:
    # The files of a walk (real news pages through trafilatura, the example with its
    # sidecar, a relative path, a missing one) read by the executors, put back in order.
    shutil.copytree(EXAMPLE, tmp_path / "haftar")
    shutil.copytree(Path(__file__).parent / "data" / "ingest" / "real", tmp_path / "pages")
    inputs = [str(tmp_path), str(tmp_path / "missing"), str(tmp_path / "haftar" / "README.md")]
    one = read_articles(inputs)
    on_spark = read_articles(inputs, backend=spark)
    assert len(one.articles) >= 10 and one.problems and one.skipped
    assert on_spark.articles == one.articles
    assert on_spark.problems == one.problems
    assert list(on_spark.skipped.items()) == list(one.skipped.items())
    # Named by URL, as on a cluster (s3://, hdfs://): the executors open them the same way.
    url = f"file://{tmp_path}/pages"
    by_url = read_articles([url], backend=spark)
    pages = read_articles([str(tmp_path / "pages")]).articles
    assert len(pages) >= 5 and [a.path.replace(url, "") for a in by_url.articles] == [
        a.path.replace(str(tmp_path / "pages"), "") for a in pages
    ]
    assert [(a.id, a.text, a.title) for a in by_url.articles] == [
        (a.id, a.text, a.title) for a in pages
    ]


def test_spark_cleans_a_saudinewsnet_day_where_it_sent_the_pages(
    spark: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pages go out once and are read three times where they are (sign-off votes, short
    # lines, the pages cleaned): the batch cleaned by one process. The cleaned texts stay
    # there for the tokenise job, which sends none out again.
    pages = saudinewsnet_day(2888, outlet_field="source")[::2]
    one = clean_articles(pages, CleanConfig())
    sent = _parallelized(spark, monkeypatch)
    try:
        on_spark = cleaning.clean_parallel(pages, CleanConfig(), spark)
        texts = [a.text for a in on_spark.articles]
        tokens = tasks.tokenize_parallel(texts, Vocabulary(), spark)
    finally:
        spark.texts.drop()  # type: ignore[attr-defined]
        spark.drop_tokenised()  # type: ignore[attr-defined]
    assert one.dropped["outlet sign-off"] and one.dropped["frequent in outlet"]
    assert on_spark.articles == one.articles and on_spark.sources == one.sources
    assert list(on_spark.dropped.items()) == list(one.dropped.items())
    alone, _ = tokenized_pile(on_spark.articles)
    assert len(tokens) == len(alone) and all(
        np.array_equal(a.ids, b.ids) and np.array_equal(a.starts, b.starts)
        for a, b in zip(tokens, alone)
    )
    went = [article for data in sent for article in _articles_in(data)]
    assert len(went) == len(pages)  # the pages, once
    assert not {text for data in sent for text in _held(data, str)} & set(texts)


def test_spark_brings_back_only_the_lines_that_may_be_chrome(spark: Backend) -> None:
    # Shuffled by line on the executors: the driver receives the holders of the lines on
    # enough pages to reach a bar, not the long tail (a headline each), and they are the
    # whole batch's holders of those lines.
    from naql.clean import chunk_lines

    pages = saudinewsnet_day(2888, outlet_field="source")[::2]
    config = CleanConfig()
    sign_offs = frozenset({("alweeam", "رابط الخبر بصحيفة الوئام:")})
    kept = spark.keep([(0, pages[:500]), (500, pages[500:900]), (900, pages[900:])])  # type: ignore[attr-defined]
    try:
        holders = spark.line_holders_kept(kept, ("lines", sign_offs, config), 5)  # type: ignore[attr-defined]
    finally:
        kept.unpersist()
    whole = chunk_lines(pages, sign_offs, config, 0)
    assert holders == {key: found for key, found in whole.items() if len(found) >= 5}
    assert 0 < len(holders) < len(whole) / 20


def test_spark_blocks_a_saudinewsnet_day_into_the_local_index_pairs(spark: Backend) -> None:
    # Two shuffles on Spark, no index broadcast: the pairs of the local index, self-join and
    # left/right (the index's and PAN mode's) alike.
    docs, vocabulary = tokenized_pile(saudinewsnet_day(800))
    settings = Config().candidates
    for left, right in ((docs, None), (docs[:500], docs[500:])):
        budget = settings.budget(len(docs))
        index = seed_index(left, right, len(vocabulary), budget=budget, max_per_doc=20)
        local = candidate_pairs_in(index, None, gap=settings.gap, min_seeds=settings.min_seeds)
        on_spark = spark.candidate_pairs(left, right, len(vocabulary), settings, budget)  # type: ignore[attr-defined]
        assert len(local) > 50 and on_spark == local


def test_spark_texts_go_out_once_not_with_every_task(spark: Backend) -> None:
    # A parallelized RDD's partitions carry their data, and every task over it or an RDD
    # derived from it carries it again: the texts must be cut from that lineage once computed.
    docs, _ = tokenized_pile(saudinewsnet_day(200))
    texts = spark.texts  # type: ignore[attr-defined]
    parts = texts.partitioned(docs, None)
    assert parts.isLocallyCheckpointed()
    for rdd in (parts, texts.by_text(docs, None)):
        lineage = rdd.toDebugString().decode()
        assert "LocalCheckpointRDD" in lineage
    assert sum(len(part[2]) for part in parts.collect()) == len(docs)
    texts.drop()


def test_spark_topical_similarity_is_the_drivers_on_a_saudinewsnet_day(spark: Backend) -> None:
    docs, vocabulary = tokenized_pile(saudinewsnet_day(1000))
    config = Config().stories
    boost = term_weights(vocabulary, config)
    whole = topical_similarity(tfidf(docs, len(boost), boost, config), config)
    found = spark.topical_similarity(docs, boost, config)  # type: ignore[attr-defined]
    assert len(whole[0]) > 1000
    for got, want in zip(found, whole, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_spark_groups_stories_by_connected_components_as_the_driver(spark: Backend) -> None:
    # A story graph over the driver's limit is grouped a component at a time on Spark, and
    # texts over the broadcast limit are joined with their pairs: the whole trace of a
    # SaudiNewsNet day is the same.
    articles = saudinewsnet_day(300, outlet_field="source")
    limits = spark.driver_edges, spark.broadcast_texts  # type: ignore[attr-defined]
    try:
        spark.driver_edges = spark.broadcast_texts = 0  # type: ignore[attr-defined]
        by_components = to_json(trace(articles, cleaning=CleanConfig(), backend=spark))
    finally:
        spark.driver_edges, spark.broadcast_texts = limits  # type: ignore[attr-defined]
    in_driver = to_json(trace(articles, cleaning=CleanConfig()))
    by_components.pop("timings"), in_driver.pop("timings")
    assert sum(len(s["articles"]) > 1 for s in in_driver["stories"]) > 10
    assert by_components == in_driver


@pytest.mark.parametrize("broadcast", [True, False])
def test_spark_local_mode_aligns_an_exara_slice_as_one_core(
    spark: Backend, tmp_path: Path, broadcast: bool
) -> None:
    # Suspicious and source texts as two piles, broadcast or joined with their pairs.
    suspicious, source = exara_slice(tmp_path)
    one = pan.align_pan(str(suspicious), str(source), str(tmp_path / "one"))
    limit = spark.broadcast_texts  # type: ignore[attr-defined]
    try:
        spark.broadcast_texts = limit if broadcast else 0  # type: ignore[attr-defined]
        on_spark = pan.align_pan(
            str(suspicious), str(source), str(tmp_path / "spark"), backend=spark
        )
    finally:
        spark.broadcast_texts = limit  # type: ignore[attr-defined]
    assert one.detections > 0 and on_spark.detections == one.detections
    assert exara_detections(tmp_path / "one") == exara_detections(tmp_path / "spark")


def test_spark_text_partitions_hold_a_bounded_share(spark: Backend) -> None:
    # A partition holds at most `spark.naql.tokensPerPartition` tokens: more partitions than
    # the shuffles' for a large pile, the same texts in order.
    docs, _ = tokenized_pile(saudinewsnet_day(200))
    texts = spark.texts  # type: ignore[attr-defined]
    cap = sum(len(doc) for doc in docs) // 9
    texts.drop()
    kept, texts.tokens_per_part = texts.tokens_per_part, cap
    try:
        parts = texts.partitioned(docs, None).collect()
        assert len(parts) >= 9 > spark.partitions  # type: ignore[attr-defined]
        assert max(sum(len(doc) for doc in part[2]) for part in parts) <= cap + max(map(len, docs))
        assert [len(doc) for part in parts for doc in part[2]] == [len(doc) for doc in docs]
    finally:
        texts.tokens_per_part = kept
        texts.drop()


def test_spark_tasks_of_a_few_texts_each_give_the_same_trace(
    spark: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tokenise, credits and stories cut into chunks of at most 1,000 characters of text: the
    # trace of the seed pile is the local backend's all the same.
    from naql.backends import tasks

    articles = read_articles([str(EXAMPLE)], ReadOptions()).articles
    local = trace_json(articles, open_backend("local", 2))
    monkeypatch.setattr(tasks, "TEXT_PER_TASK", 1000)
    assert trace_json(articles, spark) == local


_CLUSTER = """
import json, os, sys
from pyspark import SparkConf, SparkContext

from naql.backends import open_backend
from naql.clean import CleanConfig
from naql.ingest import ReadOptions, read_articles
from naql.pipeline import trace
from naql.records import to_json

example = sys.argv[1]
os.environ["PYSPARK_PYTHON"] = sys.executable  # as naql's backend does for a context it starts
# Two workers, each an executor in a JVM and Python processes of its own, as on a cluster;
# every stage sent through Spark's own paths: texts joined rather than broadcast, partitions
# of a few hundred tokens, the pairs described, the roundups' runs read and the story graph
# grouped by components on the executors.
conf = (
    SparkConf()
    .setMaster("local-cluster[2,1,1024]")
    .set("spark.naql.broadcastTexts", "0")
    .set("spark.naql.tokensPerPartition", "400")
    .set("spark.naql.stories.driverEdges", "0")
    .set("spark.naql.pairs.driverPairs", "0")
    .set("spark.naql.stories.driverPages", "0")
)
SparkContext.getOrCreate(conf)
spark = open_backend("spark", None, None)


def traced(articles, backend):
    found = to_json(trace(articles, cleaning=CleanConfig(), backend=backend))
    found.pop("timings")
    return json.dumps(found, sort_keys=True, ensure_ascii=False)


on_cluster = traced(read_articles([example], ReadOptions(), backend=spark).take(), spark)
spark.close()
alone = traced(read_articles([example], ReadOptions()).take(), None)
print(len(json.loads(alone)["articles"]), on_cluster == alone)
"""


def test_spark_executors_of_their_own_give_the_one_process_seed_trace() -> None:
    """On Spark's local cluster (executors in JVMs and Python processes of their own, as on
    a cluster, not threads of the driver's JVM as under ``local[…]``), with every stage on
    Spark's own paths, the seed pages read by the executors and traced give the one-process
    trace. A fresh process: one Spark context a process, and the module's is ``local[2]``."""
    needs_spark()
    done = subprocess.run(
        [sys.executable, "-c", _CLUSTER, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["6", "True"]
    # naql lets go of the texts it checkpointed locally once done with them; Spark warned
    # each time that they could not be recomputed (five lines a trace that told a user
    # nothing). Its other warnings stay.
    assert "locally checkpointed" not in done.stderr


def test_spark_tells_a_stages_progress_while_its_tasks_run(spark: Backend) -> None:
    # naql turns Spark's console bar off; without the status tracker a stage's bar stood
    # at 0 until the whole stage was done.
    def slow(pause: float, chunk: int) -> int:
        import time

        time.sleep(pause)
        return chunk

    told: list[tuple[int, int]] = []
    found = spark.run(slow, 0.6, list(range(8)), lambda done, total: told.append((done, total)))
    assert found == list(range(8))
    assert told[-1] == (8, 8) and any(0 < done < 8 for done, _ in told)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    assert spark.context.getLocalProperty("spark.jobGroup.id") is None  # type: ignore[attr-defined]


def test_spark_texts_are_built_where_they_were_tokenised(
    spark: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tokens come back to the driver once; the texts later stages read are built on the
    # executors from the tokenise job's results (its chunks' slices shuffled to the parts
    # they fall in), not sent out again: the same parts as the driver would send.
    from naql.backends import tasks
    from naql.backends.spark_texts import text_parts

    texts = [a.text for a in saudinewsnet_day(300)]
    monkeypatch.setattr(tasks, "TEXT_PER_TASK", sum(map(len, texts)) // 5)
    held = spark.texts  # type: ignore[attr-defined]
    kept = held.tokens_per_part
    vocabulary = Vocabulary()
    try:
        held.tokens_per_part = 20_000  # parts that straddle the tokenise chunks
        tokens = tasks.tokenize_parallel(texts, vocabulary, spark)
        assert held.piles is not None and held.piles[0] is tokens  # nothing left to send
        built = held.partitioned(tokens, None)
        assert built.isLocallyCheckpointed()
        found = built.collect()
        parts = max(held.partitions, -(-sum(len(t) for t in tokens) // held.tokens_per_part))
        expected = text_parts(tokens, None, parts)
        assert len(found) == len(expected) >= 7
        for (side, low, docs), (side_, low_, docs_) in zip(found, expected):
            assert (side, low, len(docs)) == (side_, low_, len(docs_))
            assert all(
                np.array_equal(a.ids, b.ids) and np.array_equal(a.stop, b.stop)
                for a, b in zip(docs, docs_)
            )
    finally:
        held.tokens_per_part = kept
        held.drop()
    alone = Vocabulary()
    assert [t.ids.tolist() for t in tokens] == [t.ids.tolist() for t in alone.tokens_of(texts)]


def test_spark_reads_credits_from_the_texts_it_tokenised(
    spark: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The texts go out to the executors once, for tokenising: the credits are read there
    # from them, only the rest of each article sent, and they are one process's credits.
    from naql.attribution import attributions
    from naql.backends import tasks
    from naql.outlets import load as load_gazetteer

    articles = saudinewsnet_day(300)
    texts = [a.text for a in articles]
    monkeypatch.setattr(tasks, "TEXT_PER_TASK", sum(map(len, texts)) // 5)
    gazetteer = load_gazetteer()
    try:
        tasks.tokenize_parallel(texts, Vocabulary(), spark)
        sent = _parallelized(spark, monkeypatch)
        credits = tasks.credits_of(tasks.credits_start(articles, gazetteer, spark, 2))
        # Another pile of as many texts is not read from these: its caller sends its own.
        others = [dataclasses.replace(a, text=a.text + " ") for a in articles]
        assert spark.credits_where_tokenised(others, gazetteer) is None  # type: ignore[attr-defined]
    finally:
        spark.texts.drop()  # type: ignore[attr-defined]
        spark.drop_tokenised()  # type: ignore[attr-defined]
    assert credits == attributions(articles, gazetteer) and len(credits) > 100
    went = list(_articles_in(sent))
    assert len(went) == len(articles) and not any(article.text for article in went)


def _parallelized(spark: Backend, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the driver hands Spark from now on (``SparkContext.parallelize``'s data)."""
    context = spark.context  # type: ignore[attr-defined]
    sent: list[Any] = []
    parallelize = context.parallelize

    def watched(data: Any, slices: int | None = None) -> Any:
        sent.append(data)
        return parallelize(data, slices)

    monkeypatch.setattr(context, "parallelize", watched)
    return sent


def _articles_in(data: Any) -> Iterator[Article]:
    """Every article inside ``data``: lists, tuples, dicts' values, stories' articles."""
    return _held(data, Article)


def _held(data: Any, kind: type[T]) -> Iterator[T]:
    """Every ``kind`` inside ``data``: lists, tuples, dicts' values, stories' articles."""
    if isinstance(data, kind):
        yield data
    elif isinstance(data, (list, tuple)):
        for item in data:
            yield from _held(item, kind)
    elif isinstance(data, dict):
        for item in data.values():
            yield from _held(item, kind)
    elif hasattr(data, "articles") and hasattr(data, "members"):
        yield from _held(data.articles, kind)


def test_spark_traces_stories_with_the_texts_where_they_were_tokenised(
    spark: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The driver sends the pages out once, to be cleaned, and the cleaned texts stay there to
    # be tokenised: the credits, the aligned pairs' records, the roundups' runs of lines and
    # the stories' provenance are worked out where they are, with the tokens rebuilt there,
    # offsets and all; what goes out with each story is the rest of its articles, with each
    # chunk of pairs its passages and its texts' ids, with each block of pages its share of
    # the pile. The same trace.
    from naql import pipeline
    from naql.backends import spark_kept, spark_runs, tasks

    articles = saudinewsnet_day(600, outlet_field="source")
    local = trace_json(articles, open_backend("local", 2))
    monkeypatch.setattr(spark, "broadcast_texts", 0)  # joined, however small the pile
    monkeypatch.setattr(spark, "driver_pairs", 0)  # described there, however few
    monkeypatch.setattr(spark, "driver_pages", 0)  # and the runs read there
    sent = _parallelized(spark, monkeypatch)
    traced: list[int] = []
    each = tasks.trace_each

    def counted(inputs: Any, backend: Any, progress: Any = None) -> Any:
        traced.append(len(inputs))
        return each(inputs, backend, progress)

    monkeypatch.setattr(tasks, "trace_each", counted)
    in_driver: list[int] = []
    on_spark: list[int] = []
    describe_here, describe_there = pipeline.describe_pairs, spark_kept.describe
    monkeypatch.setattr(
        pipeline,
        "describe_pairs",
        lambda shared, pairs: in_driver.append(len(pairs)) or describe_here(shared, pairs),
    )
    monkeypatch.setattr(
        spark_kept,
        "describe",
        lambda context, kept, shared, chunks: (
            on_spark.extend(map(len, chunks)) or describe_there(context, kept, shared, chunks)
        ),
    )
    runs_found: list[int] = []
    read_there = spark_runs.read_runs

    def read_runs(*args: Any) -> Any:
        found = read_there(*args)
        runs_found.extend(len(block) for block in found)
        return found

    monkeypatch.setattr(spark_runs, "read_runs", read_runs)
    # The driver never reads a block itself.
    monkeypatch.setattr(
        "naql.stories.roundups.RunsPile.runs",
        lambda *args: pytest.fail("a block of pages read in the driver"),
    )
    assert trace_json(articles, spark) == local
    pairs = len(json.loads(local)["alignments"])
    assert in_driver == [] and len(on_spark) > 1 and sum(on_spark) >= pairs > 100
    assert runs_found and sum(runs_found) >= 1  # a page of this day is cut at a run
    pages, *later = sent
    assert [page.id for page in _articles_in(pages)] == [a.id for a in articles]
    went = list(_articles_in(later))
    stories = json.loads(local)["stories"]
    assert traced == [len(stories)] and sum(len(s["articles"]) > 1 for s in stories) > 20
    # Then each article went out twice, text left behind: for its credits and with its story;
    # only a page's items cut out in the stories stage, which the tokenise job never saw,
    # carry their text (here a roundup's: naql.stories.roundups).
    assert len(went) >= 2 * len(articles)
    carried = [a for a in went if a.text and "~" not in a.id]
    assert all("item_of" in a.meta for a in carried) and len(carried) < len(articles) / 50
