"""The day an article reports, and stories that never hold two days that cannot meet."""

from __future__ import annotations

from datetime import datetime, timedelta

from conftest import story_graphs
from hypothesis import given, settings
from hypothesis import strategies as st

from naql.records import Alignment, Article
from naql.stories import StoryConfig, average_linkage, group_stories
from naql.stories.days import as_date, lead_weekday, reported_day, reported_days

# Leads as the wire and the papers write them (SaudiNewsNet, August 2015).
TODAY_MONDAY = "تراجعت أسعار الذهب اليوم الاثنين بعد تكبدها أكبر خسائرها في عامين"
PAPER_NEXT_MORNING = "تراجعت أسعار الذهب أمس الإثنين بعد تكبده أكبر خسائره في عامين"
TUESDAY = "ارتفعت أسعار الذهب اليوم الثلاثاء مع تراجع الدولار"
FRIDAY_EVENING = "انتقل إلى رحمة الله مساء أمس الجمعة في العاصمة الفرنسية باريس الإعلامي"
SATURDAY_DAWN = "وافته المنية بسكتة قلبية فجر أمس السبت في مكان إقامته بباريس"


def _day(text: str, when: datetime, title: str | None = None) -> list[str]:
    return [as_date(ordinal).isoformat() for ordinal in reported_day(text, when, title)]


def test_the_weekday_is_placed_on_the_latest_such_day_by_the_articles_own_date() -> None:
    # Monday 3 August 2015: the agency's report that evening, the paper's the next morning.
    assert _day(TODAY_MONDAY, datetime(2015, 8, 3, 19, 54)) == ["2015-08-03"]
    assert _day(PAPER_NEXT_MORNING, datetime(2015, 8, 4, 6, 2)) == ["2015-08-03"]
    # A re-run crawled two days on still reports Monday.
    assert _day(TODAY_MONDAY, datetime(2015, 8, 5, 12)) == ["2015-08-03"]
    assert _day(TUESDAY, datetime(2015, 8, 4, 18)) == ["2015-08-04"]


def test_a_night_is_two_days() -> None:
    assert _day(FRIDAY_EVENING, datetime(2015, 8, 8, 6, 54)) == ["2015-08-07", "2015-08-08"]
    assert _day(SATURDAY_DAWN, datetime(2015, 8, 9, 17, 11)) == ["2015-08-07", "2015-08-08"]


def test_only_a_day_named_as_today_or_yesterday_is_the_reported_one() -> None:
    assert lead_weekday("تنطلق البطولة يوم الخميس القادم في الرياض") is None
    assert lead_weekday("قال الوزير الخميس إن الاجتماع") is None
    # Two days named: the lead does not say which it reports.
    assert lead_weekday("بعد هجوم أمس الأحد، قصفت الطائرات اليوم الاثنين مواقع") is None
    # The lead only: a weekday deep in the background is another day's.
    assert lead_weekday("ارتفعت الأسهم. " + "و" * 500 + " اليوم الاثنين") is None
    # A title counts as the lead's first line.
    assert lead_weekday("توقعت الرئاسة العامة للأرصاد", "حالة الطقس المتوقعة اليوم السبت") == (5, 0)
    assert _day("لا يوم هنا", datetime(2015, 8, 8), "حالة الطقس المتوقعة اليوم السبت") == [
        "2015-08-08"
    ]


# The meteorology presidency's daily forecast as al-Weeam ran it on 26 and 27 July 2015: a
# lead that names its day only as «لهذا اليوم».
FORECAST = (
    "توقّعت الرئاسة العامة للأرصاد وحماية البيئة في تقريرها عن حالة الطقس لهذا اليوم ـ بمشيئة "
    "الله تعالى ـ سماء غائمة جزئياً وطقس معتدل على المصايف، شديد الحرارة على شرق ووسط المملكة"
)


def test_this_day_is_the_articles_own_day_when_the_lead_names_no_weekday() -> None:
    assert _day(FORECAST, datetime(2015, 7, 26, 17, 21)) == ["2015-07-26"]
    assert _day(FORECAST, datetime(2015, 7, 27, 0, 30)) == ["2015-07-27"]
    assert _day("يقام مساء هذا اليوم حفل التخرج", datetime(2015, 8, 3, 9)) == [
        "2015-08-03",
        "2015-08-04",
    ]
    # A weekday named with it is the day: a re-run crawled the next day still says Saturday.
    decree = "ونظرا لعزمنا السفر خارج المملكة هذا اليوم السبت التاسع من شهر شوال"
    assert _day(decree, datetime(2015, 7, 26, 16, 47)) == ["2015-07-25"]
    # A weekday the cue does not reach: the date would misplace the day, so none is read.
    assert _day(decree.replace("اليوم السبت", "اليوم (أمس) السبت"), datetime(2015, 7, 26)) == []
    # An anniversary is another year's day; a bare «اليوم» is the lead's commonest adverb.
    assert lead_weekday("في مثل هذا اليوم من عام 1990 اجتاح العراق الكويت") is None
    assert lead_weekday("أكد اليوم وزير الخارجية أن المملكة") is None


