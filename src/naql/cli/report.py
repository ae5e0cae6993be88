"""``naql report``: the index's stories as one self-contained HTML file (and the writer
``naql trace --report`` shares)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from naql.cli.app import app
from naql.cli.browse import reading
from naql.cli.index import DEFAULT_DB
from naql.cli.output import err, output_file, written_or_exit
from naql.report.terminal import plural

if TYPE_CHECKING:
    from naql.records import Trace
    from naql.store.sqlite import SqliteStore


def write_report(
    trace: Trace,
    path: Path | str,
    *,
    title: str | None = None,
    quiet: bool = False,
    option: str = "--report",
) -> None:
    """Write the HTML report of ``trace`` to a file or a URL and say so (unless ``quiet``)."""
    from naql.ingest.remote import shown
    from naql.report.html import write

    with written_or_exit(path, option):
        write(trace, path, title=title)
    if not quiet:
        err.print(f"naql: wrote {shown(str(path))}", highlight=False, markup=False)


@app.command("report")
def report_command(
    out_file: Annotated[
        str,
        typer.Option(
            "--out",
            metavar="FILE",
            help="The HTML file to write (one file, no assets), or a URL (s3://bucket/r.html).",
        ),
    ],
    db: Annotated[
        Path, typer.Option("--db", help="The index file (naql index add builds it).")
    ] = DEFAULT_DB,
    title: Annotated[
        str | None, typer.Option(help="The report's heading (default: the index file's name).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="STORY_ID",
            help="Stories to draw (s1 …), or articles (their stories); all of them when none.",
        ),
    ] = None,
) -> None:
    """The index's stories as one self-contained HTML report to share: the story list
    (searchable, sortable), and per story its transmission graph, the pairs side by side with
    the reused passages in matching colours, and each article's verdict and credits. It opens
    from disk, with no network. Story ids change at every add; article ids stay, so an article
    id stands for its story.

    Example: naql report --db naql.db s1 s2 --out report.html
    """
    from naql.store.browse import stories_trace

    out_at = output_file(out_file, "--out")
    assert out_at is not None
    with reading(db) as store:
        wanted = None if not ids else _story_ids(store, ids, db)
        trace = stories_trace(store, wanted)
    if not trace.stories:
        err.print(f"naql: {db} holds no story yet (naql index add PATH first)", highlight=False)
        raise typer.Exit(1)
    write_report(
        trace, out_at, title=title or f"naql report: {db.name}", quiet=quiet, option="--out"
    )
    if not quiet:
        err.print(
            f"naql: {plural(len(trace.stories), 'story', 'stories')}, "
            f"{plural(len(trace.articles), 'article')}",
            highlight=False,
        )


def _story_ids(store: SqliteStore, ids: list[str], db: Path) -> list[str]:
    """The stories asked for: story ids as given, an article (or a split page) as its story."""
    from naql.store.browse import has_article, has_story, page_articles, story_of

    stories: list[str] = []
    unknown: list[str] = []
    for given in ids:
        if has_story(store, given):
            stories.append(given)
            continue
        members = [given] if has_article(store, given) else page_articles(store, given)
        found = [story for a in members if (story := story_of(store, a))]
        if found:
            stories.extend(found)
        else:
            unknown.append(given)
    if unknown:
        err.print(
            f"naql: no story or article {', '.join(f'«{u}»' for u in unknown)} in {db}",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(1)
    return list(dict.fromkeys(stories))
