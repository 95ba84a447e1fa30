"""Pretty printer for query plans, in the layout Apollo's tools use."""

from __future__ import annotations

from graphql import parse, print_ast

from router.planner_nodes import (
    Defer,
    DeferredNode,
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
    if isinstance(node, Defer):
        return _defer(node, depth)
    if isinstance(node, Sequence | Parallel):
        name = "Sequence" if isinstance(node, Sequence) else "Parallel"
        inner = ",\n".join(_node(child, depth + 1) for child in node.nodes)
        return f"{pad}{name} {{\n{inner}\n{pad}}}"
    if isinstance(node, Flatten):
        path = ".".join(node.path)
        return f'{pad}Flatten(path: "{path}") {{\n{_node(node.node, depth + 1)}\n{pad}}}'
    return _fetch(node, depth)


def _defer(defer: Defer, depth: int) -> str:
    """``Defer { Primary { ... }, [ Deferred(...) { ... }, ... ] }`` (Apollo's layout)."""
    pad = _INDENT * depth
    inner = _INDENT * (depth + 1)
    primary = _node(defer.primary, depth + 2) if defer.primary is not None else ""
    lines = [f"{pad}Defer {{", f"{inner}Primary {{"]
    if primary:
        lines.append(primary)
    lines.append(f"{inner}}}, [")
    lines.extend(_deferred(deferred, depth + 2) + "," for deferred in defer.deferred)
    lines += [f"{inner}]", f"{pad}}}"]
    return "\n".join(lines)


def _deferred(deferred: DeferredNode, depth: int) -> str:
    pad = _INDENT * depth
    head = [f"depends: [{', '.join(str(d) for d in deferred.depends)}]"]
    head.append(f'path: "{".".join(deferred.path)}"')
    if deferred.label is not None:
        head.append(f'label: "{deferred.label}"')
    if deferred.condition is not None:
        head.append(f"if: ${deferred.condition}")
    if deferred.parent is not None:
        head.append(f"in: {deferred.parent}")
    lines = [f"{pad}Deferred({', '.join(head)}) {{"]
    lines.append(_indent(deferred.subselection + ":", depth + 1))
    if deferred.node is not None:
        lines.append(_node(deferred.node, depth + 1))
    lines.append(f"{pad}}}")
    return "\n".join(lines)


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
