"""``naql serve`` opened in headless Chromium, as a reader would use it: uvicorn serves an
index of the Haftar example (plus one page whose text holds markup) on a loopback port, and
the browser walks the story list, a story's graph, a pair side by side, the paste-an-article
form, and the page with markup in it, which must stay text.

Needs Debian's chromium and chromium-driver and the web extra (fastapi, uvicorn); skips,
saying why, without them. Screenshots go to tests/artifacts/ (printed; ``pytest -s`` shows).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors, missing, screenshot
from conftest import EXAMPLE, bulletins_file

from naql.cli import main

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"browser tests: {missing()}")

pytest.importorskip("fastapi", reason="naql serve needs fastapi: pip install -e '.[web]'")
uvicorn = pytest.importorskip("uvicorn", reason="naql serve needs uvicorn: pip install -e '.[web]'")

from naql.server import create_app  # noqa: E402 (after the skips: it imports fastapi)

HAFTAR = "حفتر زار دمشق"  # the Haftar story's label begins so
ASHARQ = "الشرق الأوسط"  # its origin: Asharq Al-Awsat's full version, not in the pile
TEASER = "000_29410af33499cb13#1"
CREDITING = "001_c815468371a09db8"
REWRITE = "004_d61fa5c1789e1101"
ARTICLES = (TEASER, CREDITING, "003_0298d090f25e48f7", REWRITE)

INJECTED_LABEL = "صفحة محقونة"
SCRIPT = "<script>window.pwned=1</script>"
IMAGE = '<img src=x onerror="window.pwned=1">'
INJECTED = {
    "id": "injected",
    "outlet": "شبكة الاختبار",
    "title": INJECTED_LABEL,
    "text": (
        "هطلت أمطار غزيرة على المدينة صباح اليوم وأغلقت عدة طرق رئيسية أمام حركة السير، "
        "وقالت هيئة الأرصاد إن الأمطار ستستمر حتى نهاية الأسبوع.\n\n"
        f"{SCRIPT} {IMAGE}\n\n"
        "ودعت الهيئة السكان إلى تجنب الأودية ومجاري السيول والالتزام بتعليمات الدفاع المدني."
    ),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example indexed, then a page with markup in its text added to the same index."""
    folder = tmp_path_factory.mktemp("serve-browser")
    path = folder / "naql.db"
    assert main(["index", "add", str(EXAMPLE), "--db", str(path), "-q"]) == 0
    extra = folder / "injected.jsonl"
    extra.write_text(json.dumps(INJECTED, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["index", "add", str(extra), "--db", str(path), "-q"]) == 0
    return path


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread; its base URL."""
    yield from _served(db)


def _served(db: Path) -> Iterator[str]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # bound here and handed over: no race for the port
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _answers(url), seconds=15, why=lambda: f"the server never answered {url}")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        assert not thread.is_alive(), "the server did not shut down"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _wait(
    condition: Callable[[], bool], seconds: float = 5.0, why: Callable[[], str] | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(why() if why else "the page did not get there in time")
        time.sleep(0.05)


def _open(driver: Any, url: str) -> None:
    driver.get(url)
    driver.get_log("browser")  # start each page with an empty log


def _direction(driver: Any, element: Any) -> str:
    return str(driver.execute_script("return getComputedStyle(arguments[0]).direction", element))


def _list_rows(driver: Any) -> list[dict[str, Any]]:
    """The rows of the served story list (the plain page at ``/``)."""
    rows = []
    for tr in driver.find_elements("css selector", "main table tr"):
        cells = tr.find_elements("tag name", "td")
        if cells:
            rows.append({"id": cells[0].text, "label": cells[3], "origin": cells[4]})
    return rows


def _haftar_id(driver: Any, base: str) -> str:
    """The Haftar story's id (ids change at every add: read from the list)."""
    _open(driver, base + "/")
    return str(next(r["id"] for r in _list_rows(driver) if r["label"].text.startswith(HAFTAR)))


def _open_story(driver: Any) -> Any:
    """A served story, article or pair page is the report of its one story, opened on it
    (its list holds that story alone, and «All stories» leads to the server's list)."""
    rows = driver.find_elements("css selector", "#stories-body tr")
    assert len(rows) == 1, "a served page holds one story"
    view = driver.find_element("css selector", "#story-view")
    _wait(view.is_displayed)
    back = view.find_element("css selector", "a.back")
    assert urllib.parse.urlsplit(back.get_attribute("href")).path == "/"
    return view


def test_the_story_list_shows_the_haftar_story_and_its_origin(driver, base) -> None:
    _open(driver, base + "/")
    rows = _list_rows(driver)
    assert len(rows) == 4  # Haftar, Sullivan (page 000's second story), seed 002, injected
    haftar = next(r for r in rows if r["label"].text.startswith(HAFTAR))
    assert haftar["label"].is_displayed() and haftar["origin"].is_displayed()
    assert ASHARQ in haftar["origin"].text and "not in the pile" in haftar["origin"].text
    assert _direction(driver, haftar["label"]) == "rtl"
    screenshot(driver, "serve-list")
    assert console_errors(driver) == []
    haftar["label"].find_element("tag name", "a").click()
    # The click starts a navigation the driver need not wait for.
    _wait(lambda: urllib.parse.urlsplit(driver.current_url).path == f"/stories/{haftar['id']}")


def test_the_story_page_draws_the_full_version_not_in_the_pile(driver, base) -> None:
    story = _haftar_id(driver, base)
    _open(driver, f"{base}/stories/{story}")
    view = _open_story(driver)
    assert view.find_element("css selector", "h2").text.startswith(HAFTAR)
    hidden = driver.find_elements("css selector", "svg.graph g.node.hidden")
    assert len(hidden) == 1 and hidden[0].is_displayed()
    assert ASHARQ in hidden[0].text and "not in the pile" in hidden[0].text
    dashes = driver.execute_script(
        "return getComputedStyle(arguments[0].querySelector('rect')).strokeDasharray", hidden[0]
    )
    assert dashes not in ("", "none")
    nodes = driver.find_elements("css selector", "svg.graph g.node.article")
    assert sorted(n.text.split("\n")[-1] for n in nodes) == sorted(ARTICLES)
    assert len(driver.find_elements("css selector", "svg.graph g.edge")) == 4
    screenshot(driver, "serve-story")
    assert console_errors(driver) == []


def test_a_pair_page_shows_its_passages_highlighted_right_to_left(driver, base) -> None:
    query = urllib.parse.urlencode({"a": TEASER, "b": REWRITE})
    _open(driver, f"{base}/pairs?{query}")
    view = _open_story(driver)
    compare = view.find_elements("css selector", ".pairs button")
    assert len(compare) == 1  # the page's story is cut to its two articles
    pair = driver.find_element("css selector", ".pair-view")  # opened on its pair
    _wait(pair.is_displayed)
    sides = pair.find_elements("css selector", ".side")
    heads = [side.find_element("css selector", ".side-head strong").text for side in sides]
    assert [head.split(" ")[0] for head in heads] == [TEASER, REWRITE]
    colours = []
    for side in sides:
        text = side.find_element("css selector", ".text")
        assert _direction(driver, text) == "rtl"
        passage = text.find_element("css selector", ".psg.p0")
        assert passage.is_displayed() and passage.text.strip()
        assert _direction(driver, passage) == "rtl"
        colours.append(passage.value_of_css_property("background-color"))
    assert colours[0] == colours[1] and colours[0] not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot(driver, "serve-pair")
    assert console_errors(driver) == []


def test_a_pasted_seed_lists_its_sources_and_the_story_it_would_join(driver, base) -> None:
    story = _haftar_id(driver, base)
    _open(driver, base + "/query")
    text = next(EXAMPLE.glob("004*.txt")).read_text(encoding="utf-8")
    box = driver.find_element("css selector", "textarea[name=text]")
    # Pasting: the whole text at once, as a paste puts it (typing 3,800 letters is slow).
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        box,
        text,
    )
    driver.find_element("css selector", "form button").click()
    _wait(lambda: bool(driver.find_elements("xpath", "//h2[text()='Result']")), seconds=15)
    result = driver.find_element("css selector", "main").text
    assert "would join" in result and f"story {story}: {HAFTAR}" in result
    joins = driver.find_element("xpath", "//th[text()='would join']/following-sibling::td/a")
    assert urllib.parse.urlsplit(joins.get_attribute("href")).path == f"/stories/{story}"
    sources = [
        link.text
        for link in driver.find_elements("xpath", "//h3[starts-with(., 'Sources')]/following::a")
        if urllib.parse.urlsplit(link.get_attribute("href")).path.startswith("/articles/")
    ]
    assert CREDITING in sources and TEASER in sources
    assert ASHARQ in result  # the teaser's outlet, and the likely origin
    pasted = driver.find_element("css selector", "textarea[name=text]")  # kept in the form
    assert pasted.get_attribute("value") == text and _direction(driver, pasted) == "rtl"
    screenshot(driver, "serve-query")
    assert console_errors(driver) == []


