"""Input rules of reviews: trimmed text within limits, a rating of 1 to 5, UUID ids."""

from __future__ import annotations

import uuid
from typing import Final

from shopgraph.errors import DomainError
from subgraphs.reviews.models import BODY_MAX, REASON_MAX, TITLE_MAX

INVALID_RATING: Final = "INVALID_RATING"
INVALID_TITLE: Final = "INVALID_TITLE"
INVALID_BODY: Final = "INVALID_BODY"
INVALID_REASON: Final = "INVALID_REASON"
INVALID_PRODUCT_ID: Final = "INVALID_PRODUCT_ID"
RATING_MIN: Final = 1
RATING_MAX: Final = 5


def rating(value: int) -> int:
    if not RATING_MIN <= value <= RATING_MAX:
        raise DomainError(
            INVALID_RATING, f"Rating must be between {RATING_MIN} and {RATING_MAX}", "rating"
        )
    return value


def _text(value: str, *, maximum: int, code: str, field: str, label: str) -> str:
    trimmed = value.strip()
    if not trimmed:
        raise DomainError(code, f"{label} must not be empty", field)
    if len(trimmed) > maximum:
        raise DomainError(code, f"{label} must be at most {maximum} characters", field)
    return trimmed


def title(value: str) -> str:
    return _text(value, maximum=TITLE_MAX, code=INVALID_TITLE, field="title", label="Title")


def body(value: str) -> str:
    return _text(value, maximum=BODY_MAX, code=INVALID_BODY, field="body", label="Body")


def reason(value: str) -> str:
    return _text(value, maximum=REASON_MAX, code=INVALID_REASON, field="reason", label="Reason")


def product_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise DomainError(
            INVALID_PRODUCT_ID, "productId must be a product's id (a UUID)", "productId"
        ) from None


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
