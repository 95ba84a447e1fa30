"""Who may call the router: clients with user tokens (or none), never with service tokens.

Service tokens (issuer ``shopgraph-internal``, scope ``internal``) are for calls between
ShopGraph's own services. A client presenting one is refused with 401 before anything is
planned, whether or not the router verifies signatures itself (``--no-verify-tokens``): the
claims are read unverified just to refuse, never to trust.
"""

from __future__ import annotations

import jwt

from router.plugins.headers import normalized_authorization
from shopgraph.app import PrincipalSource
from shopgraph.auth.principal import ANONYMOUS, Principal, PrincipalKind, Scope
from shopgraph.auth.tokens import INTERNAL_ISSUER
from shopgraph.errors import Unauthenticated

SERVICE_TOKEN_REFUSED = "Service tokens are not accepted from clients"


def _is_service_claims(claims: dict[str, object]) -> bool:
    scopes = claims.get("scopes") or claims.get("scope") or ()
    if isinstance(scopes, str):
        scopes = scopes.split()
    return claims.get("iss") == INTERNAL_ISSUER or (
        isinstance(scopes, list | tuple) and Scope.INTERNAL.value in scopes
    )


class EdgeAuthentication:
    """A :class:`PrincipalSource` for client requests: the verifier's answer (when the
    router verifies), with service tokens refused."""

    def __init__(self, verifier: PrincipalSource | None) -> None:
        self.verifier = verifier

    async def principal_from_header(self, value: str | None) -> Principal:
        authorization = normalized_authorization(value)
        if authorization is None:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token:
            try:
                claims = jwt.decode(token, options={"verify_signature": False})
            except jwt.PyJWTError:
                claims = {}
            if _is_service_claims(claims):
                raise Unauthenticated(SERVICE_TOKEN_REFUSED)
        if self.verifier is None:
            return ANONYMOUS
        principal = await self.verifier.principal_from_header(authorization)
        if principal.kind == PrincipalKind.SERVICE or Scope.INTERNAL.value in principal.scopes:
            raise Unauthenticated(SERVICE_TOKEN_REFUSED)
        return principal
