"""Spark's own configuration channels win over naql's defaults (naql.backends.spark_conf), a
job submitted with spark-submit runs naql's command, and a failed job says why in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, needs_spark

from naql.backends import spark_conf
from naql.backends.spark_errors import failed as _failed

pytestmark = pytest.mark.heavy(40)


def test_properties_are_read_as_java_reads_spark_defaults() -> None:
    text = (
        "# a comment\n"
        "! another\n"
        "\n"
        "spark.driver.memory   4g\n"
        "spark.driver.maxResultSize=2g\n"
        "spark.ui.showConsoleProgress: true\n"
        "spark.executor.extraJavaOptions  -Da=1 \\\n"
        "    -Db=2\n"
        "spark.naql.tokensPerPartition 1234  \n"
    )
    assert spark_conf.properties(text) == {
        "spark.driver.memory": "4g",
        "spark.driver.maxResultSize": "2g",
        "spark.ui.showConsoleProgress": "true",
        "spark.executor.extraJavaOptions": "-Da=1 -Db=2",
        "spark.naql.tokensPerPartition": "1234",
    }


def test_user_settings_come_from_the_defaults_file_then_the_submit_args(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spark-defaults.conf").write_text(
        "spark.driver.memory 4g\nspark.driver.maxResultSize 2g\n", encoding="utf-8"
    )
    other = tmp_path / "other.conf"
    other.write_text("spark.pyspark.python /opt/env/bin/python\n", encoding="utf-8")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--conf spark.driver.memory=6g pyspark-shell")
    assert spark_conf.user_settings() == {
        "spark.driver.memory": "6g",
        "spark.driver.maxResultSize": "2g",
    }
    monkeypatch.setenv(
        "PYSPARK_SUBMIT_ARGS",
        f"--properties-file {other} --driver-memory 3g --master local[3] pyspark-shell",
    )
    given, python = spark_conf.given_by_user(lambda key: key == "spark.app.name")
    assert spark_conf.user_settings() == {
        "spark.pyspark.python": "/opt/env/bin/python",
        "spark.driver.memory": "3g",
        "spark.master": "local[3]",
    }
    assert python == "/opt/env/bin/python"
    assert given("spark.driver.memory") and given("spark.app.name")
    assert not given("spark.driver.maxResultSize")  # the other file does not say it


def test_an_unreadable_properties_file_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from naql.errors import BackendUnavailable

    defaults = tmp_path / "spark-defaults.conf"
    defaults.write_text("spark.driver.memory 4g\n", encoding="utf-8")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    monkeypatch.delenv("PYSPARK_SUBMIT_ARGS", raising=False)

    def refused(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", refused)
    with pytest.raises(BackendUnavailable) as raised:
        spark_conf.user_settings()
    assert (
        str(raised.value)
        == f"{defaults}: Spark's properties file cannot be read (Permission denied)"
    )


_PY4J = """An error occurred while calling z:org.apache.spark.api.python.PythonRDD.collectAndServe.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times, most recent failure: Lost task 0.3 in stage 0.0 (TID 3) (192.0.2.2 executor 0): org.apache.spark.api.python.PythonException: [PYTHON_EXCEPTION] An exception was thrown from the Python worker: Traceback (most recent call last):
  File "/env/pyspark.zip/pyspark/serializers.py", line 483, in loads
    return cloudpickle.loads(obj, encoding=encoding)
{raised}
 SQLSTATE: 38000
\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException(PythonRunner.scala:688)
"""


def test_a_failed_job_says_the_executors_error_not_the_jvm_call() -> None:
    missing = _failed(
        "read", RuntimeError(_PY4J.format(raised="ModuleNotFoundError: No module named 'naql'"))
    )
    assert str(missing).startswith("the Spark job for read failed: the executors' Python has no")
    assert "'naql'" in str(missing) and "spark.archives" in str(missing)
    memory = _failed("align", RuntimeError(_PY4J.format(raised="MemoryError: out of memory")))
    assert str(memory) == "the Spark job for align failed: MemoryError: out of memory"
    plain = _failed("stories", RuntimeError("\nthe executor was lost\nmore"))
    assert str(plain) == "the Spark job for stories failed: the executor was lost"


def _needs_spark() -> None:
    needs_spark()


_SETTINGS = """
from naql.backends.spark import SparkBackend

