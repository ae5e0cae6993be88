"""What the user told Spark through its own channels, read before naql fills in its defaults.

naql's Spark driver is started one of two ways. Under ``spark-submit`` the driver's JVM is up
before naql runs and holds every setting (``--conf``, ``--properties-file``, spark-defaults.conf)
as system properties, which a ``SparkConf`` reads once it can reach that JVM. Started by naql
itself (``naql trace --backend spark``), the JVM is launched with the Python side's settings
as ``--conf`` arguments, which win over spark-defaults.conf: a default of naql's given there
would silently replace the user's own (``spark.driver.maxResultSize 2g`` in
spark-defaults.conf came out as naql's ``0``). So each default of naql's is filled in only where
none of those channels says it, and the Python the executors run (``spark.pyspark.python``,
which only spark-submit turns into ``PYSPARK_PYTHON``) is read from them too.

spark-defaults.conf is a Java properties file; :func:`properties` reads its one-line
``key value`` / ``key=value`` / ``key: value`` entries, comments and continued lines as Java's
``Properties.load`` does, but not its ``\\`` escapes inside keys, which Spark's keys never have.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

from naql.errors import BackendUnavailable

_ENTRY = re.compile(r"([^\s=:]+)\s*[=:\s]?\s*(.*)")


def submitted() -> bool:
    """Whether ``spark-submit`` started this process (its JVM is waiting for it)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def properties(text: str) -> dict[str, str]:
    """The entries of a Java properties file (spark-defaults.conf's format)."""
    found: dict[str, str] = {}
    logical: list[str] = []
    for raw in text.splitlines():
        line = raw.strip() if not logical else raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        if line.endswith("\\") and not line.endswith("\\\\"):
            logical.append(line[:-1])
            continue
        logical.append(line)
        entry = _ENTRY.fullmatch("".join(logical))
        logical = []
        if entry:
            found[entry[1]] = entry[2].strip()
    return found


def _defaults_file(submit_args: list[str]) -> Path | None:
    """The properties file spark-submit would read: ``--properties-file``, else
    spark-defaults.conf in ``SPARK_CONF_DIR`` or in ``SPARK_HOME``'s (pyspark's) conf."""
    for flag, value in zip(submit_args, submit_args[1:]):
        if flag == "--properties-file":
            return Path(value)
    folder = os.environ.get("SPARK_CONF_DIR")
    if folder is None:
        home = os.environ.get("SPARK_HOME")
        if home is None:
            from pyspark.find_spark_home import _find_spark_home

            home = _find_spark_home()
        folder = os.path.join(home, "conf")
    return Path(folder) / "spark-defaults.conf"


def user_settings() -> dict[str, str]:
    """Spark settings the user gave before naql starts the driver: the properties file, then
    ``PYSPARK_SUBMIT_ARGS``'s ``--conf``, ``--driver-memory`` and ``--master`` (later wins, as
    in spark-submit)."""
    submit_args = shlex.split(os.environ.get("PYSPARK_SUBMIT_ARGS", ""))
    settings: dict[str, str] = {}
    path = _defaults_file(submit_args)
    if path is not None and path.is_file():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise BackendUnavailable(
                f"{path}: Spark's properties file cannot be read ({error.strerror or error})"
            ) from None
        settings.update(properties(text))
    flags = {"--driver-memory": "spark.driver.memory", "--master": "spark.master"}
    for flag, value in zip(submit_args, submit_args[1:]):
        if flag in ("--conf", "-c") and "=" in value:
            key, _, setting = value.partition("=")
            settings[key] = setting
        elif flag in flags:
            settings[flags[flag]] = value
    return settings


def given_by_user(conf_contains: Callable[[str], bool]) -> tuple[Callable[[str], bool], str | None]:
    """(whether the user set a key, the Python they named for the executors): under
    spark-submit what its JVM holds (``conf_contains`` of a JVM-backed SparkConf), else the
    files and arguments spark-submit would have read, and what naql's caller set already."""
    if submitted():
        return conf_contains, None  # spark-submit exported spark.pyspark.python already
    settings = user_settings()
    return (lambda key: key in settings or conf_contains(key)), settings.get("spark.pyspark.python")
