"""Settling held units on the stock rows: the moves of commits, releases, expiries and
restocks (in delivery order) applied with their ledger rows and one ``StockChanged`` per
product.

On PostgreSQL :func:`move_stock` is ONE statement (data-modifying CTEs), meant to be the
last of its transaction (the reservation rows and inbox claims come before it), so a popular
product's stock row is locked only while PostgreSQL runs that statement and the COMMIT that
follows, never across the other round trips of a settlement (docs/architecture.md §6):

* ``locked``: every stock row of the products moved, locked ``FOR UPDATE`` in primary-key
  order (the lock order of every path, so no deadlock), each with the run's summed deltas
  (zero for a warehouse the run does not touch: locked so the totals are exact);
* ``changed``: one update per row adding its deltas to its latest values (a row changed
  since the statement's snapshot is re-read under the lock); ``RETURNING`` gives the
  values after the whole run;
* the ledger rows, in delivery order: each row's values after are the row's final values
  minus the deltas of the run's later moves of that row, which is what applying the moves
  one by one gives, since no one else can change the row until the COMMIT;
* each product's ``StockChanged`` with its totals summed from ``changed``.

An update the CHECK constraints refuse (never, for held units) raises, and a stock row that
vanished is :class:`~subgraphs.inventory.repository.StockConflict`: the transaction rolls
back for a retry. Elsewhere (SQLite, one writer) the same rows are written statement by
statement.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    func,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from subgraphs.inventory import repository
from subgraphs.inventory.announcements import announced_from
from subgraphs.inventory.domain import MovementKind, StockLevel
from subgraphs.inventory.models import outbox, stock, stock_movements
from subgraphs.inventory.repository import (
    StockConflict,
    announce_levels,
    lock_stock,
    movement_values,
    stock_changed,
    totals_after,
)


@dataclass(frozen=True, slots=True)
class Move:
    """One ledger row's change of one stock row, for one order."""

    order_id: str
    product_id: str
    warehouse_id: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.product_id, self.warehouse_id)


def moves_of(
    order_id: str,
    held: Iterable[Any],
    kind: MovementKind,
    on_hand_sign: int,
    reserved_sign: int,
) -> list[Move]:
    """The moves finishing ``order_id``'s reservation, one per held line (a row with
    ``product_id``, ``warehouse_id`` and ``quantity``)."""
    return [
        Move(
            order_id,
            line.product_id,
            line.warehouse_id,
            kind,
            on_hand_sign * line.quantity,
            reserved_sign * line.quantity,
        )
        for line in held
    ]


async def move_stock(session: AsyncSession, moves: Sequence[Move], now: datetime) -> None:
    """Apply ``moves`` (in delivery order) with their ledger rows and announce each product's
    totals after them; on PostgreSQL in one statement, to be the transaction's last."""
    if not moves:
        return
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await _move_in_one_statement(session, moves, now)
    else:
        await _move_row_by_row(session, moves, now)


def _announcement(moves: Sequence[Move]) -> dict[str, tuple[MovementKind, str | None]]:
    """Per product, the ``StockChanged``'s reason (the kind of its last move) and order id
    (when every move of the product is one order's)."""
    per_product: dict[str, list[Move]] = defaultdict(list)
    for move in moves:
        per_product[move.product_id].append(move)
    announced: dict[str, tuple[MovementKind, str | None]] = {}
    for product_id, touched in sorted(per_product.items()):
        last = touched[-1]
        only_order = last.order_id if all(m.order_id == last.order_id for m in touched) else None
        announced[product_id] = (last.kind, only_order)
    return announced


def _summed(moves: Sequence[Move]) -> dict[tuple[str, str], tuple[int, int]]:
    deltas: dict[tuple[str, str], tuple[int, int]] = {}
    for move in moves:
        on_hand, reserved = deltas.get(move.key, (0, 0))
        deltas[move.key] = (on_hand + move.on_hand_delta, reserved + move.reserved_delta)
    return dict(sorted(deltas.items()))


# -- PostgreSQL: one statement -------------------------------------------------------------

