"""``shopgraph analytics rebuild`` refuses a bus it cannot replay, and changes nothing."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bootstrap.cli import app


def test_rebuild_refuses_the_in_process_bus(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPGRAPH_BUS_URL", "memory://")
    monkeypatch.setenv("SHOPGRAPH_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["analytics", "rebuild"])
    assert result.exit_code == 2
    assert "SHOPGRAPH_BUS_URL is memory://" in result.output
    assert list(tmp_path.iterdir()) == []  # not even a database was created
