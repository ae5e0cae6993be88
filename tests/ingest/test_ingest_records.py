"""JSONL, JSON and CSV: field mapping, ids, broken lines and elements, missing-field hints."""

from __future__ import annotations

import json
import time
from pathlib import Path

from naql.ingest import ReadOptions, read_articles
from naql.records import Problem


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_jsonl_invalid_line_reported_other_lines_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "الخبر الأول", "outlet": "الجزيرة"}, ensure_ascii=False),
        '{"id": "a2", "text": "مكسور',
        "",
        json.dumps({"text": "  الخبر الثالث\n", "url": "https://www.bbc.com/arabic/x"}),
    ]
    path = _write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    result = read_articles([path])
    assert [a.id for a in result.articles] == ["a1", "feed:4"]
    assert result.articles[1].text == "  الخبر الثالث\n"  # never stripped
    assert result.articles[1].outlet == "bbc.com"
    assert result.articles[0].outlet == "الجزيرة"
    assert all(a.path == path for a in result.articles)
    (problem,) = result.problems
    assert problem.path == path and problem.line == 2
    assert problem.reason.startswith("invalid JSON (")
    assert str(problem).startswith(f"{path}:2: invalid JSON")


def test_missing_text_field_lists_available_keys(tmp_path: Path) -> None:
    record = {"contenu": "نص", "journal": "x", "title": "t", "url": "https://e.com"}
    path = _write(tmp_path, "feed.jsonl", json.dumps(record) + "\n")
    result = read_articles([path])
    assert result.problems == [
        Problem(
            path,
            "no field 'text' (available: contenu, journal, title, url; use --text-field)",
            1,
        )
    ]
    mapped = read_articles([path], ReadOptions(text_field="contenu", outlet_field="journal"))
    (article,) = mapped.articles
    assert article.text == "نص" and article.outlet == "x" and article.title == "t"


def test_common_exports_fields_are_found_and_said_once_per_file(tmp_path: Path) -> None:
    """SaudiNewsNet's and news-please's field names are read without flags; one note a file
    says which, and a crawl's time is never read as the publication date."""
    saudinewsnet = [
        {
            "author": "الرياض - واس",
            "content": f"نص الخبر {n}",
            "date_extracted": "2015-08-09 17:48:00",
            "source": "alriyadh",
            "title": f"عنوان {n}",
            "url": f"http://www.alriyadh.com/{n}",
        }
        for n in range(3)
    ]
    first = _write(tmp_path, "2015-08-09.json", json.dumps(saudinewsnet, ensure_ascii=False))
    news_please = {
        "maintext": "نص آخر",
        "date_publish": "2024-03-01 10:00:00",
        "date_download": "2024-03-02 00:00:00",
        "source_domain": "aawsat.com",
        "title": "عنوان",
        "url": "https://aawsat.com/1",
        "authors": ["كاتب"],
    }
    second = _write(tmp_path, "np.jsonl", json.dumps(news_please, ensure_ascii=False) + "\n")
    result = read_articles([first, second])
    assert [a.text for a in result.articles] == ["نص الخبر 0", "نص الخبر 1", "نص الخبر 2", "نص آخر"]
    assert [a.outlet for a in result.articles] == ["alriyadh"] * 3 + ["aawsat.com"]
    assert [a.date for a in result.articles] == [None] * 3 + ["2024-03-01 10:00:00"]
    assert result.articles[0].meta["author"] == "الرياض - واس"
    assert result.articles[0].meta["date_extracted"] == "2015-08-09 17:48:00"
    assert [(p.path, p.skipped) for p in result.problems] == [(first, False), (second, False)]
    assert result.problems[0].reason == (
        "read the text from 'content', the outlet from 'source' (the default fields are "
        "absent; --text-field, --outlet-field choose others); no publication date read (the "
        "records have date_extracted: --date-field names the one that is)"
    )
    assert result.problems[1].reason.startswith(
        "read the text from 'maintext', the date from 'date_publish', the outlet from "
        "'source_domain', the byline from 'authors' ("
    )
    # Fields named on the command line are read as named, and not guessed.
    named = read_articles([first], ReadOptions(date_field="date_extracted"))
    assert [a.date for a in named.articles] == ["2015-08-09 17:48:00"] * 3
    assert "date" not in named.problems[0].reason.replace("--date-field", "")
    assert result.skipped_records == 0


def test_a_csv_header_chooses_the_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.csv", "headline,body,link\nعنوان,نص الخبر,https://e.com/1\n")
    result = read_articles([path])
    (article,) = result.articles
    assert (article.title, article.text, article.url) == ("عنوان", "نص الخبر", "https://e.com/1")
    (note,) = result.problems
    assert not note.skipped and "the text from 'body'" in note.reason


def test_metadata_values_converted_and_emptied(tmp_path: Path) -> None:
    record = {"text": "نص", "id": 17, "date": 20200305, "title": "", "outlet": "  ", "extra": 3}
    path = _write(tmp_path, "f.jsonl", json.dumps(record) + "\n")
    (article,) = read_articles([path]).articles
    assert article.id == "17" and article.date == "20200305"
    assert article.title is None and article.outlet is None
    assert article.meta == {"extra": 3}


