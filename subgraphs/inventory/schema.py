# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The inventory subgraph's GraphQL schema (docs/architecture.md §4, §5).

* ``Product @key(fields: "id")`` gains ``stock`` (batched per request by a DataLoader: one
  query whatever the number of products) and ``shippingEstimate``, which ``@requires`` the
  products subgraph's ``weightGrams`` and ``price`` (see :mod:`subgraphs.inventory.shipping`).
* Staff (``inventory:write``): ``setStock``, ``adjustStock``, ``createWarehouse``,
  ``warehouses``, ``stockMovements``.
* Internal (service token with the ``internal`` scope; ``@inaccessible``, so the supergraph
  never shows them): ``reserveStock``, ``commitReservation``, ``releaseReservation``,
  ``reservation``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import HasScope, IsInternal, Scope, principal_of
from shopgraph.errors import BadUserInput, DomainError, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.money import Money, to_minor
from shopgraph.pagination import Connection, connection, connection_list_size, encode_cursor
from shopgraph.settings import Settings
from subgraphs.inventory import domain
from subgraphs.inventory.domain import LineRequest, MovementKind, ReservationStatus, StockLevel
from subgraphs.inventory.reservations import ReservationService
from subgraphs.inventory.service import InventoryService
from subgraphs.inventory.shipping import estimate

SERVICE_KEY = "inventory.service"
RESERVATIONS_KEY = "inventory.reservations"
STOCK_LOADER = "inventory.stock_by_product"

GqlInfo = Info[RequestContext, None]
StaffOnly = HasScope(Scope.INVENTORY_WRITE)

MovementKindEnum = strawberry.enum(
    MovementKind, name="StockMovementKind", description="Why a stock row changed."
)
ReservationStatusEnum = strawberry.federation.enum(
    ReservationStatus,
    name="ReservationStatus",
    inaccessible=True,
    description="RESERVED → COMMITTED | RELEASED | EXPIRED; COMMITTED → RESTOCKED.",
)


def inventory_of(info: GqlInfo) -> InventoryService:
    service: InventoryService = info.context.extra[SERVICE_KEY]
    return service


def reservations_of(info: GqlInfo) -> ReservationService:
    service: ReservationService = info.context.extra[RESERVATIONS_KEY]
    return service


def _actor(info: GqlInfo) -> str | None:
    return principal_of(info).subject or None


@strawberry.type(description="Stock of a product, summed over warehouses.")
class Stock:
    available: int = strawberry.field(description="On hand minus reserved: what can be sold.")
    reserved: int = strawberry.field(description="Held for orders not yet paid.")
    on_hand: int = strawberry.field(description="Units in the warehouses.")
    in_stock: bool

    @classmethod
    def of(cls, level: StockLevel) -> Stock:
        return cls(
            available=level.available,
            reserved=level.reserved,
            on_hand=level.on_hand,
            in_stock=level.in_stock,
        )


@strawberry.type(description="Standard shipping for one unit of a product.")
class ShippingEstimate:
    cost: Money
    min_days: int
    max_days: int


def _price_minor(price: Any) -> tuple[int, str] | None:
    if isinstance(price, Money):
        amount, currency = price.amount, price.currency
    elif isinstance(price, dict) and "amount" in price and "currency" in price:
        amount, currency = price["amount"], str(price["currency"]).upper()
    else:
        return None
    try:
        return to_minor(Decimal(str(amount)), currency), currency
    except (DomainError, ArithmeticError, ValueError):
        return None


@strawberry.federation.type(keys=["id"], description="A product (owned by products).")
class Product:
    id: strawberry.ID
    weight_grams: int | None = strawberry.federation.field(external=True, default=None)
    # Non-null as in products (composition requires the same type); None here only when
    # the router did not send it, i.e. shippingEstimate was not asked for.
    price: Money | None = strawberry.federation.field(
        external=True, default=None, graphql_type=Money
    )

    @strawberry.field(description="Stock summed over warehouses (zeros when never stocked).")
    async def stock(self, info: GqlInfo) -> Stock:
        loader = info.context.loader(STOCK_LOADER, inventory_of(info).stock_levels)
        return Stock.of(await loader.load(str(self.id)))

    @strawberry.federation.field(
        requires=["weightGrams price { amount currency }"],
        description="Free over 50.00 (up to 20 kg), else 4.99 + 1.50 per started kg.",
    )
    def shipping_estimate(self) -> ShippingEstimate | None:
        price = _price_minor(self.price)
        if self.weight_grams is None or price is None:
            return None
        quote = estimate(self.weight_grams, *price)
        return ShippingEstimate(
            cost=Money.of(quote.cost_minor, quote.currency),
            min_days=quote.min_days,
            max_days=quote.max_days,
        )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **fields: Any) -> Product:
        weight = fields.get("weightGrams")
        price = _price_minor(fields.get("price"))
        return cls(
            id=id,
            weight_grams=weight if isinstance(weight, int) else None,
            price=Money.of(*price) if price is not None else None,
        )


