"""The command line: a thin shell over :mod:`naql.pipeline`. Library errors become exit codes here.

Every command's help carries an example; ``tests/test_cli.py`` fails if one lacks it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from naql import __version__
from naql.errors import InputError, NaqlError
from naql.records import Problem, to_json
from naql.report.terminal import plural

if TYPE_CHECKING:
    from naql.ingest import ReadOptions, ReadResult

app = typer.Typer(
    name="naql",
    help="naql (نقل): trace how a news story travels between outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's panels print a type for every flag ("<bool>") and read
    # "{story: [articles]}" in a help text as markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(
    help="Score naql's output against gold data.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(eval_app, name="eval")


class _Out(Console):
    """stdout: a reader that stops early (``| head``) ends the run quietly, status 0 — the
    JSON, written before the summary, is already on disk (rich's own default exits with 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _quiet_stdout()
        raise SystemExit(0)


# Off a terminal (pipes, CI logs) rich would wrap at 80 columns; tables read better wider.
out = _Out(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, soft_wrap=True)


class _Rate(ProgressColumn):
    """Items a second: articles, pairs or stories, as the stage counts them."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A pipeline progress callback that draws rich bars on stderr (only on a terminal): one
    per stage, with counts, rate and time left."""
    if not enabled or not err.is_terminal:
        yield lambda stage, done, total: None
        return
    columns = (
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bars:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


SHOWN_PER_REASON = 3  # repeated problems: the first few lines, then a count (all in --json)


def report_problems(problems: Sequence[Problem], *, quiet: bool = False) -> None:
    """Skips and notes on stderr: the first few of each reason, then how many more; a total.
    ``quiet``: the total only."""
    skipped = [p for p in problems if p.skipped]
    by_reason: dict[str, list[Problem]] = {}
    for problem in problems:
        by_reason.setdefault(problem.reason, []).append(problem)
    if not quiet:
        for reason, group in by_reason.items():
            for problem in group[:SHOWN_PER_REASON]:
                kind = "skipped" if problem.skipped else "note:"
                err.print(f"naql: {kind} {problem}", markup=False, highlight=False)
            more = sum(p.count for p in group[SHOWN_PER_REASON:])
            if more:
                err.print(f"naql: … and {more} more: {reason}", markup=False, highlight=False)
    total = sum(p.count for p in skipped)
    if total:
        err.print(f"naql: {plural(total, 'input')} skipped", highlight=False)


Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Only the summary: no progress, no per-file lines (counts stay)."
    ),
]

# The record-field options `trace` and `clean` share.
TextField = Annotated[str, typer.Option(help="JSON/CSV field holding the article text.")]
IdField = Annotated[str, typer.Option(help="JSON/CSV field holding the article id.")]
OutletField = Annotated[str, typer.Option(help="JSON/CSV field naming the outlet.")]
DateField = Annotated[str, typer.Option(help="JSON/CSV field holding the date.")]
UrlField = Annotated[str, typer.Option(help="JSON/CSV field holding the URL.")]
TitleField = Annotated[str, typer.Option(help="JSON/CSV field holding the title.")]
AuthorField = Annotated[
    str, typer.Option(help="JSON/CSV field holding the byline (credits such as «الرياض - واس»).")
]


