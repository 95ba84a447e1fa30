"""A supergraph that cannot be served is refused at load, saying why in one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from router.plugins.hot_reload import GatewayHolder, SupergraphWatcher
from router.serve import load_gateway
from router.serve_cli import router_app
from router.supergraph import SupergraphError, parse_supergraph

FEATURES = Path(__file__).parents[2] / "fixtures" / "router" / "features_supergraph.graphql"
# The enum loses PEOPLE; the join directives on Query and Author still name it.
WITHOUT_PEOPLE = FEATURES.read_text().replace(
    '  PEOPLE @join__graph(name: "people", url: "http://people.invalid/graphql")\n', ""
)


def test_a_join_directive_naming_an_undefined_graph_is_refused() -> None:
    assert "PEOPLE" not in WITHOUT_PEOPLE.split("enum join__Graph")[1].split("}")[0]
    with pytest.raises(SupergraphError) as refused:
        parse_supergraph(WITHOUT_PEOPLE)
    message = str(refused.value)
    assert "'PEOPLE'" in message and "join__Graph" in message
    assert "\n" not in message


def test_a_syntax_error_is_one_line_with_its_position() -> None:
    with pytest.raises(SupergraphError) as refused:
        parse_supergraph("type Query {\n  a: String\n")
    assert str(refused.value) == (
        "supergraph does not parse: Syntax Error: Expected Name, found <EOF>. at line 3, column 1"
    )


async def test_hot_reload_keeps_the_old_gateway_and_reports_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(FEATURES.read_text())
    first = load_gateway(path.read_text())
    holder = GatewayHolder(first)
    watcher = SupergraphWatcher(path, holder, load_gateway)
    path.write_text(WITHOUT_PEOPLE)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert await watcher.check_once() is False
    assert holder.current is first
    assert watcher.last_error is not None and "'PEOPLE'" in watcher.last_error
    await watcher.aclose()
    await first.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type Query {", "supergraph does not parse: Syntax Error"),
        (WITHOUT_PEOPLE, "names graph 'PEOPLE'"),
    ],
)
def test_the_cli_prints_one_line_for_a_bad_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(text)
    result = CliRunner().invoke(router_app, ["plan", "--supergraph", str(path), "{ books { id } }"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert expected in result.output and str(path) in result.output


def test_serve_refuses_a_bad_file_before_serving(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(WITHOUT_PEOPLE)
    result = CliRunner().invoke(router_app, ["serve", "--supergraph", str(path), "--port", "1"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "names graph 'PEOPLE'" in result.output


def test_forward_header_rules_are_checked_on_the_command_line() -> None:
    result = CliRunner().invoke(
        router_app, ["serve", "--supergraph", str(FEATURES), "--forward-header", "bad header"]
    )
    assert result.exit_code == 2
    assert "not a header name" in result.output
