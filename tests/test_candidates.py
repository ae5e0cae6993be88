"""The seed indexes (rare stems, phrases): postings, admission and pairs against naive models."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naql import arrays, candidates
from naql.text import Tokens

texts = st.lists(st.lists(st.tuples(st.integers(0, 12), st.booleans()), max_size=40), max_size=12)


def as_tokens(text: list[tuple[int, bool]]) -> Tokens:
    ids = np.array([stem for stem, _ in text], dtype=np.int32)
    stop = np.array([stop for _, stop in text], dtype=bool)
    offsets = np.arange(len(text), dtype=np.int32)
    return Tokens(ids, stop, offsets, offsets + 1)


def kept(docs: list[list[tuple[int, bool]]], max_per_doc: int) -> list[tuple[int, int, int]]:
    per_text = Counter((stem, d) for d, text in enumerate(docs) for stem, stop in text if not stop)
    return sorted(
        (stem, d, pos)
        for d, text in enumerate(docs)
        for pos, (stem, stop) in enumerate(text)
        if not stop and per_text[stem, d] <= max_per_doc
    )


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(1, 5), st.sets(st.integers(0, 12)), st.integers(1, 5))
def test_postings_are_the_kept_content_tokens_in_stem_text_position_order(
    docs: list[list[tuple[int, bool]]], max_per_doc: int, admitted: set[int], block: int
) -> None:
    tokens = [as_tokens(t) for t in docs]
    everything = candidates.content_postings(tokens, max_per_doc, block=block)
    assert everything.stem.dtype == everything.doc.dtype == everything.pos.dtype == np.int32
    got = list(zip(everything.stem.tolist(), everything.doc.tolist(), everything.pos.tolist()))
    assert got == kept(docs, max_per_doc)
    mask = np.isin(np.arange(13), sorted(admitted))
    some = candidates.content_postings(tokens, max_per_doc, mask, block)
    got = list(zip(some.stem.tolist(), some.doc.tolist(), some.pos.tolist()))
    assert got == [p for p in kept(docs, max_per_doc) if p[0] in admitted]
    # The counts the index admits stems by, taken without the postings.
    count, df = candidates.stem_counts(tokens, max_per_doc, 13, block)
    assert count.tolist() == np.bincount(everything.stem, minlength=13).tolist()
    assert df.tolist() == [
        len({d for s, d, _ in kept(docs, max_per_doc) if s == stem}) for stem in range(13)
    ]


@given(
    st.lists(st.integers(-(2**40), 2**40), max_size=200)
    | st.lists(st.integers(0, 5), max_size=200)
    | st.lists(st.integers(-(2**62), 2**62), max_size=50),
    st.sampled_from([np.int32, np.int64]),
)
@settings(max_examples=300)
def test_stable_order_is_the_stable_argsort(values: list[int], dtype: type) -> None:
    # Values sorted with their indices packed in, or (keys too wide) numpy's own argsort.
    keys = np.array(values, dtype=np.int64)
    if dtype is np.int32:
        keys = np.clip(keys, -(2**31), 2**31 - 1).astype(np.int32)
    order = arrays.stable_order(keys)
    assert order.dtype == np.int64
    assert order.tolist() == np.argsort(keys, kind="stable").tolist()


def naive_phrases(docs: list[list[tuple[int, bool]]], size: int) -> list[list[tuple[int, int]]]:
    """Per text, its (phrase key, token position of the first word): successive content words."""
    found = []
    for text in docs:
        content = [(pos, stem) for pos, (stem, stop) in enumerate(text) if not stop]
        found.append([(a * size + b, pos) for (pos, a), (_, b) in zip(content, content[1:])])
    return found


def naive_phrase_index(
    left: list[list[tuple[int, bool]]],
    right: list[list[tuple[int, bool]]] | None,
    budget: int,
    max_per_doc: int,
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """(phrase key, text, position) postings of the admitted phrases, each side: counts with
    max_per_doc, the rarest admitted first while their seeds stay within the budget, a phrase
    in one text only costing nothing, ties by key."""
    sides = [naive_phrases(left, 13)] + ([naive_phrases(right, 13)] if right is not None else [])
    kept_sides = []
    for side in sides:
        per_text = Counter((key, d) for d, text in enumerate(side) for key, _ in text)
        kept_sides.append(
            [
                (key, d, pos)
                for d, text in enumerate(side)
                for key, pos in text
                if per_text[key, d] <= max_per_doc
            ]
        )
    keys = sorted(
        {key for side in kept_sides for key, _, _ in side}
        | {key for side in sides for text in side for key, _ in text}
    )
    count = [Counter(key for key, _, _ in side) for side in kept_sides]
    lcount, rcount = count[0], count[-1]
    offset = len(left)
    df = Counter(
        key
        for key, _ in {(k, d + s * offset) for s, side in enumerate(kept_sides) for k, d, _ in side}
    )
    cost = {key: lcount[key] * rcount[key] if df[key] >= 2 else 0 for key in keys}
    spent, admitted = 0, set()
    for key in sorted(keys, key=lambda k: (df[k], k)):
        spent += cost[key]
        if spent <= budget and df[key] >= 2:
            admitted.add(key)
    postings = [sorted(p for p in side if p[0] in admitted) for side in kept_sides]
    return postings[0], postings[-1]


@settings(max_examples=200, deadline=None)
@given(
    texts,
    st.none() | texts,
    st.integers(0, 60),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_phrase_index_is_the_naive_one(
    left: list[list[tuple[int, bool]]],
    right: list[list[tuple[int, bool]]] | None,
    budget: int,
    max_per_doc: int,
    block: int,
) -> None:
    index = candidates.phrase_index(
        [as_tokens(t) for t in left],
        None if right is None else [as_tokens(t) for t in right],
        13,
        budget=budget,
        max_per_doc=max_per_doc,
        block=block,
    )
    want_left, want_right = naive_phrase_index(left, right, budget, max_per_doc)
    # The index numbers phrases densely in key order: map its ids back to keys to compare.
    keys = sorted(
        {
            k
            for side in [left] + ([right] if right else [])
            for text in naive_phrases(side, 13)
            for k, _ in text
        }
    )
    for postings, want in ((index.left, want_left), (index.right, want_right)):
        got = [
            (keys[s], d, p)
            for s, d, p in zip(postings.stem.tolist(), postings.doc.tolist(), postings.pos.tolist())
        ]
        assert got == want
    assert index.self_join == (right is None)


def test_phrases_find_a_passage_of_common_words_the_stems_leave_out() -> None:
    """Two texts share a passage whose every word is in most texts of the pile, in an order
    only they have: no stem of it is rare enough to index, every phrase of it is."""
    rng = np.random.default_rng(7)
    common = list(range(100, 160))  # each word in most texts, in random order
    pile = [[(int(w), False) for w in rng.permutation(common)] for _ in range(40)]
    passage = [(w, False) for w in common[::3] + common[1::3]]  # one order, two texts
    pile[3] = pile[3][:10] + passage + pile[3][10:]
    pile[29] = pile[29][:25] + passage
    tokens = [as_tokens(t) for t in pile]
    # Each of those words makes 40 x 40 seeds: a budget under that admits none of them.
    stems = candidates.seed_index(tokens, None, 200, budget=1_000, max_per_doc=20)
    assert not stems.admitted[100:160].any()
    assert candidates.candidate_pairs_in(stems, None, gap=20, min_seeds=5) == []
    phrases = candidates.phrase_index(tokens, None, 200, budget=20_000, max_per_doc=20)
    assert (3, 29) in candidates.candidate_pairs_in(phrases, None, gap=20, min_seeds=5)


SAUDINEWSNET = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "saudinewsnet"


@pytest.mark.skipif(not SAUDINEWSNET.exists(), reason="needs ../shared/corpus/saudinewsnet")
def test_phrases_find_a_re_run_of_common_words_on_a_real_day() -> None:
    """One SaudiNewsNet day: a road-security seizure report run by two sites, nearly word for
    word, in the common words of such reports. No rare stem of it clusters; its phrases do, and
    the aligner then finds the shared passage over most of both."""
    from naql.align import align_pairs
    from naql.clean import clean_articles
    from naql.config import CandidateConfig, Config
    from naql.ingest import ReadOptions, read_articles
    from naql.reuse import candidate_pairs, tokenize
    from naql.text import Vocabulary

    options = ReadOptions(
        text_field="content", outlet_field="source", date_field="date_extracted", id_field="url"
    )
    pages = read_articles([str(SAUDINEWSNET / "2015-08-06.zip")], options).articles
    articles = clean_articles(pages).articles
    vocabulary = Vocabulary("en")
    tokens = tokenize([a.text for a in articles], vocabulary)
    ids = [a.id for a in articles]
    pair = tuple(
        sorted(
            (
                ids.index(
                    "http://www.alweeam.com.sa/351018/أمن-طرق-مكة-يضبط-مواطن-بحوزته-600-حبة-كبتا/"
                ),
                ids.index("http://sabq.org/M3Dgde"),
            )
        )
    )
    without = candidate_pairs(tokens, None, len(vocabulary), Config())
    with_phrases = candidate_pairs(
        tokens, None, len(vocabulary), Config(candidates=CandidateConfig(phrases=True))
    )
    assert pair not in without
    assert pair in with_phrases
    assert set(without) <= set(with_phrases)
    passages = align_pairs(tokens, tokens, [pair], len(vocabulary), Config().align)
    covered = sum(p.i1 - p.i0 + 1 for p in passages) / len(tokens[pair[0]])
    assert covered > 0.8


def _clusters_sorting_everything(
    seeds: candidates.Seeds, gap: int, min_seeds: int, pair: np.ndarray | None, rounds: int = 6
) -> candidates.Clusters:
    """The gap clustering as first written: every round sorts every living seed, whether its
    group can still change or not. The fast version must give exactly its clusters."""
    from naql.candidates.clusters import _summarise, _with_first

    n = len(seeds)
    if pair is not None:
        label = pair.astype(np.int64)
    else:
        label = (seeds.left * (int(seeds.right.max()) + 1) + seeds.right).astype(np.int64)
    alive = np.arange(n)
    quiet = 0
    for round_number in range(rounds * 2):
        if not len(alive):
            break
        axis = seeds.i if round_number % 2 == 0 else seeds.j
        coordinate = axis[alive]
        order = np.argsort(label[alive] * (int(coordinate.max()) + 1) + coordinate, kind="stable")
        alive, coordinate = alive[order], coordinate[order]
        lab = label[alive]
        same = lab[1:] == lab[:-1]
        cut = np.diff(coordinate) > gap
        new_label = np.cumsum(_with_first(~same | cut)) - 1
        distinct = _with_first(
            (new_label[1:] != new_label[:-1]) | (coordinate[1:] != coordinate[:-1])
        )
        size = np.bincount(new_label[distinct], minlength=int(new_label[-1]) + 1)
        keep = size[new_label] >= min_seeds
        changed = bool((cut & same).any()) or not keep.all()
        alive = alive[keep]
        label[:] = -1
        label[alive] = new_label[keep]
        quiet = 0 if changed else quiet + 1
        if quiet >= 2:
            break
    return _summarise(seeds, label, alive)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 80), st.integers(0, 80)),
        min_size=1,
        max_size=300,
    ),
    st.integers(1, 12),
    st.integers(1, 6),
    st.booleans(),
)
def test_gap_clustering_equals_sorting_every_seed_every_round(
    found: list[tuple[int, int, int, int]], gap: int, min_seeds: int, dense: bool
) -> None:
    # Seeds come pair by pair, as the aligner and the seed index give them; within a pair in
    # any order. Diagonals are mixed in so that real passages form and are cut again.
    found = sorted(found, key=lambda seed: (seed[0], seed[1]))
    columns = [np.array(column, dtype=np.int64) for column in zip(*found)]
    seeds = candidates.Seeds(*columns)
    pair = None
    if dense:
        keys = columns[0] * 4 + columns[1]
        pair = np.cumsum(np.r_[True, keys[1:] != keys[:-1]]) - 1
    fast = candidates.cluster_seeds(seeds, gap=gap, min_seeds=min_seeds, pair=pair)
    reference = _clusters_sorting_everything(seeds, gap, min_seeds, pair)
    for name in candidates.Clusters.__slots__:
        assert np.array_equal(getattr(fast, name), getattr(reference, name)), name


def test_gap_clustering_settles_groups_and_still_splits_late() -> None:
    # A zigzag one group on i, two on j, and only then, on i again, five: it keeps moving
    # while the diagonal beside it settled after the second round.
    zigzag = [(0, 0), (5, 100), (10, 0), (15, 100), (20, 0)]
    diagonal = [(50 + k, 50 + k) for k in range(10)]
    i, j = zip(*(zigzag + diagonal))
    seeds = candidates.Seeds(
        np.zeros(len(i), dtype=np.int64),
        np.ones(len(i), dtype=np.int64),
        np.array(i, dtype=np.int64),
        np.array(j, dtype=np.int64),
    )
    fast = candidates.cluster_seeds(seeds, gap=6, min_seeds=1)
    spans = sorted(zip(fast.i0.tolist(), fast.i1.tolist(), fast.j0.tolist(), fast.j1.tolist()))
    assert spans == [
        (0, 0, 0, 0),
        (5, 5, 100, 100),
        (10, 10, 0, 0),
        (15, 15, 100, 100),
        (20, 20, 0, 0),
        (50, 59, 50, 59),
    ]
    reference = _clusters_sorting_everything(seeds, 6, 1, None)
    for name in candidates.Clusters.__slots__:
        assert np.array_equal(getattr(fast, name), getattr(reference, name)), name
