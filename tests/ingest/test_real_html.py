"""Real Arabic news pages (tests/data/ingest/real/, sources in its README.md): title, publication
date and main text right; navigation, related stories and other page blocks out. Also a WARC
record built from a real page: the crawl time is kept in meta, never taken as the article's date."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from typing import Any

import lxml.html
import pytest

import naql.ingest.html as html_reader
from naql.ingest import iter_articles, read_articles
from naql.records import Problem

REAL = Path(__file__).resolve().parents[1] / "data" / "ingest" / "real"

# For each page: the headline as printed in its <h1>; the publication date it declares, and dates
# it declares or shows that must not be taken (modified date); the first and last body paragraphs
# (a stretch of each: the text must start and end with them); a distinctive sentence from the
# middle; and strings from the page's menus, related-story and other blocks that must stay out.
PAGES: dict[str, dict[str, Any]] = {
    "youm7": {
        "title": "وزير الرى يشهد توقيع عقد دراسة تحديد السحب الآمن للخزانات الجوفية مع جامعة القاهرة",
        "date": "2020-08-24",
        "outlet": "اليوم السابع",
        "first": "شهد الدكتور محمد عبد العاطي وزير الموارد المائية والرى مراسم توقيع عقد المرحلة الثانية",
        "last": "كما أكد عبد العاطي علي ضرورة بذل المزيد من الجهد بالمرحلة الثانية للدراسة.",
        "middle": "وأفاد المهندس سيد سركيس رئيس قطاع المياة الجوفية بالوزارة أن القطاع يقوم حالياً",
        "nav": ["اقتصاد وبورصة", "صحافة المواطن", "مرأة و منوعات"],
        "related": [
            "الموضوعات المتعلقة",
            "وزير الرى: لجنة إيراد النهر فى انعقاد مستمر لمتابعة موقف الفيضان",
            "الرى: إعداد مسودة أولية تتضمن نقاط الخلاف والتوافق بشأن سد النهضة",
            "مختارات اليوم السابع",
        ],
        "other": [
            "التعليم العالى: 105 آلاف طالب سجلوا رغباتهم",  # news ticker
            "بروتوكول نشر التعليقات",  # comment box
            "حقوق النشر محفوظة",
        ],
    },
    "alyaum": {
        "title": "طهران تدفن «زادة».. وتتهم المعارضة الإيرانية باغتياله",
        "date": "2020-12-01",
        "not_dates": ["2020-11-30"],  # <meta name="dateModified" content="2020-11-30 20:36:03">
        "outlet": "Alyaum",
        "first": "وسط تهديدات إيرانية بالانتقام وتوعد إسرائيلي برد قاس، شيعت إيران أمس الإثنين",
        "last": "وشدد كوهين على أن إسرائيل ستواصل منع إيران من امتلاك سلاح نووي.",
        "middle": "يكفي أن تنشر خبرا في الإنترنت عن وظيفة شاغرة في طهران، حتى تتمكن من تجنيد عشرات العملاء",
        "nav": ["الميدان الرياضي", "منوعات اليوم", "كلمة ومقال"],
        "related": [
            "مواضيع ذات علاقة",
            "انفجارات في الدوحة .. قطر على موعد مع الانقلاب السادس",
            "وفاة لاعب الهلال والقادسية السابق عبدالله الشريدة",
            "مسلحون يطلقون صواريخ على قواعد عسكرية أجنبية في مالي",  # latest news tab
            "كان يلهو مع كلابه .. بايدن يتعرض لكسور في قدمه",  # most read tab
        ],
        "other": ["جميع الحقوق محفوظة لدار اليوم"],
    },
    "sputnik_arabic": {
        "title": "مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا",
        "date": "2020-03-17",
        "outlet": "Sputnik_Ar",
        # the lede, printed outside the page's itemprop="articleBody"
        "first": "أعلنت وزارة الصحة والسكان المصرية، اليوم الثلاثاء، تسجيل 30 حالة جديدة بفيروس كورونا",
        "last": "معربة عن قلقها من احتمال تزايد المصابين بشكل كبير.",
        "middle": "من ضمنهم 26 حالة تم شفاؤها وخرجت من مستشفى العزل، و6 حالات وفاة",
        "nav": ["وسائط متعددة", "المدونات", "انفوجرافيك", "كاريكاتير"],
        "related": [
            "انظر أيضا",
            "كورونا وتحديات التعليم عن بعد",
            "أمريكا تعتزم منح مواطنيها دفعات مالية لمواجهة ضغوط كورونا الاقتصادية",
            "مصر تحظر تصدير الكحول والكمامات الطبية",  # related-story box inside the body
        ],
        "other": [
            "حواتمة: جائحة كورونا تؤجل انعقاد الحوار الفلسطيني الشامل",  # breaking-news ticker
            "سوف يتم مراجعة تعليقك من قبل المشرفين",  # comment form
        ],
    },
    "akhbarelyom": {
        "title": "36 عامًا.. سر رحيل نعيمة عاكف في سن مبكر",
        # declared only as «الأربعاء، 07 أكتوبر 2020 - 12:09 م» in article:published_time
        "date": "2020-10-07",
        "outlet": "akhbarelyom.com",  # og:site_name is the URL https://akhbarelyom.com/
        "first": "يصادف اليوم ذكرى ميلاد الفنانة نعيمة عاكف التي ولدت في مثل هذا اليوم عام 1929",
        "last": "وتوفيت في 23 أبريل 1966 بعد رحلة مع مرض سرطان الأمعاء.",
        "middle": "حصلت على لقب أحسن راقصة في العالم من مهرجان الشباب العالمي بموسكو عام 1958",
        "nav": ["حوارات وتحقيقات", "بنوك وشركات"],
        "related": [
            "إقرأ أيضاً",
            "سلطان صلاح يشارك بـ«حارة القبة» في رمضان المقبل",
            "يكبرها بـ10 سنوات..تفاصيل قصة حب كارمن سليمان ومصطفى جاد",
            "اتحاد الكرة يبحث مصير مرتضى منصور",  # most read
            "ترشيحاتنا",
        ],
        "other": [
            "رئيس التحرير : جمال الشناوي",  # editor line in the header
            "تطوير منظومة مراقبة تصرف محطات مياه الشرب بقنا",  # news ticker
        ],
    },
    "beirutobserver": {
        "title": "سرقة منزل أميرة سعودية في باريس يضم أغراضاً فاخرة بقيمة 700 ألف دولار",
        "date": "2020-11-09",
        "outlet": "beirutobserver.com",
        "first": "نشر موقع Middle East Eye البريطاني، أن خبراً يفيد بقيام لصوص بسرقة أغراض فاخرة",
        "last": "حيث تقع شقة الأميرة السعودية.",
        "middle": "تضمَّنَت السرقة نحو 30 حقيبة من علامة هيرميس التجارية",
        "nav": ["لبنانيات"],
        "related": [
            "بايدن.. خسر زوجته وابنته بحادث سير ومات ابنه بالسرطان",  # previous post
            "أخبار ٢٤ ساعة",
            "باسيل أُستهدف في السباق الرئاسي ومعركة التصفيات بدأت؟",
            "مقالات مختارة",
        ],
        "other": ["ارتياحٌ جنبلاطي", "All Rights Reserved"],
    },
}


def _page_text(stem: str) -> str:
    """The page's visible text, whitespace collapsed (to check the expectations are real)."""
    root = lxml.html.fromstring((REAL / f"{stem}.html").read_text(encoding="utf-8"))
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    return " ".join(root.text_content().split())


