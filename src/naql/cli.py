"""The command line: a thin shell over :mod:`naql.pipeline`. Library errors become exit codes here.

Every command's help carries an example; ``tests/test_cli.py`` fails if one lacks it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from naql import __version__
from naql.errors import NaqlError
from naql.records import Problem, to_json

if TYPE_CHECKING:
    from naql.ingest import ReadOptions, ReadResult

app = typer.Typer(
    name="naql",
    help="naql (نقل): trace how a news story travels between outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score naql's output against gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

# Off a terminal (pipes, CI logs) rich would wrap at 80 columns; tables read better wider.
out = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, soft_wrap=True)


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A pipeline progress callback that draws rich bars on stderr (only on a terminal)."""
    if not enabled or not err.is_terminal:
        yield lambda stage, done, total: None
        return
    columns = (
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bars:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


def report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        err.print(f"naql: skipped {problem}", markup=False, highlight=False)
    if problems:
        err.print(f"naql: {len(problems)} input(s) skipped", highlight=False)


# The record-field options `trace` and `clean` share.
TextField = Annotated[str, typer.Option(help="JSON/CSV field holding the article text.")]
IdField = Annotated[str, typer.Option(help="JSON/CSV field holding the article id.")]
OutletField = Annotated[str, typer.Option(help="JSON/CSV field naming the outlet.")]
DateField = Annotated[str, typer.Option(help="JSON/CSV field holding the date.")]
UrlField = Annotated[str, typer.Option(help="JSON/CSV field holding the URL.")]
TitleField = Annotated[str, typer.Option(help="JSON/CSV field holding the title.")]


def read_or_exit(paths: Sequence[str], options: ReadOptions) -> ReadResult:
    """Read the inputs, report what was skipped, and stop (exit 1) if nothing usable was read."""
    from naql.ingest import read_articles

    read = read_articles(paths, options)
    report_problems(read.problems)
    if not read.articles:
        err.print("naql: no usable article was read", highlight=False)
        raise typer.Exit(1)
    return read


@app.command()
def trace(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, zip archives or - for stdin.")
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the full result as JSON here.")
    ] = None,
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    language: Annotated[
        str, typer.Option(help="Stemmer for Latin-script words (ISO 639-1).")
    ] = "en",
    passages: Annotated[bool, typer.Option(help="List every passage in the summary.")] = True,
    top: Annotated[
        int, typer.Option(help="Stories and pairs shown in the terminal (all go to --json).")
    ] = 20,
    progress: Annotated[
        bool, typer.Option(help="Progress bars on stderr (terminals only).")
    ] = True,
    clean: Annotated[
        bool,
        typer.Option(
            help="Clean the pages first: chrome out, repeats collapsed, multi-story pages split."
        ),
    ] = True,
    explain_clean: Annotated[
        bool, typer.Option("--explain-clean", help="List every line cleaning dropped, and why.")
    ] = False,
    trust_dates: Annotated[
        bool,
        typer.Option(
            help="Use article dates as a direction signal (turn off when they are crawl times)."
        ),
    ] = True,
    outlets: Annotated[
        Path | None,
        typer.Option(help="A JSON file of extra outlets (same form as naql's data/outlets.json)."),
    ] = None,
) -> None:
    """Group articles into stories, find who reuses whom (passages, shares), who credits whom,
    the original and the independent sources.

    Example: naql trace examples/haftar --json trace.json
    """
    from naql.clean import CleanConfig, explain_drops
    from naql.config import Config, ProvenanceConfig, TextConfig
    from naql.ingest import ReadOptions
    from naql.pipeline import trace as run_trace
    from naql.report.terminal import print_trace

    read = read_or_exit(
        paths,
        ReadOptions(
            text_field=text_field,
            id_field=id_field,
            outlet_field=outlet_field,
            date_field=date_field,
            url_field=url_field,
            title_field=title_field,
        ),
    )
    config = Config(
        text=TextConfig(latin_language=language),
        provenance=ProvenanceConfig(trust_dates=trust_dates),
    )
    cleaning = CleanConfig() if clean else None
    with progress_bars(progress) as on_progress:
        result = run_trace(
            read.articles,
            config,
            read.problems,
            on_progress,
            cleaning=cleaning,
            outlets_file=None if outlets is None else str(outlets),
        )
    for notice in result.problems[len(read.problems) :]:
        err.print(f"naql: note: {notice}", markup=False, highlight=False)
    if explain_clean:
        print_drops(explain_drops(result.articles, read.articles) if clean else [])
    print_trace(result, out, passages=passages, top=top)
    if json_out is not None:
        write_json(json_out, to_json(result))
        err.print(f"naql: wrote {json_out}", highlight=False)


