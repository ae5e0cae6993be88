"""The rare-stem index's postings: packed or not, every content token once, in index order."""

from __future__ import annotations

from collections import Counter

import numpy as np
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
    count, df = candidates._stem_counts(tokens, max_per_doc, 13, block)
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
