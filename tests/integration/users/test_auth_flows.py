"""register / login / me / refresh rotation / reuse / logout / passwords, over HTTP."""

from __future__ import annotations

import asyncio

import jwt
from sqlalchemy import func, select

from subgraphs.users.models import refresh_tokens
from subgraphs.users.models import users as users_table
from tests.integration.users.conftest import LOGIN, ME, REFRESH, Users, register


async def test_register_login_me(users: Users) -> None:
    payload = await register(users, email="  Alice@Example.COM ")
    assert payload["errors"] == []
    user = payload["user"]
    assert user["email"] == "Alice@Example.COM"
    assert user["roles"] == ["CUSTOMER"]
    assert payload["expiresIn"] == 15 * 60
    claims = jwt.decode(payload["accessToken"], options={"verify_signature": False})
    assert claims["sub"] == user["id"]
    # OIDC identity claims: other services read the buyer from the token, not from users
    identity = (claims["email"], claims["given_name"], claims["family_name"])
    assert identity == ("Alice@Example.COM", "Alice", "Liddell")

    me = await users.gql(ME, token=payload["accessToken"])
    assert me["data"]["me"]["id"] == user["id"]
    assert me["data"]["me"]["firstName"] == "Alice"

    login = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "correct-horse-42"}}
    )
    assert login["data"]["login"]["errors"] == []
    assert login["data"]["login"]["user"]["id"] == user["id"]
    signed_in = jwt.decode(
        login["data"]["login"]["accessToken"], options={"verify_signature": False}
    )
    assert (signed_in["email"], signed_in["given_name"], signed_in["family_name"]) == identity

    anonymous = await users.gql(ME)
    assert anonymous["data"]["me"] is None

    registered = await users.events("UserRegistered")
    assert [e.aggregate_id for e in registered] == [user["id"]]

    async with users.app.state.db.session() as session:
        stored = await session.scalar(select(users_table.c.password_hash))
    assert stored.startswith("$argon2id$")


async def test_bad_credentials_and_inputs_change_nothing(users: Users) -> None:
    await register(users)
    wrong = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "not-the-password"}}
    )
    unknown = await users.gql(
        LOGIN, {"input": {"email": "nobody@example.com", "password": "not-the-password"}}
    )
    for body in (wrong, unknown):
        result = body["data"]["login"]
        assert result["accessToken"] is None
        assert result["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["data"]["login"]["errors"] == unknown["data"]["login"]["errors"]

    cases = [
        ({"email": "not-an-email"}, "INVALID_EMAIL", "email"),
        ({"email": "bob@example.com", "password": "short"}, "WEAK_PASSWORD", "password"),
        ({"email": "bob@example.com", "password": "bob@example.com!"}, "WEAK_PASSWORD", None),
        ({"email": "bob@example.com", "firstName": "  "}, "INVALID_NAME", "firstName"),
        ({"email": "bob@example.com", "lastName": "x" * 101}, "INVALID_NAME", "lastName"),
        ({"email": "ALICE@example.com"}, "EMAIL_TAKEN", "email"),
    ]
    for overrides, code, field in cases:
        fields = {"password": "good-password-1", "firstName": "Bob", "lastName": "B", **overrides}
        payload = await register(
            users, fields["email"], fields["password"], fields["firstName"], fields["lastName"]
        )
        assert payload["errors"][0]["code"] == code, (overrides, payload)
        if field:
            assert payload["errors"][0]["field"] == field
        assert payload["accessToken"] is None and payload["user"] is None
    async with users.app.state.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(users_table)) == 1
    assert len(await users.events("UserRegistered")) == 1


async def test_refresh_rotation_and_reuse_revokes_family(users: Users) -> None:
    first = await register(users)
    r1 = first["refreshToken"]
    rotated = (await users.gql(REFRESH, {"t": r1}))["data"]["refreshToken"]
    assert rotated["errors"] == []
    r2 = rotated["refreshToken"]
    assert r2 != r1
    # The session id (refresh family) stays the same across rotations.
    rotated_claims = jwt.decode(rotated["accessToken"], options={"verify_signature": False})
    assert (
        rotated_claims["sid"]
        == (jwt.decode(first["accessToken"], options={"verify_signature": False})["sid"])
    )
    assert rotated_claims["email"] == "alice@example.com"  # a refreshed token keeps them
    r3 = (await users.gql(REFRESH, {"t": r2}))["data"]["refreshToken"]["refreshToken"]

    # A second sign-in is another family and must survive the reuse below.
    other = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "correct-horse-42"}}
    )
    other_refresh = other["data"]["login"]["refreshToken"]

    reused = (await users.gql(REFRESH, {"t": r1}))["data"]["refreshToken"]
    assert reused["errors"][0]["code"] == "TOKEN_REUSED"
    assert reused["accessToken"] is None
    # The whole family is gone, including the newest token.
    latest = (await users.gql(REFRESH, {"t": r3}))["data"]["refreshToken"]
    assert latest["errors"][0]["code"] == "INVALID_TOKEN"
    still = (await users.gql(REFRESH, {"t": other_refresh}))["data"]["refreshToken"]
    assert still["errors"] == []

    garbage = (await users.gql(REFRESH, {"t": "nope"}))["data"]["refreshToken"]
    assert garbage["errors"][0]["code"] == "INVALID_TOKEN"

    async with users.app.state.db.session() as session:
        hashes = (await session.scalars(select(refresh_tokens.c.token_hash))).all()
    assert r1 not in hashes and all(len(h) == 64 for h in hashes)