def _read(stem: str) -> Any:
    path = str(REAL / f"{stem}.html")
    result = read_articles([path])
    assert result.problems == []
    (article,) = result.articles
    assert article.id == stem and article.path == path
    return article


def test_at_least_three_real_pages_from_two_outlets() -> None:
    assert len(PAGES) >= 3
    assert len({page["outlet"] for page in PAGES.values()}) >= 2
    assert sorted(p.stem for p in REAL.glob("*.html")) == sorted(PAGES)
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for stem in PAGES:
        assert f"`{stem}.html`" in readme


@pytest.mark.parametrize("stem", sorted(PAGES))
def test_expectations_are_on_the_page(stem: str) -> None:
    """Every string asserted in or out below is really printed on the page."""
    expected = PAGES[stem]
    page = _page_text(stem)
    for key in ("title", "first", "last", "middle"):
        assert expected[key] in page, key
    for chrome in expected["nav"] + expected["related"] + expected["other"]:
        assert chrome in page, chrome
    root = lxml.html.fromstring((REAL / f"{stem}.html").read_text(encoding="utf-8"))
    headlines = [" ".join(h.text_content().split()) for h in root.iter("h1")]
    assert expected["title"] in headlines


@pytest.mark.parametrize("stem", sorted(PAGES))
def test_real_page_title_date_and_outlet(stem: str) -> None:
    expected = PAGES[stem]
    article = _read(stem)
    assert article.title == expected["title"]
    assert article.date == expected["date"]
    for other in expected.get("not_dates", []):
        assert article.date != other
    assert article.outlet == expected["outlet"]
    assert article.url and article.url.startswith("https://")


