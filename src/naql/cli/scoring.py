"""``naql eval``: naql's output scored against gold (PAN, stories, provenance, hand-read
pairs). Gold and trace files that cannot be used stop with one line saying why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from naql.cli.app import eval_app
from naql.cli.output import err, out, write_json
from naql.errors import InputError
from naql.records import to_json

TraceJson = Annotated[
    Path, typer.Argument(metavar="TRACE.json", help="The output of naql trace --json.")
]


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
    trace_json: TraceJson,
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
    trace_json: TraceJson,
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
    trace_json: TraceJson,
    agency: Annotated[
        str,
        typer.Option(
            help="Outlet id (a_source/b_source) of the agency whose re-runs, and common "
            "sources with another outlet, are also scored alone."
        ),
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
