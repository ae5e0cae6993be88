"""Where the heavy stages run: in this process, on all local cores, or on Apache Spark.

A backend knows one thing: run ``task(shared, chunk)`` for every chunk and hand the results back
in chunk order. The stages never know which backend ran them, and each task is one of the
library's own stage functions (:mod:`naql.backends.tasks`), so every backend gives the same
result as one core: work is split only where items are independent (texts, pairs, pages,
stories), and results are put back in input order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from naql.errors import ConfigError

# chunk_done(chunks done, chunks in all)
ChunkProgress = Callable[[int, int], None]


class Pending(Protocol):
    def result(self) -> list[Any]:
        """The chunks' results in chunk order, once all are done."""
        ...

    def each(self) -> Iterator[tuple[int, Any]]:
        """Each chunk's number and result as it is done, so the caller can work on the first
        results while the workers finish the rest."""
        ...


class Backend(Protocol):
    """Runs a stage's chunks. A backend whose workers do not share the driver's memory may
    also do three stages its own way, with the same results, and the stages ask for them by
    name: ``candidate_pairs`` (the seed index by blocking), ``align_chunks`` (pairs joined
    with their texts) and ``linkage`` (stories by connected components); see
    :mod:`naql.backends.spark`."""

    name: str
    workers: int
    # True when the workers see a stage's inputs without a copy (forked processes): a light
    # stage is worth shipping there, and a stage may hand them every text. Where inputs are
    # serialised (Spark), each chunk is sent its own texts, and only the heavy stages go out.
    shares_inputs: bool

    def start(
        self, task: Callable[[Any, Any], Any], shared: Any, chunks: Sequence[Any], workers: int
    ) -> Pending:
        """Begin ``run`` on at most ``workers`` workers and return at once where the backend
        can (the local one); the caller works on meanwhile and asks for the result later."""
        ...

    def run(
        self,
        task: Callable[[Any, Any], Any],
        shared: Any,
        chunks: Sequence[Any],
        progress: ChunkProgress | None = None,
    ) -> list[Any]:
        """``[task(shared, chunk) for chunk in chunks]``, wherever the backend runs them."""
        ...

    def close(self) -> None: ...


BACKENDS = ("local", "spark")


def open_backend(
    name: str = "local", jobs: int | None = None, master: str | None = None
) -> Backend:
    """The backend called ``name``: ``local`` with ``jobs`` processes (default: every core),
    or ``spark`` on ``master`` (default: Spark's own configuration, else ``local[*]``)."""
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be 1 or more, not {jobs}")
    if name == "local":
        from naql.backends.local import LocalBackend

        return LocalBackend(jobs or available_cores())
    if name == "spark":
        from naql.backends.spark import SparkBackend

        return SparkBackend(master, jobs)
    raise ConfigError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def check(name: str) -> None:
    """Raise the error :func:`open_backend` would, without starting anything."""
    if name not in BACKENDS:
        raise ConfigError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "spark":
        from naql.backends.spark_errors import require_spark

        require_spark()


class Done:
    """A :class:`Pending` whose results are already here (a backend that cannot wait)."""

    def __init__(self, results: list[Any]) -> None:
        self.results = results

    def result(self) -> list[Any]:
        return self.results

    def each(self) -> Iterator[tuple[int, Any]]:
        return iter(enumerate(self.results))


def available_cores() -> int:
    """The cores this process may use (a container's or taskset's limit, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def balanced_ranges(weights: Sequence[float] | np.ndarray, parts: int) -> list[range]:
    """Cut ``0..len(weights)`` into at most ``parts`` contiguous ranges of similar total weight.

    Contiguous, so that each chunk's results concatenated in order ARE the sequential result, and
    neighbouring items (pairs sharing a left text) stay together."""
    count = len(weights)
    if count == 0:
        return []
    parts = max(1, min(parts, count))
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    total = float(cumulative[-1]) or 1.0
    cuts = np.searchsorted(cumulative, total * np.arange(1, parts) / parts, side="left") + 1
    bounds = np.unique(np.clip(np.r_[0, cuts, count], 0, count))
    return [range(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def chunk_count(backend: Backend, items: int, per_worker: int = 8) -> int:
    """How many chunks to cut ``items`` into: several per worker, so a slow chunk does not
    leave the other workers idle; one when there is a single worker (no split at all)."""
    if backend.workers <= 1:
        return 1
    return max(1, min(items, backend.workers * per_worker))
