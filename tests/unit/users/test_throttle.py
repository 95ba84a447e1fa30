"""The attempt throttle on the in-process store, with a clock the tests move."""

from __future__ import annotations

import asyncio

import pytest

from shopgraph.kv import InMemoryKeyValueStore
from subgraphs.users.throttle import AttemptThrottle, Charge, Limit, TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


LIMIT = Limit("sign-in:account", max_attempts=3, window_seconds=60)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> AttemptThrottle:
    return AttemptThrottle(InMemoryKeyValueStore(clock=clock))


async def test_refuses_past_the_limit_with_the_time_left(
    throttle: AttemptThrottle, clock: Clock
) -> None:
    alice = Charge(LIMIT, "alice@example.com")
    for _ in range(3):
        await throttle.charge(alice)
    clock.now += 20
    with pytest.raises(TooManyAttempts) as refused:
        await throttle.charge(alice, field="email")
    assert refused.value.code == "TOO_MANY_ATTEMPTS"
    assert refused.value.retry_after_seconds == 40
    assert "40 seconds" in refused.value.message
    assert refused.value.field == "email"
    await throttle.charge(Charge(LIMIT, "bob@example.com"))  # other subjects are unaffected


async def test_the_window_is_bounded_even_under_constant_attack(
    throttle: AttemptThrottle, clock: Clock
) -> None:
    victim = Charge(LIMIT, "victim@example.com")
    for _ in range(3):
        await throttle.charge(victim)
    for _ in range(50):  # refused attempts do not push the window further out
        clock.now += 1
        with pytest.raises(TooManyAttempts):
            await throttle.charge(victim)
    clock.now += 10  # 60 s after the first attempt
    await throttle.charge(victim)


async def test_reset_and_refund(throttle: AttemptThrottle) -> None:
    account = Charge(LIMIT, "alice@example.com")
    for _ in range(3):
        await throttle.charge(account)
    await throttle.reset(account)
    for _ in range(3):
        await throttle.charge(account)

    client = Charge(Limit("sign-in:client", 2, 60), "203.0.113.9")
    for _ in range(10):  # successes refunded: only failures count
        await throttle.charge(client)
        await throttle.refund(client)
    await throttle.charge(client)
    await throttle.charge(client)
    with pytest.raises(TooManyAttempts):
        await throttle.charge(client)


async def test_refused_when_any_limit_is_exhausted(throttle: AttemptThrottle) -> None:
    per_client = Limit("sign-in:client", 2, 30)
    for email in ("a@example.com", "b@example.com"):
        await throttle.charge(Charge(LIMIT, email), Charge(per_client, "203.0.113.9"))
    with pytest.raises(TooManyAttempts) as refused:
        await throttle.charge(Charge(LIMIT, "c@example.com"), Charge(per_client, "203.0.113.9"))
    assert refused.value.retry_after_seconds == 30


async def test_concurrent_attempts_cannot_slip_under_the_limit(
    throttle: AttemptThrottle,
) -> None:
    account = Charge(LIMIT, "alice@example.com")
    outcomes = await asyncio.gather(
        *(throttle.charge(account) for _ in range(20)), return_exceptions=True
    )
    assert sum(1 for outcome in outcomes if outcome is None) == 3
    assert all(isinstance(o, TooManyAttempts) for o in outcomes if o is not None)


async def test_keys_do_not_hold_the_subject() -> None:
    store = InMemoryKeyValueStore()
    await AttemptThrottle(store).charge(Charge(LIMIT, "alice@example.com"))
    assert not [key for key in store._data if "alice" in key]


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit("sign-in:account", 0, 60)
    with pytest.raises(ValueError, match="positive"):
        Limit("sign-in:account", 3, 0)
