"""Platforms started on first use and shared by the tests of a package, one per column, each
with its admin signed in (a fixture of package scope holds them; they stop when it ends).
The tests that share one make their own shoppers, products and orders, so none depends on
what another did; a test that needs other settings or an empty platform starts its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import pytest

from tests.support.columns import is_embedded
from tests.support.platform import column_settings, running_platform
from tests.support.shop import Shop

REAL_COLUMN = "postgres+kafka+redis"


@dataclass
class SharedShops:
    tmp_path_factory: pytest.TempPathFactory
    stack: AsyncExitStack
    shops: dict[str, Shop] = field(default_factory=dict)

    async def shop_for(self, database_url: str) -> Shop:
        """The platform on the column of a test database."""
        return await self.shop_on("embedded" if is_embedded(database_url) else REAL_COLUMN)

    async def shop_on(self, column: str) -> Shop:
        """The platform on ``column``: ``embedded`` or ``postgres+kafka+redis``."""
        if column not in self.shops:
            settings = column_settings(column, self.tmp_path_factory.mktemp("shared"))
            platform = await self.stack.enter_async_context(running_platform(settings))
            shop = Shop(platform)
            await shop.sign_in_admin()
            self.shops[column] = shop
        return self.shops[column]


@asynccontextmanager
async def shared_shops(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SharedShops]:
    """Shared platforms, stopped when the context exits."""
    async with AsyncExitStack() as stack:
        yield SharedShops(tmp_path_factory, stack)
