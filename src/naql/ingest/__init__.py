"""Readers: whatever the user has (folders, files, zips, stdin) as :class:`~naql.records.Article`
records, and every input that could not be used as a one-line :class:`~naql.records.Problem`.

Nothing raises out of :func:`iter_articles` for bad input; the rest of the batch is still read.
Formats: ``.txt`` (one article per file), ``.jsonl``/``.ndjson``, ``.json``, ``.csv``/``.tsv``,
``.html``/``.htm``, ``.warc``/``.warc.gz``, ``.zip`` of any of these, and ``.gz`` of any single file;
anything else is sniffed when named explicitly (or has no extension) and skipped in folders, with
a Problem unless it is known not to be an article (a README, a saved page's images and scripts).
A Problem whose ``skipped`` is False is a notice: the input was used (bytes replaced in decoding).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING

from naql.ingest.options import ReadOptions, ReadResult
from naql.ingest.paths import STDIN_PATH, iter_paths, read_on
from naql.records import Article, Problem

if TYPE_CHECKING:
    from naql.backends import Backend

__all__ = ["STDIN_PATH", "ReadOptions", "ReadResult", "iter_articles", "read_articles"]


def iter_articles(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    skipped: MutableMapping[str, int] | None = None,
) -> Iterator[Article | Problem]:
    """Stream the articles in ``paths`` (``"-"`` is stdin), with a Problem for each bad input.

    ``skipped``, if given, is filled with how many inputs were passed over, by reason (hidden
    files, the metadata sidecar, unsupported file types, non-HTML WARC responses...).
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    names = [os.fspath(path) for path in paths]
    return iter_paths(names, options or ReadOptions(), skipped if skipped is not None else {})


def read_articles(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    options: ReadOptions | None = None,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Everything :func:`iter_articles` yields, collected; ``ReadResult.skipped_records`` is the
    exact number of inputs or records skipped. With a ``backend``, its workers read the files
    (the same result); ``progress(files read, files)`` is told as they finish."""
    result = ReadResult()
    if backend is None:
        items = iter_articles(paths, options, skipped=result.skipped)
    else:
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        names = [os.fspath(path) for path in paths]
        items = read_on(backend, names, options or ReadOptions(), result.skipped, progress)
    for item in items:
        if isinstance(item, Problem):
            result.problems.append(item)
        else:
            result.articles.append(item)
    return result