def writable_or_exit(path: Path | None, option: str) -> None:
    """Stop before any work when an output cannot be written (a missing folder, no write
    permission): a long run must not fail only at its end."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{option} {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder, not a file")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{option} {path}: not writable")


def read_or_exit(paths: Sequence[str], options: ReadOptions, quiet: bool = False) -> ReadResult:
    """Read the inputs, report what was skipped, and stop (exit 1) if nothing usable was read."""
    from naql.ingest import read_articles

    read = read_articles(paths, options)
    report_problems(read.problems, quiet=quiet)
    if not read.articles:
        err.print("naql: no usable article was read", highlight=False)
        raise typer.Exit(1)
    return read


@app.command()
def trace(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH", help="Files, folders, zip archives or - for stdin."),
    ],
    json_out: Annotated[
        Path | None,
        typer.Option("--json", metavar="FILE", help="Write the full result as JSON here."),
    ] = None,
    text_field: TextField = "text",
    id_field: IdField = "id",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    url_field: UrlField = "url",
    title_field: TitleField = "title",
    author_field: AuthorField = "author",
    language: Annotated[
        str, typer.Option(help="Stemmer for Latin-script words (ISO 639-1).")
    ] = "en",
    passages: Annotated[bool, typer.Option(help="List every passage in the summary.")] = True,
    top: Annotated[
        int,
        typer.Option(
            min=0, help="Stories and pairs shown in the terminal, 0 for none (all go to --json)."
        ),
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
    quiet: Quiet = False,
) -> None:
    """Group articles into stories, find who reuses whom (passages, shares), who credits whom,
    the original and the independent sources.

    Example: naql trace examples/haftar --json trace.json
    """
    from naql.clean import CleanConfig, explain_drops
    from naql.config import Config, ProvenanceConfig, TextConfig
    from naql.ingest import ReadOptions
    from naql.outlets import load as load_outlets
    from naql.pipeline import trace as run_trace
    from naql.report.terminal import print_trace
    from naql.text import Vocabulary

    writable_or_exit(json_out, "--json")
    Vocabulary(language)  # an unknown language stops here, before any reading
    if outlets is not None:
        load_outlets(outlets)  # so does an outlets file naql cannot use
    read = read_or_exit(
        paths,
        ReadOptions(
            text_field=text_field,
            id_field=id_field,
            outlet_field=outlet_field,
            date_field=date_field,
            url_field=url_field,
            title_field=title_field,
            author_field=author_field,
        ),
        quiet,
    )
    config = Config(
        text=TextConfig(latin_language=language),
        provenance=ProvenanceConfig(trust_dates=trust_dates),
    )
    cleaning = CleanConfig() if clean else None
    with progress_bars(progress and not quiet) as on_progress:
        result = run_trace(
            read.articles,
            config,
            read.problems,
            on_progress,
            cleaning=cleaning,
            outlets_file=None if outlets is None else str(outlets),
        )
        if not quiet:
            for notice in result.problems[len(read.problems) :]:
                err.print(f"naql: note: {notice}", markup=False, highlight=False)
        if json_out is not None:  # first: a closed pipe or a ^C in the summary must not lose it
            write_json(json_out, result, on_progress)
            if not quiet:
                err.print(f"naql: wrote {json_out}", highlight=False)
    if explain_clean:
        print_drops(explain_drops(result.articles, read.articles) if clean else [])
    print_trace(result, out, passages=passages, top=top, has_json=json_out is not None)


@app.command("clean")
def clean_command(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH", help="Files, folders, zip archives or - for stdin."),
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
    quiet: Quiet = False,
) -> None:
    """Pages to articles: chrome blanked (offsets kept), repeats collapsed, multi-story pages split.

    Example: naql clean examples/haftar --out clean.jsonl
    """
    from naql.clean import explain
    from naql.ingest import ReadOptions
    from naql.pipeline import clean as run_clean

    writable_or_exit(out_file, "--out")
    read = read_or_exit(
        paths,
        ReadOptions(
            text_field=text_field,
            id_field=id_field,
            outlet_field=outlet_field,
            date_field=date_field,
            url_field=url_field,
            title_field=title_field,
            author_field=author_field,
        ),
        quiet,
    )
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
    gold_dir: Annotated[
        Path, typer.Argument(metavar="GOLD_DIR", help="Folder of PAN gold XML files.")
    ],
    detections_dir: Annotated[
        Path,
        typer.Argument(
            metavar="DETECTIONS_DIR", help="Folder of detection XML files (naql align --pan)."
        ),
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


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def _load_lines(path: Path) -> list[dict]:
    """A JSONL file (one object per line) or a JSON array of objects; a one-line error naming
    the file, the line and the reason otherwise."""
    text = _read_text(path)
    if text.lstrip().startswith("{"):
        try:  # one object, perhaps spread over several lines
            return [json.loads(text)]
        except json.JSONDecodeError:
            pass  # JSON lines
    if text.lstrip().startswith("["):
        try:
            lines = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
    else:
        lines = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: line {number} is not JSON ({error.msg})") from None
    if not all(isinstance(line, dict) for line in lines):
        raise InputError(f"{path}: expected one JSON object a line")
    return lines


def load_trace(path: Path) -> dict:
    """The output of ``naql trace --json``, or a one-line error saying why not."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: not JSON ({error.msg}, line {error.lineno}): expected the output of "
            "naql trace --json"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("stories"), list):
        raise InputError(f"{path}: not a naql trace (no stories): expected naql trace --json")
    return data


