"""CPU time and peak memory of a process and everything it started, read from ``/proc``.

The bench process's own CPU comes from ``getrusage`` (:func:`own_cpu_seconds`). Every
process ``make bench`` measures is started in its own session (``start_new_session``),
so "the gateway" is every live process of that session: a uvicorn with worker processes or a
Node gateway that forks is counted whole.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (field 3, the state, first)."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def session_pids(session: int) -> list[int]:
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and int(fields[3]) == session:  # field 6: session id
            pids.append(int(entry.name))
    return pids


def cpu_seconds(session: int) -> float:
    """User + system CPU time so far of the session's processes.

    Live processes count whole; children that already exited count through their parent's
    reaped-children time, so a PostgreSQL backend that closed mid-run is not lost.
    """
    ticks = 0
    for pid in session_pids(session):
        fields = _stat_fields(pid)
        if fields is not None:
            # fields 14-17: utime, stime, cutime, cstime
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS_PER_SECOND


def own_cpu_seconds() -> float:
    """User + system CPU time so far of this process (every thread) and of its children that
    were waited for: what the bench itself spends, read with ``getrusage``."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


SERVICE_COMMANDS = {
    "postgresql": ("postgres", "-D"),
    "kafka": ("java", "kafka.Kafka"),
    "redis": ("redis-server", ""),
}


def service_sessions() -> dict[str, int]:
    """The session of each backing service running on this machine, found by its command line."""
    found: dict[str, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        for name, (program, marker) in SERVICE_COMMANDS.items():
            executable = argv[0].split(" ")[0] if argv else ""
            if name in found or not executable.endswith(program):
                continue
            if marker in argv or any(marker in arg for arg in argv):
                fields = _stat_fields(int(entry.name))
                if fields is not None:
                    found[name] = int(fields[3])
    return found


def peak_rss_bytes(session: int) -> int:
    """Sum over the session's live processes of each one's peak resident set (VmHWM)."""
    total = 0
    for pid in session_pids(session):
        try:
            status = (PROC / str(pid) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
    return total
