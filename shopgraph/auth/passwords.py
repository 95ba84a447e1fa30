"""Password hashing (argon2id, RFC 9106 parameters from argon2-cffi) and the password policy.

Hashing is CPU- and memory-hard on purpose, so the async helpers run it on a small dedicated
thread pool: the event loop stays responsive and a burst of logins cannot allocate
``64 MiB x threads`` without bound.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shopgraph.errors import DomainError

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 1024  # argon2 accepts more; this bounds the work one request can cause

WEAK_PASSWORD: Final = "WEAK_PASSWORD"

_hasher = PasswordHasher(type=Type.ID)
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="argon2")

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


def hash_password(password: str) -> str:
    """An argon2id hash in PHC format (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``)."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if ``password`` matches; False on mismatch or a hash that is not argon2."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True if the hash uses other parameters (or type) than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


# A real hash to verify against when the account does not exist, so that "no such user"
# costs the same time as "wrong password" (no user enumeration by timing).
_DUMMY_HASH: Final = _hasher.hash("shopgraph-timing-equaliser")


async def hash_password_async(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """Verify on the hashing pool; with ``stored_hash=None`` burn the same time and fail."""
    target = stored_hash if stored_hash is not None else _DUMMY_HASH
    loop = asyncio.get_running_loop()
    matched = await loop.run_in_executor(_pool, verify_password, target, password)
    return matched and stored_hash is not None


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
