"""Weekday names, one list for every stage that reads them: a page's dateline
(:mod:`naql.clean.dates`), the day a report names (:mod:`naql.stories.days`), a bulletin's
slot words (:mod:`naql.slots`) and an outlet's stamp (:mod:`naql.provenance.hidden`)."""

from __future__ import annotations

# Python's weekday(): Monday 0 ... Sunday 6. Monday is spelt with and without its hamza.
ARABIC_WEEKDAYS: dict[str, int] = {
    "الاثنين": 0,
    "الإثنين": 0,
    "الثلاثاء": 1,
    "الأربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
}
LATIN_WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
