# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The orders subgraph's GraphQL schema (docs/architecture.md §4, §5).

* ``Order @key(fields: "id")`` — readable by its owner, staff (``orders:manage``) and
  internal services; anyone else gets null, exactly as for an id that does not exist.
* ``User @key(fields: "id")`` gains ``orders`` (the user themself or staff).
* ``placeOrder`` (signed-in users), ``cancelOrder`` (owner or staff), staff
  ``fulfillOrder`` and ``orders``.
* ``orderStatusChanged(orderId)`` — the current status first, then every change, fanned
  out through the key-value pub/sub so it works across replicas.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import (
    HasScope,
    Scope,
    principal_of,
    require_authenticated,
    require_user,
)
from shopgraph.errors import Forbidden, NotFound, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.kv import KeyValueStore
from shopgraph.money import Money
from shopgraph.pagination import Connection, connection, connection_list_size, encode_cursor
from shopgraph.settings import Settings
from subgraphs.orders import domain
from subgraphs.orders.checkout import CheckoutService, PlaceOrder
from subgraphs.orders.domain import HistoryEntry, normalize_order_id
from subgraphs.orders.service import OrderFilter as OrderQuery
from subgraphs.orders.service import OrderService, is_staff
from subgraphs.orders.status_feed import StatusUpdate, channel
from subgraphs.orders.upstream import buyer_of

SERVICE_KEY = "orders.service"
CHECKOUT_KEY = "orders.checkout"
KV_KEY = "orders.kv"
ORDER_LOADER = "orders.by_id"
HISTORY_LOADER = "orders.history"

GqlInfo = Info[RequestContext, None]
StaffOnly = HasScope(Scope.ORDERS_MANAGE)

OrderStatus = strawberry.enum(
    domain.OrderStatus,
    name="OrderStatus",
    description="PENDING → PAID | PAYMENT_FAILED | CANCELLED; PAID → FULFILLED | CANCELLED.",
)


def orders_of(info: GqlInfo) -> OrderService:
    service: OrderService = info.context.extra[SERVICE_KEY]
    return service


def checkout_of(info: GqlInfo) -> CheckoutService:
    service: CheckoutService = info.context.extra[CHECKOUT_KEY]
    return service


def kv_of(info: GqlInfo) -> KeyValueStore:
    kv: KeyValueStore = info.context.extra[KV_KEY]
    return kv


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)],
    description="A product (owned by products).",
)
class Product:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], description="A customer (owned by users).")
class User:
    id: strawberry.ID

    @strawberry.federation.field(
        directives=[connection_list_size()],
        authenticated=True,
        description="The user's orders, newest first (the user themself or staff).",
    )
    async def orders(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Order]:
        principal = require_authenticated(info)
        if principal.subject != str(self.id) and not is_staff(principal):
            raise Forbidden("Only the user themself or staff may list a user's orders")
        page = await orders_of(info).page(first=first, after=after, user_id=str(self.id))
        return connection(page, node=Order.of, cursor=_cursor)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)


@strawberry.type(description="Where the order is shipped.")
class ShippingAddress:
    name: str
    line1: str
    line2: str | None
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")
    phone: str | None

    @classmethod
    def of(cls, a: domain.Address) -> ShippingAddress:
        return cls(
            name=a.name,
            line1=a.line1,
            line2=a.line2,
            city=a.city,
            postal_code=a.postal_code,
            country=a.country,
            phone=a.phone,
        )


@strawberry.type(description="One line of an order, as it was when the order was placed.")
class OrderItem:
    product_id: strawberry.ID
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money

    @strawberry.field(description="The product as it is now (resolved by products).")
    def product(self) -> Product:
        return Product(id=self.product_id)


@strawberry.type(description="One status an order took: when, and who made it so.")
class OrderStatusChange:
    status: OrderStatus  # type: ignore[valid-type]
    previous_status: OrderStatus | None  # type: ignore[valid-type]
    actor: str = strawberry.field(
        description="A user id, staff:<id>, system (timeouts) or payments."
    )
    reason: str | None
    at: datetime

    @classmethod
    def of(cls, entry: HistoryEntry) -> OrderStatusChange:
        return cls(
            status=entry.status,
            previous_status=entry.previous_status,
            actor=entry.actor,
            reason=entry.reason,
            at=entry.at,
        )


