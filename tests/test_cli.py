"""The command line, called in-process through ``naql.cli.main``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from naql.cli import app, main
from naql.records import Trace, from_json

pytestmark = pytest.mark.heavy(35)


def test_trace_on_the_example_reports_the_reuse_and_writes_json(tmp_path: Path, capsys) -> None:
    out = tmp_path / "trace.json"
    # The raw pages (--no-clean): the cleaned trace is tested in tests/clean/test_clean_cli.py.
    assert main(["trace", str(EXAMPLE), "--json", str(out), "--no-progress", "--no-clean"]) == 0
    printed = capsys.readouterr().out
    assert "5 articles" in printed and "6 pairs with reuse" in printed
    result = from_json(Trace, json.loads(out.read_text(encoding="utf-8")))
    pairs = {tuple(sorted((a.a[:3], a.b[:3]))) for a in result.alignments}
    assert pairs == {
        ("000", "001"),
        ("000", "003"),
        ("000", "004"),
        ("001", "003"),
        ("001", "004"),
        ("003", "004"),
    }
    assert {article.outlet for article in result.articles} >= {"الشرق الأوسط", "الأيام السورية"}


def test_bad_inputs_each_get_one_line_and_the_rest_is_traced(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(EXAMPLE, batch)
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (batch / "broken.jsonl").write_text(
        '{"id": "ok", "text": "نص سليم"}\n{"id": "bad", "text": \n', encoding="utf-8"
    )
    (batch / "latin1.txt").write_bytes(b"\xff\xfe\xfd\x00\x81\x8d\x8f\x90\x9d" * 3)
    missing = tmp_path / "no-such-folder"
    code = main(["trace", str(batch), str(missing), "--no-progress", "--no-clean"])
    captured = capsys.readouterr()
    assert code == 0
    assert "6 pairs with reuse" in captured.out and "ok" in captured.out  # the good JSONL line too
    lines = [line for line in captured.err.splitlines() if line.startswith("naql: skipped")]
    reasons = "\n".join(lines)
    assert "empty.txt" in reasons and "binary.txt" in reasons and "latin1.txt" in reasons
    assert "broken.jsonl:2" in reasons and str(missing) in reasons
    assert all("Traceback" not in line for line in captured.err.splitlines())


def test_nothing_usable_exits_non_zero(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["trace", str(tmp_path), "--no-progress"]) == 1
    assert "no usable article" in capsys.readouterr().err


def test_align_pan_and_eval_pan_round_trip(tmp_path: Path, capsys) -> None:
    susp, src, gold = tmp_path / "susp", tmp_path / "src", tmp_path / "gold"
    for folder in (susp, src, gold):
        folder.mkdir()
    pages = sorted(EXAMPLE.glob("*.txt"))
    shutil.copy(pages[3], susp / "suspicious-document0001.txt")
    shutil.copy(pages[4], src / "source-document00001.txt")
    shutil.copy(pages[2], src / "source-document00002.txt")
    assert (
        main(
            ["align", "--pan", str(susp), str(src), "--out", str(tmp_path / "det"), "--no-progress"]
        )
        == 0
    )
    detections = (tmp_path / "det" / "suspicious-document0001.xml").read_text(encoding="utf-8")
    assert 'source_reference="source-document00001.txt"' in detections
    assert "source-document00002.txt" not in detections
    # The detections scored against themselves as gold: perfect.
    (gold / "suspicious-document0001.xml").write_text(
        detections.replace("detected-plagiarism", "plagiarism"), encoding="utf-8"
    )
    assert (
        main(["eval", "pan", str(gold), str(tmp_path / "det"), "--json", str(tmp_path / "s.json")])
        == 0
    )
    scores = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert scores["overall"]["plagdet"] == pytest.approx(1.0)


def test_usage_errors_are_one_message_not_a_traceback(capsys) -> None:
    assert main(["align"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["eval", "pan", "/no/such/gold", "/tmp"]) == 2


def _commands(group=app, prefix=""):
    import typer.main

    command = typer.main.get_command(group)
    stack = [(prefix, command)]
    while stack:
        name, cmd = stack.pop()
        subcommands = getattr(cmd, "commands", None)
        if subcommands:
            stack.extend((f"{name} {sub}".strip(), c) for sub, c in subcommands.items())
        else:
            yield name, cmd


def test_every_command_has_an_example_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in _commands():
        assert "Example: naql " + name in (command.help or ""), f"naql {name} has no example"
        assert f"naql {name}" in readme, f"naql {name} is not documented in the README"


def test_clean_output_reads_back_with_offsets_and_traces_the_same(tmp_path: Path, capsys) -> None:
    cleaned = tmp_path / "clean.jsonl"
    assert main(["clean", str(EXAMPLE), "--out", str(cleaned)]) == 0
    direct, again = tmp_path / "direct.json", tmp_path / "again.json"
    assert main(["trace", str(EXAMPLE), "--json", str(direct), "--no-progress"]) == 0
    arguments = ["trace", str(cleaned), "--no-clean", "--json", str(again), "--no-progress"]
    assert main(arguments) == 0
    first = from_json(Trace, json.loads(direct.read_text(encoding="utf-8")))
    second = from_json(Trace, json.loads(again.read_text(encoding="utf-8")))
    assert [(a.id, a.offset, a.dropped) for a in first.articles] == [
        (a.id, a.offset, a.dropped) for a in second.articles
    ]
    assert [(a.a, a.b, a.passages) for a in first.alignments] == [
        (a.a, a.b, a.passages) for a in second.alignments
    ]


def test_clean_output_of_an_earlier_schema_still_reads_back(tmp_path: Path, capsys) -> None:
    """``naql clean`` output written before ``outlet_name`` existed (schema 1.3) is still read
    as naql's own articles, offsets and drops kept, not as plain records."""
    cleaned = tmp_path / "clean.jsonl"
    assert main(["clean", str(EXAMPLE), "--out", str(cleaned)]) == 0
    records = [json.loads(line) for line in cleaned.read_text(encoding="utf-8").splitlines()]
    assert all("outlet_name" in record for record in records)
    older = tmp_path / "older.jsonl"
    older.write_text(
        "".join(
            json.dumps({k: v for k, v in r.items() if k != "outlet_name"}, ensure_ascii=False)
            + "\n"
            for r in records
        ),
        encoding="utf-8",
    )
    from naql.ingest import read_articles

    now, before = read_articles([str(cleaned)]).articles, read_articles([str(older)]).articles
    assert [(a.id, a.offset, a.dropped, a.path) for a in now] == [
        (a.id, a.offset, a.dropped, a.path) for a in before
    ]
    assert any(a.dropped for a in before) and any(a.offset for a in before)


