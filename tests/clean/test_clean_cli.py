"""`naql clean`, and cleaning inside `naql trace` and `pipeline.trace`."""

from __future__ import annotations

import json
from pathlib import Path

from naql.clean import CleanConfig
from naql.cli import main
from naql.ingest import read_articles
from naql.pipeline import trace
from naql.records import Article, Trace, from_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "haftar"
REUSE = {
    ("000", "001"),
    ("000", "003"),
    ("000", "004"),
    ("001", "003"),
    ("001", "004"),
    ("003", "004"),
}


def test_naql_clean_writes_articles_with_offsets_and_drops(tmp_path: Path, capsys) -> None:
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(EXAMPLE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5 pages, 6 articles, 25 lines dropped" in printed
    articles = [
        from_json(Article, json.loads(line))
        for line in out.read_text(encoding="utf-8").splitlines()
    ]
    assert [article.id[:3] + article.id[20:] for article in articles] == [
        "000#1",
        "000#2",
        "001",
        "002",
        "003",
        "004",
    ]
    pages = {page.id: page for page in read_articles([str(EXAMPLE)]).articles}
    for article in articles:
        page = pages[article.id.split("#")[0]]
        original = page.text[article.offset : article.offset + len(article.text)]
        for drop in article.dropped:
            assert original[drop.span.start : drop.span.end].strip()
            assert not article.text[drop.span.start : drop.span.end].strip()
        kept = [i for i, char in enumerate(article.text) if not char.isspace()]
        assert all(article.text[i] == original[i] for i in kept)
    assert not (tmp_path / "clean.jsonl.part").exists()


def test_explain_clean_lists_every_dropped_line(tmp_path: Path, capsys) -> None:
    assert main(["clean", str(EXAMPLE), "--out", str(tmp_path / "c.jsonl"), "--explain-clean"]) == 0
    printed = capsys.readouterr().out
    assert "25 lines dropped by cleaning" in printed
    rows = [line for line in printed.splitlines() if line.startswith("  ")]
    assert len(rows) == 25
    assert any("comment box" in row and "اترك رد" in row for row in rows)
    assert any(
        "date banner" in row and "الأربعاء 24 أبريل 2024 الموافق 15 شوال 1445" in row
        for row in rows
    )
    assert any(row.split()[1:4] == ["0-11", "section:", "سياسة"] for row in rows)


def test_trace_cleans_by_default_and_no_clean_skips_it(tmp_path: Path, capsys) -> None:
    out = tmp_path / "trace.json"
    assert (
        main(["trace", str(EXAMPLE), "--json", str(out), "--no-progress", "--explain-clean"]) == 0
    )
    printed = capsys.readouterr().out
    assert "naql trace: 6 articles" in printed and "25 lines dropped by cleaning" in printed
    result = from_json(Trace, json.loads(out.read_text(encoding="utf-8")))
    assert result.counts["dropped_lines"] == 25 and "clean" in result.timings
    pairs = {tuple(sorted((a.a[:3] + a.a[20:], a.b[:3] + a.b[20:]))) for a in result.alignments}
    assert {tuple(p.replace("000", "000#1") for p in pair) for pair in REUSE} <= pairs
    assert not any("000#2" in pair for pair in pairs)
    assert main(["trace", str(EXAMPLE), "--no-progress", "--no-clean"]) == 0
    assert "naql trace: 5 articles" in capsys.readouterr().out


def test_pipeline_trace_with_cleaning_carries_the_reuse_on_the_haftar_part() -> None:
    result = trace(read_articles([str(EXAMPLE)]).articles, cleaning=CleanConfig())
    pairs = {tuple(sorted((a.a[:3] + a.a[20:], a.b[:3] + a.b[20:]))) for a in result.alignments}
    assert {("000#1", b) for a, b in REUSE if a == "000"} <= pairs
    assert {pair for pair in REUSE if "000" not in pair} <= pairs
    assert not any("000#2" in pair for pair in pairs)


def test_after_cleaning_exactly_the_six_reuse_pairs_and_none_with_002() -> None:
    # The cleaned teaser's subtitle, caption and first sentence share only set phrases with
    # 002 («قائد الجيش الوطني الليبي المشير خليفة», «الشرق الأوسط», «اتفاق وقف إطلاق النار»):
    # three phrases are not reuse.
    result = trace(read_articles([str(EXAMPLE)]).articles, cleaning=CleanConfig())
    pairs = {tuple(sorted((a.a[:3], a.b[:3]))) for a in result.alignments}
    assert pairs == set(REUSE)


def test_naql_clean_takes_the_same_reading_options_as_trace(tmp_path: Path, capsys) -> None:
    records = [
        {"source": "الرئيس نيوز", "content": page.read_text(encoding="utf-8"), "key": page.name[:3]}
        for page in sorted(EXAMPLE.glob("*.txt"))
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    out = tmp_path / "clean.jsonl"
    code = main(
        [
            "clean",
            str(source),
            "--out",
            str(out),
            "--text-field",
            "content",
            "--outlet-field",
            "source",
            "--id-field",
            "key",
        ]
    )
    assert code == 0
    articles = [
        from_json(Article, json.loads(line))
        for line in out.read_text(encoding="utf-8").splitlines()
    ]
    assert [article.id for article in articles] == ["000#1", "000#2", "001", "002", "003", "004"]
    assert {article.outlet for article in articles} == {"الرئيس نيوز"}
    assert main(["clean", str(tmp_path / "nothing-here"), "--out", str(out)]) == 1
    assert "no usable article" in capsys.readouterr().err


def test_naql_clean_reads_on_workers_as_on_one_process(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    real = EXAMPLE.parents[1] / "tests" / "data" / "ingest" / "real"
    for copy in range(3):
        for page in sorted(real.glob("*.html")):
            (pages / f"{copy}_{page.name}").write_bytes(page.read_bytes())
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"clean{jobs}.jsonl"
        assert main(["clean", str(pages), "--out", str(out), "--jobs", jobs, "--quiet"]) == 0
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] and outs[0].count("\n") == 15
