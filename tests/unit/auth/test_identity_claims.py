"""Access tokens carry the account's email and names (OIDC claims), and the verified
principal exposes them; a token without them (issued before they existed) still verifies."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from shopgraph.auth.identity_claims import IdentityClaims
from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.auth.verify import TokenVerifier
from shopgraph.settings import Settings
from tests.unit.auth.test_verify import claims, rs256


async def test_issued_access_token_carries_the_identity_claims(
    issuer: TokenIssuer, verifier: TokenVerifier
) -> None:
    identity = IdentityClaims("sam@example.com", "Sam", "Shopper")
    issued = issuer.access_token(subject="user-1", roles=["CUSTOMER"], identity=identity)
    body = jwt.decode(issued.token, options={"verify_signature": False})
    assert (body["email"], body["given_name"], body["family_name"]) == (
        "sam@example.com",
        "Sam",
        "Shopper",
    )
    assert (await verifier.verify(issued.token)).identity == identity


async def test_a_missing_name_is_left_out(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    identity = IdentityClaims("sam@example.com", "Sam", None)
    issued = issuer.access_token(subject="user-1", roles=["CUSTOMER"], identity=identity)
    assert "family_name" not in jwt.decode(issued.token, options={"verify_signature": False})
    assert (await verifier.verify(issued.token)).identity == identity


async def test_a_token_issued_without_them_verifies_without_identity(
    issuer: TokenIssuer, verifier: TokenVerifier
) -> None:
    principal = await verifier.verify(issuer.access_token(subject="u", roles=["CUSTOMER"]).token)
    assert principal.subject == "u"
    assert principal.identity is None


@pytest.mark.parametrize("email", ["", "   ", 42, ["sam@example.com"]])
async def test_an_unusable_email_claim_means_no_identity(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier, email: Any
) -> None:
    token = rs256(signing_key, claims(settings, email=email, given_name="Sam"))
    assert (await verifier.verify(token)).identity is None


async def test_names_that_are_not_text_are_dropped(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(
        signing_key,
        claims(settings, email="sam@example.com", given_name=7, family_name="  "),
    )
    assert (await verifier.verify(token)).identity == IdentityClaims("sam@example.com")
