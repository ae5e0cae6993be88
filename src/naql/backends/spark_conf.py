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
:func:`started` starts (or finds) the context with them.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from naql.backends.spark_errors import first_line
from naql.backends.spark_progress import quiet_unpersist_warnings
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


def started(master: str | None, parallelism: int | None) -> Any:
    """The SparkContext naql runs on (a running one if there is, as pyspark's
    ``getOrCreate``): ``master`` and ``parallelism`` as given, the user's own settings
    (:func:`given_by_user`) as they set them, naql's defaults where they set nothing."""
    from pyspark import SparkConf, SparkContext

    under_submit = submitted()
    if under_submit:
        # spark-submit's JVM holds the user's settings: reach it first, so that the conf
        # below reads them.
        try:
            SparkContext._ensure_initialized()
        except Exception as error:  # Py4J's own errors
            raise BackendUnavailable(f"Spark did not start: {first_line(error)}") from None
    conf = SparkConf().setAppName("naql")
    # naql's defaults fill in only what the user's own channels leave open (started by
    # naql, the JVM gets this conf as --conf arguments, which win over spark-defaults.conf).
    given, python = given_by_user(conf.contains)

    def default(key: str, value: str) -> None:
        if not given(key):
            conf.set(key, value)

    # The workers must run this interpreter (naql and its libraries are installed here),
    # unless the user named another (a packed environment shipped to the executors).
    os.environ.setdefault("PYSPARK_PYTHON", python or sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master is not None:
        conf.setMaster(master)
    else:
        default("spark.master", "local[*]")
    if parallelism is not None:
        conf.set("spark.default.parallelism", str(parallelism))
    # In local mode the driver's JVM holds every broadcast and every collected result;
    # Spark's 1 GB default heap died at 62 k articles. (Under spark-submit that JVM is
    # running already: its heap is spark-submit's --driver-memory.)
    if not under_submit:
        default("spark.driver.memory", "8g")
    # Results of a stage come back to the driver; Spark's 1 GB default cap is too small
    # for a large corpus's tokens.
    default("spark.driver.maxResultSize", "0")
    # naql draws its own stage bars; Spark's console bar would interleave with them.
    default("spark.ui.showConsoleProgress", "false")
    log_level_set = given("spark.log.level")
    try:
        context = SparkContext.getOrCreate(conf)
    except Exception as error:  # Spark raises bare Py4J/Runtime errors on a failed start
        raise BackendUnavailable(f"Spark did not start: {first_line(error)}") from None
    if not log_level_set:
        context.setLogLevel("WARN")
        quiet_unpersist_warnings(context)
    return context


def whole_number(conf: Any, key: str, default: int) -> int:
    """naql's own setting ``key`` of a SparkConf (``spark.naql.*``), ``default`` when unset;
    a value that is no whole number at least 0 is the user's mistake, said in one line."""
    value = conf.get(key, str(default))
    try:
        found = int(value)
    except ValueError:
        found = -1
    if found < 0:
        raise BackendUnavailable(f"{key}: {value!r} is not a whole number of 0 or more")
    return found
