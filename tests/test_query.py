"""``naql query``: one article's sources in the index, without adding it (issue #10, point 3)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLE

from naql.cli import main
from naql.ingest import read_articles
from naql.query import QueryIndex
from naql.records import Article
from naql.store import open_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index") / "naql.db"
    assert main(["index", "add", str(EXAMPLE), "--db", str(path), "-q"]) == 0
    return path


def test_a_rewrite_finds_the_others_and_the_story_origin(db: Path) -> None:
    # Seed 004 (al-Ayyam al-Suriya) shares passages with the two other rewrites and the teaser.
    article = next(a for a in read_articles([EXAMPLE]).articles if a.id.startswith("004"))
    searcher = QueryIndex.load(open_store(db, readonly=True))
    pasted = Article(id="pasted", text=article.text)  # no id, outlet or date: just the text
    result = searcher.query(pasted)
    found = {source.article.split("#")[0][:3]: source for source in result.sources}
    assert {"004", "001", "000"} <= set(found)
    assert found["004"].query_share > 0.95  # the same text is in the index
    assert 0.2 < found["001"].query_share < 0.8
    assert all(p.a_span.end <= len(pasted.text) for p in found["001"].passages)
    passage = found["001"].passages[0]
    assert pasted.text[passage.a_span.start : passage.a_span.end].strip()
    assert result.story is not None and len(result.story.articles) == 4
    assert "الشرق الأوسط" in (result.origin or "")
    assert any(c.outlet == "aawsat" and c.role == "source" for c in result.credits)


def test_an_unrelated_article_has_no_source(db: Path) -> None:
    searcher = QueryIndex.load(open_store(db, readonly=True))
    text = (
        "The city council of Lyon approved a new budget for public libraries on Monday, "
        "adding three reading rooms and extending opening hours on weekends."
    )
    result = searcher.query(Article(id="lyon", text=text))
    assert result.sources == [] and result.story is None


def test_query_does_not_add_unless_asked(db: Path, tmp_path: Path, capsys) -> None:
    page = tmp_path / "copy.txt"
    page.write_text(next(EXAMPLE.glob("003*.txt")).read_text(encoding="utf-8"), encoding="utf-8")
    before = sqlite3.connect(db).execute("SELECT count(*) FROM inputs").fetchone()[0]
    assert main(["query", str(page), "--db", str(db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result[0]["sources"][0]["article"].startswith("003")
    assert sqlite3.connect(db).execute("SELECT count(*) FROM inputs").fetchone()[0] == before
    copy = tmp_path / "grown.db"
    copy.write_bytes(db.read_bytes())
    assert main(["query", str(page), "--db", str(copy), "--add", "-q"]) == 0
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM inputs").fetchone()[0] == before + 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "no usable article"),
        ("这是一篇中文新闻报道的文本", "no Arabic or Latin-script words"),
    ],
)
def test_unusable_input_is_one_line(db: Path, tmp_path: Path, capsys, content, reason) -> None:
    page = tmp_path / "q.txt"
    page.write_text(content, encoding="utf-8")
    assert main(["query", str(page), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert reason in err and "Traceback" not in err


def test_query_on_a_missing_index_is_one_line(tmp_path: Path, capsys) -> None:
    page = tmp_path / "q.txt"
    page.write_text("حفتر زار دمشق", encoding="utf-8")
    assert main(["query", str(page), "--db", str(tmp_path / "none.db")]) != 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "no such index" in lines[0]