def test_align_pan_with_a_pairs_file_aligns_only_those_pairs(tmp_path: Path, capsys) -> None:
    susp, src = tmp_path / "susp", tmp_path / "src"
    susp.mkdir()
    src.mkdir()
    pages = sorted(EXAMPLE.glob("*.txt"))
    shutil.copy(pages[3], susp / "suspicious-document0001.txt")
    shutil.copy(pages[4], src / "source-document00001.txt")
    shutil.copy(pages[1], src / "source-document00002.txt")
    pairs = tmp_path / "pairs"
    pairs.write_text(
        "suspicious-document0001.txt source-document00002.txt\nbroken line\n", encoding="utf-8"
    )
    out = tmp_path / "det"
    arguments = ["align", "--pan", str(susp), str(src), "--out", str(out), "--no-progress"]
    assert main([*arguments, "--pairs", str(pairs)]) == 0
    assert f"{pairs}:2" in capsys.readouterr().err  # the broken line, named, then skipped
    detections = (out / "suspicious-document0001.xml").read_text(encoding="utf-8")
    assert 'source_reference="source-document00002.txt"' in detections  # 003 and 001 share text
    assert "source-document00001.txt" not in detections  # not a listed pair


def test_repeated_ids_are_renamed_and_said(tmp_path: Path, capsys) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(sorted(EXAMPLE.glob("*.txt"))[3], tmp_path / folder / "page.txt")
    assert main(["trace", str(tmp_path), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "id 'page' repeated; renamed 'page~2'" in captured.err
    assert "1 pair with reuse" in captured.out


def test_a_large_pile_is_summarised_in_the_terminal(capsys) -> None:
    assert main(["trace", str(EXAMPLE), "--no-progress", "--top", "1", "--no-passages"]) == 0
    printed = capsys.readouterr().out
    assert "… and 2 more stories (write them all with --json FILE)" in printed
    assert "… and 5 more pairs" in printed
    assert printed.index("Story s1") < printed.index("Articles") < printed.index("Who shares text")


SAUDINEWSNET_DAY = ROOT.parent / "shared" / "corpus" / "saudinewsnet" / "2015-08-06.zip"


@pytest.mark.skipif(not SAUDINEWSNET_DAY.exists(), reason="needs ../shared/corpus/saudinewsnet")
def test_trace_phrases_finds_the_re_run_the_stems_miss(tmp_path: Path, capsys) -> None:
    """``--phrases`` reaches the candidates: a seizure report two sites ran word for word, in
    common words only (tests/test_candidates.py shows the stem index alone misses it)."""
    out = tmp_path / "trace.json"
    fields = ["--text-field", "content", "--outlet-field", "source", "--id-field", "url"]
    args = ["trace", str(SAUDINEWSNET_DAY), *fields, "--phrases", "--json", str(out)]
    assert main([*args, "--no-progress", "--top", "0", "--jobs", "1"]) == 0
    capsys.readouterr()
    result = json.loads(out.read_text(encoding="utf-8"))
    pairs = {(a["a"], a["b"]) for a in result["alignments"]}
    assert (
        "http://sabq.org/M3Dgde",
        "http://www.alweeam.com.sa/351018/أمن-طرق-مكة-يضبط-مواطن-بحوزته-600-حبة-كبتا/",
    ) in pairs or (
        "http://www.alweeam.com.sa/351018/أمن-طرق-مكة-يضبط-مواطن-بحوزته-600-حبة-كبتا/",
        "http://sabq.org/M3Dgde",
    ) in pairs


@pytest.mark.skipif(not SAUDINEWSNET_DAY.exists(), reason="needs ../shared/corpus/saudinewsnet")
def test_a_feeds_outlet_ids_are_shown_as_names(tmp_path: Path, capsys) -> None:
    """SaudiNewsNet gives outlets as ids («aawsat», «alwatan»): the summary, the JSON's
    ``outlet_name`` read them as the gazetteer names them."""
    out = tmp_path / "trace.json"
    fields = ["--text-field", "content", "--outlet-field", "source", "--id-field", "url"]
    args = ["trace", str(SAUDINEWSNET_DAY), *fields, "--json", str(out), "--top", "5"]
    assert main([*args, "--no-progress", "--jobs", "1", "--no-passages"]) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text(encoding="utf-8"))
    given = {a["outlet"] for a in result["articles"]}
    assert {"aawsat", "aleqtisadiya", "alwatan", "3alyoum"} <= given
    names = {a["outlet"]: a["outlet_name"] for a in result["articles"]}
    assert names["aawsat"] == "الشرق الأوسط" and names["aleqtisadiya"] == "الاقتصادية"
    assert names["alwatan"] == "الوطن" and names["3alyoum"] == "عين اليوم"
    for outlet in given:
        assert f"({outlet})" not in printed, outlet
    assert "(الرياض)" in printed


def test_an_origin_of_no_known_outlet_is_named_by_its_id_alone(tmp_path: Path, capsys) -> None:
    """Plain text files name no outlet: the origin is the article's id, said once (provenance
    gives the id as the node's name too, which was printed as «x (x)»)."""
    text = (
        "افتتح أمير منطقة الجوف مساء أمس مهرجان الزيتون السنوي في مدينة سكاكا بمشاركة أكثر من "
        "مئة وخمسين مزارعا من مختلف محافظات المنطقة، وتجول في أجنحة المعرض التي ضمت أنواعا من "
        "زيت الزيتون والمنتجات الزراعية المحلية. وأوضح مدير فرع وزارة الزراعة أن المهرجان يستمر "
        "عشرة أيام، ويهدف إلى تسويق إنتاج المزارعين ودعم الأسر المنتجة، مشيرا إلى أن مبيعات "
        "العام الماضي تجاوزت عشرين مليون ريال. وشهد الحفل توقيع اتفاقيات تعاون بين الغرفة "
        "التجارية وعدد من الشركات الوطنية لتصدير الزيت إلى أسواق الخليج، كما كرم الأمير "
        "المزارعين الفائزين في مسابقة أفضل مزرعة نموذجية وأجود زيت بكر ممتاز لهذا الموسم."
    )
    pile = tmp_path / "pile"
    pile.mkdir()
    (pile / "first.txt").write_text(text, encoding="utf-8")
    (pile / "second.txt").write_text(text[: len(text) * 3 // 4], encoding="utf-8")
    db = tmp_path / "naql.db"
    assert main(["trace", str(pile)]) == 0
    assert main(["index", "add", str(pile), "--db", str(db), "-q"]) == 0
    assert main(["stories", "--db", str(db)]) == 0
    assert main(["query", str(pile / "second.txt"), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "origin: first;" in out or "origin: second;" in out
    assert "likely origin: first;" in out or "likely origin: second;" in out
    for name in ("first", "second"):
        assert f"{name} ({name})" not in out
