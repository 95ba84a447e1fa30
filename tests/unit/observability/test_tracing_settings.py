"""Turning tracing on and off: the one environment switch an operator uses."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bootstrap.cli import app
from shopgraph.tracing import requested_exporter


def test_tracing_is_off_unless_asked_for() -> None:
    assert requested_exporter({}) is None
    assert requested_exporter({"SHOPGRAPH_TRACING": "off"}) is None


def test_the_shopgraph_switch_or_the_standard_otel_variable_turns_it_on() -> None:
    assert requested_exporter({"SHOPGRAPH_TRACING": "otlp"}) == "otlp"
    assert requested_exporter({"OTEL_TRACES_EXPORTER": "otlp"}) == "otlp"
    assert requested_exporter({"SHOPGRAPH_TRACING": "off", "OTEL_TRACES_EXPORTER": "otlp"}) is None


def test_an_unknown_exporter_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"SHOPGRAPH_TRACING.*'zipkin'.*off, otlp, console"):
        requested_exporter({"SHOPGRAPH_TRACING": "zipkin"})


def test_a_worker_with_an_unknown_exporter_stops_before_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPGRAPH_TRACING", "zipkin")
    result = CliRunner().invoke(app, ["worker", "orders"])
    assert result.exit_code == 2
    assert "SHOPGRAPH_TRACING" in result.output
