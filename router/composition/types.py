"""Type references: equality, nullability merging, printing."""

from __future__ import annotations

from collections.abc import Callable

from graphql.language import (
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    TypeNode,
    print_ast,
)


def named(node: TypeNode) -> str:
    """The named type under lists and non-nulls."""
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def text(node: TypeNode) -> str:
    return print_ast(node)


def same(a: TypeNode, b: TypeNode) -> bool:
    return text(a) == text(b)


def merge(
    a: TypeNode,
    b: TypeNode,
    *,
    output: bool,
    subtype: Callable[[str, str], bool] | None = None,
) -> TypeNode | None:
    """Output: the least restrictive of two compatible types; input: the most restrictive.

    For output types ``subtype(x, y)`` (x implements or belongs to y) lets the named types
    differ; the merged type is then the more general one. None when the shapes differ.
    """
    a_non_null = isinstance(a, NonNullTypeNode)
    b_non_null = isinstance(b, NonNullTypeNode)
    inner_a = a.type if isinstance(a, NonNullTypeNode) else a
    inner_b = b.type if isinstance(b, NonNullTypeNode) else b
    inner: TypeNode | None
    if isinstance(inner_a, ListTypeNode) and isinstance(inner_b, ListTypeNode):
        element = merge(inner_a.type, inner_b.type, output=output, subtype=subtype)
        inner = None if element is None else ListTypeNode(type=element)
    elif isinstance(inner_a, NamedTypeNode) and isinstance(inner_b, NamedTypeNode):
        x, y = inner_a.name.value, inner_b.name.value
        if x == y:
            inner = inner_a
        elif output and subtype is not None and subtype(x, y):
            inner = inner_b
        elif output and subtype is not None and subtype(y, x):
            inner = inner_a
        else:
            inner = None
    else:
        inner = None
    if inner is None:
        return None
    non_null = (a_non_null and b_non_null) if output else (a_non_null or b_non_null)
    if non_null:
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    return inner


def with_named(node: TypeNode, name: str) -> TypeNode:
    """The same wrapping around another named type."""
    if isinstance(node, NonNullTypeNode):
        inner = with_named(node.type, name)
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    if isinstance(node, ListTypeNode):
        return ListTypeNode(type=with_named(node.type, name))
    return NamedTypeNode(name=NameNode(value=name))


def is_required(node: TypeNode, has_default: bool) -> bool:
    return isinstance(node, NonNullTypeNode) and not has_default
