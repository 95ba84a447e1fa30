"""Credential stuffing: failed sign-ins, refreshes and reset requests are throttled per
account and per client, each aliased mutation field counting once, on both columns."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shopgraph.settings import Settings
from subgraphs.users.models import users as users_table
from tests.integration.users.conftest import LOGIN, Users, register, users_subgraph
from tests.support.passwords import FAST_PASSWORD_HASHING

PASSWORD = "correct-horse-42"

RESET = """
mutation($email: String!) {
  requestPasswordReset(email: $email) { ok errors { code field message } retryAfter }
}"""


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


def unique_client() -> str:
    """A client address no other test (or run sharing Redis) uses."""
    raw = uuid.uuid4().bytes
    return f"198.18.{raw[0]}.{raw[1]}"


async def login(users: Users, email: str, password: str) -> dict[str, Any]:
    body = await users.gql(LOGIN, {"input": {"email": email, "password": password}})
    payload: dict[str, Any] = body["data"]["login"]
    return payload


def codes(payloads: list[dict[str, Any]]) -> list[str]:
    return [payload["errors"][0]["code"] if payload["errors"] else "OK" for payload in payloads]


def aliased_logins(emails: list[str], password: str) -> str:
    fields = "\n".join(
        f'a{i}: login(input: {{email: "{email}", password: "{password}"}}) '
        "{ accessToken errors { code } retryAfter }"
        for i, email in enumerate(emails)
    )
    return f"mutation {{\n{fields}\n}}"


async def test_200_wrong_passwords_are_throttled_without_revealing_the_account(
    database_url: str, tmp_path: Path
) -> None:
    async with users_subgraph(database_url, tmp_path) as users:
        victim = unique_email("victim")
        await register(users, email=victim, password=PASSWORD)
        nobody = unique_email("nobody")
        for email in (victim, nobody):
            results = [await login(users, email, f"guess-{n}-password") for n in range(200)]
            assert codes(results) == ["INVALID_CREDENTIALS"] * 10 + ["TOO_MANY_ATTEMPTS"] * 190
            refused = results[-1]
            assert refused["accessToken"] is None
            assert 0 < refused["retryAfter"] <= 900
            seconds = re.search(r"try again in (\d+) seconds", refused["errors"][0]["message"])
            assert seconds is not None and int(seconds.group(1)) == refused["retryAfter"]
            assert all(r["retryAfter"] is None for r in results[:10])
        # Throttled, the right password is refused too: guessing it changes nothing.
        assert codes([await login(users, victim, PASSWORD)]) == ["TOO_MANY_ATTEMPTS"]


async def test_30_aliased_logins_in_one_request_count_30_times(
    database_url: str, tmp_path: Path
) -> None:
    client = unique_client()
    async with users_subgraph(
        database_url,
        tmp_path,
        client_address=client,
        sign_in_max_failures_per_client=25,
    ) as users:
        one_account = [unique_email("target")] * 30
        body = await users.gql(aliased_logins(one_account, "wrong-password-1"))
        results = [body["data"][f"a{i}"] for i in range(30)]
        assert codes(results) == ["INVALID_CREDENTIALS"] * 10 + ["TOO_MANY_ATTEMPTS"] * 20

    async with users_subgraph(
        database_url,
        tmp_path,
        client_address=unique_client(),
        sign_in_max_failures_per_client=25,
    ) as users:
        spread = [unique_email("spray") for _ in range(30)]  # one guess per account
        body = await users.gql(aliased_logins(spread, "wrong-password-1"))
        results = [body["data"][f"a{i}"] for i in range(30)]
        assert codes(results) == ["INVALID_CREDENTIALS"] * 25 + ["TOO_MANY_ATTEMPTS"] * 5


async def test_the_right_password_waits_for_the_window_then_resets_the_count(
    database_url: str, tmp_path: Path
) -> None:
    async with users_subgraph(
        database_url,
        tmp_path,
        sign_in_window_seconds=2,  # room for the first four attempts on a busy machine
        sign_in_max_failures_per_account=3,
    ) as users:
        email = unique_email("alice")
        await register(users, email=email, password=PASSWORD)
        wrong = [await login(users, email, "wrong-password-1") for _ in range(3)]
        assert codes(wrong) == ["INVALID_CREDENTIALS"] * 3
        refused = await login(users, email, PASSWORD)
        assert codes([refused]) == ["TOO_MANY_ATTEMPTS"]
        assert refused["retryAfter"] in (1, 2)

        await asyncio.sleep(refused["retryAfter"] + 0.1)
        signed_in = await login(users, email, PASSWORD)
        assert signed_in["errors"] == [] and signed_in["accessToken"]
        # Success reset the account's count: three more failures before a refusal.
        again = [await login(users, email, "wrong-password-1") for _ in range(4)]
        assert codes(again) == ["INVALID_CREDENTIALS"] * 3 + ["TOO_MANY_ATTEMPTS"]


async def test_a_client_spraying_bad_refresh_tokens_is_throttled(
    database_url: str, tmp_path: Path
) -> None:
    mutation = """
    mutation($t: String!) {
      refreshToken(refreshToken: $t) { accessToken errors { code field } retryAfter }
    }"""
    async with users_subgraph(
        database_url, tmp_path, client_address=unique_client(), refresh_max_failures_per_client=3
    ) as users:
        results = [
            (await users.gql(mutation, {"t": f"forged-{n}"}))["data"]["refreshToken"]
            for n in range(5)
        ]
        assert codes(results) == ["INVALID_TOKEN"] * 3 + ["TOO_MANY_ATTEMPTS"] * 2
        assert results[-1]["errors"][0]["field"] == "refreshToken"
        assert results[-1]["retryAfter"] > 0


async def test_password_reset_requests_are_limited_alike_for_any_address(
    database_url: str, tmp_path: Path
) -> None:
    async with users_subgraph(
        database_url,
        tmp_path,
        client_address=unique_client(),
        password_reset_max_per_account=2,
    ) as users:
        member = unique_email("member")
        await register(users, email=member, password=PASSWORD)
        for email in (member, unique_email("stranger")):
            results = [
                (await users.gql(RESET, {"email": email}))["data"]["requestPasswordReset"]
                for _ in range(3)
            ]
            assert [r["ok"] for r in results] == [True, True, False]
            assert codes(results) == ["OK", "OK", "TOO_MANY_ATTEMPTS"]
            assert results[-1]["errors"][0]["field"] == "email"
        assert len(await users.events("PasswordResetRequested")) == 1  # the 60 s cooldown


async def test_sign_in_rehashes_when_the_hashing_parameters_change(
    database_url: str, tmp_path: Path
) -> None:
    email = unique_email("alice")

    async def stored_hash(users: Users) -> str:
        async with users.app.state.db.session() as session:
            found: str = await session.scalar(select(users_table.c.password_hash))
        return found

    async with users_subgraph(database_url, tmp_path) as users:
        await register(users, email=email, password=PASSWORD)
        cheap = await stored_hash(users)
        assert "$m=1024,t=1,p=1$" in cheap
        assert (await login(users, email, PASSWORD))["errors"] == []
        assert await stored_hash(users) == cheap  # same parameters: left alone

    defaults = {name: Settings.model_fields[name].default for name in FAST_PASSWORD_HASHING}
    async with users_subgraph(database_url, tmp_path, **defaults) as users:
        assert (await login(users, email, "wrong-password-1"))["errors"]
        assert await stored_hash(users) == cheap  # a failed sign-in rehashes nothing
        assert (await login(users, email, PASSWORD))["errors"] == []
        upgraded = await stored_hash(users)
        assert "$m=19456,t=2,p=1$" in upgraded
        assert (await login(users, email, PASSWORD))["errors"] == []
        assert await stored_hash(users) == upgraded
