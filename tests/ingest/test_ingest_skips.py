"""Nothing is skipped silently: unknown files and menu-only pages get a Problem, a notice about
an input that was used is not a skip, and the count of skips survives the per-file cap."""

from __future__ import annotations

import json
from pathlib import Path

from naql.ingest import read_articles
from naql.records import Problem, from_json, to_json

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
ARABIC = "قالت مصادر مطلعة إن المحادثات بين الطرفين ستستأنف الأسبوع المقبل في العاصمة. "


def _menu_page(items: list[str]) -> str:
    links = "".join(f'<li><a href="/{n}">{item}</a></li>' for n, item in enumerate(items))
    return (
        '<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>الموقع</title></head>'
        f"<body><nav><ul>{links}</ul></nav></body></html>"
    )


def _warc(uri: str, body: bytes) -> bytes:
    http = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    header = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2020-03-10T08:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


# --- 1. unknown file types in a folder ---------------------------------------------------------


def test_unknown_file_type_in_a_folder_is_a_problem_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("نص الخبر", encoding="utf-8")
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02 data")
    result = read_articles([str(tmp_path)])
    assert [a.id for a in result.articles] == ["a"]
    (problem,) = result.problems
    assert problem.path == str(tmp_path / "binary.bin")
    assert problem.reason.startswith("unknown file type '.bin' (naql reads .txt, .json, .jsonl")
    assert problem.skipped and problem.count == 1
    assert result.skipped == {"unsupported file type (.bin)": 1}
    assert result.skipped_records == 1


def test_unknown_file_type_in_a_zip_and_gzipped(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "pile.zip", "w") as archive:
        archive.writestr("news/a.txt", "نص الخبر")
        archive.writestr("news/scan.xyz", b"whatever")
    (tmp_path / "dump.bin.gz").write_bytes(b"\x1f\x8b not really")
    result = read_articles([str(tmp_path)])
    assert [a.id for a in result.articles] == ["a"]
    reasons = {p.path: p.reason for p in result.problems}
    assert reasons[str(tmp_path / "dump.bin.gz")].startswith("unknown file type '.bin.gz'")
    assert reasons[f"{tmp_path / 'pile.zip'}/news/scan.xyz"].startswith("unknown file type '.xyz'")


