"""The HTML report opened in headless Chromium from file://, as an editor would open it: the
story list, the Haftar story's graph and pair views, and a hostile pile that must stay text.

Needs Debian's chromium and chromium-driver (``make test`` installs them when it can); skips,
saying why, without them. Screenshots go to tests/artifacts/ (printed; ``pytest -s`` shows).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors, missing, screenshot
from conftest import EXAMPLE, bulletins, shared

from naql.cli import main
from naql.config import Config, ProvenanceConfig
from naql.pipeline import trace
from naql.records import Article, Story, Trace
from naql.report.html import write

HAFTAR = "حفتر زار دمشق"  # the Haftar story's label begins so
SULLIVAN = "سوليفان"
TEASER = "000_29410af33499cb13#1"
SULLIVAN_PAGE = "000_29410af33499cb13#2"
SEED_002 = "002_2427181fa13bf9fd"
REWRITES = ("001_c815468371a09db8", "003_0298d090f25e48f7", "004_d61fa5c1789e1101")

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"browser tests: {missing()}")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _report(paths: list[str], out: Path) -> Path:
    assert main(["trace", *paths, "--report", str(out), "--top", "0", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def haftar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the bundled example."""
    return _report([str(EXAMPLE)], tmp_path_factory.mktemp("haftar") / "haftar.html")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the seeds as the shared corpus has them (no metadata: outlets are read
    from the pages); skipped when the corpus is absent."""
    return _report([str(shared("seeds"))], tmp_path_factory.mktemp("seeds") / "seeds.html")


def _open(driver: Any, path: Path, fragment: str = "") -> None:
    driver.get(path.resolve().as_uri() + fragment)
    driver.get_log("browser")  # start each page with an empty log


def _rows(driver: Any) -> list[dict[str, str]]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#stories-body tr')].map(tr => ({"
        "id: tr.querySelector('.id').textContent, label: tr.querySelector('.label').textContent,"
        "origin: tr.querySelector('.origin').textContent}))"
    )


def _back_to_list(driver: Any) -> None:
    # The list shows again on the hash change, a moment after the click: its links are only
    # found by their text once it is displayed.
    driver.find_element("link text", "← All stories").click()
    _wait(lambda: driver.find_element("id", "list-view").is_displayed())


def _click_story(driver: Any, story: str) -> None:
    # The story is drawn on the hash change, a moment after the click; until then the hidden
    # view still holds the story shown before, whose cards would be read (or go stale under us).
    driver.find_element("link text", story).click()
    _wait(lambda: driver.find_element("css selector", "#story-view").is_displayed())


def _open_story(driver: Any, label: str) -> None:
    row = next(r for r in _rows(driver) if r["label"].startswith(label))
    _click_story(driver, row["id"])


def _article_cards(driver: Any) -> list[str]:
    # Read in one script, so a redraw cannot leave a card stale between finding and reading.
    return driver.execute_script(
        "return [...document.querySelectorAll('#story-view article.card h4')].map(h => h.innerText)"
    )


@pytest.mark.parametrize("pile", ["haftar", "seeds"])
def test_story_list_holds_the_three_stories_apart(driver, request, pile) -> None:
    _open(driver, request.getfixturevalue(pile))
    rows = _rows(driver)
    assert len(rows) == 3
    haftar = next(r for r in rows if r["label"].startswith(HAFTAR))
    assert "الشرق الأوسط" in haftar["origin"] and "not in the pile" in haftar["origin"]
    assert "hidden:" not in json.dumps(rows, ensure_ascii=False)
    screenshot(driver, f"report-{pile}-list")
    # The Sullivan story (the second story of page 000) and seed 002 are stories of their own.
    _open_story(driver, SULLIVAN)
    assert [c.split(" ")[0] for c in _article_cards(driver)] == [SULLIVAN_PAGE]
    _back_to_list(driver)
    other = next(r for r in _rows(driver) if not r["label"].startswith((HAFTAR, SULLIVAN)))
    _click_story(driver, other["id"])
    assert [c.split(" ")[0] for c in _article_cards(driver)] == [SEED_002]
    _back_to_list(driver)
    _open_story(driver, HAFTAR)
    assert [c.split(" ")[0] for c in _article_cards(driver)] == [TEASER, *REWRITES]
    assert console_errors(driver) == []


def test_the_full_version_is_drawn_not_in_the_pile(driver, haftar) -> None:
    _open(driver, haftar)
    _open_story(driver, HAFTAR)
    hidden = driver.find_elements("css selector", "svg.graph g.node.hidden")
    assert len(hidden) == 1
    assert "الشرق الأوسط" in hidden[0].text and "not in the pile" in hidden[0].text
    dashes = driver.execute_script(
        "return getComputedStyle(arguments[0].querySelector('rect')).strokeDasharray", hidden[0]
    )
    assert dashes not in ("", "none")
    articles = driver.find_elements("css selector", "svg.graph g.node.article")
    assert len(articles) == 4
    assert all(
        driver.execute_script(
            "return getComputedStyle(arguments[0].querySelector('rect')).strokeDasharray", node
        )
        in ("", "none")
        for node in articles
    )
    # Four arrows from it, each labelled with the share of its target reused.
    labels = [e.text for e in driver.find_elements("css selector", "svg.graph g.edge text")]
    assert len(labels) == 4 and all(label.endswith("%") for label in labels)
    screenshot(driver, "report-haftar-story")


def _edge_to(driver: Any, article: str) -> Any:
    for edge in driver.find_elements("css selector", "svg.graph g.edge"):
        title = driver.execute_script(
            "return arguments[0].querySelector('title').textContent", edge
        )
        if f"→ {article}" in title.replace("\u2066", "").replace("\u2069", ""):
            return edge
    raise AssertionError(f"no edge to {article}")


@pytest.mark.parametrize("rewrite", REWRITES)
def test_each_rewrite_opens_side_by_side_with_passages_in_matching_colours(
    driver, haftar, rewrite
) -> None:
    _open(driver, haftar)
    _open_story(driver, HAFTAR)
    _edge_to(driver, rewrite).click()
    view = driver.find_element("css selector", ".pair-view")
    sides = view.find_elements("css selector", ".side")
    assert len(sides) == 2
    heads = [side.find_element("css selector", ".side-head strong").text for side in sides]
    assert any(head.startswith(rewrite) for head in heads)
    colours = []
    for side in sides:
        text = side.find_element("css selector", ".text")
        assert (
            driver.execute_script("return getComputedStyle(arguments[0]).direction", text) == "rtl"
        )
        first = text.find_element("css selector", ".psg.p0")
        assert first.is_displayed() and first.text.strip()
        colours.append(first.value_of_css_property("background-color"))
    assert colours[0] == colours[1] and colours[0] not in ("rgba(0, 0, 0, 0)", "transparent")
    # The edge's evidence is listed in words above the texts.
    assert "common-source" in view.find_element("css selector", ".via").text
    assert "#story=s1&pair=" in driver.current_url  # a link to this very view
    screenshot(driver, f"report-haftar-pair-{rewrite[:3]}")
    assert console_errors(driver) == []


def test_a_shared_link_opens_the_pair_it_names(driver, haftar) -> None:
    _open(driver, haftar, "#story=s1&pair=0")
    sides = driver.find_elements("css selector", ".pair-view .side")
    assert len(sides) == 2 and sides[0].find_elements("css selector", ".psg")


def test_search_sort_and_pages(driver, tmp_path) -> None:
    stories = [Story(f"s{n}", f"خبر رقم {n}", [], None, None, 0, [], [], []) for n in range(1, 121)]
    stories[41].label = "الأمير يستقبل السفير"
    report = tmp_path / "many.html"
    write(Trace(articles=[], alignments=[], stories=stories), report)
    _open(driver, report)
    assert len(_rows(driver)) == 50
    assert "page 1 of 3" in driver.find_element("id", "page").text
    driver.find_element("id", "next").click()
    assert _rows(driver)[0]["id"] == "s51"
    driver.find_element("css selector", "th[data-key=id] button").click()  # s1, s2 … s120
    driver.find_element("css selector", "th[data-key=id] button").click()  # descending
    assert _rows(driver)[0]["id"] == "s120"
    # Hamza forms are folded: «الامير» finds «الأمير».
    driver.find_element("id", "search").send_keys("الامير")
    _wait(lambda: len(_rows(driver)) == 1)
    assert [r["id"] for r in _rows(driver)] == ["s42"]
    assert "1 story of 120 match" in driver.find_element("id", "count").text


def _wait(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """The search waits for a pause in typing before it filters."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.05)


