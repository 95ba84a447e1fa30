"""The server processes infra starts: whether one still runs, whether it is ours, stopping it.

Ownership has two sources of truth.  A server started by this run is known by its Popen
handle (or, for a server that detaches itself, by the pid the server wrote), so its liveness
never depends on what /proc says about it: right after fork, /proc/<pid>/cmdline can still be
the parent's, and reading it mid-exec can even come back empty.  A server started by an earlier
run is known only by our pid file, and is trusted only while its command line still names the
server, because the pid may since have been reused by an unrelated process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


def wait_for(
    ready: Callable[[], bool],
    *,
    timeout: float,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.5,
) -> bool:
    """Poll `ready` until it is true; give up on timeout or when `alive` turns false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return True
        if not alive():
            return ready()
        time.sleep(interval)
    return ready()


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _stat_fields(pid)
    return fields is None or fields[0] != "Z"


def group_alive(pgid: int) -> bool:
    """True while any non-zombie process belongs to process group `pgid`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def pid_cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class ServerProcess(Protocol):
    """A server process infra knows to be its own."""

    @property
    def pid(self) -> int: ...

    def running(self) -> bool: ...


@dataclass(frozen=True)
class Spawned:
    """A server this run started with Popen: the handle, not /proc, says whether it exited."""

    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None


@dataclass(frozen=True)
class Detached:
    """A server this run started that detached itself; `pid` is the one the server wrote."""

    pid: int

    def running(self) -> bool:
        return pid_alive(self.pid)


@dataclass(frozen=True)
class Recorded:
    """A server an earlier run started, known from our pid file; trusted only while its
    command line still contains `marker` (the pid may have been reused since)."""

    pid: int
    marker: str

    def running(self) -> bool:
        if not pid_alive(self.pid):
            return False
        return not self.marker or self.marker in pid_cmdline(self.pid)


def spawn(
    cmd: Sequence[str],
    *,
    log_file: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
) -> Spawned:
    """Start a server detached in its own session (so it outlives us and stops as a group),
    with stdout and stderr appended to `log_file`."""
    with log_file.open("ab") as log:
        popen = subprocess.Popen(
            list(cmd),
            user=user,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    return Spawned(popen)


def terminate(pid: int, *, group: bool, timeout: float) -> None:
    """SIGTERM a process (or its whole process group), SIGKILL it after `timeout`.

    For a group, waits until every member is gone, not only the leader: a child that
    outlives the leader would keep the port and files busy."""
    send = os.killpg if group else os.kill

    def gone() -> bool:
        return not (group_alive(pid) if group else pid_alive(pid))

    with contextlib.suppress(ProcessLookupError, PermissionError):
        send(pid, signal.SIGTERM)
    if wait_for(gone, timeout=timeout, interval=0.25):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        send(pid, signal.SIGKILL)
    wait_for(gone, timeout=10, interval=0.25)
