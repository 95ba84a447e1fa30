"""Tokens already verified, so a caller that sends the same bearer token on every request
(a service token is reused for most of its 120 s; a shopper's access token for minutes)
is not decoded and signature-checked again each time.

An entry is served until the token's own ``exp`` and never longer than ``max_age_seconds``:
no longer than the JWKS cache (300 s, :mod:`shopgraph.auth.verify`) would keep a withdrawn
key trusted. Only tokens that passed verification are stored, keyed by the whole token, so
a tampered or different token never matches.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from shopgraph.auth.principal import Principal

DEFAULT_MAX_ENTRIES: Final = 10_000
DEFAULT_MAX_AGE_SECONDS: Final = 60.0


class VerifiedTokens:
    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds
        self._clock = clock
        self._entries: dict[str, tuple[Principal, float]] = {}

    def get(self, token: str) -> Principal | None:
        """The principal ``token`` was verified as, unless it has expired since."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, valid_until = entry
        if self._clock() >= valid_until:
            del self._entries[token]
            return None
        return principal

    def remember(self, token: str, principal: Principal, expires_at: float) -> None:
        """Store a verified token; ``expires_at`` is its ``exp`` (epoch seconds)."""
        valid_until = min(expires_at, self._clock() + self.max_age_seconds)
        if len(self._entries) >= self.max_entries:
            # Oldest first (insertion order): one in-use token re-verified is cheap.
            del self._entries[next(iter(self._entries))]
        self._entries[token] = (principal, valid_until)
