"""The command line as a new user meets it: one line per error, never a traceback, nothing
lost (issue: no traceback, no silent skip, no lost output)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from naql.cli import main


def one_line_error(capsys, arguments: list[str]) -> str:
    """Run naql in-process (an uncaught exception fails the test); the error must be one line."""
    code = main(arguments)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code != 0, f"{arguments}: exit status 0"
    assert "Traceback" not in captured.err
    assert len(lines) == 1 and lines[0].startswith("naql: "), f"{arguments}: {captured.err!r}"
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("files")
    made = {
        "not_json": ("article.txt", "حفتر زار دمشق سرا"),
        "no_stories": ("notrace.json", '{"articles": []}'),
        "gold_stories": ("gold.jsonl", '{"article": "a", "story": "s"}\n'),
        "gold_broken": ("broken.jsonl", '{"article": "a", "story": "s"}\n{"article": \n'),
        "list": ("list.json", '[{"id": "x", "name": "X"}]'),
        "no_outlets": ("foo.json", '{"foo": 1}'),
        "binary": ("binary.bin", "\x00\x01\x02"),
    }
    paths = {}
    for key, (name, text) in made.items():
        paths[key] = root / name
        paths[key].write_text(text, encoding="utf-8")
    trace = root / "trace.json"
    assert main(["trace", str(EXAMPLE), "--json", str(trace), "--no-progress", "--top", "0"]) == 0
    paths["trace"] = trace
    return paths


def test_eval_on_a_file_that_is_not_a_trace_is_one_line(capsys, files) -> None:
    for command in ("stories", "provenance", "pairs"):
        gold = files["gold_stories"]
        line = one_line_error(capsys, ["eval", command, str(gold), str(files["not_json"])])
        assert str(files["not_json"]) in line and "not JSON" in line
        line = one_line_error(capsys, ["eval", command, str(gold), str(files["no_stories"])])
        assert "not a naql trace" in line


def test_a_broken_gold_line_is_named(capsys, files) -> None:
    line = one_line_error(
        capsys, ["eval", "stories", str(files["gold_broken"]), str(files["trace"])]
    )
    assert "line 2" in line


def test_unknown_language_and_unusable_outlets_files_stop_before_reading(capsys, files) -> None:
    line = one_line_error(capsys, ["trace", str(EXAMPLE), "--language", "xx"])
    assert "'xx'" in line and "en" in line
    for bad in ("list", "no_outlets"):
        line = one_line_error(capsys, ["trace", str(EXAMPLE), "--outlets", str(files[bad])])
        assert "not an outlets file" in line


def test_output_paths_are_checked_before_the_work(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "x.json"
    line = one_line_error(capsys, ["trace", str(EXAMPLE), "--json", str(missing)])
    assert "does not exist" in line
    line = one_line_error(capsys, ["clean", str(EXAMPLE), "--out", str(missing)])
    assert "--out" in line


def test_top_is_checked_and_zero_prints_the_header_only(capsys) -> None:
    assert "--top" in one_line_error(capsys, ["trace", str(EXAMPLE), "--top", "-1"])
    assert main(["trace", str(EXAMPLE), "--top", "0", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("naql trace: 6 articles (from 5 pages: 1 page held more")
    assert "Story" not in printed and "--json" not in printed


def test_usage_errors_are_one_line(capsys) -> None:
    for arguments in (["bogus"], ["trace"], ["trace", str(EXAMPLE), "--nope"], ["eval", "pan"]):
        one_line_error(capsys, arguments)


def test_help_reads_as_written(capsys) -> None:
    assert main(["eval", "stories", "-h"]) == 0
    text = capsys.readouterr().out
    assert "{story: [articles]}" in text
    assert main(["trace", "-h"]) == 0
    text = capsys.readouterr().out
    assert "<bool>" not in text and "{paths}" not in text
    assert "--passages / --no-passages" in text


def test_credits_are_scored_by_outlet_name_or_id(capsys, files, tmp_path: Path) -> None:
    trace = json.loads(files["trace"].read_text(encoding="utf-8"))
    rewrite = next(a["id"] for a in trace["articles"] if a["id"].startswith("003"))
    teaser = next(a["id"] for a in trace["articles"] if a["id"].startswith("000"))
    for outlet in ("aawsat", "الشرق الأوسط", "Asharq Al-Awsat"):
        gold = tmp_path / "gold.jsonl"
        line = {
            "copy": rewrite,
            "source": teaser,
            "reused": True,
            "credits_source": True,
            "source_outlet": outlet,
        }
        gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        assert main(["eval", "provenance", str(gold), str(files["trace"])]) == 0
        assert "credits: precision 1.000, recall 1.000" in capsys.readouterr().out, outlet


def test_a_closed_pipe_ends_quietly_with_the_json_written(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "naql.cli", "trace", str(EXAMPLE), "--json", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    error = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in error and "Broken pipe" not in error
    assert json.loads(out.read_text(encoding="utf-8"))["stories"]


def test_counts_read_as_words(capsys, tmp_path: Path) -> None:
    (tmp_path / "missing.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "a.txt").write_text((EXAMPLE / "002_2427181fa13bf9fd.txt").read_text(), "utf-8")
    assert main(["trace", str(tmp_path), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "1 article," in captured.out and "1 story," in captured.out
    assert "input(s)" not in captured.err


def test_a_byline_field_of_another_name_is_read_with_author_field(tmp_path: Path, capsys) -> None:
    records = tmp_path / "wire.jsonl"
    body = (EXAMPLE / "002_2427181fa13bf9fd.txt").read_text(encoding="utf-8")
    line = {"id": "x", "text": body, "byline": "الرياض - واس"}
    records.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "trace.json"
    arguments = ["trace", str(records), "--no-progress", "--json", str(out), "--top", "0"]
    assert main([*arguments, "--author-field", "byline"]) == 0
    credits = json.loads(out.read_text(encoding="utf-8"))["attributions"]
    assert any(c["outlet"] == "spa" and c["where"] == "author" for c in credits)


def test_quiet_prints_only_the_summary(tmp_path: Path, capsys) -> None:
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01")
    (tmp_path / "a.txt").write_text((EXAMPLE / "002_2427181fa13bf9fd.txt").read_text(), "utf-8")
    assert main(["trace", str(tmp_path), "--quiet", "--json", str(tmp_path / "t.json")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("naql trace: 1 article,")
    assert captured.err.splitlines() == ["naql: 1 input skipped"]


def test_repeated_problems_are_summarised_by_reason(tmp_path: Path, capsys) -> None:
    lines = [json.dumps({"id": f"r{k}", "text": ""}) for k in range(7)]
    lines.append(json.dumps({"id": "ok", "text": "نص كامل لمقال واحد يكفي للقراءة هنا."}))
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["trace", str(tmp_path), "--no-progress", "--top", "0"]) == 0
    err = capsys.readouterr().err
    assert err.count("empty text") == 4  # three lines, then «… and 4 more: empty text»
    assert "… and 4 more: empty text" in err and "naql: 7 inputs skipped" in err


def test_every_long_stage_reports_progress() -> None:
    from naql.clean import CleanConfig
    from naql.ingest import read_articles
    from naql.pipeline import trace

    seen: dict[str, tuple[int, int]] = {}

    def record(stage: str, done: int, total: int) -> None:
        assert 0 <= done <= total
        seen[stage] = (done, total)

    trace(read_articles([str(EXAMPLE)]).articles, progress=record, cleaning=CleanConfig())
    stages = {"clean", "tokenize", "similarity", "candidates", "align", "attribution"}
    assert stages | {"stories", "provenance"} <= set(seen)
    assert all(done == total for done, total in seen.values())  # every bar ends full


def test_a_web_address_is_told_to_be_saved_first(capsys, tmp_path: Path) -> None:
    # A fact-checker pastes the page's address: naql fetches nothing, and says so in one line
    # naming the whole address (its query is part of a web page's name), for inputs and
    # outputs alike, before any work.
    page = "https://www.spa.gov.sa/details.php?id=1386900"
    code = main(["trace", page, str(EXAMPLE), "--json", str(tmp_path / "t.json"), "--top", "0"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err, err  # the rest of the batch is traced
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["stories"]
    skipped = next(line for line in err.splitlines() if "skipped" in line)
    assert f"skipped {page}: cannot open: https:// is not read or written" in skipped
    assert "Arrow" not in err and "save the page" in skipped
    for option in ("--json", "--report", "--parquet"):
        line = one_line_error(capsys, ["trace", str(EXAMPLE), option, "http://example.org/x"])
        assert f"{option} http://example.org/x: cannot write there (http://" in line, line
    line = one_line_error(capsys, ["trace", str(EXAMPLE), "--json", "foo://bucket/t.json"])
    assert "foo:// is no file system naql knows" in line and "Arrow" not in line, line
