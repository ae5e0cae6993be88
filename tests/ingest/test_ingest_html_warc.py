"""HTML pages (trafilatura) and WARC archives (fastwarc) holding them."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from naql.ingest import iter_articles, read_articles
from naql.records import Problem

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"

PAGES = {
    "page_sahil": {
        "title": "حفتر يزور دمشق سراً للتنسيق ضد أنقرة",
        "date": "2020-03-05",
        "outlet": "الساحل نيوز",
        "url": "https://www.sahil-news.example/politics/2020/03/05/haftar-damascus",
        "body": "كشفت مصادر ليبية مطلعة أن المشير خليفة حفتر قام بزيارة غير معلنة",
        "out": ["اقرأ أيضاً", "اشتباكات عنيفة جنوب طرابلس", "الرئيسية", "جميع الحقوق محفوظة"],
    },
    "page_wadi": {
        "title": "الأمم المتحدة تدعو إلى هدنة إنسانية في ليبيا",
        "date": "2020-03-07",
        "outlet": "الوادي الإخباري",
        "url": "https://alwadi.example/news/un-libya-truce-2020",
        "body": "وجاءت الدعوة بعد أيام من استقالة المبعوث الأممي غسان سلامة",
        "out": ["أخبار ذات صلة", "قصف مطار معيتيقة", "فيديو", "شروط الاستخدام"],
    },
    "page_nahar": {
        "title": "أسعار النفط تتراجع مع تفشي فيروس كورونا",
        "date": "2020-03-09",  # published, not modified (2020-03-10)
        "outlet": "نهار اليوم",
        "url": "https://nahar-alyoum.example/2020/03/09/oil-prices-corona/",
        "body": "وهبط خام برنت إلى نحو خمسة وثلاثين دولاراً للبرميل",
        "out": ["مقالات مشابهة", "انهيار محادثات أوبك", "تكنولوجيا", "ووردبريس"],
    },
}


@pytest.mark.parametrize("stem", sorted(PAGES))
def test_html_page_main_text_and_metadata(stem: str) -> None:
    expected = PAGES[stem]
    path = str(DATA / f"{stem}.html")
    result = read_articles([path])
    assert result.problems == []
    (article,) = result.articles
    assert article.id == stem and article.path == path
    assert article.title == expected["title"]
    assert article.date == expected["date"]
    assert article.outlet == expected["outlet"]
    assert article.url == expected["url"]
    assert expected["body"] in article.text
    for chrome in expected["out"]:
        assert chrome not in article.text, chrome
    assert "<" not in article.text


def test_html_folder_in_sorted_order() -> None:
    result = read_articles([str(DATA)])
    # the folder also holds real/ (real pages, test_real_html.py), read after the files above it
    assert [a.id for a in result.articles if Path(a.path).parent == DATA] == sorted(PAGES)


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "image_only.html"
    path.write_text(
        "<html><head><title>صورة اليوم</title><script>var a = 1;</script></head>"
        '<body><img src="a.jpg" alt="صورة"><div class="ad"></div></body></html>',
        encoding="utf-8",
    )
    assert read_articles([str(path)]).problems == [Problem(str(path), "no main text in HTML page")]


def test_html_in_windows_1256_declared_in_meta(tmp_path: Path) -> None:
    page = (DATA / "page_sahil.html").read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1256", errors="strict"))
    (article,) = read_articles([str(path)]).articles
    assert article.title == PAGES["page_sahil"]["title"]
    assert PAGES["page_sahil"]["body"] in article.text


def _warc_record(
    uri: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    header = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2020-03-10T08:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{abs(hash(uri)) % 10**12:012d}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def _warcinfo() -> bytes:
    block = b"software: naql-test\r\n"
    return (
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2020-03-10T08:00:00Z\r\n"
        b"WARC-Record-ID: <urn:uuid:11111111-1111-1111-1111-111111111111>\r\n"
        b"Content-Type: application/warc-fields\r\n"
        + f"Content-Length: {len(block)}\r\n\r\n".encode()
        + block
        + b"\r\n\r\n"
    )


def _build_warc() -> list[bytes]:
    return [
        _warcinfo(),
        _warc_record("https://sahil-news.example/p/1", (DATA / "page_sahil.html").read_bytes()),
        _warc_record("https://sahil-news.example/logo.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
        _warc_record(
            "https://alwadi.example/old", b"<html>moved</html>", status="301 Moved Permanently"
        ),
        _warc_record("http://alwadi.example/n?id=2", (DATA / "page_wadi.html").read_bytes()),
    ]


def test_warc_gz_with_two_html_responses(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in _build_warc()))
    skipped: dict[str, int] = {}
    items = list(iter_articles([str(path)], skipped=skipped))
    assert all(not isinstance(item, Problem) for item in items), items
    first, second = items
    assert first.url == "https://sahil-news.example/p/1"  # the WARC-Target-URI ...
    assert first.meta["canonical_url"] == PAGES["page_sahil"]["url"]  # ... the page's own link kept
    assert first.title == PAGES["page_sahil"]["title"]
    assert first.outlet == "الساحل نيوز"
    assert PAGES["page_sahil"]["body"] in first.text
    assert second.url == "http://alwadi.example/n?id=2"
    assert second.date == "2020-03-07"
    assert [a.id for a in items] == ["crawl:1", "crawl:4"]
    assert all(a.path == str(path) for a in items)
    assert first.meta["warc_record_id"].startswith("<urn:uuid:")
    assert skipped == {"WARC response not HTML": 1, "WARC response with HTTP status 301": 1}


def test_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(_build_warc()))
    result = read_articles([str(path)])
    assert len(result.articles) == 2 and result.problems == []


def test_truncated_warc_gz_keeps_what_came_before(tmp_path: Path) -> None:
    members = [gzip.compress(record) for record in _build_warc()]
    # pad the first response so fastwarc hands it over before reaching the cut
    members[1] = gzip.compress(
        _warc_record(
            "https://sahil-news.example/p/1",
            (DATA / "page_sahil.html").read_bytes() + b"<!--" + b"x" * 2_000_000 + b"-->",
        )
    )
    data = b"".join(members)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-40])
    (tmp_path / "after.txt").write_text("ما زال يقرأ", encoding="utf-8")
    result = read_articles([str(path), str(tmp_path / "after.txt")])
    assert [a.id for a in result.articles] == ["cut:1", "after"]
    (problem,) = result.problems
    assert problem.path == str(path)
    assert problem.reason.startswith("truncated file (Compressed file ended")


def test_truncated_plain_warc_record(tmp_path: Path) -> None:
    data = b"".join(_build_warc())
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:-300])
    result = read_articles([str(path)])
    assert [a.id for a in result.articles] == ["cut:1"]
    assert len(result.problems) == 1 and "truncated" in result.problems[0].reason


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"hello world\n")
    assert read_articles([str(path)]).problems == [
        Problem(str(path), "not a WARC file (no WARC/ header at the start)")
    ]


def test_warc_response_chunked_and_gzip_encoded(tmp_path: Path) -> None:
    page = gzip.compress((DATA / "page_nahar.html").read_bytes())
    chunked = (
        b"".join(
            b"%x\r\n" % len(page[i : i + 500]) + page[i : i + 500] + b"\r\n"
            for i in range(0, len(page), 500)
        )
        + b"0\r\n\r\n"
    )
    http = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=UTF-8\r\n"
        b"transfer-encoding: chunked\r\ncontent-encoding: gzip\r\n\r\n" + chunked
    )
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://nahar-alyoum.example/?p=4812\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {len(http)}\r\n\r\n".encode()
        + http
        + b"\r\n\r\n"
    )
    path = tmp_path / "enc.warc"
    path.write_bytes(record)
    result = read_articles([str(path)])
    assert result.problems == []
    (article,) = result.articles
    assert article.title == PAGES["page_nahar"]["title"]
    assert PAGES["page_nahar"]["body"] in article.text
