"""The application: the API and page routers over one index, a request size limit, and errors
that are one line of JSON (``{"error": reason}``) or a small HTML page — never a traceback.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import naql
from naql.errors import NaqlError
from naql.server import api, pages
from naql.server.served import NotFound, Served
from naql.store import StoreError
from naql.store.sqlite import describe

log = logging.getLogger("naql.server")

# Paths whose errors a program reads: JSON. Every other path is a page a person reads.
JSON_PATHS = ("/api/", "/openapi.json", "/docs", "/redoc")


def create_app(db: Path, *, allow_add: bool = False, max_body: int = 1_000_000) -> FastAPI:
    """The web app and JSON API over the index ``db``, opened read-only; with ``allow_add``,
    ``POST /api/query`` with ``"add": true`` adds the article. Request bodies over
    ``max_body`` bytes are refused (413). Raises :class:`StoreError` when ``db`` is not a
    readable naql index."""
    served = Served(db, allow_add=allow_add)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        served.close()

    app = FastAPI(
        title="naql",
        version=naql.__version__,
        description="How news stories travel between outlets: the stories of a naql index, "
        "each article's sources, and where a new article came from. "
        'Errors are `{"error": reason}`.',
        lifespan=lifespan,
    )
    app.state.served = served
    app.state.report = pages.report_renderer()
    app.include_router(api.router)
    app.include_router(pages.router)
    _install_errors(app)
    app.add_middleware(BodyLimit, max_body=max_body)
    return app


# How ``naql serve --workers N`` hands create_app's arguments to each worker process (uvicorn
# starts workers from an import string, so they cannot be passed as objects).
ENVIRONMENT = {
    "db": "NAQL_SERVE_DB",
    "allow_add": "NAQL_SERVE_ALLOW_ADD",
    "max_body": "NAQL_SERVE_MAX_BODY",
}


def from_environment() -> FastAPI:
    """:func:`create_app` with its arguments from the environment (see ``ENVIRONMENT``)."""
    return create_app(
        Path(os.environ[ENVIRONMENT["db"]]),
        allow_add=os.environ.get(ENVIRONMENT["allow_add"]) == "1",
        max_body=int(os.environ.get(ENVIRONMENT["max_body"], "1000000")),
    )


def error_response(path: str, status: int, reason: str) -> Response:
    """An error as JSON for the API, as a small page for a page."""
    if path.startswith(JSON_PATHS):
        return JSONResponse({"error": reason}, status_code=status)
    return HTMLResponse(pages.error_page(status, reason), status_code=status, headers=pages.HEADERS)


def _install_errors(app: FastAPI) -> None:
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        response = error_response(request.url.path, error.status_code, str(error.detail))
        if error.headers:
            response.headers.update(error.headers)
        return response

    async def invalid(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return error_response(request.url.path, 422, validation_reason(error.errors()))

    async def not_found(request: Request, error: Exception) -> Response:
        return error_response(request.url.path, 404, str(error))

    async def unavailable(request: Request, error: Exception) -> Response:
        # An empty index, a corrupt or busy file: the server is fine, the index is not ready.
        reason = describe(error) if isinstance(error, sqlite3.Error) else str(error)
        log.warning("index unavailable: %s", reason)
        return error_response(request.url.path, 503, reason)

    async def bad_input(request: Request, error: Exception) -> Response:
        return error_response(request.url.path, 422, str(error))

    async def internal(request: Request, error: Exception) -> Response:
        # The reason stays in the log: a traceback names files and code, not for clients.
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(request.url.path, 500, "internal error")

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(sqlite3.Error, unavailable)
    app.add_exception_handler(NaqlError, bad_input)
    app.add_exception_handler(Exception, internal)


def validation_reason(problems: Any) -> str:
    """FastAPI's validation errors as one line: «query.limit: Input should be ≤ 500»."""
    parts = []
    for problem in problems:
        where = ".".join(str(part) for part in problem.get("loc", ()))
        parts.append(f"{where}: {problem.get('msg', 'not valid')}" if where else problem["msg"])
    return "; ".join(parts) or "the request is not valid"


class TooLarge(HTTPException):
    """The body grew past the limit while being read (a body sent without a Content-Length,
    or with a false one)."""


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes with 413: at once when the Content-Length
    says so, else as soon as the body read so far passes it (FastAPI re-raises an
    HTTPException met while reading the body, so the error handlers answer)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(path, 400, "Content-Length is not a number")(
                    scope, receive, send
                )
                return
            if int(declared) > self.max_body:
                await self._refuse(path, scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge(413, self._reason())
            return message

        await self.app(scope, limited, send)

    def _reason(self) -> str:
        return f"request body over the limit of {self.max_body} bytes"

    async def _refuse(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(path, 413, self._reason())
        response.headers["connection"] = "close"  # the unread body is not worth reading
        await response(scope, receive, send)
