"""The HTML pages: the story list, a story, an article, a pair side by side, and a form to paste
an article. Each has its JSON twin under ``/api``.

A story, article or pair page shows its one-story trace with :func:`naql.report.html.render`
when that module is there (the same views as the report); until then, with the small
templates beside this module. :func:`trace_page` is the one place that chooses. Every
template autoescapes: ids, titles and texts are never written into the page unescaped.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import logging
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from naql.records import Alignment, Article, Span, Trace
from naql.report.terminal import excerpt
from naql.server.api import Index, date_param
from naql.server.served import Served, has_words, list_stories, pair, query_id
from naql.store import SqliteStore
from naql.store.browse import StoryFilter, article_view, articles, story_trace

log = logging.getLogger("naql.server")
router = APIRouter(include_in_schema=False)
PER_PAGE = 50
SOURCES_SHOWN = 20  # sources of a pasted article listed with their passages

Renderer = Callable[..., str]


@functools.cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["excerpt"] = lambda text, span: excerpt(text, span.start, span.end)
    environment.filters["pct"] = lambda share: f"{share:.0%}"
    environment.filters["q"] = lambda params: urllib.parse.urlencode(
        {k: v for k, v in params.items() if v not in (None, "")}
    )
    return environment


def render(template: str, **context: Any) -> str:
    return _templates().get_template(template).render(**context)


# The plain pages need no script, no frame and nothing from elsewhere: a policy that says so
# makes markup that slipped past escaping inert. (The report sets its own policy.)
HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
}


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status, headers=HEADERS)


def error_page(status: int, reason: str) -> str:
    return render("error.html", title=f"{status}", status=status, reason=reason)


def report_renderer() -> Renderer | None:
    """``naql.report.html.render`` when that module is installed, else None (the pages then use
    their own templates)."""
    try:
        module = importlib.import_module("naql.report.html")
    except ModuleNotFoundError as error:
        if error.name not in ("naql.report.html", "naql.report"):
            log.warning("naql.report.html cannot be imported (%s): using the plain pages", error)
        return None
    except ImportError as error:
        log.warning("naql.report.html cannot be imported (%s): using the plain pages", error)
        return None
    render_trace = getattr(module, "render", None)
    return render_trace if callable(render_trace) else None


def trace_page(
    request: Request,
    make_trace: Callable[[], Trace],
    title: str,
    template: str,
    route: Callable[[Trace], str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A one-story trace as a page: the report's views when the report is there, else the
    template's. The one place the pages switch. ``make_trace`` is called only for the report
    (a large story's trace takes a second to read)."""
    report: Renderer | None = request.app.state.report
    if report is not None:
        trace = make_trace()
        opening = route(trace) if route is not None and trace.stories else None
        return HTMLResponse(report(trace, title=title, route=opening, home="/"))
    return page(template, title=title, **context)


