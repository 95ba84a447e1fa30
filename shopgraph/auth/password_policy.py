"""The password policy: what a new password must be (length, not common, not the email)."""

from __future__ import annotations

from typing import Final

from shopgraph.errors import DomainError

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 1024  # argon2 accepts more; this bounds the work one request can cause

WEAK_PASSWORD: Final = "WEAK_PASSWORD"

# A few of the most common passwords of 8+ characters (a full breach list belongs in a
# pluggable checker; these catch the obvious ones).
_COMMON: Final = frozenset(
    {
        "password",
        "password1",
        "password123",
        "12345678",
        "123456789",
        "1234567890",
        "qwertyui",
        "qwerty123",
        "iloveyou",
        "11111111",
        "00000000",
        "abcd1234",
        "letmein1",
        "sunshine",
        "football",
        "baseball",
        "welcome1",
        "trustno1",
        "shopgraph",
    }
)


def check_password_policy(password: str, email: str | None = None, field: str = "password") -> None:
    """Raise ``DomainError(WEAK_PASSWORD)`` unless ``password`` is acceptable.

    At least 8 characters, at most 1024, not only whitespace, not a very common password,
    and neither equal to nor containing the email address (nor equal to its local part).
    """
    if len(password) < MIN_LENGTH:
        raise DomainError(
            WEAK_PASSWORD, f"Password must be at least {MIN_LENGTH} characters long", field
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            WEAK_PASSWORD, f"Password must be at most {MAX_LENGTH} characters long", field
        )
    if not password.strip():
        raise DomainError(WEAK_PASSWORD, "Password must not be only whitespace", field)
    lowered = password.lower()
    if lowered in _COMMON:
        raise DomainError(WEAK_PASSWORD, "Password is too common", field)
    if email:
        address = email.strip().lower()
        local = address.split("@", 1)[0]
        if address and (address in lowered or lowered == local):
            raise DomainError(WEAK_PASSWORD, "Password must not contain your email address", field)
