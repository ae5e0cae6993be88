"""Places in one slot of a shared formula: two instances of a template, not one event."""

from __future__ import annotations

import numpy as np

from naql.places import Places, gazetteer, places_disagree
from naql.text import Tokens, Vocabulary, words
from naql.text.normalize import normalize

CABLE = (
    "بعث خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود برقية تهنئة لفخامة الرئيس {who} "
    "رئيس جمهورية {country} بمناسبة ذكرى استقلال بلاده. وأعرب الملك المفدى باسمه واسم شعب وحكومة "
    "المملكة العربية السعودية عن أصدق التهاني وأطيب التمنيات بموفور الصحة والسعادة لفخامته "
    "ولحكومة وشعب {country} الصديق المزيد من التقدم والازدهار."
)
CONDOLENCE = (
    "تلقى خادم الحرمين الشريفين اتصالا هاتفيا من {who} عبر فيه عن إدانة {country} للتفجير الإرهابي "
    "الذي استهدف مسجد قوات الطوارئ في منطقة عسير، وقدم التعازي لأسر الضحايا."
)


def _tokens(texts: list[str]) -> tuple[list[Tokens], Vocabulary]:
    vocabulary = Vocabulary()
    docs = []
    for text in texts:
        found = words(text)
        ids, stop = vocabulary.encode(found.forms)
        docs.append(Tokens(ids, stop, found.starts.astype(np.int32), found.ends.astype(np.int32)))
    return docs, vocabulary


def _whole(a: Tokens, b: Tokens) -> list[tuple[int, int, int, int]]:
    return [(0, len(a) - 1, 0, len(b) - 1)]


# A pile's other texts, whose papers name their own country everywhere: «السعودية» says
# nothing of which event a text reports.
HOME = ["أعلنت وزارة الصحة في المملكة العربية السعودية اليوم أرقاما جديدة"] * 30


def _judged(a: str, b: str, others: list[str], index: bool = True) -> tuple[str, str] | None:
    """places_disagree of ``a`` and ``b`` over the whole of both, in a pile with ``others``."""
    docs, vocabulary = _tokens([a, b, *others])
    stems = gazetteer().stem_index(docs, vocabulary) if index else None
    return places_disagree(a, b, docs[0], docs[1], _whole(docs[0], docs[1]), index=stems)


def _named(places: Places, text: str, name: str) -> bool:
    number = next(k for k, place in enumerate(places.places) if place.name == name)
    return places.named_in(normalize(text), number)


def test_names_are_read_with_their_clitics_and_spellings_not_as_other_words() -> None:
    places = gazetteer()
    assert _named(places, "وشعب كوت\nديفوار الصديق", "كوت ديفوار")
    assert _named(places, "رئيس ساحل العاج", "كوت ديفوار")  # another spelling, one place
    assert _named(places, "وصل إلى بالرياض أمس", "منطقة الرياض")
    assert _named(places, "أمير منطقة عسير في أبها", "منطقة عسير")  # a town stands for its region
    assert _named(places, "ولمصر", "مصر")
    assert not _named(places, "وزير الخارجية المصري", "مصر")  # a demonym is no place
    # ... but a country's formal name built on one is its name, as a cable writes it.
    assert _named(places, "رئيس الجمهورية التونسية", "تونس")
    assert _named(places, "ولحكومة وشعب المملكة الأردنية الهاشمية", "الأردن")
    assert not _named(places, "الرئيس التونسي", "تونس")
    assert not _named(places, "شاطئ البحر الأحمر", "البحرين")  # the stem would say so
    assert not _named(places, "مدارس البنين والبنات", "جمهورية بنين")


def test_one_cable_to_two_countries_is_a_template_once_the_pile_tells_its_own_country() -> None:
    a = CABLE.format(who="الحسن واتارا", country="كوت ديفوار")
    b = CABLE.format(who="ميشيل كافاندو", country="بوركينا فاسو")
    assert _judged(a, b, HOME) == ("كوت ديفوار", "بوركينا فاسو")
    # Two copies of one cable (one spells the country otherwise) are no template.
    assert _judged(a, a.replace("كوت ديفوار", "ساحل العاج"), HOME) is None
    # A cable to a country the formula names by its formal name (SaudiNewsNet: Tunisia's
    # and Egypt's of one week, one story of 35 with the Maldives' before this was read).
    tunisia = CABLE.format(who="الباجي قايد السبسي", country="الجمهورية التونسية").replace(
        "جمهورية الجمهورية", "الجمهورية"
    )
    assert _judged(tunisia, b, HOME) == ("تونس", "بوركينا فاسو")
    # A slot whose edit comes out as two steps: «مصر» inserted, «كولومبيا» replaced by
    # «العربية» (SaudiNewsNet, 22 July: Colombia's and Egypt's cables in one story).
    colombia = CABLE.format(who="خوان مانويل سانتوس", country="كولومبيا")
    egypt = CABLE.format(who="عبدالفتاح السيسي", country="مصر العربية")
    assert _judged(colombia, egypt, HOME) == ("كولومبيا", "مصر")
    # In a pile of two, nothing is named everywhere: both name Saudi Arabia, and that is
    # taken as one event seen from two places (the safe side: no split).
    assert _judged(a, b, []) is None


def test_reactions_from_two_countries_to_one_attack_are_one_event() -> None:
    a = CONDOLENCE.format(who="العاهل المغربي الملك محمد السادس", country="المغرب")
    b = CONDOLENCE.format(who="عاهل البحرين الملك حمد بن عيسى", country="البحرين")
    # Without the pile's look (no third place checked), the slot alone says template...
    assert _judged(a, b, HOME, index=False) == ("المغرب", "البحرين")
    # ... but both name Asir, where the attack was: one event, two reactions.
    assert _judged(a, b, HOME) is None


def test_a_place_one_side_adds_or_both_name_is_no_slot() -> None:
    a = "أعلن المتحدث الأمني أن الجهات المختصة نفذت حكم القتل قصاصا بأحد الجناة اليوم الأحد"
    b = "أعلن المتحدث الأمني أن الجهات المختصة في منطقة جازان نفذت حكم القتل قصاصا بأحد الجناة"
    docs, _ = _tokens([a, b])
    assert places_disagree(a, b, docs[0], docs[1], _whole(docs[0], docs[1])) is None
    c = "نفذ حكم القتل في منطقة جازان بحق جان، وفي الرياض قالت الوزارة إن الحكم نهائي"
    d = "نفذ حكم القتل في مدينة الرياض بحق جان، وفي جازان قالت الوزارة إن الحكم نهائي"
    docs, _ = _tokens([c, d])
    assert places_disagree(c, d, docs[0], docs[1], _whole(docs[0], docs[1])) is None
