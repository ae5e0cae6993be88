"""Browsing the index: ``naql stories``, ``naql show`` and ``naql export`` on an index of the
Haftar example, checked against what ``naql trace`` finds in the same pages."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLE, bulletins_file

from naql.cli import main
from naql.records import Trace, from_json
from naql.store import open_store
from naql.store.browse import StoryFilter, article_view, stories, story_trace
from naql.store.export import TABLES

TEASER = "000_29410af33499cb13#1"  # Asharq Al-Awsat's truncated teaser
CREDITING = "001_c815468371a09db8"  # a site that credits Asharq Al-Awsat and SANA


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Trace]:
    """An index of the example, and naql trace's result on the same pages."""
    folder = tmp_path_factory.mktemp("index")
    db = folder / "naql.db"
    assert main(["index", "add", str(EXAMPLE), "--db", str(db), "--no-progress"]) == 0
    traced = folder / "trace.json"
    assert main(["trace", str(EXAMPLE), "--json", str(traced), "--top", "0", "--no-progress"]) == 0
    return db, from_json(Trace, json.loads(traced.read_text(encoding="utf-8")))


def _run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_stories_lists_the_haftar_story_with_its_origin(built, capsys) -> None:
    db, trace = built
    code, out, _ = _run(["stories", "--db", str(db)], capsys)
    assert code == 0
    assert "3 stories" in out and "s1" in out
    assert "حفتر زار دمشق" in out and "الشرق الأوسط (full version" in out

    code, out, _ = _run(["stories", "--db", str(db), "--json"], capsys)
    assert code == 0
    listed = [json.loads(line) for line in _lines(out)]
    assert [s["id"] for s in listed] == [s.id for s in trace.stories]
    haftar = listed[0]
    assert haftar["size"] == 4 and haftar["label"] == trace.stories[0].label
    assert haftar["origin"] == "hidden:aawsat"
    assert haftar["origin_name"].startswith("الشرق الأوسط")
    assert haftar["independent_sources"] == 1 and haftar["sources"] == ["الشرق الأوسط"]
    assert set(haftar["outlets"]) == {"الشرق الأوسط", "الأيام السورية"}
    assert [s["size"] for s in listed] == sorted((s["size"] for s in listed), reverse=True)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--outlet", "الرئيس نيوز"], ["s3"]),  # an article's outlet as written
        (["--outlet", "elraeesnews"], ["s3"]),  # the same outlet by its id
        (["--outlet", "Al-Rais News"], ["s3"]),  # by an alias, in other letters
        (["--outlet", "الأيام السورية"], ["s1"]),
        (["--outlet", "bloomberg"], ["s2"]),  # a source not in the pile
        (["--outlet", "nosuch"], []),
        (["--min-size", "2"], ["s1"]),
        (["--top", "2"], ["s1", "s2"]),
        (["--since", "2015-07-21"], []),  # the example has no dates: a date filter keeps none
    ],
)
def test_stories_filters(built, capsys, arguments: list[str], expected: list[str]) -> None:
    db, _ = built
    code, out, _ = _run(["stories", "--db", str(db), "--json", *arguments], capsys)
    assert code == 0
    assert [json.loads(line)["id"] for line in _lines(out)] == expected


def test_stories_filter_dates_by_prefix(built) -> None:
    db, _ = built
    store = open_store(db, readonly=True)
    try:
        # The example has no dates: a date filter keeps no story, none keeps them all.
        assert [s.id for s in stories(store, StoryFilter(until="2030"))] == []
        assert [s.id for s in stories(store, StoryFilter())] == ["s1", "s2", "s3"]
        assert [s.id for s in stories(store, StoryFilter(), top=1)] == ["s1"]
    finally:
        store.close()


def test_a_bad_date_is_one_line(built, capsys) -> None:
    db, _ = built
    code, out, err = _run(["stories", "--db", str(db), "--since", "yesterday"], capsys)
    assert code == 2 and not out
    assert len(_lines(err)) == 1 and "is not a date" in err


