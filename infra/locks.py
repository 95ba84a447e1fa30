"""File locks that keep concurrent infra runs from starting the same server twice."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from infra.paths import machine_lock_dir


@contextlib.contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive flock on `lock_file` (created if missing, readable by every user)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def checkout_lock(run_root: Path) -> contextlib.AbstractContextManager[None]:
    """Serialises up/down of one checkout (e.g. parallel make jobs)."""
    return exclusive(run_root / ".lock")


def address_lock(service: str, host: str, port: int) -> contextlib.AbstractContextManager[None]:
    """Serialises starting one service address across every checkout on the machine, so a
    second `up` waits for the first and then reuses its server instead of racing it."""
    lock_dir = machine_lock_dir()
    if not lock_dir.exists():
        lock_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            lock_dir.chmod(0o1777)
    return exclusive(lock_dir / f"{service}-{host}-{port}.lock")
