"""Direction signals on small hand-made piles: dates, credits, agencies, siblings."""

from __future__ import annotations

from naql.config import Config, ProvenanceConfig
from naql.pipeline import trace
from naql.records import Article

WIRE = (
    "أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تستهدف أكثر من "
    "مليوني مستفيد في جميع مناطق المملكة خلال الأشهر الثلاثة المقبلة، وأوضح المتحدث الرسمي للوزارة "
    "أن الحملة تشمل كبار السن والحوامل والأطفال والمصابين بالأمراض المزمنة، وأن اللقاحات متوفرة "
    "مجانا في المراكز الصحية والمستشفيات الحكومية، داعيا المواطنين والمقيمين إلى المبادرة بأخذ "
    "اللقاح قبل بداية موسم الشتاء للحد من انتشار العدوى وتخفيف الضغط على المرافق الصحية."
)
EXTRA = (
    "\nوفي سياق متصل، قال استشاري الأمراض المعدية الدكتور سامي العتيبي إن نسبة الإقبال على "
    "التطعيم في العام الماضي لم تتجاوز أربعين في المئة، مطالبا بحملات توعية في المدارس والجامعات."
)


def edges_of(articles: list[Article], **provenance: bool) -> set[tuple[str, str, str]]:
    config = Config(provenance=ProvenanceConfig(**provenance))
    result = trace(articles, config)
    return {(e.source, e.target, e.kind) for s in result.stories for e in s.edges}


def test_an_agency_copy_is_the_source_of_a_paper_credited_or_not() -> None:
    agency = Article(id="spa", text="الرياض - واس\n" + WIRE, url="https://www.spa.gov.sa/1")
    paper = Article(id="paper", text=WIRE + EXTRA, url="https://www.okaz.com.sa/2")
    assert edges_of([paper, agency]) == {("spa", "paper", "copied")}


def test_a_credit_points_the_edge_at_the_credited_outlet() -> None:
    original = Article(id="aawsat", text=WIRE, url="https://aawsat.com/1")
    rewrite = Article(
        id="site", text="حسب صحيفة الشرق الأوسط،\n" + WIRE + EXTRA, url="https://example.org/2"
    )
    assert edges_of([rewrite, original]) == {("aawsat", "site", "copied")}


def test_trusted_dates_decide_and_untrusted_ones_do_not() -> None:
    first = Article(id="first", text=WIRE, date="2024-01-01 08:00", url="https://a.example/1")
    second = Article(
        id="second", text=WIRE + EXTRA, date="2024-01-01 12:00", url="https://b.example/2"
    )
    assert ("first", "second", "copied") in edges_of([second, first])
    without = edges_of([second, first], trust_dates=False)
    assert ("second", "first", "copied") not in without


def test_siblings_of_one_source_get_no_edge_between_them() -> None:
    agency = Article(id="spa", text=WIRE, url="https://www.spa.gov.sa/1")
    one = Article(id="one", text=WIRE + EXTRA, url="https://www.okaz.com.sa/2")
    two = Article(id="two", text="صرح مصدر مسؤول.\n" + WIRE, url="https://www.alriyadh.com/3")
    edges = edges_of([one, two, agency])
    assert {("spa", "one", "copied"), ("spa", "two", "copied")} <= edges
    assert not any({source, target} == {"one", "two"} for source, target, _ in edges)


def _suez(day: str, ships: int, tons: int, north: int, south: int) -> str:
    return (
        f"أعلنت هيئة قناة السويس اليوم {day} أن حركة الملاحة في القناة شهدت عبور {ships} سفينة "
        f"بإجمالي حمولات صافية بلغت {tons} ألف طن، وأوضحت الهيئة في بيان صحفي أن عدد السفن المتجهة "
        f"شمالا بلغ {north} سفينة فيما بلغ عدد السفن المتجهة جنوبا {south} سفينة من مختلف الأنواع "
        "والأحجام بينها ناقلات نفط وسفن حاويات وسفن بضائع عامة، مؤكدة انتظام حركة الملاحة في الاتجاهين."
    )


def test_same_wording_with_other_figures_is_a_template_not_a_copy() -> None:
    monday = Article(
        id="monday", text=_suez("الاثنين", 47, 2950, 24, 23), url="https://a.example/1"
    )
    tuesday = Article(
        id="tuesday", text=_suez("الثلاثاء", 52, 3110, 27, 25), url="https://b.example/2"
    )
    # Two days' reports cast in one formula are two events: two stories, no copy between them,
    # though their shared wording is still listed among the pairs.
    result = trace([monday, tuesday])
    assert sorted(len(s.articles) for s in result.stories) == [1, 1]
    assert not any(e.kind == "copied" for s in result.stories for e in s.edges)
    assert [(a.a, a.b) for a in result.alignments] == [("monday", "tuesday")]
    # The same item re-run with its figures is a copy.
    rerun = Article(
        id="rerun", text=_suez("الاثنين", 47, 2950, 24, 23) + EXTRA, url="https://c.example/3"
    )
    edges = edges_of([monday, rerun])
    assert any(kind in ("copied", "shared") for _, _, kind in edges)
    assert not any(kind == "template" for _, _, kind in edges)


def test_two_rewrites_crediting_an_absent_outlet_get_a_hidden_source() -> None:
    one = Article(id="one", text="ذكرت وكالة رويترز أن\n" + WIRE + EXTRA, url="https://a.example/1")
    two = Article(id="two", text="نقلا عن رويترز،\n" + WIRE, url="https://b.example/2")
    result = trace([one, two])
    story = next(s for s in result.stories if len(s.articles) == 2)
    assert story.origin == "hidden:reuters" and story.origin_outlet == "رويترز"
    assert story.independent_sources == 1
    assert [h.id for h in story.hidden] == ["hidden:reuters"]
    assert {(e.source, e.target) for e in story.edges} == {
        ("hidden:reuters", "one"),
        ("hidden:reuters", "two"),
    }
    assert "no article in the pile" in story.hidden[0].reason
