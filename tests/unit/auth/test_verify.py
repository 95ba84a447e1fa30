"""Every way a token can be wrong is refused with UNAUTHENTICATED and a clear message."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest

from shopgraph.auth.keys import SigningKey, jwks_document
from shopgraph.auth.principal import ANONYMOUS, PrincipalKind, Scope
from shopgraph.auth.tokens import INTERNAL_ISSUER, ServiceTokenIssuer, TokenIssuer
from shopgraph.auth.verify import RemoteJWKS, TokenVerifier, parse_jwks
from shopgraph.errors import Unauthenticated
from shopgraph.settings import Settings


def claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "3f1c7a52-1111-4c1e-9a55-0a1b2c3d4e5f",
        "iat": now,
        "exp": now + 600,
        "roles": ["CUSTOMER"],
        "scopes": [],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def rs256(key: SigningKey, payload: dict[str, Any], kid: str | None = None) -> str:
    return jwt.encode(payload, key.private_key, algorithm="RS256", headers={"kid": kid or key.kid})


async def rejected(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as info:
        await verifier.verify(token)
    assert info.value.code == "UNAUTHENTICATED"
    return info.value.message


async def test_valid_access_token_is_accepted(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    issued = issuer.access_token(subject="user-1", roles=["STAFF"], session_id="fam-1")
    principal = await verifier.verify(issued.token)
    assert principal.subject == "user-1"
    assert principal.kind == PrincipalKind.USER
    assert principal.roles == ("STAFF",)
    assert Scope.CATALOG_WRITE in principal.scopes
    assert Scope.USERS_MANAGE not in principal.scopes
    assert principal.session_id == "fam-1"
    header = jwt.get_unverified_header(issued.token)
    assert header["alg"] == "RS256"
    assert header["kid"] == issuer.signing_key.kid
    body = jwt.decode(issued.token, options={"verify_signature": False})
    assert {"sub", "roles", "scopes", "iss", "aud", "exp", "iat", "jti"} <= body.keys()
    assert body["exp"] - body["iat"] == 15 * 60


async def test_expired_token(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    old = int(time.time()) - 3600
    token = rs256(signing_key, claims(settings, iat=old, exp=old + 900))
    assert "expired" in (await rejected(verifier, token)).lower()


async def test_alg_none(settings: Settings, verifier: TokenVerifier) -> None:
    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(settings))}."
    assert "'none' is not allowed" in await rejected(verifier, token)


async def test_hs256_signed_with_the_rsa_public_key(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    """The classic algorithm-confusion attack: the public PEM used as an HMAC secret."""
    header = {"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    import hashlib
    import hmac

    signing_input = (
        b64(json.dumps(header).encode()) + b"." + b64(json.dumps(claims(settings)).encode())
    )
    signature = hmac.new(signing_key.public_pem, signing_input, hashlib.sha256).digest()
    token = (signing_input + b"." + b64(signature)).decode()
    assert "'HS256' is not allowed" in await rejected(verifier, token)


async def test_hs256_with_rsa_pem_claiming_the_internal_issuer(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    payload = claims(settings, iss=INTERNAL_ISSUER, scopes=["internal"])
    token = jwt.encode(payload, "x" * 64, algorithm="HS256")  # not the service secret
    assert "signature" in await rejected(verifier, token)


async def test_wrong_issuer(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, iss="https://evil.example"))
    assert "issuer" in await rejected(verifier, token)


async def test_missing_issuer(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, iss=None))
    assert "'iss'" in await rejected(verifier, token)


async def test_wrong_audience(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, aud="another-api"))
    assert "audience" in await rejected(verifier, token)


async def test_missing_audience(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, aud=None))
    assert "'aud'" in await rejected(verifier, token)


async def test_missing_exp(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, exp=None))
    assert "missing 'exp'" in await rejected(verifier, token)


async def test_missing_sub(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, sub=None))
    assert "missing 'sub'" in await rejected(verifier, token)


async def test_tampered_payload(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    token = issuer.access_token(subject="user-1", roles=["CUSTOMER"]).token
    head, body, sig = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    decoded["roles"] = ["ADMIN"]
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    assert "signature" in await rejected(verifier, f"{head}.{forged}.{sig}")


async def test_tampered_signature(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    token = issuer.access_token(subject="user-1", roles=["CUSTOMER"]).token
    head, body, sig = token.split(".")
    flipped = ("A" if sig[10] != "A" else "B").join([sig[:10], sig[11:]])
    assert "signature" in await rejected(verifier, f"{head}.{body}.{flipped}")


async def test_signed_by_another_key_with_our_kid(
    settings: Settings, signing_key: SigningKey, other_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(other_key, claims(settings), kid=signing_key.kid)
    assert "signature" in await rejected(verifier, token)


async def test_garbage_and_headers(verifier: TokenVerifier) -> None:
    assert "well-formed" in await rejected(verifier, "not-a-jwt")
    assert await verifier.principal_from_header(None) is ANONYMOUS
    assert await verifier.principal_from_header("") is ANONYMOUS
    with pytest.raises(Unauthenticated, match="Bearer"):
        await verifier.principal_from_header("Basic dXNlcjpwYXNz")
    with pytest.raises(Unauthenticated, match="Bearer"):
        await verifier.principal_from_header("Bearer ")


async def test_service_tokens(settings: Settings, verifier: TokenVerifier) -> None:
    minter = ServiceTokenIssuer.from_settings(settings, "orders")
    principal = await verifier.principal_from_header(f"Bearer {minter.token()}")
    assert principal.kind == PrincipalKind.SERVICE
    assert principal.subject == "service:orders"
    assert principal.scopes == ("internal",)
    assert minter.token() == minter.token()  # cached while fresh
    header = jwt.get_unverified_header(minter.token())
    assert header["alg"] == "HS256"


async def test_service_token_with_rs256_is_refused(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, iss=INTERNAL_ISSUER, scopes=["internal"]))
    assert "'RS256' is not allowed" in await rejected(verifier, token)


async def test_user_tokens_cannot_claim_internal_scope(
    settings: Settings, signing_key: SigningKey, verifier: TokenVerifier
) -> None:
    token = rs256(signing_key, claims(settings, scopes=["internal", "catalog:write"]))
    principal = await verifier.verify(token)
    assert principal.scopes == ("catalog:write",)


def jwks_transport(documents: list[dict[str, Any]], calls: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json=documents[min(len(calls), len(documents)) - 1])

    return httpx.MockTransport(handler)


async def test_remote_jwks_unknown_kid_refreshes_once(
    settings: Settings, signing_key: SigningKey, other_key: SigningKey
) -> None:
    calls: list[str] = []
    # First fetch knows only the old key; the second (after rotation) both.
    documents = [jwks_document([signing_key]), jwks_document([signing_key, other_key])]
    client = httpx.AsyncClient(transport=jwks_transport(documents, calls))
    verifier = TokenVerifier.from_settings(
        settings, "http://users.test/.well-known/jwks.json", client=client
    )
    old = rs256(signing_key, claims(settings))
    assert (await verifier.verify(old)).subject
    assert (await verifier.verify(old)).subject
    assert len(calls) == 1  # cached

    rotated = rs256(other_key, claims(settings))
    assert (await verifier.verify(rotated)).subject
    assert len(calls) == 2  # the unknown kid refreshed the JWKS exactly once

    stranger = SigningKey.generate()
    unknown = rs256(stranger, claims(settings))
    assert "unknown signing key" in await rejected(verifier, unknown)
    assert "unknown signing key" in await rejected(verifier, unknown)
    assert len(calls) == 2  # rate-limited: junk kids do not hammer the users service
    await client.aclose()


async def test_remote_jwks_unknown_kid_after_interval_refreshes_again(
    settings: Settings, signing_key: SigningKey
) -> None:
    calls: list[str] = []
    now = [1000.0]
    client = httpx.AsyncClient(transport=jwks_transport([jwks_document([signing_key])], calls))
    source = RemoteJWKS(
        "http://users.test/jwks", client=client, min_refresh_interval=30, clock=lambda: now[0]
    )
    assert await source.get(signing_key.kid) is not None
    assert len(calls) == 1
    assert await source.get("unknown") is None
    assert len(calls) == 2  # the first unknown kid refreshes
    assert await source.get("unknown-2") is None
    now[0] += 29
    assert await source.get("unknown") is None
    assert len(calls) == 2  # within the interval: no more refreshes
    now[0] += 2
    assert await source.get("unknown") is None
    assert len(calls) == 3
    await client.aclose()


async def test_remote_jwks_outage_keeps_cached_keys(
    settings: Settings, signing_key: SigningKey
) -> None:
    now = [0.0]
    ok = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        if ok[0]:
            return httpx.Response(200, json=jwks_document([signing_key]))
        return httpx.Response(503)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    source = RemoteJWKS("http://users.test/jwks", client=client, clock=lambda: now[0])
    assert await source.get(signing_key.kid) is not None
    ok[0] = False
    now[0] += 10_000  # stale: the refresh fails, the cached key is still used
    assert await source.get(signing_key.kid) is not None
    await client.aclose()


def test_parse_jwks_skips_junk(signing_key: SigningKey) -> None:
    document = jwks_document([signing_key])
    document["keys"].append({"kty": "EC", "kid": "ec"})
    document["keys"].append({"kty": "RSA", "kid": "broken", "n": "??", "e": "AQAB"})
    document["keys"].append({**signing_key.public_jwk, "kid": "enc", "use": "enc"})
    assert list(parse_jwks(document)) == [signing_key.kid]
    with pytest.raises(ValueError):
        parse_jwks({"nokeys": []})
