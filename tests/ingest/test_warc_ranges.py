"""A large WARC cut into ranges of records reads as the whole file does: the same articles,
numbered alike, the same problems and skip counts; a file with a flaw is not cut."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from naql.backends.local import LocalBackend
from naql.ingest import ReadOptions, ReadResult, read_articles
from naql.ingest import paths as ingest_paths
from naql.ingest.paths import FileRead, read_file
from naql.ingest.remote import plan_url
from naql.ingest.warc import record_ranges

REAL_HTML = Path(__file__).resolve().parents[1] / "data" / "ingest" / "real"


def _record(kind: str, uri: str, block: bytes, extra: str = "") -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2026-12-01T08:00:00Z\r\n{extra}Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return header + block + b"\r\n\r\n"


def _response(uri: str, body: bytes, status: str = "200 OK", kind: str = "text/html") -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {kind}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return _record("response", uri, http, "Content-Type: application/http; msgtype=response\r\n")


def _page(k: int) -> bytes:
    words = " ".join(f"كلمة{k}{j}" for j in range(40))
    return (
        f"<html><head><title>خبر رقم {k}</title></head><body><article><h1>خبر رقم {k}</h1>"
        f"<p>أعلنت الوزارة اليوم عن خطة جديدة رقم {k} للتطوير. {words}</p>"
        f"<p>وقال المتحدث إن الخطة تشمل مراحل عدة تبدأ الشهر المقبل {k}.</p></article>"
        "</body></html>"
    ).encode()


KINDS = st.sampled_from(["page", "page", "page", "image", "redirect", "request", "metadata"])


def _records(kinds: list[str]) -> list[bytes]:
    found = [_record("warcinfo", "", b"software: naql-test\r\n")]
    for k, kind in enumerate(kinds):
        uri = f"https://example.com/{k}"
        if kind == "page":
            found.append(_response(uri, _page(k)))
        elif kind == "image":
            found.append(_response(uri, b"\x89PNG....", kind="image/png"))
        elif kind == "redirect":
            found.append(_response(uri, b"<html>moved</html>", "301 Moved Permanently"))
        elif kind == "request":
            found.append(_record("request", uri, b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"))
        else:
            found.append(_record("metadata", uri, b"via: test\r\n"))
    return found


def _write(path: Path, records: list[bytes], gz: bool, cut: int | None = None) -> None:
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path.write_bytes(data if cut is None else data[: max(1, len(data) - cut)])


def _by_ranges(path: Path, gz: bool, parts: int) -> tuple[ReadResult, int]:
    ranges = record_ranges(str(path), gz, parts)
    read = ReadResult()
    for part in ranges:
        step = FileRead(str(path), path.name, True, None, path.stat().st_size, str(path))
        for item in read_file(
            FileRead(**{**_fields(step), "part": part}), ReadOptions(), read.skipped
        ):
            (read.articles if hasattr(item, "text") else read.problems).append(item)  # type: ignore[arg-type]
    return read, len(ranges)


def _fields(step: FileRead) -> dict[str, object]:
    return {name: getattr(step, name) for name in FileRead.__slots__}


def _same(a: ReadResult, b: ReadResult) -> None:
    assert b.articles == a.articles
    assert b.problems == a.problems
    assert list(b.skipped.items()) == list(a.skipped.items())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(kinds=st.lists(KINDS, min_size=1, max_size=14), gz=st.booleans(), parts=st.integers(2, 6))
# A last record over half the file: cut at the first start past half, it was not cut at all.
@example(kinds=["image", "image", "image", "page"], gz=False, parts=2)
def test_ranges_read_as_the_whole_file(
    tmp_path: Path, kinds: list[str], gz: bool, parts: int
) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _write(path, _records(kinds), gz)
    whole = read_articles([str(path)])
    cut, count = _by_ranges(path, gz, parts)
    _same(whole, cut)
    assert count <= min(parts, len(kinds) + 1)  # no more ranges than records
    assert count > 1  # a clean file of two records or more is cut, whatever their sizes


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kinds=st.lists(KINDS, min_size=2, max_size=10),
    gz=st.booleans(),
    cut=st.integers(1, 400),
)
def test_a_file_cut_short_is_read_whole(
    tmp_path: Path, kinds: list[str], gz: bool, cut: int
) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    _write(path, _records(kinds), gz, cut)
    if gz or cut > 4:  # into the last record, not only its closing blank lines
        assert len(record_ranges(str(path), gz, 4)) == 1
    _same(read_articles([str(path)]), _by_ranges(path, gz, 4)[0])


def _crawl(folder: Path, gz: bool) -> tuple[Path, int]:
    """A crawl of real pages saved as one WARC (with images between them), and its pages."""
    pages = sorted(REAL_HTML.glob("*.html"))
    records = [_record("warcinfo", "", b"software: naql-test\r\n")]
    for copy in range(4):
        for page in pages:
            records.append(_response(f"https://example.com/{copy}/{page.stem}", page.read_bytes()))
            records.append(_response(f"https://example.com/{copy}.png", b"png", kind="image/png"))
    path = folder / ("crawl.warc.gz" if gz else "crawl.warc")
    _write(path, records, gz)
    return path, 4 * len(pages)


def _cut_here(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[FileRead]:
    """The crawl on disk as two workers' plan cuts it, ranges of about a sixth of it."""
    monkeypatch.setattr(ingest_paths, "_WARC_PIECE", path.stat().st_size // 6)
    step = FileRead(str(path), path.name, True, None, path.stat().st_size, str(path))
    return ingest_paths.split_warcs([[step]], 2)[0]  # type: ignore[return-value]


def _cut_by_url(given: str, here: list[FileRead]) -> None:
    """The crawl named by URL ``given`` is cut at the ranges it is cut at on disk."""
    plan = list(plan_url(given, ReadOptions(), {}))
    cut = ingest_paths.split_warcs([plan], 2)[0]
    assert len(cut) >= 3 and all(step.root == plan[0].root for step in cut)  # type: ignore[union-attr]
    assert [step.part for step in cut] == [step.part for step in here]  # type: ignore[union-attr]


def _read_by_url(given: str, url: str, path: Path, pages: int) -> None:
    """Two workers read the crawl named by URL ``given`` (its articles under ``url``) as one
    process reads it on disk."""
    one = read_articles([str(path)])
    read = read_articles([given], backend=LocalBackend(2))
    assert len(one.articles) == pages
    assert [(a.id.replace(url, ""), a.text, a.title) for a in read.articles] == [
        (a.id.replace(str(path), ""), a.text, a.title) for a in one.articles
    ]
    assert list(read.skipped.items()) == list(one.skipped.items())


@pytest.mark.parametrize("gz", [True, False])
def test_workers_share_one_large_warc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gz: bool
) -> None:
    # With ranges of a few kilobytes, both workers read parts of it, and the pile reads as one
    # process reads it.
    path, pages = _crawl(tmp_path, gz)
    assert len(_cut_here(path, monkeypatch)) >= 3
    one = read_articles([str(path)])
    assert len(one.articles) == pages
    _same(one, read_articles([str(path)], backend=LocalBackend(2)))