@strawberry.type
class Warehouse:
    id: strawberry.ID
    code: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, warehouse: domain.Warehouse) -> Warehouse:
        return cls(
            id=strawberry.ID(warehouse.id),
            code=warehouse.code,
            name=warehouse.name,
            created_at=warehouse.created_at,
        )


@strawberry.type(description="One change of a product's stock in one warehouse (the ledger).")
class StockMovement:
    id: strawberry.ID
    product_id: strawberry.ID
    warehouse_code: str
    kind: MovementKindEnum  # type: ignore[valid-type]
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reason: str | None
    order_id: strawberry.ID | None
    actor: str | None = strawberry.field(description="Who: a user id or service:<name>.")
    created_at: datetime

    @classmethod
    def of(cls, m: domain.Movement) -> StockMovement:
        return cls(
            id=strawberry.ID(m.id),
            product_id=strawberry.ID(m.product_id),
            warehouse_code=m.warehouse_code,
            kind=m.kind,
            on_hand_delta=m.on_hand_delta,
            reserved_delta=m.reserved_delta,
            on_hand_after=m.on_hand_after,
            reserved_after=m.reserved_after,
            reason=m.reason,
            order_id=strawberry.ID(m.order_id) if m.order_id else None,
            actor=m.actor,
            created_at=m.created_at,
        )


@strawberry.federation.type(inaccessible=True)
class ReservationLine:
    product_id: strawberry.ID
    quantity: int


@strawberry.federation.type(inaccessible=True, description="Stock held for one order.")
class Reservation:
    order_id: strawberry.ID
    status: ReservationStatusEnum  # type: ignore[valid-type]
    created_at: datetime
    expires_at: datetime
    finished_at: datetime | None
    lines: list[ReservationLine]

    @classmethod
    def of(cls, r: domain.Reservation) -> Reservation:
        return cls(
            order_id=strawberry.ID(r.order_id),
            status=r.status,
            created_at=r.created_at,
            expires_at=r.expires_at,
            finished_at=r.finished_at,
            lines=[
                ReservationLine(product_id=strawberry.ID(x.product_id), quantity=x.quantity)
                for x in r.lines
            ],
        )


@strawberry.type
class StockPayload:
    stock: Stock | None = None
    product: Product | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WarehousePayload:
    warehouse: Warehouse | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.federation.type(inaccessible=True)
class ReservationPayload:
    reservation: Reservation | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetStockInput:
    product_id: strawberry.ID
    quantity: int
    warehouse_code: str | None = strawberry.field(default=None, description="Default: DEFAULT.")


@strawberry.input
class AdjustStockInput:
    product_id: strawberry.ID
    delta: int = strawberry.field(description="Units to add (positive) or remove (negative).")
    reason: str
    warehouse_code: str | None = strawberry.field(default=None, description="Default: DEFAULT.")


@strawberry.federation.input(inaccessible=True)
class ReservationLineInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.federation.input(inaccessible=True)
class ReserveStockInput:
    order_id: strawberry.ID
    lines: list[ReservationLineInput]
    ttl_seconds: int | None = strawberry.field(default=None, description="Default 900.")
    attempt: str | None = strawberry.field(
        default=None,
        description="The caller's checkout attempt (time-ordered text): an older attempt "
        "than the reservation's holds nothing, a newer one holds a released one again.",
    )


def _stock_payload(product_id: str, level: StockLevel) -> StockPayload:
    return StockPayload(stock=Stock.of(level), product=Product(id=strawberry.ID(product_id)))