def test_hidden_files_sidecar_and_companion_files_stay_silent(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("نص الخبر", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".notes.bin").write_bytes(b"\x00")
    (tmp_path / "metadata.jsonl").write_text(
        json.dumps({"file": "a.txt", "outlet": "واس"}) + "\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text("# corpus", encoding="utf-8")
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "page_files" / "site.css").write_text("body {}", encoding="utf-8")
    result = read_articles([str(tmp_path)])
    assert result.problems == []
    (article,) = result.articles
    assert article.outlet == "واس"
    assert result.skipped["hidden"] == 2
    assert result.skipped["metadata sidecar"] == 1
    assert result.skipped["unsupported file type (.md)"] == 1


def test_unknown_extension_named_explicitly_is_still_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "feed.bin"
    path.write_text(json.dumps({"text": "خبر", "id": "n1"}) + "\n", encoding="utf-8")
    result = read_articles([str(path)])
    assert [a.id for a in result.articles] == ["n1"] and result.problems == []


# --- 2. menu-only HTML pages -------------------------------------------------------------------


def test_menu_only_html_page_is_a_problem_not_an_article(tmp_path: Path) -> None:
    path = tmp_path / "front.html"
    path.write_text(_menu_page(["الرئيسية", "أخبار", "رياضة", "اتصل بنا"]), encoding="utf-8")
    result = read_articles([str(path)])
    assert result.articles == []
    assert result.problems == [Problem(str(path), "no article text: only navigation/menu")]
    assert result.skipped_records == 1


def test_menu_links_in_paragraphs_or_one_div_are_a_menu_too(tmp_path: Path) -> None:
    paragraphs = "".join(f'<p><a href="/{n}">{w}</a></p>' for n, w in enumerate(["أخبار", "رياضة"]))
    (tmp_path / "p.html").write_text(f"<html><body>{paragraphs}</body></html>", encoding="utf-8")
    (tmp_path / "div.html").write_text(
        '<html><body><div class="menu"><a href="/">الرئيسية</a> | <a href="/n">أخبار</a> | '
        '<a href="/s">رياضة</a></div></body></html>',
        encoding="utf-8",
    )
    result = read_articles([str(tmp_path)])
    assert result.articles == []
    assert [p.reason for p in result.problems] == ["no article text: only navigation/menu"] * 2


def test_short_text_that_is_not_a_menu_stays_an_article(tmp_path: Path) -> None:
    flash = tmp_path / "flash.html"
    flash.write_text(
        '<html><body><nav><a href="/">الرئيسية</a></nav><p>عاجل</p><p>وفاة الفنان</p></body></html>',
        encoding="utf-8",
    )
    brief = tmp_path / "brief.html"
    brief.write_text(
        '<html><body><ul><li><a href="/">الرئيسية</a></li></ul>'
        "<p>أعلنت وزارة الصحة تسجيل إصابات جديدة اليوم.</p></body></html>",
        encoding="utf-8",
    )
    result = read_articles([str(flash), str(brief)])
    assert result.problems == []
    assert [a.id for a in result.articles] == ["flash", "brief"]


def test_real_pages_are_still_articles() -> None:
    pages = sorted((DATA / "real").glob("*.html")) + sorted(DATA.glob("page_*.html"))
    assert len(pages) >= 8
    result = read_articles([str(page) for page in pages])
    assert result.problems == []
    assert len(result.articles) == len(pages)


# --- 3. notices are not skips ------------------------------------------------------------------


def _with_a_bad_byte() -> bytes:
    return (ARABIC * 5).encode("utf-8") + b"\xff" + (ARABIC * 5).encode("utf-8")


def test_replaced_bytes_are_a_notice_not_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(_with_a_bad_byte())
    result = read_articles([str(path)])
    (article,) = result.articles
    assert "\ufffd" in article.text
    (notice,) = result.problems
    assert notice.reason == "1 invalid UTF-8 byte sequence(s) replaced with U+FFFD"
    assert notice.skipped is False
    assert result.notes == [notice]
    assert result.skipped_records == 0


def test_replaced_bytes_in_json_and_csv_are_said(tmp_path: Path) -> None:
    bad = _with_a_bad_byte()
    (tmp_path / "a.json").write_bytes(b'{"id": "j", "text": "' + bad + b'"}')
    (tmp_path / "b.csv").write_bytes(b"id,text\nc," + bad + b"\n")
    result = read_articles([str(tmp_path)])
    assert sorted(a.id for a in result.articles) == ["c", "j"]
    assert len(result.problems) == 2
    assert all(not p.skipped and "replaced with U+FFFD" in p.reason for p in result.problems)
    assert result.skipped_records == 0


def test_replaced_bytes_in_a_warc_record_stay_a_notice(tmp_path: Path) -> None:
    page = (DATA / "page_sahil.html").read_bytes()
    cut = page.index("كشفت مصادر".encode())
    body = page[:cut] + b"\xff" + page[cut:]
    path = tmp_path / "crawl.warc"
    path.write_bytes(_warc("https://sahil-news.example/p/1", body))
    result = read_articles([str(path)])
    assert len(result.articles) == 1
    (notice,) = result.problems
    assert notice.path == str(path)
    assert notice.reason.startswith("record 1 (https://sahil-news.example/p/1): ")
    assert notice.skipped is False
    assert result.skipped_records == 0


# --- 4. the per-file cap keeps the exact count -------------------------------------------------


def test_capped_problems_keep_the_exact_number_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n" * 2050 + '{"text": "ok"}\n', encoding="utf-8")
    result = read_articles([str(path)])
    assert len(result.articles) == 1
    assert len(result.problems) == 101  # the lines shown stay capped...
    summary = result.problems[-1]
    assert summary.reason == "1950 more problems in this file not shown"
    assert summary.count == 1950 and summary.skipped
    assert result.skipped_records == 2050  # ...the count does not


def test_capped_notices_are_not_counted_as_skips(tmp_path: Path) -> None:
    page = (DATA / "page_sahil.html").read_bytes()
    cut = page.index("كشفت مصادر".encode())
    body = page[:cut] + b"\xff" + page[cut:]
    records = [_warc(f"https://sahil-news.example/p/{n}", body) for n in range(105)]
    records += [
        _warc(f"https://sahil-news.example/m/{n}", _menu_page(["أخبار"]).encode()) for n in range(3)
    ]
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(records))
    result = read_articles([str(path)])
    assert len(result.articles) == 105
    assert len(result.problems) == 102
    assert [(p.reason, p.skipped, p.count) for p in result.problems[-2:]] == [
        ("3 more problems in this file not shown", True, 3),
        ("5 more notes in this file not shown", False, 5),
    ]
    assert result.skipped_records == 3


def test_problem_fields_round_trip_and_old_records_still_load() -> None:
    problem = Problem("x.jsonl", "2 more problems in this file not shown", count=2)
    assert from_json(Problem, to_json(problem)) == problem
    old = from_json(Problem, {"path": "a.txt", "reason": "empty text", "line": None})
    assert old.skipped is True and old.count == 1
