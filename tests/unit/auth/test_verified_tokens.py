"""A verified token is not verified again while it is valid, and never past its expiry."""

from __future__ import annotations

import pytest

from shopgraph.auth.principal import Principal
from shopgraph.auth.tokens import ServiceTokenIssuer
from shopgraph.auth.verified_tokens import VerifiedTokens
from shopgraph.auth.verify import TokenVerifier
from shopgraph.errors import Unauthenticated
from shopgraph.settings import Settings

SHOPPER = Principal(subject="user-1", roles=("CUSTOMER",))


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_token_is_served_until_its_expiry_and_not_after() -> None:
    clock = Clock(1000.0)
    verified = VerifiedTokens(clock=clock)
    verified.remember("token-a", SHOPPER, expires_at=1030.0)
    clock.now = 1029.0
    assert verified.get("token-a") == SHOPPER
    clock.now = 1030.0
    assert verified.get("token-a") is None
    assert verified.get("token-b") is None


def test_a_long_lived_token_is_verified_again_after_max_age() -> None:
    clock = Clock(1000.0)
    verified = VerifiedTokens(max_age_seconds=60, clock=clock)
    verified.remember("token-a", SHOPPER, expires_at=5000.0)
    clock.now = 1059.0
    assert verified.get("token-a") == SHOPPER
    clock.now = 1060.0
    assert verified.get("token-a") is None


def test_the_oldest_entry_makes_room_when_full() -> None:
    verified = VerifiedTokens(max_entries=2, clock=Clock(0.0))
    for token in ("a", "b", "c"):
        verified.remember(token, SHOPPER, expires_at=100.0)
    assert verified.get("a") is None
    assert verified.get("b") == SHOPPER
    assert verified.get("c") == SHOPPER


async def test_the_verifier_remembers_good_tokens_only(
    verifier: TokenVerifier, settings: Settings
) -> None:
    token = ServiceTokenIssuer.from_settings(settings, "orders").token()
    first = await verifier.verify(token)
    assert verifier.verified.get(token) == first
    assert await verifier.verify(token) == first
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(Unauthenticated):
        await verifier.verify(tampered)
    assert verifier.verified.get(tampered) is None
