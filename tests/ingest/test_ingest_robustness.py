"""Whatever the bytes, iter_articles yields Articles and one-line Problems and never raises."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naql.ingest import iter_articles
from naql.records import Article, Problem

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
NAMES = [
    "a.txt",
    "a.jsonl",
    "a.json",
    "a.csv",
    "a.html",
    "a.warc",
    "a.warc.gz",
    "a.zip",
    "a.gz",
    "a",
]


def _seeds() -> list[bytes]:
    page = (DATA / "page_nahar.html").read_bytes()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.txt", "نص عربي")
        zf.writestr("y.jsonl", '{"text": "سطر"}\n')
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://e.com/\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(len(page) + 44).encode()
        + b"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        + page
        + b"\r\n\r\n"
    )
    return [
        "خبر عاجل من طرابلس".encode("cp1256"),
        json.dumps([{"text": "أ", "id": 1}, {"text": "ب"}]).encode(),
        b'{"text": "x"}\n{"text": 1}\n',
        "text,outlet\nنص,مصدر\n".encode(),
        page,
        record,
        gzip.compress(record),
        zipped.getvalue(),
    ]


def _mutate(seed: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    data = bytearray(seed[: max(0, len(seed) - cut)])
    for at, value in flips:
        if data:
            data[at % len(data)] = value
    return bytes(data)


def _check(items: list[Article | Problem]) -> None:
    for item in items:
        assert isinstance(item, Article | Problem)
        if isinstance(item, Problem):
            assert item.reason and "\n" not in str(item) and len(item.reason) <= 400
        else:
            assert item.text.strip()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 7),
    cut=st.integers(0, 400),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
    name=st.sampled_from(NAMES),
)
def test_mutilated_inputs_never_raise(
    tmp_path: Path, seed: int, cut: int, flips, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_mutate(_seeds()[seed], cut, flips))
    _check(list(iter_articles([str(path)])))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _check(list(iter_articles([str(path)])))
