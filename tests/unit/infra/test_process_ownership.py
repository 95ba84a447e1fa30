"""`python3 -m infra up` / `down`: which server processes are ours, and stopping only those."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.errors import InfraError
from infra.processes import pid_alive
from tests.unit.infra.fake_server import MARKER, FakeServer, ready_after, sleeper


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process infra did not start."""
    process = subprocess.Popen(["sleep", "600"])
    yield process
    process.kill()
    process.wait()


def test_a_just_spawned_server_is_ours_before_its_command_line_names_it(tmp_path: Path) -> None:
    # `sleep` never shows the marker in /proc/<pid>/cmdline, as a server does not right after
    # fork: the Popen handle, not the command line, says the process is ours and alive.
    server = FakeServer(tmp_path, command=["sleep", "600"], ready=ready_after(3))
    server.up()
    spawned = server.launched
    assert spawned is not None and spawned.running()
    assert server.our_pid() == spawned.pid
    server.down()
    assert not spawned.running()


def test_a_server_that_exits_while_starting_fails_up_with_its_log(tmp_path: Path) -> None:
    command = ["sh", "-c", "echo 'Address already in use' >&2; exit 1"]
    server = FakeServer(tmp_path, command=command)
    with pytest.raises(InfraError, match="server exited") as failure:
        server.up()
    assert "Address already in use" in str(failure.value)
    assert server.our_pid() is None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_a_later_run_finds_and_stops_the_server_an_earlier_run_started(tmp_path: Path) -> None:
    first_run = FakeServer(tmp_path, command=sleeper())
    # Ready once the server has exec'd (as a real server answers only then): a later run
    # recognises it by its command line, which before exec is still Python's.
    first_run.ready = lambda: (
        first_run.launched is not None and MARKER in cmdline(first_run.launched.pid)
    )
    first_run.up()
    assert first_run.launched is not None
    started = first_run.launched

    later_run = FakeServer(tmp_path)
    assert later_run.our_pid() == started.pid
    later_run.down()

    assert not started.running()
    assert not later_run.run_dir.exists()


def test_down_leaves_alone_a_process_that_took_over_our_recorded_pid(
    tmp_path: Path, bystander: subprocess.Popen[bytes]
) -> None:
    server = FakeServer(tmp_path)
    server.run_dir.mkdir(parents=True)
    server.pid_file.write_text(f"{bystander.pid}\n")

    assert server.our_pid() is None
    server.down()

    assert bystander.poll() is None
    assert not server.run_dir.exists()


def test_down_stops_the_children_of_the_server_too(tmp_path: Path) -> None:
    child_pid_file = tmp_path / "child.pid"
    # Written aside and renamed: the shell creates a redirect's file before echo fills it,
    # and readiness must not see it empty.
    aside = f"{child_pid_file}.tmp"
    script = f"sleep 600 & echo $! > {aside} && mv {aside} {child_pid_file}; wait"
    server = FakeServer(
        tmp_path / "run", command=["sh", "-c", script, MARKER], ready=child_pid_file.exists
    )
    server.up()
    child_pid = int(child_pid_file.read_text())
    assert pid_alive(child_pid)

    FakeServer(tmp_path / "run").down()

    assert not pid_alive(child_pid)