@eval_app.command("stories")
def eval_stories(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD",
            help="Gold stories: JSONL lines {article, story} or a JSON object {story: [articles]}.",
        ),
    ],
    trace_json: Annotated[
        Path, typer.Argument(metavar="TRACE.json", help="The output of naql trace --json.")
    ],
) -> None:
    """B-cubed precision, recall and F1 of naql's stories against gold story labels.

    Example: naql eval stories gold-stories.jsonl trace.json
    """
    from naql.evaluate import bcubed

    lines = _load_lines(gold)
    if len(lines) == 1 and all(isinstance(members, list) for members in lines[0].values()):
        # One object {story: [articles]} (a JSONL file of one line is {article, story}).
        labels = {
            str(article): str(story) for story, members in lines[0].items() for article in members
        }
    elif all("article" in line and "story" in line for line in lines):
        labels = {str(line["article"]): str(line["story"]) for line in lines}
    else:
        raise InputError(f"{gold}: expected {{story: [articles]}} or JSONL {{article, story}}")
    result = load_trace(trace_json)
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
        typer.Argument(
            metavar="GOLD",
            help="Gold JSONL: {copy, source, reused, credits_source, source_outlet}.",
        ),
    ],
    trace_json: Annotated[
        Path, typer.Argument(metavar="TRACE.json", help="The output of naql trace --json.")
    ],
) -> None:
    """Precision and recall of origins (is the gold source the copy's origin?) and of credits.

    Example: naql eval provenance gold-provenance.jsonl trace.json
    """
    from naql.evaluate import provenance_scores
    from naql.outlets import load as load_outlets

    scores = provenance_scores(_load_lines(gold), load_trace(trace_json), load_outlets())
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
            metavar="GOLD",
            help="Hand-read pairs, JSONL: {a, b, event, reuse} (a/b or a_url/b_url; event: "
            "same|different|unrelated; reuse: none|a_to_b|b_to_a|common_source|template|unclear).",
        ),
    ],
    trace_json: Annotated[
        Path, typer.Argument(metavar="TRACE.json", help="The output of naql trace --json.")
    ],
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

    scores = pair_scores(_load_lines(gold), load_trace(trace_json), agency=agency)
    for name, score in scores.items():
        if score.total:
            out.print(
                f"{PAIR_MEASURES[name]}: {score.rate:.3f} ({score.correct} of {score.total})",
                highlight=False,
            )


def write_json(
    path: Path, data: object, progress: Callable[[str, int, int], None] | None = None
) -> None:
    """Write atomically, so an interrupted run never leaves half a file behind. A record with
    long lists (a trace) is written a record at a time, with progress over them."""
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        if progress is None or not dataclasses.is_dataclass(data):
            json.dump(to_json(data), handle, ensure_ascii=False, indent=2)
        else:
            _stream_record(data, handle, progress)
    temporary.replace(path)


def _stream_record(
    data: object, handle: IO[str], progress: Callable[[str, int, int], None]
) -> None:
    fields = [(f.name, getattr(data, f.name)) for f in dataclasses.fields(data)]  # type: ignore[arg-type]
    total = sum(len(value) for _, value in fields if isinstance(value, list))
    done = 0
    handle.write("{")
    for number, (name, value) in enumerate(fields):
        handle.write(("," if number else "") + f"\n  {json.dumps(name)}: ")
        if not isinstance(value, list):
            handle.write(json.dumps(to_json(value), ensure_ascii=False))
            continue
        handle.write("[")
        for index, item in enumerate(value):
            handle.write(("," if index else "") + "\n    ")
            handle.write(json.dumps(to_json(item), ensure_ascii=False))
            done += 1
            if done % 2048 == 0 or done == total:
                progress("write JSON", done, total)
        handle.write("\n  ]" if value else "]")
    handle.write("\n}\n")


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
    """Entry point; ``argv`` lets tests call the CLI directly and read its exit status.

    Every error ends in one line on stderr — a usage error too (click's own prints the usage
    and a boxed message); a closed pipe (``| head``) ends quietly, what was asked for written.
    """
    # typer vendors its own click: its exceptions, not click's, reach this point.
    from typer._click import exceptions as click

    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="naql", standalone_mode=False
        )
    except typer.Exit as stop:
        return stop.exit_code
    except typer.Abort:
        err.print("naql: interrupted", highlight=False)
        return 130
    except click.NoArgsIsHelpError as error:  # «naql», «naql eval»: the help is the answer
        out.print(error.format_message(), markup=False, highlight=False)
        return 0
    except click.ClickException as error:
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "naql"
        hint = f" ({command} -h for help)" if isinstance(error, click.UsageError) else ""
        err.print(f"naql: {error.format_message()}{hint}", highlight=False, markup=False)
        return error.exit_code
    except SystemExit as stop:
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except (NaqlError, OSError) as error:
        err.print(f"naql: {error}", highlight=False, markup=False)
        return 2
    return result if isinstance(result, int) else 0


def _quiet_stdout() -> None:
    """A reader that stopped early: send what is left of stdout (and its final flush) nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
