"""Cart rules (no GraphQL here).

* A cart belongs to a signed-in user (``carts:user:<id>``) or to a guest holding an opaque
  random cart token (returned by the guest's first ``addToCart``, sent back in the
  ``X-Cart-Token`` header).
* A line holds 1..99 units (``INVALID_QUANTITY``); a cart holds at most 50 lines
  (``CART_FULL``); only products that products knows and sells (status ACTIVE) can be added
  or increased (``PRODUCT_UNAVAILABLE``). A refused change changes nothing.
* Merge rule (guest cart into a user's cart, on login): lines of products in both carts
  are summed and capped at 99; guest lines for other products are appended while the cart
  has fewer than 50 lines (the rest are dropped); then the guest cart is gone, so a second
  merge of the same token is a no-op.
* Idle carts expire 30 days after their last change (every write refreshes the expiry).
* ``OrderCreated`` empties the buyer's cart, once per event.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from shopgraph.errors import DomainError
from shopgraph.kv import KeyValueStore
from subgraphs.carts.models import (
    EVENTS_MEMORY,
    MERGED_MEMORY,
    Cart,
    CartLine,
    guest_key,
    user_key,
)
from subgraphs.carts.repository import CART_TTL_SECONDS, CartGone, CartStore, Snapshot
from subgraphs.products.client import ProductQuotes

MIN_QUANTITY = 1
MAX_QUANTITY = 99
MAX_LINES = 50

Lookup = Callable[[Sequence[str]], Awaitable[ProductQuotes]]
Clock = Callable[[], datetime]
# Called once a new cart is stored: (cart, owning user id or None for a guest).
CartCreatedHook = Callable[[Cart, str | None], Awaitable[None]]


class ProductCatalog(Protocol):
    """Current product data: :class:`~subgraphs.products.client.ProductsClient`, or a fake."""

    async def quotes(self, product_ids: Sequence[str]) -> ProductQuotes:
        """Every requested id, in one round trip; raises ``UpstreamError`` when unreachable."""
        ...

    async def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


def new_cart_token() -> str:
    """An unguessable guest cart token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose cart: a user's (``user_id``) or a guest's (``guest_token``, None: none yet)."""

    user_id: str | None = None
    guest_token: str | None = None

    @classmethod
    def user(cls, user_id: str) -> Owner:
        return cls(user_id=user_id)

    @classmethod
    def guest(cls, token: str | None) -> Owner:
        return cls(guest_token=token or None)

    @property
    def key(self) -> str | None:
        if self.user_id is not None:
            return user_key(self.user_id)
        return None if self.guest_token is None else guest_key(self.guest_token)


@dataclass(frozen=True, slots=True)
class CartResult:
    cart: Cart | None
    token: str | None  # the guest's cart token (None for users)


def product_id_of(value: str) -> str:
    """The canonical form of a product id; anything but a UUID is no product we sell."""
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise DomainError("PRODUCT_UNAVAILABLE", "There is no such product", "productId") from None


def _check_quantity(quantity: int, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else MIN_QUANTITY
    if not low <= quantity <= MAX_QUANTITY:
        raise DomainError(
            "INVALID_QUANTITY",
            f"Quantity must be between {low} and {MAX_QUANTITY}",
            "quantity",
        )


def _unavailable(product_id: str) -> DomainError:
    return DomainError(
        "PRODUCT_UNAVAILABLE", f"Product {product_id} is not available for sale", "productId"
    )


def merge_lines(target: tuple[CartLine, ...], guest: tuple[CartLine, ...]) -> tuple[CartLine, ...]:
    """The merge rule: sums capped at 99, new lines appended while fewer than 50."""
    lines = list(target)
    index = {line.product_id: i for i, line in enumerate(lines)}
    for line in guest:
        at = index.get(line.product_id)
        if at is not None:
            mine = lines[at]
            total = min(MAX_QUANTITY, mine.quantity + line.quantity)
            lines[at] = CartLine(mine.product_id, total, mine.added_at)
        elif len(lines) < MAX_LINES:
            index[line.product_id] = len(lines)
            lines.append(CartLine(line.product_id, min(MAX_QUANTITY, line.quantity), line.added_at))
    return tuple(lines)


class CartService:
    def __init__(
        self,
        kv: KeyValueStore,
        catalog: ProductCatalog,
        *,
        ttl_seconds: float = CART_TTL_SECONDS,
        clock: Clock = _now,
        on_cart_created: CartCreatedHook | None = None,
    ) -> None:
        self.kv = kv
        self.catalog = catalog
        self.store = CartStore(kv, ttl_seconds=ttl_seconds)
        self.clock = clock
        self.on_cart_created = on_cart_created

    def _new_cart(self) -> Cart:
        now = self.clock()
        return Cart(id=str(uuid.uuid4()), lines=(), created_at=now, updated_at=now)

    # -- reads ------------------------------------------------------------------------------

    async def get(self, owner: Owner) -> Cart | None:
        snapshot = await self._snapshot(owner)
        return None if snapshot is None else snapshot.cart

    async def _snapshot(self, owner: Owner) -> Snapshot | None:
        """The owner's cart as read now (None: a guest without a token), handed to the
        write that follows so it need not read it again (:meth:`CartStore.update`)."""
        key = owner.key
        return None if key is None else await self.store.snapshot(key)

    async def expires_in(self, owner: Owner) -> float | None:
        """Seconds until the cart expires if left alone (None: no cart)."""
        key = owner.key
        return None if key is None else await self.store.ttl(key)

    # -- changes ----------------------------------------------------------------------------

    async def add(
        self, owner: Owner, product_id: str, quantity: int, lookup: Lookup | None = None
    ) -> CartResult:
        """Add ``quantity`` units (to the existing line, if any). A guest without a live
        cart gets a new one and a new token."""
        pid = product_id_of(product_id)
        _check_quantity(quantity)
        snapshot = await self._snapshot(owner)
        current = None if snapshot is None else snapshot.cart
        known = await (lookup or self.catalog.quotes)(
            [pid, *(current.product_ids if current else [])]
        )
        info = known.get(pid)
        if info is None or not info.available:
            raise _unavailable(pid)
        created: Cart | None = None

        def mutate(cart: Cart | None) -> Cart:
            nonlocal created  # the last call is the one whose result was written
            now = self.clock()
            if cart is None:
                cart = created = self._new_cart()
            else:
                created = None
            had = cart.quantity_of(pid)
            if had + quantity > MAX_QUANTITY:
                raise DomainError(
                    "INVALID_QUANTITY",
                    f"The cart already holds {had}; a line holds at most {MAX_QUANTITY}",
                    "quantity",
                )
            if had == 0:
                if len(cart.lines) >= MAX_LINES:
                    raise DomainError(
                        "CART_FULL", f"A cart holds at most {MAX_LINES} products", "productId"
                    )
                lines = (*cart.lines, CartLine(pid, quantity, now))
            else:
                lines = tuple(
                    CartLine(x.product_id, x.quantity + quantity, x.added_at)
                    if x.product_id == pid
                    else x
                    for x in cart.lines
                )
            return cart.with_lines(lines, now)

        result = await self._write(owner, mutate, create=True, known=snapshot)
        if created is not None and self.on_cart_created is not None:
            await self.on_cart_created(created, owner.user_id)
        return result

    async def set_quantity(
        self, owner: Owner, product_id: str, quantity: int, lookup: Lookup | None = None
    ) -> CartResult:
        """Set a line's quantity; 0 removes it. Raising it needs the product on sale."""
        pid = product_id_of(product_id)
        _check_quantity(quantity, allow_zero=True)
        snapshot = await self._snapshot(owner)
        current = None if snapshot is None else snapshot.cart
        if current is None or current.line(pid) is None:
            if quantity == 0:
                return CartResult(current, owner.guest_token if current else None)
            raise DomainError("NOT_IN_CART", "That product is not in the cart", "productId")
        known = await (lookup or self.catalog.quotes)(current.product_ids)
        info = known.get(pid)
        available = info is not None and info.available

        def mutate(cart: Cart | None) -> Cart | None:
            line = None if cart is None else cart.line(pid)
            if cart is None or line is None:
                if quantity == 0:
                    return None
                raise DomainError("NOT_IN_CART", "That product is not in the cart", "productId")
            if quantity > line.quantity and not available:
                raise _unavailable(pid)
            if quantity == line.quantity:
                return None
            lines = tuple(
                CartLine(x.product_id, quantity, x.added_at) if x.product_id == pid else x
                for x in cart.lines
                if x.product_id != pid or quantity > 0
            )
            return cart.with_lines(lines, self.clock())

        return await self._write(owner, mutate, known=snapshot)

    async def remove(self, owner: Owner, product_id: str) -> CartResult:
        """Remove a product's line; removing what is not there is a no-op."""
        try:
            pid = product_id_of(product_id)
        except DomainError:
            return CartResult(await self.get(owner), owner.guest_token)

        def mutate(cart: Cart | None) -> Cart | None:
            if cart is None or cart.line(pid) is None:
                return None
            lines = tuple(x for x in cart.lines if x.product_id != pid)
            return cart.with_lines(lines, self.clock())

        return await self._write(owner, mutate)

    async def clear(self, owner: Owner) -> CartResult:
        def mutate(cart: Cart | None) -> Cart | None:
            if cart is None or not cart.lines:
                return None
            return cart.with_lines((), self.clock())

        return await self._write(owner, mutate)

    async def _write(
        self,
        owner: Owner,
        mutate: Callable[[Cart | None], Cart | None],
        *,
        create: bool = False,
        known: Snapshot | None = None,
    ) -> CartResult:
        if owner.user_id is not None:
            cart = await self.store.update(user_key(owner.user_id), mutate, known=known)
            return CartResult(cart, None)
        token = owner.guest_token
        if token is not None:

            def existing_only(cart: Cart | None) -> Cart | None:
                if cart is None and create:
                    raise CartGone(token)  # never start a cart under a client-chosen token
                return mutate(cart)

            try:
                cart = await self.store.update(
                    guest_key(token), existing_only, keep_tombstone=True, known=known
                )
            except CartGone:
                cart = None
            if cart is not None or not create:
                return CartResult(cart, token if cart is not None else None)
        if not create:
            return CartResult(None, None)
        token = new_cart_token()
        key = guest_key(token)
        # A fresh random token names no cart: written without reading it first.
        fresh = Snapshot(key, None, None)
        return CartResult(await self.store.update(key, mutate, known=fresh), token)

    # -- merge ------------------------------------------------------------------------------

    async def merge(self, user_id: str, token: str) -> Cart | None:
        """Merge the guest cart of ``token`` into the user's cart (the rule in the module
        docstring); the guest cart is deleted. Unknown or already merged: a no-op."""
        key = guest_key(token)
        guest = await self.store.claim_for_merge(key, user_id)
        if guest is None:
            return await self.store.cart(user_key(user_id))

        def mutate(cart: Cart | None) -> Cart | None:
            if cart is not None and guest.id in cart.merged:
                return None
            cart = cart or self._new_cart()
            merged = (*cart.merged, guest.id)[-MERGED_MEMORY:]
            lines = merge_lines(cart.lines, guest.lines)
            return replace(cart, lines=lines, updated_at=self.clock(), merged=merged)

        result = await self.store.update(user_key(user_id), mutate)
        await self.store.delete(key)
        return result

    # -- events -----------------------------------------------------------------------------

    async def clear_for_order(self, user_id: str, event_id: str) -> bool:
        """Empty the user's cart for an ``OrderCreated`` event, once per event id.

        Returns whether this call emptied the cart (False: already applied, or the user
        has no cart). The cart records the event
        id in the same atomic write that empties it, then the inbox mark
        ``carts:inbox:<event id>`` is set: see :mod:`subgraphs.carts.handlers` for why that
        is exactly-once.
        """
        key = user_key(user_id)
        applied_before, snapshot = await self.store.event_applied_and_snapshot(event_id, key)
        if applied_before:
            return False

        applied = False

        def mutate(cart: Cart | None) -> Cart | None:
            nonlocal applied  # the last call is the one whose result was written
            applied = cart is not None and event_id not in cart.events
            if cart is None or not applied:
                return None
            events = (*cart.events, event_id)[-EVENTS_MEMORY:]
            return replace(cart, lines=(), updated_at=self.clock(), events=events)

        await self.store.update(key, mutate, known=snapshot)
        await self.store.mark_event_applied(event_id)
        return applied
