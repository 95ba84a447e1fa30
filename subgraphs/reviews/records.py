"""Plain records the service returns (no SQLAlchemy rows or GraphQL types leak out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    APPROVED = "APPROVED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"


class ReviewSort(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    HIGHEST = "HIGHEST"
    LOWEST = "LOWEST"


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: str
    product_id: str
    author_id: str
    rating: int
    title: str
    body: str
    status: Status
    hold_reason: str | None
    rejection_reason: str | None
    verified_purchase: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ReviewRecord:
        return cls(
            id=row.id,
            product_id=row.product_id,
            author_id=row.author_id,
            rating=row.rating,
            title=row.title,
            body=row.body,
            status=Status(row.status),
            hold_reason=row.hold_reason,
            rejection_reason=row.rejection_reason,
            verified_purchase=bool(row.verified_purchase),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """Aggregates over a product's APPROVED reviews."""

    count: int
    histogram: dict[int, int]  # stars (1..5) -> count, every star present
    total: int  # sum of ratings

    @classmethod
    def empty(cls) -> RatingSummary:
        return cls(count=0, histogram={stars: 0 for stars in range(1, 6)}, total=0)


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """Up to ``size`` reviews in order, their cursors, and whether more follow."""

    items: list[ReviewRecord]
    cursors: list[str]
    has_next: bool
    has_previous: bool
