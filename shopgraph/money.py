"""Money: integer minor units in storage, a decimal string on the wire, never floats."""

from __future__ import annotations

from decimal import Decimal, DecimalException, localcontext

import strawberry
from strawberry.types.scalar import ScalarDefinition

from shopgraph.errors import BadUserInput, DomainError

# ISO 4217 exponents of the currencies the shop accepts.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SEK": 2,
    "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2, "JPY": 0, "KRW": 0, "INR": 2,
    "BRL": 2, "MXN": 2, "SGD": 2, "HKD": 2, "KWD": 3, "BHD": 3,
}  # fmt: skip
MAX_MINOR_UNITS = 10**13  # far above any price; keeps sums inside 64-bit integers
# Digits before the point of the largest amount: anything longer is refused before any
# arithmetic, so "1e999999999" is "too large", not a decimal overflow.
_MAX_WHOLE_DIGITS = len(str(MAX_MINOR_UNITS))


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise DomainError(
            "UNSUPPORTED_CURRENCY", f"currency {currency!r} is not supported", "currency"
        ) from None


def to_minor(amount: Decimal | str, currency: str, *, field: str = "amount") -> int:
    """Exact conversion; more decimals than the currency has, or a negative, is an error."""
    try:
        value = Decimal(amount)
    except (DecimalException, TypeError, ValueError):
        raise DomainError("INVALID_AMOUNT", "amount must be a decimal number", field) from None
    if not value.is_finite() or value < 0:
        raise DomainError("INVALID_AMOUNT", "amount must be a non-negative number", field)
    places = exponent(currency)
    if value.is_zero():
        return 0
    if value.adjusted() >= _MAX_WHOLE_DIGITS:
        raise DomainError("INVALID_AMOUNT", "amount is too large", field)
    if value.adjusted() < -places:  # below one minor unit: not representable
        raise _too_precise(currency, field)
    digits = len(value.as_tuple().digits)
    with localcontext() as exact:  # enough precision that scaling never rounds
        exact.prec = digits + places + _MAX_WHOLE_DIGITS
        scaled = value.scaleb(places)
        if scaled != scaled.to_integral_value():
            raise _too_precise(currency, field)
    minor = int(scaled)
    if minor > MAX_MINOR_UNITS:
        raise DomainError("INVALID_AMOUNT", "amount is too large", field)
    return minor


def _too_precise(currency: str, field: str) -> DomainError:
    return DomainError(
        "INVALID_AMOUNT",
        f"{currency} amounts have at most {exponent(currency)} decimal places",
        field,
    )


def parse_decimal(value: object) -> Decimal:
    """The ``Decimal`` scalar's input: a decimal string (or number); anything else is the
    client's mistake (``BAD_USER_INPUT``), never a server error."""
    text = value if isinstance(value, str) else str(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadUserInput(f"Decimal cannot represent {text[:40]!r}: expected a decimal string")
    try:
        return Decimal(text.strip())
    except (DecimalException, ValueError):
        raise BadUserInput(f"Decimal cannot represent {text[:40]!r}: not a number") from None


DECIMAL_SCALAR = ScalarDefinition(
    name="Decimal",
    description="Decimal (fixed-point)",
    specified_by_url=None,
    serialize=str,
    parse_value=parse_decimal,
    parse_literal=None,
    origin=Decimal,
)


def from_minor(minor: int, currency: str) -> Decimal:
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


@strawberry.federation.type(shareable=True, description="An amount of money in a currency.")
class Money:
    amount: Decimal = strawberry.field(description='Decimal string, e.g. "19.99".')
    currency: str = strawberry.field(description='ISO 4217 code, e.g. "USD".')

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=from_minor(minor, currency), currency=currency)


@strawberry.input(description="An amount as a decimal string and an ISO 4217 currency.")
class MoneyInput:
    amount: Decimal
    currency: str

    def to_minor(self, *, field: str = "price") -> tuple[int, str]:
        currency = self.currency.strip().upper()
        return to_minor(self.amount, currency, field=f"{field}.amount"), currency
