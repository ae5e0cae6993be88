"""Walking what the user gave: folders, files, zip archives, ``-`` for stdin.

The walk is a plan: for each path given, in order, the files to read (:class:`FileRead`), with
the problems and skips met on the way. Reading a file is independent of every other, so the
plan's files can be read here, one after the other, or by a backend's workers
(:func:`read_on`), which is where the time goes on a crawl: trafilatura takes about 20 ms for
a real news page. Either way, the items come back in the plan's order, so both give the same
articles, problems and skip counts.
"""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from naql.ingest.formats import (
    Item,
    Skipped,
    folder_sidecars,
    guard,
    hidden,
    load_sidecar,
    read_source,
    sidecar_of,
)
from naql.ingest.metadata import SIDECAR_NAME
from naql.ingest.options import ReadOptions
from naql.ingest.remote import is_url, opener, plan_url, random_opener
from naql.ingest.sources import Source, bytes_source, count, describe, file_source, split_name
from naql.ingest.warc import record_ranges
from naql.records import Problem

if TYPE_CHECKING:
    from naql.backends import Backend

STDIN_PATH = "<stdin>"
_MAX_PROBLEMS_PER_FILE = 100


@dataclass(slots=True, frozen=True)
class FileRead:
    """One file of the inputs, to be read where it is: here, or by a worker that sees the same
    file system. ``path`` is what messages show, ``where`` the absolute path opened (a worker's
    working folder may be another), ``size`` in bytes balances the workers' shares, and
    ``here`` says it must be read by this process (a pipe: read once, by whoever holds it).
    A file named by URL has ``root``, the URL its file system is made from, and ``where`` is
    its path on that file system (:mod:`naql.ingest.remote`)."""

    path: str
    name: str
    explicit: bool
    sidecar: dict[str, Any] | None
    size: int
    where: str
    here: bool = False
    root: str | None = None
    # A range of a large WARC file: (first byte, end byte, number of its first response).
    part: tuple[int, int, int] | None = None


@dataclass(slots=True, frozen=True)
class Skip:
    """An input passed over without a Problem of its own (counted by reason)."""

    reason: str


@dataclass(slots=True, frozen=True)
class StdinRead:
    """Standard input: read by this process, where it is."""


Step = Item | FileRead | Skip | StdinRead


# --- top level ---------------------------------------------------------------------------------


def iter_paths(paths: Iterable[str], options: ReadOptions, skipped: Skipped) -> Iterator[Item]:
    """Every item of ``paths``, each file read here as the walk comes to it."""
    sidecars = _SidecarCache()
    for given in paths:
        yield from _capped(_performed(_plan_path(given, options, sidecars), options, skipped))


def read_on(
    backend: Backend,
    paths: Sequence[str],
    options: ReadOptions,
    skipped: Skipped,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Item]:
    """What :func:`iter_paths` yields, the files read by ``backend``'s workers: the plan is
    walked first, its files cut into contiguous ranges balanced by size, and each file's items
    and skips put back where the plan has it. ``progress(files read, files)``."""
    from naql.backends import balanced_ranges, chunk_count
    from naql.backends.tasks import read_task

    sidecars = _SidecarCache()
    plans = [list(_plan_path(given, options, sidecars)) for given in paths]
    if not getattr(backend, "sees_local_files", True):
        # Executors on other machines cannot open the driver's files: those are read here,
        # and only files named by URL go out.
        plans = [[_here(step) for step in plan] for plan in plans]
    if backend.workers > 1:
        plans = split_warcs(plans, backend.workers)
    files = [
        step for plan in plans for step in plan if isinstance(step, FileRead) and not step.here
    ]
    if backend.workers <= 1 or len(files) < 2:
        for plan in plans:
            yield from _capped(_performed(plan, options, skipped))
        return
    ranges = balanced_ranges(
        # A file costs its bytes and a fixed part (opening it, an HTML page's parser).
        [step.size + _FILE_COST for step in files],
        chunk_count(backend, len(files)),
    )
    chunks = [files[r.start : r.stop] for r in ranges]
    told = None
    if progress is not None:
        sizes, total, tell = [len(chunk) for chunk in chunks], len(files), progress

        def told(done: int, count: int) -> None:  # chunks end out of order: close enough
            tell(total if done >= count else sum(sizes[:done]), total)

    found = backend.run(read_task, options, chunks, told)
    results = iter([result for chunk in found for result in chunk])
    del found
    read = lambda _: next(results)  # noqa: E731 - the plan's files come back in its order
    for plan in plans:
        yield from _capped(_performed(plan, options, skipped, read))


