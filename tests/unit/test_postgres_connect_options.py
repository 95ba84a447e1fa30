"""A service's PostgreSQL engine connects to a server on this host's loopback without TLS
unless the URL or PGSSLMODE asks for it (asyncpg's default builds an SSL context per
connection)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from shopgraph.db import postgres_pool_options


@pytest.mark.parametrize(
    ("url", "ssl"),
    [
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db", False),
        ("postgresql+asyncpg://u:p@localhost/db", False),
        ("postgresql+asyncpg://u:p@[::1]:5432/db", False),
        ("postgresql+asyncpg://u:p@db.internal:5432/db", None),
        ("postgresql+asyncpg://u:p@10.0.0.5:5432/db", None),
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db?ssl=require", None),
        ("postgresql+asyncpg://u:p@127.0.0.1:5432/db?sslmode=verify-full", None),
    ],
)
def test_tls_is_left_out_only_on_loopback_when_nothing_asks_for_it(
    url: str, ssl: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGSSLMODE", raising=False)
    options = postgres_pool_options(make_url(url), 5)
    assert options["connect_args"].get("ssl") == ssl
    assert (options["pool_size"], options["max_overflow"]) == (5, 5)


def test_pgsslmode_is_honoured_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "require")
    url = make_url("postgresql+asyncpg://u:p@127.0.0.1:5432/db")
    assert "ssl" not in postgres_pool_options(url, 5)["connect_args"]
