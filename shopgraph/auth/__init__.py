"""Authentication and authorisation shared by every subgraph and the router.

* :mod:`shopgraph.auth.principal` — who is calling (``Principal``), roles → scopes, guards and
  Strawberry permission classes (``IsAuthenticated``, ``HasScope``).
* :mod:`shopgraph.auth.verify` — ``TokenVerifier``: JWT verification with pinned algorithms.
* :mod:`shopgraph.auth.tokens` — ``TokenIssuer`` (users' RS256 access tokens) and
  ``ServiceTokenIssuer`` (HS256 service-to-service tokens).
* :mod:`shopgraph.auth.keys` — RSA signing key loading/generation, ``kid``, JWKS documents.
* :mod:`shopgraph.auth.passwords` — ``PasswordHasher``: argon2id with parameters from
  settings, on a bounded thread pool.
* :mod:`shopgraph.auth.password_policy` — what a new password must be.
"""

from shopgraph.auth.principal import (
    ANONYMOUS,
    HasScope,
    IsAuthenticated,
    IsInternal,
    Principal,
    PrincipalKind,
    Role,
    Scope,
    principal_of,
    require_any_scope,
    require_authenticated,
    require_scope,
    require_user,
    scopes_for_roles,
)
from shopgraph.auth.tokens import ServiceTokenIssuer, TokenIssuer
from shopgraph.auth.verify import TokenVerifier

__all__ = [
    "ANONYMOUS",
    "HasScope",
    "IsAuthenticated",
    "IsInternal",
    "Principal",
    "PrincipalKind",
    "Role",
    "Scope",
    "ServiceTokenIssuer",
    "TokenIssuer",
    "TokenVerifier",
    "principal_of",
    "require_any_scope",
    "require_authenticated",
    "require_scope",
    "require_user",
    "scopes_for_roles",
]