def test_bad_records_each_one_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "f.jsonl",
        '["not", "an object"]\n{"text": null}\n{"text": 5}\n{"text": "   "}\n{"text": "ok"}\n',
    )
    result = read_articles([path])
    assert [a.id for a in result.articles] == ["f:5"]
    assert [(p.line, p.reason) for p in result.problems] == [
        (1, "not a JSON object (got an array)"),
        (2, "empty text"),
        (3, "field 'text' is int, not a string"),
        (4, "empty text"),
    ]


def test_jsonl_in_windows_1256(tmp_path: Path) -> None:
    text = "قال المشير خليفة حفتر إنه زار دمشق سراً"
    path = _write(tmp_path, "old.jsonl", json.dumps({"text": text}, ensure_ascii=False), "cp1256")
    (article,) = read_articles([path]).articles
    assert article.text == text


def test_json_array_with_one_broken_element(tmp_path: Path) -> None:
    text = (
        "[\n"
        '  {"id": "x1", "text": "الأول"},\n'
        '  {"id": "x2", "text": "مكسور" "title": "بلا فاصلة"},\n'
        '  {"id": "x3", "text": "الثالث"},\n'
        '  {"text": "الرابع"}\n'
        "]\n"
    )
    path = _write(tmp_path, "items.json", text)
    result = read_articles([path])
    assert [a.id for a in result.articles] == ["x1", "x3", "items:4"]
    (problem,) = result.problems
    assert problem.line == 3
    assert problem.reason.startswith("element 2: invalid JSON (Expecting ',' delimiter")


def test_json_truncated_array(tmp_path: Path) -> None:
    path = _write(tmp_path, "cut.json", '[{"text": "أ"}, {"text": "ب"}, {"text": "ج')
    result = read_articles([path])
    assert [a.text for a in result.articles] == ["أ", "ب"]
    assert [p.reason.split(" (")[0] for p in result.problems] == ["element 3: invalid JSON"]


def test_json_single_object_wrapper_and_concatenated_objects(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.json", json.dumps({"text": "وحيد", "title": "عنوان"}))
    (article,) = read_articles([one]).articles
    assert article.id == "one" and article.title == "عنوان"
    wrapped = _write(
        tmp_path, "w.json", json.dumps({"count": 2, "articles": [{"text": "أ"}, {"text": "ب"}]})
    )
    assert [a.id for a in read_articles([wrapped]).articles] == ["w:1", "w:2"]
    lines = _write(tmp_path, "lines.json", '{"text": "أ"}\n{"text": "ب"}\n')
    result = read_articles([lines])
    assert [a.text for a in result.articles] == ["أ", "ب"] and result.problems == []


def test_csv_field_mapping_and_hint(tmp_path: Path) -> None:
    rows = (
        "body,site,link,published\r\n"
        '"سطر أول\nسطر ثان",العربية,https://www.alarabiya.net/a,2020-03-05\r\n'
        ",فارغ,,\r\n"
        "نص ثالث,,https://www.aawsat.com/b,\r\n"
    )
    path = _write(tmp_path, "table.csv", rows)
    guessed = read_articles([path])  # «body», «link», «published» are common names
    assert guessed.problems == [
        Problem(
            path,
            "read the text from 'body', the date from 'published', the URL from 'link' (the "
            "default fields are absent; --text-field, --date-field, --url-field choose others)",
            skipped=False,
        ),
        Problem(path, "empty text", 4),
    ]
    assert [a.outlet for a in guessed.articles] == ["alarabiya.net", "aawsat.com"]  # by URL
    options = ReadOptions(
        text_field="body", outlet_field="site", url_field="link", date_field="published"
    )
    result = read_articles([path], options)
    assert [a.id for a in result.articles] == ["table:2", "table:5"]
    first, second = result.articles
    assert first.text == "سطر أول\nسطر ثان"
    assert first.outlet == "العربية" and first.date == "2020-03-05"
    assert second.outlet == "aawsat.com" and second.date is None
    assert result.problems == [Problem(path, "empty text", 4)]


def test_csv_huge_field(tmp_path: Path) -> None:
    big = "كلمة " * 100_000  # far over csv's default 128 KB field limit
    path = _write(tmp_path, "big.csv", f'text\n"{big}"\n')
    (article,) = read_articles([path]).articles
    assert article.text == big


def test_fifty_megabyte_single_line_jsonl_and_txt(tmp_path: Path) -> None:
    text = "خبر " * 7_300_000  # ~ 51 MB of UTF-8
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": text}, ensure_ascii=False))
    assert path.stat().st_size > 50_000_000
    started = time.perf_counter()
    (article,) = read_articles([str(path)]).articles
    assert len(article.text) == len(text)
    txt = tmp_path / "big.txt"
    txt.write_text(text, encoding="utf-8")
    (article,) = read_articles([str(txt)]).articles
    assert article.text == text
    assert time.perf_counter() - started < 30


def test_jsonl_many_lines_is_fast(tmp_path: Path) -> None:
    line = json.dumps(
        {"id": "", "text": "قال المتحدث باسم الحكومة إن " * 20, "url": "https://x.com/a"},
        ensure_ascii=False,
    )
    path = tmp_path / "many.jsonl"
    path.write_text((line + "\n") * 50_000, encoding="utf-8")
    started = time.perf_counter()
    result = read_articles([str(path)])
    elapsed = time.perf_counter() - started
    assert len(result.articles) == 50_000 and result.articles[-1].id == "many:50000"
    assert elapsed < 10, elapsed
