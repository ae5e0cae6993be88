"""A batch cleaned a chunk at a time (on other cores, on Spark) is the batch cleaned at once."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Sequence

from conftest import shared
from hypothesis import given, settings
from hypothesis import strategies as st

from naql.backends import cleaning
from naql.backends.local import LocalBackend
from naql.clean import (
    CleanConfig,
    CleanResult,
    Learned,
    chunk_lines,
    chunk_sign_offs,
    clean_articles,
    clean_chunk,
    learn_batch,
    merge_cleaned,
    page_groups,
)
from naql.clean.frequency import merge_holders
from naql.ingest import ReadOptions, read_articles
from naql.records import Article

PAGES = 1444
CONFIG = CleanConfig()
SHARE = "شارك هذا الخبر عبر تويتر"


@functools.cache
def _pages() -> list[Article]:
    """Every other page of SaudiNewsNet's first day (1,444, the eleven outlets), outlets
    named, every 90th closed by a share button line (the corpus's texts hold no line that
    is chrome across outlets): every batch rule learns something (al-Weeam's sign-off, its
    outlets' own chrome, the share line)."""
    archive = sorted(shared("saudinewsnet").glob("*.zip"))[0]
    options = ReadOptions(text_field="content", id_field="url", outlet_field="source")
    pages = read_articles([str(archive)], options).articles[::2]
    assert len(pages) == PAGES
    return [
        dataclasses.replace(page, text=f"{page.text}\n{SHARE}") if k % 90 == 0 else page
        for k, page in enumerate(pages)
    ]


@functools.cache
def _whole() -> CleanResult:
    return clean_articles(_pages(), CONFIG)


def _in_chunks(pages: Sequence[Article], cuts: list[int]) -> tuple[CleanResult, Learned]:
    """The three passes of the chunked cleaning, each chunk on its own, in this process."""
    config = CONFIG
    bounds = [0, *sorted(set(cuts)), len(pages)]
    chunks = [(a, pages[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]
    votes: Counter[tuple[str, str]] = Counter()
    outlets: Counter[str] = Counter()
    for chunk_votes, chunk_outlets in (chunk_sign_offs(chunk) for _, chunk in chunks):
        votes.update(chunk_votes)
        outlets.update(chunk_outlets)
    learned = learn_batch(
        page_groups(pages),
        votes,
        outlets,
        lambda sign_offs: merge_holders(
            chunk_lines(chunk, sign_offs, config, first) for first, chunk in chunks
        ),
        lambda index: pages[index].text,
        config,
    )
    cleaned = [clean_chunk(chunk, learned, config, first) for first, chunk in chunks]
    return merge_cleaned(cleaned, pages), learned


def _same(one: CleanResult, other: CleanResult) -> None:
    assert one.articles == other.articles
    assert one.sources == other.sources
    assert list(one.dropped.items()) == list(other.dropped.items())  # the order too


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=PAGES - 1), max_size=6))
def test_any_cut_into_chunks_cleans_as_the_whole_batch(cuts: list[int]) -> None:
    chunked, learned = _in_chunks(_pages(), cuts)
    # Each rule that needs the whole batch learned something here, or the test proves little.
    assert learned.sign_offs and learned.chrome.by_outlet and learned.chrome.everywhere
    _same(chunked, _whole())


def test_two_local_workers_clean_as_one_process() -> None:
    pages = _pages()
    on_two = cleaning.clean_parallel(pages, CONFIG, LocalBackend(2))
    _same(on_two, _whole())
    assert "frequent in outlet" in on_two.dropped and "outlet sign-off" in on_two.dropped


def test_chunks_sent_their_own_pages_clean_as_one_process() -> None:
    # Workers that do not share this process's memory are sent each chunk's pages.
    alone = LocalBackend(2)
    alone.shares_inputs = False  # type: ignore[misc]
    _same(cleaning.clean_parallel(_pages(), CONFIG, alone), _whole())
