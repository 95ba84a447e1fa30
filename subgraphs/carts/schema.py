# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The carts subgraph's GraphQL schema (docs/architecture.md §4, §5).

* ``Query.cart`` / ``User.cart``: the caller's cart; guests identify theirs with the
  ``X-Cart-Token`` header (the token the first guest ``addToCart`` returned in
  ``cartToken``). A signed-in user's request that carries ``X-Cart-Token`` first merges
  that guest cart into the user's (see :mod:`subgraphs.carts.service` for the rule).
* Mutations ``addToCart``, ``updateCartItem``, ``removeFromCart``, ``clearCart``,
  ``mergeCart`` return ``CartPayload { cart cartToken errors }``.
* Prices are the products subgraph's current ones, fetched for every product of the cart in
  one ``_entities`` call per request (a per-request DataLoader).
* Internal (service token, ``@inaccessible``): ``internalCart(userId)`` for orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from shopgraph.app import RequestContext
from shopgraph.auth.principal import (
    IsInternal,
    Scope,
    principal_of,
    require_authenticated,
    require_user,
)
from shopgraph.errors import DomainError, Forbidden, ShopGraphError, UserError
from shopgraph.graphql import federation_schema
from shopgraph.internal import UpstreamError
from shopgraph.money import Money
from shopgraph.settings import Settings
from subgraphs.carts import models
from subgraphs.carts.service import CartResult, CartService, Owner
from subgraphs.products.client import ProductQuote, ProductQuotes

SERVICE_KEY = "carts.service"
TOKEN_KEY = "carts.guest_token"
PRODUCTS_LOADER = "carts.products"
CART_TOKEN_HEADER = "x-cart-token"
MAX_TOKEN_LENGTH = 256

GqlInfo = Info[RequestContext, None]


class UpstreamUnavailable(ShopGraphError):
    code = "SERVICE_UNAVAILABLE"


def service_of(info: GqlInfo) -> CartService:
    service: CartService = info.context.extra[SERVICE_KEY]
    return service


def guest_token_of(info: GqlInfo) -> str | None:
    token: str | None = info.context.extra.get(TOKEN_KEY)
    return token


def cart_token_from_header(value: str | None) -> str | None:
    """The guest cart token of a request (blank or absurdly long values count as none)."""
    token = (value or "").strip()
    return token if 0 < len(token) <= MAX_TOKEN_LENGTH else None


async def lookup(info: GqlInfo, product_ids: list[str]) -> ProductQuotes:
    """Current product data, through the request's DataLoader: one products call for all
    the ids asked for in the same tick, and each id at most once per request."""
    service = service_of(info)

    async def batch(ids: list[str]) -> list[ProductQuote | None]:
        found = await service.catalog.quotes(ids)
        return [found.get(pid) for pid in ids]

    loader = info.context.loader(PRODUCTS_LOADER, batch)
    try:
        values = await loader.load_many(product_ids)
    except UpstreamError as exc:
        raise UpstreamUnavailable("Product prices are unavailable right now; try again") from exc
    return dict(zip(product_ids, values, strict=True))


@strawberry.federation.type(keys=["id"], description="A product (owned by products).")
class Product:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_extra: Any) -> Product:
        return cls(id=id)


@strawberry.type(description="One product in a cart, priced at the product's current price.")
class CartLine:
    product_id: strawberry.ID
    quantity: int
    added_at: datetime
    cart: strawberry.Private[models.Cart]

    @strawberry.field
    def product(self) -> Product:
        return Product(id=self.product_id)

    async def _info(self, info: GqlInfo) -> ProductQuote | None:
        return (await lookup(info, self.cart.product_ids)).get(str(self.product_id))

    @strawberry.field(description="False when the product is gone or no longer sold.")
    async def available(self, info: GqlInfo) -> bool:
        found = await self._info(info)
        return found is not None and found.available

    @strawberry.field(description="The current price; null when products no longer knows it.")
    async def unit_price(self, info: GqlInfo) -> Money | None:
        found = await self._info(info)
        return None if found is None else Money.of(found.price_minor, found.currency)

    @strawberry.field(description="unitPrice times quantity; null when the line is unavailable.")
    async def line_total(self, info: GqlInfo) -> Money | None:
        found = await self._info(info)
        if found is None or not found.available:
            return None
        return Money.of(found.price_minor * self.quantity, found.currency)


@strawberry.type(description="A shopping cart. Idle carts expire 30 days after their last change.")
class Cart:
    id: strawberry.ID
    created_at: datetime
    updated_at: datetime
    item_count: int = strawberry.field(description="Units over all lines.")
    record: strawberry.Private[models.Cart]

    @classmethod
    def of(cls, cart: models.Cart) -> Cart:
        return cls(
            id=strawberry.ID(cart.id),
            created_at=cart.created_at,
            updated_at=cart.updated_at,
            item_count=cart.item_count,
            record=cart,
        )

    @strawberry.field(description="In the order products were first added.")
    def lines(self) -> list[CartLine]:
        return [
            CartLine(
                product_id=strawberry.ID(x.product_id),
                quantity=x.quantity,
                added_at=x.added_at,
                cart=self.record,
            )
            for x in self.record.lines
        ]

    @strawberry.field(
        description="Sum of the available lines at current prices; null when no line is "
        "available or lines are priced in different currencies."
    )
    async def subtotal(self, info: GqlInfo) -> Money | None:
        known = await lookup(info, self.record.product_ids)
        total, currencies = 0, set()
        for line in self.record.lines:
            found = known.get(line.product_id)
            if found is not None and found.available:
                total += found.price_minor * line.quantity
                currencies.add(found.currency)
        if len(currencies) != 1:
            return None
        return Money.of(total, currencies.pop())


