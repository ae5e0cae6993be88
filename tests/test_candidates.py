"""The rare-stem index's postings: packed or not, every content token once, in index order."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naql import candidates
from naql.text import Tokens

texts = st.lists(st.lists(st.tuples(st.integers(0, 12), st.booleans()), max_size=40), max_size=12)


def as_tokens(text: list[tuple[int, bool]]) -> Tokens:
    ids = np.array([stem for stem, _ in text], dtype=np.int32)
    stop = np.array([stop for _, stop in text], dtype=bool)
    offsets = np.arange(len(text), dtype=np.int32)
    return Tokens(ids, stop, offsets, offsets + 1)


def expected(docs: list[list[tuple[int, bool]]], max_per_doc: int) -> list[tuple[int, int, int]]:
    per_text = Counter((stem, d) for d, text in enumerate(docs) for stem, stop in text if not stop)
    return sorted(
        (stem, d, pos)
        for d, text in enumerate(docs)
        for pos, (stem, stop) in enumerate(text)
        if not stop and per_text[stem, d] <= max_per_doc
    )


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(1, 5), st.booleans(), st.integers(1, 5))
def test_postings_are_every_content_token_in_stem_text_position_order(
    docs: list[list[tuple[int, bool]]], max_per_doc: int, packed: bool, block: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if not packed:  # the path of a pile too large to pack into one int64 a posting
            patch.setattr(candidates, "PACKED_LIMIT", 0)
        found = candidates.content_postings([as_tokens(t) for t in docs], max_per_doc, block)
    assert found.stem.dtype == found.doc.dtype == found.pos.dtype == np.int32
    got = list(zip(found.stem.tolist(), found.doc.tolist(), found.pos.tolist()))
    assert got == expected(docs, max_per_doc)
