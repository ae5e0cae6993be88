from __future__ import annotations

import json
import pickle

from hypothesis import given
from hypothesis import strategies as st

from naql.records import (
    Alignment,
    Article,
    Attribution,
    Drop,
    Edge,
    HiddenSource,
    Passage,
    Problem,
    Signal,
    SourceShare,
    Span,
    Story,
    Trace,
    Verdict,
    from_json,
    to_json,
)

offsets = st.integers(min_value=0, max_value=10_000)
spans = st.builds(lambda a, n: Span(a, a + n), offsets, offsets)
ids = st.text(min_size=1, max_size=12)
maybe = st.none() | st.text(max_size=20)
articles = st.builds(
    Article,
    id=ids,
    text=st.text(max_size=50),
    outlet=maybe,
    url=maybe,
    date=maybe,
    title=maybe,
    offset=offsets,
    dropped=st.lists(st.builds(Drop, span=spans, reason=st.text(max_size=10)), max_size=3),
    meta=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
passages = st.builds(
    Passage,
    a=ids,
    b=ids,
    a_span=spans,
    b_span=spans,
    kind=st.sampled_from(["verbatim", "edited", "shuffled"]),
    score=st.floats(0, 1),
    matched_words=st.integers(0, 500),
)
alignments = st.builds(
    Alignment,
    a=ids,
    b=ids,
    passages=st.lists(passages, max_size=3),
    a_share=st.floats(0, 1),
    b_share=st.floats(0, 1),
)
signals = st.builds(Signal, name=ids, weight=st.floats(-5, 5), detail=st.text(max_size=20))
edges = st.builds(
    Edge,
    source=ids,
    target=ids,
    kind=st.sampled_from(["copied", "excerpt", "shared"]),
    shared_words=st.integers(0, 500),
    signals=st.lists(signals, max_size=3),
)
hidden = st.builds(
    HiddenSource,
    id=ids,
    outlet=ids,
    name=ids,
    reason=st.text(max_size=20),
    explains=st.lists(ids, max_size=3),
    evidence=st.lists(passages, max_size=2),
)
stories = st.builds(
    Story,
    id=ids,
    label=st.text(max_size=20),
    articles=st.lists(ids, max_size=4),
    origin=st.none() | ids,
    origin_outlet=maybe,
    independent_sources=st.integers(0, 5),
    credited=st.lists(ids, max_size=3),
    edges=st.lists(edges, max_size=3),
    hidden=st.lists(hidden, max_size=1),
)
verdicts = st.builds(
    Verdict,
    article=ids,
    story=ids,
    derivation=st.sampled_from(["wholly derived", "partially derived", "independent"]),
    reused_share=st.floats(0, 1),
    sources=st.lists(st.builds(SourceShare, source=ids, share=st.floats(0, 1)), max_size=2),
    added=st.lists(spans, max_size=3),
    credits=st.lists(ids, max_size=3),
)
credits = st.builds(
    Attribution,
    article=ids,
    outlet=ids,
    name=ids,
    role=st.sampled_from(["source", "photo", "self", "mention"]),
    span=spans,
    cue=st.text(max_size=8),
    where=st.sampled_from(["text", "author"]),
)
traces = st.builds(
    Trace,
    articles=st.lists(articles, max_size=3),
    alignments=st.lists(alignments, max_size=3),
    stories=st.lists(stories, max_size=2),
    verdicts=st.lists(verdicts, max_size=3),
    attributions=st.lists(credits, max_size=3),
    problems=st.lists(
        st.builds(Problem, path=ids, reason=st.text(max_size=10), line=st.none() | offsets),
        max_size=2,
    ),
    timings=st.dictionaries(st.text(max_size=5), st.floats(0, 100), max_size=2),
    counts=st.dictionaries(st.text(max_size=5), st.integers(0, 100), max_size=2),
)


@given(traces)
def test_records_survive_json_round_trip(trace: Trace) -> None:
    text = json.dumps(to_json(trace), ensure_ascii=False)
    assert from_json(Trace, json.loads(text)) == trace


@given(traces)
def test_records_survive_pickling_as_their_fields(trace: Trace) -> None:
    # Workers send records back pickled (naql.records.pickled_by_fields).
    assert trace.__reduce__()[0] is Trace
    assert pickle.loads(pickle.dumps(trace)) == trace


def test_span_rejects_negative_or_inverted_ranges() -> None:
    import pytest

    with pytest.raises(ValueError):
        Span(5, 3)
    with pytest.raises(ValueError):
        Span(-1, 3)
    assert Span(2, 10).overlap(Span(8, 20)) == 2


def test_unknown_fields_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="no field"):
        from_json(Span, {"start": 1, "end": 2, "length": 1})


def test_problem_reads_as_one_line() -> None:
    assert str(Problem("a.jsonl", "invalid JSON", line=3)) == "a.jsonl:3: invalid JSON"
