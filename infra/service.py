"""What every backing service shares: reuse a reachable server, otherwise install, start and
wait for our own; stop only what we started."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Protocol

from infra.commands import remove_tree, say, tail
from infra.errors import InfraError
from infra.paths import LOOPBACK_HOSTS, rel
from infra.probes import tcp_open
from infra.processes import Recorded, ServerProcess, read_pid, terminate, wait_for


class ServiceSpec(Protocol):
    """What every service's settings (read from its SHOPGRAPH_TEST_*_URL) provide."""

    ENV_VAR: ClassVar[str]

    @property
    def url(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


class Service(ABC):
    name: ClassVar[str]
    spec: ServiceSpec
    # Seconds a launched server (or another run's server still coming up) gets to be ready.
    start_timeout: ClassVar[float] = 60.0
    stop_timeout: ClassVar[float] = 30.0
    # Part of the server's command line: how a later run recognises the pid in our pid file.
    cmdline_marker: ClassVar[str] = ""

    def __init__(self, run_root: Path) -> None:
        self.run_dir = run_root / self.name
        self.pid_file = self.run_dir / f"{self.name}.pid"
        self.log_file = self.run_dir / f"{self.name}.log"
        self.launched: ServerProcess | None = None

    # -- what each service provides ------------------------------------------
    @abstractmethod
    def is_ready(self) -> bool:
        """True when the server at host:port really accepts work."""

    @abstractmethod
    def install(self) -> None:
        """Make the binaries / jars available (apt, Maven); no-op when present."""

    @abstractmethod
    def launch(self) -> ServerProcess:
        """Write the server's config into run_dir and start it detached."""

    def wait_ready(self) -> None:
        """Block until the freshly launched server is ready."""
        if not wait_for(self.is_ready, timeout=self.start_timeout, alive=self.is_running):
            state = (
                "exited" if not self.is_running() else f"not ready after {self.start_timeout:.0f}s"
            )
            raise InfraError(
                f"{self.name}: server {state}; last lines of {rel(self.log_file)}:\n"
                f"{tail(self.log_file)}"
            )

    def after_ready(self) -> None:
        """Post-start setup (roles, databases...); nothing by default."""
        return None

    def stop_process(self, pid: int) -> None:
        """Stop our server; it runs in its own session, so the whole group goes."""
        terminate(pid, group=True, timeout=self.stop_timeout)

    # -- shared behaviour ----------------------------------------------------
    @property
    def host(self) -> str:
        return self.spec.host

    @property
    def port(self) -> int:
        return self.spec.port

    @property
    def url(self) -> str:
        return self.spec.url

    @property
    def env_var(self) -> str:
        return self.spec.ENV_VAR

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def our_process(self) -> ServerProcess | None:
        """Our running server: the one this run launched, else the one our pid file names."""
        if self.launched is not None:
            return self.launched if self.launched.running() else None
        pid = read_pid(self.pid_file)
        if pid is None:
            return None
        recorded = Recorded(pid, self.cmdline_marker)
        return recorded if recorded.running() else None

    def our_pid(self) -> int | None:
        process = self.our_process()
        return process.pid if process is not None else None

    def is_running(self) -> bool:
        return self.our_process() is not None

    def up(self) -> None:
        if self.is_ready():
            say(f"{self.name}: already reachable at {self.address}")
            return
        if self.host not in LOOPBACK_HOSTS:
            raise InfraError(
                f"{self.name}: {self.address} ({self.env_var}) is not reachable and is not "
                "a loopback address, so it cannot be started here"
            )
        started = time.monotonic()
        if self.is_running():
            running_at = self.recorded_address()
            if running_at != self.address:
                raise InfraError(
                    f"{self.name}: infra already runs a {self.name} at {running_at} "
                    f"(pid {self.our_pid()}); run `python3 -m infra down --only {self.name}` first"
                )
            say(f"{self.name}: our server (pid {self.our_pid()}) is running but not ready; waiting")
        else:
            self.install()
            if self.foreign_server_became_ready():
                say(f"{self.name}: already reachable at {self.address} (it was still starting)")
                return
            self.discard_run_dir()
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "address").write_text(self.address + "\n")
            self.launched = self.launch()
            self.pid_file.write_text(f"{self.launched.pid}\n")
        self.wait_ready()
        self.after_ready()
        say(
            f"{self.name}: started at {self.address} in {time.monotonic() - started:.1f}s "
            f"(pid {self.our_pid()}, log {rel(self.log_file)})"
        )

    def foreign_server_became_ready(self) -> bool:
        """True when a server we did not start answers on our port once it is ready.

        An open port that is not ready yet may be a server another run is still starting,
        so it gets start_timeout to become ready (or to close) before it counts as taken.
        """
        if not tcp_open(self.host, self.port):
            return False
        say(f"{self.name}: {self.address} is open but not ready; waiting for it")
        if wait_for(
            self.is_ready, timeout=self.start_timeout, alive=lambda: tcp_open(self.host, self.port)
        ):
            return True
        if tcp_open(self.host, self.port):
            raise InfraError(
                f"{self.name}: port {self.address} is taken by something that is not a "
                f"working {self.name}; free it or set {self.env_var}"
            )
        return False

    def recorded_address(self) -> str:
        try:
            return (self.run_dir / "address").read_text().strip()
        except OSError:
            return "?"

    def down(self) -> None:
        pid = self.our_pid()
        if pid is not None:
            self.stop_process(pid)
            say(f"{self.name}: stopped (pid {pid})")
        elif self.run_dir.exists():
            say(f"{self.name}: not running")
        self.launched = None
        self.discard_run_dir()

    def discard_run_dir(self) -> None:
        remove_tree(self.run_dir)

    def status_line(self) -> str:
        state = "reachable" if self.is_ready() else "NOT reachable"
        pid = self.our_pid()
        owner = f" (started by infra, pid {pid})" if pid else ""
        return f"{self.name}: {state} at {self.address}{owner}"