@strawberry.federation.type(keys=["id"], description="An order placed by a customer.")
class Order:
    id: strawberry.ID
    status: OrderStatus  # type: ignore[valid-type]
    items: list[OrderItem]
    subtotal: Money
    shipping: Money = strawberry.field(
        description="Free from 50.00, else 4.99 + 1.50 per started kg."
    )
    total: Money
    payment_method: str
    shipping_address: ShippingAddress
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    user_id: strawberry.Private[str]

    @classmethod
    def of(cls, order: domain.Order) -> Order:
        c = order.currency
        return cls(
            id=strawberry.ID(order.id),
            status=order.status,
            items=[
                OrderItem(
                    product_id=strawberry.ID(x.product_id),
                    sku=x.sku,
                    name=x.name,
                    quantity=x.quantity,
                    unit_price=Money.of(x.unit_price_minor, c),
                    line_total=Money.of(x.line_total_minor, c),
                )
                for x in order.lines
            ],
            subtotal=Money.of(order.subtotal_minor, c),
            shipping=Money.of(order.shipping_minor, c),
            total=Money.of(order.total_minor, c),
            payment_method=order.payment_method,
            shipping_address=ShippingAddress.of(order.address),
            cancel_reason=order.cancel_reason,
            created_at=order.created_at,
            updated_at=order.updated_at,
            user_id=order.user_id,
        )

    @strawberry.field(description="Who placed the order (resolved by users).")
    def customer(self) -> User:
        return User(id=strawberry.ID(self.user_id))

    @strawberry.field(description="Every status the order took, oldest first.")
    async def history(self, info: GqlInfo) -> list[OrderStatusChange]:
        loader = info.context.loader(HISTORY_LOADER, orders_of(info).history_many)
        return [OrderStatusChange.of(e) for e in await loader.load(str(self.id))]

    @classmethod
    async def resolve_reference(cls, info: GqlInfo, id: strawberry.ID) -> Order | None:
        return await _readable_order(info, str(id))


async def _readable_order(info: GqlInfo, order_id: str) -> Order | None:
    loader = info.context.loader(ORDER_LOADER, orders_of(info).get_many)
    found = await loader.load(order_id)
    if found is None or not _may_read(info, found):
        return None
    return Order.of(found)


def _may_read(info: GqlInfo, order: domain.Order) -> bool:
    from subgraphs.orders.service import may_read

    return may_read(principal_of(info), order)


def _cursor(order: domain.Order) -> str:
    return encode_cursor(order.created_at.astimezone(UTC).isoformat(), order.id)


@strawberry.type(description="An order's status changed (or, first, its current status).")
class OrderStatusEvent:
    order_id: strawberry.ID
    status: OrderStatus  # type: ignore[valid-type]
    previous_status: OrderStatus | None  # type: ignore[valid-type]
    at: datetime


@strawberry.type
class OrderPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. US.")
    line2: str | None = None
    phone: str | None = None


@strawberry.input
class PlaceOrderInput:
    shipping_address: AddressInput
    payment_method: str = strawberry.field(description="A provider token, e.g. pm_card_visa.")
    idempotency_key: str = strawberry.field(
        description="1..100 characters; retrying with the same key returns the same order."
    )


