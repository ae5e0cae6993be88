"""`naql serve` under load: POST /api/query with SaudiNewsNet article texts from a few clients.

    naql index add ../shared/corpus/saudinewsnet/2015-07-2*.zip --db /tmp/serve.db \\
        --text-field content --outlet-field source --date-field date_extracted --id-field url \\
        --author-field author --no-trust-dates -q
    python benchmarks/serve.py --db /tmp/serve.db [--seconds 30] [--clients 4]

Starts the app with uvicorn on loopback in a subprocess (its own interpreter: the clients'
threads do not share its GIL), waits until it answers, sends one query to load the query
index (and a few seconds more, so every worker has loaded its own), then has ``--clients`` threads post article texts (from ``--zips``: by default days
after the index's, so most are new articles with sources in it) for ``--seconds`` or
``--max-requests``, whichever ends first. Prints requests/s, errors, and p50/p95/p99 latency,
all timed with Python's clocks. Bar (issue #11): >= 50 requests/s with 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "saudinewsnet"
DEFAULT_ZIPS = [CORPUS / "2015-07-31.zip", CORPUS / "2015-08-01.zip"]
SERVER = """
import os, sys
import uvicorn
os.environ["NAQL_SERVE_DB"] = sys.argv[1]
uvicorn.run("naql.server.app:from_environment", factory=True, workers=int(sys.argv[3]),
            host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def texts(zips: list[Path], limit: int) -> list[str]:
    """Article texts from SaudiNewsNet day files (a JSON list of articles per zip)."""
    found: list[str] = []
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    content = item.get("content") or ""
                    if len(content) >= 200:  # a headline alone is not an article to trace
                        found.append(content)
                    if len(found) >= limit:
                        return found
    return found


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children so far, from Linux's /proc;
    None elsewhere. What a query costs the server whatever else the machine is doing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                # The fields after the command name, which may itself hold spaces.
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return None
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve: the server exited with status {server.returncode}")
        try:
            if httpx.get(f"{base}/api/stories?limit=1", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"serve: no answer from {base} in {timeout:.0f} s")


def drive(
    base: str, bodies: list[str], clients: int, seconds: float, max_requests: int
) -> tuple[list[float], list[str], float]:
    """(latencies in seconds, error descriptions, wall seconds) of the load."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = iter(range(max_requests))  # next() on a shared iterator: each request once
    start = time.perf_counter()
    deadline = start + seconds

    def client(number: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.perf_counter() < deadline:
                with lock:
                    k = next(sent, None)
                if k is None:
                    return
                body = bodies[(k * clients + number) % len(bodies)]
                began = time.perf_counter()
                try:
                    response = http.post("/api/query", content=body, headers=JSON)
                    problem = None if response.status_code == 200 else str(response.status_code)
                except httpx.HTTPError as error:
                    problem = type(error).__name__
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if problem is not None:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - start


JSON = {"content-type": "application/json"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, default=Path("/tmp/serve.db"))
    parser.add_argument("--zips", type=Path, nargs="+", default=DEFAULT_ZIPS)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (naql serve --workers)"
    )
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=1000, help="distinct article texts sent")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"serve: {args.db}: no index (build it as the docstring says)", file=sys.stderr)
        return 2
    bodies = [json.dumps({"text": t}, ensure_ascii=False) for t in texts(args.zips, args.texts)]
    if not bodies:
        print(f"serve: no article texts in {args.zips}", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.db.resolve()), str(port), str(args.workers)]
    )
    try:
        wait_until_up(base, server, timeout=60)
        began = time.perf_counter()
        warm = httpx.post(f"{base}/api/query", content=bodies[0], headers=JSON, timeout=60)
        load_seconds = time.perf_counter() - began
        if warm.status_code != 200:
            print(f"serve: the first query failed: {warm.status_code} {warm.text}")
            return 1
        # Every worker loads its query index on its first query: not part of the steady rate.
        drive(base, bodies[::-1], args.clients, 3.0, 50 * args.workers)
        cpu_before = cpu_seconds(server.pid)
        latencies, errors, wall = drive(base, bodies, args.clients, args.seconds, args.max_requests)
        cpu_after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if latencies else [0] * 99
    rate = len(latencies) / wall if wall else 0.0
    print(
        f"naql serve ({args.workers} worker{'s' if args.workers > 1 else ''}): "
        f"{len(latencies)} queries in {wall:.1f} s from {args.clients} clients "
        f"({len(bodies)} distinct texts): {rate:.1f} requests/s, {len(errors)} errors"
        + (f" ({', '.join(sorted(set(errors)))})" if errors else "")
    )
    print(
        f"latency: p50 {1000 * cuts[49]:.1f} ms, p95 {1000 * cuts[94]:.1f} ms, "
        f"p99 {1000 * cuts[98]:.1f} ms, max {1000 * max(latencies, default=0):.1f} ms; "
        f"first query (loads the query index) {1000 * load_seconds:.0f} ms"
    )
    if cpu_before is not None and cpu_after is not None and latencies:
        per_query = (cpu_after - cpu_before) / len(latencies)
        print(
            f"server CPU: {1000 * per_query:.1f} ms a query "
            f"(so about {1 / per_query:.0f} requests/s per free core)"
        )
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(shared: other work on the machine lowers the rate)"
    )
    bar = rate >= 50 and not errors
    print(f"bar (>= 50 requests/s, 0 errors): {'met' if bar else 'NOT met'}")
    return 0 if bar else 1


if __name__ == "__main__":
    sys.exit(main())
