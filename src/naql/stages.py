"""How a stage runs: under a timer that freezes what it made out of the collector's sight and
hands free heap back to the system, and telling a progress callback how far it got. The
stages themselves (:mod:`naql.reuse`, :mod:`naql.pipeline`) run under it."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# progress(stage, done, total): lets a shell draw progress bars without the library knowing how.
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, where the C library has it (not musl, not macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system. A stage's numpy temporaries below
    malloc's mmap threshold (up to 32 MB once it adapts) are freed into the heap, which glibc
    keeps: 150-190 MB of a 2x SaudiNewsNet trace's resident memory between stages was free
    heap, which the next stage's peak then stood on."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@dataclass(slots=True)
class Timer:
    timings: dict[str, float] = field(default_factory=dict)
    # After each stage, what exists is moved out of the cyclic collector's sight (gc.freeze):
    # its full collections otherwise walked every token array and passage made so far, 3.7 s
    # of a SaudiNewsNet trace. Objects still die by reference count; see unfrozen. The C
    # heap's free pages go back to the system then too (release_free_memory).
    freeze: bool = False

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
            if self.freeze:
                gc.freeze()
                release_free_memory()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for a stretch that makes objects by the hundred thousand and
    no cycles (unpickling a chunk's records, cleaning a batch's pages): each collection they
    set off walked everything alive again, 0.4-0.6 s of cleaning SaudiNewsNet's pages and of
    unpickling its stories and verdicts. What they make is freed by reference count; the
    collector is on again after, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def unfrozen() -> Iterator[None]:
    """A stretch whose stages freeze what they made (``Timer(freeze=True)``), handed back to
    the collector on the way out, unless a caller had frozen objects of its own."""
    frozen_before = gc.get_freeze_count()
    try:
        yield
    finally:
        if frozen_before == 0:
            gc.unfreeze()
