"""Inputs named by URL: ``s3://``, ``gs://``, ``hdfs://``, ``file://`` (pyarrow's file systems).

An archive on a cluster lives in object storage or HDFS, not on the driver's disk. A URL is
walked as a folder is (its files in path order, hidden ones and subfolders skipped as locally,
each folder's ``metadata.jsonl`` applied), and each file is opened by whichever process reads
it, the driver's workers or Spark's executors, through the same file system. Options ride on the
URL as pyarrow reads them (``s3://bucket/crawl?region=eu-west-1``, or ``endpoint_override`` and
``scheme=http`` for an S3-compatible store); credentials come from where each file system looks
for them (for S3, the AWS environment variables or ``~/.aws`` of every process that reads; for
HDFS, Hadoop's ``libhdfs`` and ``CLASSPATH`` on every executor).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from naql.ingest.formats import folder_sidecars, hidden, load_sidecar, sidecar_of
from naql.ingest.metadata import SIDECAR_NAME
from naql.ingest.options import ReadOptions
from naql.ingest.sources import Source, describe
from naql.records import Problem

if TYPE_CHECKING:
    from pyarrow.fs import FileSystem

    from naql.ingest.paths import Step

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(given: str) -> bool:
    return bool(_URL.match(given))


# Web pages are not fetched: a crawl is read from what it saved (files, WARCs, a store).
WEB_SCHEMES = ("http", "https", "ftp")


class UnsupportedURL(ValueError):
    """A URL whose scheme names no file system naql reads or writes."""


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()


@functools.lru_cache(maxsize=32)
def file_system(url: str) -> tuple[FileSystem, str]:
    """The file system a URL names and the path on it (made once per URL in each process:
    an S3 file system resolves its credentials and region when it is made)."""
    from pyarrow.fs import FileSystem

    scheme = _scheme(url)
    if scheme in WEB_SCHEMES:
        raise UnsupportedURL(
            f"{scheme}:// is not read or written: naql fetches no web page (save the page, or "
            "a WARC of the crawl, and give its file); its URLs are s3://, gs://, hdfs:// and "
            "file://"
        )
    try:
        return FileSystem.from_uri(url)
    except Exception as exc:
        if "Unrecognized filesystem type" in str(exc):
            raise UnsupportedURL(
                f"{scheme}:// is no file system naql knows: its URLs are s3://, gs://, hdfs:// "
                "and file://"
            ) from None
        raise


def shown(url: str) -> str:
    """A URL as records and messages show it: without its options, which may carry an
    endpoint or keys (a web page's query is part of its address, and shown)."""
    if not is_url(url) or _scheme(url) in WEB_SCHEMES:
        return url
    return url.split("?", 1)[0]


@contextlib.contextmanager
def written(system: FileSystem, path: str) -> Iterator[Any]:
    """A stream writing ``path`` on ``system`` under a temporary name, moved to its own when
    the block ends; if the block fails, the temporary file is removed and nothing is moved."""
    part = path + ".part"
    try:
        with system.open_output_stream(part, compression=None) as stream:
            yield stream
    except BaseException:
        with contextlib.suppress(Exception):
            system.delete_file(part)
        raise
    system.move(part, path)


@contextlib.contextmanager
def local_written(path: Path) -> Iterator[IO[bytes]]:
    """A binary file writing ``path`` under a temporary name, moved to its own when the block
    ends; if the block fails, the temporary file is removed and nothing is moved."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as handle:
            yield handle
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


@contextlib.contextmanager
def binary_written(target: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file written at ``target``, a local path (:func:`local_written`) or a URL
    (:func:`written`, its folders made as needed). Raises ``OSError`` when it cannot be."""
    if not isinstance(target, str) or not is_url(target):
        with local_written(Path(target)) as handle:
            yield handle
        return
    system, path = file_system(target)
    parent = path.rsplit("/", 1)[0]
    if parent != path:
        system.create_dir(parent, recursive=True)
    with written(system, path) as stream:
        buffered = io.BufferedWriter(Native(stream, owns=False), buffer_size=1 << 20)
        yield buffered
        buffered.flush()  # into the stream, which its own close uploads


@contextlib.contextmanager
def text_written(target: str | os.PathLike[str], errors: str = "strict") -> Iterator[IO[str]]:
    """A UTF-8 text file written at ``target`` as :func:`binary_written` writes one: an
    interrupted run leaves no half file."""
    with binary_written(target) as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8", errors=errors)
        yield handle
        handle.flush()
        handle.detach()  # the binary file is closed (and moved) by its own block


def opener(root: str, path: str) -> Callable[[], IO[bytes]]:
    """Opens ``path`` on the file system of the URL ``root``, in whatever process calls it."""

    def open_stream() -> IO[bytes]:
        system, _ = file_system(root)
        # compression=None: pyarrow would otherwise unpack a .gz by its name, and naql's
        # readers unpack it themselves (and tell a truncated one).
        native = system.open_input_stream(path, compression=None)
        return io.BufferedReader(Native(native), buffer_size=1 << 20)

    return open_stream


def random_opener(root: str, path: str) -> Callable[[], IO[bytes]]:
    """As :func:`opener`, a file that can seek and tell where it is: for the ranges of a
    large WARC (:func:`naql.ingest.warc.record_ranges`), found and read where they start."""

    def open_file() -> IO[bytes]:
        system, _ = file_system(root)
        native = system.open_input_file(path)
        return io.BufferedReader(Native(native), buffer_size=1 << 20)

    return open_file


class Native(io.RawIOBase):
    """pyarrow's input or output stream as Python's raw binary file: the readers iterate
    lines and call read1, and the JSON writer wants a text file, which pyarrow's own files
    do their own way. Closing it closes the stream when ``owns`` it."""

    def __init__(self, native: Any, owns: bool = True) -> None:
        self._native, self._owns = native, owns

    def readable(self) -> bool:
        return bool(self._native.readable())

    def writable(self) -> bool:
        return bool(self._native.writable())

    def seekable(self) -> bool:
        return bool(self._native.seekable())

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return int(self._native.seek(offset, whence))

    def tell(self) -> int:
        return int(self._native.tell())

    def readinto(self, buffer: Any) -> int:
        data = self._native.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def write(self, data: Any) -> int:
        self._native.write(bytes(data))
        return len(data)

    def close(self) -> None:
        if not self.closed and self._owns:
            self._native.close()
        super().close()


def plan_url(given: str, options: ReadOptions, sidecars: dict[str, Any]) -> Iterator[Step]:
    """The plan of one URL, as :func:`naql.ingest.paths._plan_path` plans a local path.
    ``sidecars`` caches each folder's sidecar entries across the URLs of one read."""
    from pyarrow.fs import FileSelector, FileType

    from naql.ingest.paths import FileRead, Skip

    root_shown = shown(given).rstrip("/")
    try:
        system, root = file_system(given)
        info = system.get_file_info(root)
    except Exception as exc:  # noqa: BLE001 - a bad URL or an unreachable store is one line
        yield Problem(root_shown, f"cannot open: {reason(exc)}")
        return
    if info.type == FileType.NotFound:
        yield Problem(root_shown, "no such file or folder")
        return
    if info.type == FileType.File:
        if info.base_name == SIDECAR_NAME:
            yield Skip("metadata sidecar")
            return
        folder = posixpath.dirname(root)
        # One file system (scheme and options) and one folder: its sidecar read once.
        key = f"{given.split('://', 1)[0]}?{given.partition('?')[2]}\n{folder}"
        if key not in sidecars:
            entries: dict[str, dict[str, Any]] = {}
            sidecar = posixpath.join(folder, SIDECAR_NAME)
            if system.get_file_info(sidecar).type == FileType.File:
                where = posixpath.join(posixpath.dirname(root_shown), SIDECAR_NAME)
                yield from load_sidecar(_source(given, sidecar, where, SIDECAR_NAME), entries)
            sidecars[key] = entries
        entry = sidecars[key].get(info.base_name)
        yield FileRead(root_shown, info.base_name, True, entry, info.size or 0, root, root=given)
        return
    try:
        listed = system.get_file_info(FileSelector(root, recursive=options.recursive))
    except Exception as exc:  # noqa: BLE001
        yield Problem(root_shown, f"cannot list folder: {reason(exc)}")
        return
    base = root.rstrip("/")
    files: list[tuple[tuple[str, ...], Any]] = []
    skips: list[tuple[tuple[str, ...], str]] = []
    for item in listed:
        parts = tuple(part for part in item.path[len(base) :].split("/") if part)
        if not parts:
            continue
        first_hidden = next((k for k, part in enumerate(parts) if hidden(part)), None)
        if first_hidden is not None:
            if first_hidden == len(parts) - 1:  # counted once, as the walk counts it
                skips.append((parts, "hidden"))
            continue
        if item.type == FileType.Directory:
            if not options.recursive:
                skips.append((parts, "subfolder (not recursive)"))
        elif item.type == FileType.File:
            files.append((parts, item))
    for _, why in sorted(skips):
        yield Skip(why)
    files.sort(key=lambda entry: entry[0])
    found, problems = folder_sidecars(
        (parts, _source(given, item.path, "/".join((root_shown, *parts)), SIDECAR_NAME))
        for parts, item in files
        if parts[-1] == SIDECAR_NAME
    )
    yield from (Skip("metadata sidecar") for parts, _ in files if parts[-1] == SIDECAR_NAME)
    yield from problems
    for parts, item in files:
        if parts[-1] != SIDECAR_NAME:
            path = "/".join((root_shown, *parts))
            entry = sidecar_of(parts, found)
            yield FileRead(path, parts[-1], False, entry, item.size or 0, item.path, root=given)


def _source(root: str, path: str, display: str, name: str) -> Source:
    return Source(display, name, opener(root, path))


def reason(exc: BaseException) -> str:
    """An error from a file system as one short line."""
    if isinstance(exc, UnsupportedURL):
        return str(exc)
    return " ".join(describe(exc).split())[:200]
