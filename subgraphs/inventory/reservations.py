"""Stock reservations for orders: the checkout saga's side of inventory (docs/architecture.md §6).

State machine, one reservation per order id (the idempotency key)::

    RESERVED ──commit──▶ COMMITTED ──restock──▶ RESTOCKED   (paid, then cancelled: the
        │                                                    units go back on hand)
        │ ────release──▶ RELEASED    units go back to available (payment failed, cancelled)
        └─────sweeper──▶ EXPIRED     as RELEASED, once ``expires_at`` has passed

* ``reserve`` is all-or-nothing: every line is reserved or none (``INSUFFICIENT_STOCK``
  with ``field = lines[i].quantity``). Units are drawn from warehouses in warehouse-code
  order (``DEFAULT`` sorts like any other code), a line may be split across warehouses.
  Reserving again with the same order id returns the existing reservation, whatever its
  state (an order id is single-use); with different lines it is ``RESERVATION_MISMATCH``.
* ``commit``: again on a committed reservation returns it unchanged; on a released one
  ``RESERVATION_RELEASED``, on an expired one ``RESERVATION_EXPIRED``. A reservation past
  its ``expires_at`` that the sweeper has not expired yet can still be committed (its units
  are still held).
* ``release``: again on a released or expired reservation returns it unchanged (its units
  were returned once); on a committed one ``RESERVATION_COMMITTED``.
* Checkout attempts (docs/architecture.md §6): orders tags each reserve with its attempt
  (time-ordered text) and, when it gives up without knowing the outcome, releases with
  that attempt. Released with an attempt, an order id that has no reservation gets a
  *tombstone* (RELEASED, no lines, that attempt), so the reserve arriving late holds
  nothing; a reserve of an attempt older than the reservation's never holds anything; a
  newer attempt (the shopper retrying with the same idempotency key) holds a released or
  expired reservation again; giving up never releases what another attempt holds.
* ``cancel`` (an ``OrderCancelled`` event): releases a RESERVED reservation, restocks a
  COMMITTED one, and leaves a released, expired or restocked one as it is.
* ``sweep_expired(now)`` expires each ``RESERVED`` reservation with ``expires_at <= now``
  in its own transaction, re-checking the state under the row lock, so concurrent
  sweepers (or a sweeper racing a commit) return the units exactly once; each expiry
  publishes ``ReservationExpired``.
* Unknown order id (commit, cancel): ``RESERVATION_NOT_FOUND``.

Concurrency: each transition locks the reservation row (``FOR UPDATE``), then the stock
rows in primary-key order (see :mod:`subgraphs.inventory.repository`); the stock updates are
conditional and the CHECK constraints back them up. A commit, release, cancel or expiry
changes the stock rows last, in one statement on PostgreSQL
(:mod:`subgraphs.inventory.stock_moves`), so a hot product's row is not held across round
trips while reserves queue behind it. Handlers pass the event id to claim
it in the inbox in the same transaction as the effect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.inventory import holds, repository
from subgraphs.inventory.domain import (
    LineRequest,
    MovementKind,
    Reservation,
    ReservationStatus,
    order_id_of,
    reservation_lines_of,
    ttl_of,
)
from subgraphs.inventory.models import inbox, outbox
from subgraphs.inventory.repository import (
    TOPIC,
    StockConflict,
    retrying,
    totals_after,
)
from subgraphs.inventory.service import Clock, utc_now
from subgraphs.inventory.stock_moves import move_stock, moves_of

log = get_logger(__name__)

CONSUMER: Final = "inventory.reservations"
SWEEP_BATCH: Final = 500
# Reserves at once that may find their units gone before one takes the locked path.
AT_ONCE_TRIES: Final = 2

# new status, ledger kind, on-hand sign, reserved sign (per unit of each line)
Finish = tuple[ReservationStatus, MovementKind, int, int]
COMMIT: Final[Finish] = (ReservationStatus.COMMITTED, MovementKind.COMMIT, -1, -1)
RELEASE: Final[Finish] = (ReservationStatus.RELEASED, MovementKind.RELEASE, 0, -1)
EXPIRE: Final[Finish] = (ReservationStatus.EXPIRED, MovementKind.EXPIRE, 0, -1)
RESTOCK: Final[Finish] = (ReservationStatus.RESTOCKED, MovementKind.RESTOCK, 1, 0)


class ReservationService:
    def __init__(
        self, db: Database, *, clock: Clock = utc_now, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_commit = on_commit

    async def get(self, order_id: str) -> Reservation | None:
        oid = order_id_of(order_id)
        async with self.db.session() as session:
            return await repository.reservation(session, oid)

    async def reserve(
        self,
        order_id: str,
        lines: Sequence[LineRequest],
        ttl_seconds: int | None = None,
        *,
        attempt: str = "",
    ) -> Reservation:
        """Hold ``lines`` for the order. ``attempt`` orders the caller's tries for one order
        id: a reserve of an older attempt than the reservation's holds nothing and returns
        it as it is; a newer attempt holds a released or expired (given up) one again."""
        oid = order_id_of(order_id)
        wanted = reservation_lines_of(lines)
        ttl = ttl_of(ttl_seconds)
        if self.db.is_postgres:
            held = await self._reserve_at_once(oid, wanted, ttl, attempt)
            if held is not None:
                return held

        product_ids = [line.product_id for line in wanted]

        async def work(session: AsyncSession) -> Reservation:
            now = self.clock()
            expires_at = now + timedelta(seconds=ttl)
            # Inserted first, unless the order id has a reservation (or a tombstone): a
            # concurrent duplicate waits on this key, then finds the reservation.
            if not await repository.insert_reservation_if_absent(
                session, oid, created_at=now, expires_at=expires_at, attempt=attempt
            ):
                existing = await repository.reservation(session, oid, lock=True)
                if existing is None:  # reservations are never deleted: a lost race, retry
                    raise StockConflict(f"reservation of {oid} vanished concurrently")
                renew = attempt > existing.attempt and existing.status in (
                    ReservationStatus.RELEASED,
                    ReservationStatus.EXPIRED,
                )
                if not renew:
                    if (
                        existing.lines
                        and attempt >= existing.attempt
                        and _quantities(existing.lines) != _quantities(wanted)
                    ):
                        raise DomainError(
                            "RESERVATION_MISMATCH",
                            "this order id already has a reservation with other lines",
                            "lines",
                        )
                    return existing
                await repository.renew_reservation(
                    session, oid, attempt=attempt, created_at=now, expires_at=expires_at
                )
            if self.db.is_postgres:
                # The order id is ours now (a concurrent duplicate waits on it), so a shortage
                # seen in the latest committed stock is refused without queueing for the stock
                # rows' lock behind every other reserve of a sold-out product.
                _allocations(await repository.stock_with_codes(session, product_ids), wanted)
            locked = await repository.lock_stock_with_codes(session, product_ids)
            allocations = _allocations(locked, wanted)
            levels = totals_after(locked, [(p, 0, q) for p, _, q in allocations])
            await holds.hold(session, oid, sorted(allocations), levels, now=now)
            return _held(oid, wanted, now, expires_at, attempt)

        return await retrying(self.db, work, after_commit=self.on_commit)

    async def _reserve_at_once(
        self, order_id: str, wanted: Sequence[LineRequest], ttl: int, attempt: str
    ) -> Reservation | None:
        """The common reserve (one product) without a lock held across a round trip: a new
        order id, the product kept in one warehouse with enough units available when read,
        held by :func:`holds.hold_at_once`. None: take the locked path (several lines, the
        order id has a reservation, the product is short or kept in several warehouses, or
        its units went to others between the read and the statement, twice)."""
        if len(wanted) != 1:
            return None
        for _ in range(AT_ONCE_TRIES):
            async with self.db.read() as session:
                rows = await repository.stock_with_codes(session, [wanted[0].product_id])
            if len(rows) != 1:  # kept in several warehouses, or in none
                return None
            try:
                allocations = _allocations(rows, wanted)
            except DomainError:  # refused under the lock, where a replay is told apart
                return None
            now = self.clock()
            expires_at = now + timedelta(seconds=ttl)
            try:
                async with self.db.single_statement() as session:
                    await holds.hold_at_once(
                        session,
                        order_id,
                        allocations[0],
                        now=now,
                        expires_at=expires_at,
                        attempt=attempt,
                    )
            except holds.ReservationExists:
                return None
            except holds.UnitsGone:
                continue
            if self.on_commit is not None:
                self.on_commit()
            return _held(order_id, wanted, now, expires_at, attempt)
        return None

    async def commit(self, order_id: str, *, event_id: str | None = None) -> Reservation | None:
        """Commit; None only when ``event_id`` was already processed (a redelivery)."""
        return await self._finish(order_id, COMMIT, event_id)

    async def release(
        self, order_id: str, *, event_id: str | None = None, attempt: str | None = None
    ) -> Reservation | None:
        """Release; None only when ``event_id`` was already processed (a redelivery).

        With ``attempt`` (a checkout giving up): a reservation held by another attempt is
        left alone; an unknown order id gets a tombstone of this attempt, so a late
        ``reserve`` of it holds nothing."""
        return await self._finish(order_id, RELEASE, event_id, given_up=attempt)

    async def cancel(self, order_id: str, *, event_id: str | None = None) -> Reservation | None:
        """The order was cancelled: release held units, or restock committed ones."""
        return await self._finish(order_id, RELEASE, event_id, restock_committed=True)

    async def sweep_expired(self, now: datetime | None = None) -> list[str]:
        """Expire the reservations past ``expires_at`` (default: now); the order ids this
        call expired (a reservation is expired by exactly one call)."""
        cutoff = now or self.clock()
        async with self.db.session() as session:
            due = await repository.expired_reservations(session, cutoff, SWEEP_BATCH)
        expired: list[str] = []
        for order_id in due:
            if await self._expire(order_id, cutoff):
                expired.append(order_id)
        if expired:
            log.info("reservations_expired", count=len(expired))
        return expired

    async def _finish(
        self,
        order_id: str,
        finish: Finish,
        event_id: str | None,
        *,
        restock_committed: bool = False,
        given_up: str | None = None,
    ) -> Reservation | None:
        oid = order_id_of(order_id)
        target = finish[0]

        async def work(session: AsyncSession) -> Reservation | None:
            if event_id is not None and not await claim(session, inbox, CONSUMER, event_id):
                return None
            current = await repository.reservation(session, oid, lock=True)
            if current is None and given_up is not None:
                # A reserve still in flight holds the key's row lock: this insert waits
                # for it, conflicts, and the retry releases what it reserved.
                return await _tombstone(session, oid, self.clock(), given_up)
            if given_up is not None and current is not None and current.attempt != given_up:
                return current  # another attempt (a concurrent duplicate, a retry) holds it
            if current is None:
                raise DomainError(
                    "RESERVATION_NOT_FOUND", f"no reservation for order {oid}", "orderId"
                )
            if restock_committed and current.status is ReservationStatus.COMMITTED:
                return await self._apply(session, current, RESTOCK)
            if current.status is target or (
                target is ReservationStatus.RELEASED
                and current.status in (ReservationStatus.EXPIRED, ReservationStatus.RESTOCKED)
            ):
                return current
            if current.status is not ReservationStatus.RESERVED:
                raise DomainError(
                    f"RESERVATION_{current.status.value}",
                    f"the reservation is already {current.status.value.lower()}",
                    "orderId",
                )
            return await self._apply(session, current, finish)

        return await retrying(self.db, work, after_commit=self.on_commit)

    async def _expire(self, order_id: str, cutoff: datetime) -> bool:
        async def work(session: AsyncSession) -> bool:
            current = await repository.reservation(session, order_id, lock=True)
            if (
                current is None
                or current.status is not ReservationStatus.RESERVED
                or current.expires_at > cutoff
            ):
                return False  # committed, released or expired meanwhile
            payload = {
                "orderId": order_id,
                "lines": [
                    {"productId": line.product_id, "quantity": line.quantity}
                    for line in current.lines
                ],
            }
            await add_to_outbox(
                session, outbox, TOPIC, Event.new("ReservationExpired", order_id, payload)
            )
            await self._apply(session, current, EXPIRE)  # last: it takes the stock rows
            return True

        return await retrying(self.db, work, after_commit=self.on_commit)

    async def _apply(
        self, session: AsyncSession, current: Reservation, finish: Finish
    ) -> Reservation:
        """Move a locked reservation to ``finish``: return, consume or restock its units."""
        target, kind, on_hand_sign, reserved_sign = finish
        now = self.clock()
        held = await repository.held_lines(session, current.order_id)
        await repository.finish_reservation(session, current.order_id, target, now)
        # Last in the transaction: the stock rows are locked for this one statement (on
        # PostgreSQL) and the COMMIT, not across the round trips above.
        await move_stock(
            session, moves_of(current.order_id, held, kind, on_hand_sign, reserved_sign), now
        )
        return Reservation(
            order_id=current.order_id,
            status=target,
            created_at=current.created_at,
            expires_at=current.expires_at,
            finished_at=now,
            lines=current.lines,
        )


async def _tombstone(
    session: AsyncSession, order_id: str, now: datetime, attempt: str
) -> Reservation:
    await repository.insert_reservation(
        session,
        order_id,
        created_at=now,
        expires_at=now,
        status=ReservationStatus.RELEASED,
        attempt=attempt,
    )
    log.info("reservation_tombstoned", order_id=order_id)
    return Reservation(
        order_id=order_id,
        status=ReservationStatus.RELEASED,
        created_at=now,
        expires_at=now,
        finished_at=now,
        lines=(),
        attempt=attempt,
    )


def _held(
    order_id: str,
    wanted: Sequence[LineRequest],
    created_at: datetime,
    expires_at: datetime,
    attempt: str,
) -> Reservation:
    """The reservation a reserve just made."""
    return Reservation(
        order_id=order_id,
        status=ReservationStatus.RESERVED,
        created_at=created_at,
        expires_at=expires_at,
        finished_at=None,
        lines=tuple(sorted(wanted, key=lambda line: line.product_id)),
        attempt=attempt,
    )


def _quantities(lines: Sequence[LineRequest]) -> dict[str, int]:
    return {line.product_id: line.quantity for line in lines}


def _allocations(rows: Sequence[Any], wanted: Sequence[LineRequest]) -> list[tuple[str, str, int]]:
    """The (product, warehouse, units) to reserve from the wanted products' stock ``rows``
    (with their warehouse codes), drawn from warehouses in code order. ``INSUFFICIENT_STOCK``
    names the first short line."""
    by_product: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_product[row.product_id].append(row)
    allocations: list[tuple[str, str, int]] = []
    for i, line in enumerate(wanted):
        candidates = sorted(by_product[line.product_id], key=lambda r: r.warehouse_code)
        available = sum(row.on_hand - row.reserved for row in candidates)
        if available < line.quantity:
            raise DomainError(
                "INSUFFICIENT_STOCK",
                f"only {max(available, 0)} of product {line.product_id} available",
                f"lines[{i}].quantity",
            )
        need = line.quantity
        for row in candidates:
            take = min(need, row.on_hand - row.reserved)
            if take > 0:
                allocations.append((line.product_id, row.warehouse_id, take))
                need -= take
            if need == 0:
                break
    return allocations
