"""The account's identity carried in its access token: the OIDC standard claims ``email``,
``given_name`` and ``family_name`` (OpenID Connect Core §5.1).

The users service puts them in every access token it issues, so a service that needs the
buyer's address and name (orders, for ``OrderCreated``) reads them from the verified caller
instead of asking users. An account's email and names are set at sign-up and never change,
so a token's copy is as current as the users database. Tokens issued before the claims were
added carry none: :func:`identity_from_claims` then answers None and the caller asks users.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class IdentityClaims:
    email: str
    given_name: str | None = None
    family_name: str | None = None

    def as_claims(self) -> dict[str, str]:
        """The JWT claims; a missing name is left out, as OIDC does."""
        claims = {"email": self.email}
        if self.given_name:
            claims["given_name"] = self.given_name
        if self.family_name:
            claims["family_name"] = self.family_name
        return claims


def identity_from_claims(claims: Mapping[str, Any]) -> IdentityClaims | None:
    """The identity in a verified token's claims; None without a usable ``email`` claim."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    return IdentityClaims(
        email=email,
        given_name=_name(claims.get("given_name")),
        family_name=_name(claims.get("family_name")),
    )


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
