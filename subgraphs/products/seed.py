"""The demo catalog (``shopgraph seed`` / ``make dev``): the category tree and the 50
products of :mod:`shopgraph.demo_catalog`, with their deterministic ids (other services
seed stock and reviews against the same ids), an image and a couple of attributes each.

Idempotent: rows already there (by id) are left alone. Rows it creates go through the
services, so they are validated and announced on the ``catalog`` topic like any other.
"""

from __future__ import annotations

from sqlalchemy import select

from shopgraph.db import Database
from shopgraph.demo_catalog import CATEGORIES, CURRENCY, PRODUCTS, DemoProduct
from shopgraph.logging import get_logger
from shopgraph.money import from_minor
from shopgraph.settings import Settings
from subgraphs.products.categories import CategoryService
from subgraphs.products.models import categories, products
from subgraphs.products.service import NewProduct, ProductService

log = get_logger(__name__)


def demo_attributes(product: DemoProduct) -> list[tuple[str, str]]:
    noun = product.name.split()[-1]
    return [("Line", noun), ("Shipping weight", f"{product.weight_grams} g")]


async def seed_catalog(db: Database) -> tuple[int, int]:
    """Create the missing demo categories and products; returns how many of each."""
    async with db.session() as session:
        have_categories = set((await session.scalars(select(categories.c.id))).all())
        have_products = set((await session.scalars(select(products.c.id))).all())
    category_service = CategoryService(db)
    product_service = ProductService(db)
    by_slug = {category.slug: category for category in CATEGORIES}
    created_categories = created_products = 0
    for category in CATEGORIES:  # parents come first in CATEGORIES
        if category.id in have_categories:
            continue
        parent = by_slug[category.parent_slug].id if category.parent_slug else None
        await category_service.create(
            name=category.name, parent_id=parent, slug=category.slug, category_id=category.id
        )
        created_categories += 1
    for product in PRODUCTS:
        if product.id in have_products:
            continue
        await product_service.create(
            NewProduct(
                id=product.id,
                slug=product.slug,
                name=product.name,
                sku=product.sku,
                price_amount=from_minor(product.price_minor, CURRENCY),
                currency=CURRENCY,
                category_id=by_slug[product.category_slug].id,
                description=product.description,
                weight_grams=product.weight_grams,
                images=[(product.image_url, product.name)],
                attributes=demo_attributes(product),
            )
        )
        created_products += 1
    return created_categories, created_products


async def seed(settings: Settings) -> None:
    """The products part of ``shopgraph seed``."""
    db = Database(settings.database_url_for("products"), pool_size=2)
    try:
        created = await seed_catalog(db)
    finally:
        await db.dispose()
    log.info("catalog_seeded", categories=created[0], products=created[1])
