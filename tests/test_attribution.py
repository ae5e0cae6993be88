"""Credits and their roles, on the seed pages and on hand-written patterns."""

from __future__ import annotations

import pytest

from naql import outlets
from naql.attribution import article_attributions, attributions
from naql.errors import ConfigError
from naql.records import Article

GAZETTEER = outlets.load()


def credits(text: str, outlet: str | None = None) -> set[tuple[str, str]]:
    found = article_attributions(Article(id="x", text=text, outlet=outlet), GAZETTEER)
    return {(a.outlet, a.role) for a in found}


def by_article(articles: list[Article]) -> dict[str, set[tuple[str, str]]]:
    result: dict[str, set[tuple[str, str]]] = {}
    for a in attributions(articles, GAZETTEER):
        result.setdefault(a.article, set()).add((a.name, a.role))
    return result


def test_seed_credits(haftar: list[Article]) -> None:
    outlets_of = {"000": "الشرق الأوسط", "002": "الرئيس نيوز", "004": "الأيام السورية"}
    pages = [Article(id=a.id, text=a.text, outlet=outlets_of.get(a.id)) for a in haftar]
    found = by_article(pages)
    assert found["001"] == {("الشرق الأوسط", "source"), ("سانا", "source"), ("الأناضول", "photo")}
    assert ("الشرق الأوسط", "source") in found["002"]
    assert not any(role == "source" and name != "الشرق الأوسط" for name, role in found["002"])
    assert ("الشرق الأوسط", "source") in found["003"]
    assert ("الشرق الأوسط", "source") in found["004"]
    # Page 000 holds two stories: the Haftar teaser names itself and credits Getty for the
    # photo; the Sullivan story credits Bloomberg and an AP photo.
    assert found["000"] == {
        ("الشرق الأوسط", "self"),
        ("غيتي", "photo"),
        ("بلومبرغ", "source"),
        ("أسوشيتد برس", "photo"),
    }


def test_every_credit_keeps_offsets_into_the_text(haftar: list[Article]) -> None:
    for credit in attributions(haftar, GAZETTEER):
        text = next(a.text for a in haftar if a.id == credit.article)
        mention = text[credit.span.start : credit.span.end]
        assert mention.strip() == mention and mention
        assert GAZETTEER.lookup(mention) is not None or mention[:1] in "وفبلك"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقال المتحدث حسب وكالة الأناضول إن الهجوم وقع فجرا.", {("anadolu", "source")}),
        ("وأضاف نقلا عن رويترز أن الأسعار ارتفعت.", {("reuters", "source")}),
        ("ذكرت صحيفة نيويورك تايمز أن الإدارة تدرس الخطة.", {("nytimes", "source")}),
        ("وقال مسؤول لـ«رويترز» إن الاتفاق قريب.", {("reuters", "source")}),
        ("الرياض - واس\nأعلنت الوزارة اليوم عن برنامج جديد.", {("spa", "source")}),
        ("واس- الرياض: أعلنت الوزارة اليوم عن برنامج جديد.", {("spa", "source")}),
        (
            "بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس\nيواصل المهرجان فعالياته.",
            {("spa", "source")},
        ),
        ("قتل ثلاثة أشخاص في انفجار بالعاصمة (أ ف ب).", {("afp", "source")}),
        ("The minister resigned on Monday, according to Reuters.", {("reuters", "source")}),
        ("Officials told The Washington Post that talks stalled.", {("washingtonpost", "source")}),
        ("Le ministre a démissionné, selon l'AFP.", {("afp", "source")}),
        ("متظاهرون في ساحة التحرير وسط القاهرة (إ ب أ)", {("epa", "photo")}),
        ("الرئيس خلال لقائه الوفد أمس - رويترز", {("reuters", "photo")}),
        ("زار الأمير مدينة الرياض اليوم والتقى المسؤولين في الوطن.", set()),
        ("وقالت صحيفة «الرياض» إن المشروع تأخر.", {("alriyadh", "source")}),
        # «سوق عكاظ» is the festival, whatever cue stands before it; «عكاظ» alone is the paper.
        ("وبين أن مساحة الموقع لمشروع خيمة سوق عكاظ تبلغ 7000 متر.", set()),
        ("وتحدث عن مستقبل سوق عكاظ ولسوق عكاظ جائزة.", set()),
        ("وأكدت مصادر لـ«عكاظ» أن العمل بدأ في سوق عكاظ.", {("okaz", "source")}),
        # Told X, X's poll, «وبحسب»: credits a dateline rule had caught only by the figures
        # standing on the line.
        ("وقال مسؤولون أمريكيون لرويترز إنهم يعتقدون أن عضوا قتل.", {("reuters", "source")}),
        (
            "وتقول الخبيرة من شركة استشارية لوكالة الصحافة الفرنسية إن السوق منقسمة.",
            {("afp", "source")},
        ),
        ("وأبلغ المتحدث باسم الشركة رويترز أن الموعد النهائي تحدد.", {("reuters", "source")}),
        ("وأظهر مسح لرويترز أن إنتاج أوبك ارتفع.", {("reuters", "source")}),
        ("وبحسب صحيفة واشنطن بوست، فإن الخطة تضع هدفا جديدا.", {("washingtonpost", "source")}),
        # Named on a line with figures, not at its edge beside a date: no dateline.
        (
            "لكن سهم الشرق الأوسط لصناعة الورق تراجع 5.1 % بعد هبوط أرباحه 58 %.",
            {("aawsat", "mention")},
        ),
        ("وفي أوروبا انخفض مؤشر فايننشال تايمز 100 البريطاني 1.5 %.", {("ft", "mention")}),
        # A glued «ل» with no speech before it is another word or another sense.
        ("أو قص لسانا، ومع دخول المرأة إلى العمل تغيرت أمور كثيرة.", {("sana", "mention")}),
        ("والتقى نائب مساعد الوزير للشرق الأوسط وفدا من 12 دولة.", {("aawsat", "mention")}),
    ],
)
def test_patterns(text: str, expected: set[tuple[str, str]]) -> None:
    assert credits(text) == expected


