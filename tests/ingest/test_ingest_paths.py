"""Folders, files, zips, stdin: what gets read, in which order, and what becomes a Problem."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from naql.ingest import ReadOptions, ReadResult, iter_articles, read_articles
from naql.records import Article, Problem

ROOT = Path(__file__).resolve().parents[2]
HAFTAR = ROOT / "examples" / "haftar"


def _one_line(problem: Problem) -> None:
    assert "\n" not in str(problem) and "Traceback" not in problem.reason


def test_haftar_folder_reads_five_articles_with_sidecar_metadata() -> None:
    result = read_articles([str(HAFTAR)])
    assert isinstance(result, ReadResult)
    assert result.problems == []
    stems = sorted(p.stem for p in HAFTAR.glob("*.txt"))
    assert [a.id for a in result.articles] == stems
    sidecar = {
        json.loads(line)["file"]: json.loads(line)
        for line in (HAFTAR / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    for article in result.articles:
        name = f"{article.id}.txt"
        assert article.path == str(HAFTAR / name)
        assert article.text == (HAFTAR / name).read_bytes().decode("utf-8")
        assert article.outlet == sidecar[name]["outlet"]
        assert article.url is None
        assert article.meta["note"] == sidecar[name]["note"]
        assert "file" not in article.meta
    assert result.articles[0].id == "000_29410af33499cb13"
    assert result.articles[0].outlet == "الشرق الأوسط"
    assert result.articles[1].outlet is None
    # the sidecar and the README are not articles
    assert result.skipped == {"metadata sidecar": 1, "unsupported file type (.md)": 1}


def test_explicit_files_still_get_their_folder_sidecar() -> None:
    files = sorted(str(p) for p in HAFTAR.iterdir())  # like a shell glob: haftar/*
    result = read_articles(files)
    by_id = {a.id: a for a in result.articles}
    assert by_id["004_d61fa5c1789e1101"].outlet == "الأيام السورية"
    assert "metadata" not in by_id  # the sidecar named explicitly is still not an article
    assert result.skipped["metadata sidecar"] == 1


def test_missing_path_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("نص الخبر", encoding="utf-8")
    result = read_articles([str(tmp_path / "nope"), str(tmp_path)])
    assert result.problems == [Problem(str(tmp_path / "nope"), "no such file or folder")]
    assert [a.id for a in result.articles] == ["a"]


def test_folder_order_hidden_files_and_recursion(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("ب", encoding="utf-8")
    (tmp_path / "a.txt").write_text("أ", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("خفي", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("no", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("ج", encoding="utf-8")
    result = read_articles([str(tmp_path)])
    assert [a.id for a in result.articles] == ["a", "b", "c"]
    assert result.articles[2].path == str(tmp_path / "sub" / "c.txt")
    assert result.skipped["hidden"] == 2
    flat = read_articles([str(tmp_path)], ReadOptions(recursive=False))
    assert [a.id for a in flat.articles] == ["a", "b"]


def test_sidecar_in_subfolder_and_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text("خبر", encoding="utf-8")
    (tmp_path / "sub" / "metadata.jsonl").write_text(
        json.dumps(
            {"file": "x.txt", "url": "https://www.example.com/a", "date": 2020, "lang": "ar"}
        )
        + "\nnot json\n",
        encoding="utf-8",
    )
    result = read_articles([str(tmp_path)])
    (article,) = result.articles
    assert article.outlet == "example.com"  # from the URL, www. stripped
    assert article.date == "2020"  # non-string metadata converted
    assert article.meta == {"lang": "ar"}
    (problem,) = result.problems
    assert problem.path == str(tmp_path / "sub" / "metadata.jsonl") and problem.line == 2


def test_zip_of_text_files(tmp_path: Path) -> None:
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("b.txt", "الخبر الثاني")
        zf.writestr("a.txt", "الخبر الأول")
        zf.writestr("metadata.jsonl", json.dumps({"file": "a.txt", "outlet": "وكالة"}) + "\n")
        zf.writestr("__MACOSX/._a.txt", b"\x00\x05")
        zf.writestr("more/c.json", json.dumps([{"text": "ثالث", "id": "c1"}]))
    result = read_articles([str(archive)])
    assert result.problems == []
    assert [a.id for a in result.articles] == ["a", "b", "c1"]
    assert result.articles[0].path == f"{archive}/a.txt"
    assert result.articles[0].outlet == "وكالة"
    assert result.articles[2].path == f"{archive}/more/c.json"
    assert result.articles[1].text == "الخبر الثاني"


def test_truncated_zip_is_one_problem_and_batch_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", "نص " * 1000)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    (tmp_path / "ok.txt").write_text("سليم", encoding="utf-8")
    result = read_articles([str(archive), str(tmp_path / "ok.txt")])
    (problem,) = result.problems
    assert problem.path == str(archive)
    assert "zip" in problem.reason
    _one_line(problem)
    assert [a.id for a in result.articles] == ["ok"]


def test_corrupt_zip_member_does_not_lose_the_others(tmp_path: Path) -> None:
    archive = tmp_path / "crc.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        zf.writestr("b.txt", "الخبر الثاني")
    data = bytearray(archive.read_bytes())
    at = data.find(b"AAAA")
    data[at : at + 4] = b"BBBB"  # breaks a.txt's CRC
    archive.write_bytes(bytes(data))
    result = read_articles([str(archive)])
    assert [a.id for a in result.articles] == ["b"]
    (problem,) = result.problems
    assert problem.path == f"{archive}/a.txt"
    assert "CRC" in problem.reason


def test_file_that_vanishes_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("أول", encoding="utf-8")
    (tmp_path / "b.txt").write_text("ثان", encoding="utf-8")
    (tmp_path / "c.txt").write_text("ثالث", encoding="utf-8")
    items = iter_articles([str(tmp_path)])
    first = next(items)
    assert isinstance(first, Article) and first.id == "a"
    os.remove(tmp_path / "b.txt")
    rest = list(items)
    assert rest[0] == Problem(str(tmp_path / "b.txt"), "vanished before it could be read")
    assert isinstance(rest[1], Article) and rest[1].id == "c"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("سر", encoding="utf-8")
    path.chmod(0)
    result = read_articles([str(path)])
    assert result.problems == [Problem(str(path), "permission denied")]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, "\ufeffقال المتحدث باسم الحكومة\n".encode())
    result = read_articles(["-"])
    (article,) = result.articles
    assert article.text == "قال المتحدث باسم الحكومة\n"  # BOM removed, nothing else touched
    assert article.path == "<stdin>" and article.id == "stdin"


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [{"text": "الأول", "url": "https://a.example/1"}, {"text": "الثاني", "id": "x"}]
    _stdin(monkeypatch, "\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode())
    result = read_articles(["-"])
    assert [a.id for a in result.articles] == ["stdin:1", "x"]
    assert result.articles[0].outlet == "a.example"


def test_stdin_json_array_and_html(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, json.dumps([{"text": "أ"}, {"text": "ب"}], indent=2).encode())
    assert [a.text for a in read_articles(["-"]).articles] == ["أ", "ب"]
    page = (ROOT / "tests" / "data" / "ingest" / "page_wadi.html").read_bytes()
    _stdin(monkeypatch, page)
    (article,) = read_articles(["-"]).articles
    assert article.title == "الأمم المتحدة تدعو إلى هدنة إنسانية في ليبيا"


def test_unknown_extension_sniffed_when_named_skipped_in_folder(tmp_path: Path) -> None:
    data = tmp_path / "feed.dat"
    data.write_text(json.dumps({"text": "خبر", "id": "n1"}) + "\n", encoding="utf-8")
    assert [a.id for a in read_articles([str(data)]).articles] == ["n1"]
    noext = tmp_path / "story"
    noext.write_text("خبر بلا امتداد", encoding="utf-8")
    folder = read_articles([str(tmp_path)])
    assert [a.id for a in folder.articles] == ["story"]
    assert folder.skipped == {"unsupported file type (.dat)": 1}


def test_gzipped_jsonl(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    result = read_articles([str(path)])
    assert [a.id for a in result.articles] == ["news:1", "news:2"]
    path.write_bytes(path.read_bytes()[:-12])
    cut = read_articles([str(path)])
    assert cut.problems and cut.problems[-1].reason.startswith("truncated file")


def test_a_single_path_string_is_not_split_into_characters() -> None:
    assert len(read_articles(str(HAFTAR)).articles) == 5


def test_problems_capped_per_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n" * 150 + '{"text": "ok"}\n', encoding="utf-8")
    result = read_articles([str(path)])
    assert len(result.articles) == 1
    assert len(result.problems) == 101
    assert result.problems[-1].reason == "50 more problems in this file not shown"
    for problem in result.problems:
        _one_line(problem)