@pytest.mark.parametrize("stem", sorted(PAGES))
def test_real_page_main_text(stem: str) -> None:
    expected = PAGES[stem]
    text = _read(stem).text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    assert lines[0].startswith(expected["first"]), lines[0]
    assert lines[-1].endswith(expected["last"]), lines[-1]
    assert expected["middle"] in text
    assert "<" not in text
    assert expected["title"] not in text  # the headline is metadata, not a body line


@pytest.mark.parametrize("stem", sorted(PAGES))
def test_real_page_navigation_and_related_stories_out(stem: str) -> None:
    expected = PAGES[stem]
    text = _read(stem).text
    for chrome in expected["nav"] + expected["related"] + expected["other"]:
        assert chrome not in text, chrome


def test_modified_date_never_wins_over_declared_publication(monkeypatch: Any) -> None:
    """Should the extractor pick the page's modified date (alyaum declares 2020-11-30 as
    dateModified), the date the page declares as published is taken instead."""
    real_extract = html_reader._extract

    def extract_taking_modified(html: str, url: str | None) -> Any:
        doc = real_extract(html, url)
        doc.date = "2020-11-30"
        return doc

    monkeypatch.setattr(html_reader, "_extract", extract_taking_modified)
    assert _read("alyaum").date == "2020-12-01"


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", "2020-10-07"),  # akhbarelyom's meta, as served
        ("2020-12-01 02:00:00", "2020-12-01"),  # alyaum's
        ("2020-03-17T17:27:41Z", "2020-03-17"),  # sputnik's
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "2020-04-24"),
        ("الأربعاء، 28 آب/اغسطس 2013", "2013-08-28"),
        ("٣ كانون الثاني ٢٠١٩", "2019-01-03"),
        ("1 تشرين الأول 2015", "2015-10-01"),
        ("12 جويلية 2018", "2018-07-12"),
        ("آخر تحديث", None),
        ("31 فبراير 2020", None),
        ("1 يناير 2999", None),  # in the future
    ],
)
def test_declared_date_formats(value: str, day: str | None) -> None:
    assert html_reader.parse_declared_date(value) == day


# --- WARC built from a real page ----------------------------------------------------------------

CRAWL_TIME = "2021-07-07T09:30:00Z"  # when htmldate's test set was committed, long after 2020


def _response(uri: str, body: bytes) -> bytes:
    http = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/html; charset=UTF-8\r\n"
        "Date: Wed, 07 Jul 2021 09:30:00 GMT\r\n"
        "Last-Modified: Wed, 07 Jul 2021 09:29:00 GMT\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    header = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"WARC-Date: {CRAWL_TIME}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def test_warc_crawl_time_is_not_the_publication_date(tmp_path: Path) -> None:
    records = [
        _response("https://www.alyaum.com/articles/6291787", (REAL / "alyaum.html").read_bytes()),
        _response(
            "https://akhbarelyom.com/news/newdetails/3126898/1",
            (REAL / "akhbarelyom.html").read_bytes(),
        ),
    ]
    path = tmp_path / "real.warc.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in records))
    items = list(iter_articles([str(path)], skipped={}))
    assert not [item for item in items if isinstance(item, Problem)], items
    alyaum, akhbar = items
    assert alyaum.url == "https://www.alyaum.com/articles/6291787"
    assert alyaum.title == PAGES["alyaum"]["title"]
    assert alyaum.date == PAGES["alyaum"]["date"]  # declared by the page ...
    assert alyaum.meta["warc_date"] == CRAWL_TIME  # ... the crawl time kept apart
    assert akhbar.date == PAGES["akhbarelyom"]["date"]  # declared in Arabic only
    assert akhbar.meta["warc_date"] == CRAWL_TIME
    for article, stem in zip(items, ("alyaum", "akhbarelyom"), strict=True):
        assert not article.date.startswith("2021")
        assert article.text.split("\n")[0].startswith(PAGES[stem]["first"])
