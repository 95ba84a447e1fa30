"""Pretty printer for query plans, in the layout Apollo's tools use."""

from __future__ import annotations

from graphql import parse, print_ast

from router.planner_nodes import (
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    RequiredSelection,
    Sequence,
)

_INDENT = "  "


def format_plan(plan: QueryPlan) -> str:
    if plan.node is None:
        return "QueryPlan {\n}"
    return "QueryPlan {\n" + _node(plan.node, 1) + "\n}"


def _node(node: PlanNode, depth: int) -> str:
    pad = _INDENT * depth
    if isinstance(node, Sequence | Parallel):
        name = "Sequence" if isinstance(node, Sequence) else "Parallel"
        inner = ",\n".join(_node(child, depth + 1) for child in node.nodes)
        return f"{pad}{name} {{\n{inner}\n{pad}}}"
    if isinstance(node, Flatten):
        path = ".".join(node.path)
        return f'{pad}Flatten(path: "{path}") {{\n{_node(node.node, depth + 1)}\n{pad}}}'
    return _fetch(node, depth)


def _fetch(fetch: Fetch, depth: int) -> str:
    pad = _INDENT * depth
    lines = [f'{pad}Fetch(service: "{fetch.service_name}") {{']
    if fetch.requires:
        lines.append(_indent(_requires(fetch.requires), depth + 1))
        lines.append(f"{pad}{_INDENT}}} =>")
    lines.append(_indent(_operation(fetch.operation), depth + 1))
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def _operation(operation: str) -> str:
    try:
        text = print_ast(parse(operation))
    except Exception:  # pragma: no cover - plans always hold valid operations
        return operation
    return text.strip()


def _requires(requires: tuple[RequiredFragment, ...]) -> str:
    body = "\n".join(_required(r, 1) for r in requires)
    return "{\n" + body


def _required(selection: RequiredSelection, depth: int) -> str:
    pad = _INDENT * depth
    if isinstance(selection, RequiredField):
        head = selection.name
        if selection.response_key != selection.name:
            head = f"{selection.response_key}: {selection.name}"
        if not selection.selections:
            return pad + head
        inner = "\n".join(_required(s, depth + 1) for s in selection.selections)
        return f"{pad}{head} {{\n{inner}\n{pad}}}"
    rename = f" as {selection.rename_to}" if selection.rename_to else ""
    inner = "\n".join(_required(s, depth + 1) for s in selection.selections)
    return f"{pad}... on {selection.type_condition}{rename} {{\n{inner}\n{pad}}}"


def _indent(text: str, depth: int) -> str:
    pad = _INDENT * depth
    return "\n".join(pad + line if line else line for line in text.splitlines())
