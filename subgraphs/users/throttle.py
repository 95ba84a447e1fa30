"""Attempt throttles for sign-in, token refresh and password-reset requests.

Each :class:`Limit` is a fixed-window counter per subject (an account, a client address) on
the key-value port, so every replica behind the same Redis shares it (``make dev``: the
in-process store). An attempt is charged *before* the work it guards, atomically with
``incr``: concurrent requests cannot all slip under the limit, and each aliased mutation
field is its own charge. The window starts with the first charge and is never extended, so
an attacker can hold an account's sign-in shut for at most one window at a time, never
forever. A successful sign-in resets the account's counter and refunds the client's charge:
the counters then count failures only.

Subjects are hashed before they become keys: no email address is stored in the store. The
same email is counted whether or not it has an account, so a refusal reveals nothing.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Final

from shopgraph.errors import DomainError
from shopgraph.kv.port import KeyValueStore
from shopgraph.settings import Settings

TOO_MANY_ATTEMPTS: Final = "TOO_MANY_ATTEMPTS"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``max_attempts`` charges per subject within ``window_seconds``."""

    name: str
    max_attempts: int
    window_seconds: float

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or not self.window_seconds > 0:
            raise ValueError(f"limit {self.name!r}: max_attempts and window must be positive")


@dataclass(frozen=True, slots=True)
class AuthLimits:
    """The limits of the users service, from ``SHOPGRAPH_SIGN_IN_*``, ``…REFRESH…`` and
    ``…PASSWORD_RESET…`` settings; every one shares the sign-in window."""

    sign_in_per_account: Limit
    sign_in_per_client: Limit
    refresh_per_client: Limit
    reset_per_account: Limit
    reset_per_client: Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthLimits:
        window = settings.sign_in_window_seconds
        return cls(
            sign_in_per_account=Limit(
                "sign-in:account", settings.sign_in_max_failures_per_account, window
            ),
            sign_in_per_client=Limit(
                "sign-in:client", settings.sign_in_max_failures_per_client, window
            ),
            refresh_per_client=Limit(
                "refresh:client", settings.refresh_max_failures_per_client, window
            ),
            reset_per_account=Limit(
                "reset:account", settings.password_reset_max_per_account, window
            ),
            reset_per_client=Limit("reset:client", settings.password_reset_max_per_client, window),
        )


class TooManyAttempts(DomainError):
    """A limit is exhausted; ``retry_after_seconds`` says when its window ends."""

    def __init__(self, retry_after_seconds: int, field: str | None = None) -> None:
        super().__init__(
            TOO_MANY_ATTEMPTS,
            f"Too many attempts; try again in {retry_after_seconds} seconds",
            field,
        )
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True, slots=True)
class Charge:
    """One charged attempt against ``limit`` for ``subject`` (to reset or refund later)."""

    limit: Limit
    subject: str


class AttemptThrottle:
    """Charges attempts against limits; raises :class:`TooManyAttempts` past a limit."""

    def __init__(self, store: KeyValueStore, *, prefix: str = "users:throttle") -> None:
        self.store = store
        self.prefix = prefix

    async def charge(self, *charges: Charge, field: str | None = None) -> None:
        """Count one attempt on every charge; refuse if any of them is over its limit.

        Every charge is counted even when the attempt is refused: a refusal never extends
        a window, so this only keeps the counter honest.
        """
        retry_after = 0
        for charge in charges:
            key = self._key(charge)
            count = await self.store.incr(key, 1, ttl_seconds=charge.limit.window_seconds)
            if count > charge.limit.max_attempts:
                retry_after = max(retry_after, await self._seconds_left(key, charge.limit))
        if retry_after:
            raise TooManyAttempts(retry_after, field)

    async def refund(self, charge: Charge) -> None:
        """Take back one attempt (it succeeded, so it should not count as a failure)."""
        await self.store.incr(self._key(charge), -1, ttl_seconds=charge.limit.window_seconds)

    async def reset(self, charge: Charge) -> None:
        """Forget every attempt of the charge's subject against its limit."""
        await self.store.delete(self._key(charge))

    async def _seconds_left(self, key: str, limit: Limit) -> int:
        ttl = await self.store.ttl(key)
        if ttl is None:  # a counter that lost its expiry would refuse forever: bound it
            await self.store.expire(key, limit.window_seconds)
            ttl = limit.window_seconds
        return max(1, math.ceil(ttl))

    def _key(self, charge: Charge) -> str:
        digest = hashlib.sha256(charge.subject.encode()).hexdigest()[:32]
        return f"{self.prefix}:{charge.limit.name}:{digest}"