def test_show_a_story_prints_it_as_trace_does(built, capsys) -> None:
    db, trace = built
    code, out, _ = _run(["show", "s1", "--db", str(db)], capsys)
    assert code == 0
    assert "Story s1" in out and "origin: الشرق الأوسط (full version, not in the pile)" in out
    assert "independent sources: 1" in out
    assert "→ 001_c815468371a09db8 (copied" in out  # an edge of the transmission graph
    assert "excerpt" in out and "partially derived" in out  # the per-article verdicts
    assert "⇄" in out  # the passages

    code, out, _ = _run(["show", "s1", "--db", str(db), "--json"], capsys)
    assert code == 0
    shown = from_json(Trace, json.loads(out))
    expected = trace.stories[0]
    assert [s.id for s in shown.stories] == ["s1"]
    assert [a.id for a in shown.articles] == expected.articles
    assert {v.article: v.derivation for v in shown.verdicts} == {
        v.article: v.derivation for v in trace.verdicts if v.story == "s1"
    }
    members = set(expected.articles)
    assert len(shown.alignments) == sum(
        1 for a in trace.alignments if a.a in members and a.b in members
    )


def test_show_an_article_prints_its_verdict_credits_and_passages(built, capsys) -> None:
    db, trace = built
    code, out, _ = _run(["show", CREDITING, "--db", str(db)], capsys)
    assert code == 0
    assert f"Article {CREDITING}" in out
    assert "story s1 (4 articles)" in out
    # 38% until its «الأول من آذار» and «الرابع من نيسان» read as the days' figures (stop 42):
    # «1» and «4» are not content words, as a paper's printed «1» is not.
    assert "verdict: partially derived, 39% reused from الشرق الأوسط (full version" in out
    assert "source: الشرق الأوسط at" in out and "source: سانا at" in out  # credits, by name
    assert "(aawsat)" not in out and "(sana)" not in out
    assert "«الشرق الأوسط»" in out  # the credit's words, quoted
    assert f"⇄ {TEASER} [" in out and "this:" in out and "other:" in out

    code, out, _ = _run(["show", CREDITING, "--db", str(db), "--json"], capsys)
    assert code == 0
    shown = json.loads(out)
    verdict = next(v for v in trace.verdicts if v.article == CREDITING)
    assert shown["article"]["id"] == CREDITING and shown["story"]["id"] == "s1"
    assert shown["verdict"]["derivation"] == verdict.derivation
    assert [s["source"] for s in shown["verdict"]["sources"]] == ["hidden:aawsat"]
    assert shown["names"]["hidden:aawsat"].startswith("الشرق الأوسط")
    assert len(shown["credits"]) == sum(1 for c in trace.attributions if c.article == CREDITING)
    assert set(shown["partners"]) == {
        a.b if a.a == CREDITING else a.a for a in trace.alignments if CREDITING in (a.a, a.b)
    }


def test_article_view_names_the_sources_of_a_teaser(built) -> None:
    db, _ = built
    store = open_store(db, readonly=True)
    try:
        view = article_view(store, TEASER)
        assert view is not None and view.verdict is not None
        assert view.verdict.derivation == "excerpt"
        assert {c.outlet for c in view.credits} == {"getty", "aawsat"}
        assert len(view.alignments) == 3 and set(view.partners) == {
            CREDITING,
            "003_0298d090f25e48f7",
            "004_d61fa5c1789e1101",
        }
        assert story_trace(store, "s9") is None and article_view(store, "s9") is None
    finally:
        store.close()


