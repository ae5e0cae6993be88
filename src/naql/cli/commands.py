"""``naql trace``, ``naql clean`` and ``naql align``: read, run the pipeline, report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from naql.cli.app import app
from naql.cli.output import (
    err,
    out,
    output_file,
    output_folder,
    progress_bars,
    report_problems,
    writable_or_exit,
    write_json,
    write_jsonl,
)
from naql.records import to_json
from naql.report.terminal import plural

if TYPE_CHECKING:
    from naql.backends import Backend
    from naql.ingest import ReadOptions, ReadResult

Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Only the summary: no progress, no per-file lines (counts stay)."
    ),
]

# The trace options `trace` and `index add` share.
Language = Annotated[str, typer.Option(help="Stemmer for Latin-script words (ISO 639-1).")]
ShowProgress = Annotated[bool, typer.Option(help="Progress bars on stderr (terminals only).")]
Clean = Annotated[
    bool,
    typer.Option(
        help="Clean the pages first: chrome out, repeats collapsed, multi-story pages split."
    ),
]
TrustDates = Annotated[
    bool,
    typer.Option(
        help="Use article dates as a direction signal (turn off when they are crawl times)."
    ),
]
OutletsFile = Annotated[
    Path | None,
    typer.Option(help="A JSON file of extra outlets (same form as naql's data/outlets.json)."),
]

BackendName = Annotated[
    str,
    typer.Option(
        "--backend",
        help="Where the heavy stages run: local (this machine's cores) or spark (pip install 'naql[spark]').",
    ),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Local worker processes (default: every core); on spark, the default parallelism.",
    ),
]
Master = Annotated[
    str | None,
    typer.Option(
        "--master",
        help="Spark master URL, e.g. local[*] or spark://host:7077 (default: Spark's own configuration, else local[*]).",
    ),
]

# The record-field options every command that reads articles shares.
TextField = Annotated[
    str,
    typer.Option(
        help="JSON/CSV field holding the article text (at its default, a file without it is"
        " read from content, maintext or body, and a note says so; likewise the title, date,"
        " outlet, URL and byline)."
    ),
]
IdField = Annotated[str, typer.Option(help="JSON/CSV field holding the article id.")]
OutletField = Annotated[str, typer.Option(help="JSON/CSV field naming the outlet.")]
DateField = Annotated[str, typer.Option(help="JSON/CSV field holding the date.")]
UrlField = Annotated[str, typer.Option(help="JSON/CSV field holding the URL.")]
TitleField = Annotated[str, typer.Option(help="JSON/CSV field holding the title.")]
AuthorField = Annotated[
    str, typer.Option(help="JSON/CSV field holding the byline (credits such as «الرياض - واس»).")
]


FIELD_OPTIONS = (
    "text_field",
    "id_field",
    "outlet_field",
    "date_field",
    "url_field",
    "title_field",
    "author_field",
)


def read_options(arguments: dict[str, Any]) -> ReadOptions:
    """The reading options of a command, from its arguments (``locals()``): every command that
    reads articles takes the same field options, under the same names."""
    from naql.ingest import ReadOptions

    return ReadOptions(**{name: arguments[name] for name in FIELD_OPTIONS})


def check_trace_options(language: str, outlets: Path | None) -> None:
    """An unknown language or an outlets file naql cannot use stops here, before any reading."""
    from naql.outlets import load as load_outlets
    from naql.text import Vocabulary

    Vocabulary(language)
    if outlets is not None:
        load_outlets(outlets)


def check_backend(name: str) -> None:
    """An unknown backend, or Spark without pyspark or Java, stops here, before any reading."""
    from naql.backends import check

    check(name)


def read_or_exit(
    paths: Sequence[str],
    options: ReadOptions,
    quiet: bool = False,
    backend: Backend | None = None,
    progress: bool = False,
) -> ReadResult:
    """Read the inputs (the files by ``backend``'s workers, when it has several), report what
    was skipped, and stop (exit 1) if nothing usable was read."""
    from naql.ingest import read_articles

    with progress_bars(progress and not quiet) as on_progress:
        read = read_articles(
            paths, options, backend, lambda done, total: on_progress("read", done, total)
        )
    report_problems(read.problems, quiet=quiet)
    if not read.articles:
        err.print("naql: no usable article was read", highlight=False)
        raise typer.Exit(1)
    return read


@app.command()
def trace(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files, folders, zip archives, URLs (s3://, gs://, hdfs://, file://) or - for stdin.",
        ),
    ],
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="FILE",
            help="Write the full result as JSON here (a file, or a URL: s3://bucket/trace.json).",
        ),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(
            "--report",
            metavar="FILE",
            help="Write a self-contained HTML report here (a file, or a URL: s3://…/r.html).",
        ),
    ] = None,
    parquet: Annotated[
        str | None,
        typer.Option(
            "--parquet",
            metavar="DIR",
            help="Write the trace as Parquet tables here (those of naql export); a folder or a "
            "URL (s3://bucket/tables, hdfs://…).",
        ),
    ] = None,
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    author_field: AuthorField = "author",
    language: Language = "en",
    passages: Annotated[bool, typer.Option(help="List every passage in the summary.")] = True,
    top: Annotated[
        int,
        typer.Option(
            min=0, help="Stories and pairs shown in the terminal, 0 for none (all go to --json)."
        ),
    ] = 20,
    progress: ShowProgress = True,
    clean: Clean = True,
    explain_clean: Annotated[
        bool, typer.Option("--explain-clean", help="List every line cleaning dropped, and why.")
    ] = False,
    trust_dates: TrustDates = True,
    phrases: Annotated[
        bool,
        typer.Option(
            "--phrases",
            help="Also look for shared passages through rare word pairs: finds releases made of "
            "common words re-run days later or inside long roundups (on 30,000 articles, a fifth "
            "more pairs with reuse, for about 15% more time).",
        ),
    ] = False,
    outlets: OutletsFile = None,
    backend: BackendName = "local",
    jobs: Jobs = None,
    master: Master = None,
    quiet: Quiet = False,
) -> None:
    """Group articles into stories, find who reuses whom (passages, shares), who credits whom,
    the original and the independent sources.

    Example: naql trace examples/haftar --json trace.json --jobs 2
    """
    from naql.backends import open_backend
    from naql.clean import CleanConfig, explain_drops
    from naql.config import CandidateConfig, Config, ProvenanceConfig, TextConfig
    from naql.ingest.remote import shown
    from naql.pipeline import trace as run_trace
    from naql.report.terminal import print_trace

    json_at = output_file(json_out, "--json")
    report_at = output_file(report, "--report")
    tables_at = None if parquet is None else output_folder(parquet, "--parquet")
    check_trace_options(language, outlets)
    check_backend(backend)
    options = read_options(locals())
    config = Config(
        text=TextConfig(latin_language=language),
        candidates=CandidateConfig(phrases=phrases),
        provenance=ProvenanceConfig(trust_dates=trust_dates),
    )
    cleaning = CleanConfig() if clean else None
    runner = open_backend(backend, jobs, master)
    try:
        read = read_or_exit(paths, options, quiet, runner, progress)
        with progress_bars(progress and not quiet) as on_progress:
            result = run_trace(
                # Kept only to list what cleaning dropped, with the text as read.
                read.articles if explain_clean else read.take(),
                config,
                read.problems,
                on_progress,
                cleaning=cleaning,
                outlets_file=None if outlets is None else str(outlets),
                backend=runner,
            )
    finally:
        runner.close()
    with progress_bars(progress and not quiet) as on_progress:
        if not quiet:
            for notice in result.problems[len(read.problems) :]:
                err.print(f"naql: note: {notice}", markup=False, highlight=False)
        if json_at is not None:  # first: a closed pipe or a ^C in the summary must not lose it
            write_json(json_at, result, on_progress)
            if not quiet:
                err.print(f"naql: wrote {shown(str(json_at))}", highlight=False)
        if tables_at is not None:
            from naql.store.export import export_trace

            tables = export_trace(result, tables_at, "parquet", on_progress)
            if not quiet:
                err.print(
                    f"naql: wrote {len(tables)} tables to {shown(str(tables_at))}", highlight=False
                )
        if report_at is not None:
            from naql.cli.report import write_report

            write_report(result, report_at, title=f"naql trace {' '.join(paths)}", quiet=quiet)
    if explain_clean:
        print_drops(explain_drops(result.articles, read.articles) if clean else [])
    print_trace(result, out, passages=passages, top=top, has_json=json_out is not None)


@app.command("clean")
def clean_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files, folders, zip archives, URLs (s3://, gs://, hdfs://, file://) or - for stdin.",
        ),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="Write the cleaned articles here, one JSON record a line.")
    ],
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    author_field: AuthorField = "author",
    explain_clean: Annotated[
        bool, typer.Option("--explain-clean", help="List every dropped line, and why.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes reading the files (default: every core)."
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Pages to articles: chrome blanked (offsets kept), repeats collapsed, multi-story pages split.

    Example: naql clean crawl/ --out clean.jsonl --jobs 4
    """
    from naql.backends import open_backend
    from naql.clean import explain
    from naql.pipeline import clean as run_clean

    writable_or_exit(out_file, "--out")
    options = read_options(locals())
    # A crawl's pages through trafilatura are most of the time: read them on every core.
    runner = open_backend("local", jobs)
    try:
        read = read_or_exit(paths, options, quiet, runner, progress=True)
    finally:
        runner.close()
    result = run_clean(read.articles)
    if explain_clean:
        print_drops(explain(result))
    write_jsonl(out_file, (to_json(article) for article in result.articles))
    reasons = ", ".join(f"{reason} {count}" for reason, count in result.dropped.items())
    out.print(
        f"{plural(len(read.articles), 'page')}, {plural(len(result.articles), 'article')}, "
        f"{plural(sum(result.dropped.values()), 'line')} dropped"
        + (f" ({reasons})" if reasons else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if not quiet:
        err.print(f"naql: wrote {out_file}", highlight=False)


def print_drops(rows: Sequence[object]) -> None:
    """One line per dropped line: article, offsets in the input, reason, the text itself."""
    out.print(
        f"{len(rows)} lines dropped by cleaning (article, offsets in the input, reason: text):",
        highlight=False,
    )
    for row in rows:
        out.print(
            f"  {row.article}  {row.start}-{row.end}  {row.reason}: {row.text}",  # type: ignore[attr-defined]
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def align(
    pan: Annotated[
        tuple[Path, Path],
        typer.Option(help="PAN text-alignment mode: SUSP_DIR SRC_DIR (folders of .txt files)."),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for one detections XML per suspicious document.")
    ],
    pairs: Annotated[
        Path | None,
        typer.Option(help="PAN pairs file ('suspicious source' per line): align only these pairs."),
    ] = None,
    progress: ShowProgress = True,
    backend: BackendName = "local",
    jobs: Jobs = None,
    master: Master = None,
) -> None:
    """Align suspicious with source documents, PAN style: the pairs given, or those naql finds.

    Example: naql align --pan corpus/susp corpus/src --out detections/
    """
    from naql.backends import open_backend
    from naql.pan import align_pan

    runner = open_backend(backend, jobs, master)
    with progress_bars(progress) as on_progress:
        try:
            run = align_pan(
                str(pan[0]),
                str(pan[1]),
                str(out_dir),
                progress=on_progress,
                pairs_file=None if pairs is None else str(pairs),
                backend=runner,
            )
        finally:
            runner.close()
    report_problems(run.problems)
    if run.documents == 0:
        err.print("naql: no suspicious document was read", highlight=False)
        raise typer.Exit(1)
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in run.timings.items())
    out.print(
        f"{run.detections} detections for {run.documents} suspicious documents in {out_dir} ({timings})"
    )
