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


def test_the_layout_of_shared_text_alone_does_not_say_who_copied() -> None:
    # Text scattered among other material in one article and contiguous in the other is what a
    # copier adding to its source leaves, and what a copier cutting its source's middle leaves
    # the other way round: with no credit, agency or trusted date, the direction is unknown.
    head, tail = WIRE.split("، وأوضح")
    plain = Article(id="plain", text=WIRE, date="2024-01-01 08:00", url="https://a.example/1")
    mixed = Article(
        id="mixed",
        text=head + "." + EXTRA + "\nوأوضح" + tail,
        date="2024-01-01 12:00",
        url="https://b.example/2",
    )
    assert {kind for *_, kind in edges_of([mixed, plain], trust_dates=False)} == {"shared"}
    assert edges_of([mixed, plain]) == {("plain", "mixed", "copied")}


def test_a_paper_crediting_another_agency_is_not_drawn_from_this_one() -> None:
    # The paper says its wire copy is Reuters'; the SPA item shares that text because SPA ran
    # the wire too. Without the paper's credit, the agency item would be its source.
    agency = Article(id="spa", text=WIRE, url="https://www.spa.gov.sa/1")
    credited = Article(
        id="paper", text="لندن - رويترز\n" + WIRE + EXTRA, url="https://okaz.com.sa/2"
    )
    assert ("spa", "paper", "copied") not in edges_of([credited, agency])
    bare = Article(id="paper", text=WIRE + EXTRA, url="https://www.okaz.com.sa/2")
    assert ("spa", "paper", "copied") in edges_of([bare, agency])


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


def test_a_source_whose_text_a_larger_source_gave_too_is_not_drawn() -> None:
    # An agency's continuation item repeats the lead of its first part; a paper ran the first
    # part whole. What the paper shares with the continuation is that lead, which the first
    # part gave it too: one source, not two.
    lead = WIRE.split("،")[0]
    more = (
        "\nوأضاف المتحدث أن الوزارة ستنشر جدولا أسبوعيا بمواعيد الحملات الميدانية في الأحياء "
        "والمدارس، وستخصص فرقا متنقلة لزيارة القرى والهجر البعيدة عن المراكز الصحية، إلى جانب "
        "خدمة حجز المواعيد إلكترونيا عبر التطبيق الرسمي للوزارة طوال أيام الأسبوع."
    )
    first = Article(id="spa1", text=WIRE, url="https://www.spa.gov.sa/1")
    second = Article(id="spa2", text=lead + "." + more, url="https://www.spa.gov.sa/2")
    paper = Article(id="paper", text="الرياض (واس)\n" + WIRE + EXTRA, url="https://okaz.com.sa/3")
    config = Config(provenance=ProvenanceConfig(trust_dates=False))
    result = trace([paper, first, second], config)
    aligned = {frozenset((a.a, a.b)) for a in result.alignments}
    assert frozenset(("spa2", "paper")) in aligned  # the lead is found in both
    edges = {(e.source, e.target, e.kind) for s in result.stories for e in s.edges}
    assert ("spa1", "paper", "copied") in edges
    assert not any(source == "spa2" and target == "paper" for source, target, _ in edges)


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


def test_a_re_run_of_an_item_crediting_an_absent_outlet_copies_the_item() -> None:
    # SPA runs a Reuters item, credited; a paper re-runs SPA's text, credit and all, and says
    # «واس» besides; another site runs Reuters itself. Reuters, not in the pile, is behind SPA
    # and the site; the paper copied SPA.
    spa = Article(id="spa", text="نقلا عن رويترز،\n" + WIRE, url="https://www.spa.gov.sa/1")
    paper = Article(
        id="paper",
        text="الرياض - واس\nنقلا عن رويترز،\n" + WIRE + EXTRA,
        url="https://www.okaz.com.sa/2",
    )
    site = Article(id="site", text="ذكرت وكالة رويترز أن\n" + WIRE, url="https://b.example/3")
    result = trace([spa, paper, site])
    story = next(s for s in result.stories if len(s.articles) == 3)
    edges = {(e.source, e.target, e.kind) for e in story.edges}
    assert ("spa", "paper", "copied") in edges
    assert {("hidden:reuters", "spa", "copied"), ("hidden:reuters", "site", "copied")} <= edges
    assert not any(target == "paper" for source, target, _ in edges if source.startswith("hidden"))


