"""Product ratings and review lists equal what the approved reviews say, through every
kind of change, and pages walk every sort order without gaps or repeats."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.integration.reviews.conftest import (
    APPROVE,
    DELETE,
    EDIT,
    PRODUCT_ENTITIES,
    REJECT,
    Reviews,
    new_id,
    product_reps,
)

CLEAN = ("Good", "Does the job.")
HELD = ("Good", "More at www.example.com")


@dataclass
class Model:
    product: str
    author_token: str
    rating: int
    status: str
    created_at: str
    id: str


def expected_rating(model: dict[str, Model], product: str) -> dict[str, Any]:
    stars = [m.rating for m in model.values() if m.product == product and m.status == "APPROVED"]
    average = None
    if stars:
        exact = Decimal(sum(stars)) / Decimal(len(stars))
        average = float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return {
        "average": average,
        "count": len(stars),
        "histogram": [{"stars": s, "count": stars.count(s)} for s in range(1, 6)],
    }


def expected_order(model: dict[str, Model], product: str, sort: str) -> list[str]:
    shown = [m for m in model.values() if m.product == product and m.status == "APPROVED"]
    newest = sorted(shown, key=lambda m: (m.created_at, m.id), reverse=True)
    if sort == "NEWEST":
        return [m.id for m in newest]
    if sort == "OLDEST":
        return [m.id for m in reversed(newest)]
    descending = sort == "HIGHEST"
    # stable sort: within one rating, newest first
    return [m.id for m in sorted(newest, key=lambda m: m.rating, reverse=descending)]


async def walk(reviews: Reviews, product: str, sort: str, first: int) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        data = await reviews.data(
            PRODUCT_ENTITIES,
            {"reps": product_reps(product), "first": first, "after": after, "sort": sort},
        )
        page = data["_entities"][0]["reviews"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        assert len(page["edges"]) == first
        after = page["pageInfo"]["endCursor"]


async def check(reviews: Reviews, model: dict[str, Model], products: list[str]) -> None:
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(*products), "first": 100})
    for product, entity in zip(products, data["_entities"], strict=True):
        assert entity["id"] == product
        assert entity["rating"] == expected_rating(model, product)
        ids = [edge["node"]["id"] for edge in entity["reviews"]["edges"]]
        assert ids == expected_order(model, product, "NEWEST")
        assert entity["reviews"]["totalCount"] == len(ids)
        assert all(edge["node"]["status"] == "APPROVED" for edge in entity["reviews"]["edges"])


async def test_ratings_follow_every_change(reviews: Reviews) -> None:
    rng = random.Random(20261124)
    products = [new_id() for _ in range(4)]
    customers = [reviews.customer() for _ in range(10)]
    model: dict[str, Model] = {}
    for _user_id, token in customers:
        for product in rng.sample(products, rng.randint(1, len(products))):
            title, body = HELD if rng.random() < 0.3 else CLEAN
            payload = await reviews.add(token, product, rng.randint(1, 5), title, body)
            review = payload["review"]
            model[review["id"]] = Model(
                product,
                token,
                review["rating"],
                review["status"],
                review["createdAt"],
                review["id"],
            )
    assert {m.status for m in model.values()} == {"APPROVED", "PENDING"}
    await check(reviews, model, products)

    staff = reviews.staff()
    pending = [m for m in model.values() if m.status == "PENDING"]
    for i, m in enumerate(pending):
        if i % 2:
            await reviews.data(APPROVE, {"id": m.id}, staff)
            m.status = "APPROVED"
        else:
            await reviews.data(REJECT, {"id": m.id, "reason": "No links please"}, staff)
            m.status = "REJECTED"
    await check(reviews, model, products)

    approved = [m for m in model.values() if m.status == "APPROVED"]
    for m in rng.sample(approved, 5):
        m.rating = rng.randint(1, 5)
        payload = await reviews.data(
            EDIT, {"id": m.id, "input": {"rating": m.rating}}, m.author_token
        )
        assert payload["editReview"]["review"]["status"] == "APPROVED"
    for m in rng.sample([m for m in model.values() if m.status == "APPROVED"], 2):
        payload = await reviews.data(
            EDIT, {"id": m.id, "input": {"body": "www.x.com"}}, m.author_token
        )
        m.status = payload["editReview"]["review"]["status"]
        assert m.status == "PENDING"
    await check(reviews, model, products)

    for m in rng.sample(list(model.values()), 6):
        payload = await reviews.data(DELETE, {"id": m.id}, m.author_token)
        assert payload["deleteReview"]["errors"] == []
        del model[m.id]
    await check(reviews, model, products)

    for product in products:
        for sort in ("NEWEST", "OLDEST", "HIGHEST", "LOWEST"):
            assert await walk(reviews, product, sort, 2) == expected_order(model, product, sort)


async def test_pages_are_stable_while_reviews_arrive(reviews: Reviews) -> None:
    product = new_id()
    for stars in (5, 3, 4, 1):
        await reviews.add(reviews.customer()[1], product, stars)
    first = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(product), "first": 2})
    page = first["_entities"][0]["reviews"]
    await reviews.add(reviews.customer()[1], product, 2)  # newer than everything seen
    rest = await reviews.data(
        PRODUCT_ENTITIES,
        {"reps": product_reps(product), "first": 10, "after": page["pageInfo"]["endCursor"]},
    )
    later = rest["_entities"][0]["reviews"]["edges"]
    assert len(later) == 2  # the two older ones, no repeat of page one, not the newcomer
    assert {e["node"]["id"] for e in later}.isdisjoint(e["node"]["id"] for e in page["edges"])


async def test_bad_paging_arguments_are_request_errors(reviews: Reviews) -> None:
    product = new_id()
    await reviews.add(reviews.customer()[1], product, 5)
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(product), "first": 1})
    cursor = data["_entities"][0]["reviews"]["edges"][0]["cursor"]
    for variables in (
        {"after": "garbage"},
        {"first": 101},
        {"first": -1},
        {"after": cursor, "sort": "HIGHEST"},  # a NEWEST cursor used with another order
    ):
        body = await reviews.gql(PRODUCT_ENTITIES, {"reps": product_reps(product), **variables})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables


async def test_no_reviews_means_null_average(reviews: Reviews) -> None:
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(new_id())})
    entity = data["_entities"][0]
    assert entity["rating"]["average"] is None
    assert entity["rating"]["count"] == 0
    assert [b["count"] for b in entity["rating"]["histogram"]] == [0] * 5
    assert entity["reviews"]["edges"] == []
    assert entity["reviews"]["pageInfo"]["hasNextPage"] is False


async def test_a_bad_cursor_is_reported_on_its_own_field(reviews: Reviews) -> None:
    """Two lists batched together: the error names the one with the bad cursor."""
    product = new_id()
    await reviews.add(reviews.customer()[1], product, 5)
    query = """
    query($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Product {
          good: reviews(first: 5) { edges { node { rating } } }
          bad: reviews(first: 5, after: "garbage") { edges { node { rating } } }
        }
      }
    }"""
    body = await reviews.gql(query, {"reps": product_reps(product)})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"][-1] == "bad"
