"""Dates and lone numbers between a story's paragraphs are its text: only the page's head and tail
hold date banners and counters, and only lines the batch repeats go from the body."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from naql.clean import clean_articles
from naql.ingest import ReadOptions, read_articles
from naql.records import Article

SAUDINEWSNET = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saudinewsnet"

HEAD = "إعلان أرقام المقبولين بالقوات الجوية والمراجعة الأسبوع المقبل"
FIRST = (
    "أعلنت لجنة القبول والتسجيل والتجنيد المركزية بالقوات الجوية الملكية السعودية عن أرقام "
    "المقبولين نهائيا ودعت المقبولين إلى مراجعة مقر اللجنة في المواعيد المحددة لكل منهم "
    "مصطحبين معهم أصول الوثائق المطلوبة."
)
SECOND = (
    "وطلبت اللجنة من المقبولين طباعة نموذج تحويل المكافأة من الموقع وتعبئته وتصديقه من قبل "
    "البنك الذي يرغبه الطالب قبل موعد المراجعة بيوم واحد على الأقل حتى لا يتأخر قبوله."
)
THIRD = (
    "وأوضحت اللجنة أن من يتخلف عن موعده دون عذر مقبول يعد متنازلا عن قبوله ويحل محله أحد "
    "المرشحين على قائمة الانتظار وفق ترتيبهم في المفاضلة النهائية التي أجرتها اللجنة."
)


def clean_one(page: Article) -> tuple[Article, list[tuple[str, str]]]:
    """The cleaned page, and its dropped lines as (reason, text as read)."""
    (article,) = clean_articles([page]).articles
    return article, [
        (drop.reason, page.text[drop.span.start : drop.span.end]) for drop in article.dropped
    ]


def test_a_date_banner_atop_the_page_goes_the_same_date_between_paragraphs_stays() -> None:
    text = f"الأحد 10 شوال 1436\n{HEAD}\n{FIRST}\nالإثنين 11 شوال 1436\n{SECOND}"
    article, dropped = clean_one(Article(id="a", text=text))
    assert dropped == [("date banner", "الأحد 10 شوال 1436")]
    assert "\nالإثنين 11 شوال 1436\n" in article.text


@pytest.mark.parametrize("title", [HEAD, None])
def test_review_dates_of_a_results_list_are_kept(title: str | None) -> None:
    # almadina's exam-results page of 2015-07-21: the reader gave the title, the text opens with
    # the paragraphs, and each review date heads a list of bare numbers.
    text = "\n".join(
        [
            FIRST,
            SECOND,
            "أرقام المقبولين وتواريخ المراجعة:",
            "",
            "الأحد 10 شوال 1436",
            "3601100204",
            "3601100410",
            "الإثنين 11 شوال 1436",
            "3601101063",
            "3601101101.",
        ]
    )
    page = Article(id="m", text=text, title=title, date="2015-07-21")
    article, dropped = clean_one(page)
    assert dropped == []
    assert article.text == text


def test_a_date_line_in_the_body_is_neither_dropped_nor_the_publication_date() -> None:
    under_headline = Article(id="h", text=f"{HEAD}\n12 مارس 2020\n{FIRST}\n{SECOND}")
    in_body = Article(id="b", text=f"{HEAD}\n{FIRST}\n12 مارس 2020\n{SECOND}")
    head, head_drops = clean_one(under_headline)
    body, body_drops = clean_one(in_body)
    assert head_drops == [("dateline", "12 مارس 2020")] and head.date == "2020-03-12"
    assert body_drops == [] and body.date is None and "date_from" not in body.meta


def test_part_numbers_between_paragraphs_stay_counters_in_head_and_tail_go() -> None:
    text = f"{HEAD}\n0\n{FIRST}\n(2)\n{SECOND}\n«3»\n{THIRD}\n0\nاترك رد"
    article, dropped = clean_one(Article(id="c", text=text))
    assert dropped == [("counter", "0"), ("counter", "0"), ("comment box", "اترك رد")]
    assert f"\n{FIRST}\n(2)\n{SECOND}\n«3»\n{THIRD}\n" in article.text


def test_a_serials_part_numbers_are_kept_when_the_title_is_the_readers() -> None:
    # okaz's serialised story of 2015-08-08: no headline in the text, a part number atop each part.
    text = f"(1)\n{FIRST}\n{SECOND}\n(2)\n{THIRD}\n(3)\n{FIRST} {SECOND}"
    article, dropped = clean_one(Article(id="s", text=text, title="إيشي .. آخر رجل من قبيلته"))
    assert set(dropped) <= {("counter", "(1)")}  # the first stands in the page's head
    assert "\n(2)\n" in article.text and "\n(3)\n" in article.text


def test_a_number_the_outlet_prints_inside_every_body_still_goes() -> None:
    rng = random.Random(11)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def paragraph() -> str:
        return " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 7))) for _ in range(30)
        )

    pages = [
        Article(id=f"p{n}", text=f"{paragraph()}\n0\n{paragraph()}", outlet="موقع المثال")
        for n in range(6)
    ]
    result = clean_articles(pages)
    assert result.dropped == {"frequent in outlet": 6}


@pytest.fixture(scope="module")
def saudinewsnet() -> list[Article]:
    """The two SaudiNewsNet days the bug was seen on, cleaned as one batch."""
    archives = [SAUDINEWSNET / "2015-07-21.zip", SAUDINEWSNET / "2015-08-08.zip"]
    if not all(archive.exists() for archive in archives):
        pytest.skip(f"{SAUDINEWSNET} lacks these days (the shared corpus is optional)")
    options = ReadOptions(text_field="content", outlet_field="source", date_field="date_extracted")
    read = read_articles([str(archive) for archive in archives], options)
    assert len(read.articles) > 1000
    return clean_articles(read.articles).articles


@pytest.mark.parametrize(
    ("url_part", "lines"),
    [
        ("/node/620146/", ["الأحد 10 شوال 1436", "الإثنين 11 شوال 1436", "الثلاثاء 12 شوال 1436"]),
        ("Con20150808788262", ["(2)", "(3)"]),
    ],
)
def test_the_saudinewsnet_pages_keep_their_dates_and_part_numbers(
    saudinewsnet: list[Article], url_part: str, lines: list[str]
) -> None:
    (article,) = [a for a in saudinewsnet if url_part in (a.url or "")]
    kept = {line.strip() for line in article.text.split("\n")}
    assert all(line in kept for line in lines)
