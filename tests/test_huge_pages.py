"""naql turns numpy's huge-page advice off where the kernel would compact memory for it on the
spot (see naql/__init__.py), and keeps a choice the user made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from naql import huge_pages_stall


@pytest.mark.parametrize(
    ("modes", "stalls"),
    [
        ("always defer defer+madvise [madvise] never\n", True),
        ("[always] defer defer+madvise madvise never\n", True),
        ("always defer [defer+madvise] madvise never\n", True),
        ("always [defer] defer+madvise madvise never\n", False),
        ("always defer defer+madvise madvise [never]\n", False),
        ("", False),
    ],
)
def test_the_kernels_defrag_mode_is_read(tmp_path: Path, modes: str, stalls: bool) -> None:
    defrag = tmp_path / "defrag"
    defrag.write_text(modes, encoding="ascii")
    assert huge_pages_stall(str(defrag)) is stalls


def test_no_such_file_means_no_stall(tmp_path: Path) -> None:
    assert huge_pages_stall(str(tmp_path / "missing")) is False


def _numpy_after_naql(env: dict[str, str]) -> list[str]:
    script = (
        "import os, naql, numpy\n"
        "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'))\n"
        "print(numpy._core.multiarray._get_madvise_hugepage())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize("unset", [None, ""])  # empty: numpy's own import would fail on it
def test_numpy_imported_after_naql_follows_the_kernel(unset: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if unset is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = unset
    switch, advised = _numpy_after_naql(env)
    if huge_pages_stall():
        assert (switch, advised) == ("0", "False")
    else:
        assert switch == "None"


def test_the_users_choice_is_kept() -> None:
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "1"}
    switch, advised = _numpy_after_naql(env)
    assert switch == "1"
    assert advised == "True"
