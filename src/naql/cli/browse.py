"""``naql stories``, ``naql show`` and ``naql export``: the index read (:mod:`naql.store.browse`),
printed or written. They open the index read-only, so they work while ``naql index add`` runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from naql.cli.app import app
from naql.cli.index import DEFAULT_DB, store_errors
from naql.cli.output import err, out, output_folder, progress_bars, quiet_stdout
from naql.errors import InputError
from naql.records import to_json
from naql.report.terminal import excerpt, plural

if TYPE_CHECKING:
    from naql.records import Article, Trace
    from naql.store.browse import ArticleView, StorySummary
    from naql.store.sqlite import SqliteStore

Db = Annotated[Path, typer.Option("--db", help="The index file (naql index add builds it).")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON on stdout instead of the summary.")]
TOP_IN_TERMINAL = 20
WIDE = 48  # longest label, origin or source list shown in a table cell


@contextmanager
def reading(db: Path) -> Iterator[SqliteStore]:
    """The index open read-only; an SQLite error while reading it as one line naming it."""
    from naql.store import open_store

    with store_errors(db):
        store = open_store(db, readonly=True)
        try:
            yield store
        finally:
            store.close()


def _date(value: str) -> str:
    from naql.store.browse import check_date

    try:
        return check_date(value)
    except InputError as error:
        raise typer.BadParameter(str(error)) from None


@app.command("stories")
def stories_command(
    db: Db = DEFAULT_DB,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            callback=lambda v: v and _date(v),
            help="Stories still running on or after DATE (their last article's date).",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            callback=lambda v: v and _date(v),
            help="Stories begun on or before DATE (their first article's date).",
        ),
    ] = None,
    outlet: Annotated[
        str | None,
        typer.Option(
            help="Stories with an article from this outlet, or with it as a source: an outlet "
            "id, name or alias, or the outlet as the articles give it."
        ),
    ] = None,
    min_size: Annotated[int, typer.Option(min=1, help="Stories of at least N articles.")] = 1,
    top: Annotated[
        int | None,
        typer.Option(
            min=1,
            help=f"The N largest at most (default {TOP_IN_TERMINAL} in the terminal, all with --json).",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The index's stories, largest first: size, dates, label, origin, independent sources,
    outlets. --json writes JSON lines (one story an object a line) to stdout.

    Example: naql stories --db naql.db --outlet aawsat --since 2015-07-21
    """
    from naql.store.browse import StoryFilter, count_stories, snapshot, stories

    where = StoryFilter(since=since, until=until, outlet=outlet, min_size=min_size)
    with reading(db) as store:
        if as_json:
            for summary in stories(store, where, top):
                _emit(json.dumps(to_json(summary), ensure_ascii=False) + "\n")
            _emit("")
            return
        limit = top or TOP_IN_TERMINAL
        with snapshot(store):  # the list and its counts from the same trace
            shown = list(stories(store, where, limit))
            total = count_stories(store, where) if len(shown) == limit else len(shown)
            everything = store.count("stories")
    _print_stories(shown, total, everything, db, where != StoryFilter())


