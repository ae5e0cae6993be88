"""Files read by a backend's workers give what reading them here gives: the same articles, the
same problems in the same order, the same skip counts (in the same order too)."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naql.backends.local import LocalBackend
from naql.ingest import ReadOptions, ReadResult, read_articles
from naql.ingest.paths import FileRead, Skip, _plan_path, _SidecarCache

ROOT = Path(__file__).resolve().parents[2]
HAFTAR = ROOT / "examples" / "haftar"
REAL_HTML = ROOT / "tests" / "data" / "ingest" / "real"


def _same(a: ReadResult, b: ReadResult) -> None:
    assert b.articles == a.articles
    assert b.problems == a.problems
    assert list(b.skipped.items()) == list(a.skipped.items())


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pile with every kind of input a walk meets: sidecars at two levels, hidden files,
    a subfolder, files naql does not read, a zip and a gzip, a JSON file so broken that its
    problems are capped, a page of menus only, real news pages."""
    root = tmp_path_factory.mktemp("pile")
    shutil.copytree(HAFTAR, root / "haftar")
    shutil.copytree(REAL_HTML, root / "pages")
    (root / "pages" / "metadata.jsonl").write_text(
        json.dumps({"file": "alyaum.html", "outlet": "اليوم"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (root / ".hidden.txt").write_text("خفي", encoding="utf-8")
    (root / "notes.md").write_text("# notes", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "broken.jsonl").write_text(
        "\n".join("{not json" for _ in range(130)) + '\n{"id": "ok", "text": "نص سليم"}\n',
        encoding="utf-8",
    )
    (root / "menus.html").write_text(
        "<html><body><ul>"
        + "".join(f'<li><a href="/{k}">قسم {k}</a></li>' for k in range(20))
        + "</ul></body></html>",
        encoding="utf-8",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("day/a.txt", "خبر أول في الأرشيف")
        archive.writestr("day/b.json", json.dumps([{"id": "b1", "text": "خبر ثان"}]))
        archive.writestr("day/metadata.jsonl", '{"file": "a.txt", "outlet": "واس"}\n')
        archive.writestr(".DS_Store", b"\x00\x01")
    (root / "archive.zip").write_bytes(buffer.getvalue())
    (root / "one.txt.gz").write_bytes(gzip.compress("خبر مضغوط".encode()))
    (root / "bad.zip").write_bytes(b"PK\x03\x04 truncated")
    (root / "latin1.txt").write_bytes("caf\xe9 au lait, un article".encode("latin-1"))
    crawl = [
        _warc_record(f"https://example.com/{page.stem}", page.read_bytes())
        for page in sorted(REAL_HTML.glob("*.html"))
    ]
    crawl.insert(1, _warc_record("https://example.com/logo.png", b"\x89PNG....", "image/png"))
    (root / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(record) for record in crawl))
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "metadata.jsonl").write_text('{"file": "er/x.txt", "outlet": "عكاظ"}\n')
    (root / "deep" / "er" / "x.txt").write_text("خبر في مجلد عميق", encoding="utf-8")
    (root / "deep" / ".cache").mkdir()
    (root / "deep" / ".cache" / "y.txt").write_text("لا يقرأ", encoding="utf-8")
    return root


def _warc_record(uri: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    header = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2026-12-01T08:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def _inputs(tree: Path) -> list[str]:
    return [
        str(tree),
        str(tree / "haftar" / "001_c815468371a09db8.txt"),  # explicit, its folder's sidecar
        str(tree / "missing"),
        str(tree / "archive.zip"),
    ]


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_read_what_one_process_reads(tree: Path, workers: int) -> None:
    inputs = _inputs(tree)
    here = read_articles(inputs)
    # The pile exercises what it should: sidecars, caps, skips, problems, real pages.
    assert any(a.outlet == "اليوم" for a in here.articles)
    assert any("more problems in this file not shown" in p.reason for p in here.problems)
    assert {"hidden", "metadata sidecar"} <= set(here.skipped)
    assert len(here.articles) >= 15
    _same(here, read_articles(inputs, backend=LocalBackend(workers)))


def test_the_plan_names_each_file_once_in_reading_order(tree: Path) -> None:
    plan = list(_plan_path(str(tree), ReadOptions(), _SidecarCache()))
    files = [step.path for step in plan if isinstance(step, FileRead)]
    assert files == sorted(files, key=lambda path: Path(path).relative_to(tree).parts)
    assert len(files) == len(set(files))
    assert not any(Path(path).name == "metadata.jsonl" for path in files)
    assert Skip("metadata sidecar") in plan
    # Workers may start elsewhere: each file is opened by its absolute path.
    assert all(Path(step.where).is_absolute() for step in plan if isinstance(step, FileRead))


def test_a_relative_path_is_shown_as_given(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    here = read_articles(["haftar"])
    there = read_articles(["haftar"], backend=LocalBackend(2))
    _same(here, there)
    assert there.articles[0].path == str(Path("haftar") / "000_29410af33499cb13.txt")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_selection_of_inputs_reads_the_same(tree: Path, data: st.DataObject) -> None:
    names = sorted(str(path) for path in tree.rglob("*"))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=8))
    recursive = data.draw(st.booleans())
    options = ReadOptions(recursive=recursive)
    _same(
        read_articles(chosen, options),
        read_articles(chosen, options, backend=LocalBackend(2)),
    )


def _as_local(read: ReadResult, url: str, folder: Path) -> ReadResult:
    """``read`` with the paths its items show under ``url`` shown under ``folder``."""

    def local(item: Any) -> Any:
        return dataclasses.replace(item, path=item.path.replace(url, str(folder), 1))

    return ReadResult(
        [local(a) for a in read.articles], [local(p) for p in read.problems], read.skipped
    )


@pytest.mark.parametrize("recursive", [True, False])
def test_a_file_url_reads_as_its_folder(tree: Path, recursive: bool) -> None:
    options = ReadOptions(recursive=recursive)
    url = f"file://{tree}"
    inputs = [url, f"{url}/haftar/001_c815468371a09db8.txt", f"{url}/crawl.warc.gz"]
    here = read_articles([str(tree), *(name[len("file://") :] for name in inputs[1:])], options)
    assert any(a.id.startswith("crawl:") for a in here.articles) or not recursive
    _same(here, _as_local(read_articles(inputs, options), url, tree))
    _same(here, _as_local(read_articles(inputs, options, backend=LocalBackend(2)), url, tree))


def test_a_url_that_names_nothing_is_one_problem(tree: Path) -> None:
    read = read_articles([f"file://{tree}/missing", "nosuch://bucket/x", str(tree / "one.txt.gz")])
    assert [p.path for p in read.problems[:2]] == [f"file://{tree}/missing", "nosuch://bucket/x"]
    assert read.problems[0].reason == "no such file or folder"
    assert read.problems[1].reason.startswith("cannot open: ")
    assert [a.id for a in read.articles] == ["one"]


def test_s3_pages_are_read_by_the_workers_as_a_folder_is(tree: Path, s3: str) -> None:
    from pyarrow import fs

    store, _ = fs.FileSystem.from_uri(f"s3://news?{s3}&allow_bucket_creation=true")
    store.create_dir("news")
    for path in sorted(tree.rglob("*")):
        if path.is_file():
            name = f"news/pile/{path.relative_to(tree)}"
            with store.open_output_stream(name, compression=None) as out:
                out.write(path.read_bytes())
    here = read_articles([str(tree)])
    url = "s3://news/pile"
    there = read_articles([f"{url}?{s3}"], backend=LocalBackend(2))
    assert there.articles[0].path.startswith(f"{url}/")
    _same(here, _as_local(there, url, tree))
    # A file named alone gets its folder's sidecar; the URL's options (an endpoint, maybe
    # keys) are never shown in a path.
    one = read_articles([f"{url}/pages/alyaum.html?{s3}", f"{url}/pages/youm7.html?{s3}"])
    assert [a.path for a in one.articles] == [f"{url}/pages/alyaum.html", f"{url}/pages/youm7.html"]
    assert one.articles[0].outlet == "اليوم" and not one.problems
    missing = read_articles([f"{url}/nothing-here?{s3}"])
    assert [(p.path, p.reason) for p in missing.problems] == [
        (f"{url}/nothing-here", "no such file or folder")
    ]


def test_a_pipe_named_among_files_is_read_by_this_process(tmp_path: Path) -> None:
    # A pipe can be read once, by whoever holds it: never handed to a worker.
    pipe = tmp_path / "pasted.txt"
    os.mkfifo(pipe)
    (tmp_path / "a.txt").write_text("خبر أول", encoding="utf-8")
    (tmp_path / "b.txt").write_text("خبر ثان", encoding="utf-8")

    def write() -> None:
        with open(pipe, "w", encoding="utf-8") as out:
            out.write("خبر من الأنبوب")

    writer = threading.Thread(target=write)
    writer.start()
    read = read_articles(
        [str(tmp_path / "a.txt"), str(pipe), str(tmp_path / "b.txt")], backend=LocalBackend(2)
    )
    writer.join(timeout=10)
    assert [(a.id, a.text) for a in read.articles] == [
        ("a", "خبر أول"),
        ("pasted", "خبر من الأنبوب"),
        ("b", "خبر ثان"),
    ]


def test_a_cluster_is_sent_only_the_files_named_by_url(tree: Path) -> None:
    # Executors on other machines cannot open the driver's files: those are read by the
    # driver, in their place, and only what a URL names goes out.
    sent: list[str] = []

    class Cluster(LocalBackend):
        sees_local_files = False

        def run(self, task, shared, chunks, progress=None):  # type: ignore[no-untyped-def]
            sent.extend(step.path for chunk in chunks for step in chunk)
            return super().run(task, shared, chunks, progress)

    url = f"file://{tree}/pages"
    inputs = [str(tree / "haftar"), url, str(tree / "crawl.warc.gz")]
    here = read_articles(inputs)
    _same(here, read_articles(inputs, backend=Cluster(2)))
    assert sent and all(path.startswith(url) for path in sent)
