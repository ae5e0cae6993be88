"""What a user sees of naql's Spark jobs while they run: each stage's jobs as a job group
named in Spark's UI and naql's log (:func:`jobs`), how far they have got, told to naql's
progress bars, a failure in one line, and Spark's own log without the lines naql's use of it
makes for nothing.

naql turns Spark's console bar off (it would interleave with naql's own), and a Spark job is
awaited by one blocking call, so without this a stage's bar stood at 0 until the stage ended:
on a cluster, for an hour of alignment. The stage's jobs carry a job group; a thread asks
Spark's status tracker, every ``interval`` seconds, how many of their tasks are done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from naql.backends.spark_errors import failed

# The backend's own logger, as before this moved here: a user may have configured it.
log = logging.getLogger("naql.backends.spark")


@contextmanager
def jobs(
    context: Any,
    group: str,
    stage: str,
    description: str,
    master: str,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> Iterator[None]:
    """The Spark jobs run inside, as job ``group``: described in Spark's UI and naql's log
    (with the ``master``), their tasks' progress told to ``progress`` as ``total`` chunks
    while they run, and a failure said in one line, naming ``stage``."""
    log.info("naql: %s (%s)", description, master)
    context.setJobGroup(group, f"naql: {description}")
    watch = (
        Watch(context.statusTracker(), group, progress, total)
        if progress is not None and total > 0
        else None
    )
    try:
        yield
    except Exception as error:
        raise failed(stage, error) from None
    finally:
        if watch is not None:
            watch.stop()
        context.setLocalProperty("spark.jobGroup.id", None)
        context.setJobDescription(None)


class Watch:
    """Reports ``progress(done, total)`` in ``total`` units (a stage's chunks): the share of
    tasks done over every Spark stage of the job group seen so far, never going back (a job
    that submits another stage adds tasks to the total)."""

    def __init__(
        self,
        tracker: Any,
        group: str,
        progress: Callable[[int, int], None],
        total: int,
        interval: float = 0.5,
    ) -> None:
        self.tracker, self.group, self.progress, self.total = tracker, group, progress, total
        self.interval = interval
        self.told = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"naql {group}", daemon=True)
        self._thread.start()

    def tasks(self) -> tuple[int, int]:
        """(tasks done, tasks) over the group's jobs' stages."""
        done = count = 0
        for job in self.tracker.getJobIdsForGroup(self.group):
            info = self.tracker.getJobInfo(job)
            for stage in info.stageIds if info is not None else ():
                found = self.tracker.getStageInfo(stage)
                if found is not None:
                    done += found.numCompletedTasks
                    count += found.numTasks
        return done, count

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                done, count = self.tasks()
            except Exception:  # the context stopping under it: the stage will say why
                return
            share = min(self.total - 1, self.total * done // count) if count else 0
            if share > self.told:
                self.told = share
                self.progress(share, self.total)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# The RDDs whose unpersisting Spark warns of when they were checkpointed locally: naql lets
# go of the texts and the pages it kept that way once the trace is done with them, and Spark
# then says, each time, that their lineage is cut and they cannot be recomputed, which is
# why they were checkpointed. Five such lines a trace told a user nothing.
_UNPERSIST_WARNERS = (
    "org.apache.spark.api.python.PythonRDD",
    "org.apache.spark.rdd.ParallelCollectionRDD",
)


def quiet_unpersist_warnings(context: Any) -> None:
    """Those RDD classes' loggers at ERROR (only where the user set no log level: naql then
    sets WARN itself); Spark's other warnings stay."""
    try:
        log4j = context._jvm.org.apache.logging.log4j
        for name in _UNPERSIST_WARNERS:
            log4j.core.config.Configurator.setLevel(name, log4j.Level.ERROR)
    except Exception:  # a Spark without log4j 2: its warnings stay, no harm done
        return
