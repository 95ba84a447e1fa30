"""``make bench-auth``: sign-ups and sign-ins per second of the users subgraph, per argon2id
setting.

For each hashing configuration in turn (argon2-cffi's defaults, which ShopGraph used before
the parameters became settings, then ShopGraph's defaults, OWASP's minimum): serve the users
subgraph alone (``shopgraph serve users``, one uvicorn process, SQLite, in-process store),
send ``register`` from C concurrent HTTP clients for D seconds, then ``login`` with the
right password for the accounts just made for D seconds. Writes requests/s, p50, p99 and the
server's CPU per request to ``bench/results/auth-<date>.md`` with the machine and the
command. Measured numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from closed_loop import closed_loop
from served import report_footer, served

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PASSWORD = "bench-password-42"

REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { accessToken errors { code } }
}"""
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { accessToken errors { code } }
}"""


@dataclass(frozen=True)
class Hashing:
    label: str
    memory_kib: int
    time_cost: int
    parallelism: int
    threads: int

    def env(self) -> dict[str, str]:
        return {
            "SHOPGRAPH_PASSWORD_HASH_MEMORY_KIB": str(self.memory_kib),
            "SHOPGRAPH_PASSWORD_HASH_TIME_COST": str(self.time_cost),
            "SHOPGRAPH_PASSWORD_HASH_PARALLELISM": str(self.parallelism),
            "SHOPGRAPH_PASSWORD_HASH_THREADS": str(self.threads),
        }


CONFIGURATIONS = (
    Hashing("before: argon2-cffi defaults, 4 hashing threads", 64 * 1024, 3, 4, 4),
    Hashing("after: ShopGraph defaults (OWASP minimum), 2 threads", 19 * 1024, 2, 1, 2),
)


@dataclass(frozen=True)
class Measured:
    operation: str
    per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms_per_request: float


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_load(
    http: httpx.AsyncClient,
    url: str,
    query: str,
    next_variables: Callable[[], dict[str, Any]],
    field: str,
    duration: float,
    connections: int,
    server_pid: int,
) -> tuple[Measured, list[dict[str, Any]]]:
    """``query`` in a closed loop; the variables of the requests that got a token back."""
    sent: list[dict[str, Any]] = []

    async def request() -> bool:
        variables = next_variables()
        response = await http.post(url, json={"query": query, "variables": variables})
        payload = response.json().get("data", {}).get(field) if response.is_success else None
        if not payload or payload["errors"] or not payload["accessToken"]:
            return False
        sent.append(variables)
        return True

    cpu_before = cpu_seconds(server_pid)
    result = await closed_loop(request, duration, connections)
    cpu = cpu_seconds(server_pid) - cpu_before
    measured = Measured(
        field,
        result.per_second,
        result.percentile_ms(50),
        result.percentile_ms(99),
        len(result.latencies),
        result.errors,
        cpu * 1000 / max(1, len(result.latencies)),
    )
    return measured, sent


def new_account() -> dict[str, Any]:
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    return {"input": {"email": email, "password": PASSWORD, "firstName": "B", "lastName": "N"}}


async def measure(hashing: Hashing, tmp: Path, duration: float, connections: int) -> list[Measured]:
    env = {**hashing.env(), "SHOPGRAPH_ENVIRONMENT": "test", "SHOPGRAPH_LOG_LEVEL": "WARNING",
           "SHOPGRAPH_DATA_DIR": str(tmp),
           "SHOPGRAPH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/users-{uuid.uuid4().hex}.db",
           "SHOPGRAPH_KV_URL": "memory://", "SHOPGRAPH_BUS_URL": "memory://"}  # fmt: skip
    async with served("users", env) as (url, server):
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            signed_up, accounts = await run_load(
                http, url, REGISTER, new_account, "register", duration, connections,
                server.pid,
            )  # fmt: skip
            logins = itertools.cycle(
                [{"input": {"email": a["input"]["email"], "password": PASSWORD}} for a in accounts]
            )
            signed_in, _ = await run_load(
                http, url, LOGIN, logins.__next__, "login", duration, connections, server.pid
            )
    return [signed_up, signed_in]


def report(
    args: argparse.Namespace, rows: list[tuple[Hashing, list[Measured]]], command: str
) -> Path:
    RESULTS.mkdir(exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    path = RESULTS / f"auth-{now:%Y-%m-%d-%H%M%S}.md"
    lines = [
        f"# Sign-up and sign-in benchmark, {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"`register`, then `login` with the right password, at the users subgraph (no router,"
        f" SQLite, in-process store), {args.connections} concurrent clients, "
        f"{args.duration:.0f} s each.",
        "",
        "| argon2id (memory, passes, lanes) | operation | per second | p50 ms | p99 ms | "
        "requests | errors | server CPU ms / request |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for hashing, measured in rows:
        setting = (
            f"{hashing.label}: {hashing.memory_kib // 1024} MiB, t={hashing.time_cost}, "
            f"p={hashing.parallelism}"
        )
        for m in measured:
            lines.append(f"| {setting} | {m.operation} | {m.per_second:.1f} | {m.p50_ms:.0f} | "
                         f"{m.p99_ms:.0f} | {m.requests} | {m.errors} | "
                         f"{m.cpu_ms_per_request:.0f} |")  # fmt: skip
    lines += report_footer("the server", command)
    path.write_text("\n".join(lines))
    return path


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-auth-") as tmp:
        for hashing in CONFIGURATIONS:
            measured = await measure(hashing, Path(tmp), args.duration, args.connections)
            for m in measured:
                print(hashing.label, m, flush=True)
            rows.append((hashing, measured))
    command = "python bench/auth.py " + " ".join(sys.argv[1:])
    print(f"wrote {report(args, rows, command.strip())}")


if __name__ == "__main__":
    asyncio.run(main())
