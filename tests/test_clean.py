"""Cleaning on the five real seed pages: chrome out, body kept, 000 split, offsets faithful,
metadata read from the text."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from naql.clean import CleanConfig, CleanResult, clean_articles, explain
from naql.ingest import read_articles
from naql.records import Article

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "haftar"
PAGES = {path.name[:3]: path.name.removesuffix(".txt") for path in sorted(EXAMPLE.glob("*.txt"))}

# Every line cleaning must drop from the seed pages (file line numbers, 1-based), and why. The
# test checks this set EXACTLY: these go, and nothing else does.
EXPECTED_DROPS = {
    "000": {
        6: "repeated caption",
        7: "font-size button",
        9: "repeated headline",
        11: "repeated caption",
        12: "repeated caption",
        19: "read more",
        26: "repeated caption",
        27: "font-size button",
        29: "repeated headline",
        31: "repeated caption",
        32: "repeated caption",
    },
    "001": {1: "section", 21: "read also"},
    "002": {1: "date banner", 2: "editor", 3: "editor", 4: "breaking", 5: "section", 9: "byline"},
    "003": {4: "counter", 30: "comment box", 32: "comment box"},
    "004": {5: "byline", 26: "comment box", 28: "comment box"},
}
# Caption lines, by hand: a short line ending in a photo credit or naming the photo's source.
CAPTIONS = {
    "000": {5, 6, 11, 12, 25, 26, 31, 32},
    "001": {5},
    "002": set(),
    "003": {3},
    "004": set(),
}
# Body paragraphs, by hand from the files: every line of 12 words or more that is not a caption.
BODY = {
    "000": [14, 15, 16, 17, 34, 35, 36, 37, 38, 39, 40, 41],
    "001": [7, 10, 13, 15, 17, 23, 25, 27, 29, 31],
    "002": [11, 14, 17, 21, 24, 28, 31, 34],
    "003": [6, 10, 12, 14, 16, 18, 20, 22, 26, 28],
    "004": [3, 7, 11, 13, 15, 17, 19, 21, 23],
}
TITLES = {
    "000#1": "حفتر زار دمشق سراً للتنسيق ضد إردوغان",
    "000#2": "سوليفان إلى السعودية ويتبعه بلينكن",
    "001": "صحيفة: حفتر زار دمشق سرا للتنسيق ضد تركيا",
    "002": 'تفاصيل لقاء حفتر مع وفد "الفرصة الأخيرة" وتهديدات باستهداف مقره بـ"الرجمة"',
    "003": "تحركات حفتر: سعي لكسب الدعم أم بحث عن الوساطة؟",
    "004": "ماذا وراء زيارة خليفة حفتر السرية إلى دمشق؟",
}


def short(article_id: str) -> str:
    """«000_29410af33499cb13#2» -> «000#2»."""
    page, _, part = article_id.partition("#")
    return page[:3] + (f"#{part}" if part else "")


@pytest.fixture(scope="module")
def bare_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """The seed pages as the reader gives them WITHOUT the metadata sidecar: text only."""
    folder = tmp_path_factory.mktemp("seeds")
    for path in EXAMPLE.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    read = read_articles([str(folder)])
    assert not read.problems and len(read.articles) == 5
    return read.articles


@pytest.fixture(scope="module")
def cleaned(bare_pages: list[Article]) -> CleanResult:
    return clean_articles(bare_pages)


def assert_faithful(article: Article, page: Article) -> None:
    """The offsets invariant: ``article.text`` is the page's text at ``article.offset``, with each
    dropped span blanked by spaces (and nothing else changed)."""
    start = article.offset - page.offset
    original = page.text[start : start + len(article.text)]
    assert len(original) == len(article.text), "the article runs past its page"
    expected = list(original)
    previous_end = 0
    for drop in article.dropped:
        assert previous_end <= drop.span.start < drop.span.end <= len(article.text), (
            "drops sorted, disjoint"
        )
        assert "\n" not in original[drop.span.start : drop.span.end], (
            "a drop never blanks a newline"
        )
        assert original[drop.span.start : drop.span.end].strip(), "a drop covers text"
        expected[drop.span.start : drop.span.end] = " " * len(drop.span)
        previous_end = drop.span.end
    assert article.text == "".join(expected)


def assert_partition(parts: list[Article], page: Article) -> None:
    """The articles cut from one page tile it: contiguous, first at its start, last at its end."""
    assert parts[0].offset == page.offset
    for before, after in pairwise(parts):
        assert before.offset + len(before.text) == after.offset
    assert parts[-1].offset + len(parts[-1].text) == page.offset + len(page.text)


def line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_exactly_the_chrome_lines_are_dropped_with_their_reasons(bare_pages, cleaned) -> None:
    texts = {page.id[:3]: page.text for page in bare_pages}
    found: dict[str, dict[int, str]] = {name: {} for name in PAGES}
    for row in explain(cleaned):
        page = row.article[:3]
        found[page][line_number(texts[page], row.start)] = row.reason
        # The row's text is the dropped line of the input, whole.
        line = texts[page].split("\n")[line_number(texts[page], row.start) - 1]
        assert row.text == line.strip()
    assert found == EXPECTED_DROPS