def test_own_outlet_is_self_not_a_credit() -> None:
    text = "أكدت مصادر لـ«الشرق الأوسط» أن الزيارة تمت سرا."
    assert credits(text, outlet="aawsat.com") == {("aawsat", "self")}
    assert credits(text) == {("aawsat", "source")}


def test_user_gazetteer_extends_the_builtin(tmp_path) -> None:
    extra = tmp_path / "outlets.json"
    extra.write_text(
        '{"outlets": [{"id": "hespress", "name": "هسبريس", "kind": "website", "aliases": ["هسبريس", "Hespress"]}]}',
        encoding="utf-8",
    )
    gazetteer = outlets.load(extra)
    found = article_attributions(
        Article(id="x", text="وذكرت هسبريس أن البرلمان صادق على القانون."), gazetteer
    )
    assert [(a.outlet, a.role) for a in found] == [("hespress", "source")]
    assert gazetteer.lookup("Hespress").id == "hespress"
    assert gazetteer.lookup("aawsat.com").id == "aawsat"


def test_a_latin_script_pile_names_outlets_in_latin() -> None:
    from naql.pipeline import trace

    articles = [
        Article(id="a", text="The central bank kept rates unchanged, according to Reuters."),
        Article(id="b", text="Le ministre a démissionné, selon l'AFP."),
    ]
    names = {(c.article, c.name, c.role) for c in trace(articles).attributions}
    assert names == {("a", "Reuters", "source"), ("b", "AFP", "source")}
    # An Arabic pile keeps the Arabic names, and matching is the same either way.
    assert outlets.load(latin_names=True).lookup("رويترز").name == "Reuters"
    assert outlets.load().lookup("Reuters").name == "رويترز"


def test_a_user_outlet_given_one_name_as_a_string_is_that_name(tmp_path) -> None:
    import json

    path = tmp_path / "outlets.json"
    entry = {"id": "mirsad", "name": "المرصد", "aliases": "المرصد", "part_of": "جبل المرصد"}
    path.write_text(json.dumps({"outlets": [entry]}, ensure_ascii=False), encoding="utf-8")
    gazetteer = outlets.load(path)
    found = {
        (c.outlet, c.role)
        for c in article_attributions(
            Article(id="a", text="وقال مصدر لـ«المرصد» إن الرحلة إلى جبل المرصد ألغيت."),
            gazetteer,
        )
    }
    assert found == {("mirsad", "source")}  # not one credit per letter, not the mountain
    path.write_text(json.dumps({"outlets": [{**entry, "aliases": [1, 2]}]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="aliases must be a name or a list of names"):
        outlets.load(path)
    # A print edition's URL pattern is checked when the file is read, not when a URL meets it.
    path.write_text(json.dumps({"outlets": [{**entry, "print_urls": "/Issues/(\\d{8}/"}]}))
    with pytest.raises(
        ConfigError, match=r"outlets\.json: outlet 'mirsad': print_urls pattern .* is not a regular"
    ):
        outlets.load(path)
    path.write_text(json.dumps({"outlets": [{**entry, "print_urls": "/Issues/\\d{8}/"}]}))
    assert outlets.load(path).outlets["mirsad"].print_urls == ("/Issues/\\d{8}/",)


def test_outlets_are_named_as_the_gazetteer_names_them() -> None:
    """A feed's ids (SaudiNewsNet's «was», «alwatan») and bare URLs read as the outlets' names;
    an outlet the gazetteer does not know keeps the name it was given."""
    from naql.attribution import named_outlets

    given = [
        Article(id="a", text="", outlet="was", url="http://www.spa.gov.sa/details.php?id=1"),
        Article(id="b", text="", outlet="alwatan", url="http://www.alwatan.com.sa/Local/x"),
        Article(id="c", text="", outlet=None, url="https://aawsat.com/home/article/1"),
        Article(id="d", text="", outlet="الرئيس نيوز"),
        Article(id="e", text="", outlet="Foo Daily", url="https://foo.example/1"),
        Article(id="f", text="", outlet="was", url="http://www.spa.gov.sa/details.php?id=2"),
    ]
    named = named_outlets(given, GAZETTEER)
    assert [a.outlet_name for a in named] == [
        "واس",
        "الوطن",
        "الشرق الأوسط",
        "الرئيس نيوز",
        None,
        "واس",
    ]
    assert [a.shown_outlet for a in named][3:5] == ["الرئيس نيوز", "Foo Daily"]
    assert [a.outlet for a in named] == [a.outlet for a in given]  # as given, kept
