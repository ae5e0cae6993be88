"""One input read by its format: a file, a zip archive's members with their folders' sidecars,
anything named without a known extension sniffed from its first bytes. Whatever a reader raises
becomes one Problem for that input."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator, MutableMapping
from typing import IO, Any

from naql.ingest.encoding import (
    HEAD,
    DecodeFailure,
    binary_reason,
    bom_encoding,
    decode_bytes,
    magic_kind,
)
from naql.ingest.html import article_from_html, looks_like_html
from naql.ingest.jsonl import read_csv, read_json, read_jsonl
from naql.ingest.metadata import SIDECAR_NAME, apply_sidecar, parse_sidecar
from naql.ingest.options import ReadOptions
from naql.ingest.sources import (
    Source,
    count,
    describe,
    not_an_article,
    split_name,
    unknown_type_reason,
)
from naql.ingest.text import article_from_text
from naql.ingest.warc import read_warc
from naql.records import Article, Problem

Item = Article | Problem
Skipped = MutableMapping[str, int]
_MAX_ZIP_DEPTH = 3


def hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def guard(path: str, items: Iterator[Item]) -> Iterator[Item]:
    """Run a reader; whatever it raises becomes one Problem for ``path`` (no traceback)."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - bad input must never stop the batch
        yield Problem(path, describe(exc))


def _read_entries(
    entries: list[tuple[tuple[str, ...], Source]],
    options: ReadOptions,
    skipped: Skipped,
    *,
    depth: int,
) -> Iterator[Item]:
    """Read the members of an archive in order, with their folders' sidecars."""
    sidecars, problems = folder_sidecars(entries)
    for _ in range(sum(parts[-1] == SIDECAR_NAME for parts, _ in entries)):
        count(skipped, "metadata sidecar")
    yield from problems
    for parts, source in entries:
        if parts[-1] == SIDECAR_NAME:
            continue
        source.sidecar = sidecar_of(parts, sidecars)
        yield from read_source(source, options, skipped, explicit=False, depth=depth)


Sidecars = dict[tuple[str, ...], dict[str, dict[str, Any]]]


def folder_sidecars(
    entries: Iterable[tuple[tuple[str, ...], Source]],
) -> tuple[Sidecars, list[Problem]]:
    """The sidecars among a folder's or an archive's entries (each a path's parts and its
    source), by the parts of the folder holding each, read in entry order, with their
    problems. Which entry's is which: :func:`sidecar_of`."""
    found: Sidecars = {}
    problems: list[Problem] = []
    for parts, source in entries:
        if parts[-1] == SIDECAR_NAME:
            entries_of: dict[str, dict[str, Any]] = {}
            problems.extend(load_sidecar(source, entries_of))
            found[parts[:-1]] = entries_of
    return found, problems


def sidecar_of(parts: tuple[str, ...], sidecars: Sidecars) -> dict[str, Any] | None:
    """The sidecar entry of the file at ``parts`` (its path in a folder or an archive): the
    nearest folder's sidecar that names it, by its path from there."""
    for cut in range(len(parts) - 1, -1, -1):
        folder_entries = sidecars.get(parts[:cut])
        if folder_entries:
            entry = folder_entries.get("/".join(parts[cut:]))
            if entry is not None:
                return entry
    return None


