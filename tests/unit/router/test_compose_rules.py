"""Composition rules: what merges, and the errors that name subgraphs, types and fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_ast_schema, parse
from typer.testing import CliRunner

from conformance.composition.normalize import normalize
from router.compose import CompositionFailed, SubgraphSource, compose
from router.compose_cli import compose_app

FED2 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", '
    '"@inaccessible", "@tag", "@interfaceObject"])\n'
)


def sg(name: str, sdl: str, fed2: bool = True) -> SubgraphSource:
    return SubgraphSource(name, f"http://{name}.test/graphql", (FED2 if fed2 else "") + sdl)


def errors_of(*subgraphs: SubgraphSource) -> list[tuple[str, tuple[str, ...], str | None]]:
    with pytest.raises(CompositionFailed) as failed:
        compose(subgraphs)
    return [(e.code, e.subgraphs, e.type_name) for e in failed.value.errors]


def field_line(sdl: str, type_name: str, field_name: str) -> str:
    """The normalized line of one field in a supergraph."""
    lines = normalize(sdl).splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(" ")[1:2] == [type_name])
    return next(
        line.strip()
        for line in lines[start + 1 :]
        if line.strip().startswith(f"{field_name}:") or line.strip().startswith(f"{field_name}(")
    )


def test_output_is_a_valid_schema_with_join_v05_links() -> None:
    sdl = compose(
        [
            sg(
                "a", 'type Query { me: User } type User @key(fields: "id") { id: ID! name: String }'
            ),
            sg("b", 'type User @key(fields: "id") { id: ID! reviews: [String!]! }'),
        ]
    )
    build_ast_schema(parse(sdl))
    assert '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)' in sdl
    assert 'A @join__graph(name: "a", url: "http://a.test/graphql")' in sdl
    assert 'type User @join__type(graph: A, key: "id") @join__type(graph: B, key: "id")' in sdl
    assert field_line(sdl, "User", "id") == "id: ID!"
    assert field_line(sdl, "User", "name") == "name: String @join__field(graph: A)"


def test_non_shareable_field_in_two_subgraphs_is_an_error_naming_them() -> None:
    problems = errors_of(
        sg("a", 'type Query { u: User } type User @key(fields: "id") { id: ID! name: String }'),
        sg("b", 'type User @key(fields: "id") { id: ID! name: String }'),
    )
    assert problems == [("INVALID_FIELD_SHARING", ("a", "b"), "User")]


def test_shareable_value_type_and_fed1_fields_merge() -> None:
    money = "type Money @shareable { amount: String! currency: String! }"
    sdl = compose(
        [
            sg("a", "type Query { price: Money } " + money),
            sg("b", "type Query { cost: Money } " + money),
            sg("c", "type Query { total: Money } type Money { amount: String! }", fed2=False),
        ]
    )
    assert "type Money @join__type(graph: A) @join__type(graph: B) @join__type(graph: C)" in sdl


def test_output_field_types_take_the_least_restrictive_and_record_each() -> None:
    sdl = compose(
        [
            sg("a", "type Query { a: T } type T @shareable { x: Int! }"),
            sg("b", "type Query { b: T } type T @shareable { x: Int }"),
        ]
    )
    assert field_line(sdl, "T", "x") == (
        'x: Int @join__field(graph: A, type: "Int!") @join__field(graph: B, type: "Int")'
    )


def test_incompatible_field_types_are_an_error() -> None:
    problems = errors_of(
        sg("a", "type Query { a: T } type T @shareable { x: Int }"),
        sg("b", "type Query { b: T } type T @shareable { x: String }"),
    )
    assert problems == [("FIELD_TYPE_MISMATCH", ("a", "b"), "T")]


def test_external_type_mismatch_is_an_error() -> None:
    problems = errors_of(
        sg("a", 'type Query { p: P } type P @key(fields: "id") { id: ID! w: Int }'),
        sg(
            "b",
            'type P @key(fields: "id") { id: ID! w: String @external '
            's: Int @requires(fields: "w") }',
        ),
    )
    assert problems == [("EXTERNAL_TYPE_MISMATCH", ("a", "b"), "P")]


def test_requires_must_name_external_fields() -> None:
    problems = errors_of(
        sg("a", 'type Query { p: P } type P @key(fields: "id") { id: ID! w: Int }'),
        sg("b", 'type P @key(fields: "id") { id: ID! w: Int s: Int @requires(fields: "w") }'),
    )
    assert ("REQUIRES_FIELDS_MISSING_EXTERNAL", ("b",), "P") in problems


def test_key_must_select_existing_fields() -> None:
    problems = errors_of(sg("a", 'type Query { p: P } type P @key(fields: "nope") { id: ID! }'))
    assert problems == [("KEY_INVALID_FIELDS", ("a",), "P")]


def test_provides_must_select_existing_fields() -> None:
    problems = errors_of(
        sg(
            "a",
            'type Query { p: P @provides(fields: "nope") } type P @key(fields: "id") { id: ID! }',
        )
    )
    assert problems == [("PROVIDES_INVALID_FIELDS", ("a",), "Query")]


def test_enum_only_in_outputs_is_the_union_of_values() -> None:
    sdl = compose(
        [
            sg("a", "type Query { a: E } enum E { X Y }"),
            sg("b", "type Query { b: E } enum E { Y Z }"),
        ]
    )
    assert "X @join__enumValue(graph: A)" in sdl
    assert "Z @join__enumValue(graph: B)" in sdl


def test_enum_only_in_inputs_is_the_intersection() -> None:
    sdl = compose(
        [
            sg("a", "type Query { a(e: E): Int } enum E { X Y }"),
            sg("b", "type Query { b(e: E): Int } enum E { Y Z }"),
        ]
    )
    assert "Y @join__enumValue(graph: A) @join__enumValue(graph: B)" in sdl
    assert "X @join__enumValue" not in sdl and "Z @join__enumValue" not in sdl


def test_enum_in_inputs_and_outputs_must_match() -> None:
    problems = errors_of(
        sg("a", "type Query { a(e: E): E } enum E { X Y }"),
        sg("b", "type Query { b: E } enum E { Y }"),
    )
    assert problems == [("ENUM_VALUE_MISMATCH", ("a", "b"), "E")]


def test_input_objects_intersect_and_a_missing_required_field_is_an_error() -> None:
    sdl = compose(
        [
            sg("a", "type Query { a(i: I): Int } input I { x: Int y: Int }"),
            sg("b", "type Query { b(i: I): Int } input I { x: Int! }"),
        ]
    )
    assert "input I @join__type(graph: A) @join__type(graph: B) {\n  x: Int!\n}" in sdl
    problems = errors_of(
        sg("a", "type Query { a(i: I): Int } input I { x: Int y: Int! }"),
        sg("b", "type Query { b(i: I): Int } input I { x: Int }"),
    )
    assert problems == [("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH", ("a", "b"), "I")]


def test_required_argument_missing_in_some_subgraph_is_an_error() -> None:
    problems = errors_of(
        sg("a", "type Query { a: T } type T @shareable { f(x: Int!): Int }"),
        sg("b", "type Query { b: T } type T @shareable { f: Int }"),
    )
    assert problems == [("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH", ("a", "b"), "T")]


def test_kind_mismatch_is_an_error() -> None:
    problems = errors_of(
        sg("a", "type Query { a: T } type T { x: Int }"),
        sg("b", "type Query { b(t: T): Int } input T { x: Int }"),
    )
    assert problems == [("TYPE_KIND_MISMATCH", ("a", "b"), "T")]


def test_override_moves_the_field_and_from_self_is_an_error() -> None:
    a = sg("a", 'type Query { p: P } type P @key(fields: "id") { id: ID! n: Int }')
    b = sg("b", 'type P @key(fields: "id") { id: ID! n: Int @override(from: "a") }')
    assert field_line(compose([a, b]), "P", "n") == 'n: Int @join__field(graph: B, override: "a")'
    problems = errors_of(
        a, sg("b", 'type P @key(fields: "id") { id: ID! m: Int @override(from: "b") }')
    )
    assert problems == [("OVERRIDE_FROM_SELF_ERROR", ("b",), "P")]


def test_interface_object_fields_reach_the_implementations() -> None:
    sdl = compose(
        [
            sg(
                "a",
                'type Query { n: [N] } interface N @key(fields: "id") { id: ID! } '
                'type U implements N @key(fields: "id") { id: ID! }',
            ),
            sg("b", 'type N @key(fields: "id") @interfaceObject { id: ID! extra: Int }'),
        ]
    )
    assert '@join__type(graph: B, key: "id", isInterfaceObject: true)' in sdl
    assert field_line(sdl, "U", "extra") == "extra: Int @join__field"
    assert '@join__implements(graph: A, interface: "N")' in sdl


def test_fed1_extension_with_external_key_and_renamed_imports() -> None:
    sdl = compose(
        [
            sg("a", 'type Query { u: User } type User @key(fields: "id") { id: ID! }', fed2=False),
            SubgraphSource(
                "b",
                "http://b",
                'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
                'import: [{name: "@key", as: "@primaryKey"}])\n'
                'type User @primaryKey(fields: "id") { id: ID! age: Int @federation__shareable }'
                " type Query { x: Int }",
            ),
            sg(
                "c",
                'extend type User @key(fields: "id") { id: ID! @external nick: String }',
                fed2=False,
            ),
        ]
    )
    assert field_line(sdl, "User", "id") == "id: ID!"
    assert 'type User @join__type(graph: A, key: "id") @join__type(graph: B, key: "id")' in sdl


def test_inaccessible_and_tag_are_kept_with_their_links() -> None:
    sdl = compose([sg("a", 'type Query { a: Int @inaccessible b: Int @tag(name: "public") }')])
    assert '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)' in sdl
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in sdl
    assert "a: Int @inaccessible" in sdl and 'b: Int @tag(name: "public")' in sdl


def test_cli_writes_only_when_composition_succeeds(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.graphql", tmp_path / "bad.graphql"
    good.write_text(FED2 + "type Query { a: Int }")
    bad.write_text(FED2 + "type Query { a: String }")
    out = tmp_path / "supergraph.graphql"
    runner = CliRunner()
    failed = runner.invoke(
        compose_app, ["-s", f"a=http://a={good}", "-s", f"b=http://b={bad}", "-o", str(out)]
    )
    assert failed.exit_code == 1
    assert "FIELD_TYPE_MISMATCH" in failed.output and "Query.a" in failed.output
    assert '"a"' in failed.output and '"b"' in failed.output
    assert not out.exists()
    ok = runner.invoke(compose_app, ["-s", f"a=http://a={good}", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "a: Int" in out.read_text()


def test_compose_directive_keeps_definition_link_and_uses() -> None:
    sdl = compose(
        [
            SubgraphSource(
                "a",
                "http://a",
                'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
                'import: ["@key", "@composeDirective"]) '
                '@link(url: "https://myspecs.dev/hello/v1.0", import: ["@hello"]) '
                '@composeDirective(name: "@hello")\n'
                "directive @hello(x: Int) on FIELD_DEFINITION\n"
                "type Query { a: Int @hello(x: 1) }",
            )
        ]
    )
    assert '@link(url: "https://myspecs.dev/hello/v1.0", import: ["@hello"])' in sdl
    assert "directive @hello(x: Int) on FIELD_DEFINITION" in sdl
    assert "a: Int @hello(x: 1)" in sdl
    build_ast_schema(parse(sdl))


def test_root_types_are_never_extensions_and_renamed_roots_merge() -> None:
    sdl = compose(
        [
            sg("a", "extend type Query { a: Int }"),
            SubgraphSource(
                "b", "http://b", "schema { query: RootQuery } type RootQuery { b: Int }"
            ),
        ]
    )
    assert "type Query @join__type(graph: A) @join__type(graph: B) {" in sdl
    assert "RootQuery" not in sdl


def test_invalid_sdl_names_the_subgraph() -> None:
    problems = errors_of(sg("broken", "type Query { a: }"))
    assert problems == [("INVALID_GRAPHQL", ("broken",), None)]


def test_unused_external_is_an_error_in_federation_2() -> None:
    problems = errors_of(
        sg("a", 'type Query { p: P } type P @key(fields: "id") { id: ID! w: Int }'),
        sg("b", 'type P @key(fields: "id") { id: ID! w: Int @external s: Int }'),
    )
    assert problems == [("EXTERNAL_UNUSED", ("b",), "P")]


def test_external_missing_on_base_is_an_error() -> None:
    problems = errors_of(
        sg("a", 'type Query { p: P } type P @key(fields: "id") { id: ID! }'),
        sg(
            "b",
            'type P @key(fields: "id") { id: ID! w: Int @external s: Int @requires(fields: "w") }',
        ),
    )
    assert problems == [("EXTERNAL_MISSING_ON_BASE", ("b",), "P")]


def test_inaccessible_type_referenced_by_a_visible_field_is_an_error() -> None:
    problems = errors_of(
        sg("a", "type Query { secret: S ok: Int } type S @inaccessible { x: Int }"),
    )
    assert problems == [("REFERENCED_INACCESSIBLE", ("a",), "Query")]


def test_required_inaccessible_argument_is_an_error() -> None:
    problems = errors_of(sg("a", "type Query { f(x: Int! @inaccessible): Int }"))
    assert problems == [("REQUIRED_INACCESSIBLE", ("a",), "Query")]


def test_unknown_type_is_an_error_naming_the_field() -> None:
    with pytest.raises(CompositionFailed) as failed:
        compose([sg("a", "type Query { f: Missing }")])
    (error,) = failed.value.errors
    assert (error.code, error.subgraphs, error.type_name, error.field_name) == (
        "INVALID_GRAPHQL",
        ("a",),
        "Query",
        "f",
    )
    assert '"Missing"' in error.message


def test_subgraph_spec_accepts_a_url_with_a_query_string(tmp_path: Path) -> None:
    from router.composition.sources import from_spec

    sdl = tmp_path / "a.graphql"
    sdl.write_text("type Query { a: Int }")
    source = from_spec(f"a=http://a/graphql?x=1={sdl}")
    assert (source.name, source.url) == ("a", "http://a/graphql?x=1")


def test_conflicting_argument_defaults_are_an_error() -> None:
    problems = errors_of(
        sg("a", "type Query { a: T } type T @shareable { f(x: Int = 1): Int }"),
        sg("b", "type Query { b: T } type T @shareable { f(x: Int = 2): Int }"),
    )
    assert problems == [("FIELD_ARGUMENT_DEFAULT_MISMATCH", ("a", "b"), "T")]
