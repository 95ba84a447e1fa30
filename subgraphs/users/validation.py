"""Input checks for the users service; each failure is a ``DomainError`` naming the field."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from shopgraph.errors import DomainError
from subgraphs.users.models import EMAIL_MAX, NAME_MAX

INVALID_EMAIL: Final = "INVALID_EMAIL"
INVALID_NAME: Final = "INVALID_NAME"

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_DOMAIN = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def normalize_email(email: str) -> str:
    """The comparison form of an address: stripped and lower-cased."""
    return email.strip().lower()


def validate_email(email: str, field: str = "email") -> str:
    """The stripped address if it looks deliverable; else ``INVALID_EMAIL``."""
    value = email.strip()
    local, at, domain = value.rpartition("@")
    ok = (
        bool(at)
        and len(value) <= EMAIL_MAX
        and _LOCAL.match(local) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
        and _DOMAIN.match(domain) is not None
    )
    if not ok:
        raise DomainError(
            INVALID_EMAIL, "Enter a valid email address, like name@example.com", field
        )
    return value


def validate_name(name: str, field: str, label: str) -> str:
    """A stripped name of 1..100 printable characters; else ``INVALID_NAME``."""
    value = name.strip()
    if not value:
        raise DomainError(INVALID_NAME, f"{label} is required", field)
    if len(value) > NAME_MAX:
        raise DomainError(INVALID_NAME, f"{label} must be at most {NAME_MAX} characters", field)
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise DomainError(INVALID_NAME, f"{label} must not contain control characters", field)
    return value
