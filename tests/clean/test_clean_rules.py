"""The rules one line at a time: the built-in chrome list, captions, dates, bylines, the config."""

from __future__ import annotations

import pytest

from naql.clean import CleanConfig, clean_articles
from naql.clean.dates import date_line
from naql.clean.meta import Bylines, gazetteer
from naql.clean.rules import builtin_reason, caption_credit
from naql.errors import ConfigError
from naql.records import Article
from naql.text import normalize


def key(line: str) -> str:
    return " ".join(normalize(line).split())


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("اترك رد", "comment box"),
        ("اترك تعليقاً", "comment box"),
        ("لن يتم نشر عنوان بريدك الإلكتروني.", "comment box"),
        ("لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *", "comment box"),
        ("Leave a Reply", "comment box"),
        ("Your email address will not be published. Required fields are marked *", "comment box"),
        ('اقرأ أيضا: اتفاق بين حكومة "الثني" و"الأسد" على افتتاح بعثات دبلوماسية', "read also"),
        ("إقرأ أيضاً", "read also"),
        ("Read also: the talks in Berlin", "read also"),
        ("المزيد....", "read more"),
        ("...المزيد", "read more"),
        ("اقرأ المزيد", "read more"),
        ("Read more", "read more"),
        ("رئيس التحرير", "editor"),
        ("رئيس التحرير: شيماء جلال", "editor"),
        ("عاجل", "breaking"),
        ("Breaking News", "breaking"),
        ("عرب وعالم", "section"),
        ("سياسة عربية", "section"),
        ("الرئيسية » أخبار » سياسة", "section"),
        ("TT", "font-size button"),
        ("0", "counter"),
        ("فيسبوك تويتر واتساب", "share buttons"),
        ("Share on Facebook", "share buttons"),
        ("جميع الحقوق محفوظة © 2024 الرئيس نيوز", "copyright"),
        ("All rights reserved", "copyright"),
        ("تابعونا على تويتر", "follow us"),
        ("الوسوم: ليبيا، حفتر، دمشق", "tags"),
        ("Next Previous", "navigation"),
    ],
)
def test_builtin_chrome(line: str, reason: str) -> None:
    assert builtin_reason(key(line)) == reason


@pytest.mark.parametrize(
    "line",
    [
        # Chrome words inside real sentences are not chrome: patterns cover whole lines only.
        "وقال المصدر إن المزيد من القوات سيصل إلى طرابلس خلال الأيام المقبلة",
        "اقرأ أيضا ما كتبه المحللون عن الزيارة السرية إلى دمشق قبل أسبوع.",
        "عاجل: حفتر يصل إلى دمشق",
        "رئيس التحرير الجديد يتسلم مهامه",
        "تهديدات أمريكية تركية",  # a subheading of 002
        "لعب كل الأوراق",  # a subheading of 003
        "2020",
        "مصدر الشرق الأوسط",
    ],
)
def test_not_builtin_chrome(line: str) -> None:
    assert builtin_reason(key(line)) is None


BYLINES = Bylines(gazetteer())


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        (
            "الرئيس ماكرون والمشير حفتر في اللقاء الذي جمعهما في قصر الإليزيه في 29 مايو 2018 (غيتي)",
            True,
        ),
        ("مستشار الأمن القومي جيك سوليفان (أ.ب)", True),
        (
            "الزيارة مهدت الطريق لاستنئناف العلاقات بين النظام والحكومة الليبية الموازية- الأناضول",
            True,
        ),
        ("خليفة حفتر خلال زيارته لليونان مصدر الصورة :الشرق الأوسط", True),
        ("صورة أرشيفية لقوات حفتر (أرشيفية)", True),
        ("حفتر يصل إلى دمشق (فيديو)", False),
        ("ولم يشأ مجلس الأمن القومي أو وزارة الخارجية الأميركية التعليق على الخبر.", False),
    ],
)
def test_captions(line: str, caption: bool) -> None:
    assert caption_credit(key(line), BYLINES.is_outlet) is caption


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("الرئيس نيوز", "الرئيس نيوز"),
        ("الأيام السورية؛ قسم الأخبار", "الأيام السورية"),
        ("عين اليوم – متابعات", "عين اليوم"),
        ("لجين الأحمدي – عين اليوم", "عين اليوم"),
        ("صحيفة: حفتر زار دمشق سرا للتنسيق ضد تركيا", None),
        ("مصدر الشرق الأوسط", None),
        ("الرياض – واس", "واس"),  # an agency: a credit, never taken as the page's outlet
    ],
)
def test_bylines(line: str, outlet: str | None) -> None:
    found = BYLINES.outlet_of(key(line))
    assert (found.name if found else None) == outlet


@pytest.mark.parametrize(
    ("line", "iso", "banner"),
    [
        ("الأربعاء 24 أبريل 2024 الموافق 15 شوال 1445", "2024-04-24", True),
        ("نشر في 12 مارس 2020", "2020-03-12", False),
        ("تاريخ النشر: 12 مارس 2020 - 10:30 م", "2020-03-12", False),
        ("الخميس، 5 آذار/مارس 2020", "2020-03-05", True),
        ("2020-03-12", "2020-03-12", False),
        ("12/03/2020", "2020-03-12", False),
        ("March 12, 2020", "2020-03-12", False),
        ("15 شوال 1445 هـ", None, True),
    ],
)
def test_date_lines(line: str, iso: str | None, banner: bool) -> None:
    found = date_line(key(line))
    assert found is not None and found.iso == iso and found.banner_shape is banner