def _print_stories(
    shown: list[StorySummary], total: int, everything: int, db: Path, filtered: bool
) -> None:
    which = f"{total} of {plural(everything, 'story', 'stories')}" if filtered else None
    head = f"{which} match" if which else plural(total, "story", "stories")
    if len(shown) < total:
        head += f", the {len(shown)} largest shown"
    out.print(f"[bold]naql stories[/]: {escape(head)} ({escape(str(db))})", highlight=False)
    if not shown:
        return
    table = Table(title_justify="left")
    for column, justify in (
        ("story", "left"),
        ("size", "right"),
        ("dates", "left"),
        ("label", "left"),
        ("origin", "left"),
        ("sources", "left"),
        ("outlets", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for story in shown:
        origin = story.origin_name or story.origin or "—"
        outlet = story.origin_outlet
        if story.origin and outlet and outlet == story.origin_name and outlet != story.origin:
            origin = f"{outlet} ({story.origin})"  # an article: its outlet and id (never «x (x)»)
        sources = f"{story.independent_sources}"
        if story.sources:
            sources += f": {'; '.join(story.sources)}"
        outlets = ", ".join(story.outlets[:4])
        if len(story.outlets) > 4:
            outlets += f" +{len(story.outlets) - 4}"
        table.add_row(
            story.id,
            str(story.size),
            _dates(story.first_date, story.last_date),
            escape(_cut(story.label, WIDE)),
            escape(_cut(origin, WIDE)),
            escape(_cut(sources, WIDE)),
            escape(outlets) or "—",
        )
    out.print(table)
    if len(shown) < total:
        out.print(
            f"… and {total - len(shown)} more (--top N to see more, --json for all)",
            highlight=False,
            markup=False,
        )


def _dates(first: str | None, last: str | None) -> str:
    if not first or not last:
        return first or last or "—"
    if first == last:
        return first
    if len(first) > 10 and first[:10] == last[:10]:
        return f"{first} → {last[11:]}"  # the same day: its times
    return f"{first} → {last}"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("show")
def show_command(
    id_: Annotated[str, typer.Argument(metavar="ID", help="An article id or a story id (s1 …).")],
    db: Db = DEFAULT_DB,
    as_json: AsJson = False,
    passages: Annotated[bool, typer.Option(help="List the reused passages.")] = True,
) -> None:
    """One story (as naql trace shows it: articles, origin, independent sources, the
    transmission graph, verdicts, who shares text with whom) or one article (its story,
    verdict, credits, and the passages it shares). Story ids change at every add; article ids
    stay.

    Example: naql show s1 --db naql.db
    """
    from naql.store.browse import article_view, has_story, page_articles, story_trace

    with reading(db) as store:
        view = article_view(store, id_)
        trace = None if view is not None else story_trace(store, id_)
        if view is not None and has_story(store, id_):
            err.print(
                f"naql: note: «{id_}» is an article id and a story id; showing the article",
                highlight=False,
                markup=False,
            )
        split = page_articles(store, id_) if view is None and trace is None else []
    if view is not None:
        if as_json:
            _dump(_article_json(view))
        else:
            _print_article(view, passages, f"naql show {id_} --json")
    elif trace is not None:
        if as_json:
            _dump(to_json(trace))
        else:
            _print_story(trace, db, passages, f"all of them with naql show {id_} --json")
    else:
        hint = f" (page {id_} was split into {', '.join(split)})" if split else ""
        err.print(f"naql: no article or story «{id_}» in {db}{hint}", highlight=False, markup=False)
        raise typer.Exit(1)


def _dump(data: Any) -> None:
    _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    _emit("")


def _emit(text: str) -> None:
    """JSON to stdout (no console: no markup, no wrapping); ``""`` flushes. A reader that
    stops early (``| head``) ends the command quietly, status 0, as for ``naql trace``."""
    try:
        if text:
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        raise SystemExit(0) from None


def _print_story(trace: Trace, db: Path, passages: bool, where: str) -> None:
    from naql.report.terminal import print_articles, print_pairs, print_story

    story = trace.stories[0]
    articles = {article.id: article for article in trace.articles}
    out.print(
        f"[bold]naql show[/]: story {escape(story.id)} in {escape(str(db))}: "
        f"{plural(len(trace.articles), 'article')}, "
        f"{plural(len(trace.alignments), 'pair')} with reuse, "
        f"{plural(trace.counts['passages'], 'passage')}",
        highlight=False,
    )
    print_story(story, articles, out)
    print_articles(trace, set(story.articles), out)
    print_pairs(trace, articles, out, passages=passages, top=TOP_IN_TERMINAL, where=where)


def _article_json(view: ArticleView) -> dict[str, Any]:
    data = to_json(view)
    # The other articles by their metadata (naql show ID prints any of them in full).
    data["partners"] = view.partner_metadata()
    return dict(data)


def _print_article(view: ArticleView, passages: bool, again: str) -> None:
    article = view.article
    title = f": {article.title}" if article.title else ""
    out.print(
        Text.assemble(("Article ", "bold"), (article.label, "bold"), title),
        highlight=False,
    )
    facts = [
        f"date: {article.date or '—'}",
        f"{plural(len(article.text), 'character')}",
    ]
    if article.url and article.url != article.id:
        facts.append(f"url: {article.url}")
    if "#" in article.id:
        facts.append(f"from page: {article.id.split('#', 1)[0]}")
    _plain("  " + "; ".join(facts))
    story = view.story
    if story is not None:
        # Unnamed sources not in the pile are named by the pages behind them: cut them short
        # (naql show STORY prints them whole).
        origin = _cut(story.origin_name or story.origin or "unknown", 2 * WIDE)
        sources = f" ({_cut('; '.join(story.sources), 2 * WIDE)})" if story.sources else ""
        _plain(
            f"  story {story.id} ({plural(story.size, 'article')}): {story.label}; "
            f"origin: {origin}; independent sources: {story.independent_sources}{sources}"
        )
    verdict = view.verdict
    if verdict is not None:
        origins = ", ".join(
            f"{view.names.get(s.source, s.source)} ({s.share:.0%})" for s in verdict.sources
        )
        added = sum(len(span) for span in verdict.added)
        _plain(
            f"  verdict: {verdict.derivation}, {verdict.reused_share:.0%} reused"
            + (f" from {origins}" if origins else "")
            + (
                f"; added: {plural(added, 'character')} in {plural(len(verdict.added), 'span')}"
                if verdict.added
                else ""
            )
        )
    if view.credits:
        _plain(f"  credits ({len(view.credits)}):")
        for credit in view.credits:
            quoted = _quote(article, credit.where, credit.span.start, credit.span.end)
            where = f"{credit.where} " if credit.where != "text" else ""
            _plain(
                f"    {credit.role}: {credit.name} at {where}"
                f"[{credit.span.start}:{credit.span.end}] «{quoted}», cue {credit.cue}"
            )
    else:
        _plain("  credits: none")
    if not view.alignments:
        _plain("  shares no passage with another article")
        return
    shown = view.alignments[:TOP_IN_TERMINAL]
    table = Table(title="Shares text with", title_justify="left")
    for column, justify in (
        ("article", "left"),
        ("passages", "right"),
        ("share of this", "right"),
        ("share of it", "right"),
        ("kinds", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for alignment in shown:
        mine = alignment.a == article.id
        other = alignment.b if mine else alignment.a
        partner = view.partners.get(other)
        table.add_row(
            escape(partner.label if partner else other),
            str(len(alignment.passages)),
            f"{(alignment.a_share if mine else alignment.b_share):.0%}",
            f"{(alignment.b_share if mine else alignment.a_share):.0%}",
            ", ".join(sorted({p.kind for p in alignment.passages})),
        )
    out.print(table)
    if len(view.alignments) > len(shown):
        _plain(f"… and {len(view.alignments) - len(shown)} more (all of them with {again})")
    if not passages:
        return
    out.print("[bold]Passages[/] (character offsets into each article's text)")
    for alignment in shown:
        mine = alignment.a == article.id
        other_id = alignment.b if mine else alignment.a
        partner = view.partners.get(other_id)
        for passage in alignment.passages:
            here, there = (
                (passage.a_span, passage.b_span) if mine else (passage.b_span, passage.a_span)
            )
            line = Text()
            line.append(f"[{here.start}:{here.end}]", style="cyan")
            line.append(" ⇄ ")
            line.append(f"{other_id} [{there.start}:{there.end}]", style="cyan")
            line.append(f"  {passage.kind}, {plural(passage.matched_words, 'word')}\n")
            line.append(f"    this:  {excerpt(article.text, here.start, here.end)}")
            if partner is not None:
                line.append(f"\n    other: {excerpt(partner.text, there.start, there.end)}")
            out.print(line)


def _quote(article: Article, where: str, start: int, end: int) -> str:
    """The words a credit stands on, from the text or from the metadata field it was read in."""
    if where == "text":
        field: Any = article.text
    else:
        field = getattr(article, where, None) if where in ("title", "url") else None
        field = field or article.meta.get(where)
    return excerpt(field, start, end) if isinstance(field, str) else ""


def _plain(line: str) -> None:
    out.print(line, markup=False, highlight=False)


class Format(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"


@app.command("export")
def export_command(
    out_dir: Annotated[
        str,
        typer.Option(
            "--out",
            metavar="DIR",
            help="The folder to write the tables to (made if missing), or a URL "
            "(s3://bucket/tables, hdfs://…).",
        ),
    ],
    format_: Annotated[
        Format,
        typer.Option("--format", help="parquet (Arrow, zstd) or jsonl (one JSON object a line)."),
    ] = Format.parquet,
    db: Db = DEFAULT_DB,
) -> None:
    """Write the index's tables for pandas, Arrow or DuckDB, one file each in DIR: articles,
    alignments, passages (one row per reused passage, spans as start/end), stories, edges,
    kept_apart (one row per story a story is kept apart from, and why), verdicts, sources
    (one row per source a verdict names, with its share) and credits.

    Example: naql export --db naql.db --format parquet --out tables
    """
    from naql.ingest.remote import shown
    from naql.store.export import export

    folder = output_folder(out_dir)
    with reading(db) as store, progress_bars(True) as on_progress:
        rows = export(store, folder, format_.value, on_progress)
    counts = ", ".join(f"{table} {count}" for table, count in rows.items())
    out.print(
        f"naql export: {plural(len(rows), 'table')} from {db} in {shown(out_dir)} "
        f"({format_.value}; rows: {counts})",
        highlight=False,
        markup=False,
    )
