"""The HTML report of a large trace: how long it takes to write, how big it is, how soon it opens.

    python benchmarks/trace_saudinewsnet.py --json t.json      # the full-corpus trace, once
    python benchmarks/report.py --trace t.json [--out report.html] [--no-browser]

Prints the seconds to read the trace JSON (not part of the bar: `naql trace --report` renders
the trace it holds), to write the report, and the file's size; then, when Chromium and
chromedriver are installed (tests/browser.py), opens the file headless from file:// and prints
the seconds until the story list shows its first row (the bar), until the page has loaded, to
open the largest story (graph, pairs) and to filter the list by a search. Chromium's own
start-up is not counted. Bars (issue #11): <= 30 s to write, <= 5 s to the first row, for the
full SaudiNewsNet trace (30,676 articles, 16,071 stories).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from naql.records import Trace, from_json
from naql.report.html import write

ROOT = Path(__file__).resolve().parents[1]
WRITE_BAR, OPEN_BAR = 30.0, 5.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--trace", type=Path, required=True, help="a trace JSON (naql trace --json)"
    )
    parser.add_argument("--out", type=Path, default=None, help="where to write the report")
    parser.add_argument("--no-browser", action="store_true", help="do not open it in Chromium")
    args = parser.parse_args()
    start = time.perf_counter()
    trace = from_json(Trace, json.loads(args.trace.read_text(encoding="utf-8")))
    print(
        f"trace: {len(trace.articles)} articles, {len(trace.stories)} stories, "
        f"{len(trace.alignments)} pairs ({time.perf_counter() - start:.1f} s to read the JSON)"
    )
    out = args.out or Path(tempfile.mkdtemp(prefix="naql-report-")) / "report.html"
    start = time.perf_counter()
    write(trace, out, title=f"naql report: {args.trace.name}")
    seconds = time.perf_counter() - start
    size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"write: {seconds:.1f} s (bar {WRITE_BAR:.0f} s: {_verdict(seconds <= WRITE_BAR)})")
    print(f"file: {out} {size / 1e6:.1f} MB; peak memory (max RSS) {peak:.0f} MB")
    if args.no_browser:
        return 0
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' Chromium driver, shared
    from browser import chromium, missing

    why = missing()
    if why is not None:
        print(f"open: skipped, {why}")
        return 0
    with chromium(eager=True) as driver:
        opened = _open(driver, out)
    first = opened["first row"]
    print(
        f"open: first row of the story list after {first:.2f} s (bar {OPEN_BAR:.0f} s: {_verdict(first <= OPEN_BAR)})"
    )
    for name, value in opened.items():
        if name != "first row":
            print(f"  {name}: {value:.2f} s")
    return 0


def _open(driver: Any, path: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    driver.get(path.resolve().as_uri())
    _until(driver, "return document.querySelector('#stories-body tr') !== null")
    times["first row"] = time.perf_counter() - start
    _until(driver, "return document.readyState === 'complete'")
    times["page loaded (every story's block read)"] = time.perf_counter() - start
    # The largest story: the list is in the trace's order, largest first.
    began = time.perf_counter()
    driver.execute_script("document.querySelector('#stories-body tr').click()")
    _until(driver, "return document.querySelector('#story-view svg.graph') !== null")
    times["largest story drawn"] = time.perf_counter() - began
    began = time.perf_counter()
    driver.execute_script("location.hash = ''")
    driver.execute_script(
        "const box = document.getElementById('search'); box.value = 'واس';"
        "box.dispatchEvent(new Event('input'));"
    )
    _until(driver, "return /match/.test(document.getElementById('count').textContent)")
    times["search «واس» (120 ms typing pause included)"] = time.perf_counter() - began
    return times


def _until(driver: Any, script: str, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not driver.execute_script(script):
        if time.perf_counter() > deadline:
            raise TimeoutError(script)
        time.sleep(0.02)


def _verdict(passed: bool) -> str:
    return "met" if passed else "MISSED"


if __name__ == "__main__":
    raise SystemExit(main())
