"""What the command line writes: the two consoles, progress bars, problem reports, output
files (checked before any work, written atomically, a trace streamed a record at a time)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

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

from naql.errors import InputError
from naql.records import Problem, to_json
from naql.report.terminal import plural


class _Out(Console):
    """stdout: a reader that stops early (``| head``) ends the run quietly, status 0 — the
    JSON, written before the summary, is already on disk (rich's own default exits with 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        quiet_stdout()
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


def write_json(
    path: Path | str, data: object, progress: Callable[[str, int, int], None] | None = None
) -> None:
    """Write atomically, so an interrupted run never leaves half a file behind. A record with
    long lists (a trace) is written a record at a time, with progress over them. ``path`` may
    be a URL (``s3://bucket/trace.json``: :mod:`naql.ingest.remote`), written under a temporary
    name and then moved."""
    from naql.ingest.remote import text_written

    with written_or_exit(path, "--json"):
        with text_written(path) as handle:
            _json_to(handle, data, progress)


@contextmanager
def written_or_exit(path: Path | str, option: str) -> Iterator[None]:
    """A URL that cannot be written is one line naming it (without its options) and why; a
    local path was checked before the run (:func:`output_file`)."""
    from naql.ingest.remote import is_url

    if not isinstance(path, str) or not is_url(path):
        yield
        return
    try:
        yield
    except OSError as error:
        raise _cannot_write(option, path, error) from None


def _cannot_write(option: str, url: str, error: BaseException) -> InputError:
    from naql.ingest.remote import reason, shown

    return InputError(f"{option} {shown(url)}: cannot write there ({reason(error)})")


def _json_to(
    handle: IO[str], data: object, progress: Callable[[str, int, int], None] | None
) -> None:
    if progress is None or not dataclasses.is_dataclass(data):
        json.dump(to_json(data), handle, ensure_ascii=False, indent=2)
    else:
        _stream_record(data, handle, progress)


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
    from naql.ingest.remote import text_written

    with text_written(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def quiet_stdout() -> None:
    """A reader that stopped early: send what is left of stdout (and its final flush) nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def output_file(given: str | None, option: str) -> Path | str | None:
    """An output file as given, checked now, before any work: a URL is kept as a string
    (written through its file system), a local path must be writable."""
    from naql.ingest.remote import is_url

    if given is None:
        return None
    if is_url(given):
        return _url_checked(given, option)
    writable_or_exit(Path(given), option)
    return Path(given)


def _url_checked(given: str, option: str) -> str:
    """An output URL, its file system made now: an unknown scheme or a malformed URL is told
    before the run rather than after it."""
    from naql.ingest.remote import file_system

    try:
        file_system(given)
    except Exception as error:  # noqa: BLE001 - whatever pyarrow raises: one line
        raise _cannot_write(option, given, error) from None
    return given


def output_folder(given: str, option: str = "--out") -> Path | str:
    """An output folder as given: a URL (``s3://…``) is kept as a string, for the export to
    write through its file system; a local folder is checked (and made) now."""
    from naql.ingest.remote import is_url

    if is_url(given):
        return _url_checked(given, option)
    folder_or_exit(Path(given), option)
    return Path(given)


def folder_or_exit(folder: Path, option: str = "--out") -> None:
    """The output folder, made when its parent exists; stop before reading anything if it
    cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder}: is a file, not a folder")
    if not folder.exists():
        parent = folder.parent if str(folder.parent) else Path(".")
        if not parent.is_dir():
            raise InputError(f"{option} {folder}: the folder {parent} does not exist")
        folder.mkdir()
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option} {folder}: not writable")