def load_sidecar(source: Source, into: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    try:
        data = source.read()
        decoded = decode_bytes(data)
    except DecodeFailure as failure:
        yield Problem(source.path, f"metadata sidecar: {failure.reason}")
        return
    except Exception as exc:  # noqa: BLE001
        yield Problem(source.path, f"metadata sidecar: {describe(exc)}")
        return
    text = decoded.text
    if decoded.warning:
        yield Problem(source.path, f"metadata sidecar: {decoded.warning}", skipped=False)
    lines = enumerate(text.split("\n"), 1)
    for item in parse_sidecar(lines, source.path):
        if isinstance(item, Problem):
            yield item
        else:
            into[item[0]] = item[1]


def _read_zip(source: Source, options: ReadOptions, skipped: Skipped, depth: int) -> Iterator[Item]:
    if depth >= _MAX_ZIP_DEPTH:
        yield Problem(source.path, "zip archive nested too deeply")
        return
    handle: IO[bytes] | str
    handle = source.fs_path if source.fs_path else io.BytesIO(source.read())
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        yield Problem(source.path, f"corrupt or truncated zip archive ({exc})")
        return
    with archive:
        entries: list[tuple[tuple[str, ...], Source]] = []
        for info in archive.infolist():
            if info.is_dir():
                continue
            parts = tuple(part for part in info.filename.replace("\\", "/").split("/") if part)
            if not parts:
                continue
            if any(hidden(part) for part in parts):
                count(skipped, "hidden")
                continue
            member = Source(
                path=f"{source.path}/{'/'.join(parts)}",
                name=parts[-1],
                opener=lambda info=info: archive.open(info),  # type: ignore[misc]
            )
            entries.append((parts, member))
        entries.sort(key=lambda entry: entry[0])
        yield from _read_entries(entries, options, skipped, depth=depth + 1)


def read_source(
    source: Source,
    options: ReadOptions,
    skipped: Skipped,
    *,
    explicit: bool,
    depth: int = 0,
) -> Iterator[Item]:
    """Read one input by its extension; sniff its content when the extension says nothing."""
    fmt, gz, stem, ext = split_name(source.name)
    if fmt is None:
        if ext and not explicit:
            count(skipped, f"unsupported file type ({ext})")
            # A file the user may have expected to be read gets a line; a README or a saved
            # page's images and scripts would only bury the lines that matter.
            if not not_an_article(ext):
                yield Problem(source.path, unknown_type_reason(ext, gz))
            return
        yield from guard(source.path, _read_sniffed(source, stem, gz, options, skipped, depth))
        return
    yield from guard(source.path, _read_as(fmt, source, stem, gz, options, skipped, depth))


def _read_as(
    fmt: str,
    source: Source,
    stem: str,
    gz: bool,
    options: ReadOptions,
    skipped: Skipped,
    depth: int,
) -> Iterator[Item]:
    path = source.path
    if fmt == "zip":
        yield from _read_zip(source, options, skipped, depth)
    elif fmt == "jsonl":
        with source.stream(gz=gz) as stream:
            yield from read_jsonl(
                stream, path=path, stem=stem, options=options, sidecar=source.sidecar
            )
    elif fmt == "warc":
        with source.stream(gz=gz) as stream:
            yield from read_warc(
                stream,
                path=path,
                stem=stem,
                skipped=skipped,
                sidecar=source.sidecar,
                first=source.first_record,
            )
    elif fmt == "html":
        for item in article_from_html(source.read(gz=gz), path=path, article_id=stem):
            yield (
                item
                if isinstance(item, Problem)
                else apply_sidecar(item, source.sidecar, override=True)
            )
    elif fmt == "text":
        yield from article_from_text(
            source.read(gz=gz), path=path, article_id=stem, sidecar=source.sidecar
        )
    else:  # json, csv, tsv: decoded whole
        data = source.read(gz=gz)
        try:
            decoded = decode_bytes(data)
        except DecodeFailure as failure:
            yield Problem(path, failure.reason)
            return
        text = decoded.text
        if decoded.warning:
            yield Problem(path, decoded.warning, skipped=False)
        if fmt == "json":
            yield from read_json(
                text, path=path, stem=stem, options=options, sidecar=source.sidecar
            )
        else:
            yield from read_csv(
                text,
                path=path,
                stem=stem,
                options=options,
                delimiter="\t" if fmt == "tsv" else ",",
                sidecar=source.sidecar,
            )


def _read_sniffed(
    source: Source,
    stem: str,
    gz: bool,
    options: ReadOptions,
    skipped: Skipped,
    depth: int,
) -> Iterator[Item]:
    with source.stream(gz=gz) as stream:
        head = stream.read(HEAD)
    fmt = sniff(head)
    if fmt == "gzip":
        yield from _read_sniffed(source, stem, True, options, skipped, depth)
        return
    if fmt == "binary":
        yield Problem(source.path, binary_reason(head) or "binary file")
        return
    if fmt == "zip" and gz:
        yield Problem(source.path, "binary file (zip archive inside gzip)")
        return
    yield from _read_as(fmt, source, stem, gz, options, skipped, depth)


def sniff(head: bytes) -> str:
    """The format of an input from its first bytes: gzip, zip, warc, json, jsonl, html, text or
    binary."""
    kind = magic_kind(head)
    if kind == "gzip data":
        return "gzip"
    if kind == "zip archive":
        return "zip"
    if head.startswith(b"WARC/"):
        return "warc"
    bom = bom_encoding(head[:4])
    if bom and bom != "utf-8":
        try:
            sample = head.decode(bom, errors="ignore").lstrip("\ufeff \t\r\n")
        except LookupError:
            sample = ""
        first = sample[:1]
        if first == "[":
            return "json"
        if first == "{":
            return "jsonl"
        if first == "<" and looks_like_html(sample[:4096].encode("utf-8")):
            return "html"
        return "text"
    if kind or binary_reason(head):
        return "binary"
    body = head[3:] if bom == "utf-8" else head
    stripped = body.lstrip(b" \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        first_line, newline, _ = stripped.partition(b"\n")
        if newline or len(head) < HEAD:
            try:
                if isinstance(json.loads(first_line), dict):
                    return "jsonl"
            except ValueError:
                pass
        return "json"
    if looks_like_html(body):
        return "html"
    return "text"
