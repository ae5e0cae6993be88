"""The verdict on the seed pages, through the whole pipeline (read, clean, trace)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import EXAMPLE, ROOT

from naql.clean import CleanConfig
from naql.ingest import read_articles
from naql.pipeline import trace
from naql.records import Trace, to_json

PHRASE = "تنسيق الجهود لمواجهة الدور التركي في ساحات عدة أهمها سوريا وليبيا"


def short(article_id: str) -> str:
    """«000_29410af33499cb13#1» -> «000#1»."""
    page, _, part = article_id.partition("#")
    return page[:3] + (f"#{part}" if part else "")


@pytest.fixture(scope="module")
def result() -> Trace:
    return trace(read_articles([str(EXAMPLE)]).articles, cleaning=CleanConfig())


def test_stories_are_exactly_the_three_events(result: Trace) -> None:
    stories = {frozenset(short(a) for a in story.articles) for story in result.stories}
    assert stories == {
        frozenset({"000#1", "001", "003", "004"}),
        frozenset({"000#2"}),
        frozenset({"002"}),
    }
    haftar = next(s for s in result.stories if len(s.articles) == 4)
    assert haftar.label == "حفتر زار دمشق سراً للتنسيق ضد إردوغان"


def test_origin_is_asharq_al_awsat_with_a_hidden_full_version(result: Trace) -> None:
    haftar = next(s for s in result.stories if len(s.articles) == 4)
    assert haftar.origin_outlet == "الشرق الأوسط"
    assert haftar.independent_sources == 1
    assert [h.outlet for h in haftar.hidden] == ["aawsat"]
    hidden = haftar.hidden[0]
    assert {short(a) for a in hidden.explains} == {"000#1", "001", "003", "004"}
    assert haftar.origin == hidden.id
    # The evidence holds the passage the rewrites share and the teaser lacks.
    texts = {a.id: a.text for a in result.articles}
    evidence = [
        texts[p.a][p.a_span.start : p.a_span.end] + texts[p.b][p.b_span.start : p.b_span.end]
        for p in hidden.evidence
    ]
    assert any("تنسيق الجهود لمواجهة الدور التركي" in " ".join(text.split()) for text in evidence)
    assert PHRASE not in " ".join(texts[next(a for a in texts if short(a) == "000#1")].split())
    edges = {(short(e.target), e.kind) for e in haftar.edges if e.source == hidden.id}
    assert edges == {("000#1", "excerpt"), ("001", "copied"), ("003", "copied"), ("004", "copied")}


def test_credits_per_article(result: Trace) -> None:
    found: dict[str, set[tuple[str, str]]] = {}
    for credit in result.attributions:
        found.setdefault(short(credit.article), set()).add((credit.name, credit.role))
    assert found["001"] == {("الشرق الأوسط", "source"), ("سانا", "source"), ("الأناضول", "photo")}
    assert {c for c in found["002"] if c[1] != "self"} == {("الشرق الأوسط", "source")}
    assert ("الشرق الأوسط", "source") in found["003"]
    assert {c for c in found["004"] if c[1] != "self"} == {("الشرق الأوسط", "source")}
    assert found["000#1"] == {("الشرق الأوسط", "self"), ("غيتي", "photo")}
    assert found["000#2"] == {("بلومبرغ", "source"), ("أسوشيتد برس", "photo")}


def test_002_is_not_linked_to_the_haftar_story(result: Trace) -> None:
    haftar = next(s for s in result.stories if len(s.articles) == 4)
    assert not any("002" in short(e.source) + short(e.target) for e in haftar.edges)
    assert not any("002" in (short(a.a), short(a.b)) for a in result.alignments)


def test_verdicts_say_who_took_what_and_what_was_added(result: Trace) -> None:
    verdicts = {short(v.article): v for v in result.verdicts}
    for rewrite in ("001", "003", "004"):
        verdict = verdicts[rewrite]
        assert verdict.derivation == "partially derived"
        assert [s.source for s in verdict.sources] == ["hidden:aawsat"]
        assert 0.1 < verdict.reused_share < 0.8
        assert verdict.added, f"{rewrite} added material of its own"
    # The teaser is the paper's own text cut short: an excerpt, as the graph draws it.
    assert verdicts["000#1"].derivation == "excerpt"
    assert [s.source for s in verdicts["000#1"].sources] == ["hidden:aawsat"]
    assert verdicts["002"].derivation == "independent"
    # 001's paragraph from SANA about the memorandum is its own addition, not Asharq Al-Awsat's.
    texts = {short(a.id): a.text for a in result.articles}
    added = " ".join(texts["001"][s.start : s.end] for s in verdicts["001"].added)
    assert "مذكرة تفاهم" in added


def test_json_output_validates_against_the_schema_file(result: Trace) -> None:
    schema = json.loads((ROOT / "schema" / "trace.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(to_json(result), ensure_ascii=False)), schema)


def test_schema_file_is_regenerated_with_the_records() -> None:
    from naql.schema import trace_schema

    on_disk = json.loads((ROOT / "schema" / "trace.schema.json").read_text(encoding="utf-8"))
    assert on_disk == trace_schema(), (
        "records changed: run python -m naql.schema > schema/trace.schema.json"
    )


def test_every_story_has_a_named_origin_and_named_sources(result: Trace) -> None:
    by_members = {frozenset(short(a) for a in story.articles): story for story in result.stories}
    haftar = by_members[frozenset({"000#1", "001", "003", "004"})]
    sullivan = by_members[frozenset({"000#2"})]
    rais = by_members[frozenset({"002"})]
    assert haftar.sources == ["الشرق الأوسط"]
    # A one-article story crediting a source has that source as its origin, not in the pile.
    assert sullivan.origin_outlet == "بلومبرغ" and sullivan.sources == ["بلومبرغ"]
    assert rais.origin_outlet == "الشرق الأوسط" and rais.sources == ["الشرق الأوسط"]
    assert rais.origin == "hidden:aawsat"
    assert {e.kind for e in rais.edges} == {"credited"}
    assert all(s.independent_sources == len(s.sources) for s in result.stories)


def test_the_summary_names_outlets_never_internal_ids(result: Trace) -> None:
    from io import StringIO

    from rich.console import Console

    from naql.report.terminal import print_trace

    buffer = StringIO()
    print_trace(result, Console(file=buffer, width=400))
    assert "hidden:" not in buffer.getvalue()
    assert "بلومبرغ (not in the pile)" in buffer.getvalue()


def test_the_teaser_is_an_excerpt_without_metadata_too(tmp_path) -> None:
    """Without metadata.jsonl the teaser's outlet is read from its self-mention, and said."""
    for page in EXAMPLE.glob("*.txt"):
        (tmp_path / page.name).write_bytes(page.read_bytes())
    found = trace(read_articles([str(tmp_path)]).articles, cleaning=CleanConfig())
    articles = {short(a.id): a for a in found.articles}
    assert articles["000#1"].outlet == "الشرق الأوسط"
    assert "لـ«الشرق الأوسط»" in articles["000#1"].meta["outlet_from"]
    assert articles["000#2"].outlet == "الشرق الأوسط"  # the same page
    assert articles["001"].outlet is None and articles["003"].outlet is None
    haftar = next(s for s in found.stories if len(s.articles) == 4)
    into_teaser = {e.kind for e in haftar.edges if short(e.target) == "000#1"}
    assert into_teaser == {"excerpt"}
    verdicts = {short(v.article): v for v in found.verdicts}
    assert verdicts["000#1"].derivation == "excerpt"
    assert haftar.origin_outlet == "الشرق الأوسط" and haftar.sources == ["الشرق الأوسط"]
