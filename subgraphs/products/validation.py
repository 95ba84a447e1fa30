"""Input rules for products and categories: pure functions, each raising ``DomainError``
with a stable code and the offending field (camelCase, as the client sent it)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

from shopgraph.errors import DomainError
from shopgraph.money import to_minor
from subgraphs.products.models import (
    CATEGORY_NAME_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    SKU_MAX,
    SLUG_MAX,
)

INVALID_NAME: Final = "INVALID_NAME"
INVALID_SKU: Final = "INVALID_SKU"
INVALID_SLUG: Final = "INVALID_SLUG"
INVALID_PRICE: Final = "INVALID_PRICE"
INVALID_DESCRIPTION: Final = "INVALID_DESCRIPTION"
INVALID_WEIGHT: Final = "INVALID_WEIGHT"
INVALID_IMAGE: Final = "INVALID_IMAGE"
INVALID_ATTRIBUTE: Final = "INVALID_ATTRIBUTE"

MAX_IMAGES: Final = 20
MAX_ATTRIBUTES: Final = 50
URL_MAX: Final = 2048
ALT_TEXT_MAX: Final = 300
ATTRIBUTE_NAME_MAX: Final = 100
ATTRIBUTE_VALUE_MAX: Final = 500
MAX_WEIGHT_GRAMS: Final = 1_000_000  # a tonne

_SKU = re.compile(r"^[A-Z0-9](?:[A-Z0-9._-]*[A-Z0-9])?$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ProductStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt_text: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"url": self.url, "altText": self.alt_text}


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value}


def slugify(text: str, *, fallback: str = "item") -> str:
    """``"Chef's Knife!"`` → ``"chefs-knife"``: ASCII, lower case, hyphen-separated."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    # Leave room for a de-duplicating suffix ("-12").
    slug = slug[: SLUG_MAX - 12].rstrip("-")
    return slug or fallback


def with_suffix(base: str, n: int) -> str:
    return base if n <= 1 else f"{base}-{n}"


def validate_slug(value: str, field: str = "slug") -> str:
    slug = value.strip().lower()
    if not slug or len(slug) > SLUG_MAX or not _SLUG.match(slug):
        raise DomainError(
            INVALID_SLUG, "Slug must be lower-case letters, digits and single hyphens", field
        )
    return slug


def normalize_sku(value: str) -> str:
    """Trim and upper-case; 1-64 of A-Z, 0-9, '.', '_', '-', starting and ending alphanumeric."""
    sku = value.strip().upper()
    if not sku or len(sku) > SKU_MAX or not _SKU.match(sku):
        raise DomainError(
            INVALID_SKU,
            f"SKU must be 1-{SKU_MAX} letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit",
            "sku",
        )
    return sku


def validate_name(value: str, *, field: str = "name", limit: int = NAME_MAX) -> str:
    name = " ".join(value.split())
    if not name:
        raise DomainError(INVALID_NAME, "Name must not be empty", field)
    if len(name) > limit:
        raise DomainError(INVALID_NAME, f"Name must be at most {limit} characters", field)
    return name


def validate_category_name(value: str) -> str:
    return validate_name(value, limit=CATEGORY_NAME_MAX)


def validate_description(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            INVALID_DESCRIPTION,
            f"Description must be at most {DESCRIPTION_MAX} characters",
            "description",
        )
    return text or None


def validate_price(
    amount: Decimal | str, currency: str, *, field: str = "price"
) -> tuple[int, str]:
    """(minor units, currency); any problem with the amount or currency is INVALID_PRICE."""
    code = currency.strip().upper()
    try:
        minor = to_minor(amount, code, field=f"{field}.amount")
    except DomainError as exc:
        target = f"{field}.currency" if exc.code == "UNSUPPORTED_CURRENCY" else exc.field
        raise DomainError(INVALID_PRICE, exc.message, target) from None
    return minor, code


def validate_weight(value: int | None) -> int | None:
    if value is None:
        return None
    if value < 0 or value > MAX_WEIGHT_GRAMS:
        raise DomainError(
            INVALID_WEIGHT, f"Weight must be between 0 and {MAX_WEIGHT_GRAMS} grams", "weightGrams"
        )
    return value


def validate_image_url(value: str, field: str) -> str:
    url = value.strip()
    if not url or len(url) > URL_MAX or any(ch.isspace() for ch in url):
        raise DomainError(INVALID_IMAGE, "Image URL must be an absolute http(s) URL", field)
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise DomainError(INVALID_IMAGE, "Image URL is malformed", field) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise DomainError(INVALID_IMAGE, "Image URL must be an absolute http(s) URL", field)
    if parts.username or parts.password:
        raise DomainError(INVALID_IMAGE, "Image URL must not contain credentials", field)
    return url


def validate_images(images: Sequence[tuple[str, str | None]]) -> list[Image]:
    if len(images) > MAX_IMAGES:
        raise DomainError(INVALID_IMAGE, f"At most {MAX_IMAGES} images", "images")
    result = []
    for index, (url, alt_text) in enumerate(images):
        checked = validate_image_url(url, f"images[{index}].url")
        alt = alt_text.strip() if alt_text is not None else None
        if alt is not None and len(alt) > ALT_TEXT_MAX:
            raise DomainError(
                INVALID_IMAGE,
                f"Alt text must be at most {ALT_TEXT_MAX} characters",
                f"images[{index}].altText",
            )
        result.append(Image(url=checked, alt_text=alt or None))
    return result


def validate_attributes(attributes: Sequence[tuple[str, str]]) -> list[Attribute]:
    if len(attributes) > MAX_ATTRIBUTES:
        raise DomainError(INVALID_ATTRIBUTE, f"At most {MAX_ATTRIBUTES} attributes", "attributes")
    seen: set[str] = set()
    result = []
    for index, (name, value) in enumerate(attributes):
        clean_name = " ".join(name.split())
        if not clean_name or len(clean_name) > ATTRIBUTE_NAME_MAX:
            raise DomainError(
                INVALID_ATTRIBUTE,
                f"Attribute name must be 1-{ATTRIBUTE_NAME_MAX} characters",
                f"attributes[{index}].name",
            )
        if clean_name.casefold() in seen:
            raise DomainError(
                INVALID_ATTRIBUTE,
                f"Attribute {clean_name!r} is given twice",
                f"attributes[{index}].name",
            )
        seen.add(clean_name.casefold())
        clean_value = value.strip()
        if len(clean_value) > ATTRIBUTE_VALUE_MAX:
            raise DomainError(
                INVALID_ATTRIBUTE,
                f"Attribute value must be at most {ATTRIBUTE_VALUE_MAX} characters",
                f"attributes[{index}].value",
            )
        result.append(Attribute(name=clean_name, value=clean_value))
    return result


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def sort_name(name: str) -> str:
    """What the NAME sort compares: case-folded, so "apple" and "Apple" sit together."""
    return name.casefold()[:NAME_MAX]
