"""The reviews domain: adding, editing, deleting and moderating reviews, verified purchases.

Every write is one transaction; the events it causes (``reviews`` topic, docs/events.md)
are written to the outbox in that same transaction. No GraphQL here: callers pass the
acting user's id and whether they moderate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Database
from shopgraph.errors import BadUserInput, DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.inbox import claim_many
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.reviews import moderation, repository, validation
from subgraphs.reviews.models import inbox, outbox
from subgraphs.reviews.records import RatingSummary, ReviewPage, ReviewRecord, Status

log = get_logger(__name__)

TOPIC: Final = "reviews"
REVIEW_EXISTS: Final = "REVIEW_EXISTS"
NOT_FOUND: Final = "NOT_FOUND"
FORBIDDEN: Final = "FORBIDDEN"
PURCHASES_CONSUMER: Final = "reviews.purchases"

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Edit:
    """Fields to change; ``None`` keeps the current value."""

    rating: int | None = None
    title: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a user id (or None) and whether they moderate reviews."""

    user_id: str | None = None
    moderator: bool = False

    def sees_everything_of(self, author_id: str) -> bool:
        return self.moderator or (self.user_id is not None and self.user_id == author_id)

    def may_see(self, record: ReviewRecord) -> bool:
        return record.status is Status.APPROVED or self.sees_everything_of(record.author_id)


