"""Redis: a `redis-server` in the foreground of its own session, no persistence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from infra.packages import ensure_command
from infra.paths import bind_host, url_from_env
from infra.probes import redis_ping
from infra.processes import ServerProcess, spawn
from infra.service import Service


@dataclass(frozen=True)
class RedisSpec:
    url: str
    host: str
    port: int

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_REDIS_URL"
    DEFAULT_URL: ClassVar[str] = "redis://127.0.0.1:6379/0"

    @classmethod
    def from_env(cls) -> RedisSpec:
        parts = url_from_env(cls.ENV_VAR, cls.DEFAULT_URL)
        return cls(url=parts.geturl(), host=parts.hostname or "127.0.0.1", port=parts.port or 6379)


class Redis(Service):
    name = "redis"
    spec: RedisSpec
    start_timeout = 30.0
    cmdline_marker = "redis-server"

    def __init__(self, spec: RedisSpec, run_root: Path) -> None:
        super().__init__(run_root)
        self.spec = spec

    def is_ready(self) -> bool:
        return redis_ping(self.host, self.port)

    def install(self) -> None:
        ensure_command("redis-server", ["redis-server"])

    def launch(self) -> ServerProcess:
        # Not --daemonize: the daemon writes its pid file some time after the command
        # returns, and we would have to guess when.  In the foreground, Popen gives the pid.
        cmd = [
            ensure_command("redis-server", ["redis-server"]),
            "--bind",
            bind_host(self.host),
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.run_dir),
        ]
        return spawn(cmd, log_file=self.log_file, cwd=self.run_dir)
