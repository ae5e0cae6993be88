"""Shared fixtures: the bundled Haftar example and the shared corpora (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from naql.records import Article

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "haftar"
SHARED = ROOT.parent / "shared" / "corpus"


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared corpus is optional)")
    return path


@pytest.fixture(scope="session")
def haftar() -> list[Article]:
    """The five seed pages, read plainly (no ingest stage), ids = the number before the hash."""
    return [
        Article(id=path.name[:3], text=path.read_text(encoding="utf-8"), path=str(path))
        for path in sorted(EXAMPLE.glob("*.txt"))
    ]


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
