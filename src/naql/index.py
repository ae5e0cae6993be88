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
from pathlib import Path

import naql
from naql import pipeline, query
from naql.backends import Backend
from naql.clean import CleanConfig
from naql.config import Config, ProvenanceConfig, TextConfig
from naql.memo import Memo
from naql.outlets import load as load_gazetteer
from naql.outlets import mostly_latin
from naql.records import Article, Problem, Trace, from_json, to_json
from naql.store import Store, StoreError

SETTINGS = "settings"
PENDING = "pending"


@dataclass(slots=True, frozen=True)
class Settings:
    """What decides the trace, fixed when the index is created (``naql trace``'s options)."""

    language: str = "en"
    trust_dates: bool = True
    clean: bool = True
    outlets: str | None = None  # path of an extra outlets file

    def config(self) -> Config:
        return Config(
            text=TextConfig(latin_language=self.language),
            provenance=ProvenanceConfig(trust_dates=self.trust_dates),
        )


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


def settings_of(store: Store) -> Settings | None:
    stored = store.get_meta(SETTINGS)
    return None if stored is None else Settings(**json.loads(stored))


def check_settings(store: Store, wanted: Settings) -> Settings:
    """The index's settings; on the first add, ``wanted`` becomes them. Different options on a
    later add are refused: one archive traced two ways would be neither."""
    stored = settings_of(store)
    if stored is None:
        return wanted
    if stored != wanted:
        differ = [
            f"{name} {getattr(stored, name)!r} (asked {getattr(wanted, name)!r})"
            for name in ("language", "trust_dates", "clean", "outlets")
            if getattr(stored, name) != getattr(wanted, name)
        ]
        raise StoreError(
            f"the index was built with other options: {', '.join(differ)}; "
            "pass the same options, or build a new index"
        )
    return stored


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
    pages = stored_pages(store)
    latin = mostly_latin(page.text for page in pages)
    gazetteer = load_gazetteer(settings.outlets, latin_names=latin)
    memo = Memo(store, salt=salt(settings, latin))
    trace = pipeline.trace(
        pages,
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


def salt(settings: Settings, latin: bool) -> str:
    """What every remembered entry depends on besides its content: naql's version, the
    settings, the outlets file's content and how outlets are named."""
    outlets = b""
    if settings.outlets is not None:
        try:
            outlets = Path(settings.outlets).read_bytes()
        except OSError as error:
            raise StoreError(
                f"{settings.outlets}: the index's outlets file cannot be read ({error.strerror})"
            ) from None
    return json.dumps(
        [
            naql.__version__,
            to_json(settings),
            hashlib.blake2b(outlets, digest_size=16).hexdigest(),
            latin,
        ]
    )
