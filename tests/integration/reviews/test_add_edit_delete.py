"""addReview / editReview / deleteReview as a signed-in customer sees them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from subgraphs.reviews.models import reviews as reviews_table
from tests.integration.reviews.conftest import (
    ADD,
    DELETE,
    EDIT,
    PRODUCT_ENTITIES,
    REVIEW,
    Reviews,
    new_id,
    product_reps,
)


async def count_reviews(reviews: Reviews) -> int:
    async with reviews.resources.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(reviews_table)) or 0)


async def test_add_review_trims_and_publishes_approved(reviews: Reviews) -> None:
    user_id, token = reviews.customer()
    product = new_id()
    payload = await reviews.add(token, product, 4, "  Comfy tee  ", "\n Fits true to size. \n")
    assert payload["errors"] == []
    review = payload["review"]
    assert review["title"] == "Comfy tee"
    assert review["body"] == "Fits true to size."
    assert review["status"] == "APPROVED"
    assert review["rating"] == 4
    assert review["author"] == {"id": user_id}
    assert review["product"] == {"id": product}
    assert review["verifiedPurchase"] is False
    approved = await reviews.events("ReviewApproved")
    assert [e.payload for e in approved] == [
        {
            "reviewId": review["id"],
            "productId": product,
            "userId": user_id,
            "rating": 4,
            "productRatingCount": 1,
            "productRatingTotal": 4,
        }
    ]
    assert approved[0].aggregate_id == review["id"]


async def test_invalid_input_is_refused_with_a_code_and_changes_nothing(reviews: Reviews) -> None:
    _, token = reviews.customer()
    product = new_id()
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"rating": 0}, "INVALID_RATING", "rating"),
        ({"rating": 6}, "INVALID_RATING", "rating"),
        ({"title": "   "}, "INVALID_TITLE", "title"),
        ({"title": "x" * 121}, "INVALID_TITLE", "title"),
        ({"body": ""}, "INVALID_BODY", "body"),
        ({"body": "y" * 5001}, "INVALID_BODY", "body"),
        ({"productId": "not-a-uuid"}, "INVALID_PRODUCT_ID", "productId"),
    ]
    for override, code, field in cases:
        fields = {"productId": product, "rating": 3, "title": "t", "body": "b", **override}
        body = await reviews.gql(ADD, {"input": fields}, token)
        payload = body["data"]["addReview"]
        assert payload["review"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], override
    assert await count_reviews(reviews) == 0
    assert await reviews.events() == []
    # the limits are inclusive
    ok = await reviews.add(token, product, 1, "x" * 120, "y" * 5000)
    assert ok["errors"] == []


async def test_anonymous_cannot_add(reviews: Reviews) -> None:
    body = await reviews.gql(
        ADD, {"input": {"productId": new_id(), "rating": 5, "title": "t", "body": "b"}}
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await count_reviews(reviews) == 0


async def test_second_review_of_a_product_is_refused(reviews: Reviews) -> None:
    _, token = reviews.customer()
    product = new_id()
    first = await reviews.add(token, product, 5)
    assert first["errors"] == []
    second = await reviews.add(token, product, 1, "Changed my mind")
    assert second["review"] is None
    assert [e["code"] for e in second["errors"]] == ["REVIEW_EXISTS"]
    # another product, or another user on the same product, is fine
    assert (await reviews.add(token, new_id()))["errors"] == []
    _, other = reviews.customer()
    assert (await reviews.add(other, product))["errors"] == []
    assert await count_reviews(reviews) == 3


async def test_concurrent_duplicate_adds_make_one_review(reviews: Reviews) -> None:
    _, token = reviews.customer()
    product = new_id()
    payloads = await asyncio.gather(
        *(reviews.add(token, product, 1 + i % 5, f"Attempt {i}") for i in range(8))
    )
    succeeded = [p for p in payloads if p["review"] is not None]
    refused = [p for p in payloads if p["review"] is None]
    assert len(succeeded) == 1
    assert all([e["code"] for e in p["errors"]] == ["REVIEW_EXISTS"] for p in refused)
    assert await count_reviews(reviews) == 1
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(product)})
    assert data["_entities"][0]["rating"]["count"] == 1


async def test_the_database_itself_refuses_a_duplicate(reviews: Reviews) -> None:
    """The rule lives in a unique constraint, not only in the service's check."""
    user_id, token = reviews.customer()
    product = new_id()
    assert (await reviews.add(token, product))["errors"] == []
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError):
        async with reviews.resources.db.transaction() as session:
            await session.execute(
                reviews_table.insert().values(
                    id=new_id(),
                    product_id=product,
                    author_id=user_id,
                    rating=1,
                    title="dup",
                    body="dup",
                    status="APPROVED",
                    verified_purchase=False,
                    created_at=now,
                    updated_at=now,
                )
            )
    assert await count_reviews(reviews) == 1