# -- the story list --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(
    index: Index,
    q: Annotated[str | None, Query(max_length=200)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    since: str | None = None,
    until: str | None = None,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    where = StoryFilter(
        since=date_param(since), until=date_param(until), outlet=outlet, min_size=min_size
    )
    with index.reading() as store:
        total, shown = list_stories(store, where, q, (page_ - 1) * PER_PAGE, PER_PAGE)
    params = {"q": q, "outlet": outlet, "since": since, "until": until}
    if min_size > 1:
        params["min_size"] = str(min_size)
    return page(
        "stories.html",
        title="Stories",
        stories=shown,
        total=total,
        page=page_,
        pages=max(1, -(-total // PER_PAGE)),
        params=params,
        db=index.db.name,
    )


# -- a story, an article, a pair -------------------------------------------------------------------


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str, index: Index) -> HTMLResponse:
    with index.reading() as store:
        trace = story_trace(store, story_id)
    if trace is None:
        raise HTTPException(404, f"no story «{story_id}» in the index (ids change at every add)")
    story = trace.stories[0]
    return trace_page(
        request,
        lambda: trace,
        f"Story {story.id}: {story.label}",
        "story.html",
        route=lambda found: f"story={found.stories[0].id}",
        trace=trace,
        story=story,
        by_id={a.id: a for a in trace.articles},
        verdicts={v.article: v for v in trace.verdicts},
        hidden={h.id: h.name for h in story.hidden},
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: str, index: Index) -> HTMLResponse:
    with index.reading() as store:
        view = article_view(store, article_id)
        if view is None:
            raise HTTPException(404, f"no article «{article_id}» in the index")

        def make_trace() -> Trace:
            found = story_trace(store, view.story.id) if view.story is not None else None
            return found or Trace(articles=[view.article], alignments=[])

        return trace_page(
            request,
            make_trace,
            f"Article {view.article.label}",
            "article.html",
            route=lambda found: f"story={found.stories[0].id}",
            view=view,
            quotes=[_quote(view.article, c.where, c.span) for c in view.credits],
        )


@router.get("/pairs", response_class=HTMLResponse)
def pair_page(request: Request, a: str, b: str, index: Index) -> HTMLResponse:
    with index.reading() as store:
        first, second, alignment = pair(store, a, b)  # NotFound: a 404 page
        passages = alignment.passages if alignment is not None else []
        flip = alignment is not None and alignment.a != first.id
        spans = [(p.b_span, p.a_span) if flip else (p.a_span, p.b_span) for p in passages]
        return trace_page(
            request,
            lambda: _pair_trace(store, first, second, alignment),
            f"{first.label} ⇄ {second.label}",
            "pair.html",
            route=lambda found: (
                f"story={found.stories[0].id}" + ("&pair=0" if found.alignments else "")
            ),
            first=first,
            second=second,
            alignment=alignment,
            shares=_shares(alignment, first.id),
            passages=list(zip(passages, spans)),
            left=marked(first.text, [s[0] for s in spans]),
            right=marked(second.text, [s[1] for s in spans]),
        )


@router.get("/pairs/{a}/{b:path}", response_class=HTMLResponse)
def pair_path(request: Request, a: str, b: str, index: Index) -> HTMLResponse:
    """The same page addressed by path (ids without «/»; links use ``/pairs?a=…&b=…``)."""
    return pair_page(request, a, b, index)


def _pair_trace(
    store: SqliteStore, first: Article, second: Article, alignment: Alignment | None
) -> Trace:
    """The one-story trace of a pair: the story (or stories) of the two, cut to them."""
    ids = {first.id, second.id}
    story_ids = []
    for article_id in (first.id, second.id):
        view = article_view(store, article_id)
        if view is not None and view.story is not None and view.story.id not in story_ids:
            story_ids.append(view.story.id)
    traces = [t for s in story_ids if (t := story_trace(store, s)) is not None]
    stories = [
        dataclasses.replace(
            s,
            articles=[a for a in s.articles if a in ids],
            edges=[e for e in s.edges if {e.source, e.target} <= ids],
        )
        for t in traces
        for s in t.stories
    ]
    return Trace(
        articles=[first, second],
        alignments=[alignment] if alignment is not None else [],
        stories=stories,
        verdicts=[v for t in traces for v in t.verdicts if v.article in ids],
        attributions=[c for t in traces for c in t.attributions if c.article in ids],
    )


def _shares(alignment: Alignment | None, first: str) -> tuple[float, float]:
    if alignment is None:
        return 0.0, 0.0
    if alignment.a == first:
        return alignment.a_share, alignment.b_share
    return alignment.b_share, alignment.a_share


def marked(text: str, spans: list[Span]) -> list[tuple[str, int | None]]:
    """``text`` in pieces, each with the number (1…) of the passage it lies in, or None; a
    stretch two passages cover counts for the first."""
    pieces: list[tuple[str, int | None]] = []
    at = 0
    for number, span in sorted(enumerate(spans, 1), key=lambda item: item[1].start):
        start, end = max(span.start, at), min(span.end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], number))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def _quote(article: Article, where: str, span: Span) -> str:
    """The words a credit stands on, from the text or the metadata field it was read in."""
    if where == "text":
        field: Any = article.text
    elif where in ("title", "url"):
        field = getattr(article, where)
    else:  # a byline and other fields kept in meta
        field = article.meta.get(where)
    return excerpt(field, span.start, span.end) if isinstance(field, str) else ""


# -- paste an article ------------------------------------------------------------------------------


@router.get("/query", response_class=HTMLResponse)
def query_form() -> HTMLResponse:
    return page("query.html", title="Where did this come from?", form={})


@router.post("/query", response_class=HTMLResponse)
async def query_page(request: Request, index: Index) -> HTMLResponse:
    # The form is read by hand (urlencoded): FastAPI's Form() would need python-multipart.
    body = (await request.body()).decode("utf-8", "replace")
    form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    text = form.get("text", "")
    problem = None
    if not text.strip():
        problem = "paste the text of an article"
    elif not has_words(text):
        problem = "the text has no Arabic or Latin-script words to match"
    if problem is not None:
        return page("query.html", 422, title="Paste an article", form=form, problem=problem)
    url = form.get("url") or None
    pasted = Article(
        id=query_id(text, url),
        text=text,
        title=form.get("title") or None,
        outlet=form.get("outlet") or None,
        date=form.get("date") or None,
        url=url,
    )
    return await run_in_threadpool(_query_result, index, pasted, form)


def _query_result(index: Served, pasted: Article, form: dict[str, str]) -> HTMLResponse:
    result = index.query(pasted)
    shown = result.sources[:SOURCES_SHOWN]
    with index.reading() as store:
        found = articles(store, [s.article for s in shown])
    if result.article != pasted.id:
        # Cleaning split the paste into stories and the query read the first: its passages'
        # offsets are into that story's text.
        from naql.clean import CleanConfig, clean_articles

        pasted = clean_articles([pasted], CleanConfig()).articles[0]
    return page(
        "query.html",
        title="Where did this come from?",
        form=form,
        result=result,
        pasted=pasted,
        shown=shown,
        found=found,
    )
