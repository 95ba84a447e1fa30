"""``shopgraph router plan`` / ``serve`` argument handling, and the GraphiQL installer's
integrity check."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from router.assets.install import InstallError, _check_integrity
from router.serve import NotReadyGateway
from router.serve_cli import router_app

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
QUERY = "{ products(first: 2) { edges { node { name stock { available } } } } }"


def test_plan_prints_the_fetches_of_a_query() -> None:
    result = CliRunner().invoke(router_app, ["plan", "--supergraph", str(SUPERGRAPH), QUERY])
    assert result.exit_code == 0, result.output
    assert "Flatten" in result.output and "_entities" in result.output


def test_plan_as_json() -> None:
    result = CliRunner().invoke(
        router_app, ["plan", "--supergraph", str(SUPERGRAPH), "--json", QUERY]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["kind"] == "QueryPlan"


def test_serve_needs_exactly_one_source() -> None:
    neither = CliRunner().invoke(router_app, ["serve"])
    both = CliRunner().invoke(
        router_app,
        ["serve", "--supergraph", str(SUPERGRAPH), "--subgraph", "a=http://127.0.0.1:1/graphql"],
    )
    assert neither.exit_code == 2 and both.exit_code == 2
    assert "exactly one of" in neither.output + both.output


async def test_not_ready_gateway_answers_with_a_code() -> None:
    body = await NotReadyGateway("composing").execute("{ a }", None, None, {})
    assert body["errors"][0]["extensions"]["code"] == "ROUTER_NOT_READY"


def test_installer_refuses_a_tarball_that_does_not_match_the_registry() -> None:
    data = b"tarball bytes"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    _check_integrity(data, good, "pkg@1")
    with pytest.raises(InstallError, match="integrity"):
        _check_integrity(data + b"!", good, "pkg@1")
    with pytest.raises(InstallError, match="unsupported"):
        _check_integrity(data, "sha1-abc", "pkg@1")
