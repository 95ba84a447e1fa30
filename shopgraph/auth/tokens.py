"""Issuing tokens.

* Access tokens (users service only): RS256 JWTs, ``kid`` header, claims ``iss aud sub exp
  iat nbf jti roles scopes sid`` (``sid`` = the refresh-token family, i.e. the session) and
  the account's ``email given_name family_name`` (:mod:`shopgraph.auth.identity_claims`).
* Service tokens (any service calling another): HS256 JWTs signed with
  ``SHOPGRAPH_SERVICE_TOKEN_SECRET`` under their own issuer ``shopgraph-internal`` with the
  single scope ``internal``; short-lived and cached until shortly before they expire.

Refresh tokens are not JWTs: they are opaque random strings stored hashed by the users
service (see ``subgraphs/users``), so they can be rotated and revoked.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import jwt

from shopgraph.auth.identity_claims import IdentityClaims
from shopgraph.auth.keys import ALGORITHM, SigningKey
from shopgraph.auth.principal import Scope, scopes_for_roles
from shopgraph.settings import Settings

INTERNAL_ISSUER: Final = "shopgraph-internal"
INTERNAL_ALGORITHM: Final = "HS256"
ACCESS_TOKEN_TYPE: Final = "at+jwt"  # RFC 9068
SERVICE_TOKEN_TTL_SECONDS: Final = 120
DEV_SERVICE_SECRET: Final = "dev-only-internal-service-secret-change-me"
MIN_SERVICE_SECRET_BYTES: Final = 32

Clock = Callable[[], float]


class TokenConfigError(RuntimeError):
    """The token configuration is unsafe or incomplete; the message says which variable."""


def check_service_secret(settings: Settings) -> str:
    """The service-token secret, refusing weak or default ones in production."""
    secret = settings.service_token_secret
    if settings.is_production and secret == DEV_SERVICE_SECRET:
        raise TokenConfigError(
            "SHOPGRAPH_SERVICE_TOKEN_SECRET must be set in production (32+ random bytes)"
        )
    if len(secret.encode()) < MIN_SERVICE_SECRET_BYTES:
        raise TokenConfigError(
            f"SHOPGRAPH_SERVICE_TOKEN_SECRET must be at least {MIN_SERVICE_SECRET_BYTES} bytes"
        )
    return secret


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    jti: str
    issued_at: int
    expires_at: int

    @property
    def expires_in(self) -> int:
        return self.expires_at - self.issued_at


class ServiceTokenIssuer:
    """Mints ``internal``-scoped tokens for service-to-service calls (HS256)."""

    def __init__(
        self,
        *,
        service: str,
        secret: str,
        audience: str,
        ttl_seconds: int = SERVICE_TOKEN_TTL_SECONDS,
        clock: Clock = time.time,
    ) -> None:
        self.service = service
        self._secret = secret
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._cached: IssuedToken | None = None

    @classmethod
    def from_settings(cls, settings: Settings, service: str) -> ServiceTokenIssuer:
        return cls(
            service=service, secret=check_service_secret(settings), audience=settings.jwt_audience
        )

    def issue(self) -> IssuedToken:
        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": INTERNAL_ISSUER,
            "aud": self.audience,
            "sub": f"service:{self.service}",
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": str(uuid.uuid4()),
            "scopes": [Scope.INTERNAL.value],
        }
        token = jwt.encode(claims, self._secret, algorithm=INTERNAL_ALGORITHM)
        return IssuedToken(token, claims["jti"], now, claims["exp"])

    def token(self) -> str:
        """A valid service token, reused until a third of its lifetime is left."""
        cached = self._cached
        now = self._clock()
        if cached is None or cached.expires_at - now < self.ttl_seconds / 3:
            cached = self._cached = self.issue()
        return cached.token

    def authorization_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}


class TokenIssuer:
    """Issues the users service's RS256 access tokens (and its own service tokens)."""

    def __init__(
        self,
        *,
        signing_key: SigningKey,
        issuer: str,
        audience: str,
        access_ttl_seconds: int,
        service_tokens: ServiceTokenIssuer | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.signing_key = signing_key
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_seconds = access_ttl_seconds
        self.service_tokens = service_tokens
        self._clock = clock

    @classmethod
    def from_settings(
        cls, settings: Settings, signing_key: SigningKey, *, service: str = "users"
    ) -> TokenIssuer:
        return cls(
            signing_key=signing_key,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl_seconds=settings.access_token_ttl_seconds,
            service_tokens=ServiceTokenIssuer.from_settings(settings, service),
        )

    def access_token(
        self,
        *,
        subject: str,
        roles: Sequence[str],
        session_id: str | None = None,
        identity: IdentityClaims | None = None,
        extra_claims: dict[str, Any] | None = None,
    ) -> IssuedToken:
        now = int(self._clock())
        claims: dict[str, Any] = {
            **(extra_claims or {}),
            **(identity.as_claims() if identity is not None else {}),
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.access_ttl_seconds,
            "jti": str(uuid.uuid4()),
            "roles": sorted(set(roles)),
            "scopes": list(scopes_for_roles(roles)),
        }
        if session_id is not None:
            claims["sid"] = session_id
        token = jwt.encode(
            claims,
            self.signing_key.private_key,
            algorithm=ALGORITHM,
            headers={"kid": self.signing_key.kid, "typ": ACCESS_TOKEN_TYPE},
        )
        return IssuedToken(token, claims["jti"], now, claims["exp"])

    def service_token(self) -> str:
        if self.service_tokens is None:
            raise TokenConfigError("this TokenIssuer was built without a service-token secret")
        return self.service_tokens.token()
