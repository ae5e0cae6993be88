"""Reading HTML pages: one process against every core (the files read by the local backend's
workers, as `naql trace` and `naql index add` do), and the check that both read the same.

    python benchmarks/read_pages.py [--pages DIR] [--copies 200] [--warc] [--jobs N] [--repeat 2]
                                    [--spark local[2]] [--url]

Without --pages, the five real Arabic news pages of tests/data/ingest/real (saved from five
outlets, chrome and scripts included) are copied --copies times into a temporary folder, one
subfolder per copy. With --pages, any folder (a crawl, a saved-pages dump) is read as it is.
With --warc, the same pages go into one gzipped WARC file instead (one HTTP response record a
page, a gzip member each, as crawlers write them): the workers then share that one file by
ranges of its records. With --url, the folder is named by a file:// URL and read through
pyarrow's file systems, as a crawl in object storage (s3://) is.
Prints the pages read, seconds and pages/s on one process and on --jobs workers (default:
every core), the speed-up, whether articles, problems and skip counts are identical, and the
peak resident memory of this process and of its largest worker. The best of --repeat runs is
reported for each. With --spark MASTER, the pages are also read by Spark's executors (its start
not counted) and compared.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from naql.backends import Backend, available_cores, open_backend
from naql.backends.local import LocalBackend
from naql.ingest import ReadResult, read_articles

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "ingest" / "real"


def _timed(target: str, backend: Backend | None, repeat: int) -> tuple[float, ReadResult]:
    best: tuple[float, ReadResult] | None = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        read = read_articles([target], backend=backend)
        seconds = time.perf_counter() - start
        if best is None or seconds < best[0]:
            best = (seconds, read)
    assert best is not None
    return best


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=Path, help="a folder of pages (default: copies, above)")
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--warc", action="store_true", help="the pages in one WARC file")
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--repeat", type=int, default=2, help="runs each; the fastest counts")
    parser.add_argument("--spark", metavar="MASTER", help="also on Spark, e.g. local[2]")
    parser.add_argument(
        "--url", action="store_true", help="name the pages by file:// URL, as an s3:// crawl is"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="naql-pages-") as scratch:
        folder = args.pages
        if folder is None:
            folder = Path(scratch)
            for copy in range(args.copies):
                shutil.copytree(REAL, folder / f"copy{copy:04d}", ignore=_not_pages)
        if args.warc:
            pages = sorted(path for path in folder.rglob("*") if path.suffix in (".html", ".htm"))
            folder = Path(scratch) / "crawl"
            folder.mkdir()
            with open(folder / "crawl.warc.gz", "wb") as out:
                for number, page in enumerate(pages):
                    out.write(gzip.compress(_response(f"https://example.com/{number}", page)))
        target = f"file://{folder.resolve()}" if args.url else str(folder)
        one_s, one = _timed(target, None, args.repeat)
        many_s, many = _timed(target, LocalBackend(args.jobs), args.repeat)
        on_spark = None
        if args.spark:
            spark = open_backend("spark", args.jobs, args.spark)
            try:
                on_spark = _timed(target, spark, args.repeat)
            finally:
                spark.close()
    pages = len(one.articles) + one.skipped_records
    same = _same(one, many)
    print(f"pages: {pages:,} ({len(one.articles):,} articles, {one.skipped_records:,} skipped)")
    print(f"one process: {one_s:.2f} s, {pages / one_s:,.0f} pages/s")
    print(f"{args.jobs} workers: {many_s:.2f} s, {pages / many_s:,.0f} pages/s")
    print(f"speed-up: {one_s / many_s:.2f}x; identical: {'yes' if same else 'NO'}")
    if on_spark is not None:
        spark_s, spark_read = on_spark
        same = same and _same(one, spark_read)
        print(
            f"Spark {args.spark}: {spark_s:.2f} s, {pages / spark_s:,.0f} pages/s; identical: "
            f"{'yes' if _same(one, spark_read) else 'NO'}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (max RSS): {own:.0f} MB; largest worker {worker:.0f} MB")
    return 0 if same else 1


def _same(one: ReadResult, other: ReadResult) -> bool:
    return (
        other.articles == one.articles
        and other.problems == one.problems
        and list(other.skipped.items()) == list(one.skipped.items())
    )


def _response(uri: str, page: Path) -> bytes:
    body = page.read_bytes()
    http = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    header = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2026-12-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return header + http + b"\r\n\r\n"


def _not_pages(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if not name.endswith(".html")]


if __name__ == "__main__":
    sys.exit(main())
