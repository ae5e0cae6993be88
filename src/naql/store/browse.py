"""Browsing the index: its stories, one story or article in full (its tables exported:
:mod:`naql.store.export`).

Everything here reads; nothing prints. Each function takes an open :class:`SqliteStore`
(read-only is enough, so browsing works while ``naql index add`` writes: the store is in WAL
mode) and reads inside one read transaction, so what it returns comes from one trace even when
an add commits a new one meanwhile.

Story ids (``s1`` … ``sN``, by size) are renumbered at every add; article ids are stable.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from naql.errors import InputError
from naql.records import Alignment, Article, Attribution, Story, Trace, Verdict, from_json
from naql.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from naql.outlets import Gazetteer

# A date filter: a year, a month or a day, optionally with a time («2015», «2015-07-21»,
# «2015-07-21T10:00»). Stored dates are compared by prefix, as strings.
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2})?)?)?)?)?")


@contextmanager
def snapshot(store: SqliteStore) -> Iterator[SqliteStore]:
    """One read transaction: every query inside sees the same committed trace. Inside another
    snapshot, that one goes on."""
    if store.db.in_transaction:
        yield store
        return
    store.db.execute("BEGIN")
    try:
        yield store
    finally:
        store.db.execute("COMMIT")


def check_date(value: str) -> str:
    """A date filter as given, or :class:`InputError` when it is not a (prefix of an) ISO date."""
    if not DATE.fullmatch(value):
        raise InputError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


# -- stories ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class StorySummary:
    """One line of ``naql stories``."""

    id: str
    size: int
    first_date: str | None
    last_date: str | None
    label: str
    origin: str | None  # article id or hidden-source id
    # What a reader calls the origin: the outlet of an origin article, the name of a hidden one.
    origin_name: str | None
    origin_outlet: str | None
    independent_sources: int
    sources: list[str]  # the independent sources by name
    outlets: list[str]  # the articles' outlets
    credited: list[str]


@dataclass(slots=True)
class StoryFilter:
    """Which stories ``naql stories`` lists. ``since``/``until``: dates compared by prefix with
    the story's last and first dates (a story overlapping the window is kept; a story without
    dates is not). ``outlet``: an outlet id, name or alias, or an outlet as written on articles;
    a story is kept when one of its articles is from that outlet or one of its sources is."""

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    min_size: int = 1


def stories(
    store: SqliteStore, where: StoryFilter | None = None, top: int | None = None
) -> Iterator[StorySummary]:
    """The index's stories that pass ``where``, largest first (ties in the trace's order),
    ``top`` at most."""
    if top is not None and top <= 0:
        return
    shown = 0
    with snapshot(store):
        for row, story in _matching(store, where or StoryFilter()):
            if story is None:
                story = json.loads(row[-1])
            yield summary_of(row, story)
            shown += 1
            if top is not None and shown >= top:
                return


def count_stories(store: SqliteStore, where: StoryFilter | None = None) -> int:
    """How many stories pass ``where`` (``stories`` without a ``top``)."""
    with snapshot(store):
        return sum(1 for _ in _matching(store, where or StoryFilter()))


STORY_COLUMNS = (
    "id, size, first_date, last_date, label, origin, origin_outlet, independent_sources, "
    "outlets, record"
)


def _matching(
    store: SqliteStore, where: StoryFilter
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any] | None]]:
    """(row, parsed record when the filter had to read it) of each story that passes."""
    sql = f"SELECT {STORY_COLUMNS} FROM stories WHERE size >= ?"  # noqa: S608
    arguments: list[Any] = [where.min_size]
    # Compared as strings, «T» or a space between day and time alike.
    if where.since is not None:
        since = check_date(where.since).replace("T", " ")
        sql += " AND substr(replace(last_date, 'T', ' '), 1, ?) >= ?"
        arguments += [len(since), since]
    if where.until is not None:
        until = check_date(where.until).replace("T", " ")
        sql += " AND substr(replace(first_date, 'T', ' '), 1, ?) <= ?"
        arguments += [len(until), until]
    sql += " ORDER BY size DESC, number"
    matcher = None if where.outlet is None else OutletMatcher(store, where.outlet)
    for row in store.db.execute(sql, arguments):
        if matcher is None:
            yield row, None
            continue
        if matcher.any([*json.loads(row[8]), row[6]]):
            yield row, None
            continue
        # Sources not in the pile are known by their outlet ids only in the story's record.
        story = json.loads(row[-1])
        if matcher.any(h.get("outlet") for h in story.get("hidden", ())):
            yield row, story


def summary_of(row: tuple[Any, ...], story: dict[str, Any]) -> StorySummary:
    id_, size, first, last, label, origin, origin_outlet, independent, outlets, _ = row
    hidden = {h["id"]: h["name"] for h in story.get("hidden", ())}
    return StorySummary(
        id=id_,
        size=size,
        first_date=first,
        last_date=last,
        label=label,
        origin=origin,
        origin_name=hidden.get(origin, origin_outlet) if origin else None,
        origin_outlet=origin_outlet,
        independent_sources=independent,
        sources=list(story.get("sources", [])),
        outlets=json.loads(outlets),
        credited=list(story.get("credited", [])),
    )


class OutletMatcher:
    """Whether an outlet as written (an id, a name, a domain) is the outlet asked for: the same
    words, or the same outlet in the index's gazetteer («aawsat» = «الشرق الأوسط»)."""

    def __init__(self, store: SqliteStore, asked: str) -> None:
        from naql.store.settings import settings_of

        settings = settings_of(store)
        self.gazetteer = _gazetteer(settings.outlets if settings else None)
        self.asked = _fold(asked)
        self.target = self._resolve(asked)
        self._seen: dict[str, bool] = {}

    def _resolve(self, name: str) -> str | None:
        if name in self.gazetteer.outlets:
            return name
        outlet = self.gazetteer.lookup(name)
        return None if outlet is None else outlet.id

    def __call__(self, name: str) -> bool:
        if name not in self._seen:
            self._seen[name] = _fold(name) == self.asked or (
                self.target is not None and self._resolve(name) == self.target
            )
        return self._seen[name]

    def any(self, names: Iterable[str | None]) -> bool:
        return any(self(name) for name in names if name)


