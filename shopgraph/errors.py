"""Errors with stable codes.

Two kinds, as in Saleor and Apollo:

* Business errors are data: services raise :class:`DomainError`, resolvers return it as a
  :class:`UserError` in the payload's ``errors`` list, and nothing is changed.
* Request errors (:class:`ShopGraphError` subclasses) become GraphQL errors carrying
  ``extensions.code``. Anything else is masked as ``INTERNAL_SERVER_ERROR``.
"""

from __future__ import annotations

import strawberry


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
