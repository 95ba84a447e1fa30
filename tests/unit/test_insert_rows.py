"""Statements built by insert_rows stay in SQLAlchemy's compiled cache: one that cannot be
cached is compiled again on every request, which on the checkout path costs more than running it."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import asyncpg

from shopgraph.db import insert_rows

_lines = Table("lines", MetaData(), Column("order_id", String), Column("quantity", Integer))


def test_rows_with_other_values_share_one_compiled_statement() -> None:
    first = insert_rows(
        _lines, [{"order_id": "a", "quantity": 1}, {"order_id": "b", "quantity": 2}]
    )
    second = insert_rows(
        _lines, [{"order_id": "c", "quantity": 3}, {"order_id": "d", "quantity": 4}]
    )
    key = first._generate_cache_key()
    assert key is not None
    assert key == second._generate_cache_key()


def test_every_row_is_bound() -> None:
    statement = insert_rows(
        _lines, [{"order_id": "a", "quantity": 1}, {"order_id": "b", "quantity": 2}]
    )
    dialect = asyncpg.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    compiled = statement.compile(dialect=dialect)
    assert sorted(compiled.params.values(), key=str) == [1, 2, "a", "b"]


def test_no_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="no rows"):
        insert_rows(_lines, [])
