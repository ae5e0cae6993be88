"""One page cleaned: its lines marked (chrome, captions, bylines, dates), the page split into
its stories, its metadata read from the text, repeats collapsed, and an article built per story
with the dropped lines blanked. What the whole batch taught (sign-offs, chrome) comes in through
:class:`Context`; nothing here looks at another page, so any chunk of a batch is cleaned alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from naql.clean import dates, rules
from naql.clean.body import body_interior, headline
from naql.clean.frequency import Chrome
from naql.clean.lines import Line
from naql.clean.meta import CREDIT_KINDS, Bylines, gazetteer
from naql.clean.split import READ_MORE, story_starts
from naql.outlets import Outlet
from naql.records import Article, Drop, Span, drops_within
from naql.text import normalize

if TYPE_CHECKING:
    from naql.clean import CleanConfig

# Reasons given to dropped lines besides the built-in list's and the frequency rule's.
BYLINE = "byline"
DATE_BANNER = "date banner"
DATELINE = "dateline"
EDITOR = "editor"
REPEATED_HEADLINE = "repeated headline"
REPEATED_CAPTION = "repeated caption"
REPEATED_LINE = "repeated line"
# Metadata fields in which readers keep a crawl time: a date equal to it is not a publication date.
CRAWL_FIELDS = ("warc_date", "crawl_date", "crawled", "fetched", "date_extracted", "retrieved")


_UNSET = object()


class Context:
    """What every page of a batch shares: config, learned chrome, and what the rules said about
    each distinct short line, asked lazily and remembered (chrome and bylines recur)."""

    def __init__(self, config: CleanConfig, chrome: Chrome) -> None:
        self.config = config
        self.chrome = chrome
        self.bylines = Bylines(gazetteer(config.outlets_file))
        self._builtin: dict[str, str | None] = {}
        self._caption: dict[str, bool] = {}
        self._date: dict[str, dates.DateLine | None] = {}
        self._byline: dict[str, Outlet | None] = {}

    def builtin(self, key: str) -> str | None:
        found = self._builtin.get(key, _UNSET)
        if found is _UNSET:
            found = self._builtin[key] = rules.builtin_reason(key)
        return found  # type: ignore[return-value]

    def caption(self, key: str) -> bool:
        found = self._caption.get(key)
        if found is None:
            found = self._caption[key] = rules.caption_credit(key, self.bylines.is_outlet)
        return found

    def date(self, key: str) -> dates.DateLine | None:
        found = self._date.get(key, _UNSET)
        if found is _UNSET:
            found = self._date[key] = dates.date_line(key)
        return found  # type: ignore[return-value]

    def byline(self, key: str) -> Outlet | None:
        found = self._byline.get(key, _UNSET)
        if found is _UNSET:
            found = self._byline[key] = self.bylines.outlet_of(key)
        return found  # type: ignore[return-value]


def clean_page(
    article: Article, lines: list[Line], group: str | None, context: Context
) -> list[tuple[Article, list[Drop]]]:
    """One page: mark the lines (chrome, captions), split it, read its metadata, collapse the
    repeats, then build one article per story with the dropped lines blanked."""
    config = context.config
    count = len(lines)
    reasons: list[str | None] = [None] * count
    captions = [False] * count
    small: list[int] = []  # kept short lines that may be a byline
    dated: list[int] = []  # kept short lines with a digit: maybe a date line
    counters: list[int] = []  # lone numbers: dropped for now, kept if they stand inside the body
    repeats = read_more = False
    seen: set[str] = set()
    editor_title = False  # the line before was «رئيس التحرير» alone
    for index, line in enumerate(lines):
        key = line.key
        words = line.words
        if line.long:
            if key in seen:
                repeats = True
            seen.add(key)
            editor_title = False
            continue
        reason = context.builtin(key) if words <= config.pattern_max_words else None
        if reason is None and words <= config.frequent_max_words:
            reason = context.chrome.reason(group, key)
        if reason is None and editor_title and words <= 4 and rules.looks_like_name(key):
            reason = EDITOR  # the editor's name under «رئيس التحرير»
        if reason is None:
            if words <= config.caption_max_words and context.caption(key):
                captions[index] = True
            if key in seen:
                repeats = True
            seen.add(key)
            if words <= config.byline_max_words:
                small.append(index)
            if words <= config.pattern_max_words and rules.has_digit(key):
                dated.append(index)
            editor_title = False
        else:
            reasons[index] = reason
            if reason == rules.COUNTER:
                counters.append(index)
            read_more = read_more or reason == READ_MORE
            editor_title = reason == EDITOR and words <= 4 and rules.is_title_alone(key)
    starts = (
        story_starts(lines, reasons, captions, config)
        if config.split and (repeats or read_more)
        else []
    )
    bounds = [0, *starts, count]

    known: Outlet | None | bool = False  # resolved only when a byline asks (most pages have none)
    outlet, outlet_from = article.outlet, None
    date, date_from = article.date, None
    titles: list[str | None] = []
    for part in range(len(bounds) - 1):
        first, stop = bounds[part], bounds[part + 1]
        kept = [i for i in range(first, stop) if reasons[i] is None]
        # Bylines: in the story's head, or among its last lines.
        head = set(kept[: config.head_lines])
        edges = head.union(kept[-3:])
        for i in small:
            if not first <= i < stop or i not in edges:
                continue
            named = context.byline(lines[i].key)
            if named is None:
                continue
            if (
                outlet is None
                and i in head
                and config.infer_metadata
                and named.kind not in CREDIT_KINDS
            ):
                outlet, outlet_from, known = named.name, BYLINE, named
                reasons[i] = BYLINE
            else:
                if known is False:
                    known = context.bylines.resolve(article.outlet, article.url)
                if isinstance(known, Outlet) and named.id == known.id:
                    reasons[i] = BYLINE
        date_lines = {}
        for i in dated:
            if first <= i < stop and reasons[i] is None:
                found = context.date(lines[i].key)
                if found is not None:
                    date_lines[i] = found
        numbered = [i for i in counters if first <= i < stop]
        title_index = None
        if article.title is None or part > 0 or date_lines or repeats or numbered:
            title_index = headline(lines, kept, reasons, captions, date_lines, config)
        titles.append(lines[title_index].text if title_index is not None else None)
        if date_lines or numbered:
            # A date or a number between two of the story's paragraphs is the story's own (the
            # review dates of an exam-results list, a serial's «(2)»): only the page's head and
            # tail hold banners and counters. Lines the whole batch repeats still go.
            inner = body_interior(lines, kept, reasons, captions, date_lines, title_index)
            if inner is not None:
                low, high = inner
                for i in numbered:
                    if low < i < high:
                        reasons[i] = context.chrome.reason(group, lines[i].key)
                        if reasons[i] is None:
                            kept.append(i)
                kept.sort()
                date_lines = {i: found for i, found in date_lines.items() if not low < i < high}
        for i, found in date_lines.items():
            if (title_index is None or i < title_index) and found.banner_shape:
                reasons[i] = DATE_BANNER  # «الأربعاء 24 أبريل 2024 الموافق 15 شوال 1445» atop 002
                continue
            reasons[i] = DATELINE
            iso = found.iso
            if (
                date is None
                and iso
                and config.infer_metadata
                and not any(dates.same_day(iso, article.meta.get(name)) for name in CRAWL_FIELDS)
            ):
                date, date_from = iso, DATELINE
        if repeats:
            _collapse_repeats(
                article.title if part == 0 else None, lines, kept, reasons, captions, title_index
            )

    split = len(bounds) > 2
    if (
        not split
        and not article.dropped
        and outlet_from is None
        and date_from is None
        and (article.title or titles[0] is None)
    ):
        # The common case: one story, nothing found in the text to add to the metadata.
        text, drops = _blank(article.text, lines, reasons, 0, count, 0, len(article.text))
        return [(_copy(article, text=text, dropped=drops), drops)]
    results = []
    for part in range(len(bounds) - 1):
        first, stop = bounds[part], bounds[part + 1]
        begin = lines[first].start if first > 0 else 0
        end = lines[stop].start if stop < count else len(article.text)
        text, drops = _blank(article.text, lines, reasons, first, stop, begin, end)
        meta = dict(article.meta)
        if outlet_from:
            meta["outlet_from"] = outlet_from
        if date_from:
            meta["date_from"] = date_from
        # The reader's title is the page's, so the first story's; a later story has its own headline.
        title = (article.title or titles[0]) if part == 0 else titles[part]
        if split:
            meta["page"] = article.id
            if part > 0 and article.title:
                meta["page_title"] = article.title
        old = drops_within(article.dropped, begin, end)
        dropped = sorted(old + drops, key=lambda d: (d.span.start, d.span.end)) if old else drops
        cleaned = _copy(
            article,
            text=text,
            dropped=dropped,
            title=title,
            meta=meta,
            outlet=outlet,
            date=date,
            id=f"{article.id}#{part + 1}" if split else article.id,
            offset=article.offset + begin,
        )
        results.append((cleaned, drops))
    return results


def _copy(article: Article, *, text: str, dropped: list[Drop], **changes: Any) -> Article:
    """A new Article with ``article``'s fields but these (``meta`` is copied, never shared)."""
    fields = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    fields.update(changes)
    fields["meta"] = dict(fields["meta"])
    return Article(text=text, dropped=dropped, **fields)


