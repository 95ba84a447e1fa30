"""Stock levels, warehouses and the staff operations on them (no GraphQL here).

Staff rules:

* ``set_stock`` sets on-hand in one warehouse (``DEFAULT`` unless named); it may not go
  below what is reserved there (``STOCK_BELOW_RESERVED``) or below zero
  (``INVALID_QUANTITY``). Setting the current value changes nothing and records nothing.
* ``adjust_stock`` adds a signed ``delta`` with a mandatory ``reason`` (a stock count, a
  damaged unit, a delivery…); the same limits apply.
* Every change writes a ``stock_movements`` row and a ``StockChanged`` event with the
  product's new totals, in the same transaction.

Reservations (the checkout's side) are in :mod:`subgraphs.inventory.reservations`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import BadUserInput, DomainError
from shopgraph.pagination import Page, decode_cursor, page_size
from subgraphs.inventory import repository
from subgraphs.inventory.domain import (
    MAX_QUANTITY,
    Movement,
    MovementKind,
    StockLevel,
    Warehouse,
    product_id_of,
    quantity_of,
    reason_of,
    warehouse_code_of,
    warehouse_name_of,
)
from subgraphs.inventory.models import DEFAULT_WAREHOUSE_CODE
from subgraphs.inventory.repository import (
    announce_stock,
    change_stock,
    lock_stock,
    movement_values,
    record,
    retrying,
)
from subgraphs.inventory.repository import totals as stock_totals

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


async def warehouse_by_code(session: AsyncSession, code: str, field: str) -> Warehouse:
    found = await repository.warehouse_with_code(session, code)
    if found is None:
        raise DomainError("WAREHOUSE_NOT_FOUND", f"no warehouse with code {code!r}", field)
    return found


class InventoryService:
    def __init__(
        self, db: Database, *, clock: Clock = utc_now, on_commit: Callable[[], None] | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_commit = on_commit

    # -- reads -------------------------------------------------------------------------

    async def stock_levels(self, product_ids: Sequence[str]) -> list[StockLevel]:
        """Totals per product in the order asked (DataLoader batch function: one query)."""
        async with self.db.session() as session:
            levels = await stock_totals(session, product_ids)
        return [levels[pid] for pid in product_ids]

    async def stock_level(self, product_id: str) -> StockLevel:
        return (await self.stock_levels([product_id]))[0]

    async def list_warehouses(self) -> list[Warehouse]:
        async with self.db.session() as session:
            return await repository.all_warehouses(session)

    async def movements(
        self, product_id: str, *, first: int | None = None, after: str | None = None
    ) -> Page[Movement]:
        """A product's ledger, newest first (keyset on the ledger sequence)."""
        pid = product_id_of(product_id)
        size = page_size(first)
        before_seq: int | None = None
        if after is not None:
            (seq,) = decode_cursor(after, arity=1)
            if not isinstance(seq, int) or isinstance(seq, bool):
                raise BadUserInput("invalid cursor")
            before_seq = seq
        async with self.db.session() as session:
            found = await repository.movements(session, pid, limit=size + 1, before_seq=before_seq)
        return Page.from_overfetch(found, size, after=after)

    # -- staff writes ------------------------------------------------------------------

    async def create_warehouse(self, code: str, name: str) -> Warehouse:
        code = warehouse_code_of(code)
        name = warehouse_name_of(name)

        async def work(session: AsyncSession) -> Warehouse:
            if await repository.warehouse_with_code(session, code) is not None:
                raise DomainError(
                    "WAREHOUSE_CODE_TAKEN", f"a warehouse {code!r} already exists", "code"
                )
            created = Warehouse(str(uuid.uuid4()), code, name, self.clock())
            await repository.insert_warehouse(session, created)
            return created

        return await retrying(self.db, work)

    async def set_stock(
        self,
        product_id: str,
        quantity: int,
        *,
        warehouse_code: str | None = None,
        actor: str | None = None,
        kind: MovementKind = MovementKind.SET,
        reason: str | None = None,
    ) -> StockLevel:
        pid = product_id_of(product_id)
        target = quantity_of(quantity)
        code = warehouse_code_of(warehouse_code or DEFAULT_WAREHOUSE_CODE, "warehouseCode")
        return await self._change(pid, code, lambda _on_hand: target, kind, reason, actor)

    async def adjust_stock(
        self,
        product_id: str,
        delta: int,
        reason: str,
        *,
        warehouse_code: str | None = None,
        actor: str | None = None,
    ) -> StockLevel:
        pid = product_id_of(product_id)
        if delta == 0 or abs(delta) > MAX_QUANTITY:
            raise DomainError(
                "INVALID_QUANTITY", f"delta must be non-zero and at most {MAX_QUANTITY}", "delta"
            )
        note = reason_of(reason)
        code = warehouse_code_of(warehouse_code or DEFAULT_WAREHOUSE_CODE, "warehouseCode")
        return await self._change(
            pid, code, lambda on_hand: on_hand + delta, MovementKind.ADJUST, note, actor, "delta"
        )

    async def _change(
        self,
        pid: str,
        code: str,
        target_of: Callable[[int], int],
        kind: MovementKind,
        reason: str | None,
        actor: str | None,
        field: str = "quantity",
    ) -> StockLevel:
        async def work(session: AsyncSession) -> StockLevel:
            warehouse = await warehouse_by_code(session, code, "warehouseCode")
            rows = await lock_stock(session, [pid], warehouse.id)
            on_hand, reserved = (rows[0].on_hand, rows[0].reserved) if rows else (0, 0)
            target = target_of(on_hand)
            if not 0 <= target <= MAX_QUANTITY:
                raise DomainError(
                    "INVALID_QUANTITY",
                    f"on-hand stock must stay between 0 and {MAX_QUANTITY} (it is {on_hand})",
                    field,
                )
            if target < reserved:
                raise DomainError(
                    "STOCK_BELOW_RESERVED",
                    f"{reserved} units are reserved in {code}: on-hand cannot go below that",
                    field,
                )
            now = self.clock()
            if not rows:
                await repository.insert_stock(
                    session, product_id=pid, warehouse_id=warehouse.id, on_hand=target, now=now
                )
                movement = movement_values(
                    product_id=pid,
                    warehouse_id=warehouse.id,
                    kind=kind,
                    on_hand_delta=target,
                    reserved_delta=0,
                    now=now,
                    reason=reason,
                    order_id=None,
                    actor=actor,
                )
                await record(session, movement, on_hand_after=target, reserved_after=0)
            elif target != on_hand:
                await change_stock(
                    session,
                    product_id=pid,
                    warehouse_id=warehouse.id,
                    on_hand_delta=target - on_hand,
                    reserved_delta=0,
                    kind=kind,
                    now=now,
                    reason=reason,
                    actor=actor,
                )
            else:
                return (await stock_totals(session, [pid]))[pid]
            levels = await announce_stock(session, [pid], kind, note=reason)
            return levels[pid]

        return await retrying(self.db, work, after_commit=self.on_commit)
