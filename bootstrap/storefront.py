"""The Next.js storefront next to the router in ``make dev``.

When Node ≥ 18.18 is on the PATH, ``make dev`` installs the storefront's npm packages (from
its lock file), builds it once (rebuilt only when a source is newer than the last build) and
serves it with ``next start`` on http://127.0.0.1:3000, talking to the router. Without Node,
or with ``SHOPGRAPH_STOREFRONT=off``, the platform starts without it and says why.

A failed install, build or a crashed server is logged and leaves the rest of the platform
running: ``run_together`` stops everything when a background loop returns, so ``run`` only
returns once ``stop`` was called.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from shopgraph.logging import get_logger
from shopgraph.runner import Background

log = get_logger(__name__)

STOREFRONT_DIR = Path(__file__).resolve().parents[1] / "storefront"
STOREFRONT_PORT = 3000
MIN_NODE = (18, 18)
# What a build depends on: a file here newer than the last build triggers a rebuild.
BUILD_INPUTS = ("src", "public", "package-lock.json", "next.config.ts", "tsconfig.json")
SERVER_STOP_SECONDS = 10
# Node runs Next directly (not through npx) so that stopping the server signals Next itself.
NEXT = ("node", "node_modules/next/dist/bin/next")


def parse_node_version(text: str) -> tuple[int, int] | None:
    """``v20.11.1`` → ``(20, 11)``; anything else → None."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.\d+\S*", text.strip())
    return (int(match[1]), int(match[2])) if match else None


def node_version(node: str = "node") -> tuple[int, int] | None:
    executable = shutil.which(node)
    if executable is None:
        return None
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_node_version(out.stdout)


def _newest_mtime(paths: Iterable[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            newest = max([newest, *(p.stat().st_mtime for p in path.rglob("*") if p.is_file())])
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


def needs_install(directory: Path) -> bool:
    """npm packages are missing or older than the lock file."""
    installed = directory / "node_modules" / ".package-lock.json"
    lock = directory / "package-lock.json"
    return not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime


def needs_build(directory: Path) -> bool:
    """No production build yet, or a build input changed since the last one."""
    build_id = directory / ".next" / "BUILD_ID"
    if not build_id.exists():
        return True
    return _newest_mtime(directory / name for name in BUILD_INPUTS) > build_id.stat().st_mtime


def unavailable_reason(directory: Path = STOREFRONT_DIR) -> str | None:
    """Why ``make dev`` cannot serve the storefront here, or None when it can."""
    if os.environ.get("SHOPGRAPH_STOREFRONT", "").lower() in {"off", "0", "false", "no"}:
        return "SHOPGRAPH_STOREFRONT=off"
    if not (directory / "package.json").exists():
        return f"no storefront in {directory}"
    version = node_version()
    if version is None or version < MIN_NODE:
        found = "not found" if version is None else f"{version[0]}.{version[1]}"
        return f"Node.js >= 18.18 is needed (found: {found}); see the README's storefront section"
    return None


@dataclass
class StorefrontProcess:
    """Installs, builds and serves the storefront as child processes of ``make dev``."""

    router_url: str
    host: str = "127.0.0.1"
    port: int = STOREFRONT_PORT
    directory: Path = STOREFRONT_DIR
    _server: asyncio.subprocess.Process | None = field(default=None, init=False)
    _stopped: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def environment(self) -> dict[str, str]:
        return os.environ | {
            "SHOPGRAPH_ROUTER_URL": self.router_url,
            "NEXT_TELEMETRY_DISABLED": "1",
            "NODE_ENV": "production",
        }

    async def _step(self, *command: str) -> bool:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=self.directory, env=self.environment()
        )
        return await process.wait() == 0

    async def run(self) -> None:
        if needs_install(self.directory):
            log.info("storefront_installing", directory=str(self.directory))
            if not await self._step("npm", "ci", "--no-audit", "--no-fund", "--include=dev"):
                log.error("storefront_install_failed", hint="run: make storefront-install")
                await self._stopped.wait()
                return
        if needs_build(self.directory):
            log.info("storefront_building", directory=str(self.directory))
            if not await self._step(*NEXT, "build"):
                log.error("storefront_build_failed", hint="run: make storefront-build")
                await self._stopped.wait()
                return
        if self._stopped.is_set():
            return
        self._server = await asyncio.create_subprocess_exec(
            *NEXT, "start", "--hostname", self.host, "--port", str(self.port),
            cwd=self.directory, env=self.environment(),
        )  # fmt: skip
        log.info("storefront_serving", url=f"http://{self.host}:{self.port}")
        code = await self._server.wait()
        if not self._stopped.is_set():
            # Ctrl-C and SIGTERM reach Next (same process group) before ``stop`` is called.
            stopped_by_signal = code <= 0
            (log.info if stopped_by_signal else log.error)("storefront_exited", code=code)
            await self._stopped.wait()

    async def stop(self) -> None:
        self._stopped.set()
        server = self._server
        if server is None or server.returncode is not None:
            return
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), SERVER_STOP_SECONDS)
        except TimeoutError:
            server.kill()
            await server.wait()


def storefront_background(router_url: str, host: str = "127.0.0.1") -> Background | None:
    """The storefront as a ``make dev`` background loop, or None (logged) when it cannot run."""
    reason = unavailable_reason()
    if reason is not None:
        log.warning("storefront_not_started", reason=reason)
        return None
    process = StorefrontProcess(router_url=router_url, host=host)
    return Background(name="storefront", run=process.run, stop=process.stop)
