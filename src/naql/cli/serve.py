"""``naql serve``: the index over HTTP (:mod:`naql.server`), for people and programs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naql.cli.app import app
from naql.cli.index import DEFAULT_DB, store_errors
from naql.cli.output import err
from naql.errors import BackendUnavailable

Db = Annotated[Path, typer.Option("--db", help="The index file (naql index add builds it).")]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve_command(
    db: Db = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="The address to listen on (loopback: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")] = 8000,
    allow_add: Annotated[
        bool,
        typer.Option(
            "--allow-add",
            help='Let POST /api/query add articles to the index ("add": true); off, '
            "nothing is ever written.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; each loads its own query index (more memory), queries "
            "run side by side on as many cores.",
        ),
    ] = 1,
) -> None:
    """Serve the index over HTTP: pages to browse its stories, articles and shared passages and
    to paste an article and see where it came from, and a JSON API (its OpenAPI docs at /docs).
    The index is only read (unless --allow-add), so an add can run meanwhile. Needs the web extra:
    pip install 'naql[web]'.

    Example: naql serve --db naql.db
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise BackendUnavailable(
            "the web app needs FastAPI and uvicorn: pip install 'naql[web]'"
        ) from None
    from naql.server import create_app

    with store_errors(db):
        web = create_app(db, allow_add=allow_add)
    if host not in LOOPBACK:
        err.print(
            f"naql: note: listening on {host}: the app has no login, anyone who reaches it "
            "can read the index" + (" and add to it" if allow_add else ""),
            highlight=False,
            markup=False,
        )
    if workers == 1:
        uvicorn.run(web, host=host, port=port, log_level="info")
        return
    import os

    from naql.server.app import ENVIRONMENT

    web.state.served.close()  # checked; each worker opens the index itself
    os.environ[ENVIRONMENT["db"]] = str(db.resolve())
    os.environ[ENVIRONMENT["allow_add"]] = "1" if allow_add else "0"
    uvicorn.run(
        "naql.server.app:from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
    )
