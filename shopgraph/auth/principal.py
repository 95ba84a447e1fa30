"""Who is calling: the ``Principal``, roles and their scopes (docs/architecture.md §8), and guards.

Resolvers guard themselves either declaratively with a Strawberry permission class::

    @strawberry.mutation(permission_classes=[HasScope(Scope.CATALOG_WRITE)])
    async def create_product(...): ...

or imperatively with :func:`require_authenticated` / :func:`require_scope`, which accept a
``Principal`` or a resolver's ``info``. Anonymous callers get ``UNAUTHENTICATED``;
authenticated callers lacking the scope get ``FORBIDDEN``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, Final

from strawberry.permission import BasePermission

from shopgraph.auth.identity_claims import IdentityClaims
from shopgraph.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"
    ADMIN = "ADMIN"


class Scope(StrEnum):
    CATALOG_WRITE = "catalog:write"
    INVENTORY_WRITE = "inventory:write"
    ORDERS_MANAGE = "orders:manage"
    PAYMENTS_REFUND = "payments:refund"
    REVIEWS_MODERATE = "reviews:moderate"
    USERS_MANAGE = "users:manage"
    REPORTS_READ = "reports:read"
    # Only service tokens (shopgraph-internal issuer) carry it; never granted to a role.
    INTERNAL = "internal"


STAFF_SCOPES: Final = frozenset(
    {
        Scope.CATALOG_WRITE,
        Scope.INVENTORY_WRITE,
        Scope.ORDERS_MANAGE,
        Scope.REPORTS_READ,
        Scope.REVIEWS_MODERATE,
    }
)
ROLE_SCOPES: Final[dict[Role, frozenset[Scope]]] = {
    Role.CUSTOMER: frozenset(),
    Role.STAFF: STAFF_SCOPES,
    Role.ADMIN: STAFF_SCOPES | {Scope.PAYMENTS_REFUND, Scope.USERS_MANAGE},
}


def scopes_for_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """The sorted union of the scopes of ``roles`` (unknown role names grant nothing)."""
    granted: set[str] = set()
    for name in roles:
        try:
            granted |= {str(scope) for scope in ROLE_SCOPES[Role(name)]}
        except ValueError:
            continue
    return tuple(sorted(granted))


class PrincipalKind(StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller of one request.

    ``subject`` is the user id (UUID string) for users, ``service:<name>`` for service
    tokens and ``""`` for anonymous callers. ``session_id`` is the refresh-token family the
    access token was issued for (lets ``changePassword`` keep the current session).
    ``identity`` is the account's email and names from the access token
    (:mod:`shopgraph.auth.identity_claims`); None for services, anonymous callers and
    tokens issued without them.
    """

    subject: str
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    kind: str = PrincipalKind.USER
    session_id: str | None = None
    identity: IdentityClaims | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.kind != PrincipalKind.ANONYMOUS and bool(self.subject)

    @property
    def is_user(self) -> bool:
        return self.kind == PrincipalKind.USER and bool(self.subject)

    @property
    def is_service(self) -> bool:
        return self.kind == PrincipalKind.SERVICE

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def has_role(self, role: str) -> bool:
        return role in self.roles


ANONYMOUS: Final = Principal(subject="", kind=PrincipalKind.ANONYMOUS)


def principal_of(info_or_principal: Any) -> Principal:
    """The principal itself, or the one on a resolver ``info`` (``info.context.principal``)."""
    if isinstance(info_or_principal, Principal):
        return info_or_principal
    context = getattr(info_or_principal, "context", None)
    principal = getattr(context, "principal", None)
    if isinstance(principal, Principal):
        return principal
    if isinstance(context, dict) and isinstance(context.get("principal"), Principal):
        found: Principal = context["principal"]
        return found
    return ANONYMOUS


def require_authenticated(info_or_principal: Any) -> Principal:
    """The caller, if signed in (user or service); else ``Unauthenticated``."""
    principal = principal_of(info_or_principal)
    if not principal.is_authenticated:
        raise Unauthenticated("Authentication required: send 'Authorization: Bearer <token>'")
    return principal


def require_user(info_or_principal: Any) -> Principal:
    """The caller, if it is a signed-in user (not a service); else ``Unauthenticated``."""
    principal = require_authenticated(info_or_principal)
    if not principal.is_user:
        raise Unauthenticated("This operation needs a user's access token")
    return principal


def require_scope(info_or_principal: Any, scope: str) -> Principal:
    """The caller, if it holds ``scope``; ``Unauthenticated`` / ``Forbidden`` otherwise."""
    principal = require_authenticated(info_or_principal)
    if not principal.has_scope(scope):
        raise Forbidden(f"Missing required scope '{scope}'")
    return principal


def require_any_scope(info_or_principal: Any, scopes: Iterable[str]) -> Principal:
    principal = require_authenticated(info_or_principal)
    wanted = tuple(scopes)
    if not any(principal.has_scope(scope) for scope in wanted):
        raise Forbidden("Missing one of the required scopes: " + ", ".join(wanted))
    return principal


class IsAuthenticated(BasePermission):
    """Field permission: any signed-in caller (``permission_classes=[IsAuthenticated]``)."""

    message = "Authentication required"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        require_authenticated(info)  # raises UNAUTHENTICATED itself
        return True

    def on_unauthorized(self) -> None:
        raise Unauthenticated(self.message or "Authentication required")


class ScopePermission(BasePermission):
    """Base of the classes :func:`HasScope` makes; ``scope`` is set per subclass."""

    scope: ClassVar[str] = ""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        require_scope(info, self.scope)  # raises UNAUTHENTICATED or FORBIDDEN itself
        return True

    def on_unauthorized(self) -> None:
        raise Forbidden(f"Missing required scope '{self.scope}'")


@cache
def HasScope(scope: str) -> type[BasePermission]:
    """Field permission class for ``scope``: ``permission_classes=[HasScope("catalog:write")]``.

    Anonymous callers get ``UNAUTHENTICATED``, callers without the scope ``FORBIDDEN``.
    """
    name = "HasScope_" + "".join(ch if ch.isalnum() else "_" for ch in str(scope))
    return type(name, (ScopePermission,), {"scope": str(scope), "__module__": __name__})


# Service-to-service fields (pair with ``@inaccessible``): ``permission_classes=[IsInternal]``.
IsInternal: Final = HasScope(Scope.INTERNAL)