_DELTAS: Final[dict[str, TypeEngine[Any]]] = {
    "product_id": String(),
    "warehouse_id": String(),
    "on_hand_delta": Integer(),
    "reserved_delta": Integer(),
}
_LEDGER: Final[dict[str, TypeEngine[Any]]] = {
    "ordinal": Integer(),
    "id": String(),
    "product_id": String(),
    "warehouse_id": String(),
    "kind": String(),
    "on_hand_delta": Integer(),
    "reserved_delta": Integer(),
    "order_id": String(),
    "on_hand_later": Integer(),  # the deltas of the run's later moves of the same row
    "reserved_later": Integer(),
}
_EVENTS: Final[dict[str, TypeEngine[Any]]] = {
    "product_id": String(),
    "event_id": String(),
    "event": Text(),
}


async def _move_in_one_statement(
    session: AsyncSession, moves: Sequence[Move], now: datetime
) -> None:
    deltas = _summed(moves)
    announcement = _announcement(moves)
    parameters: dict[str, Any] = {"now": now, "announced_at": datetime.now(UTC)}
    parameters |= _numbered(
        "k",
        [
            {"product_id": p, "warehouse_id": w, "on_hand_delta": dh, "reserved_delta": dr}
            for (p, w), (dh, dr) in deltas.items()
        ],
    )
    parameters |= _numbered("m", _ledger_rows(moves))
    parameters |= _numbered(
        "e",
        [
            {"product_id": product_id, "event_id": event.id, "event": event.to_bytes().decode()}
            for product_id, (kind, order_id) in announcement.items()
            for event in [stock_changed(StockLevel(product_id), kind, order_id=order_id)]
        ],
    )
    statement = _move_statement(len(deltas), len(moves), len(announcement))
    if await session.scalar(statement, parameters) != len(deltas):
        raise StockConflict("a stock row settled vanished concurrently")


def _ledger_rows(moves: Sequence[Move]) -> list[dict[str, Any]]:
    """One row per move, in delivery order, with the deltas of the run's later moves of the
    same stock row (its values after = the row's final values minus those)."""
    later: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    rows: list[dict[str, Any]] = []
    for ordinal, move in reversed(list(enumerate(moves))):
        on_hand_later, reserved_later = later[move.key]
        rows.append(
            {
                "ordinal": ordinal,
                "id": str(uuid.uuid4()),
                "product_id": move.product_id,
                "warehouse_id": move.warehouse_id,
                "kind": move.kind.value,
                "on_hand_delta": move.on_hand_delta,
                "reserved_delta": move.reserved_delta,
                "order_id": move.order_id,
                "on_hand_later": on_hand_later,
                "reserved_later": reserved_later,
            }
        )
        later[move.key] = (
            on_hand_later + move.on_hand_delta,
            reserved_later + move.reserved_delta,
        )
    return rows[::-1]


