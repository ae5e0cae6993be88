"""Chrome learned from a batch: the frequency rule on synthetic corpora, and SaudiNewsNet."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from naql.clean import CleanConfig, CleanResult, clean_articles, explain
from naql.ingest import ReadOptions, read_articles
from naql.records import Article

SAUDINEWSNET = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saudinewsnet"
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def words(rng: random.Random, count: int) -> str:
    return " ".join(
        "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7))) for _ in range(count)
    )


def story(rng: random.Random) -> list[str]:
    """A made-up story: a headline and four paragraphs of 20-40 words, all its own words."""
    return [words(rng, 6)] + [words(rng, rng.randint(20, 40)) + "." for _ in range(4)]


def page(article_id: str, outlet: str, lines: list[str]) -> Article:
    return Article(id=article_id, text="\n\n".join(lines), outlet=outlet)


def drops_of(result: CleanResult, text: str) -> set[str]:
    return {row.reason for row in explain(result) if row.text == text}


def test_an_outlets_comment_box_line_is_learned_a_long_shared_paragraph_is_not() -> None:
    rng = random.Random(3)
    comment = "شاركنا رأيك في هذا الموضوع"  # not in the built-in list
    shared = words(rng, 30) + "."  # one long paragraph re-run by several outlets
    pages = []
    for n in range(10):
        pages.append(
            page(
                f"site{n}",
                "موقع المثال",
                [*story(rng), shared if n < 4 else words(rng, 25), comment],
            )
        )
    for n in range(20):
        lines = story(rng)
        if n < 6:
            lines.insert(2, shared)
        pages.append(page(f"other{n}", f"صحيفة {n % 5}", lines))
    result = clean_articles(pages)
    assert drops_of(result, comment) == {"frequent in outlet"}
    assert result.dropped["frequent in outlet"] == 10
    assert drops_of(result, shared) == set()
    assert sum(article.text.count(shared) for article in result.articles) == 10


def test_a_line_on_many_pages_of_many_outlets_is_site_wide_chrome() -> None:
    rng = random.Random(5)
    menu = "الصفحة الأولى | من نحن | اتصل بنا"
    pages = [page(f"p{n}", f"موقع {n % 4}", [menu, *story(rng)]) for n in range(12)]
    pages += [page(f"q{n}", f"موقع {n % 4}", story(rng)) for n in range(28)]
    result = clean_articles(pages)
    assert drops_of(result, menu) == {"frequent across outlets"}
    assert result.dropped["frequent across outlets"] == 12


def test_a_short_line_of_one_story_rerun_everywhere_is_reuse_not_chrome() -> None:
    rng = random.Random(7)
    quote = "وقال إنه ملتزم بوقف إطلاق النار"
    wire = story(rng)
    pages = []
    for n in range(12):  # twelve outlets re-run one wire story, each adding a sentence of its own
        pages.append(
            page(f"copy{n}", f"صحيفة {n}", [*wire[:3], quote, *wire[3:], words(rng, 15) + "."])
        )
    pages += [page(f"x{n}", f"صحيفة {n % 12}", story(rng)) for n in range(40)]
    result = clean_articles(pages)
    assert drops_of(result, quote) == set()
    assert sum(article.text.count(quote) for article in result.articles) == 12


def test_below_the_floors_nothing_is_learned() -> None:
    rng = random.Random(11)
    line = "شاركنا رأيك في هذا الموضوع"
    pages = [page(f"s{n}", "موقع المثال", [*story(rng), line]) for n in range(4)]
    assert clean_articles(pages).dropped == {}
    config = CleanConfig(outlet_min_pages=3)
    assert clean_articles(pages, config).dropped == {"frequent in outlet": 4}


@pytest.fixture(scope="module")
def saudinewsnet_day() -> list[Article]:
    archive = SAUDINEWSNET / "2015-08-11.zip"
    if not archive.exists():
        pytest.skip(f"{archive} is not here (the shared corpus is optional)")
    options = ReadOptions(text_field="content", outlet_field="source", date_field="date_extracted")
    read = read_articles([str(archive)], options)
    assert len(read.articles) > 1000
    return read.articles


def test_saudinewsnet_day_offsets_hold_and_agency_chrome_goes(
    saudinewsnet_day: list[Article],
) -> None:
    result = clean_articles(saudinewsnet_day)
    pages = {(page.path, page.id): page for page in saudinewsnet_day}
    for article in result.articles:
        source = pages[(article.path, article.meta.get("page", article.id))]
        start = article.offset - source.offset
        original = source.text[start : start + len(article.text)]
        expected = list(original)
        for drop in article.dropped:
            for at in range(drop.span.start, drop.span.end):
                expected[at] = "\n" if expected[at] == "\n" else " "
        assert article.text == "".join(expected)
    rows = explain(result)
    ends = [row for row in rows if row.text == "// انتهى //"]
    assert ends and all(row.reason == "frequent in outlet" for row in ends)
    # Every dropped line is short: long paragraphs are never chrome.
    assert max(len(row.text.split()) for row in rows) <= 20
    # al-Weeam's «رابط الخبر بصحيفة الوئام: <title>» closes its pages, often run on in the last
    # paragraph's line: the label goes, the paragraph and the title stay.
    weeam = [article for article in result.articles if article.outlet == "alweeam"]
    assert len(weeam) > 20
    assert all("رابط الخبر بصحيفة" not in article.text for article in weeam)
    signed = [row for row in rows if row.reason == "outlet sign-off"]
    assert len(signed) == len(weeam)
    assert {row.text for row in signed} == {"رابط الخبر بصحيفة الوئام:"}
    assert sum(len(article.text.split()) for article in weeam) > 50 * len(weeam)


def test_an_outlets_sign_off_before_the_title_goes_a_sentence_ending_with_it_stays() -> None:
    rng = random.Random(5)
    pages = []
    for n in range(12):
        head, *paragraphs = story(rng)
        # Run on in the last paragraph's line, as al-Weeam prints it; the title HTML-escaped,
        # as some crawls keep it.
        text = "\n\n".join(paragraphs) + " رابط الخبر بموقع المثال: " + head + " “x”"
        pages.append(
            Article(id=f"s{n}", text=text, outlet="موقع المثال", title=head + " &#8220;x&#8221;")
        )
    # Another outlet whose last sentences end with their own titles, each its own sentence.
    for n in range(12):
        head, *paragraphs = story(rng)
        text = "\n\n".join(paragraphs) + " وقال المتحدث " + head
        pages.append(Article(id=f"o{n}", text=text, outlet="صحيفة أخرى", title=head))
    result = clean_articles(pages)
    assert result.dropped.get("outlet sign-off") == 12
    for article, original in zip(result.articles, pages):
        assert len(article.text) == len(original.text)
        if article.id.startswith("s"):
            # The label goes, the title stays: the headline is the article's own.
            label = " رابط الخبر بموقع المثال: "
            kept = original.text.replace(label, " " * len(label))
            assert article.text == kept and "رابط الخبر" not in article.text
            assert article.dropped[0].reason == "outlet sign-off"
        else:
            assert article.text == original.text
