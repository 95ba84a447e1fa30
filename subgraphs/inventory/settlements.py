"""Reservations settled in batches: the worker's batch form of commit, release and cancel.

A run of payment outcomes and cancellations (:mod:`subgraphs.inventory.handlers`) is applied
in ONE transaction with the same state machine as :class:`ReservationService` applies one
event at a time (see :mod:`subgraphs.inventory.reservations`):

* the event ids are claimed in the inbox together (a redelivered event changes nothing);
* the orders' reservation rows are locked in order-id order, then every stock row of their
  products once, in primary-key order (the lock order of the one-event path, so the two
  cannot deadlock), and each stock row gets one update with the run's summed deltas;
* the ledger keeps one row per order and line, each with the values after it, as if the
  events had been applied one by one in delivery order;
* each product touched gets one ``StockChanged`` with its totals after the run.

A refusal (no reservation, commit after a release, release after a commit…) is returned,
not raised: the other events of the run still apply, and the refused event's inbox claim
is dropped, as when the one-event path rolls back its refusal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Row, delete
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.events.inbox import claim_many
from subgraphs.inventory import repository
from subgraphs.inventory.domain import MovementKind, ReservationStatus
from subgraphs.inventory.models import inbox
from subgraphs.inventory.repository import (
    StockConflict,
    announce_levels,
    lock_stock,
    movement_values,
    retrying,
    totals_after,
)
from subgraphs.inventory.reservations import (
    COMMIT,
    CONSUMER,
    RELEASE,
    RESTOCK,
    Finish,
)
from subgraphs.inventory.service import Clock, utc_now


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
    locked = await lock_stock(
        session, [line.product_id for c in changes for line in held[c.order_id]]
    )
    level: dict[tuple[str, str], list[int]] = {
        (row.product_id, row.warehouse_id): [int(row.on_hand), int(row.reserved)] for row in locked
    }
    deltas: dict[tuple[str, str], tuple[int, int]] = {}
    movements: list[dict[str, Any]] = []
    per_product: dict[str, list[tuple[MovementKind, str]]] = defaultdict(list)
    for change in changes:
        _target, kind, on_hand_sign, reserved_sign = change.finish
        for line in held[change.order_id]:
            key = (line.product_id, line.warehouse_id)
            if key not in level:
                raise StockConflict(f"stock of {line.product_id} vanished concurrently")
            on_hand_delta = on_hand_sign * line.quantity
            reserved_delta = reserved_sign * line.quantity
            level[key][0] += on_hand_delta
            level[key][1] += reserved_delta
            before = deltas.get(key, (0, 0))
            deltas[key] = (before[0] + on_hand_delta, before[1] + reserved_delta)
            movements.append(
                _movement(line, kind, on_hand_delta, reserved_delta, now, change.order_id)
                | {"on_hand_after": level[key][0], "reserved_after": level[key][1]}
            )
            per_product[line.product_id].append((kind, change.order_id))
    await repository.apply_stock_deltas(session, deltas, now)
    await repository.record_many(session, movements)
    totals = totals_after(locked, [(p, oh, r) for (p, _w), (oh, r) in deltas.items()])
    for product_id, touched in sorted(per_product.items()):
        kind, order_id = touched[-1]
        only_order = order_id if all(o == order_id for _, o in touched) else None
        await announce_levels(session, {product_id: totals[product_id]}, kind, order_id=only_order)


def _movement(
    line: Row[Any],
    kind: MovementKind,
    on_hand_delta: int,
    reserved_delta: int,
    now: datetime,
    order_id: str,
) -> dict[str, Any]:
    return movement_values(
        product_id=line.product_id,
        warehouse_id=line.warehouse_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        now=now,
        reason=None,
        order_id=order_id,
        actor=None,
    )