backend = SparkBackend("local[1]")
conf = backend.context.getConf()
print(
    conf.get("spark.driver.maxResultSize"),
    conf.get("spark.ui.showConsoleProgress"),
    conf.get("spark.driver.memory"),
    conf.get("spark.naql.tokensPerPartition"),
)
backend.close()
"""


def test_spark_defaults_conf_is_kept_and_naqls_defaults_fill_the_rest(tmp_path: Path) -> None:
    """Started by naql, the driver's JVM gets naql's settings as --conf arguments, which win
    over spark-defaults.conf: the user's 2g and console progress had come out as naql's 0
    and false."""
    _needs_spark()
    (tmp_path / "spark-defaults.conf").write_text(
        "spark.driver.maxResultSize 2g\n"
        "spark.ui.showConsoleProgress true\n"
        "spark.naql.tokensPerPartition 1234\n",
        encoding="utf-8",
    )
    env = {**os.environ, "SPARK_CONF_DIR": str(tmp_path)}
    env.pop("PYSPARK_SUBMIT_ARGS", None)
    done = subprocess.run(
        [sys.executable, "-c", _SETTINGS], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-4:] == ["2g", "true", "8g", "1234"]


def test_spark_submit_runs_naqls_trace_with_the_submitted_settings(tmp_path: Path) -> None:
    """The way onto a cluster (docs/scaling.md, 'On a cluster'): spark-submit runs naql's
    command module with --backend spark; the job's settings are spark-submit's, naql's
    defaults only fill what it left open, and the trace is the one-process trace."""
    _needs_spark()
    bin_dir = Path(sys.executable).parent
    submit = shutil.which("spark-submit", path=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    if submit is None:
        pytest.skip("no spark-submit next to this Python")
    import naql.cli

    entry = Path(naql.cli.__file__).parent / "__main__.py"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }
    env.pop("PYSPARK_SUBMIT_ARGS", None)
    on_spark, alone = tmp_path / "spark.json", tmp_path / "alone.json"
    done = subprocess.run(
        [
            submit,
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.showConsoleProgress=true",
            str(entry),
            "trace",
            str(EXAMPLE),
            "--backend",
            "spark",
            "--quiet",
            "--json",
            str(on_spark),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    from typer.testing import CliRunner

    from naql.cli import app

    assert (
        CliRunner().invoke(app, ["trace", str(EXAMPLE), "--quiet", "--json", str(alone)]).exit_code
        == 0
    )
    found, expected = json.loads(on_spark.read_text()), json.loads(alone.read_text())
    found.pop("timings")
    expected.pop("timings")
    assert found == expected


def test_a_naql_setting_that_is_no_whole_number_is_said_in_one_line() -> None:
    from naql.errors import BackendUnavailable

    # spark.naql.* settings come from the user's own Spark channels: a typo there was a
    # ValueError's traceback at start-up.
    conf = {"spark.naql.pairs.driverPairs": "abc", "spark.naql.stories.driverPages": "-3"}
    assert spark_conf.whole_number(conf, "spark.naql.stories.driverEdges", 10) == 10
    assert (
        spark_conf.whole_number({"spark.naql.broadcastTexts": "0"}, "spark.naql.broadcastTexts", 5)
        == 0
    )
    for key, value in conf.items():
        with pytest.raises(BackendUnavailable) as raised:
            spark_conf.whole_number(conf, key, 1)
        assert str(raised.value) == f"{key}: '{value}' is not a whole number of 0 or more"
