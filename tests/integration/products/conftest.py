"""A migrated products subgraph served over HTTP (ASGITransport), with its resources
(database, in-process bus, outbox relay) started, and tokens for a customer and staff."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import ServiceTokenIssuer, TokenIssuer
from shopgraph.events.envelope import Event
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.products.app import create_app
from subgraphs.products.models import outbox
from tests.support.subgraph import graphql_with_status, migrated_subgraph


@dataclass
class Catalog:
    """The products subgraph under test and helpers to call it."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    resources: ServiceResources
    staff_token: str
    customer_token: str
    service_token: str

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        return await graphql_with_status(self.client, query, variables, token)

    async def staff(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.gql(query, variables, token=self.staff_token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.resources.db.session() as session:
            rows = (
                await session.execute(select(outbox.c.topic, outbox.c.event).order_by(outbox.c.seq))
            ).all()
        assert all(row.topic == "catalog" for row in rows)
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]

    async def create_category(self, name: str, parent_id: str | None = None) -> dict[str, Any]:
        data = await self.staff(CREATE_CATEGORY, {"input": {"name": name, "parentId": parent_id}})
        payload: dict[str, Any] = data["createCategory"]
        assert payload["errors"] == [], payload["errors"]
        category: dict[str, Any] = payload["category"]
        return category

    async def create_product(self, **fields: Any) -> dict[str, Any]:
        data = await self.staff(CREATE_PRODUCT, {"input": product_input(**fields)})
        payload: dict[str, Any] = data["createProduct"]
        assert payload["errors"] == [], payload["errors"]
        product: dict[str, Any] = payload["product"]
        return product


def product_input(**fields: Any) -> dict[str, Any]:
    sku = fields.pop("sku", None) or f"SKU-{uuid.uuid4().hex[:8].upper()}"
    price = fields.pop("price", "19.99")
    values: dict[str, Any] = {
        "name": "Classic Tee",
        "sku": sku,
        "price": price if isinstance(price, dict) else {"amount": price, "currency": "USD"},
    }
    values.update(fields)
    return values


@pytest.fixture
async def catalog(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Catalog]:
    settings, resources = await migrated_subgraph(
        "products", database_url, tmp_path, signing_key, outbox=outbox, outbox_poll_seconds=0.05
    )
    app = create_app(settings, resources=resources)
    issuer = TokenIssuer.from_settings(settings, signing_key, service="users")
    staff = issuer.access_token(subject=str(uuid.uuid4()), roles=["STAFF"]).token
    customer = issuer.access_token(subject=str(uuid.uuid4()), roles=["CUSTOMER"]).token
    service = ServiceTokenIssuer.from_settings(settings, "orders").token()
    await resources.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
            yield Catalog(app, client, settings, resources, staff, customer, service)
    finally:
        await resources.stop()


PRODUCT_FIELDS = """
  id name slug sku description status weightGrams createdAt updatedAt
  price { amount currency }
  images { url altText }
  attributes { name value }
  category { id name }
"""

CREATE_PRODUCT = f"""
mutation($input: CreateProductInput!) {{
  createProduct(input: $input) {{ product {{ {PRODUCT_FIELDS} }} errors {{ code field message }} }}
}}"""

UPDATE_PRODUCT = f"""
mutation($id: ID!, $input: UpdateProductInput!) {{
  updateProduct(id: $id, input: $input) {{
    product {{ {PRODUCT_FIELDS} }} errors {{ code field message }}
  }}
}}"""

ARCHIVE_PRODUCT = f"""
mutation($id: ID!) {{
  archiveProduct(id: $id) {{ product {{ {PRODUCT_FIELDS} }} errors {{ code field message }} }}
}}"""

CATEGORY_FIELDS = "id name slug description parent { id } children { id name } breadcrumbs { name }"

CREATE_CATEGORY = f"""
mutation($input: CreateCategoryInput!) {{
  createCategory(input: $input) {{
    category {{ {CATEGORY_FIELDS} }} errors {{ code field message }}
  }}
}}"""

UPDATE_CATEGORY = f"""
mutation($id: ID!, $input: UpdateCategoryInput!) {{
  updateCategory(id: $id, input: $input) {{
    category {{ {CATEGORY_FIELDS} }} errors {{ code field message }}
  }}
}}"""

MOVE_CATEGORY = f"""
mutation($id: ID!, $parentId: ID) {{
  moveCategory(id: $id, parentId: $parentId) {{
    category {{ {CATEGORY_FIELDS} }} errors {{ code field message }}
  }}
}}"""

DELETE_CATEGORY = """
mutation($id: ID!) {
  deleteCategory(id: $id) { category { id name } errors { code field message } }
}"""

PRODUCT = f"""
query($id: ID, $slug: String, $sku: String) {{
  product(id: $id, slug: $slug, sku: $sku) {{ {PRODUCT_FIELDS} }}
}}"""

PRODUCTS = """
query($first: Int, $after: String, $filter: ProductFilterInput, $sort: ProductSortInput) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { id name sku status price { amount currency } createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
