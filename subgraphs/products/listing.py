"""Keyset pagination of products: sorts, filters and cursors bound to their sort.

A cursor is ``encode_cursor("<FIELD>:<DIRECTION>", sort value, id)``: the page after it
starts strictly after that (value, id) pair in the sort order, so rows inserted or changed
between page fetches never make a page repeat or skip a row that was there all along.
A cursor made under another sort is refused (``BAD_USER_INPUT``) instead of silently
jumping to an unrelated position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from shopgraph.errors import BadUserInput
from shopgraph.pagination import decode_cursor, encode_cursor
from subgraphs.products.models import products
from subgraphs.products.records import ProductRecord
from subgraphs.products.validation import ProductStatus, sort_name

MAX_IDS_FILTER = 100


class SortField(StrEnum):
    NAME = "NAME"
    PRICE = "PRICE"
    CREATED_AT = "CREATED_AT"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class ProductSortSpec:
    field: SortField = SortField.NAME
    direction: SortDirection = SortDirection.ASC

    @property
    def tag(self) -> str:
        return f"{self.field.value}:{self.direction.value}"

    @property
    def column(self) -> Any:
        return {
            SortField.NAME: products.c.sort_name,
            SortField.PRICE: products.c.price_minor,
            SortField.CREATED_AT: products.c.created_at,
        }[self.field]

    def order_by(self) -> list[Any]:
        if self.direction is SortDirection.ASC:
            return [self.column.asc(), products.c.id.asc()]
        return [self.column.desc(), products.c.id.desc()]

    def value_of(self, record: ProductRecord) -> Any:
        if self.field is SortField.NAME:
            return sort_name(record.name)
        if self.field is SortField.PRICE:
            return record.price_minor
        return record.created_at.isoformat()

    def cursor(self, record: ProductRecord) -> str:
        return encode_cursor(self.tag, self.value_of(record), record.id)

    def after(self, cursor: str) -> ColumnElement[bool]:
        """The condition "strictly after ``cursor``" in this sort."""
        tag, raw_value, last_id = decode_cursor(cursor, arity=3)
        if tag != self.tag:
            raise BadUserInput(
                f"this cursor belongs to the sort {tag!r}, not {self.tag!r}: "
                "start again without 'after' when changing the sort"
            )
        value = self._parse(raw_value)
        if not isinstance(last_id, str):
            raise BadUserInput("invalid cursor")
        column = self.column
        if self.direction is SortDirection.ASC:
            return or_(column > value, and_(column == value, products.c.id > last_id))
        return or_(column < value, and_(column == value, products.c.id < last_id))

    def _parse(self, raw: Any) -> Any:
        try:
            if self.field is SortField.NAME and isinstance(raw, str):
                return raw
            if self.field is SortField.PRICE and isinstance(raw, int):
                return raw
            if self.field is SortField.CREATED_AT and isinstance(raw, str):
                parsed = datetime.fromisoformat(raw)
                if parsed.tzinfo is not None:
                    return parsed
        except ValueError:
            pass
        raise BadUserInput("invalid cursor")


@dataclass(frozen=True, slots=True)
class ProductFilter:
    category_id: str | None = None  # includes the category's descendants
    statuses: frozenset[ProductStatus] | None = None  # None: any status
    price_min_minor: int | None = None
    price_max_minor: int | None = None
    currency: str | None = None
    ids: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if self.ids is not None and len(self.ids) > MAX_IDS_FILTER:
            raise BadUserInput(f"filter.ids takes at most {MAX_IDS_FILTER} ids")
        low, high = self.price_min_minor, self.price_max_minor
        if (low is not None and low < 0) or (high is not None and high < 0):
            raise BadUserInput("price bounds must not be negative")
        if low is not None and high is not None and low > high:
            raise BadUserInput("priceMin must not be greater than priceMax")
