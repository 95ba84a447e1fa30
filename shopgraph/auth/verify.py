"""Verifying bearer tokens: the one place that turns an ``Authorization`` header into a
:class:`~shopgraph.auth.principal.Principal`.

Each issuer has exactly one pinned algorithm and key source:

* ``settings.jwt_issuer`` (users): RS256 only, key chosen by the ``kid`` header from the JWKS
  (local keys inside the users service; ``/.well-known/jwks.json`` over HTTP elsewhere).
* ``shopgraph-internal``: HS256 only, with ``SHOPGRAPH_SERVICE_TOKEN_SECRET``.

``exp``, ``iat``, ``iss``, ``aud`` and ``sub`` are required. Everything else (``alg: none``,
HS256 signed with the RSA public key, unknown issuers, tampering…) is refused with
``Unauthenticated`` and a message that says why, without echoing the token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, cast

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shopgraph.auth.identity_claims import identity_from_claims
from shopgraph.auth.keys import ALGORITHM, SigningKey, rsa_thumbprint
from shopgraph.auth.principal import ANONYMOUS, Principal, PrincipalKind, Scope
from shopgraph.auth.tokens import INTERNAL_ALGORITHM, INTERNAL_ISSUER, check_service_secret
from shopgraph.auth.verified_tokens import VerifiedTokens
from shopgraph.errors import Unauthenticated
from shopgraph.logging import get_logger
from shopgraph.settings import Settings

log = get_logger(__name__)

REQUIRED_CLAIMS: Final = ["exp", "iat", "iss", "aud", "sub"]
DEFAULT_LEEWAY_SECONDS: Final = 30
JWKS_PATH: Final = "/.well-known/jwks.json"
MAX_TOKEN_LENGTH: Final = 8192

Clock = Callable[[], float]


class KeySource(Protocol):
    """Where RS256 public keys come from, by ``kid``."""

    async def get(self, kid: str) -> rsa.RSAPublicKey | None:
        """The key for ``kid``, or None when (even after any allowed refresh) it is unknown."""


class LocalKeys:
    """Keys held in this process (the users service verifying its own tokens, tests)."""

    def __init__(self, keys: Iterable[SigningKey | rsa.RSAPublicKey]) -> None:
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        for key in keys:
            if isinstance(key, SigningKey):
                self._keys[key.kid] = key.public_key
            else:
                self._keys[rsa_thumbprint(key)] = key

    async def get(self, kid: str) -> rsa.RSAPublicKey | None:
        return self._keys.get(kid)


def parse_jwks(document: Any) -> dict[str, rsa.RSAPublicKey]:
    """RSA signature keys of a JWKS document by ``kid`` (other entries are skipped)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise ValueError("JWKS must be a JSON object with a 'keys' list")
    keys: dict[str, rsa.RSAPublicKey] = {}
    for entry in document["keys"]:
        if not isinstance(entry, Mapping) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", ALGORITHM) != ALGORITHM:
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        try:
            key = RSAAlgorithm.from_jwk(dict(entry))
        except (jwt.InvalidKeyError, ValueError, KeyError, TypeError):
            continue
        if isinstance(key, rsa.RSAPublicKey):
            keys[kid] = key
    return keys


class RemoteJWKS:
    """A JWKS fetched over HTTP and cached.

    Refreshed when older than ``ttl_seconds``; a token with an unknown ``kid`` (key rotation)
    forces one refresh, but such forced refreshes happen at most once per
    ``min_refresh_interval`` seconds, so junk tokens cannot make us hammer the users service.
    A failed refresh keeps the old keys (and is retried no sooner than that interval).
    Without a given ``client`` every fetch goes through one client made here, at start-up
    (its TLS context and transport built once, not during the first requests): it keeps no
    connection open between fetches minutes apart, so it needs no closing.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        ttl_seconds: float = 300.0,
        min_refresh_interval: float = 30.0,
        timeout: float = 5.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.url = url
        self._client = client or httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0))
        self.ttl_seconds = ttl_seconds
        self.min_refresh_interval = min_refresh_interval
        self.timeout = timeout
        self._clock = clock
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._forced_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def get(self, kid: str) -> rsa.RSAPublicKey | None:
        if self._is_stale():
            await self._refresh_stale()
        if kid not in self._keys:
            await self._refresh_for_unknown(kid)
        return self._keys.get(kid)

    async def prime(self) -> bool:
        """Fetches the keys now unless fresh ones are held, whatever the last failed attempt
        (start-up calls it until the users service answers); True once keys are held."""
        async with self._lock:
            if self._is_stale():
                await self._load()
        return not self._is_stale()

    def _is_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self.ttl_seconds

    def _recently(self, at: float | None) -> bool:
        return at is not None and self._clock() - at < self.min_refresh_interval

    async def _refresh_stale(self) -> None:
        async with self._lock:
            # Another task refreshed while we waited, or a failed attempt was just made.
            if not self._is_stale() or self._recently(self._attempted_at):
                return
            await self._load()

    async def _refresh_for_unknown(self, kid: str) -> None:
        async with self._lock:
            if kid in self._keys or self._recently(self._forced_at):
                return
            self._forced_at = self._clock()
            await self._load()

    async def _load(self) -> None:
        self._attempted_at = self._clock()
        try:
            keys = await self._fetch()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("jwks_refresh_failed", url=self.url, error=repr(exc))
            return
        self._keys = keys
        self._fetched_at = self._clock()

    async def _fetch(self) -> dict[str, rsa.RSAPublicKey]:
        self.fetch_count += 1
        response = await self._client.get(self.url, timeout=self.timeout)
        response.raise_for_status()
        return parse_jwks(response.json())


def default_jwks_url(settings: Settings) -> str:
    """``SHOPGRAPH_JWKS_URL``, or the users subgraph's ``/.well-known/jwks.json``."""
    if settings.jwks_url:
        return settings.jwks_url
    base = settings.url_for("users").removesuffix("/")
    base = base.removesuffix("/graphql")
    return base + JWKS_PATH