def test_an_unknown_id_is_one_line_and_exit_1(built, capsys) -> None:
    db, _ = built
    code, out, err = _run(["show", "nosuch", "--db", str(db)], capsys)
    assert code == 1 and not out
    assert _lines(err) == [f"naql: no article or story «nosuch» in {db}"]
    # A page split into several articles: the line names them.
    code, _, err = _run(["show", TEASER[:-2], "--db", str(db)], capsys)
    assert code == 1 and len(_lines(err)) == 1 and f"{TEASER[:-2]}#2" in err


def test_a_missing_index_is_one_line(tmp_path: Path, capsys) -> None:
    missing = str(tmp_path / "none.db")
    for arguments in (
        ["stories", "--db", missing],
        ["show", "s1", "--db", missing],
        ["export", "--db", missing, "--format", "jsonl", "--out", str(tmp_path / "out")],
    ):
        code, out, err = _run(arguments, capsys)
        assert code == 2 and not out, arguments
        assert _lines(err) == [f"naql: {missing}: no such index (build one with: naql index add)"]
    not_an_index = tmp_path / "other.db"
    not_an_index.write_text("hello")
    code, _, err = _run(["stories", "--db", str(not_an_index)], capsys)
    assert code == 2 and len(_lines(err)) == 1 and "not a naql index" in err


def _expected_rows(trace: Trace) -> dict[str, int]:
    return {
        "articles": len(trace.articles),
        "alignments": trace.counts["pairs_with_reuse"],
        "passages": trace.counts["passages"],
        "stories": trace.counts["stories"],
        "edges": sum(len(s.edges) for s in trace.stories),
        "kept_apart": sum(len(s.kept_apart) for s in trace.stories),
        "verdicts": len(trace.verdicts),
        "sources": sum(len(v.sources) for v in trace.verdicts),
        "credits": len(trace.attributions),
    }


def test_export_jsonl_and_parquet_read_back_with_the_traces_counts(
    built, tmp_path: Path, capsys
) -> None:
    db, trace = built
    expected = _expected_rows(trace)
    assert set(expected) == set(TABLES)
    assert expected["articles"] == 6 and expected["passages"] == 9 and expected["credits"] > 0
    texts = {a.id: a.text for a in trace.articles}
    for format in ("jsonl", "parquet"):
        folder = tmp_path / format
        code, out, _ = _run(
            ["export", "--db", str(db), "--format", format, "--out", str(folder)], capsys
        )
        assert code == 0 and "9 tables" in out
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.{format}" for t in TABLES)
        for table, rows in expected.items():
            path = folder / f"{table}.{format}"
            if format == "parquet":
                read = pq.read_table(path)
                assert read.num_rows == rows, (format, table)
                assert read.schema.names == [name for name, _ in TABLES[table]]
            else:
                lines = path.read_text(encoding="utf-8").splitlines()
                assert len(lines) == rows, (format, table)
                if lines:  # the example's three stories are kept apart from none
                    assert list(json.loads(lines[0])) == [name for name, _ in TABLES[table]]
    passages = pq.read_table(tmp_path / "parquet" / "passages.parquet").to_pylist()
    exported = {
        (p["a"], p["b"], p["a_start"], p["a_end"], p["b_start"], p["b_end"]) for p in passages
    }
    assert exported == {
        (p.a, p.b, p.a_span.start, p.a_span.end, p.b_span.start, p.b_span.end)
        for a in trace.alignments
        for p in a.passages
    }
    assert all(texts[p["a"]][p["a_start"] : p["a_end"]].strip() for p in passages)
    articles = pq.read_table(tmp_path / "parquet" / "articles.parquet").to_pylist()
    assert {a["id"]: a["text"] for a in articles} == texts
    assert {a["id"]: a["story"] for a in articles}[TEASER] == "s1"
    stories_ = pq.read_table(tmp_path / "parquet" / "stories.parquet").to_pylist()
    assert stories_[0]["id"] == "s1" and stories_[0]["articles"] == trace.stories[0].articles
    sources = pq.read_table(tmp_path / "parquet" / "sources.parquet").to_pylist()
    # A hidden source's name is the one its own story gives it.
    teaser = next(s for s in sources if s["article"] == TEASER)
    assert teaser["source_name"] == "الشرق الأوسط (full version, not in the pile)"
    credits = [
        json.loads(line)
        for line in (tmp_path / "jsonl" / "credits.jsonl").read_text("utf-8").splitlines()
    ]
    crediting = [c for c in credits if c["article"] == CREDITING]
    assert [c["n"] for c in crediting] == list(range(1, len(crediting) + 1))
    assert texts[CREDITING][crediting[1]["start"] : crediting[1]["end"]] == "الشرق الأوسط"


