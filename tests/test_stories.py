"""Story grouping: average linkage on sparse similarities, reuse links, the date window."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from conftest import story_graphs
from hypothesis import given, settings
from hypothesis import strategies as st

from naql.records import Alignment, Article, Passage, Span
from naql.stories import (
    StoryConfig,
    StoryGroups,
    _parse_date,
    average_linkage,
    group_stories,
    representatives,
)
from naql.stories.apart import MOST, kept_apart


def test_average_linkage_does_not_chain_through_a_bridge() -> None:
    # a-b and c-d are close; b-c alone is close too, but a-c, a-d, b-d are unrelated.
    similarity = {(0, 1): 0.9, (2, 3): 0.9, (1, 2): 0.6}
    assert average_linkage(4, similarity, threshold=0.3) == [[0, 1], [2, 3]]


def test_average_linkage_merges_groups_whose_mean_stays_high() -> None:
    similarity = {(0, 1): 0.8, (0, 2): 0.5, (1, 2): 0.5}
    assert average_linkage(3, similarity, threshold=0.4) == [[0, 1, 2]]
    assert average_linkage(3, similarity, threshold=0.6) == [[0, 1], [2]]


def test_reuse_links_join_and_the_date_window_only_limits_topic() -> None:
    articles = [Article(id="a", text="x"), Article(id="b", text="y"), Article(id="c", text="z")]
    shared = Alignment(a="a", b="b", passages=[], a_share=0.7, b_share=0.1)
    groups = group_stories(articles, [shared], topical={}, config=StoryConfig())
    assert groups.members == [[0, 1], [2]]
    assert groups.similarity[(0, 1)] == 1.0
    # Half an article shared links it, less than fully: as long as a formula's paragraph.
    half = Alignment(a="a", b="b", passages=[], a_share=0.5, b_share=0.1)
    groups = group_stories(articles, [half], topical={}, config=StoryConfig())
    assert groups.members == [[0, 1], [2]]
    assert groups.similarity[(0, 1)] == pytest.approx(0.1 + 0.9 * 0.5 / 0.7)


def test_reuse_days_apart_links_only_a_rerun() -> None:
    articles = [
        Article(id="mon", text="x", date="2015-08-03"),
        Article(id="sat", text="y", date="2015-08-08"),
    ]
    formula = Alignment(a="mon", b="sat", passages=[], a_share=0.4, b_share=0.4)
    rerun = Alignment(a="mon", b="sat", passages=[], a_share=0.9, b_share=0.95)
    assert group_stories(articles, [formula], topical={}).members == [[0], [1]]
    assert group_stories(articles, [rerun], topical={}).members == [[0, 1]]
    # A week-later feature that is nearly all the earlier report (the formula test let it
    # through) links to it; one that is half of it does not: short items cast in a stock
    # formula days apart (a drone-overflight statement, a trial's adjournment) are that.
    feature = Alignment(a="mon", b="sat", passages=[], a_share=0.92, b_share=0.43)
    assert group_stories(articles, [feature], topical={}).members == [[0, 1]]
    half = Alignment(a="mon", b="sat", passages=[], a_share=0.54, b_share=0.43)
    assert group_stories(articles, [half], topical={}).members == [[0], [1]]


def _shared(a: str, b: str, a_span: tuple[int, int], b_span: tuple[int, int]) -> Alignment:
    passage = Passage(a, b, Span(*a_span), Span(*b_span), "verbatim", 1.0, 50)
    return Alignment(a=a, b=b, passages=[passage], a_share=0.6, b_share=0.9)


def test_a_page_running_two_items_stays_with_its_first() -> None:
    # The page's first 600 characters are item one (shared with "one"), the rest item two
    # (shared with "two"); "one" and "two" have nothing to do with each other. Linked to both,
    # the page made one story of two events (mean 0.5 over the pair {page, one} and "two").
    articles = [Article(id=name, text="x" * 1000) for name in ("page", "one", "two")]
    alignments = [
        _shared("page", "one", (0, 600), (0, 600)),
        _shared("page", "two", (640, 1000), (0, 360)),
    ]
    assert group_stories(articles, alignments, topical={}).members == [[0, 1], [2]]
    # The second item's partner linked to the first item's (a topic in common, or shared
    # text): the page is one story told in parts, and all three stay together.
    assert group_stories(articles, alignments, topical={(1, 2): 0.2}).members == [[0, 1, 2]]
    # Overlapping blocks are one item, whoever shares them.
    overlapping = [
        _shared("page", "one", (0, 600), (0, 600)),
        _shared("page", "two", (500, 1000), (0, 500)),
    ]
    assert group_stories(articles, overlapping, topical={}).members == [[0, 1, 2]]


HEALTH = (
    "أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تستهدف أكثر من "
    "مليوني مستفيد في جميع مناطق المملكة خلال الأشهر الثلاثة المقبلة، وأوضح المتحدث الرسمي للوزارة "
    "أن الحملة تشمل كبار السن والحوامل والأطفال والمصابين بالأمراض المزمنة، وأن اللقاحات متوفرة "
    "مجانا في المراكز الصحية والمستشفيات الحكومية، داعيا المواطنين والمقيمين إلى المبادرة بأخذ "
    "اللقاح قبل بداية موسم الشتاء للحد من انتشار العدوى وتخفيف الضغط على المرافق الصحية.\n"
    "وقال استشاري الأمراض المعدية الدكتور سامي العتيبي إن نسبة الإقبال على التطعيم في العام "
    "الماضي لم تتجاوز أربعين في المئة، مطالبا بحملات توعية في المدارس والجامعات والأسواق."
)
CANAL = (
    "أعلنت هيئة قناة السويس أن حركة الملاحة في القناة شهدت عبور سبع وأربعين سفينة بإجمالي "
    "حمولات صافية بلغت مليونين وتسعمائة ألف طن، وأوضحت الهيئة في بيان صحفي أن عدد السفن المتجهة "
    "شمالا بلغ اثنتين وعشرين سفينة فيما بلغ عدد السفن المتجهة جنوبا خمسا وعشرين سفينة من مختلف "
    "الأنواع والأحجام بينها ناقلات نفط وسفن حاويات وسفن بضائع عامة، مؤكدة انتظام حركة الملاحة "
    "في الاتجاهين وجاهزية المجرى الملاحي الجديد لاستقبال السفن العملاقة خلال الأيام المقبلة."
)


def test_a_page_of_two_items_is_cut_into_one_part_per_item() -> None:
    from naql.pipeline import trace

    page_text = "تقرير اليوم\n" + HEALTH + "\nعلى صعيد آخر، " + CANAL + "\n"
    page = Article(id="page", text=page_text, url="https://www.alyaum.com/1", offset=100)
    one = Article(id="one", text=HEALTH, url="https://www.spa.gov.sa/2")
    two = Article(id="two", text=CANAL, url="https://www.okaz.com.sa/3")
    result = trace([page, one, two])
    articles = {article.id: article for article in result.articles}
    assert set(articles) == {"page#1", "page#2", "one", "two"}
    first, second = articles["page#1"], articles["page#2"]
    # The second part starts at its line, transition included, and maps back to the input.
    assert second.text.startswith("على صعيد آخر")
    assert first.text + second.text == page_text
    assert second.offset == 100 + len(first.text)
    assert second.meta["page"] == "page" and second.title is None
    stories = {frozenset(story.articles) for story in result.stories}
    assert stories == {frozenset({"page#1", "one"}), frozenset({"page#2", "two"})}
    for alignment in result.alignments:
        for passage in alignment.passages:
            for name, span in ((alignment.a, passage.a_span), (alignment.b, passage.b_span)):
                if name.startswith("page#"):
                    part = articles[name]
                    start = part.offset - 100 + span.start
                    assert (
                        page_text[start : start + span.end - span.start]
                        == part.text[span.start : span.end]
                    )
    assert result.counts["pages_cut_into_items"] == 1


def test_a_story_is_labelled_by_a_member_with_a_headline() -> None:
    groups = StoryGroups([[0, 1, 2]], {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.1})
    assert representatives(groups) == [1]  # the most central
    assert representatives(groups, [True, False, True]) == [0]  # among those with a headline
    assert representatives(groups, [False, False, False]) == [1]


@given(
    lines=st.lists(
        st.lists(
            st.sampled_from(["قال", "الوزير", "إن", "المشروع", "بدأ", "x1", "اليوم"]),
            min_size=1,
            max_size=30,
        ),
        min_size=2,
        max_size=12,
    ),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_cutting_a_page_keeps_every_offset_and_passage_in_place(lines, data) -> None:
    # Whatever the items and passages, the parts are the page's text in order, each part's
    # tokens are the page's shifted to it, and every passage lands on the same words.
    from naql.align import TokenPassage
    from naql.records import Attribution
    from naql.stories import items as cutting
    from naql.text import Vocabulary

    text = "\n".join(" ".join(words) for words in lines)
    other = "نص آخر لا علاقة له بالصفحة " * 8
    vocabulary = Vocabulary("en")
    tokens = vocabulary.tokens_of([text, other, other])
    page = tokens[0]
    n = len(page)
    # Blocks end where a line ends, mostly: the cut needs a line start between two items.
    line_starts = [
        t for t in range(1, n) if "\n" in text[int(page.ends[t - 1]) : int(page.starts[t])]
    ]
    anywhere = st.integers(1, n - 1)
    points = st.sampled_from(line_starts) if line_starts else anywhere
    cut_at = sorted(set(data.draw(st.lists(points | anywhere, min_size=1, max_size=3))))
    bounds = [0, *cut_at, n]
    # One partner per block, each block inside one stretch between two candidate cuts.
    by_pair: dict[tuple[int, int], list[TokenPassage]] = {}
    items = []
    for k, (start, end) in enumerate(zip(bounds, bounds[1:])):
        partner = 1 + k % 2
        passage = TokenPassage(0, partner, start, end - 1, 0, min(end - start, 10) - 1, 1, 1.0)
        by_pair.setdefault((0, partner), []).append(passage)
        items.append((start, end - 1, {partner}))
    articles = [
        Article(id="page", text=text, offset=7),
        Article(id="a", text=other),
        Article(id="b", text=other),
    ]
    credits = [Attribution("page", "spa", "واس", "source", Span(0, 1), "dateline", "text")]
    cutting.MIN_ITEM_TOKENS, saved = 1, cutting.MIN_ITEM_TOKENS
    try:
        parts = cutting.cut_pages(articles, tokens, by_pair, credits, {(0, 1): 0.5}, {0: items})
    finally:
        cutting.MIN_ITEM_TOKENS = saved
    pieces = [a for a in parts.articles if a.id.startswith("page#")]
    if not pieces:
        return  # no line start between two items: the page stays whole
    assert "".join(p.text for p in pieces) == text
    assert all(p.offset - 7 == text.index(p.text, p.offset - 7) for p in pieces)
    starts = [parts.articles.index(p) for p in pieces]
    rebuilt = np.concatenate(
        [parts.tokens[k].starts + (parts.articles[k].offset - 7) for k in starts]
    )
    assert np.array_equal(rebuilt, page.starts)
    assert np.array_equal(np.concatenate([parts.tokens[k].ids for k in starts]), page.ids)
    for (left, _), group in parts.by_pair.items():
        for passage in group:
            part = parts.articles[left]
            assert 0 <= passage.i0 <= passage.i1 < len(parts.tokens[left])
            moved_start = int(parts.tokens[left].starts[passage.i0]) + part.offset - 7
            assert moved_start in page.starts.tolist()
    assert sum(c.article.startswith("page#") for c in parts.credits) == 1
    assert parts.topical == {(parts.new_index[0], parts.new_index[1]): 0.5}


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["", "Z", ".123", "+03:00", "x"]),
    st.sampled_from([" ", "T"]),
)
def test_a_full_stamp_reads_as_strptime_reads_it(when: datetime, tail: str, sep: str) -> None:
    text = when.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + tail
    _parse_date.cache_clear()
    assert _parse_date(text) == datetime.strptime(text[:19].replace("T", " "), "%Y-%m-%d %H:%M:%S")


def test_a_template_naming_another_place_keeps_its_two_articles_in_two_stories() -> None:
    # Two cables (0: to Oman, 2: to Tunisia) drawn as a template, their own link dropped,
    # and a roundup (1) running both: without the cannot-link the roundup's links bring the
    # two cables together.
    similarity = {(0, 1): 0.6, (1, 2): 0.6}
    assert average_linkage(3, similarity, 0.25) == [[0, 1, 2]]
    assert average_linkage(3, similarity, 0.25, apart={(0, 2)}) == [[0, 1], [2]]


@settings(max_examples=80, deadline=None)
@given(*story_graphs(12, 40))
def test_no_story_holds_a_pair_kept_apart(
    weighted: list[tuple[int, int, float]],
    days: dict[int, tuple[int, ...]],
    apart: set[tuple[int, int]],
) -> None:
    similarity = {(min(a, b), max(a, b)): value for a, b, value in weighted if a != b}
    groups = average_linkage(12, similarity, 0.25, days, apart)
    assert sorted(k for group in groups for k in group) == list(range(12))
    for group in groups:
        assert not any((i, j) in apart for i in group for j in group)


def test_stories_kept_apart_say_why_each_from_its_own_side() -> None:
    # Stories: s1 = {0, 1}, s2 = {2}, s3 = {3}, s4 = {4}.
    members = [[0, 1], [2], [3], [4]]
    ids = ["a", "b", "c", "d", "e"]
    templates = {(1, 2): ("مصر", "تونس")}  # one cable to Egypt, one to Tunisia
    formula = {(0, 3)}  # shared text that is only a formula, two days
    similarity = {(0, 1): 0.9, (1, 4): 0.6, (0, 4): 0.3}
    monday = date(2015, 8, 3).toordinal()
    days = {1: (monday,), 4: (monday + 1,)}  # Monday's report and Tuesday's
    found = kept_apart(members, ids, similarity, templates, formula, days, 0.25)
    first = {apart.story: apart for apart in found[0]}
    assert sorted(first) == ["s2", "s3", "s4"]
    assert (first["s2"].reason, first["s2"].article, first["s2"].other) == ("template", "b", "c")
    assert "«مصر» in one, «تونس» in the other" in first["s2"].detail
    assert (first["s3"].reason, first["s3"].article) == ("formula", "a")
    # The strongest link across two stories whose days cannot meet: b's, not a's.
    assert (first["s4"].reason, first["s4"].article, first["s4"].other) == ("day", "b", "e")
    assert "2015-08-03 in this story's article, 2015-08-04 in the other's" in first["s4"].detail
    # The other side tells its own article and its own place first.
    (second,) = found[1]
    assert (second.story, second.article, second.other) == ("s1", "c", "b")
    assert "«تونس» in one, «مصر» in the other" in second.detail
    assert "2015-08-04 in this story's article" in found[3][0].detail
    # A pair inside one story is no reason; a daily formula lists its nearest few stories.
    assert kept_apart([[0, 1]], ids[:2], {}, {(0, 1): (3, 5)}, set(), {}, 0.25) == [[]]
    many = kept_apart(
        [[0], *[[k] for k in range(1, 20)]],
        [str(k) for k in range(20)],
        {},
        {(0, k): (1, 4) for k in range(1, 20)},
        set(),
        {},
        0.25,
    )
    assert len(many[0]) == MOST and [a.story for a in many[0]] == [f"s{k}" for k in range(2, 10)]
