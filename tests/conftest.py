"""Shared fixtures: the bundled Haftar example and the shared corpora (skipped when absent)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from naql.records import Article

# Hypothesis fails an example slower than 200 ms by default: a timed test, which a loaded CI
# machine fails at random. Speed is measured in benchmarks/, never here. The examples are the
# same from run to run (a seed per test), so the suite passes or fails alike on every machine;
# HYPOTHESIS_PROFILE=explore draws new ones each run, to look for what the fixed ones miss.
settings.register_profile("naql", deadline=None, derandomize=True, database=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "naql"))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "haftar"
SHARED = ROOT.parent / "shared" / "corpus"


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared corpus is optional)")
    return path


def needs_spark() -> None:
    """Skip, saying what to install, where Spark cannot start: no pyspark, or no Java."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'naql[spark]')")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("no Java runtime: Spark cannot start (install openjdk-17-jre-headless)")


@pytest.fixture(scope="session")
def haftar() -> list[Article]:
    """The five seed pages, read plainly (no ingest stage), ids = the number before the hash."""
    return [
        Article(id=path.name[:3], text=path.read_text(encoding="utf-8"), path=str(path))
        for path in sorted(EXAMPLE.glob("*.txt"))
    ]


def bulletins() -> list[dict[str, str]]:
    """Two days' weather bulletins from the agency and a paper's copy of each the next day
    (tests/test_slots.py): two stories of one formula, kept apart by their slot words."""
    from test_slots import MONDAY, TUESDAY

    copy = ("لهذا اليوم", "أمس")
    return [
        {"id": "spa-mon", "text": MONDAY, "outlet": "spa", "date": "2015-07-20"},
        {"id": "paper-mon", "text": MONDAY.replace(*copy), "date": "2015-07-21"},
        {"id": "spa-tue", "text": TUESDAY, "outlet": "spa", "date": "2015-07-21"},
        {"id": "paper-tue", "text": TUESDAY.replace(*copy), "date": "2015-07-22"},
    ]


def bulletins_file(folder: Path) -> Path:
    """:func:`bulletins` as a JSON lines file in ``folder``."""
    path = folder / "bulletins.jsonl"
    lines = (json.dumps(row, ensure_ascii=False) for row in bulletins())
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def story_graphs(nodes: int, pairs: int) -> tuple:
    """Hypothesis strategies for average linkage's inputs over ``nodes`` articles: weighted
    pairs (either order, self-pairs included, as a caller must filter them), reported days
    (one day, a night of two, or none) and pairs never together (i < j)."""
    from hypothesis import strategies as st

    node = st.integers(min_value=0, max_value=nodes - 1)
    weighted = st.lists(
        st.tuples(node, node, st.floats(min_value=0.01, max_value=1.0)), max_size=pairs
    )
    days = st.dictionaries(
        node, st.sampled_from([(1,), (2,), (1, 2), (2, 3), (3,)]), max_size=nodes * 2 // 3
    )
    apart = st.sets(
        st.tuples(node, node).filter(lambda pair: pair[0] < pair[1]), max_size=nodes // 2
    )
    return weighted, days, apart


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3-compatible store on this machine (moto's server), as the endpoint pyarrow is told."""
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "naql",
        "AWS_SECRET_ACCESS_KEY": "naql",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"endpoint_override=127.0.0.1:{port}&scheme=http"
    finally:
        server.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "heavy(seconds): the module takes about that long on a 2-core machine: it is run first",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heavy modules first, the longest first, the rest in their order: `make test` hands
    whole modules to a worker per core, and a long module begun last would run on alone."""

    def weight(item: pytest.Item) -> float:
        marker = item.get_closest_marker("heavy")
        return -float(marker.args[0]) if marker else 0.0

    items.sort(key=weight)  # stable: a module's tests keep their order
