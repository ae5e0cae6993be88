"""The index (``naql index add``) on real SaudiNewsNet days: grown day by day it holds the
trace ``naql trace`` gives over all the pages at once; adding twice changes nothing; files it
must not touch are refused in one line and left as they were; a full disk, a crash or a reader
beside the writer never costs the trace already there.

The days are the first SaudiNewsNet zips cut to the first articles of each outlet (every
outlet is there, and the days share stories), written as JSON files so the library and the
command line read the very same pages.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, needs_spark, shared

import naql.store
from naql import index, pipeline
from naql.backends import open_backend
from naql.clean import CleanConfig, clean_articles
from naql.cli import main
from naql.ingest import ReadOptions, read_articles
from naql.records import Article, Problem, Trace, to_json
from naql.store import StoreError, open_store
from naql.store import settings as settings_module
from naql.store.schema import VERSION
from naql.store.sqlite import record_json

pytestmark = pytest.mark.heavy(90)

DAYS = 3
PER_OUTLET = 5  # first articles of each outlet in each day: ~50 a day
OPTIONS = ReadOptions(
    text_field="content",
    outlet_field="source",
    date_field="date_extracted",
    id_field="url",
    author_field="author",
)
SETTINGS = index.Settings(trust_dates=False)
CLI_OPTIONS = [
    "--text-field",
    "content",
    "--outlet-field",
    "source",
    "--date-field",
    "date_extracted",
    "--id-field",
    "url",
    "--author-field",
    "author",
    "--no-trust-dates",
    "--no-progress",
]
NAQL = [sys.executable, "-m", "naql.cli"]
# The trace tables and their keys.
TRACE_TABLES = {
    "articles": "id",
    "alignments": "a, b",
    "stories": "id",
    "verdicts": "article",
    "credits": "article, n",
}
ALL_TABLES = {**TRACE_TABLES, "meta": "key", "inputs": "id", "memo": "kind, key", "blobs": "name"}


# -- helpers -----------------------------------------------------------------------------------


def read_day(path: Path) -> tuple[list[Article], list[Problem]]:
    read = read_articles([str(path)], OPTIONS)
    return read.articles, read.problems


def batch(pages: list[Article], problems: list[Problem] | None = None) -> Trace:
    """``naql trace`` over ``pages``: same settings and cleaning as the index."""
    return pipeline.trace(pages, SETTINGS.config(), problems or [], cleaning=CleanConfig())


def comparable(trace: Trace) -> dict[str, Any]:
    """The trace but its timings and problems (an add reports the problems of what it read)."""
    data = to_json(trace)
    data["counts"].pop("problems", None)
    return {key: value for key, value in data.items() if key not in ("timings", "problems")}


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, isolation_level=None)


def dump(path: Path, tables: dict[str, str] = TRACE_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    with closing(connect_ro(path)) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()  # noqa: S608
            for table, key in tables.items()
        }


def stored_records(path: Path) -> dict[str, list[str]]:
    """The stored trace as record JSON, in the trace's own order."""
    with closing(connect_ro(path)) as db:
        return {
            "articles": [r for (r,) in db.execute("SELECT record FROM articles ORDER BY seq")],
            "stories": [r for (r,) in db.execute("SELECT record FROM stories ORDER BY number")],
            "alignments": sorted(r for (r,) in db.execute("SELECT record FROM alignments")),
            "verdicts": sorted(r for (r,) in db.execute("SELECT record FROM verdicts")),
            "credits": [r for (r,) in db.execute("SELECT record FROM credits ORDER BY article, n")],
        }


def records_of(trace: Trace) -> dict[str, list[str]]:
    """What :func:`stored_records` reads back from an index holding ``trace``."""
    credits = sorted(
        enumerate(trace.attributions), key=lambda item: (item[1].article, item[0])
    )  # by article, then in the trace's order (the n column)
    return {
        "articles": [record_json(a) for a in trace.articles],
        "stories": [record_json(s) for s in trace.stories],
        "alignments": sorted(record_json(a) for a in trace.alignments),
        "verdicts": sorted(record_json(v) for v in trace.verdicts),
        "credits": [record_json(c) for _, c in credits],
    }


