"""WARC archives (fastwarc): each HTML response is read by the HTML reader.

The URL is the record's ``WARC-Target-URI``. Responses that are not HTML, or whose HTTP status is
not 2xx, are counted as skipped. Compressed WARCs are unpacked by Python's gzip module rather than
fastwarc's own detection: fastwarc stops silently at a truncated gzip member, Python raises, so a
cut-off download is reported instead of looking complete. Payloads are taken raw (fastwarc's
``auto_decode`` off) so that a record cut short can be told by its length; chunked transfer and
gzip/deflate content encodings are then undone here.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import IO, Any

from naql.ingest.html import article_from_html, looks_like_html
from naql.ingest.metadata import apply_sidecar
from naql.ingest.sources import count, describe
from naql.records import Article, Problem

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xhtml"})


def _iterator(stream: Any) -> Any:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    return ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True)


def read_warc(
    stream: IO[bytes],
    *,
    path: str,
    stem: str,
    skipped: MutableMapping[str, int],
    sidecar: dict[str, Any] | None = None,
    first: int = 1,
) -> Iterator[Article | Problem]:
    """The articles of a WARC's HTML responses, numbered from ``first`` (a range of a file
    cut by :func:`record_ranges` goes on with its numbers)."""
    head = stream.read(5)
    if head != b"WARC/":
        yield Problem(path, "not a WARC file (no WARC/ header at the start)")
        return
    feed = _Feed(head, stream)
    try:
        yield from _records(
            feed, path=path, stem=stem, skipped=skipped, sidecar=sidecar, first=first
        )
    except BaseException as exc:
        # fastwarc's Rust side panics instead of raising on some broken streams; pyo3 turns that
        # into PanicException, a BaseException that a plain `except Exception` would let through.
        if type(exc).__name__ != "PanicException":
            raise
        message = " ".join(str(exc).split())[:200]
        yield Problem(path, f"WARC reader failed ({message})")
    if feed.error is not None:
        yield Problem(path, describe(feed.error))


def _records(
    feed: _Feed,
    *,
    path: str,
    stem: str,
    skipped: MutableMapping[str, int],
    sidecar: dict[str, Any] | None,
    first: int,
) -> Iterator[Article | Problem]:
    for number, record in enumerate(_iterator(feed), first):
        uri = record.headers.get("WARC-Target-URI") or None
        where = f"record {number}" + (f" ({uri})" if uri else "")
        http = record.http_headers
        if http is None:
            if feed.error is None:  # else the stream's own error says it all
                yield Problem(path, f"{where}: truncated or malformed WARC record")
            continue
        status = http.status_code
        if not status or not 200 <= int(status) < 300:
            count(skipped, f"WARC response with HTTP status {status}")
            continue
        content_type = (record.http_content_type or "").lower()
        if content_type and content_type not in _HTML_TYPES:
            count(skipped, "WARC response not HTML")
            continue
        expected = record.content_length
        body = record.reader.read()
        if isinstance(expected, int) and len(body) < expected:
            if feed.error is None:
                yield Problem(path, f"{where}: truncated WARC record")
            continue
        try:
            body = _decode_http(body, http)
        except ValueError as exc:
            yield Problem(path, f"{where}: {exc}")
            continue
        if not content_type and not looks_like_html(body[:4096]):
            count(skipped, "WARC response not HTML")
            continue
        items = article_from_html(
            body,
            path=path,
            article_id=f"{stem}:{number}",
            url=uri,
            charset=record.http_charset,
        )
        for item in items:
            if isinstance(item, Problem):
                # replace, not a new Problem: a notice must stay a notice
                yield dataclasses.replace(item, path=path, reason=f"{where}: {item.reason}")
                continue
            record_id = record.headers.get("WARC-Record-ID")
            if record_id:
                item.meta["warc_record_id"] = record_id
            warc_date = record.headers.get("WARC-Date")
            if warc_date:
                item.meta["warc_date"] = warc_date
            yield apply_sidecar(item, sidecar, override=False)


def _decode_http(body: bytes, http: Any) -> bytes:
    """Undo chunked transfer encoding and gzip/deflate content encoding, as the browser would."""
    transfer = (http.get("Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        body = _dechunk(body)
    encoding = (http.get("Content-Encoding") or "").strip().lower()
    if encoding in ("", "identity", "none"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        for wbits in (47, -15):  # gzip or zlib header, then raw deflate
            try:
                return zlib.decompress(body, wbits)
            except zlib.error:
                continue
        if looks_like_html(body[:4096]):
            return body  # declared encoded, stored decoded (some crawlers do this)
        raise ValueError(f"corrupt {encoding} content encoding")
    if looks_like_html(body[:4096]):
        return body
    raise ValueError(f"unsupported content encoding {encoding!r}")


def _dechunk(body: bytes) -> bytes:
    """The payload of a chunked HTTP body; the body unchanged if it is not validly chunked."""
    parts: list[bytes] = []
    pos = 0
    while True:
        end = body.find(b"\n", pos)
        if end < 0:
            return body
        try:
            size = int(body[pos:end].split(b";")[0].strip(), 16)
        except ValueError:
            return body
        if size == 0:
            return b"".join(parts)
        start = end + 1
        parts.append(body[start : start + size])
        pos = start + size
        if body[pos : pos + 2] == b"\r\n":
            pos += 2
        elif body[pos : pos + 1] == b"\n":
            pos += 1


class _Feed:
    """The stream fastwarc reads: gives back the bytes already read from the front, and turns a
    read error (a truncated gzip member, corrupt data) into end of stream, kept in ``error``, so
    the records before it are still handed over. It has ``tell`` but no ``seek``: fastwarc 2 then
    reads it sequentially."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream
        self._pos = 0
        self._read1 = getattr(stream, "read1", stream.read)
        self.error: Exception | None = None

    def tell(self) -> int:  # fastwarc 2 asks once, at the start, and panics if it cannot
        return self._pos

    def read(self, size: int = -1) -> bytes:
        data = self._read(size)
        self._pos += len(data)
        return data

    def _read(self, size: int) -> bytes:
        head = b""
        if self._head:
            if size is None or size < 0:
                head, self._head = self._head, b""
            else:
                head, self._head = self._head[:size], self._head[size:]
                size -= len(head)
                if size == 0:
                    return head
        if self.error is not None:
            return head
        try:
            # read1: one underlying read at a time, so that a gzip member cut short loses only
            # itself (a buffered read() that spans members drops everything it gathered)
            return head + self._read1(size)
        except (OSError, EOFError, zlib.error) as exc:
            self.error = exc
            return head

    def readable(self) -> bool:
        return True


