"""The cleaning stage on a backend's workers: a batch of pages cleaned a chunk at a time.

The batch's rules (an outlet's sign-off, chrome lines) need only sums of what each chunk of
pages says (:mod:`naql.clean`: ``chunk_sign_offs``, ``chunk_lines``), so each chunk is read
where it is, this process learns from the sums between the passes, and each page is then
cleaned alone: the result is :func:`naql.clean.clean_articles`' for any cut into chunks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from naql.backends import Backend, balanced_ranges, chunk_count
from naql.backends.tasks import Told, _carried, _told
from naql.clean import (
    CleanConfig,
    CleanResult,
    chunk_lines,
    chunk_sign_offs,
    clean_chunk,
    learn_batch,
    merge_cleaned,
    page_groups,
)
from naql.clean.frequency import merge_holders
from naql.records import Article


def clean_step(
    step: str, payload: Any, config: CleanConfig, first: int, pages: Sequence[Article]
) -> Any:
    """One of the three passes of :func:`clean_parallel` over a chunk of pages (numbered from
    ``first``): its sign-off votes, its short lines' holders, or the chunk cleaned."""
    if step == "votes":
        return chunk_sign_offs(pages)
    if step == "lines":
        return chunk_lines(pages, payload, config, first)
    return clean_chunk(pages, payload, config, first)


def clean_task(shared: tuple[Sequence[Article], str, Any, CleanConfig], chunk: range) -> Any:
    articles, step, payload, config = shared
    return clean_step(step, payload, config, chunk.start, articles[chunk.start : chunk.stop])


def clean_pages_task(
    shared: tuple[str, Any, CleanConfig], chunk: tuple[int, Sequence[Article]]
) -> Any:
    step, payload, config = shared
    return clean_step(step, payload, config, *chunk)


# Local workers clean a batch only when there are this many: cleaned a chunk at a time, a
# page's lines are read twice and the cleaned articles are pickled back, so SaudiNewsNet's
# batch takes 1.9 s on this machine's two workers against 1.5 s in one process (2.2 s of CPU
# in the three passes, 0.4 s unpickling the articles here); with four workers the passes'
# share is about 0.55 s. On Spark the pages are always cleaned by the executors: the driver
# of a cluster must not do corpus-sized work.
CLEAN_WORKERS = 4


def cleans_apart(backend: Backend) -> bool:
    """Whether ``backend``'s workers clean the pages (:func:`clean_parallel`)."""
    return not backend.shares_inputs or backend.workers >= CLEAN_WORKERS


def clean_parallel(
    articles: Sequence[Article], config: CleanConfig, backend: Backend, progress: Told = None
) -> CleanResult:
    """:func:`naql.clean.clean_articles` of ``articles`` on ``backend``'s workers, the same
    result: contiguous chunks of pages are read three times where they are (their sign-off
    votes, then their short lines' holders once the batch's sign-offs are known, then the
    pages cleaned once its chrome is), and between the passes this process learns from the
    chunks' sums what the batch teaches (:func:`naql.clean.learn_batch`)."""
    sizes = [len(article.text) for article in articles]
    ranges = balanced_ranges(sizes, _carried(backend, sizes, chunk_count(backend, len(articles))))
    kept = None
    if backend.shares_inputs:

        def run(step: str, payload: Any, told: Told = None) -> list[Any]:
            return backend.run(clean_task, (articles, step, payload, config), ranges, told)

    else:
        pieces = [(r.start, articles[r.start : r.stop]) for r in ranges]
        keep = getattr(backend, "keep", None)
        kept = keep(pieces) if keep is not None else None  # Spark: the pages go out once

        def run(step: str, payload: Any, told: Told = None) -> list[Any]:
            if kept is not None:
                return backend.run_kept(kept, clean_pages_task, (step, payload, config), told)  # type: ignore[attr-defined]
            return backend.run(clean_pages_task, (step, payload, config), pieces, told)

    try:
        votes: Counter[tuple[str, str]] = Counter()
        outlets: Counter[str] = Counter()
        for chunk_votes, chunk_outlets in run("votes", None):
            votes.update(chunk_votes)
            outlets.update(chunk_outlets)

        def holders(sign_offs: frozenset[tuple[str, str]]) -> dict[str, list[int]]:
            if kept is not None and hasattr(backend, "line_holders_kept"):
                # Spark: shuffled by line, only the lines that may reach a bar come back
                # (no line on fewer pages than the smallest bar is chrome).
                shared = ("lines", sign_offs, config)
                return backend.line_holders_kept(kept, shared, config.outlet_min_pages)
            return merge_holders(run("lines", sign_offs))

        learned = learn_batch(
            page_groups(articles),
            votes,
            outlets,
            holders,
            lambda index: articles[index].text,
            config,
        )
        told = _told(progress, len(articles), [len(r) for r in ranges])
        if kept is not None and hasattr(backend, "clean_kept"):
            # Spark: the cleaned texts stay there, for the tokenise job.
            found = backend.clean_kept(kept, ("clean", learned, config), told)
        else:
            found = run("clean", learned, told)
        return merge_cleaned(found, articles)
    finally:
        if kept is not None:
            kept.unpersist()