@app.command("clean")
def clean_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, zip archives or - for stdin.")
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
    explain_clean: Annotated[
        bool, typer.Option("--explain-clean", help="List every dropped line, and why.")
    ] = False,
) -> None:
    """Pages to articles: chrome blanked (offsets kept), repeats collapsed, multi-story pages split.

    Example: naql clean examples/haftar --out clean.jsonl
    """
    from naql.clean import explain
    from naql.ingest import ReadOptions
    from naql.pipeline import clean as run_clean

    read = read_or_exit(
        paths,
        ReadOptions(
            text_field=text_field,
            id_field=id_field,
            outlet_field=outlet_field,
            date_field=date_field,
            url_field=url_field,
            title_field=title_field,
        ),
    )
    result = run_clean(read.articles)
    if explain_clean:
        print_drops(explain(result))
    write_jsonl(out_file, (to_json(article) for article in result.articles))
    reasons = ", ".join(f"{reason} {count}" for reason, count in result.dropped.items())
    out.print(
        f"{len(read.articles)} pages, {len(result.articles)} articles, "
        f"{sum(result.dropped.values())} lines dropped" + (f" ({reasons})" if reasons else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
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
    progress: Annotated[
        bool, typer.Option(help="Progress bars on stderr (terminals only).")
    ] = True,
) -> None:
    """Align suspicious with source documents, PAN style: the pairs given, or those naql finds.

    Example: naql align --pan corpus/susp corpus/src --out detections/
    """
    from naql.pipeline import align_pan

    with progress_bars(progress) as on_progress:
        run = align_pan(
            str(pan[0]),
            str(pan[1]),
            str(out_dir),
            progress=on_progress,
            pairs_file=None if pairs is None else str(pairs),
        )
    report_problems(run.problems)
    if run.documents == 0:
        err.print("naql: no suspicious document was read", highlight=False)
        raise typer.Exit(1)
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in run.timings.items())
    out.print(
        f"{run.detections} detections for {run.documents} suspicious documents in {out_dir} ({timings})"
    )


@eval_app.command("pan")
def eval_pan(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of PAN gold XML files.")],
    detections_dir: Annotated[
        Path, typer.Argument(help="Folder of detection XML files (naql align --pan).")
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the scores as JSON here.")
    ] = None,
) -> None:
    """PAN 2013-15 measures: precision, recall, granularity and plagdet, overall and per obfuscation.

    Example: naql eval pan corpus/gold detections/
    """
    from rich.table import Table

    from naql.evaluate import evaluate_dirs

    if not gold_dir.is_dir():
        err.print(f"naql: {gold_dir}: no such folder", highlight=False)
        raise typer.Exit(2)
    report = evaluate_dirs(gold_dir, detections_dir)
    table = Table(title="PAN text alignment", title_justify="left")
    for column in ("obfuscation", "cases", "found", "precision", "recall", "gran.", "plagdet"):
        numeric = column != "obfuscation"
        table.add_column(column, justify="right" if numeric else "left", no_wrap=numeric)
    rows = [("all", report.overall)] + sorted(report.by_obfuscation.items())
    for name, scores in rows:
        table.add_row(
            name,
            str(scores.cases),
            str(scores.detections),
            f"{scores.precision:.3f}",
            f"{scores.recall:.3f}",
            f"{scores.granularity:.3f}",
            f"{scores.plagdet:.3f}",
        )
    out.print(table)
    if json_out is not None:
        write_json(
            json_out, to_json({"overall": report.overall, "by_obfuscation": report.by_obfuscation})
        )