def test_named_chrome_lines_are_gone_and_captions_are_kept_once(cleaned) -> None:
    text = {short(article.id): article.text for article in cleaned.articles}
    assert "الأربعاء 24 أبريل 2024" not in text["002"]
    for gone in ("رئيس التحرير", "شيماء جلال", "عاجل", "عرب وعالم", "الرئيس نيوز\n"):
        assert gone not in text["002"]
    assert "سياسة عربية" not in text["001"]
    assert "\nTT\n" not in text["000#1"] and "\nTT\n" not in text["000#2"]
    assert "\n0\n" not in text["003"]
    for page in ("003", "004"):
        assert "اترك رد" not in text[page] and "لن يتم نشر عنوان بريدك" not in text[page]
    caption = (
        "الرئيس ماكرون والمشير حفتر في اللقاء الذي جمعهما في قصر الإليزيه في 29 مايو 2018 (غيتي)"
    )
    assert text["000#1"].count(caption) == 1
    assert text["000#1"].count("حفتر زار دمشق سراً للتنسيق ضد إردوغان") == 1
    assert text["000#2"].count("مستشار الأمن القومي جيك سوليفان (أ.ب)") == 1
    assert text["000#2"].count("سوليفان إلى السعودية ويتبعه بلينكن") == 1
    assert "مصدر الصورة :الشرق الأوسط" in text["003"]  # a caption seen once stays, credit and all


def test_every_body_paragraph_survives_at_its_place(bare_pages, cleaned) -> None:
    for page in bare_pages:
        name = page.id[:3]
        lines = page.text.split("\n")
        body = {
            number
            for number, line in enumerate(lines, 1)
            if len(line.split()) >= 12 and number not in CAPTIONS[name]
        }
        assert body == set(BODY[name]), f"{name}: the hand-made body list is out of date"
        parts = [article for article in cleaned.articles if article.id.split("#")[0] == page.id]
        for number in BODY[name]:
            start = sum(len(line) + 1 for line in lines[: number - 1])
            line = lines[number - 1]
            holder = [
                a
                for a in parts
                if a.offset <= start and start + len(line) <= a.offset + len(a.text)
            ]
            assert len(holder) == 1, f"{name}:{number} is not inside exactly one article"
            article = holder[0]
            assert article.text[start - article.offset : start - article.offset + len(line)] == line


def test_page_000_is_two_stories_the_others_one(bare_pages, cleaned) -> None:
    ids = [short(article.id) for article in cleaned.articles]
    assert ids == ["000#1", "000#2", "001", "002", "003", "004"]
    first, second = cleaned.articles[:2]
    page = bare_pages[0]
    assert first.id == f"{page.id}#1" and second.id == f"{page.id}#2"
    assert first.meta["page"] == second.meta["page"] == page.id
    assert_partition([first, second], page)
    assert "سوليفان" not in first.text and "حفتر" not in second.text
    assert second.text.lstrip().startswith("سوليفان إلى السعودية ويتبعه بلينكن")
    assert "أكدت مصادر متطابقة لـ«الشرق الأوسط»" in first.text
    assert {short(a.id): a.title for a in cleaned.articles} == TITLES
    for article in cleaned.articles[2:]:
        assert "page" not in article.meta and article.offset == 0


def test_offsets_point_into_the_input_on_every_article(bare_pages, cleaned) -> None:
    pages = {page.id: page for page in bare_pages}
    for article in cleaned.articles:
        assert_faithful(article, pages[article.id.split("#")[0]])


def test_outlets_come_from_the_pages_own_bylines(cleaned) -> None:
    outlets = {short(article.id): article.outlet for article in cleaned.articles}
    assert outlets == {
        "000#1": None,
        "000#2": None,
        "001": None,
        "002": "الرئيس نيوز",
        "003": None,
        "004": "الأيام السورية",
    }
    by_id = {short(article.id): article for article in cleaned.articles}
    assert (
        by_id["002"].meta["outlet_from"] == "byline"
        and by_id["004"].meta["outlet_from"] == "byline"
    )
    # «مصدر الشرق الأوسط» at the end of 004 is a credit, not a byline: it stays.
    assert "مصدر الشرق الأوسط" in by_id["004"].text


def test_the_banner_date_is_not_the_publication_date(cleaned) -> None:
    assert all(article.date is None for article in cleaned.articles)


def test_with_the_sidecar_the_given_outlet_stands_and_its_byline_still_goes() -> None:
    read = read_articles([str(EXAMPLE)])
    result = clean_articles(read.articles)
    by_id = {short(article.id): article for article in result.articles}
    assert by_id["000#1"].outlet == by_id["000#2"].outlet == "الشرق الأوسط"
    assert by_id["002"].outlet == "الرئيس نيوز" and "outlet_from" not in by_id["002"].meta
    assert "الرئيس نيوز" not in by_id["002"].text.split("\n")[8]
    assert by_id["000#2"].meta["note"] == by_id["000#1"].meta["note"]  # every other field copied


def test_cleaning_is_pure_and_idempotent(bare_pages) -> None:
    before = [
        (page.id, page.text, page.outlet, dict(page.meta), list(page.dropped))
        for page in bare_pages
    ]
    once = clean_articles(bare_pages)
    assert [(p.id, p.text, p.outlet, dict(p.meta), list(p.dropped)) for p in bare_pages] == before
    twice = clean_articles(once.articles)
    assert twice.dropped == {}
    assert [(a.id, a.text, a.offset, a.dropped, a.title) for a in twice.articles] == [
        (a.id, a.text, a.offset, a.dropped, a.title) for a in once.articles
    ]


def test_a_small_batch_learns_no_chrome_and_drop_counts_add_up(cleaned) -> None:
    assert (
        "frequent in outlet" not in cleaned.dropped
        and "frequent across outlets" not in cleaned.dropped
    )
    assert sum(cleaned.dropped.values()) == sum(len(rows) for rows in EXPECTED_DROPS.values())
    assert sum(cleaned.dropped.values()) == sum(
        len(article.dropped) for article in cleaned.articles
    )


def test_splitting_can_be_switched_off(bare_pages) -> None:
    result = clean_articles(bare_pages, CleanConfig(split=False))
    assert [article.id for article in result.articles] == [page.id for page in bare_pages]
    for article, page in zip(result.articles, bare_pages):
        assert_faithful(article, page)
