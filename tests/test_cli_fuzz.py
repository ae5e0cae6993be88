"""Fuzz: mutated real inputs through naql trace, naql clean and naql eval. Never a traceback;
every bad input named with its reason, once; the exit status non-zero only when nothing usable
was read (trace, clean) or the file given is unusable (eval).

Cases are drawn by hypothesis from the bundled seed pages and HTML fixtures: truncated at any
byte, bytes overwritten at random, re-encoded (UTF-16, windows-1256), turned into JSON lines of
odd shapes, given a single huge line, wrapped in gzip and in nested zips.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naql.cli import main

pytestmark = pytest.mark.heavy(25)

SEEDS = sorted(EXAMPLE.glob("*.txt"))
PAGES = sorted((ROOT / "tests" / "data" / "ingest").glob("*.html"))
SOURCES = [*SEEDS, *PAGES]


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes): one real input, mutated one way."""
    source = draw(st.sampled_from(SOURCES))
    data = source.read_bytes()
    name = source.name
    how = draw(
        st.sampled_from(
            ["truncate", "overwrite", "utf16", "cp1256", "json", "huge", "gzip", "nested", "none"]
        )
    )
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "overwrite":
        noise = draw(st.binary(min_size=1, max_size=64))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + noise + data[at + len(noise) :]
    elif how == "utf16":
        data = data.decode("utf-8", "replace").encode("utf-16")
    elif how == "cp1256":
        data = data.decode("utf-8", "replace").encode("cp1256", "replace")
    elif how == "json":
        text = data.decode("utf-8", "replace")
        shapes = [
            {"id": "a", "text": text},
            {"id": 1, "text": None},
            {"text": 5},
            [1, 2, 3],
            "a string",
            {"id": "b", "text": {"nested": text[:50]}},
            {"id": "c", "content": text},
        ]
        chosen = draw(st.lists(st.sampled_from(shapes), min_size=1, max_size=4))
        data = "\n".join(json.dumps(shape, ensure_ascii=False) for shape in chosen).encode()
        name = source.stem + ".jsonl"
    elif how == "huge":
        data = data.replace(b"\n", b" ") * draw(st.integers(1, 40))
    elif how == "gzip":
        data = gzip.compress(data)
        name += ".gz"
    elif how == "nested":
        data = _zip("inner.zip", _zip(name, data))
        name = source.stem + ".zip"
    return name, data


def _run(arguments: list[str], capsys) -> tuple[int, str, str]:
    code = main(arguments)  # an exception escaping here fails the test: that is the check
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _check_errors(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith("naql: ") for line in lines), err
    named = [line for line in lines if line.startswith(("naql: skipped", "naql: note:"))]
    assert len(named) == len(set(named)), f"a problem named twice: {err}"


# 60 cases in CI (about 10 s); NAQL_FUZZ_CASES=1000 for a longer run.
@settings(
    max_examples=int(os.environ.get("NAQL_FUZZ_CASES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(inputs=st.lists(mutated(), min_size=1, max_size=3))
def test_mutated_inputs_never_raise(tmp_path_factory, capsys, inputs) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for number, (name, data) in enumerate(inputs):
        (folder / f"{number}_{name}").write_bytes(data)
    out = folder.parent / (folder.name + ".json")
    code, printed, err = _run(["trace", str(folder), "--no-progress", "--json", str(out)], capsys)
    _check_errors(err)
    if code == 0:
        trace = json.loads(out.read_text(encoding="utf-8"))
        assert trace["articles"] and printed.startswith("naql trace: ")
    else:
        assert code == 1 and "no usable article was read" in err
    cleaned = folder.parent / (folder.name + ".jsonl")
    code, _, err = _run(["clean", str(folder), "--out", str(cleaned)], capsys)
    _check_errors(err)
    assert code in (0, 1)
    # Every mutated file given to eval as a trace or as gold: one line, never a traceback.
    some = next(folder.iterdir())
    for arguments in (
        ["eval", "stories", str(some), str(some)],
        ["eval", "provenance", str(some), str(some)],
        ["eval", "pairs", str(some), str(some)],
    ):
        code, _, err = _run(arguments, capsys)
        _check_errors(err)
        assert code in (0, 2)


def test_every_command_with_wrong_arguments_prints_one_line(tmp_path: Path, capsys) -> None:
    """All commands × missing files, folders for files, binary and empty files, bad options."""
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)))
    empty = tmp_path / "empty.json"
    empty.write_text("")
    missing = str(tmp_path / "missing.json")
    folder = str(tmp_path)
    cases = [
        ["trace", missing],
        ["trace", str(binary)],
        ["trace", str(empty)],
        ["trace", str(EXAMPLE), "--top", "x"],
        ["trace", str(EXAMPLE), "--json", folder],
        ["clean", missing, "--out", str(tmp_path / "o.jsonl")],
        ["clean", str(EXAMPLE)],
        ["clean", str(EXAMPLE), "--out", folder],
        ["align", "--pan", missing, str(tmp_path / "other"), "--out", folder],
        ["align", "--pan", str(EXAMPLE)],
        ["eval", "pan", missing, folder],
        ["eval", "stories", missing, missing],
        ["eval", "stories", folder, folder],
        ["eval", "stories", str(binary), str(binary)],
        ["eval", "provenance", str(empty), str(empty)],
        ["eval", "pairs", str(binary), missing],
        ["eval", "nosuch"],
        ["nosuch"],
    ]
    for arguments in cases:
        code, _, err = _run(arguments, capsys)
        assert code != 0, arguments
        assert "Traceback" not in err, arguments
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and all(line.startswith("naql: ") for line in lines), (arguments, err)
        assert len(lines) == len(set(lines)) <= 4, (arguments, err)  # each input named once
    print(f"{len(cases)} error-path cases")  # noqa: T201