def assert_columns_follow(path: Path, trace: Trace) -> None:
    """The columns browsing filters on agree with the trace (not only the records do)."""
    story_of = {a: s.id for s in trace.stories for a in s.articles}
    date = {a.id: a.date for a in trace.articles}
    outlet = {a.id: a.shown_outlet for a in trace.articles}
    with closing(connect_ro(path)) as db:
        articles = {
            i: (seq, story) for i, seq, story in db.execute("SELECT id, seq, story FROM articles")
        }
        stories = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT id, number, size, first_date, last_date, outlets FROM stories"
            )
        }
    assert articles == {a.id: (k, story_of.get(a.id)) for k, a in enumerate(trace.articles)}
    expected = {}
    for number, story in enumerate(trace.stories, 1):
        when = sorted(d for a in story.articles if (d := date[a]))
        outlets = sorted({o for a in story.articles if (o := outlet[a])})
        expected[story.id] = (
            number,
            len(story.articles),
            when[0] if when else None,
            when[-1] if when else None,
            json.dumps(outlets, ensure_ascii=False),
        )
    assert stories == expected


def copy_index(source: Path, target: Path) -> Path:
    """A consistent copy of a closed or open index (SQLite's backup, WAL included)."""
    with closing(connect_ro(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def integrity(path: Path) -> str:
    with closing(connect_ro(path)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("naql: "), err
    return lines[0]


def page_of(article_id: str) -> str:
    return article_id.split("#", 1)[0]


# -- the data ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The first SaudiNewsNet days, each cut to its first PER_OUTLET articles of every outlet
    (the zips list articles outlet by outlet), as JSON files of the original records."""
    corpus = shared("saudinewsnet")
    folder = tmp_path_factory.mktemp("days")
    files = []
    for archive in sorted(corpus.glob("*.zip"))[:DAYS]:
        with zipfile.ZipFile(archive) as opened:
            (name,) = [n for n in opened.namelist() if n.endswith(".json")]
            records = json.loads(opened.read(name))
        seen: dict[str, int] = {}
        kept = []
        for record in records:
            seen[record["source"]] = seen.get(record["source"], 0) + 1
            if seen[record["source"]] <= PER_OUTLET:
                kept.append(record)
        path = folder / f"{archive.stem}.json"
        path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        files.append(path)
    return files


@dataclass
class Built:
    """The index grown one day at a time through the library."""

    after: list[Path]  # closed copies of the index after each day
    reports: list[index.AddReport]
    pages: list[list[Article]]  # per day, as read
    problems: list[list[Problem]]

    @property
    def final(self) -> Path:
        return self.after[-1]

    def all_pages(self, upto: int | None = None) -> list[Article]:
        return [page for day in self.pages[:upto] for page in day]


@pytest.fixture(scope="module")
def built(days: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("built")
    db = folder / "naql.db"
    result = Built([], [], [], [])
    for number, day in enumerate(days, 1):
        pages, problems = read_day(day)
        store = open_store(db)
        report = index.add(store, pages, SETTINGS, problems=problems)
        store.close()
        result.reports.append(report)
        result.pages.append(pages)
        result.problems.append(problems)
        result.after.append(copy_index(db, folder / f"after-{number}.db"))
    return result


# -- a. grown day by day, the index holds the batch trace -------------------------------------------


def test_day_by_day_equals_one_batch_trace(built: Built) -> None:
    for upto, report in enumerate(built.reports, 1):
        assert report.traced and report.trace is not None
        assert report.new == len(built.pages[upto - 1]) and not report.replaced
        problems = [p for day in built.problems[:upto] for p in day]
        whole = batch(built.all_pages(upto), problems)
        assert comparable(report.trace) == comparable(whole), f"after day {upto}"
    # What is stored is that trace, row for row.
    assert stored_records(built.final) == records_of(whole)
    assert_columns_follow(built.final, whole)
    # The days are linked (else this would only test three separate traces) ...
    day_of = {page.id: k for k, pages in enumerate(built.pages) for page in pages}
    across = [a for a in whole.alignments if day_of[page_of(a.a)] != day_of[page_of(a.b)]]
    assert len(across) >= 10
    assert any(len({day_of[page_of(a)] for a in s.articles}) > 1 for s in whole.stories)
    assert len({a.outlet for a in whole.articles}) >= 10
    # ... and later days reuse what earlier ones computed: every text of day 1 that the
    # larger batch cleans as day 1 alone did (a sign-off learned once an outlet has enough
    # pages changes the texts it closes, as a batch trace would).
    first = {a.id: a.text for a in clean_articles(built.pages[0]).articles}
    for upto, report in enumerate(built.reports[1:], 2):
        cleaned = clean_articles(built.all_pages(upto)).articles
        same = sum(1 for a in cleaned if first.get(a.id) == a.text)
        assert same >= 0.9 * len(first)
        assert report.reused["tokens"] >= same
        assert report.reused["pages"] >= same
        assert report.reused["stories"] > 0


def test_haftar_page_by_page_equals_batch(tmp_path: Path) -> None:
    pages = read_articles([EXAMPLE]).articles
    assert len(pages) == 5
    store = open_store(tmp_path / "naql.db")
    for upto in range(1, len(pages) + 1):
        report = index.add(store, [pages[upto - 1]], SETTINGS)
        assert report.new == 1 and report.trace is not None
        assert comparable(report.trace) == comparable(batch(pages[:upto])), f"{upto} pages"
    # The seed pages: a story of four (the teaser, two rewrites, the Syrian copy).
    assert sorted(len(s.articles) for s in report.trace.stories)[-1] >= 4
    store.close()


def test_what_another_build_of_naql_remembered_is_never_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The memo keys on content and settings; a build of naql whose stages decide otherwise
    # (a fix, a development install under the same version) must not reuse its results.
    pages = read_articles([EXAMPLE]).articles
    stores = [open_store(tmp_path / f"{name}.db") for name in ("same", "other")]
    for store in stores:
        index.add(store, pages[:4], SETTINGS)
    same = index.add(stores[0], pages[4:], SETTINGS)
    assert same.reused.get("stories", 0) > 0 and same.reused.get("tokens", 0) > 0
    monkeypatch.setattr(settings_module, "code_fingerprint", lambda: "another build")
    other = index.add(stores[1], pages[4:], SETTINGS)
    assert not any(other.reused.values()), other.reused
    assert same.trace is not None and other.trace is not None
    assert comparable(other.trace) == comparable(same.trace)
    for store in stores:
        store.close()


def test_the_shared_seeds_replace_the_example_pages(tmp_path: Path) -> None:
    # The shared seeds are the example's files without its metadata (no outlets): the same
    # ids, other records; each replaces its page in place and the trace follows.
    seeds = read_articles([shared("seeds")]).articles
    example = read_articles([EXAMPLE]).articles
    store = open_store(tmp_path / "naql.db")
    index.add(store, example, SETTINGS)
    report = index.add(store, seeds, SETTINGS)
    assert (report.new, report.unchanged) == (0, 0)
    assert report.replaced == [page.id for page in example]
    assert report.trace is not None
    assert comparable(report.trace) == comparable(batch(seeds))
    assert index.stored_pages(store) == seeds
    store.close()


# -- b. idempotence, and a page changed under the same id ---------------------------------------------


def test_adding_the_same_days_again_changes_nothing(
    built: Built, days: list[Path], tmp_path: Path, capsys
) -> None:
    db = copy_index(built.final, tmp_path / "naql.db")
    before, before_bytes = dump(db, ALL_TABLES), db.read_bytes()
    store = open_store(db)
    for number, day in enumerate(days):
        pages, problems = read_day(day)
        report = index.add(store, pages, SETTINGS, problems=problems)
        assert (report.new, report.replaced, report.unchanged) == (0, [], len(built.pages[number]))
        assert not report.traced and report.trace is None
    store.close()
    assert main(["index", "add", *map(str, days), "--db", str(db), "-q", *CLI_OPTIONS]) == 0
    captured = capsys.readouterr()
    assert "index unchanged: nothing to trace again" in captured.out
    assert "0 new pages stored" in captured.err
    assert dump(db, ALL_TABLES) == before
    assert db.read_bytes() == before_bytes


def test_a_page_changed_under_its_id_is_replaced(
    built: Built, days: list[Path], tmp_path: Path, capsys
) -> None:
    # An article of the last day re-published with the text of a first-day article that has
    # company in its story: the index must replace it in place and trace it anew.
    final = built.reports[-1].trace
    assert final is not None
    size = {a: len(s.articles) for s in final.stories for a in s.articles}
    source = next(p for p in built.pages[0] if size.get(p.id, 0) >= 2 and len(p.text) > 500)
    changed = built.pages[-1][3]
    records = json.loads(days[-1].read_text(encoding="utf-8"))
    (record,) = [r for r in records if r["url"] == changed.id]
    record["content"] = source.text
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")

    db = copy_index(built.final, tmp_path / "naql.db")
    assert main(["index", "add", str(edited), "--db", str(db), *CLI_OPTIONS]) == 0
    err = capsys.readouterr().err
    assert "0 new pages stored" in err
    assert f"1 page changed and replaced: {changed.id}" in err

    (new_page,) = read_day(edited)[0]
    pages = [new_page if p.id == changed.id else p for p in built.all_pages()]
    whole = batch(pages, [p for day in built.problems for p in day])
    assert stored_records(db) == records_of(whole)
    assert_columns_follow(db, whole)
    with closing(connect_ro(db)) as conn:
        seq = conn.execute("SELECT seq FROM inputs WHERE id = ?", (changed.id,)).fetchone()[0]
        assert seq == len(built.all_pages(DAYS - 1)) + 4  # in its place, not at the end
        assert conn.execute("SELECT count(*) FROM inputs").fetchone()[0] == len(pages)
    # The trace reflects the new text: the page is now a copy of the first-day article.
    copies = [
        a
        for a in whole.alignments
        if {page_of(a.a), page_of(a.b)} == {source.id, changed.id}
        and min(a.a_share, a.b_share) > 0.8
    ]
    assert copies
    story = {a: s.id for s in whole.stories for a in s.articles}
    assert story[copies[0].a] == story[copies[0].b]


# -- c. stores naql must not write into, a full disk, a read-only store ----------------------------


def _random(path: Path) -> Path:
    path.write_bytes(os.urandom(16384))
    return path


def _foreign(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('not naql''s')")
        db.commit()
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_random, "not a naql index (not an SQLite database)"),
        (_foreign, "an SQLite database of another program"),
        ("newer", f"made by a newer naql (index schema {VERSION + 1}"),
        ("folder", "is a folder, not an index file"),
    ],
    ids=["random-bytes", "another-program", "newer-schema", "folder"],
)
def test_a_store_naql_must_not_write_into_is_one_line_and_left_alone(
    make: Callable[[Path], Path] | str,
    reason: str,
    built: Built,
    days: list[Path],
    tmp_path: Path,
    capsys,
) -> None:
    target = tmp_path / "store" / "naql.db"
    target.parent.mkdir()
    if make == "newer":
        copy_index(built.after[0], target)
        with closing(sqlite3.connect(target)) as db:
            db.execute(f"PRAGMA user_version = {VERSION + 1}")
    elif make == "folder":
        target.mkdir()
        (target / "keep.txt").write_text("mine", encoding="utf-8")
    else:
        assert callable(make)
        make(target)

    def state() -> dict[str, bytes]:
        files = sorted(target.parent.rglob("*"))
        return {str(p.relative_to(tmp_path)): p.read_bytes() if p.is_file() else b"" for p in files}

    before = state()
    code = main(["index", "add", str(days[1]), "--db", str(target), *CLI_OPTIONS])
    line = one_line(capsys.readouterr().err)
    assert code != 0
    assert str(target) in line and reason in line
    assert state() == before  # byte for byte, and no -wal or -shm left beside it


def _limited(extra_pages: int) -> Callable[..., naql.store.SqliteStore]:
    """open_store, the file then allowed only ``extra_pages`` more pages: a disk filling up."""
    real = naql.store.open_store

    def open_limited(path: str | Path, *, readonly: bool = False) -> naql.store.SqliteStore:
        store = real(path, readonly=readonly)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + extra_pages}")
        return store

    return open_limited


@pytest.mark.parametrize("full_at", ["pages", "trace"])
def test_a_full_disk_is_one_line_and_the_trace_survives(
    full_at: str, built: Built, days: list[Path], tmp_path: Path, capsys, monkeypatch
) -> None:
    db = copy_index(built.after[1], tmp_path / "naql.db")
    before = dump(db, ALL_TABLES)
    if full_at == "pages":
        extra = 1  # not even the new pages fit
    else:  # the new pages fit; what the trace computes does not
        trial = copy_index(db, tmp_path / "trial.db")
        store = open_store(trial)
        start = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.put_inputs([index.page_record(p) for p in built.pages[2]])
        extra = store.db.execute("PRAGMA page_count").fetchone()[0] - start + 2
        store.close()
    monkeypatch.setattr(naql.store, "open_store", _limited(extra))
    code = main(["index", "add", str(days[2]), "--db", str(db), "-q", *CLI_OPTIONS])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if "disk full" in line]
    assert line.startswith(f"naql: {db}: disk full")
    others = [
        other for other in err.splitlines() if other != line and "inputs skipped" not in other
    ]
    # Pages that fit are said to be stored the moment they are: the next add keeps them.
    assert others == (
        [] if full_at == "pages" else [f"naql: {len(built.pages[2])} new pages stored in {db}"]
    )

    assert integrity(db) == "ok"
    after = dump(db, ALL_TABLES)
    for table in TRACE_TABLES:  # the previous trace, intact
        assert after[table] == before[table], table
    store = open_store(db, readonly=True)  # the index still opens
    assert store.count("stories") == len(before["stories"])
    if full_at == "pages":
        assert after == before
        assert store.get_meta("pending") == "0"
    else:  # the pages were stored (and committed): the trace waits for the next add
        assert store.count("inputs") == len(built.all_pages())
        assert store.get_meta("pending") == "1"
    store.close()
    # With room again, the same add brings the trace up to date: the batch trace.
    assert main(["index", "add", str(days[2]), "--db", str(db), "-q", *CLI_OPTIONS]) == 0
    assert dump(db) == dump(built.final)


def test_a_read_only_store_refuses_writes(built: Built, tmp_path: Path) -> None:
    db = copy_index(built.after[0], tmp_path / "naql.db")
    before = db.read_bytes()
    store = open_store(db, readonly=True)
    assert store.readonly
    with pytest.raises(StoreError, match="read-only"):
        index.add(store, built.pages[1], SETTINGS)
    with pytest.raises(StoreError, match="read-only"), store.transaction():
        store.set_meta("pending", "1")
    assert store.count("inputs") == len(built.pages[0])  # still usable for reading
    assert store.get_meta("pending") == "0"
    store.close()
    assert db.read_bytes() == before
    with pytest.raises(StoreError, match="no such index"):
        open_store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


# -- d. crash safety ------------------------------------------------------------------------------


def add_command(days: list[Path], db: Path) -> list[str]:
    return [*NAQL, "index", "add", str(days[1]), str(days[2]), "--db", str(db), *CLI_OPTIONS]


@dataclass
class Poller:
    """What a reader sees of an index being written."""

    db: Path
    start: float = field(default_factory=time.perf_counter)
    memo0: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.conn = connect_ro(self.db)
        self.memo0 = self.memo()

    def memo(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT kind, count(*) FROM memo GROUP BY kind").fetchall())

    def pending(self) -> bool:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'pending'").fetchone()
        return row is not None and row[0] == "1"

    def grew(self, kind: str) -> bool:
        return self.memo().get(kind, 0) > self.memo0.get(kind, 0)


KILL_POINTS: dict[str, Callable[[Poller], bool]] = {
    "at-0.5s": lambda p: time.perf_counter() - p.start >= 0.5,
    "pages-stored": Poller.pending,  # the pages committed, the trace not begun
    "pairs-remembered": lambda p: p.grew("pairs"),
    "stories-remembered": lambda p: p.grew("stories"),  # the trace being saved
}


@dataclass
class Run:
    db: Path
    code: int
    out: str
    err: str
    before: dict[str, list[tuple[Any, ...]]]
    snapshots: list[tuple[bool, tuple[Any, ...]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    listing: subprocess.CompletedProcess[str] | None = None


def reused(out: str) -> int:
    found = re.search(r"(\d+) remembered results reused", out)
    assert found, out
    return int(found.group(1))


def stories_command_exists() -> bool:
    from naql.cli.app import app

    return any(command.name == "stories" for command in app.registered_commands)


@pytest.fixture(scope="module")
def uninterrupted(built: Built, days: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Days 2 and 3 added by ``naql index add`` in one go onto the first day's index, while a
    reader opens the index read-only again and again (and ``naql stories`` lists it)."""
    db = copy_index(built.after[0], tmp_path_factory.mktemp("uninterrupted") / "naql.db")
    run = Run(db, 0, "", "", dump(db))
    process = subprocess.Popen(
        add_command(days, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    listing = None
    while process.poll() is None:
        try:
            store = open_store(db, readonly=True)
            try:
                pending = store.get_meta("pending") == "1"
                rows = store.db.execute("SELECT id, hash FROM stories ORDER BY id").fetchall()
            finally:
                store.close()
            run.snapshots.append((pending, tuple(rows)))
        except (StoreError, sqlite3.Error) as error:
            run.errors.append(repr(error))
            pending = False
        if listing is None and pending and stories_command_exists():
            listing = subprocess.Popen(
                [*NAQL, "stories", "--db", str(db), "--json"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        time.sleep(0.02)
    run.out, run.err = process.communicate()
    run.code = process.returncode
    if listing is not None:
        out, err = listing.communicate(timeout=120)
        run.listing = subprocess.CompletedProcess(listing.args, listing.returncode, out, err)
    return run


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_add_loses_nothing_and_the_next_add_finishes_it(
    point: str, built: Built, days: list[Path], uninterrupted: Run, tmp_path: Path
) -> None:
    db = copy_index(built.after[0], tmp_path / "naql.db")
    before = dump(db)
    first = {p.id: index.page_record(p)[1] for p in built.pages[0]}
    every = {p.id: index.page_record(p)[1] for p in built.all_pages()}
    poller = Poller(db)
    process = subprocess.Popen(
        add_command(days, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    while process.poll() is None and not KILL_POINTS[point](poller):
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    # Bounded: a worker outliving its killed parent would hold these pipes open for ever.
    _, err = process.communicate(timeout=60)
    poller.conn.close()
    assert process.returncode == -signal.SIGKILL, f"the add ended before {point}: {err}"

    # The killed index opens, is sound, and holds all of the new pages or none.
    assert integrity(db) == "ok"
    store = open_store(db, readonly=True)
    pending = store.get_meta("pending")
    stored = dict(store.db.execute("SELECT id, hash FROM inputs").fetchall())
    store.close()
    assert stored in (first, every)
    told = re.search(r"(\d+) new pages? stored", err)
    if told:  # what the add said it stored is there
        assert len(stored) == len(first) + int(told.group(1))
    if point != "at-0.5s":
        assert stored == every  # the pages were committed first
    # The trace is the previous one, whole, pending; or, had the save committed, the new one.
    tables = dump(db)
    if stored == every and pending == "0":
        assert tables == uninterrupted_tables(uninterrupted)
    else:
        assert tables == before
        assert pending == ("1" if stored == every else "0")

    # The same add again finishes the job: the uninterrupted run's trace, row for row.
    rerun = subprocess.run(add_command(days, db), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    if stored == every:
        assert "0 new pages stored" in rerun.stderr  # nothing new, yet the trace is finished
    if point in ("pairs-remembered", "stories-remembered"):
        assert reused(rerun.stdout) > reused(uninterrupted.out)  # the killed run's work kept
    assert dump(db) == uninterrupted_tables(uninterrupted)
    assert integrity(db) == "ok"
    with closing(open_store(db, readonly=True)) as store:
        assert store.get_meta("pending") == "0"


def uninterrupted_tables(run: Run) -> dict[str, list[tuple[Any, ...]]]:
    assert run.code == 0, run.err
    return dump(run.db)


def test_the_uninterrupted_add_holds_the_day_by_day_trace(built: Built, uninterrupted: Run) -> None:
    assert uninterrupted.code == 0, uninterrupted.err
    assert dump(uninterrupted.db) == dump(built.final)
    assert "index: " in uninterrupted.out


# -- e. readers beside the writer -------------------------------------------------------------------


def test_readers_see_a_whole_trace_while_an_add_runs(built: Built, uninterrupted: Run) -> None:
    assert uninterrupted.code == 0, uninterrupted.err
    assert uninterrupted.errors == []
    old = tuple((row[0], row[-2]) for row in uninterrupted.before["stories"])
    new = tuple((row[0], row[-2]) for row in dump(uninterrupted.db)["stories"])
    assert old != new
    # Reads during the add (the new pages stored, the trace not yet saved) all worked ...
    assert any(pending for pending, _ in uninterrupted.snapshots)
    # ... and each saw one whole trace, the old or the new, never a mix.
    for _, rows in uninterrupted.snapshots:
        assert rows in (old, new)
    if stories_command_exists():
        listing = uninterrupted.listing
        assert listing is not None and listing.returncode == 0, listing
        listed = {json.loads(line)["id"] for line in listing.stdout.splitlines() if line}
        assert listed in ({i for i, _ in old}, {i for i, _ in new})


def test_an_add_on_two_cores_equals_batch(built: Built, tmp_path: Path) -> None:
    # The last day added to a copy of the index, its new pairs and stories traced on two
    # worker processes: the same trace as one batch over every day.
    db = copy_index(built.final, tmp_path / "naql.db")
    store = open_store(db)
    extra = read_articles([EXAMPLE]).articles
    report = index.add(store, extra, SETTINGS, backend=open_backend("local", 2))
    store.close()
    assert report.trace is not None and report.computed.get("stories", 0) > 0
    assert comparable(report.trace) == comparable(batch([*built.all_pages(), *extra]))


def test_an_add_on_spark_equals_batch(built: Built, tmp_path: Path) -> None:
    # The same on Spark (local mode): the pages cleaned by the executors, the tokens from the
    # index's memo, and the cleaned texts left there for a tokenise job let go.
    needs_spark()
    db = copy_index(built.final, tmp_path / "naql.db")
    store = open_store(db)
    extra = read_articles([EXAMPLE]).articles
    spark = open_backend("spark", 2, "local[2]")
    try:
        report = index.add(store, extra, SETTINGS, backend=spark)
        assert spark._cleaned is None  # type: ignore[attr-defined]
    finally:
        spark.close()
        store.close()
    assert report.trace is not None and report.computed.get("stories", 0) > 0
    assert comparable(report.trace) == comparable(batch([*built.all_pages(), *extra]))


def test_a_page_cut_into_items_is_indexed_and_queried_as_its_parts(tmp_path: Path) -> None:
    # A roundup page is cut into one part per item (naql.stories.items) after its tokens were
    # remembered: the index holds the parts, equals the batch, and answers queries on them.
    from test_stories import CANAL, HEALTH

    page = Article(id="page", text="تقرير اليوم\n" + HEALTH + "\nعلى صعيد آخر، " + CANAL + "\n")
    one = Article(id="one", text=HEALTH, url="https://www.spa.gov.sa/2")
    two = Article(id="two", text=CANAL, url="https://www.okaz.com.sa/3")
    store = open_store(tmp_path / "naql.db")
    index.add(store, [one, two], SETTINGS)
    report = index.add(store, [page], SETTINGS)
    assert report.trace is not None
    assert {a.id for a in report.trace.articles} == {"page#1", "page#2", "one", "two"}
    assert comparable(report.trace) == comparable(batch([one, two, page]))
    from naql.query import QueryIndex

    found = QueryIndex.load(store).query(Article(id="q", text=CANAL))
    assert {source.article for source in found.sources} >= {"page#2", "two"}
    store.close()
