"""The ``shopgraph`` command refuses bad input clearly and changes nothing."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bootstrap.cli import app

runner = CliRunner()


def test_unknown_service_is_refused() -> None:
    result = runner.invoke(app, ["serve", "warehouse-robots"])
    assert result.exit_code == 2
    assert "unknown service 'warehouse-robots'" in result.output


def test_unknown_worker_group_lists_the_known_ones() -> None:
    result = runner.invoke(app, ["worker", "no-such-group"])
    assert result.exit_code == 2
    assert "unknown worker group 'no-such-group'" in result.output
    assert "available:" in result.output


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_BUS_URL", "carrier-pigeon://coop")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "SHOPGRAPH_BUS_URL" in result.output


def test_create_admin_refuses_a_weak_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPGRAPH_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["create-admin", "--email", "boss@shop.test", "--password", "x"])
    assert result.exit_code == 2
    assert "SHOPGRAPH_ADMIN_PASSWORD" in result.output


def test_create_admin_is_idempotent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHOPGRAPH_DATA_DIR", str(tmp_path))
    args = ["create-admin", "--email", "boss@shop.test", "--password", "a-long-admin-pass"]
    first = runner.invoke(app, args)
    again = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert again.exit_code == 0, again.output
    assert "admin ready: boss@shop.test" in again.output