async def test_concurrent_refresh_with_one_token(users: Users) -> None:
    token = (await register(users))["refreshToken"]
    results = await asyncio.gather(*(users.gql(REFRESH, {"t": token}) for _ in range(5)))
    payloads = [r["data"]["refreshToken"] for r in results]
    winners = [p for p in payloads if not p["errors"]]
    assert len(winners) <= 1
    assert all(p["errors"][0]["code"] == "TOKEN_REUSED" for p in payloads if p["errors"])
    if winners:  # the reuse revoked the winner's family too
        again = await users.gql(REFRESH, {"t": winners[0]["refreshToken"]})
        assert again["data"]["refreshToken"]["errors"][0]["code"] == "INVALID_TOKEN"


async def test_logout(users: Users) -> None:
    token = (await register(users))["refreshToken"]
    logout = "mutation($t: String!) { logout(refreshToken: $t) { ok errors { code } } }"
    assert (await users.gql(logout, {"t": token}))["data"]["logout"]["ok"] is True
    after = (await users.gql(REFRESH, {"t": token}))["data"]["refreshToken"]
    assert after["errors"][0]["code"] == "INVALID_TOKEN"
    unknown = (await users.gql(logout, {"t": "nope"}))["data"]["logout"]
    assert unknown == {"ok": False, "errors": [{"code": "INVALID_TOKEN"}]}


CHANGE = """
mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) { user { id email } errors { code field } }
}"""


async def test_change_password_revokes_other_sessions(users: Users) -> None:
    here = await register(users)
    elsewhere = (
        await users.gql(
            LOGIN, {"input": {"email": "alice@example.com", "password": "correct-horse-42"}}
        )
    )["data"]["login"]

    wrong = await users.gql(
        CHANGE, {"c": "wrong-password", "n": "brand-new-pass-9"}, token=here["accessToken"]
    )
    assert wrong["data"]["changePassword"]["errors"] == [
        {"code": "INVALID_CREDENTIALS", "field": "currentPassword"}
    ]
    weak = await users.gql(CHANGE, {"c": "correct-horse-42", "n": "short"}, here["accessToken"])
    assert weak["data"]["changePassword"]["errors"][0]["code"] == "WEAK_PASSWORD"

    ok = await users.gql(
        CHANGE, {"c": "correct-horse-42", "n": "brand-new-pass-9"}, token=here["accessToken"]
    )
    assert ok["data"]["changePassword"]["errors"] == []
    assert ok["data"]["changePassword"]["user"]["email"] == "alice@example.com"

    kept = (await users.gql(REFRESH, {"t": here["refreshToken"]}))["data"]["refreshToken"]
    assert kept["errors"] == []
    gone = (await users.gql(REFRESH, {"t": elsewhere["refreshToken"]}))["data"]["refreshToken"]
    assert gone["errors"][0]["code"] == "INVALID_TOKEN"

    old = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "correct-horse-42"}}
    )
    assert old["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    new = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "brand-new-pass-9"}}
    )
    assert new["data"]["login"]["errors"] == []

    anonymous = await users.gql(CHANGE, {"c": "a", "n": "b"})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


REQUEST_RESET = """
mutation($e: String!) { requestPasswordReset(email: $e) { ok errors { code } } }"""
RESET = """
mutation($t: String!, $p: String!) {
  resetPassword(token: $t, newPassword: $p) { ok errors { code field } }
}"""


async def test_password_reset_flow(users: Users) -> None:
    session = await register(users)
    known = await users.gql(REQUEST_RESET, {"e": "ALICE@example.com"})
    unknown = await users.gql(REQUEST_RESET, {"e": "nobody@example.com"})
    # Same answer whether or not the account exists.
    assert known["data"] == {"requestPasswordReset": {"ok": True, "errors": []}}
    assert unknown["data"] == known["data"]

    events = await users.events("PasswordResetRequested")
    assert len(events) == 1
    token = events[0].payload["token"]
    assert events[0].payload["email"] == "alice@example.com"
    assert events[0].aggregate_id == session["user"]["id"]

    weak = await users.gql(RESET, {"t": token, "p": "short"})
    assert weak["data"]["resetPassword"]["errors"][0]["code"] == "WEAK_PASSWORD"
    bad = await users.gql(RESET, {"t": "forged-token", "p": "reset-password-77"})
    assert bad["data"]["resetPassword"]["errors"] == [{"code": "INVALID_TOKEN", "field": "token"}]

    ok = await users.gql(RESET, {"t": token, "p": "reset-password-77"})
    assert ok["data"]["resetPassword"] == {"ok": True, "errors": []}
    again = await users.gql(RESET, {"t": token, "p": "another-password-88"})
    assert again["data"]["resetPassword"]["errors"][0]["code"] == "INVALID_TOKEN"

    login = await users.gql(
        LOGIN, {"input": {"email": "alice@example.com", "password": "reset-password-77"}}
    )
    assert login["data"]["login"]["errors"] == []
    # Every session from before the reset is signed out.
    old = (await users.gql(REFRESH, {"t": session["refreshToken"]}))["data"]["refreshToken"]
    assert old["errors"][0]["code"] == "INVALID_TOKEN"
    assert len(await users.events("PasswordChanged")) == 1


async def test_twenty_concurrent_registrations_of_one_email(users: Users) -> None:
    emails = [
        "".join(ch.upper() if (i >> j) & 1 else ch for j, ch in enumerate("racer@example.com"))
        for i in range(20)
    ]
    assert len(set(emails)) == 20
    results = await asyncio.gather(*(register(users, email=e) for e in emails))
    created = [r for r in results if not r["errors"]]
    taken = [r for r in results if r["errors"]]
    assert len(created) == 1
    assert all(r["errors"][0]["code"] == "EMAIL_TAKEN" for r in taken)
    async with users.app.state.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(users_table)) == 1
    assert len(await users.events("UserRegistered")) == 1