# --- cutting one large WARC among workers -------------------------------------------------------

_CHUNK = 1 << 20
# A gzip member this large unpacked is no single record (a page is tens or hundreds of KB):
# the file is one stream, and finding its ranges would hold it all.
_MEMBER_LIMIT = 64 << 20
_TYPES = frozenset(
    {
        "warcinfo",
        "response",
        "resource",
        "request",
        "metadata",
        "revisit",
        "conversion",
        "continuation",
    }
)


def record_ranges(
    path: str,
    gz: bool,
    parts: int,
    opened: Callable[[], IO[bytes]] | None = None,
    size: int | None = None,
) -> list[tuple[int, int, int]]:
    """``(start, end, first)``: byte ranges of the WARC file at ``path``, about ``parts`` of
    similar size, each starting at a record (for a ``.warc.gz``, at a gzip member that starts
    one), ``first`` being the number of its first response in the file, as :func:`read_warc`
    counts them. One range, the whole file, unless the file is cut cleanly: every record's
    header read, every member complete, every record type a standard one. A file with a flaw
    is read whole, so its problem is reported as it always was. A file named by URL comes
    with ``opened`` (a seekable file of it, :func:`naql.ingest.remote.random_opener`) and its
    ``size``."""
    whole = [(0, os.path.getsize(path) if size is None else size, 1)]
    if parts < 2:
        return whole
    try:
        with (opened or (lambda: open(path, "rb")))() as handle:
            starts = _gzip_starts(handle) if gz else _plain_starts(handle, whole[0][1])
    except (OSError, ValueError, zlib.error):
        return whole
    if starts is None or len(starts) < 2 or starts[0][0] != 0:
        return whole
    size = whole[0][1]
    # Each cut at the record start nearest its share of the bytes: the first start past it
    # left a file whose last record held over half its bytes uncut.
    offsets = [offset for offset, _ in starts[1:]]
    cuts = [0]
    for k in range(1, parts):
        target = size * k / parts
        at = bisect.bisect_left(offsets, target)
        near = min(offsets[max(at - 1, 0) : at + 1], key=lambda o: (abs(o - target), o))
        if near > cuts[-1]:
            cuts.append(near)
    before = dict(starts)  # offset -> responses before it
    ends = [*cuts[1:], size]
    return [(start, end, before[start] + 1) for start, end in zip(cuts, ends)]


