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
from shopgraph.db import Database
from shopgraph.events.envelope import Event
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.inventory.app import create_app
from subgraphs.inventory.domain import StockLevel
from subgraphs.inventory.models import outbox, stock_movements
from subgraphs.inventory.reservations import ReservationService
from subgraphs.inventory.service import InventoryService
from tests.support.subgraph import graphql_with_status, migrated_subgraph


@dataclass
class Tokens:
    staff: str
    admin: str
    customer: str
    service: str


@dataclass
class Inventory:
    """A migrated inventory subgraph, its services and an HTTP client for it."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    resources: ServiceResources
    tokens: Tokens

    @property
    def db(self) -> Database:
        return self.resources.db

    @property
    def service(self) -> InventoryService:
        found: InventoryService = self.app.state.inventory
        return found

    @property
    def reservations(self) -> ReservationService:
        found: ReservationService = self.app.state.reservations
        return found

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        return await graphql_with_status(self.client, query, variables, token)

    async def level(self, product_id: str) -> StockLevel:
        return await self.service.stock_level(product_id)

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]

    async def ledger(self, product_id: str | None = None) -> list[Any]:
        query = select(stock_movements).order_by(stock_movements.c.seq)
        if product_id is not None:
            query = query.where(stock_movements.c.product_id == product_id)
        async with self.db.session() as session:
            return list((await session.execute(query)).all())


@pytest.fixture
async def inventory(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Inventory]:
    settings, resources = await migrated_subgraph(
        "inventory", database_url, tmp_path, signing_key, outbox=outbox
    )
    app = create_app(settings, resources=resources)
    issuer = TokenIssuer.from_settings(settings, signing_key)
    tokens = Tokens(
        staff=issuer.access_token(subject=str(uuid.uuid4()), roles=["STAFF"]).token,
        admin=issuer.access_token(subject=str(uuid.uuid4()), roles=["ADMIN", "STAFF"]).token,
        customer=issuer.access_token(subject=str(uuid.uuid4()), roles=["CUSTOMER"]).token,
        service=ServiceTokenIssuer.from_settings(settings, "orders").token(),
    )
    await resources.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://inventory") as client:
            yield Inventory(app, client, settings, resources, tokens)
    finally:
        await resources.stop()


def new_id() -> str:
    return str(uuid.uuid4())


SET_STOCK = """
mutation($input: SetStockInput!) {
  setStock(input: $input) {
    stock { available reserved onHand inStock }
    product { id }
    errors { code field message }
  }
}"""

ADJUST_STOCK = """
mutation($input: AdjustStockInput!) {
  adjustStock(input: $input) {
    stock { available reserved onHand inStock }
    errors { code field message }
  }
}"""

RESERVATION_FIELDS = """
reservation { orderId status expiresAt finishedAt lines { productId quantity } }
errors { code field message }
"""

RESERVE = (
    "mutation($input: ReserveStockInput!) { reserveStock(input: $input) {"
    + RESERVATION_FIELDS
    + "} }"
)
COMMIT = "mutation($id: ID!) { commitReservation(orderId: $id) {" + RESERVATION_FIELDS + "} }"
RELEASE = "mutation($id: ID!) { releaseReservation(orderId: $id) {" + RESERVATION_FIELDS + "} }"


async def set_stock(
    inv: Inventory, product_id: str, quantity: int, warehouse: str | None = None
) -> dict[str, Any]:
    body = await inv.gql(
        SET_STOCK,
        {"input": {"productId": product_id, "quantity": quantity, "warehouseCode": warehouse}},
        token=inv.tokens.staff,
    )
    payload: dict[str, Any] = body["data"]["setStock"]
    return payload


async def reserve(
    inv: Inventory,
    order_id: str,
    lines: list[tuple[str, int]],
    ttl: int | None = None,
) -> dict[str, Any]:
    body = await inv.gql(
        RESERVE,
        {
            "input": {
                "orderId": order_id,
                "lines": [{"productId": p, "quantity": q} for p, q in lines],
                "ttlSeconds": ttl,
            }
        },
        token=inv.tokens.service,
    )
    payload: dict[str, Any] = body["data"]["reserveStock"]
    return payload
