"""The index in one SQLite file: WAL mode (readers never wait for the one writer), a versioned
schema (:mod:`naql.store.schema`), every write inside a transaction.

Crash safety comes from SQLite itself: a transaction is on disk once ``COMMIT`` returns, and a
process killed before that leaves the file as it was. The index commits the pages it read
first (and says so), then the memo as stages finish, then the whole trace in one transaction;
a run killed in between leaves the index marked *pending* and the next run finishes the job.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from naql.errors import NaqlError
from naql.records import Trace, to_json
from naql.store.schema import APPLICATION_ID, MIGRATIONS, VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
# How many leading columns of each trace table make its primary key.
KEY_COLUMNS = {"articles": 1, "alignments": 2, "stories": 1, "verdicts": 1, "credits": 2}


class StoreError(NaqlError):
    """The index cannot be used; the message names the file and the reason."""


def record_json(record: Any) -> str:
    return json.dumps(to_json(record), ensure_ascii=False, separators=(",", ":"))


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class SqliteStore:
    """One index file. ``readonly`` opens it for browsing and queries only."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._check_file()
        try:
            if readonly:
                uri = f"file:{self.path.resolve()}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self._check_schema()
        except sqlite3.DatabaseError as error:
            self._close_refused()
            raise StoreError(f"{self.path}: {describe(error)}") from None
        except StoreError:
            self._close_refused()
            raise

    def _close_refused(self) -> None:
        """A file refused is closed at once (not left open, its -wal and -shm beside it)."""
        if hasattr(self, "db"):
            self.db.close()

    # -- opening -------------------------------------------------------------------------------

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not an index file")
        if not self.path.exists():
            if self.readonly:
                raise StoreError(f"{self.path}: no such index (build one with: naql index add)")
            return
        with self.path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"{self.path}: not a naql index (not an SQLite database)")

    def _check_schema(self) -> None:
        app = self.db.execute("PRAGMA application_id").fetchone()[0]
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != APPLICATION_ID and (app != 0 or tables):
            raise StoreError(
                f"{self.path}: an SQLite database of another program, not a naql index; "
                "naql will not write into it"
            )
        if version > VERSION:
            raise StoreError(
                f"{self.path}: made by a newer naql (index schema {version}; this naql reads "
                f"up to {VERSION}): upgrade naql (pip install -U naql)"
            )
        if version < VERSION:
            if self.readonly:
                raise StoreError(
                    f"{self.path}: index schema {version} needs upgrading to {VERSION}: "
                    "run naql index add once (it migrates the file)"
                )
            self._migrate(version)
        if not self.readonly:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self, version: int) -> None:
        # executescript commits whatever is open first, so each step is one script that opens
        # and commits its own transaction: a crash leaves the file at one version or the next.
        while version < VERSION:
            self.db.executescript(
                "BEGIN IMMEDIATE;"
                + MIGRATIONS[version]
                + f"PRAGMA user_version = {version + 1};"
                + f"PRAGMA application_id = {APPLICATION_ID};"
                + "COMMIT;"
            )
            version += 1

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it is on disk when the block ends, none of it on error."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only, nothing can be written to it")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): a second ROLLBACK would
            # raise "no transaction is active" and hide the reason.
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()

    # -- settings and state ----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- inputs ------------------------------------------------------------------------------------

    def put_inputs(self, records: Sequence[tuple[str, str, bytes]]) -> tuple[int, list[str], int]:
        """Store pages as (id, content hash, record); (new, replaced ids, unchanged). A page
        whose content changed under the same id replaces the old one in its place."""
        known = dict(self.db.execute("SELECT id, hash FROM inputs"))
        new, replaced, unchanged = 0, [], 0
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            seq = db.execute("SELECT coalesce(max(seq), 0) FROM inputs").fetchone()[0]
            for id_, content, record in records:
                before = known.get(id_)
                if before == content:
                    unchanged += 1
                    continue
                if before is None:
                    seq += 1
                    new += 1
                    db.execute(
                        "INSERT INTO inputs (id, seq, hash, added, record) VALUES (?, ?, ?, ?, ?)",
                        (id_, seq, content, now, record),
                    )
                else:
                    replaced.append(id_)
                    db.execute(
                        "UPDATE inputs SET hash = ?, added = ?, record = ? WHERE id = ?",
                        (content, now, record, id_),
                    )
                known[id_] = content
            if new or replaced:
                self.set_meta("pending", "1")
        return new, replaced, unchanged

    def inputs(self) -> list[tuple[str, bytes]]:
        return [
            (str(i), bytes(r))
            for i, r in self.db.execute("SELECT id, record FROM inputs ORDER BY seq")
        ]

    def count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

    # -- memo (naql.memo.MemoStore) --------------------------------------------------------------

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                (key, bytes(value))
                for key, value in self.db.execute(
                    f"SELECT key, value FROM memo WHERE kind = ? AND key IN ({marks})",  # noqa: S608
                    (kind, *chunk),
                )
            )
        return found

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None:
        if self.readonly:
            return
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO memo (kind, key, value) VALUES (?, ?, ?)",
                ((kind, key, value) for key, value in items.items()),
            )

    def prune_memo(self, used: Mapping[str, set[str]]) -> int:
        """Forget entries this run did not use (texts replaced, pairs no longer candidates)."""
        # Keyed, so the NOT EXISTS below is a lookup, not a scan of `used` per memo row.
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS used "
            "(kind TEXT, key TEXT, PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )
        self.db.execute("DELETE FROM used")
        self.db.executemany(
            "INSERT OR IGNORE INTO used VALUES (?, ?)",
            ((k, key) for k, keys in used.items() for key in keys),
        )
        cursor = self.db.execute(
            "DELETE FROM memo WHERE NOT EXISTS "
            "(SELECT 1 FROM used WHERE used.kind = memo.kind AND used.key = memo.key)"
        )
        return cursor.rowcount

    # -- the trace ---------------------------------------------------------------------------------

    def save_trace(self, trace: Trace) -> dict[str, int]:
        """Replace the stored trace by ``trace``, writing only rows that changed. Call inside
        :meth:`transaction`. Returns the rows written per table."""
        story_of = {a: s.id for s in trace.stories for a in s.articles}
        dates = {a.id: a.date for a in trace.articles}
        outlets = {a.id: a.shown_outlet for a in trace.articles}
        tables: dict[str, tuple[tuple[str, ...], dict[tuple[Any, ...], tuple[Any, ...]]]] = {}
        rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for seq, article in enumerate(trace.articles):
            text = record_json(article)
            rows[(article.id,)] = (
                seq,
                article.id.split("#", 1)[0],
                article.shown_outlet,
                article.date,
                article.title,
                article.url,
                story_of.get(article.id),
                _hash(text),
                text,
            )
        tables["articles"] = (
            ("id", "seq", "input", "outlet", "date", "title", "url", "story", "hash", "record"),
            rows,
        )
        rows = {}
        for alignment in trace.alignments:
            text = record_json(alignment)
            rows[(alignment.a, alignment.b)] = (
                alignment.a_share,
                alignment.b_share,
                _hash(text),
                text,
            )
        tables["alignments"] = (("a", "b", "a_share", "b_share", "hash", "record"), rows)
        rows = {}
        for number, story in enumerate(trace.stories, 1):
            text = record_json(story)
            when = sorted(d for a in story.articles if (d := dates.get(a)))
            rows[(story.id,)] = (
                number,
                story.label,
                len(story.articles),
                when[0] if when else None,
                when[-1] if when else None,
                story.origin,
                story.origin_outlet,
                story.independent_sources,
                json.dumps(
                    sorted({o for a in story.articles if (o := outlets.get(a))}), ensure_ascii=False
                ),
                _hash(text),
                text,
            )
        tables["stories"] = (
            (
                "id",
                "number",
                "label",
                "size",
                "first_date",
                "last_date",
                "origin",
                "origin_outlet",
                "independent_sources",
                "outlets",
                "hash",
                "record",
            ),
            rows,
        )
        rows = {}
        for verdict in trace.verdicts:
            text = record_json(verdict)
            rows[(verdict.article,)] = (verdict.story, verdict.derivation, _hash(text), text)
        tables["verdicts"] = (("article", "story", "derivation", "hash", "record"), rows)
        rows = {}
        counter: dict[str, int] = {}
        for credit in trace.attributions:
            n = counter[credit.article] = counter.get(credit.article, 0) + 1
            text = record_json(credit)
            rows[(credit.article, n)] = (credit.outlet, credit.role, _hash(text), text)
        tables["credits"] = (("article", "n", "outlet", "role", "hash", "record"), rows)
        written = {}
        for table, (columns, new_rows) in tables.items():
            written[table] = self._replace_rows(table, columns, new_rows)
        return written

    def _replace_rows(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: dict[tuple[Any, ...], tuple[Any, ...]],
    ) -> int:
        key_columns = columns[: KEY_COLUMNS[table]]
        keys = ", ".join(key_columns)
        hash_at = columns.index("hash") - len(key_columns)
        record_at = columns.index("record") - len(key_columns)
        # The hash stored is the whole row's (the record's hash and every other column), so a
        # row is rewritten when any column changed: renumbered stories change an article's
        # story column, not its record.
        rows = {
            key: (
                *values[:hash_at],
                _hash(json.dumps(values[:record_at] + values[record_at + 1 :], ensure_ascii=False)),
                *values[hash_at + 1 :],
            )
            for key, values in rows.items()
        }
        stored = {
            tuple(row[:-1]): row[-1]
            for row in self.db.execute(f"SELECT {keys}, hash FROM {table}")  # noqa: S608
        }
        gone = [key for key in stored if key not in rows]
        where = " AND ".join(f"{c} = ?" for c in key_columns)
        self.db.executemany(f"DELETE FROM {table} WHERE {where}", gone)  # noqa: S608
        changed = [
            (*key, *values) for key, values in rows.items() if stored.get(key) != values[hash_at]
        ]
        marks = ", ".join("?" * len(columns))
        self.db.executemany(
            f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            changed,
        )
        return len(changed) + len(gone)

    # -- blobs -------------------------------------------------------------------------------------

    def get_blob(self, name: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM blobs WHERE name = ?", (name,)).fetchone()
        return None if row is None else bytes(row[0])

    def put_blob(self, name: str, value: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO blobs (name, value) VALUES (?, ?)", (name, value))


def describe(error: sqlite3.Error) -> str:
    """SQLite's reason in words a user acts on."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"corrupt index ({text}); rebuild it with naql index add from the original files"
    if "readonly" in text or "read-only" in text:
        return f"cannot write the index ({text}); nothing of this write was kept"
    if "disk is full" in text or "full" in text:
        return (
            f"disk full ({text}); nothing of this write was kept (what was reported stored "
            "stays): free space and run naql index add again to finish"
        )
    if "locked" in text or "busy" in text:
        return f"index busy ({text}): another naql is writing; try again when it ends"
    return text
