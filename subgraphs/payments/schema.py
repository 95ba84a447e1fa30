# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The payments subgraph's GraphQL schema (docs/architecture.md §4).

* ``Payment @key(fields: "id")``: one per order, with its refunds.
* ``Order @key(fields: "id")`` (owned by orders) gains ``payment``, batched per request by a
  DataLoader (one query whatever the number of orders).
* Who sees a payment: the order's owner (the ``userId`` of ``OrderCreated``), staff with
  ``orders:manage`` or ``payments:refund``, and internal services; anyone else gets null.
* Staff with ``payments:refund``: ``refundPayment``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import HasScope, Principal, Scope, principal_of
from shopgraph.errors import UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.money import Money, MoneyInput
from shopgraph.settings import Settings
from subgraphs.payments.records import PaymentRecord, PaymentStatus, RefundRecord
from subgraphs.payments.service import PaymentService

SERVICE_KEY = "payments.service"
BY_ID = "payments.by_id"
BY_ORDER = "payments.by_order"
REFUNDS = "payments.refunds"

GqlInfo = Info[RequestContext, None]

PaymentStatusEnum = strawberry.enum(
    PaymentStatus,
    name="PaymentStatus",
    description="CAPTURED → PARTIALLY_REFUNDED → REFUNDED; FAILED when declined.",
)

READ_SCOPES = (Scope.ORDERS_MANAGE, Scope.PAYMENTS_REFUND, Scope.INTERNAL)


def service_of(info: GqlInfo) -> PaymentService:
    service: PaymentService = info.context.extra[SERVICE_KEY]
    return service


def may_see(principal: Principal, record: PaymentRecord) -> bool:
    """The order's owner, staff who handle orders or refunds, and internal services."""
    if any(principal.has_scope(scope) for scope in READ_SCOPES):
        return True
    return principal.is_user and record.user_id is not None and principal.subject == record.user_id


@strawberry.type(description="Money given back to the customer.")
class Refund:
    id: strawberry.ID
    amount: Money
    reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, record: RefundRecord) -> Refund:
        return cls(
            id=strawberry.ID(record.id),
            amount=Money.of(record.amount_minor, record.currency),
            reason=record.reason,
            created_at=record.created_at,
        )


@strawberry.federation.type(keys=["id"], description="The charge of one order.")
class Payment:
    id: strawberry.ID
    order_id: strawberry.ID
    status: PaymentStatusEnum  # type: ignore[valid-type]
    amount: Money
    refunded_amount: Money
    method: str = strawberry.field(description='The payment method token, e.g. "pm_card_visa".')
    failure_reason: str | None = strawberry.field(
        description='Why the charge failed, e.g. "card_declined".'
    )
    created_at: datetime

    @classmethod
    def of(cls, record: PaymentRecord) -> Payment:
        return cls(
            id=strawberry.ID(record.id),
            order_id=strawberry.ID(record.order_id),
            status=record.status,
            amount=Money.of(record.amount_minor, record.currency),
            refunded_amount=Money.of(record.refunded_minor, record.currency),
            method=record.method,
            failure_reason=record.failure_reason,
            created_at=record.created_at,
        )

    @strawberry.field(description="The order this payment charged (resolved by orders).")
    def order(self) -> Order:
        return Order(id=self.order_id)

    @strawberry.field(description="Oldest first.")
    async def refunds(self, info: GqlInfo) -> list[Refund]:
        loader = info.context.loader(REFUNDS, service_of(info).refunds_of)
        return [Refund.of(record) for record in await loader.load(str(self.id))]

    @classmethod
    async def resolve_reference(cls, info: GqlInfo, id: strawberry.ID) -> Payment | None:
        loader = info.context.loader(BY_ID, service_of(info).get_many)
        record = await loader.load(str(id))
        if record is None or not may_see(principal_of(info), record):
            return None
        return cls.of(record)


@strawberry.federation.type(keys=["id"], description="An order (owned by the orders subgraph).")
class Order:
    id: strawberry.ID

    @strawberry.field(
        description="The order's payment; null until it is charged, or if you may not see it."
    )
    async def payment(self, info: GqlInfo) -> Payment | None:
        loader = info.context.loader(BY_ORDER, service_of(info).by_orders)
        record = await loader.load(str(self.id))
        if record is None or not may_see(principal_of(info), record):
            return None
        return Payment.of(record)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_fields: Any) -> Order:
        return cls(id=id)


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    amount: MoneyInput | None = strawberry.field(
        default=None, description="Leave out to refund everything not refunded yet."
    )
    reason: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="A repeated key returns the payment without refunding again."
    )


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(description="A payment, for its order's owner and staff; else null.")
    async def payment(self, info: GqlInfo, id: strawberry.ID) -> Payment | None:
        record = await service_of(info).get(str(id))
        if record is None or not may_see(principal_of(info), record):
            return None
        return Payment.of(record)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        requires_scopes=[[Scope.PAYMENTS_REFUND.value]],
        permission_classes=[HasScope(Scope.PAYMENTS_REFUND)],
        description="Staff (payments:refund): refund some or all of a captured payment.",
    )
    @errors_as_data(PaymentPayload)
    async def refund_payment(self, info: GqlInfo, input: RefundPaymentInput) -> PaymentPayload:
        amount_minor: int | None = None
        currency: str | None = None
        if input.amount is not None:
            amount_minor, currency = input.amount.to_minor(field="amount")
        record = await service_of(info).refund(
            payment_id=str(input.payment_id),
            amount_minor=amount_minor,
            currency=currency,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
            requested_by=principal_of(info).subject or None,
        )
        return PaymentPayload(payment=Payment.of(record))


def build_schema(settings: Settings) -> Any:
    """The payments subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(
        settings, query=Query, mutation=Mutation, types=[Payment, Order, Refund]
    )
