"""Inventory value objects and input validation (no database, no GraphQL)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from shopgraph.errors import DomainError
from subgraphs.inventory.models import CODE_MAX, NAME_MAX, REASON_MAX

MAX_QUANTITY: Final = 1_000_000_000  # fits a GraphQL Int and the sums of a few warehouses
MAX_LINES: Final = 100
DEFAULT_TTL_SECONDS: Final = 15 * 60
MAX_TTL_SECONDS: Final = 24 * 3600
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")


class ReservationStatus(StrEnum):
    """``RESERVED`` → ``COMMITTED`` (paid: units leave on-hand) | ``RELEASED`` (payment
    failed / order cancelled: units return) | ``EXPIRED`` (the sweeper returned them after
    ``expires_at``); ``COMMITTED`` → ``RESTOCKED`` (a paid order was cancelled before
    fulfilment: its units go back on hand). RELEASED, EXPIRED and RESTOCKED are final."""

    RESERVED = "RESERVED"
    COMMITTED = "COMMITTED"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"
    RESTOCKED = "RESTOCKED"


class MovementKind(StrEnum):
    """Why a stock row changed (one ledger row per change)."""

    SEED = "SEED"
    SET = "SET"
    ADJUST = "ADJUST"
    RESERVE = "RESERVE"
    COMMIT = "COMMIT"
    RELEASE = "RELEASE"
    EXPIRE = "EXPIRE"
    RESTOCK = "RESTOCK"


@dataclass(frozen=True, slots=True)
class StockLevel:
    """A product's stock summed over warehouses (zeros when it has no stock row)."""

    product_id: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def in_stock(self) -> bool:
        return self.available > 0


@dataclass(frozen=True, slots=True)
class Warehouse:
    id: str
    code: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Movement:
    seq: int
    id: str
    product_id: str
    warehouse_code: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reason: str | None
    order_id: str | None
    actor: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LineRequest:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Reservation:
    order_id: str
    status: ReservationStatus
    created_at: datetime
    expires_at: datetime
    finished_at: datetime | None
    lines: tuple[LineRequest, ...]  # per product (summed over warehouses), by product id
    attempt: str = ""  # the checkout attempt that holds or gave up the order id


def uuid_text(value: str, *, code: str, field: str, what: str) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise DomainError(code, f"{what} must be a UUID", field) from None


def product_id_of(value: str, field: str = "productId") -> str:
    return uuid_text(value, code="INVALID_PRODUCT_ID", field=field, what="productId")


def order_id_of(value: str, field: str = "orderId") -> str:
    return uuid_text(value, code="INVALID_ORDER_ID", field=field, what="orderId")


def warehouse_code_of(value: str, field: str = "code") -> str:
    code = value.strip().upper()
    if not 1 <= len(code) <= CODE_MAX or not _CODE.match(code):
        raise DomainError(
            "INVALID_WAREHOUSE_CODE",
            f"a warehouse code is 1-{CODE_MAX} letters, digits, '-' or '_'",
            field,
        )
    return code


def warehouse_name_of(value: str, field: str = "name") -> str:
    name = " ".join(value.split())
    if not 1 <= len(name) <= NAME_MAX:
        raise DomainError("INVALID_NAME", f"a name is 1-{NAME_MAX} characters", field)
    return name


def quantity_of(value: int, field: str = "quantity") -> int:
    if not 0 <= value <= MAX_QUANTITY:
        raise DomainError(
            "INVALID_QUANTITY", f"quantity must be between 0 and {MAX_QUANTITY}", field
        )
    return value


def reason_of(value: str, field: str = "reason") -> str:
    reason = " ".join(value.split())
    if not 1 <= len(reason) <= REASON_MAX:
        raise DomainError("INVALID_REASON", f"a reason is 1-{REASON_MAX} characters", field)
    return reason


def ttl_of(value: int | None, field: str = "ttlSeconds") -> int:
    ttl = DEFAULT_TTL_SECONDS if value is None else value
    if not 1 <= ttl <= MAX_TTL_SECONDS:
        raise DomainError(
            "INVALID_TTL", f"ttlSeconds must be between 1 and {MAX_TTL_SECONDS}", field
        )
    return ttl


def reservation_lines_of(lines: Sequence[LineRequest]) -> tuple[LineRequest, ...]:
    """Validated lines, in the caller's order (error fields index into it)."""
    if not lines:
        raise DomainError("NO_LINES", "a reservation needs at least one line", "lines")
    if len(lines) > MAX_LINES:
        raise DomainError("TOO_MANY_LINES", f"at most {MAX_LINES} lines", "lines")
    seen: set[str] = set()
    checked: list[LineRequest] = []
    for i, line in enumerate(lines):
        product_id = product_id_of(line.product_id, f"lines[{i}].productId")
        if product_id in seen:
            raise DomainError(
                "DUPLICATE_PRODUCT",
                "each product may appear in one line only",
                f"lines[{i}].productId",
            )
        seen.add(product_id)
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise DomainError(
                "INVALID_QUANTITY",
                f"quantity must be between 1 and {MAX_QUANTITY}",
                f"lines[{i}].quantity",
            )
        checked.append(LineRequest(product_id, line.quantity))
    return tuple(checked)
