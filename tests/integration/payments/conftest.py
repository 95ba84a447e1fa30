from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import ServiceTokenIssuer, TokenIssuer
from shopgraph.events.envelope import Event
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.payments.app import create_app
from subgraphs.payments.handlers import register_handlers
from subgraphs.payments.models import outbox, payments, refunds
from subgraphs.payments.provider import SandboxProvider
from subgraphs.payments.service import PaymentService
from tests.support.subgraph import graphql_with_status, migrated_subgraph


@dataclass
class Tokens:
    admin: str  # ADMIN: payments:refund and orders:manage
    staff: str  # STAFF: orders:manage, no payments:refund
    owner: str  # the customer who placed the orders below
    stranger: str  # another customer
    service: str


@dataclass
class Payments:
    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    resources: ServiceResources
    sandbox: SandboxProvider
    tokens: Tokens
    owner_id: str
    handlers: HandlerRegistry

    @property
    def service(self) -> PaymentService:
        found: PaymentService = self.app.state.payments
        return found

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        return await graphql_with_status(self.client, query, variables, token)

    def order_created(
        self,
        *,
        order_id: str | None = None,
        total_minor: int = 5000,
        currency: str = "USD",
        method: str = "pm_card_visa",
        user_id: str | None = None,
    ) -> Event:
        order_id = order_id or str(uuid.uuid4())
        return Event.new(
            "OrderCreated",
            order_id,
            {
                "orderId": order_id,
                "userId": user_id or self.owner_id,
                "email": "owner@example.com",
                "items": [
                    {
                        "productId": str(uuid.uuid4()),
                        "sku": "SKU-1",
                        "name": "Widget",
                        "quantity": 2,
                        "unitPriceMinor": total_minor // 2,
                    }
                ],
                "totalMinor": total_minor,
                "currency": currency,
                "paymentMethod": method,
            },
        )

    async def deliver(self, topic: str, event: Event) -> None:
        """Hand ``event`` to the worker group's handler, as the runtime would."""
        handler = self.handlers.lookup(topic, event.type)
        assert handler is not None, (topic, event.type)
        await handler(event)

    async def deliver_together(self, topic: str, events: list[Event]) -> None:
        """Hand ``events`` to the group's batch form, as the runtime does with a run."""
        batch = self.handlers.batch_for(topic, events[0].type)
        assert batch is not None, (topic, events[0].type)
        await batch(events)

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.resources.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]

    async def counts(self) -> tuple[int, int]:
        """(payments rows, refunds rows)."""
        async with self.resources.db.session() as session:
            paid = await session.scalar(select(func.count()).select_from(payments))
            refunded = await session.scalar(select(func.count()).select_from(refunds))
        return int(paid or 0), int(refunded or 0)


@pytest.fixture
async def pay(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Payments]:
    settings, resources = await migrated_subgraph(
        "payments", database_url, tmp_path, signing_key, outbox=outbox
    )
    sandbox = SandboxProvider()
    app = create_app(settings, resources=resources, provider=sandbox)
    issuer = TokenIssuer.from_settings(settings, signing_key)
    owner_id = str(uuid.uuid4())
    tokens = Tokens(
        admin=issuer.access_token(subject=str(uuid.uuid4()), roles=["ADMIN", "STAFF"]).token,
        staff=issuer.access_token(subject=str(uuid.uuid4()), roles=["STAFF"]).token,
        owner=issuer.access_token(subject=owner_id, roles=["CUSTOMER"]).token,
        stranger=issuer.access_token(subject=str(uuid.uuid4()), roles=["CUSTOMER"]).token,
        service=ServiceTokenIssuer.from_settings(settings, "orders").token(),
    )
    handlers = HandlerRegistry()
    # The worker group's handlers on a service of their own (as in a worker process).
    register_handlers(handlers, PaymentService(resources.db, sandbox))
    await resources.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://payments") as client:
            yield Payments(app, client, settings, resources, sandbox, tokens, owner_id, handlers)
    finally:
        await resources.stop()


ORDER_PAYMENT = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id payment {
  id orderId status method failureReason
  amount { amount currency } refundedAmount { amount currency }
  refunds { id amount { amount currency } reason createdAt } } } } }
"""

REFUND = """
mutation($i: RefundPaymentInput!) { refundPayment(input: $i) {
  payment { id status amount { amount currency } refundedAmount { amount currency }
            refunds { amount { amount } reason } }
  errors { code field message } } }
"""


async def order_payment(pay: Payments, order_id: str, token: str | None) -> Any:
    body = await pay.gql(ORDER_PAYMENT, {"r": [{"__typename": "Order", "id": order_id}]}, token)
    assert "errors" not in body, body
    return body["data"]["_entities"][0]["payment"]


async def refund(pay: Payments, token: str | None, **fields: Any) -> dict[str, Any]:
    body = await pay.gql(REFUND, {"i": fields}, token)
    return body
