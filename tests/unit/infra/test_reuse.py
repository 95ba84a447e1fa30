"""`python3 -m infra up` reuses a server someone else runs, even one that is still starting."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.errors import InfraError
from tests.unit.infra.fake_server import FakeServer, ready_after


@pytest.fixture
def open_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections (someone else's server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_up_reuses_a_reachable_server_and_starts_nothing(
    tmp_path: Path, open_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeServer(tmp_path, ready=ready_after(0), port=open_port)
    server.up()
    assert server.launches == 0
    assert f"fake: already reachable at 127.0.0.1:{open_port}" in capsys.readouterr().out
    server.down()
    assert server.launches == 0


def test_up_waits_for_a_server_another_run_is_still_starting_and_reuses_it(
    tmp_path: Path, open_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its port is already open but it does not answer yet: not a squatter, just early.
    server = FakeServer(tmp_path, ready=ready_after(2), port=open_port)
    server.up()
    assert server.launches == 0
    assert "already reachable" in capsys.readouterr().out


def test_up_reports_a_port_held_by_something_that_never_becomes_ready(
    tmp_path: Path, open_port: int
) -> None:
    class QuickFakeServer(FakeServer):
        start_timeout = 1.0

    server = QuickFakeServer(tmp_path, port=open_port)
    with pytest.raises(InfraError, match="is taken by something that is not a working fake"):
        server.up()
    assert server.launches == 0
