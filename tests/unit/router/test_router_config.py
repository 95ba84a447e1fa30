"""The router config file: defaults, TOML sections, environment overrides, named errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from router.config import ConfigError, RouterConfig, load_config, parse_config
from router.serve import RouterOptions
from router.serve_cli import router_app

EXAMPLE = Path(__file__).parents[3] / "router" / "router.example.toml"


def test_the_example_file_is_valid_and_holds_the_defaults() -> None:
    assert load_config(EXAMPLE) == RouterConfig()


def test_sections_set_the_options_the_router_runs_with() -> None:
    config = parse_config(
        """
        [server]
        cors_origins = ["http://localhost:3000"]
        [rate_limit]
        limit = 50
        window_seconds = 10
        [subscriptions]
        max_per_connection = 5
        """
    )
    options = RouterOptions.from_config(config)
    assert options.rate_limit == 50
    assert options.rate_window_seconds == 10.0
    assert options.cors_origins == ("http://localhost:3000",)
    assert options.max_subscriptions_per_connection == 5
    assert options.config is config


def test_environment_overrides_win_over_the_file() -> None:
    config = parse_config(
        "[rate_limit]\nlimit = 50\n",
        environ={
            "SHOPGRAPH_ROUTER__RATE_LIMIT__LIMIT": "7",
            "SHOPGRAPH_ROUTER__SERVER__HOST": "0.0.0.0",
            "SHOPGRAPH_DATABASE_URL": "ignored: not a router key",
        },
    )
    assert config.rate_limit.limit == 7
    assert config.server.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("[rate_limit]\nlimt = 5\n", {}, "router.toml: rate_limit.limt: unknown key"),
        ("[rate_limits]\n", {}, "router.toml: rate_limits: unknown key"),
        ('[rate_limit]\nlimit = "many"\n', {}, "router.toml: rate_limit.limit: Input should be"),
        ("[server]\nport = 70000\n", {}, "router.toml: server.port: Input should be less"),
        ("[server\n", {}, "router.toml: not valid TOML"),
        ("", {"SHOPGRAPH_ROUTER__LIMIT": "5"}, "expected SHOPGRAPH_ROUTER__<SECTION>__<KEY>"),
        ("", {"SHOPGRAPH_ROUTER__SERVER__WORKERS": "0"}, "server.workers: Input should be"),
    ],
)
def test_bad_config_names_the_key(text: str, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, source="router.toml", environ=environ)
    assert message in str(raised.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("[server]\nport = -1\nworkers = 0\n", source="r.toml")
    assert str(raised.value).splitlines() == [
        "r.toml: server.port: Input should be greater than or equal to 0",
        "r.toml: server.workers: Input should be greater than or equal to 1",
    ]


def test_serve_refuses_a_bad_config_file_before_serving(tmp_path: Path) -> None:
    config = tmp_path / "router.toml"
    config.write_text("[rate_limit]\nlimt = 5\n")
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text("type Query { a: Int }")
    result = CliRunner().invoke(
        router_app, ["serve", "--supergraph", str(supergraph), "--config", str(config)]
    )
    assert result.exit_code == 2
    assert "rate_limit.limt: unknown key" in result.output


def test_serve_refuses_a_missing_config_file(tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text("type Query { a: Int }")
    result = CliRunner().invoke(
        router_app,
        ["serve", "--supergraph", str(supergraph), "--config", str(tmp_path / "nope.toml")],
    )
    assert result.exit_code == 2
    assert "cannot read" in result.output
