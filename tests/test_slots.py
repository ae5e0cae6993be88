"""Another day's bulletin: one wording whose slots (figures, weekdays, winds, regions) are
filled differently, a template rather than a copy, and two stories rather than one."""

from __future__ import annotations

import numpy as np
import pytest

from naql.align import TokenPassage
from naql.config import Config, ProvenanceConfig
from naql.pipeline import trace
from naql.places import gazetteer
from naql.records import Article
from naql.slots import slot_kinds, slots_disagree
from naql.stories.topical import number_stems
from naql.text import Tokens, Vocabulary, words

# Written for these tests in the form of a daily forecast; {day}, {winds}, {waves}, {region}
# and {rain} are what changes from one day to the next.
BULLETIN = (
    "توقعت الرئاسة العامة للأرصاد وحماية البيئة في تقريرها عن حالة الطقس لهذا اليوم {day} "
    "طقسا شديد الحرارة على شرق ووسط المملكة ومعتدلا على المرتفعات، مع فرصة لتكون السحب "
    "الرعدية الممطرة على مرتفعات {rain} فترة ما بعد الظهيرة. وأوضح التقرير أن حركة الرياح "
    "السطحية على البحر الأحمر {winds} بسرعة {waves} كم/ساعة، وارتفاع الموج من متر إلى متر "
    "ونصف، وحالة البحر خفيف إلى متوسط الموج. أما الخليج العربي فالرياح السطحية عليه شمالية "
    "غربية بسرعة 20 - 40 كم/ساعة في منطقة {region}، وحالة البحر متوسط الموج."
)
MONDAY = BULLETIN.format(
    day="الاثنين", rain="جازان وعسير", winds="شمالية", waves="18 - 38", region="الشرقية"
)
TUESDAY = BULLETIN.format(
    day="الثلاثاء", rain="جازان وعسير", winds="جنوبية", waves="15 - 35", region="الجوف"
)
# A paper's copy of Monday's: «اليوم» now «أمس», one figure written another way, a line cut.
MONDAY_COPY = MONDAY.replace("لهذا اليوم", "أمس").replace("18 - 38", "18-38")


def _judged(a: str, b: str, density: float = 0.9) -> tuple[str, str] | None:
    vocabulary = Vocabulary()
    docs = []
    for text in (a, b):
        found = words(text)
        ids, stop = vocabulary.encode(found.forms)
        docs.append(Tokens(ids, stop, found.starts.astype(np.int32), found.ends.astype(np.int32)))
    is_number = number_stems(vocabulary)
    kinds = slot_kinds(vocabulary, is_number, gazetteer().stem_index(docs, vocabulary).mask)
    whole = TokenPassage(0, 1, 0, len(docs[0]) - 1, 0, len(docs[1]) - 1, len(docs[0]), density)
    return slots_disagree(a, b, docs[0], docs[1], [whole], kinds, vocabulary.stems)


def test_two_days_bulletins_swap_their_slots_in_place() -> None:
    found = _judged(MONDAY, TUESDAY)
    assert found is not None
    monday, tuesday = found
    for word in ("الاثنين", "شمالية", "18 - 38"):
        assert word in monday
    for word in ("الثلاثاء", "جنوبية", "15 - 35"):
        assert word in tuesday


def test_a_copy_that_rewords_its_dateline_and_writes_a_figure_another_way_keeps_its_slots() -> None:
    assert _judged(MONDAY, MONDAY_COPY) is None


def test_one_slot_kind_alone_is_no_other_day() -> None:
    """Two updates of one day's report differ in their figures only (prices at two hours)."""
    first = "ارتفع سعر الذهب اليوم الاثنين إلى 1090 دولارا للأوقية بعد أن سجل 1085 دولارا ثم 1087"
    later = "ارتفع سعر الذهب اليوم الاثنين إلى 1094 دولارا للأوقية بعد أن سجل 1082 دولارا ثم 1089"
    assert _judged(first, later) is None


def test_a_name_spelled_two_ways_or_a_loose_alignment_is_no_swap() -> None:
    a = "قالت الخارجية الأمريكية يوم الاثنين إن الرياح الشمالية أخرت 3 رحلات إلى 5 مدن"
    b = "قالت الخارجية الأميركية يوم الاثنين إن الرياح الشمالية أخرت 3 رحلات إلى 5 مدن"
    assert _judged(a, b) is None
    assert _judged(MONDAY, TUESDAY, density=0.5) is None  # two reports written apart


