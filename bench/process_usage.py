"""CPU time and peak memory of a process and everything it started, read from ``/proc``.

Every process ``make bench`` measures is started in its own session (``start_new_session``),
so "the gateway" is every live process of that session: a uvicorn with worker processes or a
Node gateway that forks is counted whole.
"""

from __future__ import annotations

import os
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
    """User + system CPU time so far of the session's live processes."""
    ticks = 0
    for pid in session_pids(session):
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # fields 14, 15: utime, stime
    return ticks / CLOCK_TICKS_PER_SECOND


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