def _string_list(claims: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = claims.get(name, [])
    if isinstance(value, str):  # tolerate the RFC 8693 space-separated "scope" style
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Unauthenticated(f"Invalid token: claim '{name}' must be a list of strings")
    return tuple(value)


class TokenVerifier:
    """Verifies access and service tokens; see the module docstring for the rules."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource,
        service_secret: str | None,
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
    ) -> None:
        if issuer == INTERNAL_ISSUER:
            raise ValueError(f"the user-token issuer must not be {INTERNAL_ISSUER!r}")
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self._service_secret = service_secret
        self.leeway_seconds = leeway_seconds
        self.verified = VerifiedTokens()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        jwks_source: KeySource | str | Sequence[SigningKey | rsa.RSAPublicKey] | None = None,
        *,
        client: httpx.AsyncClient | None = None,
    ) -> TokenVerifier:
        """``jwks_source``: local keys, a ``KeySource``, a JWKS URL, or None for the default
        URL (``SHOPGRAPH_JWKS_URL`` or the users subgraph's well-known endpoint)."""
        keys: KeySource
        if jwks_source is None:
            keys = RemoteJWKS(default_jwks_url(settings), client=client)
        elif isinstance(jwks_source, str):
            keys = RemoteJWKS(jwks_source, client=client)
        elif isinstance(jwks_source, Sequence):
            keys = LocalKeys(cast(Sequence[SigningKey | rsa.RSAPublicKey], jwks_source))
        else:
            keys = jwks_source
        return cls(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            keys=keys,
            service_secret=check_service_secret(settings),
        )

    async def principal_from_header(self, value: str | None) -> Principal:
        """ANONYMOUS without a header; the verified principal for ``Bearer <token>``."""
        if value is None or not value.strip():
            return ANONYMOUS
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization header must be 'Bearer <token>'")
        return await self.verify(token.strip())

    async def verify(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("Invalid token: too long")
        known = self.verified.get(token)
        if known is not None:
            return known
        principal, expires_at = await self._verify_uncached(token)
        self.verified.remember(token, principal, expires_at)
        return principal

    async def _verify_uncached(self, token: str) -> tuple[Principal, float]:
        """The principal and the token's ``exp``, or ``Unauthenticated``."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Unauthenticated("Invalid token: not a well-formed JWT") from None
        algorithm = header.get("alg")
        issuer = unverified.get("iss")
        if issuer == INTERNAL_ISSUER:
            principal = self._verify_service(token, algorithm)
        elif issuer is None:
            raise Unauthenticated("Invalid token: missing 'iss' claim")
        elif issuer != self.issuer:
            raise Unauthenticated("Invalid token: issuer is not accepted")
        else:
            principal = await self._verify_user(token, header, algorithm)
        # Verified, so the unverified claims are the token's claims; ``exp`` is required.
        return principal, float(unverified["exp"])

    async def _verify_user(
        self, token: str, header: Mapping[str, Any], algorithm: Any
    ) -> Principal:
        if algorithm != ALGORITHM:
            raise Unauthenticated(f"Invalid token: algorithm {algorithm!r} is not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("Invalid token: missing 'kid' header")
        key = await self.keys.get(kid)
        if key is None:
            raise Unauthenticated("Invalid token: unknown signing key (kid)")
        claims = self._decode(token, key, ALGORITHM, self.issuer)
        return Principal(
            subject=str(claims["sub"]),
            roles=_string_list(claims, "roles"),
            scopes=tuple(s for s in _string_list(claims, "scopes") if s != Scope.INTERNAL),
            kind=PrincipalKind.USER,
            session_id=claims.get("sid") if isinstance(claims.get("sid"), str) else None,
            identity=identity_from_claims(claims),
        )

    def _verify_service(self, token: str, algorithm: Any) -> Principal:
        if self._service_secret is None:
            raise Unauthenticated("Invalid token: service tokens are not accepted here")
        if algorithm != INTERNAL_ALGORITHM:
            raise Unauthenticated(f"Invalid token: algorithm {algorithm!r} is not allowed")
        claims = self._decode(token, self._service_secret, INTERNAL_ALGORITHM, INTERNAL_ISSUER)
        scopes = _string_list(claims, "scopes")
        if Scope.INTERNAL not in scopes:
            raise Unauthenticated("Invalid token: service token lacks the 'internal' scope")
        return Principal(
            subject=str(claims["sub"]),
            roles=(),
            scopes=(Scope.INTERNAL.value,),
            kind=PrincipalKind.SERVICE,
        )

    def _decode(
        self, token: str, key: rsa.RSAPublicKey | str, algorithm: str, issuer: str
    ) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=issuer,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS, "strict_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Token expired: refresh it and retry") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"Invalid token: missing '{exc.claim}' claim") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("Invalid token: audience is not accepted") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("Invalid token: issuer is not accepted") from None
        except jwt.ImmatureSignatureError:
            raise Unauthenticated("Invalid token: not valid yet (iat/nbf in the future)") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("Invalid token: signature verification failed") from None
        except jwt.InvalidAlgorithmError:
            raise Unauthenticated(f"Invalid token: algorithm is not {algorithm}") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"Invalid token: {exc}") from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Unauthenticated("Invalid token: 'sub' must be a non-empty string")
        return claims
