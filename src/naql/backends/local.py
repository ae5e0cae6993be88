"""All local cores: worker processes forked from this one.

Forking shares the stage's inputs (every text's tokens, the gazetteer, the stories' inputs) with
the workers copy-on-write, so nothing the size of the corpus is pickled on the way in; only each
chunk's (small) results come back through a pipe. Where ``fork`` does not exist (Windows, and
macOS by default) the shared inputs are pickled once per worker instead.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from naql.backends import ChunkProgress, Done, Pending
from naql.errors import BackendFailed

# The inputs of the stage being run, set just before the workers are forked (or sent to each
# worker once by the initializer where there is no fork).
_shared: Any = None


def _set_shared(shared: Any) -> None:
    global _shared
    _shared = shared


def _run_chunk(task: Callable[[Any, Any], Any], chunk: Any) -> Any:
    return task(_shared, chunk)


class LocalBackend:
    name = "local"

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
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            _set_shared(shared)
            pool = ProcessPoolExecutor(
                min(self.workers, len(chunks)), mp_context=multiprocessing.get_context("fork")
            )
        else:
            pool = ProcessPoolExecutor(
                min(self.workers, len(chunks)), initializer=_set_shared, initargs=(shared,)
            )
        try:
            with pool:
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
        if (
            self.workers <= 1
            or workers < 1
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            # No worker to spare, or no fork to share the inputs with one: run now.
            return Done(self.run(task, shared, chunks))
        _set_shared(shared)
        try:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            futures = [pool.submit(_run_chunk, task, chunk) for chunk in chunks]
        finally:
            # The workers are forked at the first submit: the next stage may set its own.
            _set_shared(None)
        return _Running(pool, futures)

    def close(self) -> None:
        return None


class _Running:
    def __init__(self, pool: ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
        self.pool, self.futures = pool, futures

    def result(self) -> list[Any]:
        with self.pool:
            return [_result(future, None) for future in self.futures]


def _result(future: Future[Any], task: Callable[[Any, Any], Any] | None) -> Any:
    """A chunk's result; a worker that died (killed, out of memory) is one clear error, not
    a pool's traceback. An exception the task raised is raised as it is."""
    try:
        return future.result()
    except BrokenProcessPool:
        stage = task.__name__.removesuffix("_task") if task is not None else "a stage"
        raise BackendFailed(
            f"a worker process died during {stage} (killed, or out of memory?): try fewer --jobs"
        ) from None