def _here(step: Step) -> Step:
    if isinstance(step, FileRead) and step.root is None:
        return dataclasses.replace(step, here=True)
    return step


_FILE_COST = 16_384  # bytes a file's opening and parsing are worth, for balancing


def read_file(step: FileRead, options: ReadOptions, skipped: Skipped) -> Iterator[Item]:
    """The items of one planned file."""
    where = step.where
    local: Callable[[], IO[bytes]] = lambda: open(where, "rb")  # noqa: E731
    if step.part is not None:
        start, end, first = step.part
        whole = random_opener(step.root, where) if step.root is not None else local
        source = Source(
            step.path, step.name, lambda: _range(whole, start, end), None, step.sidecar, first
        )
    elif step.root is not None:
        source = Source(step.path, step.name, opener(step.root, where), None, step.sidecar)
    else:
        source = Source(step.path, step.name, local, where, step.sidecar)
    yield from read_source(source, options, skipped, explicit=step.explicit)


def _range(whole: Callable[[], IO[bytes]], start: int, end: int) -> IO[bytes]:
    """Bytes ``start`` to ``end`` of a file (``whole`` opens it, seekable), as a file of
    their own."""
    handle = whole()
    handle.seek(start)
    return io.BufferedReader(_Slice(handle, end - start), buffer_size=1 << 20)


class _Slice(io.RawIOBase):
    def __init__(self, handle: IO[bytes], size: int) -> None:
        self._handle, self._left = handle, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        data = self._handle.read(min(len(buffer), self._left))
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._handle.close()
        super().close()


