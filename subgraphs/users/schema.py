# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The users subgraph's GraphQL schema (docs/architecture.md §4, §5).

``User @key(fields: "id")`` is resolved for other subgraphs through a per-request
DataLoader. ``email`` and ``roles`` are personal: only the user themself, staff with
``users:manage`` or ``orders:manage``, and internal services may read them.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import (
    HasScope,
    Principal,
    Role,
    Scope,
    principal_of,
    require_user,
)
from shopgraph.errors import BadUserInput, Forbidden, UserError, errors_as_data
from shopgraph.graphql import federation_schema
from shopgraph.pagination import PageInfo, connection_list_size
from shopgraph.settings import Settings
from subgraphs.users.client_address import client_address
from subgraphs.users.repository import UserRecord
from subgraphs.users.service import AuthResult, UserService
from subgraphs.users.throttle import TooManyAttempts

MAX_PAGE = 100
DEFAULT_PAGE = 20
SERVICE_KEY = "users.service"

RoleEnum = strawberry.enum(Role, name="Role", description="What a user may do.")

GqlInfo = Info[RequestContext, None]

P = ParamSpec("P")
R = TypeVar("R")

RETRY_AFTER_DESCRIPTION = (
    "With TOO_MANY_ATTEMPTS: seconds until the attempt may be retried; otherwise null."
)


def service_of(info: GqlInfo) -> UserService:
    service: UserService = info.context.extra[SERVICE_KEY]
    return service


def client_of(info: GqlInfo) -> str | None:
    """The caller's address for the per-client throttles (see client_address.py)."""
    return client_address(info.context.request, info.context.settings.trusted_proxies)


