"""A stand-in backing service for testing infra's start/stop logic with real processes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from infra.processes import ServerProcess, spawn
from infra.service import Service

# Appears in the command line of every process FakeServer.sleeper() starts.
MARKER = "shopgraph-fake-server"


@dataclass(frozen=True)
class FakeSpec:
    url: str
    host: str
    port: int

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_FAKE_URL"


def sleeper(*extra_argv: str) -> list[str]:
    """A long-running process whose command line contains MARKER."""
    return [sys.executable, "-c", "import time; time.sleep(600)", MARKER, *extra_argv]


class FakeServer(Service):
    name = "fake"
    start_timeout = 120.0
    cmdline_marker = MARKER

    def __init__(
        self,
        run_root: Path,
        *,
        command: Sequence[str] = (),
        ready: Callable[[], bool] = lambda: False,
        port: int = 1,
    ) -> None:
        super().__init__(run_root)
        self.spec = FakeSpec(url=f"fake://127.0.0.1:{port}", host="127.0.0.1", port=port)
        self.command = list(command)
        self.ready = ready
        self.launches = 0

    def is_ready(self) -> bool:
        return self.ready()

    def install(self) -> None:
        return None

    def launch(self) -> ServerProcess:
        self.launches += 1
        return spawn(self.command, log_file=self.log_file, cwd=self.run_dir)


def ready_after(calls: int) -> Callable[[], bool]:
    """A readiness probe that answers False `calls` times, then True."""
    seen = 0

    def probe() -> bool:
        nonlocal seen
        seen += 1
        return seen > calls

    return probe