def _with(clause: str, after: str) -> str:
    """WIRE with ``clause`` inserted right after the words ``after``."""
    at = WIRE.index(after) + len(after)
    return WIRE[:at] + " " + clause + WIRE[at:]


OWN_A = "بحضور وكيل الوزارة للشؤون الوقائية الدكتور عبدالله عسيري"
OWN_B = "وبتكلفة إجمالية بلغت 45 مليون ريال تتحملها الميزانية"


def test_each_side_having_what_the_other_lacks_is_a_common_source_not_a_copy() -> None:
    one = Article(
        id="okaz", text=_with(OWN_A, "الأشهر الثلاثة المقبلة،"), url="https://www.okaz.com.sa/1"
    )
    two = Article(
        id="riyadh", text=_with(OWN_B, "والمستشفيات الحكومية،"), url="https://www.alriyadh.com/2"
    )
    result = trace([one, two])
    story = next(s for s in result.stories if len(s.articles) == 2)
    assert not any(e.kind == "copied" and e.source in ("okaz", "riyadh") for e in story.edges)
    [node] = story.hidden
    assert node.outlet is None and "not in the pile" in node.name
    # Named by who ran it, as a reader says it; the articles are what it explains.
    assert node.name.endswith("behind عكاظ and الرياض") and node.explains == ["okaz", "riyadh"]
    assert {(e.source, e.target) for e in story.edges} == {(node.id, "okaz"), (node.id, "riyadh")}
    texts = {a.id: a.text for a in result.articles}
    alone = {k: " ".join(texts[k][s.start : s.end] for s in v) for k, v in node.alone.items()}
    assert "عبدالله عسيري" in alone["okaz"] and "45" in alone["riyadh"]
    assert story.origin == node.id and story.independent_sources == 1


def test_a_copy_with_nothing_of_its_own_inside_the_passage_stays_a_copy() -> None:
    fuller = Article(
        id="okaz",
        text=_with(OWN_A, "الأشهر الثلاثة المقبلة،") + EXTRA,
        url="https://www.okaz.com.sa/1",
    )
    trimmed = Article(id="riyadh", text=WIRE, url="https://www.alriyadh.com/2")
    result = trace([fuller, trimmed])
    assert not any(s.hidden for s in result.stories)


def test_a_paper_fuller_than_the_agency_item_drew_on_the_agency_fuller_version() -> None:
    agency = Article(id="spa", text="الرياض - واس\n" + WIRE, url="https://www.spa.gov.sa/1")
    paper = Article(
        id="paper",
        text=_with(OWN_B, "والمستشفيات الحكومية،") + EXTRA,
        url="https://www.okaz.com.sa/2",
    )
    result = trace([agency, paper])
    story = next(s for s in result.stories if len(s.articles) == 2)
    [node] = story.hidden
    assert node.outlet == "spa" and "fuller version" in node.name
    assert {(e.target, e.kind) for e in story.edges} == {("spa", "excerpt"), ("paper", "copied")}
    assert story.origin_outlet == "واس" and story.sources == ["واس"]
    # Crediting the agency, the same paper re-ran this item: a copy.
    credited = Article(
        id="paper", text="الرياض - واس\n" + paper.text, url="https://www.okaz.com.sa/2"
    )
    edges = edges_of([agency, credited])
    assert ("spa", "paper", "copied") in edges


def test_a_shorter_paper_with_a_clause_the_item_lacks_drew_on_the_fuller_version() -> None:
    """The paper keeps a clause inside the shared text that SPA's item cut, and runs none of
    the item's later paragraph: shorter, it still cannot have taken the clause from the item
    (a paper's re-run with nothing of its own there stays a copy: the test above)."""
    agency = Article(
        id="spa", text="الرياض - واس\n" + WIRE + EXTRA + EXTRA, url="https://www.spa.gov.sa/1"
    )
    paper = Article(
        id="paper", text=_with(OWN_B, "والمستشفيات الحكومية،"), url="https://www.okaz.com.sa/2"
    )
    assert len(paper.text.split()) < len(agency.text.split())
    result = trace([agency, paper])
    story = next(s for s in result.stories if len(s.articles) == 2)
    [node] = story.hidden
    assert node.outlet == "spa" and "fuller version" in node.name
    assert {(e.target, e.kind) for e in story.edges} == {("spa", "excerpt"), ("paper", "copied")}
    plain = Article(id="paper", text=WIRE, url="https://www.okaz.com.sa/2")
    assert ("spa", "paper", "copied") in edges_of([agency, plain])