def throttled_as_data(
    payload: Callable[..., R],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Like ``errors_as_data``, for :class:`TooManyAttempts`: the payload also gets the
    retry time in ``retryAfter``. Put it under ``errors_as_data``."""

    def decorate(resolve: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(resolve)
        async def resolve_or_throttle(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await resolve(*args, **kwargs)
            except TooManyAttempts as refused:
                return payload(
                    errors=[UserError.from_domain(refused)],
                    retry_after=refused.retry_after_seconds,
                )

        return resolve_or_throttle

    return decorate


def _may_see_personal(principal: Principal, user_id: str) -> bool:
    return (
        principal.subject == user_id
        or principal.has_scope(Scope.USERS_MANAGE)
        or principal.has_scope(Scope.ORDERS_MANAGE)
        or principal.has_scope(Scope.INTERNAL)
    )


@strawberry.federation.type(keys=["id"], description="A customer or staff account.")
class User:
    id: strawberry.ID
    first_name: str
    last_name: str
    created_at: datetime
    _email: strawberry.Private[str]
    _roles: strawberry.Private[tuple[str, ...]]
    _owner_view: strawberry.Private[bool] = False

    @classmethod
    def from_record(cls, record: UserRecord, *, owner_view: bool = False) -> User:
        return cls(
            id=strawberry.ID(record.id),
            first_name=record.first_name,
            last_name=record.last_name,
            created_at=record.created_at,
            _email=record.email,
            _roles=record.roles,
            _owner_view=owner_view,
        )

    def _check_personal(self, info: GqlInfo, what: str) -> None:
        if not self._owner_view and not _may_see_personal(principal_of(info), str(self.id)):
            raise Forbidden(f"Only the user themself or staff may read {what}")

    # No @authenticated (nor on roles): register and login hand the new user their own email
    # before they hold a token (owner view); _check_personal decides.
    @strawberry.field(description="Visible to the user themself and staff.")
    def email(self, info: GqlInfo) -> str:
        self._check_personal(info, "the email")
        return self._email

    @strawberry.field(description="Visible to the user themself and staff.")
    def roles(self, info: GqlInfo) -> list[RoleEnum]:  # type: ignore[valid-type]
        self._check_personal(info, "the roles")
        return [Role(role) for role in self._roles if role in Role.__members__]

    @classmethod
    async def resolve_reference(cls, info: GqlInfo, id: strawberry.ID) -> User | None:
        service = service_of(info)
        loader = info.context.loader("users.by_id", service.get_many)
        record = await loader.load(str(id))
        return None if record is None else cls.from_record(record)


@strawberry.type
class UserEdge:
    cursor: str
    node: User


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo


@strawberry.input
class UserFilter:
    email_contains: str | None = None
    role: RoleEnum | None = None  # type: ignore[valid-type]


@strawberry.input
class RegisterInput:
    email: str
    password: str
    first_name: str
    last_name: str


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.type(description="Tokens for a signed-in user, or the errors that prevented it.")
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
    retry_after: int | None = strawberry.field(default=None, description=RETRY_AFTER_DESCRIPTION)

    @classmethod
    def ok(cls, result: AuthResult) -> AuthPayload:
        return cls(
            access_token=result.access.token,
            refresh_token=result.refresh_token,
            expires_in=result.access.expires_in,
            user=User.from_record(result.user, owner_view=True),
        )


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Always ok for a well-formed address (no account enumeration).")
class RequestPasswordResetPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)
    retry_after: int | None = strawberry.field(default=None, description=RETRY_AFTER_DESCRIPTION)


@strawberry.type
class ResetPasswordPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.federation.field(
        authenticated=True, description="The signed-in user, or null when signed out."
    )
    async def me(self, info: GqlInfo) -> User | None:
        principal = principal_of(info)
        if not principal.is_user:
            return None
        record = await service_of(info).get(principal.subject)
        return None if record is None else User.from_record(record)

    @strawberry.federation.field(
        requires_scopes=[[Scope.USERS_MANAGE.value]],
        permission_classes=[HasScope(Scope.USERS_MANAGE)],
    )
    async def user(self, info: GqlInfo, id: strawberry.ID) -> User | None:
        record = await service_of(info).get(str(id))
        return None if record is None else User.from_record(record)

    @strawberry.federation.field(
        directives=[connection_list_size(DEFAULT_PAGE)],
        requires_scopes=[[Scope.USERS_MANAGE.value]],
        permission_classes=[HasScope(Scope.USERS_MANAGE)],
        description="Users by email, for staff with users:manage.",
    )
    async def users(
        self,
        info: GqlInfo,
        first: int | None = DEFAULT_PAGE,
        after: str | None = None,
        filter: UserFilter | None = None,
    ) -> UserConnection:
        first = DEFAULT_PAGE if first is None else first
        if not 0 <= first <= MAX_PAGE:
            raise BadUserInput(f"'first' must be between 0 and {MAX_PAGE}")
        try:
            page = await service_of(info).list_users(
                first=first,
                after=after,
                email_contains=filter.email_contains if filter else None,
                role=filter.role.value if filter and filter.role else None,
            )
        except ValueError as exc:
            raise BadUserInput(str(exc)) from None
        edges = [
            UserEdge(cursor=cursor, node=User.from_record(record))
            for record, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return UserConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=after is not None,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation
    @errors_as_data(AuthPayload)
    async def register(self, info: GqlInfo, input: RegisterInput) -> AuthPayload:
        result = await service_of(info).register(
            email=input.email,
            password=input.password,
            first_name=input.first_name,
            last_name=input.last_name,
        )
        return AuthPayload.ok(result)

    @strawberry.mutation(
        description="Each call (each aliased field too) is one attempt against the account's "
        "and the client's failure limits; past them: TOO_MANY_ATTEMPTS with retryAfter."
    )
    @errors_as_data(AuthPayload)
    @throttled_as_data(AuthPayload)
    async def login(self, info: GqlInfo, input: LoginInput) -> AuthPayload:
        result = await service_of(info).login(
            email=input.email, password=input.password, client=client_of(info)
        )
        return AuthPayload.ok(result)

    @strawberry.mutation(description="Rotates; reusing an old token revokes its whole session.")
    @errors_as_data(AuthPayload)
    @throttled_as_data(AuthPayload)
    async def refresh_token(self, info: GqlInfo, refresh_token: str) -> AuthPayload:
        result = await service_of(info).refresh(refresh_token, client=client_of(info))
        return AuthPayload.ok(result)

    @strawberry.mutation(description="Revokes the session the refresh token belongs to.")
    @errors_as_data(LogoutPayload)
    async def logout(self, info: GqlInfo, refresh_token: str) -> LogoutPayload:
        await service_of(info).logout(refresh_token)
        return LogoutPayload(ok=True)

    @strawberry.mutation
    @errors_as_data(RequestPasswordResetPayload)
    @throttled_as_data(RequestPasswordResetPayload)
    async def request_password_reset(
        self, info: GqlInfo, email: str
    ) -> RequestPasswordResetPayload:
        await service_of(info).request_password_reset(email, client=client_of(info))
        return RequestPasswordResetPayload(ok=True)

    @strawberry.mutation(description="Sets a new password and signs out every session.")
    @errors_as_data(ResetPasswordPayload)
    async def reset_password(
        self, info: GqlInfo, token: str, new_password: str
    ) -> ResetPasswordPayload:
        await service_of(info).reset_password(token=token, new_password=new_password)
        return ResetPasswordPayload(ok=True)

    @strawberry.federation.mutation(
        authenticated=True, description="Signs out every other session."
    )
    @errors_as_data(UserPayload)
    async def change_password(
        self, info: GqlInfo, current_password: str, new_password: str
    ) -> UserPayload:
        principal = require_user(info)
        record = await service_of(info).change_password(
            user_id=principal.subject,
            current_password=current_password,
            new_password=new_password,
            keep_session=principal.session_id,
        )
        return UserPayload(user=User.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.USERS_MANAGE.value]],
        permission_classes=[HasScope(Scope.USERS_MANAGE)],
    )
    @errors_as_data(UserPayload)
    async def grant_role(
        self,
        info: GqlInfo,
        user_id: strawberry.ID,
        role: RoleEnum,  # type: ignore[valid-type]
    ) -> UserPayload:
        record = await service_of(info).grant_role(
            actor_id=principal_of(info).subject, user_id=str(user_id), role=Role(role)
        )
        return UserPayload(user=User.from_record(record))

    @strawberry.federation.mutation(
        requires_scopes=[[Scope.USERS_MANAGE.value]],
        permission_classes=[HasScope(Scope.USERS_MANAGE)],
    )
    @errors_as_data(UserPayload)
    async def revoke_role(
        self,
        info: GqlInfo,
        user_id: strawberry.ID,
        role: RoleEnum,  # type: ignore[valid-type]
    ) -> UserPayload:
        record = await service_of(info).revoke_role(
            actor_id=principal_of(info).subject, user_id=str(user_id), role=Role(role)
        )
        return UserPayload(user=User.from_record(record))


def build_schema(settings: Settings) -> Any:
    """The users subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(settings, query=Query, mutation=Mutation, types=[User])
