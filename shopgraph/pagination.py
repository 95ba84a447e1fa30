"""Relay connections: ``first``/``after``, ``edges { cursor node }``, ``pageInfo``.

Cursors are opaque (base64url of a small JSON list of the sort key values), so a page is
stable while rows are inserted: the next page starts strictly after the last sort key seen.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
import strawberry
from strawberry.federation.schema_directives import ListSize

from shopgraph.errors import BadUserInput

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CURSOR_VERSION = "c1"


def connection_list_size(default_page_size: int = DEFAULT_PAGE_SIZE) -> ListSize:
    """``@listSize`` of a connection field, for the router's demand control: ``first`` (or
    the default page size) is how many ``edges`` it returns."""
    return ListSize(
        assumed_size=default_page_size,
        slicing_arguments=["first"],
        sized_fields=["edges"],
        require_one_slicing_argument=False,
    )


def encode_cursor(*values: Any) -> str:
    raw = orjson.dumps([CURSOR_VERSION, *values], default=str)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, *, arity: int) -> list[Any]:
    """The sort key values of ``cursor``; a malformed one is a ``BAD_USER_INPUT`` error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, orjson.JSONDecodeError, UnicodeEncodeError):
        raise BadUserInput("invalid cursor") from None
    if not isinstance(values, list) or len(values) != arity + 1 or values[0] != CURSOR_VERSION:
        raise BadUserInput("invalid cursor")
    return values[1:]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE_SIZE}")
    return first


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int | None = None


@dataclass(frozen=True)
class Page(Generic[R]):
    """A fetched page: up to ``size`` rows plus whether more follow (fetch ``size + 1``)."""

    rows: Sequence[R]
    has_next: bool
    has_previous: bool

    @classmethod
    def from_overfetch(cls, rows: Sequence[R], size: int, *, after: str | None) -> Page[R]:
        return cls(rows=rows[:size], has_next=len(rows) > size, has_previous=after is not None)


def connection(
    page: Page[R],
    *,
    node: Callable[[R], T],
    cursor: Callable[[R], str],
    total_count: int | None = None,
) -> Connection[T]:
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total_count,
    )
