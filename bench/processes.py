"""Starting, stopping and asking the processes of ``make bench``: each in its own session
(so that it can be stopped and measured whole), its output in ``bench/.work/logs``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
LOGS = WORK / "logs"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def start(command: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    LOGS.mkdir(parents=True, exist_ok=True)
    out = (LOGS / f"{log_name}.log").open("wb")
    return subprocess.Popen(
        command,
        cwd=WORK,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole session, SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def post_query(url: str, query: str) -> httpx.Response:
    return httpx.post(url, json={"query": query}, timeout=30)


def answer_without_errors(url: str, query: str) -> bytes | None:
    """The raw response body when it is 200 with data and no errors, else None."""
    try:
        response = post_query(url, query)
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    if response.status_code == 200 and body.get("data") and not body.get("errors"):
        return response.content
    return None


def wait_for(url: str, query: str, process: subprocess.Popen[bytes], seconds: float) -> bytes:
    """The first answer without errors; RuntimeError when the process exits or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with code {process.returncode} (see bench/.work/logs)")
        answer = answer_without_errors(url, query)
        if answer is not None:
            return answer
        time.sleep(0.3)
    try:
        last = post_query(url, query).text[:300]
    except httpx.HTTPError as exc:
        last = repr(exc)
    raise RuntimeError(f"no answer without errors within {seconds:.0f}s; last: {last}")