def _load_lines(path: Path) -> list[dict]:
    """A JSONL file (one object per line) or a JSON array of objects."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@eval_app.command("stories")
def eval_stories(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold stories: JSONL lines {article, story} or a JSON object {story: [articles]}."
        ),
    ],
    trace_json: Annotated[Path, typer.Argument(help="The output of naql trace --json.")],
) -> None:
    """B-cubed precision, recall and F1 of naql's stories against gold story labels.

    Example: naql eval stories gold-stories.jsonl trace.json
    """
    from naql.evaluate import bcubed

    text = gold.read_text(encoding="utf-8")
    if text.lstrip().startswith("{") and "\n{" not in text.strip():
        labels = {
            article: story for story, members in json.loads(text).items() for article in members
        }
    else:
        labels = {str(line["article"]): str(line["story"]) for line in _load_lines(gold)}
    result = json.loads(trace_json.read_text(encoding="utf-8"))
    predicted = {
        article: story["id"] for story in result.get("stories", []) for article in story["articles"]
    }
    scores = bcubed(labels, predicted)
    out.print(
        f"B-cubed over {scores.items} articles ({scores.gold_clusters} gold stories, "
        f"{scores.predicted_clusters} found): precision {scores.precision:.3f}, "
        f"recall {scores.recall:.3f}, F1 {scores.f1:.3f}"
    )


@eval_app.command("provenance")
def eval_provenance(
    gold: Annotated[
        Path,
        typer.Argument(help="Gold JSONL: {copy, source, reused, credits_source, source_outlet}."),
    ],
    trace_json: Annotated[Path, typer.Argument(help="The output of naql trace --json.")],
) -> None:
    """Precision and recall of origins (is the gold source the copy's origin?) and of credits.

    Example: naql eval provenance gold-provenance.jsonl trace.json
    """
    from naql.evaluate import provenance_scores

    scores = provenance_scores(
        _load_lines(gold), json.loads(trace_json.read_text(encoding="utf-8"))
    )
    for name, part in (("origin", scores.origin), ("credits", scores.credits)):
        out.print(
            f"{name}: precision {part.precision:.3f}, recall {part.recall:.3f}, F1 {part.f1:.3f} "
            f"(tp {part.true_positives}, fp {part.false_positives}, fn {part.false_negatives})"
        )


@eval_app.command("pairs")
def eval_pairs(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Hand-read pairs, JSONL: {a, b, event, reuse} (a/b or a_url/b_url; event: "
            "same|different|unrelated; reuse: none|a_to_b|b_to_a|common_source|template|unclear)."
        ),
    ],
    trace_json: Annotated[Path, typer.Argument(help="The output of naql trace --json.")],
    agency: Annotated[
        str, typer.Option(help="Outlet id (a_source/b_source) of the agency whose re-runs count.")
    ] = "was",
) -> None:
    """Score stories and provenance on hand-read pairs: same-event pairs kept together,
    different events apart, copies drawn the right way, common sources and templates not drawn
    as copies.

    Example: naql eval pairs tests/data/saudinewsnet_pairs.jsonl trace.json
    """
    from naql.evaluate import PAIR_MEASURES, pair_scores

    scores = pair_scores(
        _load_lines(gold), json.loads(trace_json.read_text(encoding="utf-8")), agency=agency
    )
    for name, score in scores.items():
        if score.total:
            out.print(
                f"{PAIR_MEASURES[name]}: {score.rate:.3f} ({score.correct} of {score.total})",
                highlight=False,
            )


def write_json(path: Path, data: object) -> None:
    """Write atomically, so an interrupted run never leaves half a file behind."""
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.replace(path)


def write_jsonl(path: Path, records: Iterable[object]) -> None:
    """One JSON record a line, written atomically like :func:`write_json`."""
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    temporary.replace(path)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"naql {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = None,
) -> None:
    """naql (نقل): trace how a news story travels between outlets."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` lets tests call the CLI directly and read its exit status."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="naql")
    except SystemExit as stop:  # click's standalone mode ends every run this way
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (NaqlError, OSError) as error:
        err.print(f"naql: {error}", highlight=False, markup=False)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
