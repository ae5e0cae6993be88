"""What Spark's absence and a failed Spark job are told as: one line, with the fix."""

from __future__ import annotations

import os
import re
import shutil

from naql.errors import BackendFailed, BackendUnavailable

INSTALL = "pip install 'naql[spark]'"


def require_spark() -> None:
    """pyspark importable and a Java runtime on the PATH (or JAVA_HOME), else one line saying
    what to install."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise BackendUnavailable(f"the spark backend needs pyspark: {INSTALL}") from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not (
        shutil.which("java")
    ):
        raise BackendUnavailable(
            "the spark backend needs Java 17 or newer: install it (Debian: apt-get install "
            "openjdk-17-jre-headless) or set JAVA_HOME"
        )


def first_line(error: Exception) -> str:
    return next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)


# The exception an executor's Python raised, as its traceback's last line (an undotted name:
# the JVM's own exceptions around it are dotted, org.apache.spark...).
_RAISED = re.compile(r"^(\w+(?:Error|Exception)): (.+)$", re.MULTILINE)
_MISSING = re.compile(r"^ModuleNotFoundError: No module named '([\w.]+)'", re.MULTILINE)


def failed(stage: str, error: Exception) -> BackendFailed:
    """A failed Spark job as one line: Py4J and pyspark wrap the cause in their own types,
    and the executor's Python error is deep inside (the first line only says which JVM call
    failed). An executor that cannot import naql or one of its libraries is told what to do:
    it is how a job on a cluster fails when the environment was not shipped."""
    text = str(error)
    missing = _MISSING.search(text)
    if missing:
        return BackendFailed(
            f"the Spark job for {stage} failed: the executors' Python has no module "
            f"{missing[1]!r}: install naql there, or ship this environment with the job "
            "(spark.archives and spark.pyspark.python: docs/scaling.md, 'On a cluster')"
        )
    raised = _RAISED.search(text)
    cause = f"{raised[1]}: {raised[2]}" if raised else first_line(error)
    return BackendFailed(f"the Spark job for {stage} failed: {cause[:300]}")
