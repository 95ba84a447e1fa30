"""Reservations settled in batches: the worker's batch form of commit, release and cancel.

A run of payment outcomes and cancellations (:mod:`subgraphs.inventory.handlers`) is applied
in ONE transaction with the same state machine as :class:`ReservationService` applies one
event at a time (see :mod:`subgraphs.inventory.reservations`):

* the event ids are claimed in the inbox together (a redelivered event changes nothing);
* the orders' reservation rows are locked in order-id order and finished;
* LAST, in one statement on PostgreSQL (:func:`~subgraphs.inventory.stock_moves.move_stock`),
  every stock row of their products is locked once, in primary-key order (the lock order
  of the one-event path, so the two cannot deadlock), and gets one update with the run's
  summed deltas; the ledger keeps one row per order and line, each with the values after
  it, as if the events had been applied one by one in delivery order; each product touched
  gets one ``StockChanged`` with its totals after the run. A hot product's stock row is
  thus held for that statement and the COMMIT only, not while a reserve queues behind it.

A refusal (no reservation, commit after a release, release after a commit…) is returned,
not raised: the other events of the run still apply, and the refused event's inbox claim
is dropped, as when the one-event path rolls back its refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.inbox import claim_many
from subgraphs.inventory import repository
from subgraphs.inventory.domain import ReservationStatus
from subgraphs.inventory.models import inbox
from subgraphs.inventory.repository import retrying
from subgraphs.inventory.reservations import (
    COMMIT,
    CONSUMER,
    RELEASE,
    RESTOCK,
    Finish,
)
from subgraphs.inventory.service import Clock, utc_now
from subgraphs.inventory.stock_moves import Move, move_stock, moves_of


class Settle(Enum):
    COMMIT = "commit"  # the order was paid
    RELEASE = "release"  # its payment failed
    CANCEL = "cancel"  # it was cancelled: release held units, restock committed ones


@dataclass(frozen=True, slots=True)
class Settlement:
    """What one event asks of an order's reservation."""

    event_id: str
    order_id: str
    action: Settle


@dataclass(frozen=True, slots=True)
class Refusal:
    settlement: Settlement
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class _Change:
    order_id: str
    finish: Finish


async def settle_many(
    db: Database,
    settlements: Sequence[Settlement],
    *,
    clock: Clock = utc_now,
    on_commit: Callable[[], None] | None = None,
) -> list[Refusal]:
    """Apply ``settlements`` in one transaction (retried whole on a transient conflict);
    the refused ones."""

    async def work(session: AsyncSession) -> list[Refusal]:
        return await _settle(session, settlements, clock())

    return await retrying(db, work, after_commit=on_commit)


async def _settle(
    session: AsyncSession, settlements: Sequence[Settlement], now: datetime
) -> list[Refusal]:
    fresh = await claim_many(session, inbox, CONSUMER, [s.event_id for s in settlements])
    todo: list[Settlement] = []
    for settlement in settlements:
        if settlement.event_id in fresh:
            fresh.discard(settlement.event_id)  # an event given twice applies once
            todo.append(settlement)
    if not todo:
        return []
    statuses: dict[str, ReservationStatus | None] = dict.fromkeys(s.order_id for s in todo)
    statuses |= await repository.lock_reservation_statuses(session, list(statuses))
    refusals: list[Refusal] = []
    changes: list[_Change] = []
    for settlement in todo:
        step = _step(settlement, statuses[settlement.order_id])
        if isinstance(step, Refusal):
            refusals.append(step)
        elif step is not None:
            statuses[settlement.order_id] = step[0]
            changes.append(_Change(settlement.order_id, step))
    if refusals:
        await session.execute(
            delete(inbox).where(
                inbox.c.consumer == CONSUMER,
                inbox.c.event_id.in_([r.settlement.event_id for r in refusals]),
            )
        )
    if changes:
        finished = {c.order_id: c.finish[0] for c in changes}  # an order's last change wins
        await repository.finish_reservations(session, finished, now)
        await _move_stock(session, changes, now)
    return refusals


def _step(settlement: Settlement, current: ReservationStatus | None) -> Finish | Refusal | None:
    """The transition ``settlement`` makes from ``current``: a finish, a refusal, or None
    (nothing to do: already done, or released units stay released)."""
    if current is None:
        return Refusal(
            settlement, "RESERVATION_NOT_FOUND", f"no reservation for order {settlement.order_id}"
        )
    if current is ReservationStatus.RESERVED:
        return COMMIT if settlement.action is Settle.COMMIT else RELEASE
    if settlement.action is Settle.CANCEL:
        return RESTOCK if current is ReservationStatus.COMMITTED else None
    if settlement.action is Settle.COMMIT and current is ReservationStatus.COMMITTED:
        return None
    if settlement.action is Settle.RELEASE and current is not ReservationStatus.COMMITTED:
        return None  # released, expired or restocked: its units were returned once
    return Refusal(
        settlement,
        f"RESERVATION_{current.value}",
        f"the reservation is already {current.value.lower()}",
    )


async def _move_stock(session: AsyncSession, changes: Sequence[_Change], now: datetime) -> None:
    held = await repository.held_lines_by_order(session, [c.order_id for c in changes])
    moves: list[Move] = []
    for change in changes:
        _target, kind, on_hand_sign, reserved_sign = change.finish
        moves += moves_of(change.order_id, held[change.order_id], kind, on_hand_sign, reserved_sign)
    await move_stock(session, moves, now)
