"""``naql index add``: pages into the index, its trace brought up to date."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from naql.cli.app import app, index_app
from naql.cli.commands import (
    AuthorField,
    BackendName,
    Clean,
    DateField,
    IdField,
    Jobs,
    Language,
    OutletField,
    OutletsFile,
    Quiet,
    ShowProgress,
    TextField,
    TitleField,
    TrustDates,
    UrlField,
    check_backend,
    check_trace_options,
    read_options,
    read_or_exit,
)
from naql.cli.output import err, out, progress_bars
from naql.report.terminal import plural

if TYPE_CHECKING:
    from naql.index import AddReport
    from naql.query import QueryResult

Db = Annotated[Path, typer.Option("--db", help="The index file (created by the first add).")]
DEFAULT_DB = Path("naql.db")


@contextmanager
def store_errors(db: Path) -> Iterator[None]:
    """An SQLite error met while using the index, as one line naming the file."""
    from naql.store import StoreError
    from naql.store.sqlite import describe

    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"{db}: {describe(error)}") from None


@index_app.command("add")
def add(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files, folders, zip archives, URLs (s3://, gs://, hdfs://, file://) or - for stdin.",
        ),
    ],
    db: Db = DEFAULT_DB,
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    author_field: AuthorField = "author",
    language: Language = "en",
    clean: Clean = True,
    trust_dates: TrustDates = True,
    outlets: OutletsFile = None,
    backend: BackendName = "local",
    jobs: Jobs = None,
    progress: ShowProgress = True,
    quiet: Quiet = False,
) -> None:
    """Add pages to the index (same readers, options and cleaning as trace) and bring its
    stories up to date. Adding a page twice changes nothing; a page whose text changed under
    the same id replaces the old one. Options other than the fields are fixed by the first add.

    Example: naql index add examples/haftar --db naql.db
    """
    from naql import index
    from naql.backends import open_backend
    from naql.store import open_store

    check_trace_options(language, outlets)
    check_backend(backend)
    settings = index.Settings(
        language=language,
        trust_dates=trust_dates,
        clean=clean,
        outlets=None if outlets is None else str(outlets.resolve()),
    )
    with store_errors(db):
        store = open_store(db)
        try:
            index.check_settings(store, settings)  # before reading: a wrong option costs nothing
            options = read_options(locals())
            runner = open_backend(backend, jobs)
            try:
                read = read_or_exit(paths, options, quiet, runner, progress)
                with progress_bars(progress and not quiet) as on_progress:
                    report = index.add(
                        store,
                        read.articles,
                        settings,
                        on_progress,
                        read.problems,
                        lambda stored: _say_stored(stored, db),
                        runner,
                    )
            finally:
                runner.close()
        finally:
            store.close()
    if report.trace is None:
        out.print("index unchanged: nothing to trace again", highlight=False)
        return
    counts = report.trace.counts
    reused = sum(report.reused.values())
    computed = sum(report.computed.values())
    out.print(
        f"index: {plural(counts['articles'], 'article')}, {plural(counts['stories'], 'story', 'stories')}, "
        f"{plural(counts['pairs_with_reuse'], 'pair')} with reuse; "
        f"{plural(sum(report.written.values()), 'row')} written; "
        f"{reused} remembered results reused, {computed} computed",
        highlight=False,
        markup=False,
    )


@app.command("query")
def query_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE", help="The article(s) to look up: files, folders or - for stdin."
        ),
    ],
    db: Db = DEFAULT_DB,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    add_too: Annotated[
        bool, typer.Option("--add", help="Add the article(s) to the index afterwards.")
    ] = False,
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    author_field: AuthorField = "author",
    top: Annotated[int, typer.Option(min=1, help="Sources shown per article.")] = 10,
    quiet: Quiet = False,
) -> None:
    """Where did this article come from? Its sources in the index (passages, shares, outlets),
    its credits, the story it would join and that story's origin; nothing is added unless --add.

    Example: naql query article.txt --db naql.db
    """
    import json

    from naql.query import QueryIndex
    from naql.records import to_json
    from naql.store import open_store

    options = read_options(locals())
    with store_errors(db):
        store = open_store(db, readonly=not add_too)
        searcher = QueryIndex.load(store)
        read = read_or_exit(paths, options, quiet)
        usable = [a for a in read.articles if _has_letters(a.text)]
        for article in read.articles:
            if article not in usable:
                err.print(
                    f"naql: {article.path or article.id}: no Arabic or Latin-script words to match",
                    highlight=False,
                    markup=False,
                )
        if not usable:
            raise typer.Exit(1)
        results = [searcher.query(article) for article in usable]
        if json_out:
            out.print_json(json.dumps(to_json(results), ensure_ascii=False))
        else:
            for result in results:
                print_query(result, top)
        if add_too:
            from naql import index  # the whole pipeline: only an add needs it

            settings = index.settings_of(store)
            assert settings is not None  # QueryIndex.load checked it
            report = index.add(store, usable, settings)
            err.print(
                f"naql: added {plural(report.new, 'new page')} to {db}"
                + (f", replaced {len(report.replaced)}" if report.replaced else ""),
                highlight=False,
                markup=False,
            )
        store.close()


def _say_stored(report: AddReport, db: Path) -> None:
    """The pages committed, said the moment they are (a run killed later keeps them)."""
    stored = f"{plural(report.new, 'new page')} stored in {db}"
    if report.unchanged:
        stored += f", {plural(report.unchanged, 'page')} already there unchanged"
    err.print(f"naql: {stored}", highlight=False, markup=False)
    if report.replaced:
        shown = ", ".join(report.replaced[:5])
        more = f" … and {len(report.replaced) - 5} more" if len(report.replaced) > 5 else ""
        err.print(
            f"naql: {plural(len(report.replaced), 'page')} changed and replaced: {shown}{more}",
            highlight=False,
            markup=False,
        )


def _has_letters(text: str) -> bool:
    from naql.text.arabic import is_arabic_letter

    return any(is_arabic_letter(c) or ("a" <= c.lower() <= "z") or c.isdigit() for c in text)


def print_query(result: QueryResult, top: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    out.print(f"\n[bold]{escape(result.article)}[/]")
    if not result.sources:
        out.print(
            f"  no source in the index ({plural(result.candidates, 'candidate')} aligned, "
            "none shares a passage)",
            highlight=False,
        )
    else:
        story = result.story
        if story is not None:
            out.print(f"  would join story {story.id}: {escape(story.label)}", highlight=False)
            named = ", ".join(story.sources) or str(story.independent_sources)
            out.print(
                f"  likely origin: {escape(result.origin or '?')}"
                + (
                    f" ({escape(result.origin_outlet)})"
                    if result.origin_outlet not in (None, result.origin)
                    else ""
                )
                + f"; independent sources: {escape(named)}",
                highlight=False,
            )
        table = Table(box=None, pad_edge=False)
        for column in ("source", "outlet", "date", "its words here", "of the source", "words"):
            table.add_column(column)
        for source in result.sources[:top]:
            table.add_row(
                escape(source.article),
                escape(source.outlet or "?"),
                (source.date or "")[:16],
                f"{source.query_share:.0%}",
                f"{source.article_share:.0%}",
                str(source.matched_words),
            )
        out.print(table)
        if len(result.sources) > top:
            out.print(f"  … and {len(result.sources) - top} more (--top, --json)", highlight=False)
    credits = dict.fromkeys(
        (c.name, c.role) for c in result.credits if c.role in ("source", "photo")
    )
    if credits:
        out.print(
            "  credits: " + ", ".join(f"{escape(name)} ({role})" for name, role in credits),
            highlight=False,
        )