def split_warcs(plans: list[list[Step]], workers: int) -> list[list[Step]]:
    """The plans with each large WARC file cut into ranges of records
    (:func:`naql.ingest.warc.record_ranges`) when there are too few files to keep ``workers``
    busy: one crawl saved as one WARC is otherwise read by one worker, a page every 20 ms."""
    files = [step for plan in plans for step in plan if isinstance(step, FileRead)]
    if len(files) >= workers * _FILES_PER_WORKER:
        return plans
    piece = max(_WARC_PIECE, sum(step.size for step in files) // (workers * _FILES_PER_WORKER))
    cut: list[list[Step]] = []
    for plan in plans:
        steps: list[Step] = []
        for step in plan:
            if isinstance(step, FileRead) and _splittable(step, piece):
                gz = split_name(step.name)[1]
                opened = None if step.root is None else random_opener(step.root, step.where)
                ranges = record_ranges(step.where, gz, -(-step.size // piece), opened, step.size)
                steps.extend(
                    dataclasses.replace(step, part=part, size=part[1] - part[0]) for part in ranges
                )
            else:
                steps.append(step)
        cut.append(steps)
    return cut


def _splittable(step: FileRead, piece: int) -> bool:
    """A WARC file (by its name) of two pieces or more, on this machine's disk or named by
    URL (a crawl in object storage: its ranges are found by reading it through once here,
    a fraction of what parsing its pages costs the workers)."""
    whole = not step.here and step.part is None
    return whole and step.size >= 2 * piece and split_name(step.name)[0] == "warc"


_FILES_PER_WORKER = 8
_WARC_PIECE = 2 << 20  # bytes of WARC a range holds at least (about a hundred pages)


def _performed(
    plan: Iterable[Step],
    options: ReadOptions,
    skipped: Skipped,
    done: Callable[[FileRead], tuple[list[Item], dict[str, int]]] | None = None,
) -> Iterator[Item]:
    """The plan's items, each file read here (or its items and skips taken from ``done``),
    the skips counted as they come, so ``skipped`` is filled in the same order either way."""
    for step in plan:
        if isinstance(step, FileRead):
            if done is None or step.here:
                yield from read_file(step, options, skipped)
                continue
            items, counts = done(step)
            for reason, number in counts.items():
                skipped[reason] = skipped.get(reason, 0) + number
            yield from items
        elif isinstance(step, Skip):
            count(skipped, step.reason)
        elif isinstance(step, StdinRead):
            yield from guard(STDIN_PATH, _read_stdin(options, skipped))
        else:
            yield step


def _plan_path(given: str, options: ReadOptions, sidecars: _SidecarCache) -> Iterator[Step]:
    if given == "-":
        yield StdinRead()
        return
    if is_url(given):
        yield from plan_url(given, options, sidecars.remote)
        return
    try:
        info = os.stat(given)
    except FileNotFoundError:
        yield Problem(given, "no such file or folder")
        return
    except OSError as exc:
        yield Problem(given, describe(exc))
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _plan_folder(given, options)
    elif stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        source = file_source(given)
        if source.name == SIDECAR_NAME:
            yield Skip("metadata sidecar")
            return
        folder = os.path.dirname(given) or "."
        entries, problems = sidecars.get(folder)
        yield from problems
        yield FileRead(
            given,
            source.name,
            True,
            entries.get(source.name),
            info.st_size,
            os.path.abspath(given),
            here=stat.S_ISFIFO(info.st_mode),
        )
    else:
        yield Problem(given, "not a regular file or folder")


class _SidecarCache:
    """The sidecar of each folder of explicitly named files, read once, problems reported once."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, dict[str, Any]]] = {}
        self.remote: dict[str, Any] = {}  # the same for files named by URL

    def get(self, folder: str) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
        key = os.path.abspath(folder)
        if key in self._seen:
            return self._seen[key], []
        path = os.path.join(folder, SIDECAR_NAME)
        entries: dict[str, dict[str, Any]] = {}
        problems: list[Problem] = []
        if os.path.isfile(path):
            problems = list(load_sidecar(file_source(path), entries))
        self._seen[key] = entries
        return entries, problems


def _capped(items: Iterator[Item]) -> Iterator[Item]:
    """At most ``_MAX_PROBLEMS_PER_FILE`` problems per file, then one line saying how many more.

    The closing line carries in ``Problem.count`` how many skips it stands for, so a caller
    summing counts gets the real number skipped, not the number of lines shown. Hidden notices
    (inputs used anyway) get their own line: counting them as skips would overstate the loss.
    """
    shown: dict[str, int] = {}
    hidden_counts: dict[str, tuple[int, int]] = {}  # path -> (skips, notices)
    for item in items:
        if isinstance(item, Problem):
            n = shown.get(item.path, 0)
            if n >= _MAX_PROBLEMS_PER_FILE:
                skips, notices = hidden_counts.get(item.path, (0, 0))
                if item.skipped:
                    skips += item.count
                else:
                    notices += item.count
                hidden_counts[item.path] = (skips, notices)
                continue
            shown[item.path] = n + 1
        yield item
    for path, (skips, notices) in hidden_counts.items():
        if skips:
            yield Problem(path, f"{skips} more problems in this file not shown", count=skips)
        if notices:
            yield Problem(
                path,
                f"{notices} more notes in this file not shown",
                skipped=False,
                count=notices,
            )


# --- folders -----------------------------------------------------------------------------------


def _plan_folder(root: str, options: ReadOptions) -> Iterator[Step]:
    """A folder's files in path order, each with its sidecar entry, after what the walk met."""
    entries: list[tuple[tuple[str, ...], Source, int]] = []
    met: list[Step] = []
    visited: set[tuple[int, int]] = set()

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in visited:
                return  # a symlink loop
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                children = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            met.append(Problem(folder, f"cannot list folder: {describe(exc)}"))
            return
        for child in children:
            if hidden(child.name):
                met.append(Skip("hidden"))
                continue
            try:
                is_dir = child.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if options.recursive:
                    walk(child.path, (*parts, child.name))
                else:
                    met.append(Skip("subfolder (not recursive)"))
            else:
                try:
                    size = child.stat().st_size
                except OSError:
                    size = 0  # reading it will say what is wrong
                entries.append(((*parts, child.name), file_source(child.path, child.name), size))

    walk(root, ())
    # Skips first, then problems: the order the walk's counts and items had when both were
    # made as it went.
    yield from (step for step in met if isinstance(step, Skip))
    yield from (step for step in met if not isinstance(step, Skip))
    entries.sort(key=lambda entry: entry[0])
    sidecars, problems = folder_sidecars([(parts, source) for parts, source, _ in entries])
    yield from (Skip("metadata sidecar") for parts, _, _ in entries if parts[-1] == SIDECAR_NAME)
    yield from problems
    for parts, source, size in entries:
        if parts[-1] != SIDECAR_NAME:
            where = os.path.abspath(source.path)
            yield FileRead(
                source.path, source.name, False, sidecar_of(parts, sidecars), size, where
            )


# --- stdin -------------------------------------------------------------------------------------


def _read_stdin(options: ReadOptions, skipped: Skipped) -> Iterator[Item]:
    stdin = sys.stdin
    if stdin is None:
        yield Problem(STDIN_PATH, "no standard input")
        return
    buffer = getattr(stdin, "buffer", None)
    data = buffer.read() if buffer is not None else stdin.read().encode("utf-8")
    source = bytes_source(STDIN_PATH, "stdin", data)
    yield from read_source(source, options, skipped, explicit=True)