@pytest.mark.parametrize("gz", [True, False])
def test_a_warc_named_by_url_is_cut_as_a_local_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gz: bool
) -> None:
    # A crawl in object storage (here file://, through the same pyarrow file systems as s3://):
    # found cut at the same records through a seekable remote file, each range read where it
    # starts by the workers, and the pile read as the file on disk is.
    path, pages = _crawl(tmp_path, gz)
    url = f"file://{path}"
    _cut_by_url(url, _cut_here(path, monkeypatch))
    _read_by_url(url, url, path, pages)


def test_a_warc_gzipped_as_one_stream_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from naql.ingest import warc

    path = tmp_path / "one-stream.warc.gz"
    path.write_bytes(gzip.compress(b"".join(_records(["page"] * 6))))
    monkeypatch.setattr(warc, "_MEMBER_LIMIT", 1000)  # no member of a real WARC holds it all
    assert record_ranges(str(path), True, 4) == [(0, path.stat().st_size, 1)]
    plain = tmp_path / "blank-first.warc"
    plain.write_bytes(b"\r\n" + b"".join(_records(["page"] * 6)))
    assert record_ranges(str(plain), False, 4) == [(0, plain.stat().st_size, 1)]


def test_a_warc_in_an_s3_store_is_cut_where_it_lies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3: str
) -> None:
    # The ranges found and read through S3 range requests (moto's store on this machine).
    from pyarrow import fs

    path, pages = _crawl(tmp_path, True)
    here = _cut_here(path, monkeypatch)
    store, _ = fs.FileSystem.from_uri(f"s3://crawls?{s3}&allow_bucket_creation=true")
    store.create_dir("crawls")
    with store.open_output_stream("crawls/day/crawl.warc.gz", compression=None) as out:
        out.write(path.read_bytes())
    url = "s3://crawls/day/crawl.warc.gz"
    _cut_by_url(f"{url}?{s3}", here)
    _read_by_url(f"{url}?{s3}", url, path, pages)
