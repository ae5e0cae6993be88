"""The index: pages added day by day, traced as one pile, queried one article at a time.

``add`` stores the pages read (idempotent by content hash; a page whose content changed under
the same id replaces the old one), then re-traces the whole archive with
:func:`naql.pipeline.trace` remembering what its costly stages computed before
(:mod:`naql.memo`): only new texts are tokenised, only new or changed pairs aligned, only new
pages attributed, only the stories they touch traced again. The result is, by construction,
the one ``naql trace`` gives over all the pages in the order they were added; a test checks it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from naql import pipeline, query
from naql.backends import Backend
from naql.clean import CleanConfig
from naql.memo import Memo
from naql.outlets import load as load_gazetteer
from naql.outlets import mostly_latin
from naql.records import Article, Problem, Trace, from_json, to_json
from naql.store import Store
from naql.store.settings import SETTINGS, Settings, check_settings, salt, settings_of

PENDING = "pending"
# The settings moved out so that opening an index for a query loads no pipeline stage; the
# names stay importable from here.
__all__ = [
    "PENDING",
    "SETTINGS",
    "AddReport",
    "Settings",
    "add",
    "check_settings",
    "page_record",
    "retrace",
    "salt",
    "settings_of",
    "store_pages",
    "stored_pages",
]


@dataclass(slots=True)
class AddReport:
    new: int
    replaced: list[str]
    unchanged: int
    traced: bool  # False when nothing changed and nothing was pending
    trace: Trace | None = None
    written: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)  # memo hits per kind
    computed: dict[str, int] = field(default_factory=dict)  # memo misses per kind


def page_record(article: Article) -> tuple[str, str, bytes]:
    """(id, content hash, compressed record) of a page as read."""
    text = json.dumps(to_json(article), ensure_ascii=False, sort_keys=True)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return article.id, digest, zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def stored_pages(store: Store) -> list[Article]:
    return [
        from_json(Article, json.loads(zlib.decompress(record).decode("utf-8", "surrogatepass")))
        for _, record in store.inputs()
    ]


def add(
    store: Store,
    pages: Sequence[Article],
    settings: Settings,
    progress: pipeline.Progress = pipeline._no_progress,
    problems: Sequence[Problem] = (),
    stored: Callable[[AddReport], None] | None = None,
    backend: Backend | None = None,
) -> AddReport:
    """Store ``pages`` and bring the index's trace up to date (see the module). ``stored`` is
    told as soon as the pages are committed, before the (longer) trace: what it reports
    survives whatever happens next. New pairs and stories are traced on ``backend``."""
    report = store_pages(store, pages, settings)
    if stored is not None:
        stored(report)
    if store.get_meta(PENDING) == "1":
        report.traced = True
        report.trace, report.written, report.reused, report.computed = retrace(
            store, check_settings(store, settings), progress, problems, backend
        )
    return report


def store_pages(store: Store, pages: Sequence[Article], settings: Settings) -> AddReport:
    """Commit ``pages`` (new ones appended, changed ones replaced in place); the index is
    then pending until :func:`retrace` saves its trace."""
    settings = check_settings(store, settings)
    if store.get_meta(SETTINGS) is None:
        with store.transaction():
            store.set_meta(SETTINGS, json.dumps(to_json(settings)))
    unique: dict[str, Article] = {}
    for page in pages:
        unique[page.id] = page  # the last of a repeated id, as a later re-run would
    new, replaced, unchanged = store.put_inputs([page_record(p) for p in unique.values()])
    return AddReport(new, replaced, unchanged, traced=False)


def retrace(
    store: Store,
    settings: Settings,
    progress: pipeline.Progress = pipeline._no_progress,
    problems: Sequence[Problem] = (),
    backend: Backend | None = None,
) -> tuple[Trace, dict[str, int], dict[str, int], dict[str, int]]:
    """Trace every stored page again, remembering (see the module), and save the result."""
    pages = [stored_pages(store)]  # handed over below: the pages as read go once cleaned
    latin = mostly_latin(page.text for page in pages[0])
    gazetteer = load_gazetteer(settings.outlets, latin_names=latin)
    memo = Memo(store, salt=salt(settings, latin))
    trace = pipeline.trace(
        pages.pop(),
        settings.config(),
        problems,
        progress,
        gazetteer=gazetteer,
        cleaning=CleanConfig() if settings.clean else None,
        remember=memo,
        backend=backend,
    )
    postings = query.build(
        memo,
        [a.id for a in trace.articles],
        [a.text for a in trace.articles],
        settings.config(),
        latin,
    )
    with store.transaction():
        written = store.save_trace(trace)
        store.put_blob(query.BLOB, postings)
        store.prune_memo(memo.used)
        store.set_meta(PENDING, "0")
    return trace, written, dict(memo.hits), dict(memo.misses)