# Written for these tests in the form of an interior ministry's execution statement; what
# changes from one convict to the next is the name, the nationality, the day and the town.
STATEMENT = (
    "أصدرت وزارة الداخلية اليوم بيانا بشأن تنفيذ حكم القتل تعزيرا في مهرب مخدرات بمنطقة "
    "الرياض، وفيما يلي نصه: بفضل من الله تم القبض على المدعو {name} - {nationality} الجنسية - "
    "إثر قيامه بتهريب كمية كبيرة من المخدرات، وأسفر التحقيق معه عن اتهامه بما نسب إليه، "
    "وبإحالته إلى المحكمة العامة صدر بحقه صك شرعي يتضمن ثبوت إدانته والحكم بقتله تعزيرا، "
    "وصدق الحكم من محكمة الاستئناف ومن المحكمة العليا. وقد تم تنفيذ حكم القتل في الجاني "
    "{name} اليوم {day} بمحافظة {town}. ووزارة الداخلية إذ تعلن ذلك لتحذر كل من يقدم على "
    "ذلك بأن العقاب الشرعي سيكون مصيره."
)
SYRIAN = STATEMENT.format(name="قاسم محمد الهلال", nationality="سوري", day="الخميس", town="حريملاء")
PAKISTANI = STATEMENT.format(
    name="شاه فيصل عظيم شاه", nationality="باكستاني", day="الخميس", town="ثادق"
)


def test_two_convicts_of_one_statement_are_two_events_by_their_nationality() -> None:
    """Nothing of the four slot kinds differs (one day, one region): the nationality beside
    «الجنسية», swapped in a run too long to be a slot since the name went with it, does."""
    found = _judged(SYRIAN, PAKISTANI)
    assert found is not None
    assert "سوري" in found[0] and "باكستاني" in found[1]
    # A paper's rewrite names it once, the other way round («الجنسية السورية»).
    paper = (
        "نفذت وزارة الداخلية أمس حكم القتل تعزيرا في مهرب مخدرات يحمل الجنسية السورية إثر "
        "قيامه بتهريب كمية كبيرة من المخدرات، وأسفر التحقيق معه عن اتهامه بما نسب إليه"
    )
    other = paper.replace("السورية", "الباكستانية")
    assert _judged(paper, other) == ("السورية", "الباكستانية")


def test_a_rewrite_of_one_statement_keeps_its_nationality() -> None:
    copy = SYRIAN.replace("اليوم", "أمس").replace(
        "وصدق الحكم من محكمة الاستئناف ومن المحكمة العليا. ", ""
    )
    assert _judged(SYRIAN, copy) is None
    # Two convicts named in another order: each nationality is in both texts.
    both = "ضبط المدعو أحمد - يمني الجنسية - والمدعو خالد - سوري الجنسية - في جدة"
    swapped = "ضبط المدعو خالد - سوري الجنسية - والمدعو أحمد - يمني الجنسية - في جدة"
    assert _judged(both, swapped) is None
    # Beside «الجنسية» but no nationality: the verb before it, the day after it.
    held = "قال إنه يحمل الجنسية منذ عام مضى، وإنه غادر الجنسية اليوم إلى جدة"
    assert _judged(held, held.replace("يحمل", "نال").replace("اليوم", "الخميس")) is None


@pytest.mark.parametrize(
    ("first", "second", "copied"),
    [
        (MONDAY, TUESDAY, ("لهذا اليوم", "أمس")),  # another day's bulletin
        (SYRIAN, PAKISTANI, ("اليوم", "أمس")),  # another convict of one day
    ],
    ids=["bulletins", "executions"],
)
def test_two_events_of_one_formula_and_their_copies_are_two_stories(
    first: str, second: str, copied: tuple[str, str]
) -> None:
    """Each event's agency item and a paper's copy of it the next day are one story; the
    two events are two, though each item shares nearly all its words with the other."""
    articles = [
        Article(id="spa-first", text=first, outlet="spa", date="2015-07-20"),
        Article(id="paper-first", text=first.replace(*copied), outlet="paper", date="2015-07-21"),
        Article(id="spa-second", text=second, outlet="spa", date="2015-07-21"),
        Article(id="paper-second", text=second.replace(*copied), outlet="paper", date="2015-07-22"),
    ]
    result = trace(articles, Config(provenance=ProvenanceConfig(trust_dates=False)))
    stories = sorted(sorted(story.articles) for story in result.stories)
    assert stories == [["paper-first", "spa-first"], ["paper-second", "spa-second"]]
    # Each story says which story it is kept apart from, and why, its own slot words first.
    by_id = {story.id: story for story in result.stories}
    for story in result.stories:
        (apart,) = story.kept_apart
        assert apart.reason == "template" and apart.article in story.articles
        assert apart.other in by_id[apart.story].articles and apart.story != story.id
        mine = apart.detail.split("«")[1].split("»")[0]
        assert mine.split("; ")[0] in next(a.text for a in articles if a.id == apart.article)