def _numbered(prefix: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of :func:`_parameter_rows` ``prefix`` for ``rows``."""
    return {f"{prefix}{i}_{key}": value for i, row in enumerate(rows) for key, value in row.items()}


def _parameter_rows(
    prefix: str, types: dict[str, TypeEngine[Any]], count: int
) -> Select[Any] | CompoundSelect[Any]:
    """``count`` rows of parameters (``{prefix}{i}_{column}``) as a SELECT."""
    selects = [
        select(*(bindparam(f"{prefix}{i}_{key}", type_=t).label(key) for key, t in types.items()))
        for i in range(count)
    ]
    return selects[0] if count == 1 else union_all(*selects)


@functools.lru_cache(maxsize=256)
def _move_statement(rows: int, moves: int, products: int) -> Select[Any]:
    """The statement for ``moves`` moves of ``rows`` stock rows of ``products`` products,
    built once per shape: its values are parameters, so a settlement spends no CPU
    building and walking the expression (SQLAlchemy caches its compiled form)."""
    now = bindparam("now", type_=stock.c.updated_at.type)
    wanted = _parameter_rows("k", _DELTAS, rows).cte("wanted")
    is_wanted = and_(
        wanted.c.product_id == stock.c.product_id, wanted.c.warehouse_id == stock.c.warehouse_id
    )
    locked = (
        select(
            stock.c.product_id,
            stock.c.warehouse_id,
            func.coalesce(wanted.c.on_hand_delta, 0).label("on_hand_delta"),
            func.coalesce(wanted.c.reserved_delta, 0).label("reserved_delta"),
            wanted.c.product_id.is_not(None).label("touched"),
        )
        .select_from(stock.outerjoin(wanted, is_wanted))
        .where(stock.c.product_id.in_(select(wanted.c.product_id)))
        .order_by(stock.c.product_id, stock.c.warehouse_id)
        .with_for_update(of=stock)
        .cte("locked")
    )
    changed = (
        stock.update()
        .where(
            stock.c.product_id == locked.c.product_id,
            stock.c.warehouse_id == locked.c.warehouse_id,
        )
        .values(
            on_hand=stock.c.on_hand + locked.c.on_hand_delta,
            reserved=stock.c.reserved + locked.c.reserved_delta,
            updated_at=case((locked.c.touched, now), else_=stock.c.updated_at),
        )
        .returning(
            stock.c.product_id,
            stock.c.warehouse_id,
            stock.c.on_hand,
            stock.c.reserved,
            locked.c.touched,
        )
        .cte("changed")
    )
    return (
        select(func.count())
        .select_from(changed)
        .where(changed.c.touched)
        .add_cte(_recorded(changed, moves, now), _announced(changed, products))
    )


def _recorded(changed: Any, moves: int, now: Any) -> Any:
    ledger = _parameter_rows("m", _LEDGER, moves).subquery("ledger")
    values: dict[str, Any] = {
        "id": ledger.c.id,
        "product_id": ledger.c.product_id,
        "warehouse_id": ledger.c.warehouse_id,
        "kind": ledger.c.kind,
        "on_hand_delta": ledger.c.on_hand_delta,
        "reserved_delta": ledger.c.reserved_delta,
        "order_id": ledger.c.order_id,
        "created_at": now,
        "on_hand_after": changed.c.on_hand - ledger.c.on_hand_later,
        "reserved_after": changed.c.reserved - ledger.c.reserved_later,
    }
    in_delivery_order = (
        select(*values.values())
        .select_from(
            ledger.join(
                changed,
                and_(
                    changed.c.product_id == ledger.c.product_id,
                    changed.c.warehouse_id == ledger.c.warehouse_id,
                ),
            )
        )
        .order_by(ledger.c.ordinal)
    )
    return stock_movements.insert().from_select(list(values), in_delivery_order).cte("recorded")


def _announced(changed: Any, products: int) -> Any:
    events = _parameter_rows("e", _EVENTS, products).subquery("events")
    totals = (
        select(
            changed.c.product_id,
            func.sum(changed.c.on_hand).label("on_hand"),
            func.sum(changed.c.reserved).label("reserved"),
        )
        .group_by(changed.c.product_id)
        .subquery("totals")
    )
    filled = select(
        totals.c.product_id,
        totals.c.on_hand,
        totals.c.reserved,
        events.c.event_id,
        events.c.event,
    ).join_from(totals, events, events.c.product_id == totals.c.product_id)
    announced_at = bindparam("announced_at", type_=outbox.c.created_at.type)
    return announced_from(filled.subquery("filled"), announced_at)


# -- elsewhere: statement by statement ------------------------------------------------------


async def _move_row_by_row(session: AsyncSession, moves: Sequence[Move], now: datetime) -> None:
    deltas = _summed(moves)
    locked = await lock_stock(session, [product_id for product_id, _ in deltas])
    level = {
        (row.product_id, row.warehouse_id): (int(row.on_hand), int(row.reserved)) for row in locked
    }
    ledger: list[dict[str, Any]] = []
    for move in moves:
        if move.key not in level:
            raise StockConflict(f"stock of {move.product_id} vanished concurrently")
        on_hand, reserved = level[move.key]
        level[move.key] = (on_hand + move.on_hand_delta, reserved + move.reserved_delta)
        ledger.append(
            movement_values(
                product_id=move.product_id,
                warehouse_id=move.warehouse_id,
                kind=move.kind,
                on_hand_delta=move.on_hand_delta,
                reserved_delta=move.reserved_delta,
                now=now,
                reason=None,
                order_id=move.order_id,
                actor=None,
            )
            | {"on_hand_after": level[move.key][0], "reserved_after": level[move.key][1]}
        )
    await repository.apply_stock_deltas(session, deltas, now)
    await repository.record_many(session, ledger)
    totals = totals_after(locked, [(p, dh, dr) for (p, _w), (dh, dr) in deltas.items()])
    for product_id, (kind, order_id) in _announcement(moves).items():
        await announce_levels(session, {product_id: totals[product_id]}, kind, order_id=order_id)