def test_two_days_sharing_only_a_formula_are_two_stories_and_one_day_is_one() -> None:
    formula = (
        "وأوضح المتحدث الرسمي للنادي أن الفريق يواصل تحضيراته للموسم الجديد في معسكره الخارجي "
        "تحت إشراف الجهاز الفني بقيادة المدرب الروماني، وأن الإدارة حريصة على توفير كل سبل "
        "النجاح للاعبين قبل انطلاق الدوري، مؤكدا أن المعسكر يسير وفق البرنامج المعد له سلفا."
    )
    monday = (
        "خاض الفريق الأول لكرة القدم مساء الاثنين مباراة ودية أمام نادي سالزبورغ النمساوي انتهت "
        "بفوزه بهدفين نظيفين سجلهما المهاجم البرازيلي والظهير الأيسر في الشوط الثاني، وشارك "
        "الحارس الاحتياطي في المباراة كاملة بعد تعافيه من الإصابة التي لحقت به في الركبة.\n"
        + formula
    )
    wednesday = (
        "أجرى الفريق الأول تدريبا صباحيا الأربعاء ركز فيه الجهاز الفني على الجوانب اللياقية "
        "والتكتيكية، وغاب عن الحصة لاعب الوسط بسبب الإنفلونزا فيما خضع قائد الفريق لبرنامج "
        "علاجي خاص في العيادة الطبية، وتقرر منح اللاعبين راحة يوم الخميس قبل السفر إلى ميونخ.\n"
        + formula
    )
    first = Article(id="mon", text=monday, url="https://a.example/1", date="2015-08-03")
    second = Article(id="wed", text=wednesday, url="https://b.example/2", date="2015-08-05")
    result = trace([first, second], Config(provenance=ProvenanceConfig(trust_dates=False)))
    assert sorted(len(s.articles) for s in result.stories) == [1, 1]
    same_day = Article(id="wed", text=wednesday, url="https://b.example/2", date="2015-08-03")
    result = trace([first, same_day], Config(provenance=ProvenanceConfig(trust_dates=False)))
    assert [len(s.articles) for s in result.stories] == [2]


def test_the_article_made_of_the_shared_passage_names_its_source() -> None:
    # A paper runs SPA's item; a roundup runs the same item among paragraphs it credits to
    # AFP. Who copied whom is unknown, so the two credits stand for one source: the one the
    # item credits, whose text is the shared passage, not the roundup's, whose credits go
    # with its other paragraphs.
    other = (
        "\nوفي دمشق، قال مصدر عسكري إن القوات الحكومية استعادت السيطرة على ثلاث قرى في ريف "
        "حماة الشمالي بعد معارك عنيفة استمرت أياما مع فصائل المعارضة المسلحة، مضيفا أن وحدات "
        "الهندسة تعمل على تفكيك الألغام التي زرعت في الطرقات والمنازل قبل عودة الأهالي. (أ ف ب)"
        "\nوفي بيروت، أعلن الجيش اللبناني توقيف خمسة أشخاص يشتبه بانتمائهم إلى خلية كانت تخطط "
        "لتنفيذ تفجيرات في العاصمة، وضبط كميات من المتفجرات والأسلحة في شقة بالضاحية. (أ ف ب)"
    )
    item = Article(id="item", text="الرياض - واس\n" + WIRE, url="https://sabq.org/1")
    roundup = Article(id="roundup", text=WIRE + other, url="https://www.alriyadh.com/2")
    for pile in ([item, roundup], [roundup, item]):
        [story] = [s for s in trace(pile).stories if len(s.articles) == 2]
        edges = {(e.source, e.target, e.kind) for e in story.edges}
        assert {("hidden:spa", "item", "credited"), ("hidden:afp", "roundup", "credited")} <= edges
        assert story.independent_sources == 1
        assert story.sources == ["واس"] and story.origin == "hidden:spa"


SPA_DATELINE = "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\n"


