"""The whole trace on the real seed pages: who reuses whom."""

from __future__ import annotations

from naql.pipeline import trace
from naql.records import Article


def reuse_pairs(articles: list[Article]) -> set[tuple[str, str]]:
    result = trace(articles)
    return {tuple(sorted((alignment.a, alignment.b))) for alignment in result.alignments}  # type: ignore[misc]


def test_seed_rewrites_reuse_each_other_and_the_different_story_stays_apart(
    haftar: list[Article],
) -> None:
    assert reuse_pairs(haftar) == {
        ("000", "001"),
        ("000", "003"),
        ("000", "004"),
        ("001", "003"),
        ("001", "004"),
        ("003", "004"),
    }


def test_passages_carry_offsets_that_slice_both_articles(haftar: list[Article]) -> None:
    texts = {article.id: article.text for article in haftar}
    result = trace(haftar)
    for alignment in result.alignments:
        assert 0 < alignment.a_share <= 1 and 0 < alignment.b_share <= 1
        for passage in alignment.passages:
            a_text = texts[passage.a][passage.a_span.start : passage.a_span.end]
            b_text = texts[passage.b][passage.b_span.start : passage.b_span.end]
            assert a_text == a_text.strip() and b_text == b_text.strip()
            assert passage.matched_words >= 10
            assert passage.kind in {"verbatim", "edited", "shuffled"}


def test_the_shared_full_version_passage_is_found_between_rewrites(haftar: list[Article]) -> None:
    # «تنسيق الجهود لمواجهة الدور التركي في ساحات عدة أهمها سوريا وليبيا» is in 001, 003 and 004
    # but not in the truncated original 000: they used its full version.
    phrase = "تنسيق الجهود لمواجهة الدور التركي"
    texts = {article.id: article.text for article in haftar}
    result = trace(haftar)
    covering = set()
    for alignment in result.alignments:
        for passage in alignment.passages:
            for side, span in ((passage.a, passage.a_span), (passage.b, passage.b_span)):
                start = texts[side].find(phrase)
                if start >= 0 and span.start <= start < span.end:
                    covering.add(side)
    assert {"001", "003", "004"} <= covering
    assert phrase not in texts["000"]


def test_empty_and_single_inputs_give_empty_traces() -> None:
    assert trace([]).alignments == []
    assert trace([Article(id="x", text="نص قصير")]).alignments == []


def test_pages_handed_over_are_let_go_once_cleaned(haftar: list[Article]) -> None:
    """The trace keeps the cleaned articles, not the pages as read: a batch handed over
    (``ReadResult.take``) is gone by the time tokenising starts, so it weighs on no later
    stage nor on any worker forked for one."""
    import weakref

    from naql.clean import CleanConfig
    from naql.ingest import ReadResult

    class Pages(list[Article]):  # a plain list cannot be referenced weakly
        pass

    read = ReadResult(Pages(haftar))
    batch = weakref.ref(read.articles)
    seen: dict[str, bool] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen.setdefault(stage, batch() is not None)

    result = trace(read.take(), cleaning=CleanConfig(), progress=progress)
    assert read.articles == [] and seen["clean"] and not seen["tokenize"]
    assert {article.id for article in result.articles} >= {"000#1", "001", "004"}
