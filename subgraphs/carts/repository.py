"""Data access of carts on the key-value port: cart documents and the inbox marks.

:meth:`CartStore.update` is an optimistic-concurrency loop: read the document, compute the
new one (a pure function that may raise ``DomainError`` to refuse: then nothing is
written), and ``compare_and_set`` it against the bytes read. If another writer got there
first the whole step is redone on the fresh document, so twenty concurrent "add 1" calls end
with exactly twenty more, and limits checked inside the step can never be overrun.

Inbox marks (``carts:inbox:<event id>``) record the ``OrderCreated`` events already
applied; :mod:`subgraphs.carts.handlers` explains the exactly-once argument.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from shopgraph.errors import ShopGraphError
from shopgraph.kv import KeyValueStore
from subgraphs.carts.models import Cart, Tombstone, decode, encode, inbox_key

CART_TTL_SECONDS = 30 * 24 * 3600  # idle carts expire after 30 days; every write refreshes
TOMBSTONE_TTL_SECONDS = 24 * 3600  # a merged guest cart's claim, kept while a merge finishes
MAX_ATTEMPTS = 200
INBOX_TTL_SECONDS = 30 * 24 * 3600  # longer than any redelivery (see handlers.py)


class CartBusy(ShopGraphError):
    """Too many concurrent writers on one cart for the retry budget (practically never)."""

    code = "CART_BUSY"


class CartGone(Exception):
    """The key holds a merged guest cart's tombstone: that token has no cart any more."""


Mutation = Callable[[Cart | None], Cart | None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What ``key`` held when read: the bytes (for ``compare_and_set``) and their meaning."""

    key: str
    raw: bytes | None
    found: Cart | Tombstone | None

    @property
    def cart(self) -> Cart | None:
        return self.found if isinstance(self.found, Cart) else None

    @classmethod
    def of(cls, key: str, raw: bytes | None) -> Snapshot:
        return cls(key, raw, None if raw is None else decode(raw))


class CartStore:
    def __init__(self, kv: KeyValueStore, *, ttl_seconds: float = CART_TTL_SECONDS) -> None:
        self.kv = kv
        self.ttl_seconds = ttl_seconds

    async def snapshot(self, key: str) -> Snapshot:
        return Snapshot.of(key, await self.kv.get(key))

    async def cart(self, key: str) -> Cart | None:
        """The live cart under ``key`` (a merged guest cart's tombstone counts as none)."""
        return (await self.snapshot(key)).cart

    async def update(
        self,
        key: str,
        mutate: Mutation,
        *,
        keep_tombstone: bool = False,
        known: Snapshot | None = None,
    ) -> Cart | None:
        """Apply ``mutate`` atomically; it gets the current cart (None: absent or a
        tombstone) and returns the new one, or None to leave the key untouched.

        ``known``: what the caller read of ``key`` moments ago, tried first instead of
        reading again; if the key changed since, ``compare_and_set`` fails and the step is
        redone on a fresh read, as after any concurrent write.

        With ``keep_tombstone`` a tombstone is never overwritten: :class:`CartGone`.
        """
        for attempt in range(MAX_ATTEMPTS):
            if known is not None and known.key == key:
                raw, current = known.raw, known.found
                known = None
            else:
                raw = await self.kv.get(key)
                current = None if raw is None else decode(raw)
            if keep_tombstone and isinstance(current, Tombstone):
                raise CartGone(key)
            new = mutate(current if isinstance(current, Cart) else None)
            if new is None:
                return current if isinstance(current, Cart) else None
            if await self.kv.compare_and_set(key, raw, encode(new), self.ttl_seconds):
                return new
            await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        raise CartBusy("The cart is being changed by many requests at once; try again")

    async def claim_for_merge(self, key: str, user_id: str) -> Cart | None:
        """Atomically turn the guest cart under ``key`` into a tombstone for ``user_id``.

        Returns the guest cart to merge: the live cart just claimed, or, when an earlier
        merge into the same user was interrupted, the cart its tombstone holds. None when
        there is nothing (left) to merge for this user.
        """
        for attempt in range(MAX_ATTEMPTS):
            raw = await self.kv.get(key)
            if raw is None:
                return None
            found = decode(raw)
            if isinstance(found, Tombstone):
                return found.cart if found.merged_into == user_id else None
            tombstone = encode(Tombstone(merged_into=user_id, cart=found))
            if await self.kv.compare_and_set(key, raw, tombstone, TOMBSTONE_TTL_SECONDS):
                return found
            await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        raise CartBusy("The guest cart is being changed by many requests at once; try again")

    async def delete(self, key: str) -> None:
        await self.kv.delete(key)

    async def ttl(self, key: str) -> float | None:
        return await self.kv.ttl(key)

    async def event_applied_and_snapshot(self, event_id: str, key: str) -> tuple[bool, Snapshot]:
        """Whether the inbox mark of ``event_id`` is set, and :meth:`snapshot` of ``key``
        (for the write that follows), in one round trip."""
        mark, raw = await self.kv.get_many([inbox_key(event_id), key])
        return mark is not None, Snapshot.of(key, raw)

    async def mark_event_applied(self, event_id: str) -> None:
        await self.kv.set(inbox_key(event_id), b"1", INBOX_TTL_SECONDS, only_if_absent=True)
