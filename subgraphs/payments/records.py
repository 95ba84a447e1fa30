"""Plain records of the payments service (what the service returns; no GraphQL here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from shopgraph.errors import DomainError
from shopgraph.money import MAX_MINOR_UNITS, exponent


class PaymentStatus(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"


# Only inside the charging transaction (never committed): the row that claims the order.
PENDING = "PENDING"
REFUNDABLE = frozenset({PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED})


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    id: str
    order_id: str
    user_id: str | None
    status: PaymentStatus
    amount_minor: int
    refunded_minor: int
    currency: str
    method: str
    failure_reason: str | None
    authorization_id: str | None
    capture_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> PaymentRecord:
        return cls(
            id=row.id,
            order_id=row.order_id,
            user_id=row.user_id,
            status=PaymentStatus(row.status),
            amount_minor=int(row.amount_minor),
            refunded_minor=int(row.refunded_minor),
            currency=row.currency,
            method=row.method,
            failure_reason=row.failure_reason,
            authorization_id=row.authorization_id,
            capture_id=row.capture_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.status in REFUNDABLE else 0


@dataclass(frozen=True, slots=True)
class RefundRecord:
    id: str
    payment_id: str
    amount_minor: int
    currency: str
    reason: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> RefundRecord:
        return cls(
            id=row.id,
            payment_id=row.payment_id,
            amount_minor=int(row.amount_minor),
            currency=row.currency,
            reason=row.reason,
            created_at=row.created_at,
        )


@dataclass(frozen=True, slots=True)
class OrderCharge:
    """What ``OrderCreated`` asks payments to charge."""

    order_id: str
    user_id: str | None
    amount_minor: int
    currency: str
    method: str

    @classmethod
    def from_payload(cls, aggregate_id: str, payload: dict[str, Any]) -> OrderCharge:
        """Raises ``ValueError`` for a payload that breaks the OrderCreated contract."""
        order_id = str(payload.get("orderId") or aggregate_id)
        total = payload.get("totalMinor")
        currency = payload.get("currency")
        method = payload.get("paymentMethod")
        user_id = payload.get("userId")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise ValueError("OrderCreated.totalMinor must be a non-negative integer")
        if total > MAX_MINOR_UNITS:
            raise ValueError("OrderCreated.totalMinor is too large")
        if not isinstance(currency, str):
            raise ValueError("OrderCreated.currency must be a string")
        try:
            exponent(currency)
        except DomainError:
            raise ValueError(f"OrderCreated.currency {currency!r} is not supported") from None
        if not isinstance(method, str) or not method.strip():
            raise ValueError("OrderCreated.paymentMethod must be a non-empty string")
        return cls(
            order_id=order_id,
            user_id=str(user_id) if user_id else None,
            amount_minor=total,
            currency=currency,
            method=method.strip()[:100],
        )


@dataclass(frozen=True, slots=True)
class ReportedOutcome:
    """A charge outcome the provider reported on its own (webhook), for ``order``."""

    order: OrderCharge
    intent_id: str
    succeeded: bool
    failure_reason: str | None = None
