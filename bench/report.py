"""The results file of ``make bench``: markdown, measured numbers only."""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass
from pathlib import Path

from comparison import Comparison, Row
from loadgen import Load

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Table:
    title: str
    about: list[str]
    query: str
    comparison: Comparison


@dataclass(frozen=True)
class SubgraphAlone:
    name: str
    load: Load | None
    failure: str | None = None


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return (
        f"{model}, {os.cpu_count()} CPUs, {memory_kb / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.release()} ({platform.machine()})"
    )


def _row(row: Row) -> str:
    name, version = row.gateway.name, row.gateway.version
    if row.load is None:
        return f"| {name} | {version} | {row.failure} | | | | | | | | | |"
    load = row.load
    return (
        f"| {name} | {version} | {load.requests_per_second:.1f} | {load.p50_ms:.0f} | "
        f"{load.p99_ms:.0f} | {row.gateway_cores:.2f} | {row.peak_rss_bytes / 2**20:.0f} | "
        f"{row.subgraph_cores:.2f} | {load.total} | {load.errors} | {load.non_2xx} | "
        f"{row.machine_load:.1f} |"
    )


def table(spec: Table) -> list[str]:
    response = spec.comparison.response
    size = f"{len(response)} bytes ({len(response) / 1000:.1f} KB)" if response else "none"
    rule = (
        "byte-identical for every measured gateway"
        if spec.comparison.same == "bytes"
        else "the same data (parsed JSON) for every measured gateway"
    )
    notes = [
        f"- {row.gateway.name}: {row.note}" for row in spec.comparison.rows if row.note is not None
    ]
    return [
        f"## {spec.title}",
        "",
        *spec.about,
        f"- Answer, {rule}: {size}",
        "",
        "```graphql",
        spec.query,
        "```",
        "",
        "| gateway | version | requests/s | p50 ms | p99 ms | CPU cores | peak RSS MiB "
        "| subgraphs CPU cores | requests | errors | non-2xx | machine load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_row(row) for row in spec.comparison.rows),
        "",
        *notes,
        *([""] if notes else []),
    ]


def subgraphs_alone(rows: list[SubgraphAlone], connections: int, seconds: int) -> list[str]:
    lines = [
        "## The static subgraphs alone",
        "",
        f"Each path of the subgraph process loaded directly, {connections} connections, "
        f"{seconds}s after a 2s warm-up, with the largest request it gets during TestQuery "
        "(see `SOLO_REQUESTS` in bench/static_subgraphs.py). CPU: the subgraph process.",
        "",
        "| subgraph | requests/s | p50 ms | p99 ms | CPU cores | errors | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.load is None:
            lines.append(f"| {row.name} | failed: {row.failure} | | | | | |")
            continue
        load = row.load
        cores = next(iter(load.cores.values()), 0.0)
        lines.append(
            f"| {row.name} | {load.requests_per_second:.1f} | {load.p50_ms:.0f} | "
            f"{load.p99_ms:.0f} | {cores:.2f} | {load.errors} | {load.non_2xx} |"
        )
    return [*lines, ""]


def write(header: list[str], sections: list[list[str]]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = RESULTS / f"{now:%Y-%m-%d}.md"
    if path.exists():
        path = RESULTS / f"{now:%Y-%m-%d-%H%M%S}.md"
    lines = [f"# Router benchmark, {now:%Y-%m-%d %H:%M} UTC", "", *header, ""]
    for section in sections:
        lines += section
    path.write_text("\n".join(lines))
    return path
