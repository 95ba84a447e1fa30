"""Orders after they exist: reads, the status machine and who may do what (no GraphQL).

Every transition runs in one transaction: the order row (locked ``FOR UPDATE`` on
PostgreSQL, compare-and-set on ``version`` everywhere), a history row and the
``OrderStatusChanged`` outbox row (plus ``OrderCancelled`` when cancelling) commit
together. Event handlers pass their event id, claimed in the inbox in that same
transaction, so a redelivered event changes nothing.

* Customers cancel their own orders while ``PENDING`` or ``PAID``; a paid order is
  refunded by payments (``OrderCancelled.wasPaid``).
* Staff (``orders:manage``) read every order, fulfil paid ones and may cancel any.
* :meth:`OrderService.cancel_stale_pending` cancels orders left ``PENDING`` longer than
  :data:`PENDING_TIMEOUT` (the payment never came back): their stock is released by
  inventory on ``OrderCancelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from shopgraph.auth.principal import Principal, Scope
from shopgraph.db import Database
from shopgraph.errors import BadUserInput, DomainError
from shopgraph.events.inbox import claim
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from shopgraph.pagination import Page, decode_cursor, page_size
from subgraphs.orders import events, repository
from subgraphs.orders.domain import (
    SYSTEM,
    HistoryEntry,
    Order,
    OrderStatus,
    can_transition,
    normalize_order_id,
    validate_reason,
)
from subgraphs.orders.models import inbox, outbox

log = get_logger(__name__)

PENDING_TIMEOUT: Final = timedelta(minutes=30)
SWEEP_BATCH: Final = 200
STALE_REASON: Final = "payment not completed within 30 minutes"
MAX_CONFLICT_RETRIES: Final = 5

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_staff(principal: Principal) -> bool:
    return principal.has_scope(Scope.ORDERS_MANAGE)


def may_read(principal: Principal, order: Order) -> bool:
    """The owner, staff with ``orders:manage`` and internal services."""
    return (
        (principal.is_user and principal.subject == order.user_id)
        or is_staff(principal)
        or principal.has_scope(Scope.INTERNAL)
    )


def actor_of(principal: Principal) -> str:
    if principal.is_service:
        return principal.subject
    if is_staff(principal):
        return f"staff:{principal.subject}"
    return principal.subject


@dataclass(frozen=True, slots=True)
class Transition:
    """What a transition did: ``order`` after it, or why nothing changed."""

    order: Order | None
    applied: bool
    reason: str = ""  # "duplicate" (inbox), "missing", "illegal" when not applied


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: OrderStatus | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def _cursor_key(after: str | None) -> tuple[datetime, str] | None:
    if after is None:
        return None
    at, order_id = decode_cursor(after, arity=2)
    try:
        return datetime.fromisoformat(str(at)).astimezone(UTC), str(order_id)
    except ValueError:
        raise BadUserInput("invalid cursor") from None


class OrderService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = utc_now,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.on_commit = on_commit

    def _committed(self) -> None:
        if self.on_commit is not None:
            self.on_commit()

    # -- reads ---------------------------------------------------------------------------

    async def get(self, order_id: str) -> Order | None:
        oid = normalize_order_id(order_id)
        if oid is None:
            return None
        async with self.db.session() as session:
            return await repository.load_order(session, oid)

    async def get_many(self, ids: Sequence[str]) -> list[Order | None]:
        """DataLoader batch function: one answer per id, in order."""
        wanted = {i: normalize_order_id(i) for i in ids}
        async with self.db.session() as session:
            found = await repository.load_orders(
                session, sorted({v for v in wanted.values() if v is not None})
            )
        return [found.get(wanted[i] or "") for i in ids]

    async def history_many(self, ids: Sequence[str]) -> list[list[HistoryEntry]]:
        async with self.db.session() as session:
            found = await repository.load_history(session, list(dict.fromkeys(ids)))
        return [found.get(i, []) for i in ids]

    async def readable(self, principal: Principal, order_id: str) -> Order | None:
        """The order if ``principal`` may see it; None otherwise (no difference between
        "does not exist" and "not yours", so ids cannot be probed)."""
        order = await self.get(order_id)
        return order if order is not None and may_read(principal, order) else None

    async def page(
        self,
        *,
        first: int | None,
        after: str | None,
        user_id: str | None = None,
        filter: OrderFilter | None = None,
    ) -> Page[Order]:
        size = page_size(first)
        f = filter or OrderFilter()
        async with self.db.session() as session:
            rows = await repository.page_orders(
                session,
                size=size,
                after=_cursor_key(after),
                user_id=user_id,
                status=f.status,
                created_from=f.created_from,
                created_to=f.created_to,
            )
        return Page.from_overfetch(rows, size, after=after)

    # -- transitions ---------------------------------------------------------------------

    async def transition(
        self,
        order_id: str,
        target: OrderStatus,
        *,
        actor: str,
        reason: str | None = None,
        event_id: str | None = None,
        consumer: str | None = None,
        allowed: Callable[[Order], DomainError | None] | None = None,
    ) -> Transition:
        """Move ``order_id`` to ``target`` (history + events in the same transaction).

        Refusals are results, not exceptions: ``missing`` (no such order), ``illegal``
        (the machine forbids it, or ``allowed`` said no: ``DomainError`` raised after the
        rollback), ``duplicate`` (``event_id`` already claimed by ``consumer``).
        """
        oid = normalize_order_id(order_id)
        if oid is None:
            return Transition(None, False, "missing")
        for _ in range(MAX_CONFLICT_RETRIES):
            try:
                done = await self._transition_once(
                    oid, target, actor, reason, event_id, consumer, allowed
                )
            except _Conflict:
                continue  # changed meanwhile: look again
            if done.applied:
                self._committed()
            return done
        raise RuntimeError(f"order {oid} kept changing; gave up after {MAX_CONFLICT_RETRIES}")

    async def _transition_once(
        self,
        oid: str,
        target: OrderStatus,
        actor: str,
        reason: str | None,
        event_id: str | None,
        consumer: str | None,
        allowed: Callable[[Order], DomainError | None] | None,
    ) -> Transition:
        async with self.db.transaction() as session:
            if (
                event_id is not None
                and consumer is not None
                and not await claim(session, inbox, consumer, event_id)
            ):
                return Transition(None, False, "duplicate")
            order = await repository.load_order(session, oid, lock=self.db.is_postgres)
            if order is None:
                return Transition(None, False, "missing")
            refusal = allowed(order) if allowed is not None else None
            if refusal is not None:
                raise refusal
            if not can_transition(order.status, target):
                return Transition(order, False, "illegal")
            now = self.clock()
            if not await repository.change_status(session, order, target, now, reason):
                raise _Conflict
            await repository.add_history(session, oid, target, order.status, actor, reason, now)
            version = order.version + 1
            await add_to_outbox(
                session,
                outbox,
                events.STATUS_TOPIC,
                events.status_changed(order, target, version, actor, now),
            )
            if target is OrderStatus.CANCELLED:
                await add_to_outbox(
                    session, outbox, events.TOPIC, events.order_cancelled(order, reason)
                )
            updated = await repository.load_order(session, oid)
        return Transition(updated, True)

    async def cancel(self, principal: Principal, order_id: str, reason: str | None) -> Order:
        """Owner (or staff) cancels a ``PENDING`` or ``PAID`` order."""
        text = validate_reason(reason)

        def check(order: Order) -> DomainError | None:
            if not (principal.subject == order.user_id or is_staff(principal)):
                return _not_found()
            return None

        done = await self.transition(
            order_id,
            OrderStatus.CANCELLED,
            actor=actor_of(principal),
            reason=text or "cancelled by the customer",
            allowed=check,
        )
        return _outcome(done, OrderStatus.CANCELLED)

    async def fulfill(self, principal: Principal, order_id: str) -> Order:
        done = await self.transition(order_id, OrderStatus.FULFILLED, actor=actor_of(principal))
        return _outcome(done, OrderStatus.FULFILLED)

    async def cancel_stale_pending(self, now: datetime | None = None) -> list[str]:
        """Cancel every order ``PENDING`` since before ``now - PENDING_TIMEOUT``; the ids this
        call cancelled (an order racing its payment is left to whichever commits first)."""
        cutoff = (now or self.clock()) - PENDING_TIMEOUT
        cancelled: list[str] = []
        while True:
            async with self.db.session() as session:
                due = await repository.stale_pending_ids(session, cutoff, SWEEP_BATCH)
            for order_id in due:
                done = await self.transition(
                    order_id, OrderStatus.CANCELLED, actor=SYSTEM, reason=STALE_REASON
                )
                if done.applied:
                    cancelled.append(order_id)
            if len(due) < SWEEP_BATCH:
                break
        if cancelled:
            log.info("stale_orders_cancelled", count=len(cancelled))
        return cancelled


class _Conflict(Exception):
    """The order's version moved between the read and the update."""


def _not_found() -> DomainError:
    return DomainError("NOT_FOUND", "no such order", "id")


def _outcome(done: Transition, target: OrderStatus) -> Order:
    if done.reason == "missing" or done.order is None:
        raise _not_found()
    if not done.applied:
        raise DomainError(
            "ILLEGAL_TRANSITION",
            f"an order that is {done.order.status.value} cannot become {target.value}",
            "id",
        )
    return done.order
