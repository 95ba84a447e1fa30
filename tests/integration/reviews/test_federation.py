"""Entity resolution for the router: many representations, in order, in constant SQL."""

from __future__ import annotations

from typing import Any

from tests.integration.reviews.conftest import PRODUCT_ENTITIES, Reviews, new_id, product_reps
from tests.support.sql import count_statements

RATING_ONLY = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Product { id rating { average count } } }
}"""

REVIEW_ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Review { id rating status product { id } author { id } }
  }
}"""


async def seed_products(reviews: Reviews, count: int) -> dict[str, list[int]]:
    """``count`` products; product i gets i % 4 approved reviews with known ratings."""
    ratings: dict[str, list[int]] = {}
    tokens = [reviews.customer()[1] for _ in range(3)]
    for i in range(count):
        product = new_id()
        ratings[product] = []
        for j in range(i % 4):
            stars = (i + j) % 5 + 1
            assert (await reviews.add(tokens[j], product, stars))["errors"] == []
            ratings[product].append(stars)
    return ratings


async def test_entities_for_100_products_come_back_in_order(reviews: Reviews) -> None:
    ratings = await seed_products(reviews, 20)
    products = list(ratings)
    # 100 representations: the 20 reviewed products shuffled, with 80 unknown ones between
    unknown = [new_id() for _ in range(80)]
    order = [p for pair in zip(products, unknown[:20], strict=True) for p in pair] + unknown[20:]
    order.reverse()
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(*order), "first": 2})
    entities: list[dict[str, Any]] = data["_entities"]
    assert [e["id"] for e in entities] == order
    for entity in entities:
        stars = ratings.get(entity["id"], [])
        assert entity["rating"]["count"] == len(stars)
        assert entity["reviews"]["totalCount"] == len(stars)
        assert len(entity["reviews"]["edges"]) == min(2, len(stars))
        assert entity["reviews"]["pageInfo"]["hasNextPage"] is (len(stars) > 2)
        if stars:
            assert entity["rating"]["average"] == round(sum(stars) / len(stars), 2)
        else:
            assert entity["rating"]["average"] is None


async def test_rating_of_50_products_costs_the_same_sql_as_5(reviews: Reviews) -> None:
    ratings = await seed_products(reviews, 50)
    products = list(ratings)
    engine = reviews.resources.db.engine

    async def statements_for(ids: list[str]) -> int:
        with count_statements(engine) as statements:
            data = await reviews.data(RATING_ONLY, {"reps": product_reps(*ids)})
        assert [e["id"] for e in data["_entities"]] == ids
        assert [e["rating"]["count"] for e in data["_entities"]] == [len(ratings[i]) for i in ids]
        return len(statements)

    five = await statements_for(products[:5])
    fifty = await statements_for(products)
    assert five == fifty == 1, (five, fifty)

    # the full product view (rating + a page of reviews) is constant too
    with count_statements(engine) as few:
        await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(*products[:5]), "first": 3})
    with count_statements(engine) as many:
        await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(*products), "first": 3})
    assert len(few) == len(many) == 2


async def test_review_entities_respect_visibility(reviews: Reviews) -> None:
    _, token = reviews.customer()
    product = new_id()
    public = (await reviews.add(token, product, 4))["review"]
    held = (await reviews.add(reviews.customer()[1], product, 1, "x", "www.spam.com"))["review"]
    reps = [
        {"__typename": "Review", "id": public["id"]},
        {"__typename": "Review", "id": held["id"]},
        {"__typename": "Review", "id": new_id()},
    ]
    data = await reviews.data(REVIEW_ENTITIES, {"reps": reps})
    assert data["_entities"][0]["id"] == public["id"]
    assert data["_entities"][0]["product"] == {"id": product}
    assert data["_entities"][1:] == [None, None]
    staff = await reviews.data(REVIEW_ENTITIES, {"reps": reps}, reviews.staff())
    assert staff["_entities"][1]["status"] == "PENDING"


async def test_representations_may_carry_other_fields(reviews: Reviews) -> None:
    """The router may send more than the key (e.g. products' other key, sku)."""
    product = new_id()
    await reviews.add(reviews.customer()[1], product, 3)
    reps = [{"__typename": "Product", "id": product, "sku": "TEE-001"}]
    data = await reviews.data(RATING_ONLY, {"reps": reps})
    assert data["_entities"] == [{"id": product, "rating": {"average": 3.0, "count": 1}}]
    users = [{"__typename": "User", "id": new_id(), "email": "x@example.com"}]
    body = await reviews.data(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
        {"r": users},
    )
    assert body["_entities"] == [{"id": users[0]["id"]}]


async def test_user_reviews_of_many_users_cost_constant_sql(reviews: Reviews) -> None:
    users = [reviews.customer() for _ in range(30)]
    for i, (_, token) in enumerate(users):
        for _ in range(i % 3):
            assert (await reviews.add(token, new_id()))["errors"] == []
    query = """
    query($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on User { id reviews(first: 5) { edges { node { id author { id } } } } }
      }
    }"""
    engine = reviews.resources.db.engine

    async def run(count: int) -> int:
        reps = [{"__typename": "User", "id": uid} for uid, _ in users[:count]]
        with count_statements(engine) as statements:
            data = await reviews.data(query, {"reps": reps})
        for (uid, _), entity, i in zip(users[:count], data["_entities"], range(count), strict=True):
            assert entity["id"] == uid
            assert len(entity["reviews"]["edges"]) == i % 3
            assert all(e["node"]["author"]["id"] == uid for e in entity["reviews"]["edges"])
        return len(statements)

    assert await run(3) == await run(30) == 1
