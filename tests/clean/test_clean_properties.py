"""Property tests: whatever the pages hold, cleaning only blanks whole lines and slices pages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from naql.clean import clean_articles, explain
from naql.records import Article

# Lines of every kind the rules care about, plus noise: chrome, captions, headlines, datelines,
# bylines, body text, blanks of all sorts, ligatures and direction marks.
POOL = [
    "اترك رد",
    "لن يتم نشر عنوان بريدك الإلكتروني.",
    "المزيد....",
    "TT",
    "0",
    "عاجل",
    "عرب وعالم",
    "رئيس التحرير",
    "شيماء جلال",
    "الأربعاء 24 أبريل 2024 الموافق 15 شوال 1445",
    "نشر في 12 مارس 2020",
    "الرئيس نيوز",
    "الأيام السورية؛ قسم الأخبار",
    "مستشار الأمن القومي جيك سوليفان (أ.ب)",
    "حفتر زار دمشق سراً للتنسيق ضد إردوغان",
    "سوليفان إلى السعودية ويتبعه بلينكن",
    "أكدت مصادر متطابقة لـ«الشرق الأوسط» قيام قائد «الجيش الوطني الليبي» المشير خليفة حفتر بزيارة سرية إلى دمشق.",
    "نقلت وكالة «بلومبرغ» الأميركية للأنباء عن مسؤولين في إدارة الرئيس جو بايدن أن مستشار الأمن القومي سيزور المملكة.",
    "",
    " ",
    "\t",
    "\u200f",
    "\xa0\xa0",
    "ﻻ يوجد",
    "Read more",
    "x" * 400,
    "كلمة " * 70,
]

line = st.one_of(
    st.sampled_from(POOL), st.text(alphabet=" \tابت\u064e\u0640()-:؛0123456789TtA.«»", max_size=30)
)
page_text = st.lists(line, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\n\n"]).map(lambda sep: sep.join(lines))
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(page_text, st.sampled_from([None, "الرئيس نيوز", "موقع"])), min_size=1, max_size=6
    )
)
def test_cleaning_only_blanks_lines_and_slices_pages(pages: list[tuple[str, str | None]]) -> None:
    articles = [
        Article(id=f"p{n}", text=text, outlet=outlet, offset=100 * n)
        for n, (text, outlet) in enumerate(pages)
    ]
    result = clean_articles(articles)
    by_page: dict[str, list[Article]] = {}
    for article in result.articles:
        by_page.setdefault(article.id.split("#")[0], []).append(article)
    assert list(by_page) == [article.id for article in articles]
    for source in articles:
        parts = by_page[source.id]
        assert parts[0].offset == source.offset
        assert sum(len(part.text) for part in parts) == len(source.text)
        for part in parts:
            start = part.offset - source.offset
            original = source.text[start : start + len(part.text)]
            expected = list(original)
            end = 0
            for drop in part.dropped:
                assert end <= drop.span.start < drop.span.end <= len(original)
                assert "\n" not in original[drop.span.start : drop.span.end]
                expected[drop.span.start : drop.span.end] = " " * len(drop.span)
                end = drop.span.end
            assert part.text == "".join(expected)
    assert sum(result.dropped.values()) == len(explain(result))