def _cart(cart: models.Cart | None) -> Cart | None:
    return None if cart is None else Cart.of(cart)


@strawberry.federation.type(keys=["id"], description="A customer or staff account.")
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_extra: Any) -> User:
        return cls(id=id)

    @strawberry.field(description="The user's cart: visible to the user themself only.")
    async def cart(self, info: GqlInfo) -> Cart | None:
        principal = require_authenticated(info)
        if principal.subject != str(self.id) and not principal.has_scope(Scope.INTERNAL):
            raise Forbidden("Only the user can see their cart")
        return _cart(await service_of(info).get(Owner.user(str(self.id))))


@strawberry.type
class CartPayload:
    cart: Cart | None = None
    cart_token: str | None = strawberry.field(
        default=None,
        description="Guests: the cart token to send back in the X-Cart-Token header.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AddToCartInput:
    product_id: strawberry.ID
    quantity: int = 1


@strawberry.input
class UpdateCartItemInput:
    product_id: strawberry.ID
    quantity: int = strawberry.field(description="0 removes the line.")


async def owner_of(info: GqlInfo) -> Owner:
    """The cart the caller acts on. A signed-in user's guest cart token is merged first."""
    principal = principal_of(info)
    token = guest_token_of(info)
    if principal.is_user:
        if token is not None:
            await service_of(info).merge(principal.subject, token)
        return Owner.user(principal.subject)
    if principal.is_authenticated:
        raise Forbidden("Carts belong to customers and guests, not to services")
    return Owner.guest(token)


def _payload(result: CartResult) -> CartPayload:
    return CartPayload(cart=_cart(result.cart), cart_token=result.token)


async def _refused(info: GqlInfo, owner: Owner, error: DomainError) -> CartPayload:
    cart = await service_of(info).get(owner)
    return CartPayload(
        cart=_cart(cart),
        cart_token=owner.guest_token if cart is not None else None,
        errors=[UserError.from_domain(error)],
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="The caller's cart: a signed-in user's, or the guest cart of the "
        "X-Cart-Token header; null when there is none."
    )
    async def cart(self, info: GqlInfo) -> Cart | None:
        return _cart(await service_of(info).get(await owner_of(info)))

    @strawberry.federation.field(inaccessible=True, permission_classes=[IsInternal])
    async def internal_cart(self, info: GqlInfo, user_id: strawberry.ID) -> Cart | None:
        return _cart(await service_of(info).get(Owner.user(str(user_id))))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Adds units to the product's line (1..99 per line).")
    async def add_to_cart(self, info: GqlInfo, input: AddToCartInput) -> CartPayload:
        owner = await owner_of(info)
        service = service_of(info)
        try:
            result = await service.add(
                owner, str(input.product_id), input.quantity, lambda ids: lookup(info, list(ids))
            )
        except DomainError as exc:
            return await _refused(info, owner, exc)
        return _payload(result)

    @strawberry.mutation(description="Sets a line's quantity; 0 removes the line.")
    async def update_cart_item(self, info: GqlInfo, input: UpdateCartItemInput) -> CartPayload:
        owner = await owner_of(info)
        service = service_of(info)
        try:
            result = await service.set_quantity(
                owner, str(input.product_id), input.quantity, lambda ids: lookup(info, list(ids))
            )
        except DomainError as exc:
            return await _refused(info, owner, exc)
        return _payload(result)

    @strawberry.mutation(description="Removes the product's line (a no-op when absent).")
    async def remove_from_cart(self, info: GqlInfo, product_id: strawberry.ID) -> CartPayload:
        return _payload(await service_of(info).remove(await owner_of(info), str(product_id)))

    @strawberry.mutation(description="Removes every line.")
    async def clear_cart(self, info: GqlInfo) -> CartPayload:
        return _payload(await service_of(info).clear(await owner_of(info)))

    @strawberry.mutation(
        description="Signed-in users: merges the guest cart of cartToken into theirs "
        "(quantities of a product in both are summed, capped at 99) and deletes it; "
        "merging the same token again changes nothing."
    )
    async def merge_cart(self, info: GqlInfo, cart_token: str) -> CartPayload:
        principal = require_user(info)
        service = service_of(info)
        token = cart_token_from_header(cart_token)
        if token is not None:
            await service.merge(principal.subject, token)
        own = guest_token_of(info)
        if own is not None and own != token:
            await service.merge(principal.subject, own)
        return CartPayload(cart=_cart(await service.get(Owner.user(principal.subject))))


def build_schema(settings: Settings) -> Any:
    """The carts subgraph schema (a ``strawberry.federation.Schema``)."""
    return federation_schema(settings, query=Query, mutation=Mutation, types=[User, Product])
