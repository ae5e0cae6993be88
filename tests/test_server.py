"""``naql serve``: the web app and JSON API over an index of the Haftar example (and one page
whose title and text hold a ``<script>``), driven in-process with FastAPI's TestClient."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette prefers httpx2 now; httpx is what we install
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from naql.cli import main
from naql.records import Trace, from_json
from naql.server import create_app
from naql.store import open_store
from naql.store.browse import story_trace

TEASER = "000_29410af33499cb13#1"  # Asharq Al-Awsat's truncated teaser
CREDITING = "001_c815468371a09db8"  # credits Asharq Al-Awsat and SANA
REWRITE = "004_d61fa5c1789e1101"  # Al-Ayyam al-Suriya's rewrite
HAFTAR_LABEL = "حفتر زار دمشق سراً للتنسيق ضد إردوغان"
PAYLOAD = "<script>alert('naql')</script>"
EVIL = {
    "id": "evil",
    "outlet": "<b>outlet</b>",
    "title": f"{PAYLOAD} أمطار غزيرة على المدينة",
    "text": (
        "هطلت أمطار غزيرة على المدينة صباح اليوم وأغلقت عدة طرق رئيسية أمام حركة السير، "
        "وقالت هيئة الأرصاد إن الأمطار ستستمر حتى نهاية الأسبوع مع انخفاض في درجات الحرارة.\n\n"
        f"{PAYLOAD}\n\n"
        "ودعت الهيئة السكان إلى تجنب الأودية ومجاري السيول والالتزام بتعليمات الدفاع المدني، "
        "فيما أعلنت المدارس تعليق الدراسة يوم غد حفاظا على سلامة الطلاب والمعلمين."
    ),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve")
    extra = folder / "evil.jsonl"
    extra.write_text(json.dumps(EVIL, ensure_ascii=False) + "\n", encoding="utf-8")
    path = folder / "naql.db"
    assert main(["index", "add", str(EXAMPLE), str(extra), "--db", str(path), "-q"]) == 0
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), raise_server_exceptions=False) as test_client:
        yield test_client


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]
    return str(body["error"])


# -- the API ---------------------------------------------------------------------------------------


def test_stories_list_the_haftar_story_with_its_origin(client: TestClient) -> None:
    listed = client.get("/api/stories").json()
    assert listed["total"] == len(listed["stories"]) >= 3
    haftar = listed["stories"][0]
    assert haftar["id"] == "s1" and haftar["size"] == 4 and haftar["label"] == HAFTAR_LABEL
    assert haftar["origin"] == "hidden:aawsat"
    assert haftar["origin_name"].startswith("الشرق الأوسط (full version")
    assert haftar["independent_sources"] == 1 and haftar["sources"] == ["الشرق الأوسط"]

    def ids(query: str) -> list[str]:
        response = client.get("/api/stories" + query)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["stories"]]

    assert ids("?min_size=2") == ["s1"]
    assert ids("?outlet=bloomberg") == ["s2"]  # a source not in the pile
    assert ids("?q=حفتر")[0] == "s1"
    assert ids("?q=احمد+زار") == []
    assert ids("?limit=1&offset=1") == [listed["stories"][1]["id"]]
    assert client.get("/api/stories?limit=1").json()["total"] == listed["total"]
    assert "not a date" in _error(client.get("/api/stories?since=July"), 422)
    assert "limit" in _error(client.get("/api/stories?limit=0"), 422)


def test_a_story_is_its_trace(client: TestClient, db: Path) -> None:
    data = client.get("/api/stories/s1").json()
    trace = from_json(Trace, data)
    store = open_store(db, readonly=True)
    try:
        assert trace == story_trace(store, "s1")
    finally:
        store.close()
    story = trace.stories[0]
    assert story.origin == "hidden:aawsat" and len(trace.articles) == 4
    assert {v.article for v in trace.verdicts} == set(story.articles)
    assert trace.alignments and any(c.name == "سانا" for c in trace.attributions)


def test_an_article_has_its_story_verdict_and_credits(client: TestClient) -> None:
    data = client.get(f"/api/articles/{CREDITING}").json()
    assert data["article"]["id"] == CREDITING and data["story"]["id"] == "s1"
    assert data["verdict"]["derivation"] == "partially derived"
    assert data["verdict"]["sources"][0]["source"] == "hidden:aawsat"
    assert {(c["name"], c["role"]) for c in data["credits"]} >= {("سانا", "source")}
    assert data["alignments"] and set(data["partners"]) >= {TEASER, REWRITE}
    # An id with «#» is one path segment once quoted.
    teaser = client.get("/api/articles/000_29410af33499cb13%231").json()
    assert teaser["verdict"]["derivation"] == "excerpt"


def test_a_pair_has_its_passages(client: TestClient) -> None:
    data = client.get("/api/pairs", params={"a": REWRITE, "b": CREDITING}).json()
    assert data["a"]["id"] == REWRITE and data["b"]["id"] == CREDITING
    assert data["alignment"]["passages"] and {data["alignment"]["a"], data["alignment"]["b"]} == {
        REWRITE,
        CREDITING,
    }
    none = client.get("/api/pairs", params={"a": REWRITE, "b": "evil"}).json()
    assert none["alignment"] is None


def test_a_query_finds_the_sources_of_a_seed_text(client: TestClient, db: Path) -> None:
    text = next(EXAMPLE.glob("004_*.txt")).read_text(encoding="utf-8")
    before = db.stat().st_mtime_ns
    response = client.post("/api/query", json={"text": text, "title": "t", "outlet": "x"})
    assert response.status_code == 200, response.text
    result = response.json()
    sources = {s["article"]: s for s in result["sources"]}
    assert sources[REWRITE]["query_share"] > 0.9  # itself
    assert {CREDITING, TEASER} <= set(sources)
    assert result["story"]["id"] == "s1"
    assert result["origin"].startswith("الشرق الأوسط (full version")
    assert result["added"] is False and result["candidates"] >= len(sources)
    assert db.stat().st_mtime_ns == before  # nothing written


def test_not_found_is_json_with_a_reason(client: TestClient) -> None:
    assert "nosuch" in _error(client.get("/api/stories/nosuch"), 404)
    reason = _error(client.get("/api/articles/000_29410af33499cb13"), 404)
    assert "was split into" in reason and TEASER in reason
    assert _error(client.get("/api/pairs", params={"a": "x", "b": REWRITE}), 404)
    assert _error(client.get("/api/nosuch"), 404)
    assert _error(client.delete("/api/stories"), 405)


def test_bodies_over_the_limit_are_refused(db: Path) -> None:
    with TestClient(create_app(db, max_body=1000)) as small:
        big = json.dumps({"text": "حفتر " * 400})
        headers = {"content-type": "application/json"}
        reason = _error(small.post("/api/query", content=big, headers=headers), 413)
        assert "1000 bytes" in reason

        def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for start in range(0, len(big), 256):
                yield big[start : start + 256].encode()

        assert _error(small.post("/api/query", content=streamed(), headers=headers), 413)
        page = small.post("/query", content=b"text=" + b"x" * 2000)
        assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")


def test_bad_queries_are_refused_with_a_reason(client: TestClient) -> None:
    assert "adding is off" in _error(
        client.post("/api/query", json={"text": "x", "add": True}), 403
    )
    assert "text" in _error(client.post("/api/query", json={"title": "no text"}), 422)
    assert _error(client.post("/api/query", json={"text": "حفتر", "nosuch": 1}), 422)
    assert "words" in _error(client.post("/api/query", json={"text": "!!! ..."}), 422)
    surrogate = b'{"text": "\\ud800 \xd8\xad\xd9\x81\xd8\xaa\xd8\xb1"}'
    headers = {"content-type": "application/json"}
    assert "body.text" in _error(client.post("/api/query", content=surrogate, headers=headers), 422)
    assert _error(client.post("/api/query", content=b"{not json", headers=headers), 422)


def test_an_internal_error_is_logged_not_shown(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from naql.server import api

    def broken(*_: object) -> None:
        raise RuntimeError("secret detail in /srv/naql")

    monkeypatch.setattr(api, "story_trace", broken)
    response = client.get("/api/stories/s1")
    assert _error(response, 500) == "internal error"
    assert "secret" not in response.text
    assert "secret detail" in caplog.text


def test_openapi_describes_the_records(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}"} <= set(
        spec["paths"]
    )
    assert {"Trace", "StorySummary", "QueryAnswer", "QueryIn", "ErrorOut"} <= set(
        spec["components"]["schemas"]
    )
    story = spec["paths"]["/api/stories/{story_id}"]["get"]["responses"]
    assert story["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Trace")
    assert story["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert client.get("/docs").status_code == 200


# -- adding, when allowed --------------------------------------------------------------------------


def test_an_allowed_add_is_found_by_the_next_query(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    text = EVIL["text"].replace("المدينة", "العاصمة")
    with TestClient(create_app(copy, allow_add=True)) as writer:
        first = writer.post("/api/query", json={"text": text, "id": "new", "add": True}).json()
        assert first["added"] is True
        assert writer.get("/api/articles/new").status_code == 200
        # The cached query index was loaded again: the new article is its own source now.
        again = writer.post("/api/query", json={"text": text}).json()
        assert "new" in {s["article"] for s in again["sources"]}


# -- the pages -------------------------------------------------------------------------------------


@pytest.fixture(params=["report", "plain"])
def pages(request: pytest.FixtureRequest, client: TestClient) -> Iterator[TestClient]:
    """The pages with naql.report.html's views when it is installed, and with the plain
    templates."""
    state = client.app.state  # type: ignore[attr-defined]
    kept = state.report
    if request.param == "report" and kept is None:
        pytest.skip("naql.report.html is not installed")
    if request.param == "plain":
        state.report = None
    yield client
    state.report = kept


def _html(response, status: int = 200) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert PAYLOAD not in response.text
    return str(response.text)


def test_pages_show_the_story_and_escape_what_they_show(pages: TestClient) -> None:
    home = _html(pages.get("/"))
    assert HAFTAR_LABEL in home and 'href="/stories/s1"' in home
    assert "&lt;script&gt;" in home  # the page with the script tag heads a story of its own
    assert HAFTAR_LABEL in _html(pages.get("/", params={"q": "حفتر"}))
    evil_story = pages.get("/api/articles/evil").json()["story"]["id"]
    for path in (
        "/stories/s1",
        f"/stories/{evil_story}",
        f"/articles/{CREDITING}",
        "/articles/evil",
        "/articles/000_29410af33499cb13%231",
    ):
        html = _html(pages.get(path))
        assert HAFTAR_LABEL in html or "أمطار غزيرة" in html, path
    for path in (f"/pairs?a={REWRITE}&b={CREDITING}", f"/pairs/{REWRITE}/{CREDITING}"):
        html = _html(pages.get(path))
        assert "ماذا وراء زيارة خليفة حفتر" in html and "صحيفة: حفتر زار دمشق" in html, path


def test_plain_pages_escape_markup(pages: TestClient) -> None:
    if pages.app.state.report is not None:  # type: ignore[attr-defined]
        pytest.skip("the report escapes in its own way (JSON blocks, textContent)")
    html = _html(pages.get("/articles/evil"))
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;outlet&lt;/b&gt;" in html


def test_the_query_page_shows_sources_story_and_origin(pages: TestClient) -> None:
    assert "<textarea" in _html(pages.get("/query"))
    text = next(EXAMPLE.glob("004_*.txt")).read_text(encoding="utf-8")
    html = _html(pages.post("/query", data={"text": text + "\n" + PAYLOAD, "title": PAYLOAD}))
    assert f'href="/articles/{REWRITE}"' in html and 'href="/stories/s1"' in html
    assert "الشرق الأوسط (full version" in html and "&lt;script&gt;" in html
    assert "paste" in _html(pages.post("/query", data={"text": " "}), 422)


def test_page_errors_are_small_pages(pages: TestClient) -> None:
    html = _html(pages.get("/stories/<img src=x onerror=alert(1)>"), 404)
    assert "no story" in html and "<img" not in html and "Traceback" not in html
    assert "not a date" in _html(pages.get("/", params={"since": "soon"}), 422)
    _html(pages.get("/nosuch"), 404)


# -- naql serve ------------------------------------------------------------------------------------


def test_serve_binds_to_loopback_by_default(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options, app=app))
    assert main(["serve", "--db", str(db)]) == 0
    assert started["host"] == "127.0.0.1" and started["port"] == 8000
    assert started["app"].state.served.allow_add is False  # type: ignore[attr-defined]


def test_serve_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--db", str(tmp_path / "nosuch.db")]) == 2
    assert "no such index" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi raises ImportError
    assert main(["serve", "--db", str(tmp_path / "nosuch.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "naql: the web app needs FastAPI and uvicorn: pip install 'naql[web]'"
