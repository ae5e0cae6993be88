"""When a page was out, read off the page itself: the days between which its text was written
and made public, from the date in its URL, an agency's own dateline and its timestamp.

A crawl's timestamps say little of when a text appeared (SaudiNewsNet's are crawl times,
``--no-trust-dates``), but the page often does: «okaz.com.sa/new/Issues/20150810/…» is the
print issue of 10 August, whose text was set the evening before; «aleqt.com/2015/08/06/…» went
online on the 6th; SPA's «الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس» was issued on
the 10th. A copy cannot predate its source: a page whose text existed before another page was
out did not copy it. On the hand-read SaudiNewsNet pairs, every paper's print re-run of an SPA
item is the next day's issue, and the print issues of the item's own day or earlier are the
papers' runs of the release SPA ran too (``tests/data/saudinewsnet_pairs*.md``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from naql.clean.dates import gregorian_date
from naql.clean.rules import fold
from naql.outlets import Outlet
from naql.records import Article
from naql.stories import _parse_date

# «/2015/08/06/», «/20150811/», «/2015-08-06/»: a year, a month and a day as the path's own
# segment (an article number such as «/20150725785550» is not one: the day must end the run).
URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-]?(?P<m>0[1-9]|1[0-2])[/-]?(?P<d>0[1-9]|[12]\d|3[01])(?=[/._-]|$)"
)
# An agency's dateline is its item's first line: a place, the day, the agency («… 2015 م واس»).
DATELINE_WORDS = 16

Window = tuple[dt.date | None, dt.date | None]  # (out no earlier than, written no later than)
# A timestamp without a zone may be UTC or the outlet's local time (the Gulf's is UTC+3 or +4):
# the day it falls on is read this far either way, so a day's edge never rules out a copy.
ZONE_MARGIN = dt.timedelta(hours=6)
_DAY = dt.timedelta(days=1)


def url_day(url: str | None) -> dt.date | None:
    """The day a URL's path gives, if it gives one."""
    if not url:
        return None
    found = URL_DATE.search(url.split("?", 1)[0])
    if found is None:
        return None
    try:
        return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        return None


def dateline_day(text: str) -> dt.date | None:
    """The Gregorian day on the text's first line, when that line is short enough to be a
    dateline rather than a sentence that mentions a date."""
    line = text.lstrip().split("\n", 1)[0]  # the first line with a word on it
    if not line or len(line.split()) > DATELINE_WORDS:
        return None
    iso = gregorian_date(fold(line))
    return dt.date.fromisoformat(iso) if iso else None


@functools.lru_cache(maxsize=256)
def _print_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def window(article: Article, outlet: Outlet | None, trusted: bool = True) -> Window:
    """(the first day the page could have been read, the last day its text could have been
    written), each None when the page does not say.

    A print issue's URL gives the issue's day: read that day, written by the day before. Any
    other dated URL gives the day the page went online. An agency's dateline gives the day it
    issued the item (only an agency's page: a paper re-running an item may keep the item's
    dateline, which is then the agency's day, not the paper's). The page's timestamp, even a
    crawl time (``trusted`` False), is a time the text existed; a trusted one is also when it
    came out. A stamp's time zone is unknown: :data:`ZONE_MARGIN` either way."""
    earliest: dt.date | None = None
    latest: dt.date | None = None
    stamp = _parse_date(article.date)
    if stamp is not None:
        latest = (stamp + ZONE_MARGIN).date()
        if trusted:
            earliest = (stamp - ZONE_MARGIN).date()
    day = url_day(article.url)
    if day is not None:
        printed = outlet is not None and any(
            pattern.search(article.url or "") for pattern in _print_patterns(outlet.print_urls)
        )
        earliest, latest = _narrowed(earliest, latest, day, day - _DAY if printed else day)
    if outlet is not None and outlet.kind == "agency" and (issued := dateline_day(article.text)):
        earliest, latest = _narrowed(earliest, latest, issued, issued)
    if stamp is not None and earliest is not None:
        # Crawled (or published) then, the page was out by then, whatever its URL's day says
        # (a print page put online the evening before its issue).
        earliest = min(earliest, (stamp + ZONE_MARGIN).date())
    return earliest, latest


def _narrowed(
    earliest: dt.date | None, latest: dt.date | None, out: dt.date, written: dt.date
) -> Window:
    return (max(earliest, out) if earliest else out, min(latest, written) if latest else written)


def predates(x: Window, y: Window) -> bool:
    """Whether ``x``'s text was written before ``y`` was out: then ``x`` did not copy ``y``."""
    return x[1] is not None and y[0] is not None and x[1] < y[0]
