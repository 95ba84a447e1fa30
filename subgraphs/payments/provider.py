"""The payment provider port and the built-in sandbox provider (docs/architecture.md §5).

:class:`PaymentProvider` is what the payments service needs from a card processor:
``authorize`` (hold the amount on the payment method; ``order_id`` is passed along for
providers that report outcomes asynchronously), ``capture`` (take the held amount) and
``refund`` (give some of a capture back). Every call carries an ``idempotency_key``: a
provider must answer a repeated key with the first answer and move money at most once (as
Stripe, Adyen and Braintree do). The service derives its keys from the order id (charges)
or the refund request, so a redelivered event or a crash-and-retry can never charge twice.

Outcomes are data: a declined card is an :class:`Authorization` with ``approved=False`` and
a reason. A provider that cannot answer right now (timeout, 5xx, rate limit) raises
:class:`ProviderUnavailable`; the caller retries with the *same* key (the worker runtime
does this with backoff for charges).

**Plugging in a real provider**: write an adapter class with these three coroutine methods
that maps your processor's API onto the result types below (pass the idempotency key as
the processor's idempotency header, raise ``ProviderUnavailable`` for transient failures,
return declines as data), then return it from
:func:`subgraphs.payments.provider_choice.provider_for` for the settings that select it
(:mod:`.stripe_provider` is the built-in real one). ``create_app(settings, provider=...)``
and ``subgraphs.payments.handlers.payment_handlers(settings, provider=...)`` also accept one
directly (tests and embedding).

The :class:`SandboxProvider` understands Stripe-style test tokens:

* ``pm_card_visa`` (and ``pm_card_mastercard``, ``pm_card_amex``): approved;
* ``pm_card_chargeDeclined``: declined, reason ``card_declined``;
* ``pm_card_flaky``: raises ``ProviderUnavailable`` on its first two attempts per
  idempotency key, then approves (exercises the worker's retries);
* anything else: declined, reason ``invalid_payment_method``.

Its ids are derived from the idempotency key (``sbx_auth_…``, ``sbx_cap_…``), so separate
processes (``shopgraph serve payments`` and ``shopgraph worker payments``) agree on them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

APPROVED_TOKENS = frozenset({"pm_card_visa", "pm_card_mastercard", "pm_card_amex"})
DECLINED_TOKEN = "pm_card_chargeDeclined"
FLAKY_TOKEN = "pm_card_flaky"
CARD_DECLINED = "card_declined"
INVALID_METHOD = "invalid_payment_method"


class ProviderUnavailable(RuntimeError):
    """A transient provider failure: retry later with the same idempotency key."""


@dataclass(frozen=True, slots=True)
class Authorization:
    approved: bool
    authorization_id: str | None = None
    decline_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Capture:
    captured: bool
    capture_id: str | None = None
    decline_reason: str | None = None


@dataclass(frozen=True, slots=True)
class RefundResult:
    refunded: bool
    refund_id: str | None = None
    decline_reason: str | None = None


class PaymentProvider(Protocol):
    """A card processor behind idempotency keys (see the module docstring)."""

    async def authorize(
        self,
        amount_minor: int,
        currency: str,
        method: str,
        idempotency_key: str,
        *,
        order_id: str | None = None,
    ) -> Authorization: ...

    async def capture(self, authorization_id: str, idempotency_key: str) -> Capture: ...

    async def refund(
        self, capture_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult: ...


@dataclass(frozen=True, slots=True)
class MoneyMovement:
    """What the sandbox actually did (once per idempotency key): for tests and logs."""

    kind: str  # "authorize" | "capture" | "refund"
    idempotency_key: str
    reference: str
    amount_minor: int | None = None
    currency: str | None = None


def _derived_id(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


@dataclass
class SandboxProvider:
    """In-memory test provider; see the module docstring for its tokens."""

    transient_failures: int = 2
    #: Every call, including repeated keys and transient failures: ``(kind, key)``.
    calls: list[tuple[str, str]] = field(default_factory=list)
    #: Money that moved: one entry per idempotency key that took effect.
    movements: list[MoneyMovement] = field(default_factory=list)
    _results: dict[tuple[str, str], Authorization | Capture | RefundResult] = field(
        default_factory=dict
    )
    _attempts: Counter[str] = field(default_factory=Counter)
    _amounts: dict[str, tuple[int, str]] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def authorize(
        self,
        amount_minor: int,
        currency: str,
        method: str,
        idempotency_key: str,
        *,
        order_id: str | None = None,
    ) -> Authorization:
        async with self._lock:
            self.calls.append(("authorize", idempotency_key))
            known = self._results.get(("authorize", idempotency_key))
            if isinstance(known, Authorization):
                return known
            if method == FLAKY_TOKEN:
                self._attempts[idempotency_key] += 1
                if self._attempts[idempotency_key] <= self.transient_failures:
                    raise ProviderUnavailable("sandbox: provider temporarily unavailable")
            if method in APPROVED_TOKENS or method == FLAKY_TOKEN:
                auth_id = _derived_id("sbx_auth", idempotency_key)
                result = Authorization(approved=True, authorization_id=auth_id)
                self._amounts[auth_id] = (amount_minor, currency)
                self.movements.append(
                    MoneyMovement("authorize", idempotency_key, auth_id, amount_minor, currency)
                )
            elif method == DECLINED_TOKEN:
                result = Authorization(approved=False, decline_reason=CARD_DECLINED)
            else:
                result = Authorization(approved=False, decline_reason=INVALID_METHOD)
            self._results[("authorize", idempotency_key)] = result
            return result

    async def capture(self, authorization_id: str, idempotency_key: str) -> Capture:
        async with self._lock:
            self.calls.append(("capture", idempotency_key))
            known = self._results.get(("capture", idempotency_key))
            if isinstance(known, Capture):
                return known
            if not authorization_id.startswith("sbx_auth_"):
                result = Capture(captured=False, decline_reason="authorization_not_found")
            else:
                capture_id = _derived_id("sbx_cap", idempotency_key)
                amount, currency = self._amounts.get(authorization_id, (None, None))
                self.movements.append(
                    MoneyMovement("capture", idempotency_key, capture_id, amount, currency)
                )
                result = Capture(captured=True, capture_id=capture_id)
            self._results[("capture", idempotency_key)] = result
            return result

    async def refund(
        self, capture_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        async with self._lock:
            self.calls.append(("refund", idempotency_key))
            known = self._results.get(("refund", idempotency_key))
            if isinstance(known, RefundResult):
                return known
            if not capture_id.startswith("sbx_cap_"):
                result = RefundResult(refunded=False, decline_reason="charge_not_found")
            else:
                refund_id = _derived_id("sbx_ref", idempotency_key)
                self.movements.append(
                    MoneyMovement("refund", idempotency_key, refund_id, amount_minor)
                )
                result = RefundResult(refunded=True, refund_id=refund_id)
            self._results[("refund", idempotency_key)] = result
            return result

    def moved(self, kind: str) -> list[MoneyMovement]:
        return [m for m in self.movements if m.kind == kind]
