"""Depth and alias measurement reads each fragment once, however often it is spread."""

from __future__ import annotations

from graphql import parse

from shopgraph.document_shape import measure


def fragment_fan_out(levels: int = 24) -> str:
    """The 938-byte query of issue #11: each fragment spreads the next one twice, so a walk
    that re-reads fragments per spread does 2**24 steps."""
    spreads = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)
    )
    return f"{{ ...F0 }} {spreads} fragment F{levels - 1} on Query {{ __typename }}"


def test_the_fan_out_document_is_read_once() -> None:
    query = fragment_fan_out()
    assert len(query.encode()) == 938
    shape = measure(parse(query))
    assert shape.operations[0].depth == 1
    # 23 fragments with two spreads, one with a field, one spread in the operation
    assert shape.visited == 23 * 2 + 1 + 1


def test_depth_counts_fields_through_fragments_and_aliases_once_per_definition() -> None:
    query = """
        query Deep { a { ...F } }
        fragment F on A { b { c: d { ...G } e: d { ...G } } }
        fragment G on D { leaf }
    """
    shape = measure(parse(query))
    assert [(op.name, op.depth) for op in shape.operations] == [("Deep", 4)]
    assert shape.aliases == 2


def test_cycles_and_unknown_fragments_add_no_depth() -> None:
    query = "{ a { ...Loop ...Nope } } fragment Loop on A { b { ...Loop } }"
    shape = measure(parse(query))
    assert shape.operations[0].depth == 2


def test_introspection_roots_count_as_one_level_and_are_reported() -> None:
    shape = measure(parse("{ __schema { types { fields { type { name } } } } }"))
    assert shape.operations[0].depth == 1
    assert "__schema" in shape.meta_fields
