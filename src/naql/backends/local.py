"""All local cores: worker processes forked from this one.

Forking shares the stage's inputs (every text's tokens, the gazetteer, the stories' inputs) with
the workers copy-on-write, so nothing the size of the corpus is pickled on the way in; only each
chunk's (small) results come back through a pipe. Where ``fork`` does not exist (Windows, and
macOS by default) the shared inputs are pickled once per worker instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from naql.backends import ChunkProgress, Done, Pending
from naql.errors import BackendFailed
from naql.stages import collector_paused

# The inputs of the stage being run, set just before the workers are forked (or sent to each
# worker once by the initializer where there is no fork).
_shared: Any = None


def _set_shared(shared: Any) -> None:
    global _shared
    _shared = shared


def _watch_parent(parent: int) -> None:
    """End this worker when the process that started it is gone. A parent killed outright
    (SIGKILL, the OOM killer) runs no clean-up, and its workers, each holding a copy of the
    task queue's pipe, would wait on it for ever, keeping the parent's stdout and stderr open:
    whoever reads those (a shell's pipe, a supervisor) would never see their end."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="naql-watch-parent", daemon=True).start()


def _forked_worker(parent: int) -> None:
    # gc.freeze first thing in each worker: a collection there would otherwise walk every
    # inherited object and write to its header, copying the parent's pages one by one.
    gc.freeze()
    _watch_parent(parent)


def _spawned_worker(parent: int, shared: Any) -> None:
    _set_shared(shared)
    _watch_parent(parent)


def _run_chunk(task: Callable[[Any, Any], Any], chunk: Any) -> Any:
    return task(_shared, chunk)


class LocalBackend:
    name = "local"
    # Forked workers inherit the inputs; without fork they are pickled to each worker once.
    shares_inputs = "fork" in multiprocessing.get_all_start_methods()
    sees_local_files = True  # the workers run here: they open the files the walk found

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def run(
        self,
        task: Callable[[Any, Any], Any],
        shared: Any,
        chunks: Sequence[Any],
        progress: ChunkProgress | None = None,
    ) -> list[Any]:
        if self.workers == 1 or len(chunks) <= 1:
            results = []
            for done, chunk in enumerate(chunks, 1):
                results.append(task(shared, chunk))
                if progress is not None:
                    progress(done, len(chunks))
            return results
        pool = _pool(min(self.workers, len(chunks)), shared)
        try:
            with pool, collector_paused():
                futures = {
                    pool.submit(_run_chunk, task, chunk): k for k, chunk in enumerate(chunks)
                }
                found: list[Any] = [None] * len(chunks)
                for done, future in enumerate(as_completed(futures), 1):
                    found[futures[future]] = _result(future, task)
                    if progress is not None:
                        progress(done, len(chunks))
                return found
        finally:
            _set_shared(None)

    def start(
        self, task: Callable[[Any, Any], Any], shared: Any, chunks: Sequence[Any], workers: int
    ) -> Pending:
        workers = min(workers, self.workers, len(chunks))
        if self.workers <= 1 or workers < 1:
            return Done(self.run(task, shared, chunks))  # no worker to spare: run now
        try:
            pool = _pool(workers, shared)
            futures = [pool.submit(_run_chunk, task, chunk) for chunk in chunks]
        finally:
            # Forked workers start at the first submit: the next stage may set its own inputs.
            _set_shared(None)
        return _Running(pool, futures, task)

    def close(self) -> None:
        return None


class _Running:
    def __init__(
        self, pool: ProcessPoolExecutor, futures: list[Future[Any]], task: Callable[[Any, Any], Any]
    ) -> None:
        self.pool, self.futures, self.task = pool, futures, task

    def result(self) -> list[Any]:
        with self.pool, collector_paused():
            return [_result(future, self.task) for future in self.futures]

    def each(self) -> Iterator[tuple[int, Any]]:
        number = {future: k for k, future in enumerate(self.futures)}
        # Results are unpickled by the pool's own thread as they arrive: the collector stays
        # off until the last (the caller's work between them makes records, not cycles).
        with self.pool, collector_paused():
            for future in as_completed(number):
                yield number[future], _result(future, self.task)


def _pool(workers: int, shared: Any) -> ProcessPoolExecutor:
    """Worker processes that see ``shared``: forked with it where fork exists (the caller
    clears it once they have started), sent to each once elsewhere."""
    if "fork" in multiprocessing.get_all_start_methods():
        _set_shared(shared)
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_forked_worker,
            initargs=(os.getpid(),),
        )
    return ProcessPoolExecutor(workers, initializer=_spawned_worker, initargs=(os.getpid(), shared))


def _result(future: Future[Any], task: Callable[[Any, Any], Any]) -> Any:
    """A chunk's result; a worker that died (killed, out of memory) is one clear error, not
    a pool's traceback. An exception the task raised is raised as it is."""
    try:
        return future.result()
    except BrokenProcessPool:
        stage = task.__name__.removesuffix("_task")
        raise BackendFailed(
            f"a worker process died during {stage} (killed, or out of memory?): try fewer --jobs"
        ) from None
