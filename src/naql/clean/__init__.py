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

from naql.clean.frequency import Chrome, learn_chrome, line_holders, worth_counting
from naql.clean.lines import LONG_CHARS, Line, fill_keys, split_lines
from naql.clean.page import Context, clean_page
from naql.clean.signoff import (
    SIGN_OFF,
    Votes,
    learn_sign_offs,
    sign_off_votes,
    without_sign_offs,
)
from naql.errors import ConfigError
from naql.records import Article
from naql.stages import collector_paused

__all__ = ["CleanConfig", "CleanResult", "DropRow", "clean_articles", "explain", "explain_drops"]


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


@dataclass(slots=True, frozen=True)
class Learned:
    """What a whole batch taught, which cleaning any page of it needs: the outlets' sign-offs
    (:mod:`naql.clean.signoff`) and the chrome lines (:mod:`naql.clean.frequency`)."""

    sign_offs: frozenset[tuple[str, str]] = frozenset()
    chrome: Chrome = field(default_factory=Chrome)


def page_groups(articles: Sequence[Article]) -> list[str | None]:
    """The outlet each page is counted under by the batch rules (None: unknown)."""
    return [
        " ".join(article.outlet.casefold().split()) if article.outlet else None
        for article in articles
    ]


def clean_articles(
    articles: Sequence[Article],
    config: CleanConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CleanResult:
    """Clean a batch of pages (see the module's docstring). The inputs are not modified;
    ``progress(done, total)`` is told of the pages cleaned."""
    config = config or CleanConfig()
    with collector_paused():  # lines, keys and articles by the hundred thousand, no cycles
        groups = page_groups(articles)
        sign_offs = learn_sign_offs(*sign_off_votes(articles, groups), config)
        inputs = without_sign_offs(articles, groups, sign_offs)
        pages = _lines(inputs, config)
        holders = line_holders(pages, config) if worth_counting(groups, config) else {}
        chrome = learn_chrome(groups, holders, lambda index: articles[index].text, config)
        done = _cleaned(articles, inputs, pages, groups, Context(config, chrome), progress)
        return merge_cleaned([done], articles)


# The same batch cut into contiguous chunks, each chunk's work done apart (on other cores, on
# Spark's executors: naql.backends.cleaning.clean_parallel), gives the same result: the batch's
# rules need only sums of what each chunk says (sign-off votes, the pages holding each short
# line), and each page is then cleaned alone.


def chunk_sign_offs(articles: Sequence[Article]) -> tuple[Votes, Counter[str]]:
    """A chunk's :func:`~naql.clean.signoff.sign_off_votes` (summed over chunks, the batch's)."""
    return sign_off_votes(articles, page_groups(articles))


def chunk_lines(
    articles: Sequence[Article],
    sign_offs: frozenset[tuple[str, str]],
    config: CleanConfig,
    first: int,
) -> dict[str, list[int]]:
    """A chunk's short lines and the pages holding them, numbered from ``first``
    (:func:`~naql.clean.frequency.line_holders`; merged in chunk order, the batch's)."""
    with collector_paused():
        inputs = without_sign_offs(articles, page_groups(articles), sign_offs)
        return line_holders(_lines(inputs, config), config, first)


def learn_batch(
    groups: Sequence[str | None],
    votes: Votes,
    sizes: Counter[str],
    holders: Callable[[frozenset[tuple[str, str]]], dict[str, list[int]]],
    page_text: Callable[[int], str],
    config: CleanConfig,
) -> Learned:
    """What a batch teaches, from its chunks' sums: the sign-offs from the votes, then the
    chrome from ``holders(sign_offs)`` (asked only when a line could reach a bar)."""
    sign_offs = frozenset(learn_sign_offs(votes, sizes, config))
    if not worth_counting(groups, config):
        return Learned(sign_offs)
    return Learned(sign_offs, learn_chrome(groups, holders(sign_offs), page_text, config))


def clean_chunk(
    articles: Sequence[Article], learned: Learned, config: CleanConfig, first: int = 0
) -> CleanResult:
    """A chunk of a batch, its first page the batch's ``first``, cleaned with what the batch
    taught: ``sources`` are the batch's page numbers, ``dropped`` in order of first drop, and
    the pages are not carried back (:func:`merge_cleaned`)."""
    with collector_paused():
        groups = page_groups(articles)
        inputs = without_sign_offs(articles, groups, learned.sign_offs)
        pages = _lines(inputs, config)
        done = _cleaned(articles, inputs, pages, groups, Context(config, learned.chrome), None)
    return CleanResult(done.articles, done.dropped, [first + k for k in done.sources])


def merge_cleaned(chunks: Sequence[CleanResult], pages: Sequence[Article]) -> CleanResult:
    """The batch's result from its contiguous chunks', in order (``pages``: the batch)."""
    out: list[Article] = []
    sources: list[int] = []
    counts: Counter[str] = Counter()
    for chunk in chunks:
        out.extend(chunk.articles)
        sources.extend(chunk.sources)
        counts.update(chunk.dropped)  # in order: each reason where the batch first dropped it
    return CleanResult(out, dict(counts.most_common()), sources, pages)


def _lines(inputs: Sequence[Article], config: CleanConfig) -> list[list[Line]]:
    pages = [split_lines(article.text) for article in inputs]
    fill_keys(pages, _short_words(config))
    return pages


def _cleaned(
    articles: Sequence[Article],
    inputs: Sequence[Article],
    pages: Sequence[list[Line]],
    groups: Sequence[str | None],
    context: Context,
    progress: Callable[[int, int], None] | None,
) -> CleanResult:
    """Each page cleaned (:func:`~naql.clean.page.clean_page`); ``dropped`` unsorted."""
    out: list[Article] = []
    sources: list[int] = []
    counts: Counter[str] = Counter()
    for index, (article, lines) in enumerate(zip(inputs, pages)):
        if article is not articles[index]:
            counts[SIGN_OFF] += 1
        for cleaned, new_drops in clean_page(article, lines, groups[index], context):
            out.append(cleaned)
            sources.append(index)
            counts.update(drop.reason for drop in new_drops)
        if progress is not None and (index % 1024 == 1023 or index == len(articles) - 1):
            progress(index + 1, len(articles))
    return CleanResult(out, dict(counts), sources, articles)


# After CleanResult: the explanations read it.
from naql.clean.explain import DropRow, explain, explain_drops  # noqa: E402
