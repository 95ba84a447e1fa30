"""``placeOrder``: the synchronous part of the checkout saga (docs/architecture.md §6, step 1).

1. Validate the address (``INVALID_ADDRESS`` + field), the payment method
   (``INVALID_PAYMENT_METHOD``: a ``pm_…`` token) and the idempotency key (1..100 chars).
2. The order id is ``uuid5(ORDER_NAMESPACE, "<userId>:<idempotencyKey>")``: an order that
   already exists for it is returned as is when the request (address + payment method)
   hashes the same, refused with ``IDEMPOTENCY_KEY_REUSED`` otherwise.
3. Load the cart from carts (``CART_EMPTY``), confirm current prices with products in one
   call (``PRODUCT_UNAVAILABLE`` with the product id in ``field``). The buyer's email and
   names come from the access token's identity claims; only a token issued without them
   (before the claims existed) makes orders ask users.
4. Reserve stock with inventory, all-or-nothing (``INSUFFICIENT_STOCK`` with the product
   id in ``field``). Inventory is idempotent by order id, so concurrent duplicates reserve
   once.
5. Atomically insert the order ``PENDING`` (line snapshots, totals, first history row) and
   its ``OrderCreated`` outbox row (one statement on PostgreSQL); wake the relay. A
   concurrent duplicate hits the primary key and returns the order the first one wrote. If
   the write fails for any other reason the reservation is released (its TTL is the
   backstop).

Every failure after the reserve was sent releases it, including a reserve whose answer
never came (timeout, reset, cancelled request): inventory then leaves a tombstone so a
reserve that lands late holds nothing. A release inventory does not acknowledge within
``RELEASE_IN_REQUEST_SECONDS`` is tried again in the background until it is. Each try
carries an attempt (time-ordered), so the shopper's retry with the same key holds stock
again while the late reserve of the abandoned try never does (docs/architecture.md §6).

Any refusal after step 2 checks once more whether the order exists by now (a concurrent
duplicate may have finished meanwhile and the cart been emptied): then it is returned.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sqlalchemy.exc import IntegrityError

from shopgraph import request_deadline
from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.internal import UpstreamError
from shopgraph.logging import get_logger
from subgraphs.orders import events, repository
from subgraphs.orders.domain import (
    Address,
    Order,
    OrderLine,
    OrderStatus,
    PricedLine,
    order_id_for,
    request_hash,
    totals_of,
    validate_address,
    validate_idempotency_key,
    validate_payment_method,
)
from subgraphs.orders.pending_releases import PendingReleases
from subgraphs.orders.service import PENDING_TIMEOUT, Clock, utc_now
from subgraphs.orders.upstream import Buyer, CartLine, Checkout
from subgraphs.products.client import ProductQuotes

log = get_logger(__name__)

# Stock stays held a little longer than an order may stay PENDING: the sweeper cancels
# the order first, and its OrderCancelled releases the stock.
RESERVATION_TTL_SECONDS: Final = int(PENDING_TIMEOUT.total_seconds()) + 5 * 60
# How long a refusal waits for inventory to acknowledge its release before answering; an
# unacknowledged release goes on in the background (pending_releases.py).
RELEASE_IN_REQUEST_SECONDS: Final = 2.0
_LINE_FIELD = re.compile(r"lines\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """What the client sent (raw; :meth:`CheckoutService.place_order` validates)."""

    user_id: str
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    payment_method: str
    idempotency_key: str
    line2: str | None = None
    phone: str | None = None
    # From the caller's verified access token; None: ask users.
    buyer: Buyer | None = None


class CheckoutService:
    def __init__(
        self,
        db: Database,
        checkout: Checkout,
        *,
        clock: Clock = utc_now,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.checkout = checkout
        self.clock = clock
        self.on_commit = on_commit
        self.pending_releases = PendingReleases(give_up_after_seconds=RESERVATION_TTL_SECONDS)

    async def close(self) -> None:
        await self.pending_releases.close()

    async def place_order(self, request: PlaceOrder) -> Order:
        address = validate_address(
            name=request.name,
            line1=request.line1,
            line2=request.line2,
            city=request.city,
            postal_code=request.postal_code,
            country=request.country,
            phone=request.phone,
        )
        method = validate_payment_method(request.payment_method)
        key = validate_idempotency_key(request.idempotency_key)
        order_id = order_id_for(request.user_id, key)
        fingerprint = request_hash(address, method)

        existing = await self._existing(order_id)
        if existing is not None:
            return _replay(existing, fingerprint)
        try:
            return await self._create(request, order_id, key, address, method, fingerprint)
        except (DomainError, UpstreamError) as exc:
            existing = await self._existing(order_id)
            if existing is not None:
                return _replay(existing, fingerprint)
            if isinstance(exc, UpstreamError):
                log.warning("place_order_upstream_failed", service=exc.service, error=str(exc))
                raise DomainError(
                    "SERVICE_UNAVAILABLE",
                    f"the {exc.service} service could not answer; try again",
                    None,
                ) from exc
            raise

    async def _existing(self, order_id: str) -> Order | None:
        async with self.db.read_connection() as connection:
            return await repository.load_order(connection, order_id)

    async def _create(
        self,
        request: PlaceOrder,
        order_id: str,
        key: str,
        address: Address,
        method: str,
        fingerprint: str,
    ) -> Order:
        user_id = request.user_id
        if request.buyer is not None:
            cart, quotes = await self._cart_and_quotes(user_id)
            buyer: Buyer | None = request.buyer
        else:
            cart, quotes, buyer = await self._cart_quotes_and_buyer(user_id)
        priced: list[PricedLine] = []
        for line in cart:
            quote = quotes.get(line.product_id)
            if quote is None or not quote.available:
                raise DomainError(
                    "PRODUCT_UNAVAILABLE",
                    "a product in the cart is no longer sold; remove it and try again",
                    line.product_id,
                )
            priced.append(
                PricedLine(
                    product_id=line.product_id,
                    sku=quote.sku,
                    name=quote.name,
                    unit_price_minor=quote.price_minor,
                    currency=quote.currency,
                    quantity=line.quantity,
                    weight_grams=quote.weight_grams,
                )
            )
        totals = totals_of(priced)
        if buyer is None:
            raise DomainError("ACCOUNT_NOT_FOUND", "the signed-in account no longer exists", None)

        attempt = f"{time.time_ns():020d}"  # orders this try after any earlier one
        await self._reserve(order_id, cart, attempt)
        now = self.clock()
        order = Order(
            id=order_id,
            user_id=user_id,
            status=OrderStatus.PENDING,
            currency=totals.currency,
            subtotal_minor=totals.subtotal_minor,
            shipping_minor=totals.shipping_minor,
            total_minor=totals.total_minor,
            payment_method=method,
            email=buyer.email,
            address=address,
            cancel_reason=None,
            version=1,
            created_at=now,
            updated_at=now,
            lines=tuple(
                OrderLine(x.product_id, x.sku, x.name, x.unit_price_minor, x.quantity)
                for x in priced
            ),
            request_hash=fingerprint,
        )
        try:
            await self._insert(order, buyer, actor=user_id, idempotency_key=key)
        except IntegrityError:
            existing = await self._existing(order_id)
            if existing is not None:
                return _replay(existing, fingerprint)  # a concurrent duplicate won
            await self._release(order_id, attempt)
            raise
        except BaseException:
            if await self._existing(order_id) is None:
                await self._release(order_id, attempt)
            raise
        if self.on_commit is not None:
            self.on_commit()
        log.info("order_placed", order_id=order_id, total_minor=order.total_minor)
        return order

    async def _cart_and_quotes(self, user_id: str) -> tuple[list[CartLine], ProductQuotes]:
        cart = await self.checkout.cart_lines(user_id)
        if not cart:
            raise DomainError("CART_EMPTY", "the cart is empty", None)
        return cart, await self.checkout.quotes([line.product_id for line in cart])

    async def _cart_quotes_and_buyer(
        self, user_id: str
    ) -> tuple[list[CartLine], ProductQuotes, Buyer | None]:
        """For a token without identity claims: users is asked while the cart loads."""
        buyer_lookup = asyncio.ensure_future(self.checkout.buyer_of(user_id))
        try:
            cart, quotes = await self._cart_and_quotes(user_id)
            return cart, quotes, await buyer_lookup
        finally:
            buyer_lookup.cancel()  # no-op once it finished
            await asyncio.gather(buyer_lookup, return_exceptions=True)

    async def _insert(
        self, order: Order, buyer: Buyer, *, actor: str, idempotency_key: str
    ) -> None:
        """The order with its ``OrderCreated`` outbox row: one statement on PostgreSQL."""
        created = events.order_created(
            order, first_name=buyer.first_name, last_name=buyer.last_name
        )
        writing = self.db.statement_connection() if self.db.is_postgres else self.db.transaction()
        async with writing as connection:
            await repository.insert_order(
                connection,
                order,
                actor=actor,
                idempotency_key=idempotency_key,
                topic=events.TOPIC,
                created=created,
            )

    async def _reserve(self, order_id: str, cart: list[CartLine], attempt: str) -> None:
        try:
            await self.checkout.reserve(order_id, cart, RESERVATION_TTL_SECONDS, attempt)
        except DomainError as exc:  # inventory refused: nothing is held
            match = _LINE_FIELD.match(exc.field or "")
            if match and int(match.group(1)) < len(cart):
                raise DomainError(
                    exc.code, exc.message, cart[int(match.group(1))].product_id
                ) from exc
            raise
        except BaseException:
            # Timeout, reset, cancellation: inventory may have reserved, or may still do so
            # after we gave up. Releasing leaves a tombstone that turns a late reserve into
            # a no-op, so nothing stays held for an order that will not exist.
            await self._release(order_id, attempt)
            raise

    async def _release(self, order_id: str, attempt: str) -> None:
        """Give up this attempt's reservation (or tombstone it); shielded from the request's
        cancellation, since an abandoned checkout must not keep its stock."""
        await asyncio.shield(self._release_now(order_id, attempt))

    async def _release_now(self, order_id: str, attempt: str) -> None:
        """Released within a short budget of its own (the request's deadline may be spent
        already), else handed to :attr:`pending_releases`, which keeps trying."""

        async def release() -> None:
            await self.checkout.release(order_id, attempt)

        try:
            with request_deadline.within(RELEASE_IN_REQUEST_SECONDS):
                await release()
        except Exception as exc:
            log.warning("abandoned_checkout_release_deferred", order_id=order_id, error=str(exc))
            self.pending_releases.keep_trying(order_id, release)
            return
        log.info("abandoned_checkout_released", order_id=order_id)


def _replay(existing: Order, fingerprint: str) -> Order:
    if existing.request_hash != fingerprint:
        raise DomainError(
            "IDEMPOTENCY_KEY_REUSED",
            "this idempotency key was already used for a different order request",
            "idempotencyKey",
        )
    return existing