_ARTICLE_FIELDS = ("id", "outlet", "url", "date", "title", "path", "language", "offset", "meta")


def _collapse_repeats(
    given_title: str | None,
    lines: list[Line],
    kept: list[int],
    reasons: list[str | None],
    captions: list[bool],
    title_index: int | None,
) -> None:
    """Repeats: the headline printed again and captions printed twice go wherever they are; any
    other line only when it doubles the line just before it (a crawler's echo). A sentence that
    recurs further on («وقد أعد مرسوم ملكي بذلك.» closing each of several decrees) is the text's
    own."""
    seen: set[str] = set()
    title_key: str | None | bool = False  # computed on the first repeat
    last_key = None
    for i in kept:
        if reasons[i] is not None:
            continue
        key = lines[i].key
        if key in seen and title_key is False:
            title_key = _title_key(given_title, lines, title_index)
        if key in seen and key == title_key:
            reasons[i] = REPEATED_HEADLINE
        elif key in seen and captions[i]:
            reasons[i] = REPEATED_CAPTION
        elif key == last_key:
            reasons[i] = REPEATED_LINE
        seen.add(key)
        last_key = key


def _title_key(given: str | None, lines: list[Line], title_index: int | None) -> str | None:
    """The key of a story's headline: the reader's title if it gave one, else the first headline
    line of the text."""
    if given:
        return " ".join(normalize(given).split())
    return lines[title_index].key if title_index is not None else None


def _blank(
    text: str,
    lines: list[Line],
    reasons: list[str | None],
    first: int,
    stop: int,
    begin: int,
    end: int,
) -> tuple[str, list[Drop]]:
    """The slice ``text[begin:end]`` with the dropped lines among ``lines[first:stop]`` blanked."""
    pieces: list[str] = []
    drops: list[Drop] = []
    position = begin
    for index in range(first, stop):
        reason = reasons[index]
        if reason is None:
            continue
        line = lines[index]
        pieces.append(text[position : line.start])
        pieces.append(" " * (line.end - line.start))
        drops.append(Drop(Span(line.start - begin, line.end - begin), reason))
        position = line.end
    if not drops:
        return text[begin:end], drops
    pieces.append(text[position:end])
    return "".join(pieces), drops
