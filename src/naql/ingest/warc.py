"""WARC archives (fastwarc): each HTML response is read by the HTML reader.

The URL is the record's ``WARC-Target-URI``. Responses that are not HTML, or whose HTTP status is
not 2xx, are counted as skipped. Compressed WARCs are unpacked by Python's gzip module rather than
fastwarc's own detection: fastwarc stops silently at a truncated gzip member, Python raises, so a
cut-off download is reported instead of looking complete. Payloads are taken raw (fastwarc's
``auto_decode`` off) so that a record cut short can be told by its length; chunked transfer and
gzip/deflate content encodings are then undone here.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator, MutableMapping
from typing import IO, Any

from naql.ingest.html import article_from_html, looks_like_html
from naql.ingest.metadata import apply_sidecar
from naql.ingest.sources import describe
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
) -> Iterator[Article | Problem]:
    head = stream.read(5)
    if head != b"WARC/":
        yield Problem(path, "not a WARC file (no WARC/ header at the start)")
        return
    feed = _Feed(head, stream)
    try:
        yield from _records(feed, path=path, stem=stem, skipped=skipped, sidecar=sidecar)
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
) -> Iterator[Article | Problem]:
    for number, record in enumerate(_iterator(feed), 1):
        uri = record.headers.get("WARC-Target-URI") or None
        where = f"record {number}" + (f" ({uri})" if uri else "")
        http = record.http_headers
        if http is None:
            if feed.error is None:  # else the stream's own error says it all
                yield Problem(path, f"{where}: truncated or malformed WARC record")
            continue
        status = http.status_code
        if not status or not 200 <= int(status) < 300:
            _count(skipped, f"WARC response with HTTP status {status}")
            continue
        content_type = (record.http_content_type or "").lower()
        if content_type and content_type not in _HTML_TYPES:
            _count(skipped, "WARC response not HTML")
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
            _count(skipped, "WARC response not HTML")
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


def _count(skipped: MutableMapping[str, int], reason: str) -> None:
    skipped[reason] = skipped.get(reason, 0) + 1


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