def test_a_print_issue_set_before_the_agency_item_was_out_ran_the_release_too() -> None:
    # The timestamps are crawl times (untrusted); the pages date themselves: SPA's item was
    # issued on 10 August, Okaz's print issue of the 10th was set on the 9th.
    agency = Article(id="spa", text=SPA_DATELINE + WIRE, url="https://www.spa.gov.sa/d.php?id=1")
    issue = "https://www.okaz.com.sa/new/Issues/{}/Con1.htm"
    same_day = Article(id="okaz", text=WIRE + EXTRA, url=issue.format("20150810"))
    result = trace([agency, same_day], Config(provenance=ProvenanceConfig(trust_dates=False)))
    [story] = result.stories
    [node] = story.hidden
    assert {(e.source, e.target, e.kind) for e in story.edges} == {
        (node.id, "spa", "copied"),
        (node.id, "okaz", "copied"),
    }
    # Not the agency's fuller version: the paper never saw the agency's copy.
    assert node.outlet is None and "not in the pile" in node.name
    assert "2015-08-09" in node.reason and "2015-08-10" in node.reason
    # The next day's issue could have re-run the item, and did.
    next_day = Article(id="okaz", text=WIRE + EXTRA, url=issue.format("20150811"))
    assert edges_of([agency, next_day], trust_dates=False) == {("spa", "okaz", "copied")}


def test_a_credit_is_not_followed_to_a_page_that_was_out_after_the_copy_was_written() -> None:
    # Okaz's print issue of the 5th credits Aleqtisadiya, whose page went online on the 6th:
    # Okaz did not copy that page (a credit to the paper, not to this article of it).
    online = Article(id="aleqt", text=WIRE, url="https://www.aleqt.com/2015/08/06/article_1.html")
    credited = "حسب صحيفة الاقتصادية،\n" + WIRE + EXTRA
    early = Article(
        id="okaz", text=credited, url="https://www.okaz.com.sa/new/Issues/20150805/C.htm"
    )
    assert edges_of([online, early], trust_dates=False) == {
        ("aleqt", "okaz", "shared"),
        ("hidden:aleqtisadiya", "okaz", "credited"),
    }
    later = Article(
        id="okaz", text=credited, url="https://www.okaz.com.sa/new/Issues/20150807/C.htm"
    )
    assert edges_of([online, later], trust_dates=False) == {("aleqt", "okaz", "copied")}


def test_a_page_crawled_before_the_agency_item_was_issued_did_not_copy_it() -> None:
    # Crawl times are not publication times, but a page existed when it was crawled.
    agency = Article(
        id="spa",
        text=SPA_DATELINE + WIRE,
        url="https://www.spa.gov.sa/d.php?id=1",
        date="2015-08-10 20:00:00",
    )
    crawled = "https://www.alriyadh.com/{}"
    before = Article(id="paper", text=WIRE + EXTRA, url=crawled.format(1), date="2015-08-09 13:00")
    result = trace([agency, before], Config(provenance=ProvenanceConfig(trust_dates=False)))
    [story] = result.stories
    assert {(e.target, e.kind) for e in story.edges} == {("spa", "copied"), ("paper", "copied")}
    assert all(e.source.startswith("hidden:") for e in story.edges)
    after = Article(id="paper", text=WIRE + EXTRA, url=crawled.format(1), date="2015-08-10 23:00")
    assert edges_of([agency, after], trust_dates=False) == {("spa", "paper", "copied")}


def test_a_common_source_of_many_is_named_by_their_outlets() -> None:
    from naql.outlets import load
    from naql.provenance.facts import Facts, StoryInput
    from naql.provenance.hidden import _behind

    ids = ["okaz", "okaz-2", "riyadh", "spa", "jazirah", "eqt", "blog"]
    outlets = ["okaz", "okaz", "alriyadh", "spa", "aljazirah", "aleqtisadiya", None]
    story = StoryInput(
        members=list(range(len(ids))),
        articles=[Article(id=i, text="") for i in ids],
        tokens=[],
        passages={},
        attributions={},
        gazetteer=load(),
        story_id="s1",
        label="",
        trust_dates=False,
        to_passage=lambda passage: passage,  # type: ignore[arg-type,return-value]
    )
    facts = Facts(outlet=dict(enumerate(outlets)))
    assert _behind(story.members, story, facts) == (
        "7 articles: عكاظ, الرياض, واس, الجزيرة (السعودية) and 2 more outlets"
    )
    assert _behind([0, 1], story, facts) == "two articles of عكاظ"
    assert _behind([5, 6], story, facts) == "الاقتصادية and blog"
