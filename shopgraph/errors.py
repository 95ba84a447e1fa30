"""Errors with stable codes.

Two kinds, as in Saleor and Apollo:

* Business errors are data: services raise :class:`DomainError`, and a resolver decorated
  with :func:`errors_as_data` returns it as a :class:`UserError` in its payload's
  ``errors`` list; nothing is changed.
* Request errors (:class:`ShopGraphError` subclasses) become GraphQL errors carrying
  ``extensions.code``. Anything else is masked as ``INTERNAL_SERVER_ERROR``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import strawberry

P = ParamSpec("P")
R = TypeVar("R")


class ShopGraphError(Exception):
    """A GraphQL error safe to show to clients, with a stable ``extensions.code``."""

    code: str = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class Unauthenticated(ShopGraphError):
    code = "UNAUTHENTICATED"


class Forbidden(ShopGraphError):
    code = "FORBIDDEN"


class BadUserInput(ShopGraphError):
    code = "BAD_USER_INPUT"


class NotFound(ShopGraphError):
    code = "NOT_FOUND"


class DomainError(Exception):
    """A business rule said no; becomes a :class:`UserError` in the mutation payload."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@strawberry.federation.type(
    shareable=True, description="A business error: the operation changed nothing."
)
class UserError:
    code: str
    field: str | None
    message: str

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message)


def errors_as_data(
    payload: Callable[..., R],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Resolver decorator: a :class:`DomainError` raised by the resolver becomes
    ``payload(errors=[UserError])``, the payload's other fields left at their defaults.

    Put it under ``@strawberry.mutation``; the resolver's signature is kept, so Strawberry
    still sees its arguments.
    """

    def decorate(resolve: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(resolve)
        async def resolve_or_refuse(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await resolve(*args, **kwargs)
            except DomainError as error:
                return payload(errors=[UserError.from_domain(error)])

        return resolve_or_refuse

    return decorate