def test_markup_in_an_indexed_article_stays_text(driver, base) -> None:
    _open(driver, base + "/")
    row = next(r for r in _list_rows(driver) if r["label"].text == INJECTED_LABEL)
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    _open(driver, f"{base}/articles/{INJECTED['id']}")
    _open_story(driver)
    assert urllib.parse.urlsplit(driver.current_url).fragment == f"story={row['id']}"
    card = driver.find_element("css selector", "article.card")
    card.find_element("css selector", "details > summary").click()
    body = card.find_element("css selector", "details")
    _wait(lambda: SCRIPT in body.text)
    assert IMAGE in body.text
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    # the list, where the page opens, the script, the story
    assert driver.execute_script("return document.scripts.length") == 4
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", body)
    screenshot(driver, "serve-injected")
    assert console_errors(driver) == []


def test_a_story_page_links_the_story_it_is_kept_apart_from(driver, tmp_path) -> None:
    """Two days' bulletins and a paper's copy of each, indexed: each served story says which
    story it is kept apart from and why, and the link opens that story's page."""
    pile = bulletins_file(tmp_path)
    db = tmp_path / "naql.db"
    assert main(["index", "add", str(pile), "--db", str(db), "--no-trust-dates", "-q"]) == 0
    served = _served(db)
    url = next(served)
    try:
        _open(driver, url + "/articles/spa-mon")
        apart = _open_story(driver).find_element("css selector", ".kept-apart")
        assert "spa-tue" in apart.text and "other slots" in apart.text
        link = apart.find_element("css selector", "li a")
        other = link.text
        assert urllib.parse.urlsplit(link.get_attribute("href")).path == f"/stories/{other}"
        screenshot(driver, "serve-kept-apart")
        link.click()
        _wait(lambda: urllib.parse.urlsplit(driver.current_url).path == f"/stories/{other}")
        cards = _open_story(driver).find_elements("css selector", "article.card h4")
        assert "spa-tue" in " ".join(card.text for card in cards)
        assert "spa-mon" in driver.find_element("css selector", ".kept-apart").text
        assert console_errors(driver) == []
    finally:
        served.close()
