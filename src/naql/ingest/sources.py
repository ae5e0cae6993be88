"""A :class:`Source` is one readable input: a file, a zip member, stdin. Errors become reasons."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import IO, Any

HTML_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html"}
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".warc": "warc",
    ".zip": "zip",
    **HTML_EXTENSIONS,
}


# Files that sit next to articles without being one: documentation, and what a browser saves
# beside a page ("Save page as… complete"). Skipped in folders without a Problem each.
_NOT_ARTICLES = frozenset(
    {
        ".md",
        ".markdown",
        ".rst",
        ".css",
        ".js",
        ".map",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".eot",
    }
)


def not_an_article(ext: str) -> bool:
    """Whether a file with extension ``ext`` (lower-cased, with its dot) is known not to be an
    article, so that skipping it in a folder needs no Problem."""
    return ext in _NOT_ARTICLES


def unknown_type_reason(ext: str, gz: bool = False) -> str:
    """The Problem reason for a file in a folder whose extension naql does not read."""
    shown = f"{ext}.gz" if gz else ext
    return (
        f"unknown file type {shown!r} (naql reads .txt, .json, .jsonl, .csv, .tsv, .html, .warc, "
        ".zip, and .gz of these; name the file itself to have its content sniffed)"
    )


@dataclass(slots=True)
class Source:
    """One input to read. ``path`` is what messages and ``Article.path`` show."""

    path: str
    name: str
    opener: Callable[[], IO[bytes]]
    fs_path: str | None = None
    sidecar: dict[str, Any] | None = None
    # A range of a WARC file cut among workers: the number of its first response in the file.
    first_record: int = 1

    def open(self) -> IO[bytes]:
        return self.opener()

    def read(self, *, gz: bool = False) -> bytes:
        with self.stream(gz=gz) as fh:
            return fh.read()

    @contextlib.contextmanager
    def stream(self, *, gz: bool = False) -> Iterator[IO[bytes]]:
        with self.opener() as raw:
            if not gz:
                yield raw
                return
            with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
                yield unpacked  # type: ignore[misc]


def file_source(path: str, name: str | None = None) -> Source:
    return Source(
        path=path,
        name=name or os.path.basename(path.rstrip("/\\")) or path,
        opener=lambda: open(path, "rb"),
        fs_path=path,
    )


def bytes_source(path: str, name: str, data: bytes) -> Source:
    return Source(path=path, name=name, opener=lambda: io.BytesIO(data))


def split_name(name: str) -> tuple[str | None, bool, str, str]:
    """``(format, gzipped, stem, extension)`` from a file name; format None when unknown."""
    lower = name.lower()
    gz = lower.endswith((".gz", ".gzip"))
    base = name[: name.rfind(".")] if gz else name
    stem, ext = os.path.splitext(base)
    if stem.startswith(".") and not ext:
        stem, ext = base, ""
    return EXTENSIONS.get(ext.lower()), gz, stem or base, ext.lower()


def count(skipped: MutableMapping[str, int], reason: str) -> None:
    """One more input passed over for ``reason``."""
    skipped[reason] = skipped.get(reason, 0) + 1


def describe(exc: BaseException) -> str:
    """A one-line reason for an exception met while reading an input (no traceback)."""
    message = " ".join(str(exc).split())
    if isinstance(exc, FileNotFoundError):
        reason = "vanished before it could be read"
    elif isinstance(exc, PermissionError):
        reason = "permission denied"
    elif isinstance(exc, IsADirectoryError):
        reason = "is a folder, not a file"
    elif isinstance(exc, EOFError):
        reason = f"truncated file ({message or 'unexpected end of data'})"
    elif isinstance(exc, gzip.BadGzipFile):
        reason = f"corrupt gzip data ({message})"
    elif isinstance(exc, zlib.error):
        reason = f"corrupt compressed data ({message})"
    elif isinstance(exc, zipfile.BadZipFile):
        reason = f"corrupt or truncated zip archive ({message})"
    elif isinstance(exc, MemoryError):
        reason = "too large to read into memory"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror[0].lower() + exc.strerror[1:]
    elif isinstance(exc, OSError):
        reason = f"read error ({message or type(exc).__name__})"
    elif isinstance(exc, RecursionError):
        reason = "nested too deeply to read"
    else:
        detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        reason = f"could not read ({detail})"
    return reason[:300]
