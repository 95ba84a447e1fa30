"""What ``placeOrder`` asks the other services (docs/architecture.md §6), behind one port.

:class:`Checkout` is the port; :class:`GraphQLCheckout` talks to the owning subgraphs
directly with internal service tokens (:class:`~shopgraph.internal.InternalClient`):

* carts ``internalCart(userId)`` — the buyer's cart lines;
* products ``_entities`` — name, sku, status, price and weight of every product of the
  cart in ONE call (an unknown id answers null), through products' published client
  (:class:`~subgraphs.products.client.ProductsClient`);
* users ``_entities`` — the buyer's email and name (for the ``OrderCreated`` event, so the
  mails need not ask users again), only for an access token issued without the identity
  claims that carry them (:func:`buyer_of`);
* inventory ``reserveStock`` / ``releaseReservation`` — all-or-nothing, idempotent by
  order id, so both are retried through a short outage like the queries.

Business refusals come back as :class:`~shopgraph.errors.DomainError` (e.g.
``INSUFFICIENT_STOCK``); an unreachable or failing service as
:class:`~shopgraph.internal.UpstreamError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shopgraph.auth.principal import Principal
from shopgraph.errors import DomainError
from shopgraph.internal import InternalClient, UpstreamError
from subgraphs.products.client import ProductQuotes, ProductsClient

CART_QUERY = """
query OrdersCart($u: ID!) {
  internalCart(userId: $u) { lines { productId quantity } }
}
"""

USER_QUERY = """
query OrdersBuyer($r: [_Any!]!) {
  _entities(representations: $r) { ... on User { id email firstName lastName } }
}
"""

RESERVE = """
mutation OrdersReserve($i: ReserveStockInput!) {
  reserveStock(input: $i) { reservation { orderId status } errors { code field message } }
}
"""

RELEASE = """
mutation OrdersRelease($id: ID!, $attempt: String) {
  releaseReservation(orderId: $id, attempt: $attempt) {
    reservation { orderId status } errors { code message }
  }
}
"""


@dataclass(frozen=True, slots=True)
class Buyer:
    email: str
    first_name: str | None
    last_name: str | None


def buyer_of(principal: Principal) -> Buyer | None:
    """The buyer as the access token's identity claims tell; None for a token without them
    (issued before they existed), for which orders asks users (:meth:`Checkout.buyer_of`)."""
    identity = principal.identity
    if identity is None:
        return None
    return Buyer(identity.email, identity.given_name, identity.family_name)


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: str
    quantity: int


class Checkout(Protocol):
    async def cart_lines(self, user_id: str) -> list[CartLine]: ...

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        """Every id in one round trip; None for products that do not exist (any more)."""
        ...

    async def buyer_of(self, user_id: str) -> Buyer | None:
        """The account's email and name; None when no such account (or it has no email)."""
        ...

    async def reserve(
        self, order_id: str, lines: Sequence[CartLine], ttl_seconds: int, attempt: str = ""
    ) -> None:
        """Raises ``DomainError`` (INSUFFICIENT_STOCK, …) when inventory refuses. ``attempt``
        is this checkout try (time-ordered text, see docs/architecture.md §6)."""
        ...

    async def release(self, order_id: str, attempt: str = "") -> None:
        """Give the attempt's hold back; unknown to inventory, leave a tombstone."""
        ...

    async def close(self) -> None: ...


def _payload_errors(service: str, payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise UpstreamError(service, "answered without a payload")
    errors = payload.get("errors") or []
    return [e for e in errors if isinstance(e, dict)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class GraphQLCheckout:
    """The real services over :class:`InternalClient` (one pooled HTTP client)."""

    def __init__(self, client: InternalClient) -> None:
        self.client = client
        self.products = ProductsClient(client)

    async def cart_lines(self, user_id: str) -> list[CartLine]:
        data = await self.client.query("carts", CART_QUERY, {"u": user_id})
        cart = data.get("internalCart")
        if not isinstance(cart, dict):
            return []
        lines: list[CartLine] = []
        for line in cart.get("lines") or []:
            quantity = line.get("quantity") if isinstance(line, dict) else None
            if isinstance(quantity, int) and quantity > 0 and line.get("productId"):
                lines.append(CartLine(str(line["productId"]), quantity))
        return lines

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        return await self.products.quotes(product_ids)

    async def buyer_of(self, user_id: str) -> Buyer | None:
        data = await self.client.query(
            "users", USER_QUERY, {"r": [{"__typename": "User", "id": user_id}]}
        )
        entities = data.get("_entities") or [None]
        user = entities[0]
        if not isinstance(user, dict):
            return None
        email = user.get("email")
        if not isinstance(email, str) or not email:
            return None
        return Buyer(email, _text(user.get("firstName")), _text(user.get("lastName")))

    async def reserve(
        self, order_id: str, lines: Sequence[CartLine], ttl_seconds: int, attempt: str = ""
    ) -> None:
        data = await self.client.query(
            "inventory",
            RESERVE,
            {
                "i": {
                    "orderId": order_id,
                    "lines": [{"productId": x.product_id, "quantity": x.quantity} for x in lines],
                    "ttlSeconds": ttl_seconds,
                    "attempt": attempt,
                }
            },
            idempotent=True,  # by order id: a repeat returns the same reservation
        )
        payload = data.get("reserveStock")
        errors = _payload_errors("inventory", payload)
        if errors:
            first = errors[0]
            raise DomainError(
                str(first.get("code") or "RESERVATION_FAILED"),
                str(first.get("message") or "stock could not be reserved"),
                first.get("field"),
            )
        status = ((payload or {}).get("reservation") or {}).get("status")
        if status in ("RELEASED", "EXPIRED"):
            # A newer attempt with this key gave the order id up meanwhile.
            raise DomainError(
                "IDEMPOTENCY_KEY_EXPIRED",
                "the stock held for this idempotency key was released; use a new key",
                "idempotencyKey",
            )

    async def release(self, order_id: str, attempt: str = "") -> None:
        variables = {"id": order_id, "attempt": attempt}
        data = await self.client.query("inventory", RELEASE, variables, idempotent=True)
        errors = _payload_errors("inventory", data.get("releaseReservation"))
        if errors and errors[0].get("code") not in ("RESERVATION_NOT_FOUND",):
            raise UpstreamError(
                "inventory", str(errors[0].get("message")), code=str(errors[0].get("code"))
            )

    async def close(self) -> None:
        await self.client.close()