@strawberry.input
class OrderFilter:
    status: OrderStatus | None = None  # type: ignore[valid-type]
    created_from: datetime | None = strawberry.field(default=None, description="Inclusive.")
    created_to: datetime | None = strawberry.field(default=None, description="Exclusive.")


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@strawberry.type
class Query:
    @strawberry.federation.field(
        authenticated=True, description="An order, for its owner or staff; null for anyone else."
    )
    async def order(self, info: GqlInfo, id: strawberry.ID) -> Order | None:
        require_authenticated(info)
        oid = normalize_order_id(str(id))
        return None if oid is None else await _readable_order(info, oid)

    @strawberry.federation.field(
        directives=[connection_list_size()],
        requires_scopes=[[Scope.ORDERS_MANAGE.value]],
        permission_classes=[StaffOnly],
        description="Staff: all orders.",
    )
    async def orders(
        self,
        info: GqlInfo,
        first: int | None = None,
        after: str | None = None,
        filter: OrderFilter | None = None,
    ) -> Connection[Order]:
        query = OrderQuery(
            status=filter.status if filter else None,
            created_from=_utc(filter.created_from) if filter else None,
            created_to=_utc(filter.created_to) if filter else None,
        )
        page = await orders_of(info).page(first=first, after=after, filter=query)
        return connection(page, node=Order.of, cursor=_cursor)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        authenticated=True, description="Checkout: the signed-in user's cart becomes an order."
    )
    @errors_as_data(OrderPayload)
    async def place_order(self, info: GqlInfo, input: PlaceOrderInput) -> OrderPayload:
        principal = require_user(info)
        a = input.shipping_address
        order = await checkout_of(info).place_order(
            PlaceOrder(
                user_id=principal.subject,
                name=a.name,
                line1=a.line1,
                line2=a.line2,
                city=a.city,
                postal_code=a.postal_code,
                country=a.country,
                phone=a.phone,
                payment_method=input.payment_method,
                idempotency_key=input.idempotency_key,
                buyer=buyer_of(principal),
            )
        )
        return OrderPayload(order=Order.of(order))

    @strawberry.federation.mutation(
        authenticated=True, description="Owner or staff: cancel a PENDING or PAID order."
    )
    @errors_as_data(OrderPayload)
    async def cancel_order(
        self, info: GqlInfo, id: strawberry.ID, reason: str | None = None
    ) -> OrderPayload:
        principal = require_authenticated(info)
        order = await orders_of(info).cancel(principal, str(id), reason)
        return OrderPayload(order=Order.of(order))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.ORDERS_MANAGE.value]],
        permission_classes=[StaffOnly],
        description="Staff: PAID → FULFILLED.",
    )
    @errors_as_data(OrderPayload)
    async def fulfill_order(self, info: GqlInfo, id: strawberry.ID) -> OrderPayload:
        order = await orders_of(info).fulfill(principal_of(info), str(id))
        return OrderPayload(order=Order.of(order))


def _event(update: StatusUpdate) -> OrderStatusEvent:
    return OrderStatusEvent(
        order_id=strawberry.ID(update.order_id),
        status=update.status,
        previous_status=update.previous_status,
        at=update.at,
    )


async def _status_stream(
    service: OrderService, kv: KeyValueStore, oid: str
) -> AsyncGenerator[OrderStatusEvent, None]:
    # Subscribe first, then read the current status: no change can fall in between.
    async with kv.subscribe(channel(oid)) as messages:
        current = await service.get(oid)
        if current is None:  # pragma: no cover - orders are never deleted
            return
        history = (await service.history_many([oid]))[0]
        last = current.version
        yield _event(
            StatusUpdate(
                order_id=oid,
                status=current.status,
                previous_status=history[-1].previous_status if history else None,
                at=current.updated_at,
                version=current.version,
            )
        )
        async for raw in messages:
            update = StatusUpdate.from_bytes(raw)
            if update is None or update.version <= last:
                continue  # malformed, a duplicate, or older than what was sent
            last = update.version
            yield _event(update)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The order's current status, then each change (owner or staff only). "
        "Anyone else gets an error and nothing is streamed."
    )
    async def order_status_changed(
        self, info: GqlInfo, order_id: strawberry.ID
    ) -> AsyncGenerator[OrderStatusEvent, None]:
        # Checked before the stream exists, so a refusal is a graphql-transport-ws
        # ``error`` message rather than a ``next`` carrying errors.
        principal = require_authenticated(info)
        service = orders_of(info)
        oid = normalize_order_id(str(order_id))
        if oid is None or await service.readable(principal, oid) is None:
            raise NotFound("No such order")
        return _status_stream(service, kv_of(info), oid)


def build_schema(settings: Settings) -> Any:
    """The orders subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(
        settings,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Order, User, Product],
    )