def test_two_days_forecasts_are_two_stories_and_one_days_papers_one() -> None:
    texts = [FORECAST, FORECAST.replace("الحرارة", "الحرارة جدا"), FORECAST, FORECAST]
    dates = ["2015-07-26 16:46:00", "2015-07-26 17:21:00", "2015-07-27 16:57:00", None]
    articles = [Article(id=str(k), text=t, date=d) for k, (t, d) in enumerate(zip(texts, dates))]
    topical = {(a, b): 0.9 for a in range(4) for b in range(a + 1, 4)}
    groups = group_stories(articles, [], topical, StoryConfig())
    # The undated copy names no day it can be placed on: it joins one of them.
    assert sorted(sorted(group) for group in groups.members) in ([[0, 1, 3], [2]], [[0, 1], [2, 3]])


def test_stories_keep_two_days_gold_reports_apart_but_a_night_joins_its_two_days() -> None:
    monday = Article(id="mon", text=TODAY_MONDAY, date="2015-08-03 19:54:00")
    paper = Article(id="paper", text=PAPER_NEXT_MORNING, date="2015-08-04 06:02:00")
    tuesday = Article(id="tue", text=TUESDAY, date="2015-08-04 18:00:00")
    undated = Article(id="none", text="الذهب يتراجع مع صعود الدولار", date="2015-08-04 19:00:00")
    topical = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.8, (0, 3): 0.5, (2, 3): 0.5}
    groups = group_stories([monday, paper, tuesday, undated], [], topical, StoryConfig())
    # The report that names no day goes where its links are strongest: Tuesday's.
    assert sorted(sorted(group) for group in groups.members) == [[0, 1], [2, 3]]

    evening = Article(id="fri", text=FRIDAY_EVENING, date="2015-08-08 06:54:00")
    saturday = Article(id="sat", text="توفي اليوم السبت الإعلامي", date="2015-08-08 06:17:00")
    share = Alignment(a="fri", b="sat", passages=[], a_share=0.3, b_share=0.3)
    groups = group_stories([evening, saturday], [share], {(0, 1): 0.6}, StoryConfig())
    assert groups.members == [[0, 1]]


def test_a_day_that_cannot_meet_is_refused_even_when_the_mean_is_high() -> None:
    similarity = {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.9}
    assert average_linkage(3, similarity, 0.25) == [[0, 1, 2]]
    assert average_linkage(3, similarity, 0.25, {0: (10,), 2: (11,)}) == [[0, 1], [2]]
    # A night (10 and 11) meets both days: Friday evening's report and Saturday dawn's are
    # one death, told from Paris and from Riyadh.
    assert average_linkage(3, similarity, 0.25, {0: (10,), 1: (10, 11), 2: (11,)}) == [[0, 1, 2]]


@settings(max_examples=80, deadline=None)
@given(*story_graphs(12, 40)[:2])
def test_the_days_of_a_story_always_meet(
    weighted: list[tuple[int, int, float]], days: dict[int, tuple[int, ...]]
) -> None:
    similarity = {(min(a, b), max(a, b)): value for a, b, value in weighted if a != b}
    groups = average_linkage(12, similarity, 0.25, days)
    assert sorted(k for group in groups for k in group) == list(range(12))
    for group in groups:
        # Two groups merge only when their days meet, so a story's days form one chain.
        told = [set(days[k]) for k in group if k in days]
        reached, pending = (set(told[0]), told[1:]) if told else (set(), [])
        while pending:
            joined = [one for one in pending if one & reached]
            assert joined, f"days {told} in one story cannot meet"
            for one in joined:
                reached |= one
                pending.remove(one)


def test_days_move_with_the_date_not_the_clock() -> None:
    for hours in range(0, 48, 5):
        when = datetime(2015, 8, 3) + timedelta(hours=hours)
        (day,) = reported_day(TODAY_MONDAY, when)
        assert as_date(day).isoformat() == "2015-08-03"


_PIECES = [
    "اليوم",
    "هذا",
    "لهذا",
    "مثل",
    "أمس",
    "امس",
    "مساء",
    "فجر",
    "الليلة",
    "الاثنين",
    "الإثنين",
    "الجمعة",
    "الخَمِيس",
    "السبت",
    "(",
    ")",
    "«",
    "|",
    "ﻻ",
    "ـ",
    " ",
    "\n",
    "الذهب",
    "قال",
    "x",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
            st.one_of(st.none(), st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)),
            st.integers(min_value=0, max_value=30),
        ),
        max_size=12,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_leads_searched_together_name_the_days_each_names_alone(
    articles: list[tuple[str, str | None, int]], block: int
) -> None:
    texts = [text for text, _, _ in articles]
    titles = [title for _, title, _ in articles]
    dates = [datetime(2015, 8, 1) + timedelta(hours=7 * hours) for _, _, hours in articles]
    alone = {
        k: found
        for k, (text, when, title) in enumerate(zip(texts, dates, titles))
        if (found := reported_day(text, when, title))
    }
    assert reported_days(texts, dates, titles, block) == alone