@pytest.mark.parametrize(
    "line",
    [
        "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس",
        "حفتر زار دمشق في 12 مارس 2020",
        "2020",
        "31/02/2020",
    ],
)
def test_not_date_lines(line: str) -> None:
    found = date_line(key(line))
    assert found is None or found.iso is None


HEAD = "حفتر زار دمشق سراً للتنسيق ضد إردوغان"
BODY = (
    "أكدت مصادر متطابقة قيام قائد الجيش الوطني الليبي المشير خليفة حفتر بزيارة سرية إلى دمشق "
    "لتنسيق الجهود ضد تدخل الرئيس التركي في ليبيا وسوريا."
)


def test_a_dateline_under_the_headline_is_the_date_a_banner_above_it_is_not() -> None:
    pages = [
        Article(id="a", text=f"{HEAD}\nنشر في 12 مارس 2020\n{BODY}"),
        Article(id="b", text=f"الخميس 5 مارس 2020\n{HEAD}\n{BODY}"),
        Article(id="c", text=f"12 مارس 2020\n{HEAD}\n{BODY}"),
        # The crawl date is not the publication date, whatever the page prints.
        Article(
            id="d", text=f"{HEAD}\n12 مارس 2020\n{BODY}", meta={"warc_date": "2020-03-12T08:00:00Z"}
        ),
        Article(id="e", text=f"{HEAD}\nنشر في 12 مارس 2020\n{BODY}", date="2020-03-13"),
    ]
    result = {article.id: article for article in clean_articles(pages).articles}
    assert result["a"].date == "2020-03-12" and result["a"].meta["date_from"] == "dateline"
    assert result["b"].date is None and result["b"].dropped[0].reason == "date banner"
    assert result["c"].date == "2020-03-12"
    assert result["d"].date is None and result["d"].dropped[0].reason == "dateline"
    assert result["e"].date == "2020-03-13" and result["e"].dropped[0].reason == "dateline"
    assert all(article.title == HEAD for article in result.values())


def test_the_readers_title_and_metadata_win() -> None:
    page = Article(
        id="x", text=f"الرئيس نيوز\n{HEAD}\n{BODY}", title="عنوان من الصفحة", outlet="موقع آخر"
    )
    (article,) = clean_articles([page]).articles
    assert article.title == "عنوان من الصفحة" and article.outlet == "موقع آخر"
    assert article.dropped == []  # another outlet's name on top is a credit, not this page's byline


def test_a_teaser_followed_by_its_own_full_text_is_not_split() -> None:
    full = " ".join([BODY] * 3)
    text = f"{HEAD}\n{BODY}\nالمزيد....\n{HEAD}\n{full}\n{BODY} وأضافت المصادر أن الزيارة استمرت يومين."
    (article,) = clean_articles([Article(id="t", text=text)]).articles
    assert article.id == "t"
    assert [drop.reason for drop in article.dropped] == ["read more", "repeated headline"]


def test_a_crawler_echo_goes_a_sentence_recurring_later_stays() -> None:
    closing = "وقد أعد مرسوم ملكي بذلك."
    text = f"{HEAD}\n{BODY}\n{BODY}\n{closing}\nنص المرسوم الثاني يتبع هنا بتفاصيل أخرى مختلفة\n{closing}"
    (article,) = clean_articles([Article(id="e", text=text)]).articles
    assert [(drop.reason, text[drop.span.start : drop.span.end]) for drop in article.dropped] == [
        ("repeated line", BODY)
    ]


@pytest.mark.parametrize(
    "settings",
    [
        {"outlet_share": 1.5},
        {"frequent_max_words": 0},
        {"guard_sample": 1},
        {"caption_max_words": 60},
    ],
)
def test_bad_config_is_refused_with_a_reason(settings: dict) -> None:
    with pytest.raises(ConfigError):
        CleanConfig(**settings)


def _made_up_story(seed: int) -> tuple[str, list[str]]:
    import random

    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def sentence(count: int) -> str:
        return " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 7))) for _ in range(count)
        )

    return sentence(6), [sentence(25) + "." for _ in range(3)]


def _laid_out(headline: str, body: list[str], caption: str) -> list[str]:
    """A story head as news sites print it: headline, photo caption twice, «TT», the headline
    again, the caption twice more, then the body."""
    return [headline, caption, caption, "TT", headline, caption, caption, *body]


def test_a_repeated_page_layout_block_starts_a_new_story_without_a_read_more_marker() -> None:
    first, second = _made_up_story(1), _made_up_story(2)
    lines = _laid_out(first[0], first[1], "صورة من اللقاء (رويترز)")
    lines += _laid_out(second[0], second[1], "صورة أخرى من المؤتمر (أ.ب)")
    text = "\n\n".join(lines)
    parts = clean_articles([Article(id="p", text=text)]).articles
    assert [part.id for part in parts] == ["p#1", "p#2"]
    assert [part.title for part in parts] == [first[0], second[0]]
    assert parts[1].offset == text.index(second[0])
    for part in parts:
        assert sorted({drop.reason for drop in part.dropped}) == [
            "font-size button",
            "repeated caption",
            "repeated headline",
        ]


def test_the_same_layout_twice_for_one_story_is_not_a_split() -> None:
    headline, body = _made_up_story(3)
    lines = _laid_out(headline, body[:2], "صورة من اللقاء (رويترز)")
    lines += _laid_out(headline + " من جديد", body[1:], "صورة من اللقاء (رويترز)")
    (article,) = clean_articles([Article(id="q", text="\n".join(lines))]).articles
    assert article.id == "q"
