"""The index as the web app uses it: a read-only store per request, one query index cached.

SQLite connections belong to the thread that opened them, and FastAPI runs sync endpoints (and
sync dependencies, on another call) in a thread pool, so every request opens its own read-only
store inside its endpoint (about 0.2 ms) and closes it at the end; WAL lets it read while
``naql index add`` writes.

The query index (:class:`naql.query.QueryIndex`) costs 0.2-0.5 s to load, so it is loaded once
and kept until the index's trace changes. Its vocabulary grows with every query's new words, so
queries take turns on it (a lock): two threads registering one new stem would give it two ids.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from naql.memo import Memo
from naql.query import BLOB, QueryIndex, QueryResult
from naql.records import Alignment, Article
from naql.store import SqliteStore, open_store
from naql.store.browse import (
    StoryFilter,
    StorySummary,
    article_view,
    articles,
    count_stories,
    snapshot,
    stories,
)
from naql.text import normalize
from naql.text.arabic import is_arabic_letter

# New words a cached query index may learn before it is loaded afresh: a long-running server
# fed pasted text (or junk) would otherwise grow its vocabulary without bound.
MAX_LEARNED_STEMS = 200_000


class NotFound(LookupError):
    """No such story, article or pair; the message says which."""


class Served:
    """One index file served: stores opened per request, the query index cached, adds (when
    allowed) one at a time."""

    def __init__(self, db: Path, *, allow_add: bool = False) -> None:
        self.db = Path(db)
        self.allow_add = allow_add
        open_store(self.db, readonly=True).close()  # a missing or foreign file stops here
        self._lock = threading.Lock()
        self._add_lock = threading.Lock()
        self._searcher: QueryIndex | None = None
        self._blob_digest: bytes | None = None
        self._stems_at_load = 0
        self._version: int | None = None
        # Another connection's commit changes this connection's PRAGMA data_version: a check
        # that costs microseconds, where reading the query index's blob costs milliseconds.
        self._watch = sqlite3.connect(
            f"file:{self.db.resolve()}?mode=ro",
            uri=True,
            check_same_thread=False,  # used under self._lock only
            isolation_level=None,
        )

    def close(self) -> None:
        self._watch.close()

    @contextmanager
    def reading(self) -> Iterator[SqliteStore]:
        """The index read-only for one request, closed after it."""
        store = open_store(self.db, readonly=True)
        try:
            yield store
        finally:
            store.close()

    # -- query -------------------------------------------------------------------------------------

    def query(self, article: Article) -> QueryResult:
        """Where ``article`` came from, against the index's current trace."""
        with self.reading() as store, self._lock:
            # Read the version before the snapshot starts: a commit in between shows as a
            # change next time, never as one already seen.
            version = self._watch.execute("PRAGMA data_version").fetchone()[0]
            with snapshot(store):
                store.get_meta("pending")  # a first read pins the snapshot (BEGIN is lazy)
                searcher = self._current(store, version)
                bound = dataclasses.replace(
                    searcher, store=store, memo=Memo(store, salt=searcher.memo.salt)
                )
                return bound.query(article)

    def _current(self, store: SqliteStore, version: int) -> QueryIndex:
        """The cached query index, loaded again when the index's query blob changed (an add
        commits it with the trace, in one transaction)."""
        searcher = self._searcher
        if searcher is not None and len(searcher.vocabulary) > self._stems_at_load + (
            MAX_LEARNED_STEMS
        ):
            searcher = None
        if searcher is not None and version == self._version:
            return searcher
        blob = store.get_blob(BLOB)
        digest = None if blob is None else hashlib.blake2b(blob, digest_size=16).digest()
        if searcher is None or digest != self._blob_digest:
            searcher = QueryIndex.load(store)  # StoreError when the index is empty
            self._searcher, self._blob_digest = searcher, digest
            self._stems_at_load = len(searcher.vocabulary)
        self._version = version
        return searcher

    def add(self, article: Article) -> bool:
        """Add ``article`` to the index (its whole trace brought up to date: seconds to minutes
        on a large index). True when the index changed."""
        from naql import index

        if not self.allow_add:
            raise PermissionError("adding is off: start the server with naql serve --allow-add")
        with self._add_lock:  # one writer from this process; SQLite serialises the others
            store = open_store(self.db)
            try:
                settings = index.settings_of(store)
                if settings is None:
                    raise NotFound(f"{self.db}: the index is empty: add articles first")
                report = index.add(store, [article], settings)
            finally:
                store.close()
        return bool(report.new or report.replaced)


# -- reading helpers shared by the API and the pages -----------------------------------------------


def list_stories(
    store: SqliteStore, where: StoryFilter, search: str | None, offset: int, limit: int
) -> tuple[int, list[StorySummary]]:
    """(how many stories pass, the page ``offset:offset+limit`` of them), largest first.
    ``search`` keeps stories whose id, label, origin, sources or outlets contain it, letters
    folded as naql folds them (أ = ا, ة = ه, case)."""
    with snapshot(store):
        if not search or not search.strip():
            shown = list(itertools.islice(stories(store, where, offset + limit), offset, None))
            return count_stories(store, where), shown
        wanted = _fold(search)
        found = [s for s in stories(store, where) if wanted in _fold(_searchable(s))]
    return len(found), found[offset : offset + limit]


def _searchable(story: StorySummary) -> str:
    return "\n".join(
        [story.id, story.label, story.origin_name or "", *story.sources, *story.outlets]
    )


def _fold(text: str) -> str:
    return " ".join(normalize(text).casefold().split())


def pair(store: SqliteStore, a: str, b: str) -> tuple[Article, Article, Alignment | None]:
    """Two articles of the index and the passages they share (None when they share none)."""
    view = article_view(store, a)
    if view is None:
        raise NotFound(f"no article «{a}» in the index")
    alignment = next((x for x in view.alignments if b in (x.a, x.b) and x.a != x.b), None)
    other = view.partners.get(b) or articles(store, [b]).get(b)
    if other is None:
        raise NotFound(f"no article «{b}» in the index")
    return view.article, other, alignment


def has_words(text: str) -> bool:
    """Whether a text has anything to match: Arabic or Latin letters, or digits."""
    return any(is_arabic_letter(c) or ("a" <= c.lower() <= "z") or c.isdigit() for c in text)


def query_id(text: str, url: str | None) -> str:
    """A pasted article's id: its URL, else one derived from its text (the same text twice is
    one article, so adding it twice changes nothing)."""
    if url:
        return url
    return (
        "query-" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    )
