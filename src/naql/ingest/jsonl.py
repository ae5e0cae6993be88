"""Structured records: JSONL (streamed line by line), JSON (object or array) and CSV/TSV.

Each record is mapped through :class:`ReadOptions` field names; a record without the text field is
a Problem listing the keys it does have.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from naql.ingest.encoding import (
    DecodeFailure,
    binary_reason,
    bom_encoding,
    decode_bytes,
    decode_line,
)
from naql.ingest.fields import chosen_fields
from naql.ingest.metadata import (
    MISSING,
    apply_sidecar,
    article_from_record,
    lookup,
    missing_field_reason,
)
from naql.ingest.options import ReadOptions
from naql.records import Article, Problem

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

Item = Article | Problem


class _Fields:
    """The options one file's records are read with: chosen on its first record
    (:func:`naql.ingest.fields.chosen_fields`), and the note about them, given once."""

    __slots__ = ("options", "path", "chosen")

    def __init__(self, options: ReadOptions, path: str) -> None:
        self.options, self.path, self.chosen = options, path, False

    def choose(self, record: Any) -> Problem | None:
        if self.chosen or not isinstance(record, dict):
            return None
        self.chosen = True
        self.options, note = chosen_fields(record, self.options)
        return None if note is None else Problem(self.path, note, skipped=False)


def _record(
    record: Any,
    fields: _Fields,
    *,
    default_id: str,
    path: str,
    line: int | None,
    sidecar: dict[str, Any] | None,
    prefix: str = "",
) -> Iterator[Item]:
    """The record's article (or why not), after the note on the file's fields if this record
    chose them."""
    note = fields.choose(record)
    if note is not None:
        yield note
    result = article_from_record(record, fields.options, default_id=default_id, path=path)
    if isinstance(result, str):
        yield Problem(path, prefix + result, line)
    else:
        yield apply_sidecar(result, sidecar, override=False)


# --- JSONL -------------------------------------------------------------------------------------


def read_jsonl(
    stream: IO[bytes],
    *,
    path: str,
    stem: str,
    options: ReadOptions,
    sidecar: dict[str, Any] | None = None,
) -> Iterator[Item]:
    """One record per line, streamed: a 50 MB line costs one 50 MB line, not the whole file."""
    first = stream.readline()
    bom = bom_encoding(first[:4])
    if bom and bom != "utf-8":
        # UTF-16/32 lines cannot be split on b"\n": decode the whole file (rare).
        try:
            text = decode_bytes(first + stream.read()).text
        except DecodeFailure as failure:
            yield Problem(path, failure.reason)
            return
        yield from _jsonl_text_lines(text, path=path, stem=stem, options=options, sidecar=sidecar)
        return
    if bom == "utf-8":
        first = first[3:]
    reason = binary_reason(first[:8192])
    if reason:
        yield Problem(path, reason)
        return
    fallback: list[str] = []
    loads = json.loads
    number = 0
    fields = _Fields(options, path)
    for raw in _chain(first, stream):
        number += 1
        if raw.isspace() or not raw:
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_line(raw, fallback)
            except DecodeFailure as failure:
                yield Problem(path, failure.reason, number)
                continue
        try:
            record = loads(line)
        except ValueError as exc:
            yield Problem(path, _json_error(exc), number)
            continue
        yield from _record(
            record, fields, default_id=f"{stem}:{number}", path=path, line=number, sidecar=sidecar
        )


def _chain(first: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    if first:
        yield first
        yield from stream


def _jsonl_text_lines(
    text: str, *, path: str, stem: str, options: ReadOptions, sidecar: dict[str, Any] | None
) -> Iterator[Item]:
    fields = _Fields(options, path)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield Problem(path, _json_error(exc), number)
            continue
        yield from _record(
            record, fields, default_id=f"{stem}:{number}", path=path, line=number, sidecar=sidecar
        )


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    return f"invalid JSON ({' '.join(str(exc).split())[:200]})"


# --- JSON --------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
# Where the next element of a broken array (or sequence of objects) may start: an object opening
# after a comma or at the start of a line.
_RESYNC = re.compile(r"(?:,|\n)[ \t\r\n]*(?=\{)")


def read_json(
    text: str,
    *,
    path: str,
    stem: str,
    options: ReadOptions,
    sidecar: dict[str, Any] | None = None,
) -> Iterator[Item]:
    """An object, an array of objects, or objects one after another (JSONL saved as .json).

    Elements are decoded one at a time, so one broken element is reported and the others read.
    """
    start = _WS.match(text).end()  # type: ignore[union-attr]
    if start == len(text):
        yield Problem(path, "empty text")
        return
    if text[start] != "[":
        try:
            whole = json.loads(text)
        except ValueError:
            pass  # several objects, or a broken one: scan below
        else:
            records = _wrapped_records(whole, options)
            fields = _Fields(options, path)
            if records is None:
                yield from _record(
                    whole, fields, default_id=stem, path=path, line=None, sidecar=sidecar
                )
            else:
                for index, record in enumerate(records, 1):
                    yield from _record(
                        record,
                        fields,
                        default_id=f"{stem}:{index}",
                        path=path,
                        line=None,
                        sidecar=sidecar,
                        prefix=f"element {index}: ",
                    )
            return
    yield from _scan(text, start, path=path, stem=stem, options=options, sidecar=sidecar)


def _wrapped_records(whole: Any, options: ReadOptions) -> list[Any] | None:
    """The list in ``{"articles": [...]}``-style wrappers (one list of objects, no text field)."""
    if not isinstance(whole, dict) or lookup(whole, options.text_field) is not MISSING:
        return None
    lists = [
        value
        for value in whole.values()
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
    ]
    return lists[0] if len(lists) == 1 else None


def _scan(
    text: str,
    pos: int,
    *,
    path: str,
    stem: str,
    options: ReadOptions,
    sidecar: dict[str, Any] | None,
) -> Iterator[Item]:
    decoder = json.JSONDecoder()
    ws = _WS.match
    fields = _Fields(options, path)
    in_array = text[pos] == "["
    if in_array:
        pos += 1
    size = len(text)
    line, line_pos = 1, 0
    index = 0
    closed = False
    while True:
        pos = ws(text, pos).end()  # type: ignore[union-attr]
        if pos >= size:
            break
        if in_array and text[pos] == "]":
            closed = True
            pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < size:
                line += text.count("\n", line_pos, pos)
                yield Problem(path, "extra data after the JSON array", line)
            break
        if text[pos] == ",":
            pos += 1
            continue
        index += 1
        line += text.count("\n", line_pos, pos)
        line_pos = pos
        prefix = f"element {index}: "
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(
                path,
                f"{prefix}invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
                line,
            )
            match = _RESYNC.search(text, max(exc.pos, pos + 1))
            if match is None:
                closed = True  # nothing more to recover; do not also report the missing "]"
                break
            pos = match.end()
            continue
        yield from _record(
            record,
            fields,
            default_id=f"{stem}:{index}",
            path=path,
            line=line,
            sidecar=sidecar,
            prefix=prefix,
        )
        pos = end
    if in_array and not closed:
        line += text.count("\n", line_pos, size)
        yield Problem(path, "JSON array is not closed (truncated file?)", line)


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(
    text: str,
    *,
    path: str,
    stem: str,
    options: ReadOptions,
    delimiter: str = ",",
    sidecar: dict[str, Any] | None = None,
) -> Iterator[Item]:
    """One record per row, the header row naming the fields (mapped like JSON keys)."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield Problem(path, f"invalid CSV header ({exc})", 1)
        return
    if not header:
        yield Problem(path, "empty text")
        return
    reader.fieldnames = [name.strip() if name else name for name in header]
    fields = _Fields(options, path)
    # The header stands for every row: its names choose the fields once.
    if (note := fields.choose({name: "" for name in reader.fieldnames if name})) is not None:
        yield note
    if fields.options.text_field not in reader.fieldnames:
        yield Problem(path, missing_field_reason(fields.options.text_field, reader.fieldnames), 1)
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Problem(path, f"invalid CSV row ({exc})", start)
            if reader.line_num < start:
                break
            continue
        row.pop(None, None)  # type: ignore[call-overload]
        yield from _record(
            row, fields, default_id=f"{stem}:{start}", path=path, line=start, sidecar=sidecar
        )