async def test_author_edits_and_moderation_runs_again(reviews: Reviews) -> None:
    _, token = reviews.customer()
    review = (await reviews.add(token, new_id(), 5, "Great", "Love it."))["review"]
    before = review["updatedAt"]

    edited = (await reviews.data(EDIT, {"id": review["id"], "input": {"rating": 2}}, token))[
        "editReview"
    ]
    assert edited["errors"] == []
    assert edited["review"]["rating"] == 2
    assert edited["review"]["title"] == "Great"  # omitted fields keep their value
    assert edited["review"]["status"] == "APPROVED"
    assert edited["review"]["updatedAt"] > before

    held = (
        await reviews.data(
            EDIT, {"id": review["id"], "input": {"body": "Cheaper at https://example.org"}}, token
        )
    )["editReview"]
    assert held["review"]["status"] == "PENDING"
    assert held["review"]["holdReason"]

    clean = (
        await reviews.data(
            EDIT, {"id": review["id"], "input": {"body": " Fine after all. "}}, token
        )
    )["editReview"]
    assert clean["review"]["status"] == "APPROVED"
    assert clean["review"]["body"] == "Fine after all."
    assert clean["review"]["holdReason"] is None

    bad = (await reviews.data(EDIT, {"id": review["id"], "input": {"rating": 9}}, token))[
        "editReview"
    ]
    assert [e["code"] for e in bad["errors"]] == ["INVALID_RATING"]
    still = (await reviews.data(REVIEW, {"id": review["id"]}, token))["review"]
    assert still["rating"] == 2 and still["body"] == "Fine after all."
    ratings = [e.payload["rating"] for e in await reviews.events("ReviewApproved")]
    assert ratings == [5, 2, 2]


async def test_only_the_author_may_edit_or_delete(reviews: Reviews) -> None:
    _, author = reviews.customer()
    _, other = reviews.customer()
    public = (await reviews.add(author, new_id(), 4))["review"]
    held = (await reviews.add(author, new_id(), 4, "VISIT www.spam.example.com"))["review"]
    assert held["status"] == "PENDING"

    for review_id, code in [(public["id"], "FORBIDDEN"), (held["id"], "NOT_FOUND")]:
        edit = await reviews.data(EDIT, {"id": review_id, "input": {"rating": 1}}, other)
        assert [e["code"] for e in edit["editReview"]["errors"]] == [code]
        assert edit["editReview"]["review"] is None
        gone = await reviews.data(DELETE, {"id": review_id}, other)
        assert [e["code"] for e in gone["deleteReview"]["errors"]] == [code]
    missing = await reviews.data(DELETE, {"id": new_id()}, author)
    assert [e["code"] for e in missing["deleteReview"]["errors"]] == ["NOT_FOUND"]
    garbage = await reviews.data(EDIT, {"id": "nope", "input": {"rating": 1}}, author)
    assert [e["code"] for e in garbage["editReview"]["errors"]] == ["NOT_FOUND"]
    anonymous = await reviews.gql(DELETE, {"id": public["id"]})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    unchanged = (await reviews.data(REVIEW, {"id": public["id"]}))["review"]
    assert unchanged["rating"] == 4
    assert await count_reviews(reviews) == 2


async def test_author_deletes_and_may_review_again(reviews: Reviews) -> None:
    user_id, token = reviews.customer()
    product = new_id()
    review = (await reviews.add(token, product, 3))["review"]
    deleted = await reviews.data(DELETE, {"id": review["id"]}, token)
    assert deleted["deleteReview"] == {"deletedReviewId": review["id"], "errors": []}
    assert (await reviews.data(REVIEW, {"id": review["id"]}, token))["review"] is None
    again = await reviews.data(DELETE, {"id": review["id"]}, token)
    assert [e["code"] for e in again["deleteReview"]["errors"]] == ["NOT_FOUND"]
    events = await reviews.events("ReviewDeleted")
    assert [e.payload for e in events] == [
        {
            "reviewId": review["id"],
            "productId": product,
            "userId": user_id,
            "rating": 3,
            "productRatingCount": 0,
            "productRatingTotal": 0,
        }
    ]
    assert (await reviews.add(token, product, 5))["errors"] == []
