"""Output files are written under a temporary name and moved at the end: a failed write leaves
neither a half file nor its temporary name, locally or at a URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from naql.ingest.remote import binary_written, text_written


@pytest.mark.parametrize("as_url", [False, True])
def test_a_write_lands_whole_or_not_at_all(tmp_path: Path, as_url: bool) -> None:
    final = tmp_path / "out" / "trace.json" if as_url else tmp_path / "trace.json"
    target = f"file://{final}" if as_url else final
    with text_written(target) as handle:
        handle.write("نص\n")
    assert final.read_text(encoding="utf-8") == "نص\n"
    with pytest.raises(RuntimeError), text_written(target) as handle:
        handle.write("نصف")
        raise RuntimeError("interrupted")
    assert final.read_text(encoding="utf-8") == "نص\n"  # the earlier file, untouched
    assert sorted(p.name for p in final.parent.iterdir()) == ["trace.json"]
    with binary_written(target) as raw:
        raw.write(b"\x00\xff")
    assert final.read_bytes() == b"\x00\xff"
