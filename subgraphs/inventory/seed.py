"""Demo stock (``shopgraph seed`` / ``make dev``): each of the 50 demo products gets its
``stock`` in the ``DEFAULT`` warehouse, recorded as a ``SEED`` movement.

Idempotent: a product that already has a stock row in ``DEFAULT`` is left alone (so a
re-seed never undoes what staff or orders changed since).
"""

from __future__ import annotations

from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.demo_catalog import PRODUCTS
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from subgraphs.inventory.domain import MovementKind
from subgraphs.inventory.models import DEFAULT_WAREHOUSE_ID, stock
from subgraphs.inventory.service import InventoryService

log = get_logger(__name__)


async def seed_stock(db: Database) -> int:
    """Stock the demo products that have none yet; returns how many were stocked."""
    async with db.session() as session:
        existing = set(
            (
                await session.scalars(
                    select(stock.c.product_id).where(stock.c.warehouse_id == DEFAULT_WAREHOUSE_ID)
                )
            ).all()
        )
    service = InventoryService(db)
    stocked = 0
    for product in PRODUCTS:
        if product.id in existing:
            continue
        await service.set_stock(
            product.id, product.stock, kind=MovementKind.SEED, reason="demo catalog", actor="seed"
        )
        stocked += 1
    return stocked


async def seed(settings: Settings) -> None:
    """The inventory part of ``shopgraph seed``."""
    db = Database(settings.database_url_for("inventory"), pool_size=2)
    try:
        stocked = await seed_stock(db)
    finally:
        await db.dispose()
    log.info("inventory_seeded", stocked=stocked)
