"""The cache policy of a response and of an entity cache entry, from ``@cacheControl`` hints
(Apollo's rules: the shortest age of every field, private if any hint is, objects and root
fields without a hint not cacheable)."""

from __future__ import annotations

from graphql import build_schema, parse

from router.cache_control_policy import (
    ResponseCachePolicy,
    operation_cache_policy,
    selection_caps,
)
from router.cache_hints import CacheHint, read_cache_hints
from router.entity_cache_policy import CachePolicy, TypePolicy

SDL = """
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
  on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
type Query {
  products: [Product!]! @cacheControl(maxAge: 300)
  product(id: ID!): Product @cacheControl(maxAge: 600)
  me: User @cacheControl(maxAge: 60, scope: PRIVATE)
  stats: Stats
  version: String
}
type Product @cacheControl(maxAge: 120) {
  id: ID!
  name: String!
  price: Int! @cacheControl(maxAge: 30)
  stock: Stock
  seller: Seller @cacheControl(inheritMaxAge: true)
}
type Stock { available: Int! }
type Seller { name: String! }
type User { id: ID! email: String! }
type Stats @cacheControl(maxAge: 5) { views: Int! }
"""
SCHEMA = build_schema(SDL)
HINTS = read_cache_hints(SDL)


def policy(query: str, default_max_age: int = 0) -> ResponseCachePolicy:
    return operation_cache_policy(
        SCHEMA, HINTS, parse(query), None, default_max_age=default_max_age
    )


def test_hints_are_read_from_fields_and_types() -> None:
    assert HINTS.fields[("Product", "price")] == CacheHint(30, False)
    assert HINTS.fields[("Query", "me")] == CacheHint(60, True)
    assert HINTS.fields[("Product", "seller")] == CacheHint(None, False, inherit_max_age=True)
    assert HINTS.types["Product"] == CacheHint(120, False)


def test_the_shortest_age_of_every_selected_field_wins() -> None:
    # Query.products' own 300 replaces Product's 120 (a field hint wins over its type's)
    assert policy("{ products { id name } }") == ResponseCachePolicy(300, False)
    assert policy("{ products { id price } }") == ResponseCachePolicy(30, False)
    assert policy("{ product(id: 1) { name } stats { views } }") == ResponseCachePolicy(5, False)
    assert policy("{ products { id } }").header() == "max-age=300, public"


def test_a_field_hint_wins_over_its_type_hint() -> None:
    # Query.product says 600 over Product's 120; Product's own scalars add no limit
    assert policy("{ product(id: 1) { id } }") == ResponseCachePolicy(600, False)
    # an object field without a field hint takes its type's
    assert policy("{ products { seller { name } } stats { views } }").max_age == 5


def test_private_scope_anywhere_makes_the_response_private() -> None:
    mixed = policy("{ me { id } products { id } }")
    assert mixed == ResponseCachePolicy(60, True)
    assert mixed.header() == "max-age=60, private"


def test_objects_and_root_fields_without_a_hint_are_not_cacheable() -> None:
    assert policy("{ products { stock { available } } }").header() == "no-store"  # Stock
    assert policy("{ version }").header() == "no-store"  # a root scalar without a hint
    assert policy("{ version }", default_max_age=10) == ResponseCachePolicy(10, False)


def test_inherit_max_age_takes_the_parents_age() -> None:
    # Seller has no hint: without inheritMaxAge it would make the response uncacheable
    assert policy("{ products { seller { name } } }") == ResponseCachePolicy(300, False)


def test_fragments_count_like_fields() -> None:
    query = "query { ...Q } fragment Q on Query { products { ... on Product { price } } }"
    assert policy(query) == ResponseCachePolicy(30, False)


def test_an_entity_entry_lives_no_longer_than_its_selected_fields_allow() -> None:
    assert selection_caps(SCHEMA, HINTS, "{ ... on Product { price } }") == {
        "Product": CacheHint(30, False)
    }
    # no explicit hint under the selection: the type's policy alone decides
    assert selection_caps(SCHEMA, HINTS, "{ ... on Product { name } }") == {}
    entity_policy = CachePolicy(
        default_ttl_seconds=60, max_ttl_seconds=3600, hints=HINTS, schema=SCHEMA
    )
    assert entity_policy.for_entity("Product", "{ ... on Product { name } }") == TypePolicy(
        120, private=False
    )
    assert entity_policy.for_entity("Product", "{ ... on Product { price } }") == TypePolicy(
        30, private=False
    )
    assert entity_policy.for_entity("User", "{ ... on User { email } }") == TypePolicy(
        60, private=False
    )
