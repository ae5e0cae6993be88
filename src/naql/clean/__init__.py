"""Cleaning: from scraped pages to articles, with every offset still pointing into the input.

:func:`clean_articles` takes what the readers gave and hands the aligner articles, not pages:

* **chrome out** — lines of the built-in list (:mod:`naql.clean.rules`: comment boxes, «اقرأ
  أيضا», «المزيد», «رئيس التحرير» and the name under it, «عاجل», section names, «TT», a lone
  counter, share buttons…) and short lines the batch shows to be boilerplate
  (:mod:`naql.clean.frequency`). A lone counter or a date line goes only from a story's head
  or tail: between two of its paragraphs it is the story's own («(2)» of a serial, the review
  dates of a results list), unless the batch repeats it;
* **repeats collapsed** — a caption printed twice, the headline printed again above the body:
  the first stays, the repeats go;
* **metadata from the text** — when the reader gave none: the outlet from the page's byline
  (:mod:`naql.clean.meta`), the date from a dateline but never from a page's date banner nor
  the crawl date (:mod:`naql.clean.dates`), the title from the first headline line;
* **multi-story pages split** (:mod:`naql.clean.split`) into ``<page id>#1``, ``#2``…

Nothing is ever deleted or moved. A dropped line is overwritten with spaces (newlines stay) and
listed in ``Article.dropped`` with its reason; a story cut from a page is a slice of the page's
text with ``offset`` moved by the slice's start. So ``article.offset + span`` is always a span of
the input as read, and :func:`explain` can show every dropped line from the original text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from naql.clean import dates, rules
from naql.clean.body import body_interior, headline
from naql.clean.frequency import Chrome, learn_chrome
from naql.clean.lines import LONG_CHARS, Line, fill_keys, split_lines
from naql.clean.meta import CREDIT_KINDS, Bylines, gazetteer
from naql.clean.signoff import SIGN_OFF, without_sign_offs
from naql.clean.split import READ_MORE, story_starts
from naql.errors import ConfigError
from naql.outlets import Outlet
from naql.records import Article, Drop, Span, drops_within
from naql.stages import collector_paused
from naql.text import normalize

__all__ = ["CleanConfig", "CleanResult", "DropRow", "clean_articles", "explain", "explain_drops"]

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


@dataclass(slots=True, frozen=True, kw_only=True)
class CleanConfig:
    """Thresholds of the cleaning rules. Word counts are blank-separated words of one line."""

    # Built-in chrome patterns are tried on lines of at most this many words; the longest entry
    # («اقرأ أيضا: <a linked headline>») fits, a body paragraph (20-80 words) does not.
    pattern_max_words: int = 20
    # Frequency rule (see naql.clean.frequency): only lines this short are counted. Chrome lines
    # are 1-10 words; the seeds' shortest body paragraph has 12.
    frequent_max_words: int = 10
    # Outlet chrome: on >= max(outlet_min_pages, outlet_share * pages of that outlet) pages. A
    # comment box or a footer is on every page of its site, a desk byline («عين اليوم – متابعات»)
    # on 9% of its outlet's SaudiNewsNet pages; the floor keeps a few pages of one story from
    # teaching anything.
    outlet_min_pages: int = 5
    outlet_share: float = 0.02
    # Cross-outlet chrome: on >= max(cross_min_pages, cross_share * all pages) pages of at least
    # cross_min_outlets outlets (155 pages of a 31,000-page crawl; 8 of a small one).
    cross_min_pages: int = 8
    cross_share: float = 0.005
    cross_min_outlets: int = 3
    # ...and only if the pages holding the line are different stories: mean pairwise Jaccard of
    # their word sets (up to guard_sample pages) below story_overlap. Chrome scores 0.02-0.05 on
    # SaudiNewsNet, a re-run story's lines 0.27 and up.
    story_overlap: float = 0.15
    guard_sample: int = 8
    # A caption is a line of at most this many words ending in a photo credit (000's has 16).
    caption_max_words: int = 25
    # A headline is a line of at most this many words (the title, and story heads when splitting).
    headline_max_words: int = 20
    # Bylines: lines of at most this many words among a story's first head_lines lines.
    byline_max_words: int = 6
    head_lines: int = 8
    # Splitting multi-story pages (naql.clean.split): a headline repeated within head_window
    # lines opens a story; each part needs min_story_words kept words, and the parts' word-set
    # Jaccard must stay below split_max_overlap (000's Haftar teaser vs the Sullivan story: 0.03).
    split: bool = True
    head_window: int = 8
    min_story_words: int = 30
    split_max_overlap: float = 0.2
    # Fill outlet, date and title from the text when the reader found none.
    infer_metadata: bool = True
    # An extra outlets file (same form as naql/data/outlets.json) for byline look-ups.
    outlets_file: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "pattern_max_words",
            "frequent_max_words",
            "outlet_min_pages",
            "cross_min_pages",
            "cross_min_outlets",
            "guard_sample",
            "caption_max_words",
            "headline_max_words",
            "byline_max_words",
            "head_lines",
            "head_window",
            "min_story_words",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(
                    f"CleanConfig.{name} is {getattr(self, name)}; it must be at least 1"
                )
        for name in ("outlet_share", "cross_share", "story_overlap", "split_max_overlap"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(
                    f"CleanConfig.{name} is {getattr(self, name)}; it is a share, 0 to 1"
                )
        if self.guard_sample < 2:
            raise ConfigError(
                "CleanConfig.guard_sample must be at least 2 (it compares pages in pairs)"
            )

        longest = _short_words(self)
        if longest > 40:
            raise ConfigError(
                f"CleanConfig word limits go up to {longest}; at most 40 are possible, since lines of "
                f"over {LONG_CHARS} characters are always treated as body text"
            )


def _short_words(config: CleanConfig) -> int:
    """The longest line (in words) any rule looks at; longer lines are body text."""
    return max(
        config.pattern_max_words,
        config.frequent_max_words,
        config.caption_max_words,
        config.headline_max_words,
        config.byline_max_words,
    )


@dataclass(slots=True)
class CleanResult:
    """The cleaned articles, how many lines were dropped per reason, and where each came from."""

    articles: list[Article]
    dropped: dict[str, int]
    # For each output article, the index of its page in the input (for explain()).
    sources: list[int] = field(default_factory=list, repr=False)
    pages: Sequence[Article] = field(default=(), repr=False)


_UNSET = object()


class _Context:
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


def _group(article: Article) -> str | None:
    """The outlet a page is counted under by the frequency rule (None: unknown)."""
    if article.outlet:
        return " ".join(article.outlet.casefold().split())
    return None


def clean_articles(
    articles: Sequence[Article],
    config: CleanConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CleanResult:
    """Clean a batch of pages (see the module's docstring). The inputs are not modified;
    ``progress(done, total)`` is told of the pages cleaned."""
    config = config or CleanConfig()
    with collector_paused():  # lines, keys and articles by the hundred thousand, no cycles
        return _clean_batch(articles, config, progress)


def _clean_batch(
    articles: Sequence[Article],
    config: CleanConfig,
    progress: Callable[[int, int], None] | None,
) -> CleanResult:
    groups = [_group(article) for article in articles]
    inputs = without_sign_offs(articles, groups, config)
    pages = [split_lines(article.text) for article in inputs]
    fill_keys(pages, _short_words(config))
    chrome = learn_chrome(groups, pages, lambda index: articles[index].text, config)
    context = _Context(config, chrome)
    out: list[Article] = []
    sources: list[int] = []
    counts: Counter[str] = Counter()
    for index, (article, lines) in enumerate(zip(inputs, pages)):
        if article is not articles[index]:
            counts[SIGN_OFF] += 1
        for cleaned, new_drops in _clean_page(article, lines, groups[index], context):
            out.append(cleaned)
            sources.append(index)
            counts.update(drop.reason for drop in new_drops)
        if progress is not None and (index % 1024 == 1023 or index == len(articles) - 1):
            progress(index + 1, len(articles))
    return CleanResult(out, dict(counts.most_common()), sources, articles)


def _clean_page(
    article: Article, lines: list[Line], group: str | None, context: _Context
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


# After CleanResult: the explanations read it.
from naql.clean.explain import DropRow, explain, explain_drops  # noqa: E402
