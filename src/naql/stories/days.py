"""The day an article reports: the weekday its lead names («اليوم (الاثنين)», «أمس الثلاثاء»),
placed on the calendar by the article's own date.

A daily format (the gold price, the oil close, a forecast) is written afresh each day from the
same wire vocabulary, so one day's report and the next share their topic, their background and
often a sentence or two; what tells them apart is the day each reports. Leads name it:
«تراجعت أسعار الذهب اليوم الاثنين», «أمس الإثنين» in the next morning's paper; both are Monday.
The weekday is placed on the latest such day on or before the article's date (a crawl or
publication time, never before the writing), within the week.

A lead that names no weekday may still name its day as the article's own: the forecast's
«في تقريرها عن حالة الطقس لهذا اليوم», a decree's «اعتبارا من هذا اليوم». «(ل)هذا اليوم» is
that day, placed by the article's date (its crawl or publication day), and read only when the
lead names no weekday at all: «هذا اليوم (أمس) السبت» is a re-run's Saturday, which the date
would misplace, and «في مثل هذا اليوم» is an anniversary, another year's day. A bare «اليوم»
is not read: it is the lead's commonest adverb («أكد اليوم»), and placed by a crawl time a day
late it split one day's reports (measured on the hand-read pairs: three same-event pairs lost).

A night is two days: one paper's «مساء أمس الجمعة» is another's «فجر اليوم السبت» (Paris and
Riyadh, or the writer's choice), so an evening, a night or a dawn names the day and the next
(or the one before). Stories never hold two articles whose days cannot meet
(:func:`naql.stories.average_linkage`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

import numpy as np
import regex  # type: ignore[import-untyped]

from naql.clean.rules import fold
from naql.text import normalize
from naql.text.normalize import normalize_with_offsets
from naql.text.weekdays import ARABIC_WEEKDAYS

_WEEKDAYS = ARABIC_WEEKDAYS
# Only a weekday announced as today's or yesterday's names the reported day: «يوم الخميس
# القادم» or a bare «الخميس» may be the next step, a deadline or the day of another event.
_CUES = ("اليوم", "أمس", "امس", "الليلة")
# Parts of a day before the cue: the evening and the night run into the next day, the dawn
# comes out of the one before.
_LATE = ("مساء", "ليلة", "ليل", "الليلة")
_EARLY = ("فجر",)
# The lead: the day a report is about is named in its first sentences.
LEAD_CHARS = 400
# What :func:`lead_weekday` gives for «(ل)هذا اليوم»: the article's own day, whatever weekday.
THIS_DAY = 7


def _either(words: Sequence[str]) -> str:
    """The words as a regex alternation, folded, the longest first."""
    return "|".join(sorted({fold(word) for word in words}, key=len, reverse=True))


# An evening, a night or a dawn before the cue (see _LATE).
_PART = rf"(?:(?P<late>{_either(_LATE)})|(?P<early>{_either(_EARLY)}))"


@functools.lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?<!\w)(?:{_PART}\s+)?(?:{_either(_CUES)})"
        rf"\s*[(«\"]?\s*(?P<day>{_either(list(_WEEKDAYS))})(?!\w)",
        regex.V0,
    )


@functools.lru_cache(maxsize=1)
def _this_day() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?<!\w)(?<!{fold('مثل')}\s+)(?:{_PART}\s+)?ل?{fold('هذا')}\s+{fold('اليوم')}(?!\w)",
        regex.V0,
    )


@functools.lru_cache(maxsize=1)
def _weekday_words() -> re.Pattern[str]:
    """What every match of :func:`_pattern` holds: a weekday's name, as a plain literal
    search (no lookaround, so the engine skips ahead to the names' first letters)."""
    return re.compile(_either(list(_WEEKDAYS)))


@functools.lru_cache(maxsize=1)
def _this_day_words() -> regex.Pattern[str]:
    """What every match of :func:`_this_day` holds (in :mod:`regex`, whose ``\\s`` the
    pattern's is)."""
    return regex.compile(rf"{fold('هذا')}\s+{fold('اليوم')}", regex.V0)


@functools.lru_cache(maxsize=1)
def _any_weekday() -> regex.Pattern[str]:
    return regex.compile(rf"(?<!\w)(?:{_either(list(_WEEKDAYS))})(?!\w)", regex.V0)


@functools.lru_cache(maxsize=1)
def _numbers() -> dict[str, int]:
    return {fold(name): number for name, number in _WEEKDAYS.items()}


def lead_weekday(text: str, title: str | None = None) -> tuple[int, int] | None:
    """The weekday (Monday 0) the title or the lead names as today's or yesterday's, if one
    and only one, or :data:`THIS_DAY` for «هذا اليوم» in a lead naming no weekday; and how
    far the day runs: 1 into the next (an evening, a night), -1 out of the one before (a
    dawn), 0 not beyond itself."""
    return _named(normalize(_lead(text, title)))


def _named(lead: str) -> tuple[int, int] | None:
    """:func:`lead_weekday` of a normalised lead."""
    named = _one_day([_hit(hit) for hit in _pattern().finditer(lead)])
    if named is not None or _any_weekday().search(lead):
        return named
    return _one_day([(THIS_DAY, _runs(hit)) for hit in _this_day().finditer(lead)])


def reported_day(text: str, when: datetime | None, title: str | None = None) -> tuple[int, ...]:
    """The day the article reports (see the module doc) as proleptic ordinals, two for a
    night; none when its lead does not say or it has no date to place the weekday by."""
    if when is None:
        return ()
    named = lead_weekday(text, title)
    return () if named is None else _placed(named, when)


def reported_days(
    texts: Sequence[str],
    dates: Sequence[datetime | None],
    titles: Sequence[str | None],
    block: int = 4096,
) -> dict[int, tuple[int, ...]]:
    """:func:`reported_day` of each article that has one, by its index. The leads are
    normalised and searched ``block`` at a time, joined by a character no match can cross:
    one lead at a time, normalising was 2.5 s of SaudiNewsNet's stories stage."""
    found: dict[int, tuple[int, ...]] = {}
    for low in range(0, len(texts), block):
        high = min(low + block, len(texts))
        named = _lead_weekdays(texts[low:high], titles[low:high])
        for k, weekday in named.items():
            when = dates[low + k]
            if weekday is not None and when is not None:
                found[low + k] = _placed(weekday, when)
    return found


def _lead_weekdays(
    texts: Sequence[str], titles: Sequence[str | None]
) -> dict[int, tuple[int, int] | None]:
    """:func:`lead_weekday` of the texts whose lead names a weekday after a cue, by index."""
    leads = [_lead(text, title) for text, title in zip(texts, titles)]
    # «|» is neither a word character nor a space, so a match ends where its lead does.
    starts = np.cumsum([0] + [len(lead) + 1 for lead in leads[:-1]])
    normal, origin = normalize_with_offsets("|".join(leads))

    # Where each lead starts in ``normal``, and one past its end.
    bounds = np.append(np.searchsorted(origin, starts), len(normal))

    def lead_of(hit: regex.Match[str]) -> int:
        return int(np.searchsorted(bounds, hit.start(), side="right")) - 1

    def searched(
        pattern: regex.Pattern[str], needed: re.Pattern[str] | regex.Pattern[str]
    ) -> Iterator[regex.Match[str]]:
        """``pattern``'s matches in ``normal``, looked for only in the leads holding the
        literal every match contains (``needed``): the lookarounds' slow start at every
        character took 1.2 of SaudiNewsNet's 1.4 s here. A match never crosses a lead, and
        each lead is searched in place, its context there for the lookbehinds."""
        holding = sorted({lead_of(hit) for hit in needed.finditer(normal)})
        for lead in holding:
            yield from pattern.finditer(normal, int(bounds[lead]), int(bounds[lead + 1]))

    hits: dict[int, list[tuple[int, int]]] = {}
    for hit in searched(_pattern(), _weekday_words()):
        hits.setdefault(lead_of(hit), []).append(_hit(hit))
    found = {lead: _one_day(named) for lead, named in hits.items()}
    # «هذا اليوم» counts only in a lead that names no weekday (see the module doc): few
    # leads say it, so each is read alone.
    this_day = {lead_of(hit) for hit in searched(_this_day(), _this_day_words())}
    for lead in sorted(this_day - set(hits)):
        found[lead] = _named(normalize(leads[lead]))
    return found


def _lead(text: str, title: str | None) -> str:
    """What is searched for the day: the title, if any, and the text's first characters."""
    return f"{title}\n{text[:LEAD_CHARS]}" if title else text[:LEAD_CHARS]


def _hit(hit: regex.Match[str]) -> tuple[int, int]:
    return _numbers()[hit["day"]], _runs(hit)


def _runs(hit: regex.Match[str]) -> int:
    return 1 if hit["late"] else -1 if hit["early"] else 0


def _one_day(hits: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The weekday the hits name, if one, and how far it runs (see :func:`lead_weekday`)."""
    weekdays = {weekday for weekday, _ in hits}
    if len(weekdays) != 1:
        return None
    # The day mentioned twice, once as «مساء اليوم الاثنين»: it still runs into the night.
    runs = {runs for _, runs in hits} - {0}
    return weekdays.pop(), runs.pop() if len(runs) == 1 else 0


def _placed(named: tuple[int, int], when: datetime) -> tuple[int, ...]:
    weekday, runs = named
    day = when.date()
    if weekday == THIS_DAY:
        return tuple(sorted({day.toordinal(), day.toordinal() + runs}))
    first = (day - timedelta(days=(day.weekday() - weekday) % 7)).toordinal()
    return tuple(sorted({first, first + runs}))


def as_date(ordinal: int) -> date:
    """An ordinal of :func:`reported_day` as a date."""
    return date.fromordinal(ordinal)
