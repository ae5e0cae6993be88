"""The index as flat tables (JSON lines or Parquet) that pandas, Arrow and DuckDB read directly."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naql.errors import BackendUnavailable, InputError
from naql.store.browse import STORY_COLUMNS, snapshot, summary_of
from naql.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from naql.records import Trace

# A date filter: a year, a month or a day, optionally with a time («2015», «2015-07-21»,
# «2015-07-21T10:00»). Stored dates are compared by prefix, as strings.


FORMATS = ("jsonl", "parquet")

# Each exported table: its columns and their types (string, int, float, strings: a list of
# strings). Rows are flat; the lists and JSON strings are where a record holds a list.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("id", "string"),
        ("page", "string"),  # the page it came from (a page holding several stories is split)
        ("seq", "int"),  # the order articles were traced in
        ("outlet", "string"),  # as the input gave it
        ("outlet_name", "string"),  # the gazetteer's name for it, when it knows the outlet
        ("date", "string"),
        ("title", "string"),
        ("url", "string"),
        ("story", "string"),
        ("language", "string"),
        ("path", "string"),
        ("offset", "int"),
        ("length", "int"),
        ("text", "string"),
        ("dropped", "string"),  # JSON: [{"span": {"start", "end"}, "reason"}]
        ("meta", "string"),  # JSON object
    ),
    "alignments": (
        ("a", "string"),
        ("b", "string"),
        ("a_share", "float"),
        ("b_share", "float"),
        ("passages", "int"),
        ("matched_words", "int"),
    ),
    "passages": (
        ("a", "string"),
        ("b", "string"),
        ("n", "int"),  # the passage's rank within its alignment, from 1
        ("a_start", "int"),
        ("a_end", "int"),
        ("b_start", "int"),
        ("b_end", "int"),
        ("kind", "string"),
        ("score", "float"),
        ("matched_words", "int"),
    ),
    "stories": (
        ("id", "string"),
        ("number", "int"),
        ("label", "string"),
        ("size", "int"),
        ("first_date", "string"),
        ("last_date", "string"),
        ("origin", "string"),
        ("origin_name", "string"),
        ("origin_outlet", "string"),
        ("independent_sources", "int"),
        ("sources", "strings"),
        ("outlets", "strings"),
        ("credited", "strings"),
        ("articles", "strings"),
        ("record", "string"),  # JSON of the Story: edges with their signals, hidden sources
    ),
    "edges": (
        ("story", "string"),
        ("source", "string"),
        ("source_name", "string"),  # hidden sources by name; articles by id
        ("target", "string"),
        ("kind", "string"),
        ("shared_words", "int"),
        ("signals", "string"),  # JSON: [{"name", "weight", "detail"}]
    ),
    "kept_apart": (  # one row per story a story is kept apart from (Story.kept_apart)
        ("story", "string"),
        ("other_story", "string"),
        ("article", "string"),
        ("other_article", "string"),
        ("reason", "string"),  # template | formula | day
        ("detail", "string"),
    ),
    "verdicts": (
        ("article", "string"),
        ("story", "string"),
        ("derivation", "string"),
        ("reused_share", "float"),
        ("sources", "int"),
        ("added_spans", "int"),
        ("added_chars", "int"),
        ("credits", "strings"),
        ("record", "string"),  # JSON of the Verdict (the added spans)
    ),
    "sources": (  # one row per source a verdict names, with its share of the article
        ("article", "string"),
        ("story", "string"),
        ("n", "int"),
        ("source", "string"),
        ("source_name", "string"),
        ("share", "float"),
    ),
    "credits": (
        ("article", "string"),
        ("n", "int"),
        ("outlet", "string"),
        ("name", "string"),
        ("role", "string"),
        ("where", "string"),
        ("start", "int"),
        ("end", "int"),
        ("cue", "string"),
    ),
}


def table_rows(store: SqliteStore, table: str) -> Iterator[dict[str, Any]]:
    """The rows of an exported table, one at a time (call inside :func:`snapshot` to read
    several tables from the same trace)."""
    db = store.db
    if table == "articles":
        sql = "SELECT input, seq, story, record FROM articles ORDER BY seq"
        for page, seq, story, record in db.execute(sql):
            a = json.loads(record)
            yield {
                "id": a["id"],
                "page": page,
                "seq": seq,
                "outlet": a.get("outlet"),
                "outlet_name": a.get("outlet_name"),
                "date": a.get("date"),
                "title": a.get("title"),
                "url": a.get("url"),
                "story": story,
                "language": a.get("language"),
                "path": a.get("path"),
                "offset": a.get("offset", 0),
                "length": len(a["text"]),
                "text": a["text"],
                "dropped": _compact(a.get("dropped", [])),
                "meta": _compact(a.get("meta", {})),
            }
    elif table in ("alignments", "passages"):
        for (record,) in db.execute("SELECT record FROM alignments ORDER BY a, b"):
            al = json.loads(record)
            if table == "alignments":
                yield {
                    "a": al["a"],
                    "b": al["b"],
                    "a_share": al["a_share"],
                    "b_share": al["b_share"],
                    "passages": len(al["passages"]),
                    "matched_words": sum(p["matched_words"] for p in al["passages"]),
                }
                continue
            for n, p in enumerate(al["passages"], 1):
                yield {
                    "a": p["a"],
                    "b": p["b"],
                    "n": n,
                    "a_start": p["a_span"]["start"],
                    "a_end": p["a_span"]["end"],
                    "b_start": p["b_span"]["start"],
                    "b_end": p["b_span"]["end"],
                    "kind": p["kind"],
                    "score": p["score"],
                    "matched_words": p["matched_words"],
                }
    elif table in ("stories", "edges", "kept_apart"):
        sql = f"SELECT {STORY_COLUMNS}, number FROM stories ORDER BY number"  # noqa: S608
        for row in db.execute(sql):
            record = row[-2]
            story = json.loads(record)
            hidden = {h["id"]: h["name"] for h in story.get("hidden", ())}
            if table == "edges":
                for edge in story.get("edges", ()):
                    yield {
                        "story": row[0],
                        "source": edge["source"],
                        "source_name": hidden.get(edge["source"], edge["source"]),
                        "target": edge["target"],
                        "kind": edge["kind"],
                        "shared_words": edge["shared_words"],
                        "signals": _compact(edge["signals"]),
                    }
                continue
            if table == "kept_apart":
                for apart in story.get("kept_apart", ()):
                    yield {
                        "story": row[0],
                        "other_story": apart["story"],
                        "article": apart["article"],
                        "other_article": apart["other"],
                        "reason": apart["reason"],
                        "detail": apart["detail"],
                    }
                continue
            summary = summary_of(row[:-1], story)
            yield {
                "id": summary.id,
                "number": row[-1],
                "label": summary.label,
                "size": summary.size,
                "first_date": summary.first_date,
                "last_date": summary.last_date,
                "origin": summary.origin,
                "origin_name": summary.origin_name,
                "origin_outlet": summary.origin_outlet,
                "independent_sources": summary.independent_sources,
                "sources": summary.sources,
                "outlets": summary.outlets,
                "credited": summary.credited,
                "articles": story["articles"],
                "record": record,
            }
    elif table in ("verdicts", "sources"):
        names = _hidden_names(store) if table == "sources" else {}
        sql = "SELECT record FROM verdicts ORDER BY story, article"
        for (record,) in db.execute(sql):
            v = json.loads(record)
            if table == "sources":
                for n, s in enumerate(v["sources"], 1):
                    yield {
                        "article": v["article"],
                        "story": v["story"],
                        "n": n,
                        "source": s["source"],
                        "source_name": names.get((v["story"], s["source"]), s["source"]),
                        "share": s["share"],
                    }
                continue
            yield {
                "article": v["article"],
                "story": v["story"],
                "derivation": v["derivation"],
                "reused_share": v["reused_share"],
                "sources": len(v["sources"]),
                "added_spans": len(v["added"]),
                "added_chars": sum(s["end"] - s["start"] for s in v["added"]),
                "credits": v["credits"],
                "record": record,
            }
    elif table == "credits":
        for n, record in db.execute("SELECT n, record FROM credits ORDER BY article, n"):
            c = json.loads(record)
            yield {
                "article": c["article"],
                "n": n,
                "outlet": c["outlet"],
                "name": c["name"],
                "role": c["role"],
                "where": c.get("where", "text"),
                "start": c["span"]["start"],
                "end": c["span"]["end"],
                "cue": c["cue"],
            }
    else:
        raise ValueError(f"no exported table {table!r}")


def _hidden_names(store: SqliteStore) -> dict[tuple[str, str], str]:
    """(story id, hidden-source id) → name: a hidden source's id names an outlet, so the same
    id stands in several stories, under a name of its own in each."""
    names: dict[tuple[str, str], str] = {}
    for story, record in store.db.execute("SELECT id, record FROM stories"):
        for hidden in json.loads(record).get("hidden", ()):
            names[(story, hidden["id"])] = hidden["name"]
    return names


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def table_sizes(store: SqliteStore) -> dict[str, int]:
    """How many rows each exported table will have (for progress)."""
    db = store.db
    one = {t: store.count(t) for t in ("articles", "alignments", "stories", "verdicts", "credits")}
    passages = edges = sources = apart = 0
    for (count,) in db.execute("SELECT json_array_length(record, '$.passages') FROM alignments"):
        passages += count
    for (count,) in db.execute("SELECT json_array_length(record, '$.edges') FROM stories"):
        edges += count
    for (count,) in db.execute("SELECT json_array_length(record, '$.sources') FROM verdicts"):
        sources += count
    for (count,) in db.execute(
        "SELECT json_array_length(record, '$.kept_apart') FROM stories"
        " WHERE json_type(record, '$.kept_apart') = 'array'"
    ):
        apart += count
    return {**one, "passages": passages, "edges": edges, "sources": sources, "kept_apart": apart}


Progress = Callable[[str, int, int], None]


def export(
    store: SqliteStore,
    folder: Path | str,
    format: str,
    progress: Progress | None = None,
    batch: int = 2048,
) -> dict[str, int]:
    """Write every table of :data:`TABLES` to ``folder`` as ``<table>.jsonl`` or
    ``<table>.parquet``, streaming (a batch of rows in memory at a time), each file written
    under a temporary name and then moved to its own. ``folder`` may be a URL (``s3://…``,
    ``hdfs://…``: :mod:`naql.ingest.remote`), where a cluster's job keeps its output. All
    tables come from the same trace. Returns the rows written per table."""
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
    write = _write_jsonl if format == "jsonl" else _parquet_writer()
    target = _Target(folder)
    written: dict[str, int] = {}
    with snapshot(store):
        sizes = table_sizes(store)
        for table, columns in TABLES.items():
            name = f"{table}.{format}"
            counter = _Counter(f"export {table}", sizes[table], progress, batch)
            with target.written(name) as handle:
                write(handle, columns, counter.count(table_rows(store, table)), batch)
            written[table] = counter.done
    return written


class _Target:
    """Where the tables go: a local folder, or a folder on a file system named by URL."""

    def __init__(self, folder: Path | str) -> None:
        from naql.ingest.remote import file_system, is_url, reason, shown

        self.local = None if isinstance(folder, str) and is_url(folder) else Path(folder)
        if self.local is None:
            try:
                self.system, self.base = file_system(str(folder))
                self.system.create_dir(self.base, recursive=True)
            except Exception as error:  # noqa: BLE001 - a bad URL or a refusing store: one line
                raise InputError(
                    f"{shown(str(folder))}: cannot write there ({reason(error)})"
                ) from None

    @contextlib.contextmanager
    def written(self, name: str) -> Iterator[Any]:
        """A binary stream writing ``name`` under a temporary name, moved to its own when the
        block ends, gone if it fails."""
        if self.local is None:
            from naql.ingest.remote import written

            with written(self.system, f"{self.base}/{name}") as stream:
                yield stream
            return
        from naql.ingest.remote import local_written

        with local_written(self.local / name) as handle:
            yield handle


def export_trace(
    trace: Trace, folder: Path | str, format: str, progress: Progress | None = None
) -> dict[str, int]:
    """A trace's tables, exactly as :func:`export` writes an index's: the trace is saved to
    a temporary store first, so both go through one code path."""
    with tempfile.TemporaryDirectory(prefix="naql-tables-") as scratch:
        store = SqliteStore(Path(scratch) / "trace.db")
        try:
            with store.transaction():
                store.save_trace(trace)
            return export(store, folder, format, progress)
        finally:
            store.close()


class _Counter:
    """Rows passing by, counted, with progress every ``every`` rows and at the end."""

    def __init__(self, stage: str, total: int, progress: Progress | None, every: int) -> None:
        self.stage, self.total, self.progress, self.every = stage, total, progress, every
        self.done = 0

    def count(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            yield row
            self.done += 1
            if self.progress is not None and self.done % self.every == 0:
                self.progress(self.stage, self.done, max(self.total, self.done))
        if self.progress is not None:
            self.progress(self.stage, self.done, max(self.total, self.done))


def _write_jsonl(
    handle: Any, columns: tuple[tuple[str, str], ...], rows: Iterable[dict[str, Any]], batch: int
) -> None:
    del columns
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False))
        if len(lines) >= batch:
            handle.write(("\n".join(lines) + "\n").encode("utf-8"))
            lines.clear()
    if lines:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))


def _parquet_writer() -> Callable[
    [Any, tuple[tuple[str, str], ...], Iterable[dict[str, Any]], int], None
]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise BackendUnavailable(
            "parquet export needs pyarrow: pip install pyarrow (or export --format jsonl)"
        ) from None
    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "strings": pa.list_(pa.string()),
    }

    def write(
        handle: Any,
        columns: tuple[tuple[str, str], ...],
        rows: Iterable[dict[str, Any]],
        batch: int,
    ) -> None:
        schema = pa.schema([(name, types[kind]) for name, kind in columns])
        names = [name for name, _ in columns]
        with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
            buffer: list[dict[str, Any]] = []

            def flush() -> None:
                writer.write_batch(
                    pa.record_batch([[r[n] for r in buffer] for n in names], schema=schema)
                )
                buffer.clear()

            for row in rows:
                buffer.append(row)
                if len(buffer) >= batch:
                    flush()
            if buffer:
                flush()

    return write
