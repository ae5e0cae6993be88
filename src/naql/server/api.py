"""The JSON API under ``/api``: the index's stories, one story's trace, one article, one pair,
and a query. Responses are naql's own records (:mod:`naql.records`, the JSON of ``naql trace``
and ``naql show --json``); their dataclasses are the response models, so ``/openapi.json``
describes exactly what is sent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from naql.errors import InputError
from naql.query import QueryResult
from naql.records import Alignment, Article, Attribution, Trace, Verdict, to_json
from naql.server.served import Served, has_words, list_stories, pair, query_id
from naql.store.browse import (
    StoryFilter,
    StorySummary,
    article_view,
    check_date,
    page_articles,
    story_trace,
)

router = APIRouter(prefix="/api", tags=["api"])


def served(request: Request) -> Served:
    """The index this app serves (a dependency: the endpoints open their own stores)."""
    return request.app.state.served  # type: ignore[no-any-return]


Index = Annotated[Served, Depends(served)]


class ErrorOut(BaseModel):
    """Every error: one line saying why."""

    error: str


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses an operation may give, for the OpenAPI document."""
    said = {
        400: "The body cannot be read (not UTF-8)",
        403: "Not allowed by how the server was started",
        404: "No such story or article",
        413: "Request body over the server's limit",
        422: "A parameter or the body is not valid",
        503: "The index cannot be read now (empty, busy or unreadable)",
    }
    return {code: {"model": ErrorOut, "description": said[code]} for code in (*codes, 503)}


class StoryList(BaseModel):
    """One page of the index's stories, largest first."""

    total: int = Field(description="Stories that pass the filters")
    offset: int
    limit: int
    stories: list[StorySummary]


class Partner(BaseModel):
    outlet: str | None
    outlet_name: str | None = None
    date: str | None
    title: str | None


class ArticleOut(BaseModel):
    """An article and what the index knows about it (``naql show ID --json``)."""

    article: Article
    story: StorySummary | None
    verdict: Verdict | None
    credits: list[Attribution]
    alignments: list[Alignment] = Field(description="With every other article, most shared first")
    partners: dict[str, Partner] = Field(description="The other articles of the alignments")
    names: dict[str, str] = Field(description="How to call each source the verdict names")


class PairOut(BaseModel):
    a: Article
    b: Article
    alignment: Alignment | None = Field(description="Their shared passages; null when none")


def _no_lone_surrogates(value: str | None) -> str | None:
    # JSON may carry "\ud800": a string no encoder (the stemmer, SQLite) accepts.
    if value is not None and any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("not valid Unicode (a lone surrogate)")
    return value


class QueryIn(BaseModel):
    """An article to look up: its text, and what is known about it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article's text (plain text)")
    title: str | None = None
    outlet: str | None = None
    date: str | None = Field(None, description="ISO date, e.g. 2015-07-21")
    url: str | None = Field(None, description="Also its id when given")
    id: str | None = Field(None, description="Default: the url, else one made from the text")
    add: bool = Field(False, description="Also add it to the index (server --allow-add only)")

    check_strings = field_validator("text", "title", "outlet", "date", "url", "id")(
        _no_lone_surrogates
    )

    def article(self) -> Article:
        return Article(
            id=self.id or query_id(self.text, self.url),
            text=self.text,
            title=self.title,
            outlet=self.outlet,
            date=self.date,
            url=self.url,
        )


@dataclass(slots=True)
class QueryAnswer(QueryResult):
    """The query's result (``naql query --json``), and whether it was added."""

    added: bool = False


def _json(data: Any) -> JSONResponse:
    # The records' own JSON (as the CLI writes it), sent as is: validating a large trace
    # against its model again would only cost time.
    return JSONResponse(to_json(data))


def date_param(value: str | None) -> str | None:
    """A date filter as given, or 422 when it is not one."""
    try:
        return None if value is None else check_date(value)
    except InputError as error:
        raise HTTPException(422, str(error)) from None


@router.get("/stories", response_model=StoryList, responses=errors(422), operation_id="listStories")
def list_stories_(
    index: Index,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in the label, origin or outlets")
    ] = None,
    since: Annotated[
        str | None, Query(description="Stories still running on or after (YYYY[-MM[-DD]])")
    ] = None,
    until: Annotated[str | None, Query(description="Stories begun on or before this date")] = None,
    outlet: Annotated[
        str | None,
        Query(max_length=200, description="With an article from this outlet, or it as a source"),
    ] = None,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    """The index's stories, largest first, filtered as ``naql stories`` filters them."""
    where = StoryFilter(
        since=date_param(since), until=date_param(until), outlet=outlet, min_size=min_size
    )
    with index.reading() as store:
        total, shown = list_stories(store, where, q, offset, limit)
    return _json({"total": total, "offset": offset, "limit": limit, "stories": shown})


@router.get(
    "/stories/{story_id}", response_model=Trace, responses=errors(404), operation_id="getStory"
)
def story(story_id: str, index: Index) -> JSONResponse:
    """One story as a trace of its own: the story, its articles, the alignments between them,
    their verdicts and credits (``naql show STORY --json``). Story ids change at every add."""
    with index.reading() as store:
        trace = story_trace(store, story_id)
    if trace is None:
        raise HTTPException(404, f"no story «{story_id}» in the index (ids change at every add)")
    return _json(trace)


@router.get(
    "/articles/{article_id:path}",
    response_model=ArticleOut,
    responses=errors(404),
    operation_id="getArticle",
)
def article(article_id: str, index: Index) -> JSONResponse:
    """One article: its story, verdict, credits and alignments (``naql show ID --json``)."""
    with index.reading() as store:
        view = article_view(store, article_id)
        if view is None:
            split = page_articles(store, article_id)
            hint = f" (page {article_id} was split into {', '.join(split)})" if split else ""
            raise HTTPException(404, f"no article «{article_id}» in the index{hint}")
    data = to_json(view)
    data["partners"] = view.partner_metadata()
    return JSONResponse(data)


@router.get("/pairs", response_model=PairOut, responses=errors(404), operation_id="getPair")
def pair_(
    a: Annotated[str, Query(description="An article id")],
    b: Annotated[str, Query(description="Another article id")],
    index: Index,
) -> JSONResponse:
    """Two articles and the passages they share."""
    with index.reading() as store:
        first, second, alignment = pair(store, a, b)  # NotFound: 404
    return _json({"a": first, "b": second, "alignment": alignment})


@router.post(
    "/query",
    response_model=QueryAnswer,
    responses=errors(400, 403, 413, 422),
    operation_id="query",
)
def query(body: QueryIn, index: Index) -> JSONResponse:
    """Where did this article come from? Its sources in the index (passages with offsets,
    shares, outlets), its credits, the story it would join and that story's origin
    (``naql query --json``). Nothing is added unless ``add`` is true and the server was
    started with ``--allow-add``; an add traces the index again (seconds to minutes)."""
    if body.add and not index.allow_add:
        raise HTTPException(403, "adding is off: the server was not started with --allow-add")
    if not has_words(body.text):
        raise HTTPException(422, "the text has no Arabic or Latin-script words to match")
    article = body.article()
    result = index.query(article)
    added = index.add(article) if body.add else False
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    return _json(QueryAnswer(**fields, added=added))
