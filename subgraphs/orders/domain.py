"""Order rules without I/O: statuses and their transitions, input validation, the
idempotent order id, totals and shipping.

Status machine (docs/architecture.md §6)::

    PENDING ──▶ PAID ──▶ FULFILLED
       │          └────▶ CANCELLED (refunded: OrderCancelled.wasPaid = true)
       ├──────▶ PAYMENT_FAILED
       └──────▶ CANCELLED

Shipping (per order, in the order's currency; amounts are nominal, no exchange rates):
free when the subtotal is at least ``FREE_SHIPPING_THRESHOLD`` (50.00), otherwise
``SHIPPING_BASE`` (4.99) plus ``SHIPPING_PER_KG`` (1.50) for every started kilogram of the
parcel (products without a weight count as 0 g; at least one kilogram is charged).
Amounts are rounded up to the currency's minor unit.
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Final

import orjson

from shopgraph.errors import DomainError
from shopgraph.money import exponent


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    CANCELLED = "CANCELLED"
    FULFILLED = "FULFILLED"


TRANSITIONS: Final[dict[OrderStatus, frozenset[OrderStatus]]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED}),
    OrderStatus.PAYMENT_FAILED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.FULFILLED: frozenset(),
}

# Statuses no transition leaves.
FINAL: Final = frozenset(status for status, nexts in TRANSITIONS.items() if not nexts)

# Actors recorded in the status history besides user ids and ``staff:<id>``.
SYSTEM: Final = "system"
PAYMENTS: Final = "payments"

# Namespace of the order ids derived from (user id, idempotency key).
ORDER_NAMESPACE: Final = uuid.UUID("5d0c3a52-8f5e-4b8e-9a53-0f4f2f7b8a11")

IDEMPOTENCY_KEY_MAX: Final = 100
PAYMENT_METHOD_MAX: Final = 100
REASON_MAX: Final = 500
PAYMENT_METHOD_RE: Final = re.compile(r"^pm_[A-Za-z0-9_]{1,96}$")
COUNTRY_RE: Final = re.compile(r"^[A-Z]{2}$")
PHONE_RE: Final = re.compile(r"^\+?[0-9 ()./-]{4,30}$")

FREE_SHIPPING_THRESHOLD: Final = Decimal("50.00")
SHIPPING_BASE: Final = Decimal("4.99")
SHIPPING_PER_KG: Final = Decimal("1.50")

# ISO 3166-1 alpha-2 codes currently assigned.
COUNTRIES: Final = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise DomainError(
            "ILLEGAL_TRANSITION",
            f"an order that is {current.value} cannot become {target.value}",
            "status",
        )


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postalCode": self.postal_code,
            "country": self.country,
            "phone": self.phone,
        }


def _required(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("INVALID_ADDRESS", f"{field} is required", f"shippingAddress.{field}")
    if len(text) > limit:
        raise DomainError(
            "INVALID_ADDRESS",
            f"{field} must be at most {limit} characters",
            f"shippingAddress.{field}",
        )
    return text


def _optional(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    return _required(text, field, limit)


def validate_address(
    *,
    name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str | None = None,
    phone: str | None = None,
) -> Address:
    """A cleaned address, or ``INVALID_ADDRESS`` naming the first bad field."""
    address = Address(
        name=_required(name, "name", 100),
        line1=_required(line1, "line1", 200),
        line2=_optional(line2, "line2", 200),
        city=_required(city, "city", 100),
        postal_code=_required(postal_code, "postalCode", 20),
        country=_required(country, "country", 2).upper(),
        phone=_optional(phone, "phone", 30),
    )
    if not COUNTRY_RE.match(address.country) or address.country not in COUNTRIES:
        raise DomainError(
            "INVALID_ADDRESS",
            "country must be an ISO 3166-1 alpha-2 code, e.g. US or DE",
            "shippingAddress.country",
        )
    if address.phone is not None and not PHONE_RE.match(address.phone):
        raise DomainError(
            "INVALID_ADDRESS", "phone must be a telephone number", "shippingAddress.phone"
        )
    return address


def validate_payment_method(value: str) -> str:
    method = value.strip()
    if not PAYMENT_METHOD_RE.match(method):
        raise DomainError(
            "INVALID_PAYMENT_METHOD",
            "paymentMethod must be a payment method token such as pm_card_visa",
            "paymentMethod",
        )
    return method


def validate_idempotency_key(value: str) -> str:
    if not 1 <= len(value) <= IDEMPOTENCY_KEY_MAX or not value.strip():
        raise DomainError(
            "INVALID_IDEMPOTENCY_KEY",
            f"idempotencyKey must be 1 to {IDEMPOTENCY_KEY_MAX} characters",
            "idempotencyKey",
        )
    return value


def validate_reason(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > REASON_MAX:
        raise DomainError(
            "INVALID_REASON", f"reason must be at most {REASON_MAX} characters", "reason"
        )
    return text or None


def order_id_for(user_id: str, idempotency_key: str) -> str:
    """The one order id a (user, idempotency key) pair can ever make."""
    return str(uuid.uuid5(ORDER_NAMESPACE, f"{user_id}:{idempotency_key}"))


def request_hash(address: Address, payment_method: str) -> str:
    """sha256 of what the client asked for (not of the cart: the cart is emptied once the
    order exists, and a retry must still be recognised as the same request)."""
    canonical = orjson.dumps(
        {"address": address.as_dict(), "paymentMethod": payment_method},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


def normalize_order_id(value: str) -> str | None:
    """The canonical form of an order id, or None when it is not a UUID."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A cart line with what products says now."""

    product_id: str
    sku: str
    name: str
    unit_price_minor: int
    currency: str
    quantity: int
    weight_grams: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    subtotal_minor: int
    shipping_minor: int

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.shipping_minor


def _minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(exponent(currency)).to_integral_value(rounding=ROUND_CEILING))


def shipping_minor(subtotal_minor: int, weight_grams: int, currency: str) -> int:
    if subtotal_minor >= _minor(FREE_SHIPPING_THRESHOLD, currency):
        return 0
    kilograms = max(1, math.ceil(max(weight_grams, 0) / 1000))
    return _minor(SHIPPING_BASE, currency) + kilograms * _minor(SHIPPING_PER_KG, currency)


def totals_of(lines: Sequence[PricedLine]) -> Totals:
    """Subtotal, shipping and total; one currency per order (``MIXED_CURRENCIES``)."""
    if not lines:
        raise DomainError("CART_EMPTY", "the cart is empty", None)
    currencies = {line.currency for line in lines}
    if len(currencies) != 1:
        raise DomainError(
            "MIXED_CURRENCIES", "the cart holds products priced in different currencies", None
        )
    currency = currencies.pop()
    subtotal = sum(line.unit_price_minor * line.quantity for line in lines)
    weight = sum(line.weight_grams * line.quantity for line in lines)
    return Totals(currency, subtotal, shipping_minor(subtotal, weight, currency))


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: str
    sku: str
    name: str
    unit_price_minor: int
    quantity: int

    @property
    def line_total_minor(self) -> int:
        return self.unit_price_minor * self.quantity


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    status: OrderStatus
    previous_status: OrderStatus | None
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    user_id: str
    status: OrderStatus
    currency: str
    subtotal_minor: int
    shipping_minor: int
    total_minor: int
    payment_method: str
    email: str
    address: Address
    cancel_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    lines: tuple[OrderLine, ...]
    request_hash: str

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)