def _gzip_starts(handle: IO[bytes]) -> list[tuple[int, int]] | None:
    """(offset, responses before it) of each gzip member; None if a member starts no record
    or ends before its record does."""
    starts: list[tuple[int, int]] = []
    responses = 0
    offset = 0  # compressed bytes before the current member
    pending = b""
    while True:
        if not pending:
            pending = handle.read(_CHUNK)
            if not pending:
                return starts
        member = zlib.decompressobj(31)
        blocks: list[bytes] = []
        used = 0
        while not member.eof:
            if not pending:
                pending = handle.read(_CHUNK)
                if not pending:
                    return None  # a member cut short
            blocks.append(member.decompress(pending))
            used += len(pending) - len(member.unused_data)
            pending = member.unused_data
            if sum(map(len, blocks)) > _MEMBER_LIMIT:
                return None  # a whole WARC gzipped as one stream: no record-sized members
        found = _responses(b"".join(blocks))
        if found is None:
            return None
        starts.append((offset, responses))
        responses += found
        offset += used


def _responses(data: bytes) -> int | None:
    """How many responses a run of whole records holds; None if it is not one."""
    count = 0
    position = 0
    while position < len(data):
        if not data.startswith(b"WARC/", position):
            return None
        header_end = data.find(b"\r\n\r\n", position)
        if header_end < 0:
            return None
        kind, length = _header(data[position:header_end])
        if kind is None or length is None:
            return None
        count += kind == "response"
        position = header_end + 4 + length
        while data.startswith(b"\r\n", position):
            position += 2
    return count


def _plain_starts(handle: IO[bytes], size: int) -> list[tuple[int, int]] | None:
    """(offset, responses before it) of each record of an uncompressed WARC of ``size``
    bytes."""
    starts: list[tuple[int, int]] = []
    responses = 0
    while True:
        offset = handle.tell()
        line = handle.readline()
        while line in (b"\r\n", b"\n"):
            offset = handle.tell()
            line = handle.readline()
        if not line:
            return starts
        if not line.startswith(b"WARC/"):
            return None
        lines = [line]
        while line not in (b"\r\n", b""):
            line = handle.readline()
            lines.append(line)
        if not line:
            return None
        kind, length = _header(b"".join(lines).rstrip(b"\r\n"))
        if kind is None or length is None:
            return None
        handle.seek(length, os.SEEK_CUR)
        if handle.tell() > size:
            return None
        starts.append((offset, responses))
        responses += kind == "response"


def _header(block: bytes) -> tuple[str | None, int | None]:
    """A record header's WARC-Type (a standard one, else None) and Content-Length."""
    kind: str | None = None
    length: int | None = None
    for line in block.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"warc-type":
            text = value.strip().decode("ascii", "replace")
            kind = text if text in _TYPES else None
            if kind is None:
                return None, None
        elif name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return None, None
    return kind, length