class ReviewService:
    def __init__(
        self,
        db: Database,
        *,
        on_commit: Callable[[], None] | None = None,
        clock: Clock = _now,
    ) -> None:
        self.db = db
        self._on_commit = on_commit or (lambda: None)
        self._clock = clock

    # -- writes ------------------------------------------------------------------------

    async def add_review(
        self, *, author_id: str, product_id: str, rating: int, title: str, body: str
    ) -> ReviewRecord:
        product = validation.product_id(product_id)
        stars = validation.rating(rating)
        clean_title = validation.title(title)
        clean_body = validation.body(body)
        hold = moderation.hold_reason(clean_title, clean_body)
        status = Status.PENDING if hold else Status.APPROVED
        now = self._clock()
        review_id = str(uuid.uuid4())
        try:
            async with self.db.transaction() as session:
                await repository.lock_user(session, author_id, postgres=self.db.is_postgres)
                if await repository.review_id_of(session, product, author_id) is not None:
                    raise _exists()
                bought = await repository.has_purchased(session, author_id, product)
                record = await repository.insert_review(
                    session,
                    {
                        "id": review_id,
                        "product_id": product,
                        "author_id": author_id,
                        "rating": stars,
                        "title": clean_title,
                        "body": clean_body,
                        "status": status.value,
                        "hold_reason": hold,
                        "rejection_reason": None,
                        "verified_purchase": bought,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
                if status is Status.APPROVED:
                    await self._emit(session, "ReviewApproved", record)
        except IntegrityError:
            # uq_reviews_product_author: a concurrent add by the same author won the race.
            raise _exists() from None
        self._on_commit()
        log.info("review_added", review_id=review_id, status=status.value)
        return record

    async def edit_review(self, *, actor_id: str, review_id: str, edit: Edit) -> ReviewRecord:
        """The author changes their review; moderation runs again on the new text.

        A review edited after staff rejected it goes back to the queue (PENDING) even when
        the rules pass, so an edit cannot undo a moderator's decision on its own. An
        approved review whose title and body are unchanged (a rating-only edit) stays
        approved: its text passed moderation, possibly a moderator's."""
        stars = validation.rating(edit.rating) if edit.rating is not None else None
        new_title = validation.title(edit.title) if edit.title is not None else None
        new_body = validation.body(edit.body) if edit.body is not None else None
        async with self.db.transaction() as session:
            current = await self._owned(session, actor_id, review_id, for_update=True)
            title = new_title if new_title is not None else current.title
            body = new_body if new_body is not None else current.body
            text_changed = (title, body) != (current.title, current.body)
            if current.status is Status.APPROVED and not text_changed:
                hold = None  # only the rating changed: approved text stays approved
            else:
                hold = moderation.hold_reason(title, body)
            if hold is None and current.status is Status.REJECTED:
                hold = moderation.HOLD_RESUBMITTED
            status = Status.PENDING if hold else Status.APPROVED
            record = await repository.update_review(
                session,
                current.id,
                {
                    "rating": stars if stars is not None else current.rating,
                    "title": title,
                    "body": body,
                    "status": status.value,
                    "hold_reason": hold,
                    "rejection_reason": None,
                    "updated_at": self._clock(),
                },
            )
            if status is Status.APPROVED:
                await self._emit(session, "ReviewApproved", record)
            elif current.status is Status.APPROVED:
                # Back in the queue: it leaves the product's rating until a moderator decides.
                await self._emit(session, "ReviewHeld", record, hold_reason=hold)
        self._on_commit()
        return record

    async def delete_review(self, *, actor_id: str, review_id: str) -> ReviewRecord:
        async with self.db.transaction() as session:
            current = await self._owned(session, actor_id, review_id, for_update=True)
            await repository.delete_review(session, current.id)
            await self._emit(session, "ReviewDeleted", current)
        self._on_commit()
        return current

    async def approve(self, *, review_id: str) -> ReviewRecord:
        """Staff approve a held (or previously rejected) review; approving twice is a no-op."""
        async with self.db.transaction() as session:
            current = await self._existing(session, review_id, for_update=True)
            if current.status is Status.APPROVED:
                return current
            record = await repository.update_review(
                session,
                current.id,
                {
                    "status": Status.APPROVED.value,
                    "hold_reason": None,
                    "rejection_reason": None,
                    "updated_at": self._clock(),
                },
            )
            await self._emit(session, "ReviewApproved", record)
        self._on_commit()
        return record

    async def reject(self, *, review_id: str, reason: str) -> ReviewRecord:
        """Staff reject a review (held or already published) with a reason for its author."""
        clean_reason = validation.reason(reason)
        async with self.db.transaction() as session:
            current = await self._existing(session, review_id, for_update=True)
            record = await repository.update_review(
                session,
                current.id,
                {
                    "status": Status.REJECTED.value,
                    "hold_reason": None,
                    "rejection_reason": clean_reason,
                    "updated_at": self._clock(),
                },
            )
            await self._emit(session, "ReviewRejected", record, reason=clean_reason)
        self._on_commit()
        return record

    # -- verified purchases ----------------------------------------------------------------

    async def record_purchase(self, event: Event) -> bool:
        """Apply an ``OrderStatusChanged`` event: a PAID order makes its buyer a verified
        purchaser of its products (and their existing reviews verified). False when the
        event was already applied (a redelivery) or is not a payment."""
        return await self.record_purchases([event]) == 1

    async def record_purchases(self, events: Sequence[Event]) -> int:
        """:meth:`record_purchase` for a run of events in one transaction; how many were
        applied. The buyers are locked up front in one statement, in key order, so two runs
        cannot deadlock."""
        purchases = [p for p in map(_Purchase.of, events) if p is not None]
        if not purchases:
            return 0
        now = self._clock()
        applied: list[_Purchase] = []
        async with self.db.transaction() as session:
            await repository.lock_users(
                session, [p.user_id for p in purchases], postgres=self.db.is_postgres
            )
            fresh = await claim_many(
                session, inbox, PURCHASES_CONSUMER, [p.event_id for p in purchases]
            )
            for purchase in purchases:
                if purchase.event_id in fresh:
                    fresh.discard(purchase.event_id)  # an event given twice counts once
                    applied.append(purchase)
            await self._add_purchases(session, applied, now)
        for purchase in applied:
            log.info(
                "purchase_recorded", order_id=purchase.order_id, products=len(purchase.quantities)
            )
        return len(applied)

    async def _add_purchases(
        self, session: AsyncSession, applied: Sequence[_Purchase], now: datetime
    ) -> None:
        bought: dict[tuple[str, str], repository.Purchase] = {}
        for purchase in applied:
            for product, quantity in purchase.quantities.items():
                before = bought.get((purchase.user_id, product))
                total = quantity + (before.quantity if before else 0)
                bought[(purchase.user_id, product)] = repository.Purchase(
                    purchase.user_id, product, total, purchase.order_id
                )
        await repository.add_purchases(
            session, [bought[key] for key in sorted(bought)], postgres=self.db.is_postgres, now=now
        )
        verified: dict[str, set[str]] = {}
        for user_id, product in bought:
            verified.setdefault(user_id, set()).add(product)
        await repository.mark_verified(session, verified)

    async def purchased_quantity(self, user_id: str, product_id: str) -> int:
        async with self.db.session() as session:
            return await repository.purchased_quantity(session, user_id, product_id)

    # -- reads -------------------------------------------------------------------------

    async def get_many(self, ids: Sequence[str]) -> list[ReviewRecord | None]:
        valid = [i if validation.is_uuid(i) else "" for i in ids]
        async with self.db.session() as session:
            return await repository.by_ids(session, valid)

    async def ratings(self, product_ids: Sequence[str]) -> list[RatingSummary]:
        async with self.db.session() as session:
            return await repository.ratings(session, product_ids)

    async def by_product(
        self, keys: Sequence[repository.ListKey]
    ) -> list[ReviewPage | BadUserInput]:
        async with self.db.session() as session:
            return await repository.list_by(session, "product_id", keys)

    async def by_author(
        self, keys: Sequence[repository.ListKey]
    ) -> list[ReviewPage | BadUserInput]:
        async with self.db.session() as session:
            return await repository.list_by(session, "author_id", keys)

    async def moderation_queue(self, *, size: int, after: str | None) -> ReviewPage:
        async with self.db.session() as session:
            return await repository.queue(session, size, after)

    # -- helpers -----------------------------------------------------------------------

    async def _existing(
        self, session: AsyncSession, review_id: str, *, for_update: bool = False
    ) -> ReviewRecord:
        if not validation.is_uuid(review_id):
            raise _not_found()
        found = await repository.review(session, review_id, for_update=for_update)
        if found is None:
            raise _not_found()
        return found

    async def _owned(
        self, session: AsyncSession, actor_id: str, review_id: str, *, for_update: bool
    ) -> ReviewRecord:
        """The actor's own review. Someone else's review is FORBIDDEN when it is public,
        NOT_FOUND when it is not (a held review's existence is not revealed)."""
        record = await self._existing(session, review_id, for_update=for_update)
        if record.author_id != actor_id:
            if record.status is Status.APPROVED:
                raise DomainError(FORBIDDEN, "Only the author may change this review", "id")
            raise _not_found()
        return record

    async def _emit(
        self,
        session: AsyncSession,
        type_: str,
        record: ReviewRecord,
        reason: str | None = None,
        hold_reason: str | None = None,
    ) -> None:
        payload: dict[str, Any] = {
            "reviewId": record.id,
            "productId": record.product_id,
            "userId": record.author_id,
            "rating": record.rating,
        }
        # The product's approved-review aggregate after this change, so a consumer (search)
        # keeps a product's rating without replaying every review.
        (summary,) = await repository.ratings(session, [record.product_id])
        payload["productRatingCount"] = summary.count
        payload["productRatingTotal"] = summary.total
        if reason is not None:
            payload["reason"] = reason
        if hold_reason is not None:
            payload["holdReason"] = hold_reason
        await add_to_outbox(session, outbox, TOPIC, Event.new(type_, record.id, payload))


def _exists() -> DomainError:
    return DomainError(REVIEW_EXISTS, "You have already reviewed this product", "productId")


def _not_found() -> DomainError:
    return DomainError(NOT_FOUND, "No such review", "id")


@dataclass(frozen=True, slots=True)
class _Purchase:
    """A PAID ``OrderStatusChanged``: who bought how many of which products."""

    event_id: str
    order_id: str
    user_id: str
    quantities: dict[str, int]

    @staticmethod
    def of(event: Event) -> _Purchase | None:
        payload = event.payload
        if payload.get("status") != "PAID":
            return None
        quantities: dict[str, int] = {}
        for item in payload.get("items") or []:
            product = str(item["productId"])
            quantities[product] = quantities.get(product, 0) + int(item.get("quantity", 1))
        return _Purchase(event.id, str(payload["orderId"]), str(payload["userId"]), quantities)