def test_export_to_a_url_writes_what_a_folder_gets(built, tmp_path: Path, capsys, s3) -> None:
    # Where a cluster's job keeps its output: object storage (an S3 store served here) or any
    # file system pyarrow names by URL. The tables are those of a local folder.
    from pyarrow import fs

    db, _ = built
    store, _ = fs.FileSystem.from_uri(f"s3://tables?{s3}&allow_bucket_creation=true")
    store.create_dir("tables")
    for format in ("jsonl", "parquet"):
        local = tmp_path / f"local-{format}"
        assert (
            _run(["export", "--db", str(db), "--format", format, "--out", str(local)], capsys)[0]
            == 0
        )
        for url in (f"s3://tables/run-{format}?{s3}", f"file://{tmp_path}/url-{format}"):
            code, out, _ = _run(
                ["export", "--db", str(db), "--format", format, "--out", url], capsys
            )
            assert code == 0 and "9 tables" in out and "endpoint_override" not in out
            system, base = fs.FileSystem.from_uri(url)
            found = system.get_file_info(fs.FileSelector(base))
            assert sorted(f.base_name for f in found) == sorted(f"{t}.{format}" for t in TABLES)
            for table in TABLES:
                with system.open_input_file(f"{base}/{table}.{format}") as remote:
                    if format == "jsonl":
                        assert remote.read() == (local / f"{table}.jsonl").read_bytes()
                    else:
                        assert pq.read_table(remote).equals(
                            pq.read_table(local / f"{table}.parquet")
                        )
    # naql trace writes its tables the same way.
    url = f"file://{tmp_path}/trace-tables"
    assert main(["trace", str(EXAMPLE), "--parquet", url, "--top", "0", "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "trace-tables").iterdir()) == sorted(
        f"{t}.parquet" for t in TABLES
    )
    code, _, err = _run(["export", "--db", str(db), "--out", "nosuch://x/y"], capsys)
    assert code == 2 and len(_lines(err)) == 1 and "cannot write there" in err, err


def test_trace_json_and_report_go_to_a_url_as_to_a_file(tmp_path: Path, capsys, s3) -> None:
    from pyarrow import fs

    store, _ = fs.FileSystem.from_uri(f"s3://traces?{s3}&allow_bucket_creation=true")
    store.create_dir("traces")
    local, report = tmp_path / "trace.json", tmp_path / "report.html"
    arguments = ["trace", str(EXAMPLE), "--top", "0", "-q"]
    assert main([*arguments, "--json", str(local), "--report", str(report)]) == 0
    expected = json.loads(local.read_text(encoding="utf-8"))
    for base in (f"s3://traces/run/{{}}?{s3}", f"file://{tmp_path}/by-url/{{}}"):
        json_url, report_url = base.format("trace.json"), base.format("report.html")
        code, _, err = _run(
            ["trace", str(EXAMPLE), "--json", json_url, "--report", report_url, "--top", "0"],
            capsys,
        )
        assert code == 0 and "endpoint_override" not in err
        assert err.count("naql: wrote") == 2, err
        system, path = fs.FileSystem.from_uri(json_url)
        with system.open_input_stream(path) as remote:
            written = json.loads(remote.read().decode("utf-8"))
        assert {k: v for k, v in written.items() if k != "timings"} == {
            k: v for k, v in expected.items() if k != "timings"
        }
        assert system.get_file_info(path + ".part").type == fs.FileType.NotFound
        system, path = fs.FileSystem.from_uri(report_url)
        with system.open_input_stream(path) as remote:
            assert remote.read() == report.read_bytes()
    code, _, err = _run([*arguments, "--report", "nosuch://x/r.html"], capsys)
    assert code == 2 and len(_lines(err)) == 1 and "--report nosuch://x/r.html" in err, err


def test_the_index_report_goes_to_a_url_as_to_a_file(built, tmp_path: Path, capsys) -> None:
    db, _ = built
    local = tmp_path / "index.html"
    assert main(["report", "--db", str(db), "--out", str(local), "-q"]) == 0
    url = f"file://{tmp_path}/by-url/index.html"
    code, _, err = _run(["report", "--db", str(db), "--out", url], capsys)
    assert code == 0 and f"wrote {url}" in err, err
    assert (tmp_path / "by-url" / "index.html").read_bytes() == local.read_bytes()
    assert not (tmp_path / "by-url" / "index.html.part").exists()


def test_export_to_a_folder_that_cannot_be_made_is_one_line(built, tmp_path: Path, capsys) -> None:
    db, _ = built
    file = tmp_path / "a-file"
    file.write_text("")
    for out in (tmp_path / "no" / "such", file):
        code, _, err = _run(
            ["export", "--db", str(db), "--format", "jsonl", "--out", str(out)], capsys
        )
        assert code == 2 and len(_lines(err)) == 1 and err.startswith("naql: --out"), err
    code, _, err = _run(
        ["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path)], capsys
    )
    assert code == 2 and len(_lines(err)) == 1


def test_browsing_reads_while_an_add_writes(built, tmp_path: Path, capsys) -> None:
    """A writer holding the index (as index add does while it saves a trace) does not block
    stories, show or export; they see the last committed trace."""
    import shutil
    import sqlite3

    db, _ = built
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    writer = sqlite3.connect(copy, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE stories SET label = 'changed' WHERE id = 's1'")
        code, out, _ = _run(["stories", "--db", str(copy), "--json", "--top", "1"], capsys)
        assert code == 0 and json.loads(out)["label"] != "changed"
        code, _, _ = _run(["show", "s1", "--db", str(copy)], capsys)
        assert code == 0
        folder = tmp_path / "tables"
        assert main(["export", "--db", str(copy), "--format", "jsonl", "--out", str(folder)]) == 0
        writer.execute("COMMIT")
        code, out, _ = _run(["stories", "--db", str(copy), "--json", "--top", "1"], capsys)
        assert code == 0 and json.loads(out)["label"] == "changed"
    finally:
        writer.close()


def test_export_has_a_row_per_story_kept_apart(tmp_path: Path, capsys) -> None:
    """Two days' bulletins and a paper's copy of each (tests/test_slots.py), indexed: the
    kept_apart table names both stories, each from its own side, with the evidence."""
    pile = bulletins_file(tmp_path)
    db = tmp_path / "naql.db"
    code, _, _ = _run(
        ["index", "add", str(pile), "--db", str(db), "--no-trust-dates", "-q"], capsys
    )
    assert code == 0
    code, _, _ = _run(
        ["export", "--db", str(db), "--format", "parquet", "--out", str(tmp_path / "t")], capsys
    )
    assert code == 0
    found = pq.read_table(tmp_path / "t" / "kept_apart.parquet").to_pylist()
    assert sorted((r["article"], r["other_article"], r["reason"]) for r in found) == [
        ("spa-mon", "spa-tue", "template"),
        ("spa-tue", "spa-mon", "template"),
    ]
    stories = {r["story"]: r["other_story"] for r in found}
    assert len(stories) == 2 and stories[stories[next(iter(stories))]] == next(iter(stories))
    assert all("other slots" in r["detail"] for r in found)
