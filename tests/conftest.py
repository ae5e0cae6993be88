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