# -- a hostile pile ----------------------------------------------------------------------------

NASTY = (
    '<script>window.pwned=1</script> <img src=x onerror="window.pwned=1"> '
    "</script><!-- javascript:alert(1) \u202eمقلوب\u202c \u2067عزل\u2069"
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles sharing a passage, markup and direction controls everywhere: text, ids,
    outlets, titles, URLs."""
    folder = tmp_path_factory.mktemp("hostile")
    body = (EXAMPLE / f"{REWRITES[0]}.txt").read_text(encoding="utf-8")[150:1300]
    records = [
        {
            "id": 'evil"><svg onload=window.pwned=1>',
            "text": f"{NASTY}\n\n{body}\n{NASTY}",
            "outlet": "<img src=x onerror=window.pwned=1>",
            "url": "javascript:alert(1)",
            "title": "عنوان <b onmouseover=window.pwned=1>\u202e",
            "date": "2020-03-01",
        },
        {
            "id": "copy",
            "text": f"مقدمة مختلفة.\n{body}\n{NASTY}",
            "outlet": "شبكة «الاختبار»",
            "url": "https://example.org/?q=<script>",
            "title": "</script><script>window.pwned=1</script>",
            "date": "2020-03-02",
        },
    ]
    pile = folder / "pile.jsonl"
    pile.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return _report([str(pile)], folder / "hostile.html")


def test_hostile_text_stays_text(driver, hostile) -> None:
    _open(driver, hostile)
    _click_story(driver, driver.find_elements("css selector", "#stories-body tr a")[0].text)
    assert driver.find_elements("css selector", ".pairs button")  # the story is drawn
    for button in driver.find_elements("css selector", ".pairs button"):
        button.click()
    for summary in driver.find_elements("css selector", "details > summary"):
        driver.execute_script("arguments[0].click()", summary)
    for edge in driver.find_elements("css selector", "svg.graph g.edge"):
        edge.click()
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    hrefs = driver.execute_script("return [...document.links].map(a => a.href)")
    assert not [h for h in hrefs if not h.startswith(("file:", "https:", "http:"))]
    scripts = driver.execute_script("return document.scripts.length")
    # the story list, where it opens, the report's script, one story block: no more
    assert scripts == 4
    page = driver.find_element("tag name", "body").text
    assert "<script>window.pwned=1</script>" in page
    assert '<img src=x onerror="window.pwned=1">' in page
    assert "javascript:alert(1)" in page  # shown as text, never a link
    assert "⟦RLO⟧" in page and "⟦RLI⟧" in page and "\u202e" not in page
    screenshot(driver, "report-hostile")
    assert console_errors(driver) == []


def test_a_story_names_the_stories_it_is_kept_apart_from_and_opens_them(driver, tmp_path) -> None:
    """Two days' bulletins and a paper's copy of each (tests/test_slots.py): each story says
    which story it is kept apart from and why, and its link opens that story."""
    articles = [Article(**row) for row in bulletins()]
    result = trace(articles, Config(provenance=ProvenanceConfig(trust_dates=False)))
    report = tmp_path / "bulletins.html"
    write(result, report)
    mine = next(s for s in result.stories if "spa-mon" in s.articles)
    other = next(s for s in result.stories if "spa-tue" in s.articles)
    _open(driver, report, f"#story={mine.id}")
    section = driver.find_element("css selector", "#story-view .kept-apart")
    assert "Kept apart" in section.text and "spa-mon" in section.text and "spa-tue" in section.text
    assert "الاثنين" in section.text and "other slots" in section.text
    screenshot(driver, "report-kept-apart")
    section.find_element("link text", other.id).click()
    _wait(lambda: "spa-tue" in " ".join(_article_cards(driver)))
    back = driver.find_element("css selector", "#story-view .kept-apart")
    # The other side tells its own slot words first.
    assert mine.id in back.text and back.text.split("«", 1)[1].startswith("الثلاثاء")
    assert console_errors(driver) == []
