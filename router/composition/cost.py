"""Demand-control directives through composition: ``@cost`` (the largest weight any subgraph
gives) and ``@listSize`` (:meth:`router.cost_directives.ListSize.merged`), printed in the
supergraph with the cost spec's @link."""

from __future__ import annotations

import json

from router.composition.model import Applied
from router.cost_directives import ListSize, cost_from, list_size_from

NAMES = frozenset({"cost", "listSize"})

LINK = '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])'
DEFINITIONS = (
    "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",  # noqa: E501
    "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",  # noqa: E501
)


def read(meta: Applied, name: str, args: dict[str, object]) -> None:
    if name == "cost":
        meta.cost = merged_cost(meta.cost, cost_from(args))
    elif name == "listSize":
        meta.list_size = merged_list_size(meta.list_size, list_size_from(args))


def merged_cost(one: int | None, other: int | None) -> int | None:
    weights = [w for w in (one, other) if w is not None]
    return max(weights) if weights else None


def merged_list_size(one: ListSize | None, other: ListSize | None) -> ListSize | None:
    if one is None or other is None:
        return one or other
    return one.merged(other)


def printed(meta: Applied) -> str:
    out = f" @cost(weight: {meta.cost})" if meta.cost is not None else ""
    size = meta.list_size
    if size is None:
        return out
    args = []
    if size.assumed_size is not None:
        args.append(f"assumedSize: {size.assumed_size}")
    if size.slicing_arguments:
        args.append(f"slicingArguments: {_names(size.slicing_arguments)}")
    if size.sized_fields:
        args.append(f"sizedFields: {_names(size.sized_fields)}")
    if not size.require_one_slicing_argument:
        args.append("requireOneSlicingArgument: false")
    return out + (f" @listSize({', '.join(args)})" if args else " @listSize")


def _names(names: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(name) for name in names) + "]"
