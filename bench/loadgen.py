"""One load run with ``loadgen.mjs`` (autocannon) and the CPU time the watched process
sessions spent during exactly that window (from autocannon's start to its end)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from process_usage import cpu_seconds
from processes import WORK


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    total: int
    errors: int
    non_2xx: int
    cores: dict[int, float]
    """CPU cores used by each watched session (CPU seconds / wall seconds of the window)."""


def wait_for_line(stream: IO[str], wanted: str, seen: list[str]) -> None:
    """Read ``stream`` (the load generator's stderr) up to the line ``wanted``."""
    for line in stream:
        if line.strip() == wanted:
            return
        seen.append(line)
    raise RuntimeError(f"load generator ended before {wanted!r}: {''.join(seen)[-500:]}")


def run_load(
    node: str,
    url: str,
    body: bytes,
    connections: int,
    seconds: int,
    watched: Sequence[int] = (),
) -> Load:
    body_file = WORK / "load-body.json"
    body_file.write_bytes(body)
    script = str(WORK / "loadgen.mjs")
    command = [node, script, url, str(connections), str(seconds), str(body_file)]
    with subprocess.Popen(
        command, cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        seen: list[str] = []
        wait_for_line(process.stderr, "started", seen)
        started, cpu_before = time.monotonic(), {s: cpu_seconds(s) for s in watched}
        wait_for_line(process.stderr, "finished", seen)
        elapsed = time.monotonic() - started
        cores = {s: (cpu_seconds(s) - cpu_before[s]) / elapsed for s in watched}
        output = process.stdout.read()
    if process.returncode != 0:
        raise RuntimeError(f"load generator failed ({process.returncode}): {''.join(seen)}")
    result = json.loads(output)
    return Load(
        requests_per_second=float(result["requests"]["average"]),
        p50_ms=float(result["latency"]["p50"]),
        p99_ms=float(result["latency"]["p99"]),
        total=int(result["requests"]["total"]),
        errors=int(result["errors"]) + int(result.get("timeouts", 0)),
        non_2xx=int(result["non2xx"]),
        cores=cores,
    )
