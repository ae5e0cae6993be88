"""Date-only lines: a page's date banner («الأربعاء 24 أبريل 2024 الموافق 15 شوال 1445») or a
dateline («نشر في 12 مارس 2020»), recognised on normalised keys and read as ISO dates."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import regex  # type: ignore[import-untyped]

from naql.clean import rules
from naql.clean.rules import fold
from naql.text import normalize
from naql.text.weekdays import ARABIC_WEEKDAYS, LATIN_WEEKDAYS

GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    # Egyptian/Gulf names, Levantine (Syriac) names, English names and abbreviations.
    1: ("يناير", "كانون الثاني", "january", "jan"),
    2: ("فبراير", "شباط", "february", "feb"),
    3: ("مارس", "آذار", "march", "mar"),
    4: ("أبريل", "إبريل", "نيسان", "april", "apr"),
    5: ("مايو", "أيار", "may"),
    6: ("يونيو", "يونيه", "حزيران", "june", "jun"),
    7: ("يوليو", "يوليه", "تموز", "july", "jul"),
    8: ("أغسطس", "آب", "august", "aug"),
    9: ("سبتمبر", "أيلول", "september", "sept", "sep"),
    10: ("أكتوبر", "تشرين الأول", "october", "oct"),
    11: ("نوفمبر", "تشرين الثاني", "november", "nov"),
    12: ("ديسمبر", "كانون الأول", "december", "dec"),
}
HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "ربيع الثاني",
    "جمادى الأولى",
    "جمادى الآخرة",
    "جمادى الثانية",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
WEEKDAYS = (*ARABIC_WEEKDAYS, *LATIN_WEEKDAYS, "sat", "sun", "mon", "tue", "wed", "thu", "fri")
# Words that announce a publication date: «نشر في», «تاريخ النشر:», «آخر تحديث», "Published on".
CUES = (
    "نشر في",
    "نشر بتاريخ",
    "نشر",
    "تاريخ النشر",
    "بتاريخ",
    "آخر تحديث",
    "تم التحديث",
    "published on",
    "published",
    "updated on",
    "updated",
    "posted on",
    "posted",
    "date",
)


def _alt(names: Iterable[str]) -> str:
    folded = sorted({fold(name) for name in names}, key=len, reverse=True)
    return "(?:" + "|".join(regex.escape(name) for name in folded) + ")"


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], dict[str, int]]:
    month_numbers = {
        fold(name): number for number, names in GREGORIAN_MONTHS.items() for name in names
    }
    month = _alt(month_numbers)
    gregorian = (
        rf"(?P<d>\d{{1,2}})\s*(?P<m>{month})(?:\s*[/(]\s*{month}\s*\)?)?[\s,]*(?P<y>\d{{4}})(?:\s*م\b)?"
        rf"|(?P<m>{month})\s+(?P<d>\d{{1,2}})[\s,]+(?P<y>\d{{4}})"
        r"|(?P<y>\d{4})[-/.](?P<mm>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"|(?P<d>\d{1,2})[-/.](?P<mm>\d{1,2})[-/.](?P<y>\d{4})"
    )
    hijri = rf"(?P<hijri>\d{{1,2}}\s*{_alt(HIJRI_MONTHS)}\s*\d{{4}}(?:\s*ه\b)?)"
    time = (
        r"(?:"
        + fold("الساعة")
        + r"\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:"
        + fold("ص|م|مساء|صباحا")
        + r"|am|pm)?"
    )
    one = rf"(?:{gregorian}|{hijri})"
    line = (
        rf"[\W_]*(?:{_alt(CUES)}\W*)?(?:(?P<weekday>{_alt(WEEKDAYS)})[\s,\-]*)?{one}"
        rf"(?:\W*(?P<second>{fold('الموافق')}|/|=|\|)?\W*{one})?(?:\W*{time})?[\W_]*"
    )
    flags = regex.IGNORECASE | regex.V0
    return regex.compile(line, flags), regex.compile(gregorian, flags), month_numbers


@dataclass(slots=True, frozen=True)
class DateLine:
    """A line that is nothing but a date. ``banner_shape``: it reads like a "today is" widget
    (a weekday, or two calendars side by side); ``iso`` is its Gregorian date, if any."""

    iso: str | None
    banner_shape: bool


def date_line(key: str) -> DateLine | None:
    """The date a line consists of, or None when the line is more than a date."""
    if not rules.has_digit(key):
        return None
    line, _, _ = _patterns()
    found = line.fullmatch(key)
    if found is None:
        return None
    banner = bool(found.group("weekday") or found.group("second") or found.captures("hijri"))
    return DateLine(gregorian_date(key), banner)


def gregorian_date(key: str) -> str | None:
    """The first Gregorian date in a normalised key («… الموافق 10 اغسطس 2015 م …»), as ISO."""
    _, gregorian, months = _patterns()
    first = gregorian.search(key)
    if first is None:
        return None
    month = months.get(first.group("m") or "") or int(first.group("mm") or 0)
    try:
        return dt.date(int(first.group("y")), month, int(first.group("d"))).isoformat()
    except ValueError:
        return None


def same_day(iso: str, stamp: object) -> bool:
    """Whether a crawl timestamp («2015-08-11 02:51:32», «2024-04-24T10:00:00Z») falls on ``iso``."""
    return isinstance(stamp, str) and normalize(stamp.strip())[:10] == iso
