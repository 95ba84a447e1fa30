"""One subgraph served alone for a benchmark (``shopgraph serve <service>``), and the lines
every benchmark report ends with."""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def served(
    service: str, env: dict[str, str], *args: str
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """Serve ``service`` on a free port with ``env`` added to this environment; yields its
    GraphQL URL and process once ``/readyz`` answers 200, and stops it on exit."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv/bin/shopgraph"), "serve", service, "--port", str(port), *args,
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await _wait_until_ready(f"http://127.0.0.1:{port}/readyz", server, service)
        yield f"http://127.0.0.1:{port}/graphql", server
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), 30)
        except TimeoutError:
            server.kill()
            await server.wait()


async def _wait_until_ready(url: str, server: asyncio.subprocess.Process, service: str) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(600):
            if server.returncode is not None:
                raise RuntimeError(f"the {service} subgraph exited at start-up")
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the {service} subgraph was not ready within a minute")


def report_footer(shared_with: str, command: str, generator: str = "Python httpx") -> list[str]:
    """The machine, how busy it was, and the command, as report lines."""
    return [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}. The load generator ({generator}) shares the "
        f"machine with {shared_with}. Load average (1 min) when the run ended: "
        f"{os.getloadavg()[0]:.1f}.",
        "",
        f"Command: `{command}`",
        "",
    ]
