"""How a cart is stored: one JSON document per cart in the key-value store (no SQL).

Keys (all under ``carts:``):

* ``carts:user:<user id>`` — a signed-in user's cart;
* ``carts:guest:<sha256 of the cart token>`` — a guest's cart. The token itself is never
  stored, so whoever can list keys still cannot use a guest's cart;
* ``carts:inbox:<event id>`` — de-duplication marks of the ``carts`` worker group.

A cart document is replaced as a whole with ``compare_and_set`` (optimistic concurrency:
read, change, write only if nobody wrote in between, else retry), so every rule that spans
lines (at most 50 lines, 1..99 per line) holds under any interleaving, on the in-process
store and on Redis alike. Each write (re)sets the 30-day idle expiry.

A user's cart also remembers the ids of the last ``OrderCreated`` events that emptied it,
written in the same ``compare_and_set`` as the emptying itself (see handlers.py).

When a guest cart is merged into a user's cart it is first replaced by a *tombstone*
(``mergedInto`` + the guest lines): that claim is the atomic step that makes a second merge
(or two concurrent ones) a no-op. The user's cart remembers the ids of the guest carts it
absorbed (``merged``), so completing an interrupted merge never adds the lines twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import orjson

KEY_PREFIX = "carts:"
FORMAT_VERSION = 1
MERGED_MEMORY = 20  # how many absorbed guest-cart ids a user's cart remembers
EVENTS_MEMORY = 20  # how many applied OrderCreated event ids a user's cart remembers


def user_key(user_id: str) -> str:
    return f"{KEY_PREFIX}user:{user_id}"


def guest_key(token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"{KEY_PREFIX}guest:{digest}"


def inbox_key(event_id: str) -> str:
    return f"{KEY_PREFIX}inbox:{event_id}"


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: str
    quantity: int
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Cart:
    """One cart: lines in the order they were first added."""

    id: str
    lines: tuple[CartLine, ...]
    created_at: datetime
    updated_at: datetime
    merged: tuple[str, ...] = field(default=())
    # ids of the OrderCreated events that emptied this cart (exactly-once, see handlers.py)
    events: tuple[str, ...] = field(default=())

    def line(self, product_id: str) -> CartLine | None:
        return next((x for x in self.lines if x.product_id == product_id), None)

    def quantity_of(self, product_id: str) -> int:
        found = self.line(product_id)
        return 0 if found is None else found.quantity

    @property
    def product_ids(self) -> list[str]:
        return [x.product_id for x in self.lines]

    @property
    def item_count(self) -> int:
        return sum(x.quantity for x in self.lines)

    def with_lines(self, lines: tuple[CartLine, ...], now: datetime) -> Cart:
        return replace(self, lines=lines, updated_at=now)


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What is left of a guest cart claimed by a merge into ``merged_into``'s cart."""

    merged_into: str
    cart: Cart


def _dt(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _parse_dt(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _cart_dict(cart: Cart) -> dict[str, Any]:
    return {
        "v": FORMAT_VERSION,
        "id": cart.id,
        "lines": [{"p": x.product_id, "q": x.quantity, "t": _dt(x.added_at)} for x in cart.lines],
        "createdAt": _dt(cart.created_at),
        "updatedAt": _dt(cart.updated_at),
        "merged": list(cart.merged),
        "events": list(cart.events),
    }


def _cart_from(data: dict[str, Any]) -> Cart:
    return Cart(
        id=str(data["id"]),
        lines=tuple(
            CartLine(product_id=str(x["p"]), quantity=int(x["q"]), added_at=_parse_dt(x["t"]))
            for x in data.get("lines", ())
        ),
        created_at=_parse_dt(data["createdAt"]),
        updated_at=_parse_dt(data["updatedAt"]),
        merged=tuple(str(m) for m in data.get("merged", ())),
        events=tuple(str(e) for e in data.get("events", ())),
    )


def encode(item: Cart | Tombstone) -> bytes:
    if isinstance(item, Tombstone):
        return orjson.dumps({"mergedInto": item.merged_into, "cart": _cart_dict(item.cart)})
    return orjson.dumps(_cart_dict(item))


def decode(raw: bytes) -> Cart | Tombstone:
    data = orjson.loads(raw)
    if "mergedInto" in data:
        return Tombstone(merged_into=str(data["mergedInto"]), cart=_cart_from(data["cart"]))
    return _cart_from(data)
