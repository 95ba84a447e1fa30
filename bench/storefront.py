"""``make bench``'s storefront line: server render time and JavaScript per page.

Against the ``make dev`` stack (started here in a fresh data directory unless ``--url``
points at one already running): for the home, search and product pages, 200 sequential
GETs after a warm-up, p50 and p99 of the full response time (the server renders the page,
reading the catalog through the router); and the JavaScript a browser downloads for the
page: every ``<script src>`` in the HTML but ``nomodule`` polyfills, summed gzip-compressed
(level 6, what a gzip-ing server sends). Writes ``bench/results/<date>-storefront.md``.
Goal (issue #10): product page p99 under 150 ms and under 150 kB of JavaScript.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SRC = re.compile(r'\bsrc="([^"]+)"')
PRODUCT_HREF = re.compile(r'href="(/product/[^"]+)"')
GOAL_P99_MS = 150.0
GOAL_JS_KB = 150.0


@dataclass(frozen=True)
class PageResult:
    page: str
    path: str
    p50_ms: float
    p99_ms: float
    javascript_kb: float
    status: int


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def script_sources(html: str) -> set[str]:
    """The scripts a modern browser downloads: ``nomodule`` ones are for old browsers only."""
    sources: set[str] = set()
    for tag in SCRIPT_TAG.findall(html):
        src = SRC.search(tag)
        if src is not None and "nomodule" not in tag.lower():
            sources.add(src[1])
    return sources


def javascript_kb(client: httpx.Client, html: str) -> float:
    total = 0
    for src in sorted(script_sources(html)):
        total += len(gzip.compress(client.get(src).content, compresslevel=6))
    return total / 1024


def measure_page(client: httpx.Client, page: str, path: str, requests: int) -> PageResult:
    for _ in range(10):
        client.get(path)
    samples: list[float] = []
    status = 200
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        status = max(status, response.status_code)
    html = client.get(path).text
    return PageResult(
        page=page,
        path=path,
        p50_ms=statistics.median(samples),
        p99_ms=percentile(samples, 0.99),
        javascript_kb=javascript_kb(client, html),
        status=status,
    )


def start_make_dev(data_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPGRAPH_")}
    env |= {"SHOPGRAPH_DATA_DIR": str(data_dir), "SHOPGRAPH_LOG_JSON": "false"}
    with log_path.open("wb") as log:
        return subprocess.Popen(
            ["make", "dev"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait_until_serving(url: str, process: subprocess.Popen[bytes] | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"make dev exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"the storefront at {url} did not answer within {seconds:.0f}s")


def report(rows: list[PageResult], url: str, requests: int) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{dt.date.today().isoformat()}-storefront.md"
    now = dt.datetime.now(dt.UTC)
    lines = [
        f"# Storefront: server render and JavaScript per page ({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`make dev` stack at {url}; {requests} sequential requests per page after 10 warm-up "
        "requests; JavaScript = every `<script src>` of the page except `nomodule` polyfills, "
        "gzip level 6.",
        f"Goal: product page p99 < {GOAL_P99_MS:.0f} ms and < {GOAL_JS_KB:.0f} kB of JavaScript.",
        "",
        "| page | path | p50 ms | p99 ms | JS kB (gzip) | worst status |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.page} | `{r.path}` | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.javascript_kb:.1f} | {r.status} |"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description="make bench: the storefront line")
    parser.add_argument("--url", help="a storefront already running (default: start make dev)")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = args.url or "http://127.0.0.1:3000"
    process: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="bench-storefront-") as tmp:
        if args.url is None:
            process = start_make_dev(Path(tmp), Path(tmp) / "make-dev.log")
        try:
            wait_until_serving(f"{url}/", process, seconds=900)
            with httpx.Client(base_url=url, timeout=30) as client:
                home = client.get("/").text
                product = PRODUCT_HREF.search(home)
                if product is None:
                    raise SystemExit("the home page links no product")
                pages = [("home", "/"), ("search", "/search?q=mug"), ("product", product[1])]
                rows = [measure_page(client, name, path, args.requests) for name, path in pages]
        finally:
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
    written = report(rows, url, args.requests)
    print(written.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