@functools.lru_cache(maxsize=2)
def _gazetteer(outlets: str | None) -> Gazetteer:
    """naql's outlets and the index's own (its outlets file gone: naql's alone)."""
    from naql.errors import ConfigError
    from naql.outlets import load

    try:
        return load(outlets)
    except ConfigError:
        return load()


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


# -- one story, one article ------------------------------------------------------------------------


def story_trace(store: SqliteStore, story_id: str) -> Trace | None:
    """One story as a trace of its own: the story, its articles (in the story's order), the
    alignments between them, their verdicts and credits. None when there is no such story."""
    with snapshot(store):
        row = store.db.execute("SELECT record FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        story = from_json(Story, json.loads(row[0]))
        by_id = {
            a.id: a
            for a in _records(
                store, Article, "SELECT record FROM articles WHERE story = ?", story_id
            )
        }
        order = {a: n for n, a in enumerate(story.articles)}
        members = "(SELECT id FROM articles WHERE story = ?)"
        alignments = list(
            _records(
                store,
                Alignment,
                f"SELECT record FROM alignments WHERE a IN {members} AND b IN {members} "  # noqa: S608
                "ORDER BY a_share + b_share DESC",
                story_id,
                story_id,
            )
        )
        verdicts = sorted(
            _records(store, Verdict, "SELECT record FROM verdicts WHERE story = ?", story_id),
            key=lambda v: order.get(v.article, len(order)),
        )
        credits = sorted(
            _records(
                store,
                Attribution,
                f"SELECT record FROM credits WHERE article IN {members} ORDER BY article, n",  # noqa: S608
                story_id,
            ),
            key=lambda c: order.get(c.article, len(order)),
        )
    return Trace(
        articles=[by_id[a] for a in story.articles if a in by_id],
        alignments=alignments,
        stories=[story],
        verdicts=verdicts,
        attributions=credits,
        counts={
            "articles": len(by_id),
            "pairs_with_reuse": len(alignments),
            "passages": sum(len(a.passages) for a in alignments),
            "stories": 1,
        },
    )


def stories_trace(store: SqliteStore, story_ids: Sequence[str] | None = None) -> Trace:
    """Several stories as one trace (what ``naql report`` draws): those listed, in that
    order, each as :func:`story_trace` gives it; with no list, the whole index — every story,
    largest first, every article, alignment, verdict and credit, read in one pass each.
    :class:`InputError` names the ids that are not stories of the index."""
    with snapshot(store):
        if story_ids is None:
            return _whole_trace(store)
        traces = [(story, story_trace(store, story)) for story in dict.fromkeys(story_ids)]
    unknown = [story for story, found in traces if found is None]
    if unknown:
        raise InputError(f"no story {', '.join(unknown)} in the index")
    parts = [found for _, found in traces if found is not None]
    merged = Trace(
        articles=[a for part in parts for a in part.articles],
        alignments=[a for part in parts for a in part.alignments],
        stories=[s for part in parts for s in part.stories],
        verdicts=[v for part in parts for v in part.verdicts],
        attributions=[c for part in parts for c in part.attributions],
    )
    merged.counts = _counts(merged)
    return merged


def _whole_trace(store: SqliteStore) -> Trace:
    whole = Trace(
        articles=list(_records(store, Article, "SELECT record FROM articles ORDER BY seq")),
        alignments=list(_records(store, Alignment, "SELECT record FROM alignments")),
        stories=list(_records(store, Story, "SELECT record FROM stories ORDER BY number")),
        verdicts=list(_records(store, Verdict, "SELECT record FROM verdicts")),
        attributions=list(
            _records(store, Attribution, "SELECT record FROM credits ORDER BY article, n")
        ),
    )
    whole.counts = _counts(whole)
    return whole


def _counts(trace: Trace) -> dict[str, int]:
    return {
        "articles": len(trace.articles),
        "pairs_with_reuse": len(trace.alignments),
        "passages": sum(len(a.passages) for a in trace.alignments),
        "stories": len(trace.stories),
    }


def story_of(store: SqliteStore, article_id: str) -> str | None:
    """The story an article is in (None: no such article, or in no story)."""
    row = store.db.execute("SELECT story FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else row[0]


@dataclass(slots=True)
class ArticleView:
    """One article and what the index knows about it."""

    article: Article
    story: StorySummary | None
    verdict: Verdict | None
    credits: list[Attribution]
    alignments: list[Alignment]  # with every other article, most shared first
    # The other ends of the alignments (their texts quote the other side of each passage).
    partners: dict[str, Article] = field(default_factory=dict)
    # What a reader calls each node the verdict names: hidden sources by name, articles by
    # «id (outlet)».
    names: dict[str, str] = field(default_factory=dict)

    def partner_metadata(self) -> dict[str, dict[str, str | None]]:
        """The other articles by their metadata, as ``naql show --json`` and the API give
        them (their texts are a request of their own)."""
        return {
            a.id: {
                "outlet": a.outlet,
                "outlet_name": a.outlet_name,
                "date": a.date,
                "title": a.title,
            }
            for a in self.partners.values()
        }


def article_view(store: SqliteStore, article_id: str) -> ArticleView | None:
    """The article ``article_id`` with its story, verdict, credits and alignments; None when
    the index has no such article."""
    with snapshot(store):
        row = store.db.execute(
            "SELECT record, story FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        article = from_json(Article, json.loads(row[0]))
        summary = None
        names: dict[str, str] = {}
        if row[1] is not None:
            found = store.db.execute(
                f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?",  # noqa: S608
                (row[1],),
            ).fetchone()
            if found is not None:
                record = json.loads(found[-1])
                summary = summary_of(found, record)
                names = {h["id"]: h["name"] for h in record.get("hidden", ())}
        verdict = next(
            _records(store, Verdict, "SELECT record FROM verdicts WHERE article = ?", article_id),
            None,
        )
        credits = list(
            _records(
                store,
                Attribution,
                "SELECT record FROM credits WHERE article = ? ORDER BY n",
                article_id,
            )
        )
        alignments = sorted(
            _records(
                store,
                Alignment,
                "SELECT record FROM alignments WHERE a = ? UNION ALL "
                "SELECT record FROM alignments WHERE b = ?",
                article_id,
                article_id,
            ),
            key=lambda a: -(a.a_share if a.a == article_id else a.b_share),
        )
        others = sorted({a.b if a.a == article_id else a.a for a in alignments})
        verdict_nodes = [s.source for s in verdict.sources] if verdict else []
        partners = articles(store, [*others, *(n for n in verdict_nodes if n not in names)])
    for node in verdict_nodes:
        if node not in names and node in partners:
            names[node] = partners[node].label
    return ArticleView(
        article=article,
        story=summary,
        verdict=verdict,
        credits=credits,
        alignments=alignments,
        partners={a: partners[a] for a in others if a in partners},
        names=names,
    )


def articles(store: SqliteStore, ids: Iterable[str]) -> dict[str, Article]:
    """The articles with these ids that the index holds."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Article] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for article in _records(
            store,
            Article,
            f"SELECT record FROM articles WHERE id IN ({marks})",  # noqa: S608
            *chunk,
        ):
            found[article.id] = article
    return found


def page_articles(store: SqliteStore, page: str) -> list[str]:
    """The articles a page was split into (``<page>#1``, ``#2`` …), for a page id given where
    an article id is expected."""
    return [
        str(r[0])
        for r in store.db.execute("SELECT id FROM articles WHERE input = ? ORDER BY seq", (page,))
    ]


def has_story(store: SqliteStore, story_id: str) -> bool:
    return (
        store.db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None
    )


def has_article(store: SqliteStore, article_id: str) -> bool:
    row = store.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row is not None


def _records(store: SqliteStore, cls: type[Any], sql: str, *arguments: Any) -> Iterator[Any]:
    for (record,) in store.db.execute(sql, arguments):
        yield from_json(cls, json.loads(record))
