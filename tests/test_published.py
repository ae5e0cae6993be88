"""The days a page gives itself: its URL's date, a print issue's, an agency's dateline."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from naql.outlets import load
from naql.provenance.published import dateline_day, predates, url_day, window
from naql.records import Article

GAZETTEER = load()
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


SHAPES = [
    "/{:%Y/%m/%d}/x",
    "/{:%Y%m%d}/sp29.htm",
    "/{:%Y-%m-%d}/x",
    "/{:%Y/%m/%d}.html",
    "/{:%Y/%m/%d}",
]


@given(DAYS, st.sampled_from(SHAPES))
def test_a_date_in_a_url_path_is_read_back(day: dt.date, shape: str) -> None:
    assert url_day("https://example.com/news" + shape.format(day) + "?page=2") == day


@given(DAYS, st.integers(min_value=0, max_value=999_999))
def test_an_article_number_that_starts_like_a_date_is_not_one(day: dt.date, tail: int) -> None:
    # okaz's «Con20150725785542.htm» and an id «/20150725785542» carry the day, but glued to a
    # number: not a path segment of its own.
    assert url_day(f"https://example.com/{day:%Y%m%d}{tail}1.htm") is None
    assert url_day(f"https://example.com/Con{day:%Y%m%d}.htm") is None


def test_no_date_where_none_is_given() -> None:
    assert url_day("http://www.alriyadh.com/1066845") is None
    assert url_day("http://www.spa.gov.sa/details.php?id=1386785") is None
    assert url_day(None) is None
    assert url_day("https://example.com/2015/13/40/") is None  # no such month or day


def test_an_agency_dateline_gives_the_day_it_issued_the_item() -> None:
    text = "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\nأكد معالي الأمين العام ..."
    assert dateline_day(text) == dt.date(2015, 8, 10)
    # A long first line that mentions a date is a sentence, not a dateline.
    sentence = "أكد الأمين العام " * 10 + "في 10 أغسطس 2015 أن المجلس ماض في قراراته"
    assert dateline_day(sentence) is None


def test_a_print_issue_was_written_the_day_before_it_was_out() -> None:
    okaz = Article(id="o", text="نص", url="http://www.okaz.com.sa/new/Issues/20150810/Con1.htm")
    jazirah = Article(id="j", text="نص", url="http://www.al-jazirah.com/2015/20150811/sp29.htm")
    aleqt = Article(id="e", text="نص", url="http://www.aleqt.com/2015/08/10/article_1.html")
    spa = Article(
        id="s",
        text="الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\nأكد ...",
        url="http://www.spa.gov.sa/details.php?id=1",
    )
    day = dt.date(2015, 8, 10)
    windows = {
        name: window(article, GAZETTEER.by_domain(article.url or ""))
        for name, article in (("okaz", okaz), ("jazirah", jazirah), ("aleqt", aleqt), ("spa", spa))
    }
    assert windows["okaz"] == (day, day - dt.timedelta(days=1))
    assert windows["jazirah"] == (day + dt.timedelta(days=1), day)
    assert windows["aleqt"] == (day, day) == windows["spa"]
    # The print issue of the item's own day was set before the item was out: not its copy;
    # the next day's could be.
    assert predates(windows["okaz"], windows["spa"])
    assert not predates(windows["jazirah"], windows["spa"])
    assert not predates(windows["spa"], windows["aleqt"])
    assert not predates(windows["aleqt"], windows["spa"])
    # A paper keeping an item's dateline is not dated by it: only an agency's page is.
    rerun = Article(id="r", text=spa.text, url="http://www.alriyadh.com/1")
    assert window(rerun, GAZETTEER.by_domain("alriyadh.com")) == (None, None)


def test_a_timestamp_is_a_time_the_text_existed_and_a_trusted_one_when_it_came_out() -> None:
    outlet = GAZETTEER.by_domain("alriyadh.com")
    crawled = Article(
        id="c", text="نص", url="http://www.alriyadh.com/1", date="2015-08-09 17:12:36"
    )
    day = dt.date(2015, 8, 9)
    assert window(crawled, outlet, trusted=False) == (None, day)
    assert window(crawled, outlet, trusted=True) == (day, day)
    # Late in the day by the stamp's clock may be the next day where the page was written.
    late = Article(id="l", text="نص", url="http://www.alriyadh.com/1", date="2015-08-09 20:30")
    assert window(late, outlet, trusted=False) == (None, day + dt.timedelta(days=1))
    # A URL's day narrows what the stamp leaves open.
    okaz = Article(
        id="o",
        text="نص",
        url="http://www.okaz.com.sa/new/Issues/20150810/Con1.htm",
        date="2015-08-11 02:51:32",
    )
    assert window(okaz, GAZETTEER.by_domain("okaz.com.sa"), trusted=False) == (
        dt.date(2015, 8, 10),
        day,
    )


def test_a_page_crawled_before_its_url_day_was_out_when_crawled() -> None:
    # A print page put online the evening before its issue: out by the crawl, not the issue.
    early = Article(
        id="o",
        text="نص",
        url="http://www.okaz.com.sa/new/Issues/20150810/Con1.htm",
        date="2015-08-09 10:00:00",
    )
    day = dt.date(2015, 8, 9)
    assert window(early, GAZETTEER.by_domain("okaz.com.sa"), trusted=False) == (day, day)
