"""Running commands, printing progress, and file-system chores done as root for other users."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from infra.errors import InfraError


def say(message: str) -> None:
    print(message, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:]) or f"(log {path} is empty)"


def run(
    cmd: Sequence[str],
    *,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command (as `user` when we are root), capturing its output."""
    return subprocess.run(
        list(cmd),
        user=user if (user and is_root()) else None,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def run_checked(
    cmd: Sequence[str],
    what: str,
    *,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> str:
    """Run a command; its output, or an InfraError with the output's last lines."""
    result = run(cmd, user=user, env=env, cwd=cwd, timeout=timeout)
    if result.returncode != 0:
        output = "\n".join(result.stdout.splitlines()[-25:])
        raise InfraError(f"{what} failed (exit {result.returncode}): {shlex.join(cmd)}\n{output}")
    return result.stdout


def ensure_system_user(name: str, home: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        say(f"  creating system user {name}")
        run_checked(
            [
                "useradd",
                "--system",
                "--user-group",
                "--home-dir",
                home,
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            f"useradd {name}",
        )


def chown_tree(path: Path, user: str) -> None:
    if not is_root():
        return
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def user_can_read(user: str, path: Path) -> bool:
    if not is_root():
        return os.access(path, os.R_OK | os.X_OK)
    return run(["test", "-r", str(path), "-a", "-x", str(path)], user=user).returncode == 0


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