def _reservation_payload(found: domain.Reservation | None) -> ReservationPayload:
    return ReservationPayload(reservation=Reservation.of(found) if found else None)


@strawberry.type
class Query:
    @strawberry.federation.field(
        requires_scopes=[[Scope.INVENTORY_WRITE.value]],
        permission_classes=[StaffOnly],
        description="Staff: all warehouses.",
    )
    async def warehouses(self, info: GqlInfo) -> list[Warehouse]:
        return [Warehouse.of(w) for w in await inventory_of(info).list_warehouses()]

    @strawberry.federation.field(
        directives=[connection_list_size()],
        requires_scopes=[[Scope.INVENTORY_WRITE.value]],
        permission_classes=[StaffOnly],
        description="Staff: a product's ledger, newest first.",
    )
    async def stock_movements(
        self,
        info: GqlInfo,
        product_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StockMovement]:
        try:
            page = await inventory_of(info).movements(str(product_id), first=first, after=after)
        except DomainError as exc:
            raise BadUserInput(exc.message) from None
        return connection(page, node=StockMovement.of, cursor=lambda m: encode_cursor(m.seq))

    @strawberry.federation.field(inaccessible=True, permission_classes=[IsInternal])
    async def reservation(self, info: GqlInfo, order_id: strawberry.ID) -> Reservation | None:
        try:
            found = await reservations_of(info).get(str(order_id))
        except DomainError:
            return None
        return Reservation.of(found) if found else None


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        requires_scopes=[[Scope.INVENTORY_WRITE.value]], permission_classes=[StaffOnly]
    )
    @errors_as_data(WarehousePayload)
    async def create_warehouse(self, info: GqlInfo, code: str, name: str) -> WarehousePayload:
        created = await inventory_of(info).create_warehouse(code, name)
        return WarehousePayload(warehouse=Warehouse.of(created))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.INVENTORY_WRITE.value]],
        permission_classes=[StaffOnly],
        description="Staff: set on-hand.",
    )
    @errors_as_data(StockPayload)
    async def set_stock(self, info: GqlInfo, input: SetStockInput) -> StockPayload:
        level = await inventory_of(info).set_stock(
            str(input.product_id),
            input.quantity,
            warehouse_code=input.warehouse_code,
            actor=_actor(info),
        )
        return _stock_payload(level.product_id, level)

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.INVENTORY_WRITE.value]],
        permission_classes=[StaffOnly],
        description="Staff: add or remove.",
    )
    @errors_as_data(StockPayload)
    async def adjust_stock(self, info: GqlInfo, input: AdjustStockInput) -> StockPayload:
        level = await inventory_of(info).adjust_stock(
            str(input.product_id),
            input.delta,
            input.reason,
            warehouse_code=input.warehouse_code,
            actor=_actor(info),
        )
        return _stock_payload(level.product_id, level)

    @strawberry.federation.mutation(inaccessible=True, permission_classes=[IsInternal])
    @errors_as_data(ReservationPayload)
    async def reserve_stock(self, info: GqlInfo, input: ReserveStockInput) -> ReservationPayload:
        lines = [LineRequest(str(line.product_id), line.quantity) for line in input.lines]
        found = await reservations_of(info).reserve(
            str(input.order_id), lines, input.ttl_seconds, attempt=input.attempt or ""
        )
        return _reservation_payload(found)

    @strawberry.federation.mutation(inaccessible=True, permission_classes=[IsInternal])
    @errors_as_data(ReservationPayload)
    async def commit_reservation(
        self, info: GqlInfo, order_id: strawberry.ID
    ) -> ReservationPayload:
        return _reservation_payload(await reservations_of(info).commit(str(order_id)))

    @strawberry.federation.mutation(inaccessible=True, permission_classes=[IsInternal])
    @errors_as_data(ReservationPayload)
    async def release_reservation(
        self, info: GqlInfo, order_id: strawberry.ID, attempt: str | None = None
    ) -> ReservationPayload:
        """With ``attempt``: the checkout gave up; an unknown order id gets a tombstone."""
        released = await reservations_of(info).release(str(order_id), attempt=attempt)
        return _reservation_payload(released)


def build_schema(settings: Settings) -> strawberry.federation.Schema:
    return federation_schema(
        settings, query=Query, mutation=Mutation, types=[Product, Stock, ShippingEstimate]
    )
