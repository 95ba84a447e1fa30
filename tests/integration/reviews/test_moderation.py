"""Held reviews, the staff queue, approve/reject, and who may do what."""

from __future__ import annotations

from tests.integration.reviews.conftest import (
    APPROVE,
    EDIT,
    PRODUCT_ENTITIES,
    QUEUE,
    REJECT,
    REVIEW,
    USER_ENTITIES,
    Reviews,
    new_id,
    product_reps,
)

HELD_TEXTS = [
    ("Deal", "Get it cheaper at http://cheap.example"),
    ("Deal", "see www.example.com"),
    ("Meh", "What a scam, honestly."),
    ("THIS IS THE BEST PRODUCT", "I LOVE IT SO MUCH EVERYONE BUY"),
]


async def shopper_view(reviews: Reviews, product: str) -> dict[str, object]:
    data = await reviews.data(PRODUCT_ENTITIES, {"reps": product_reps(product)})
    entity: dict[str, object] = data["_entities"][0]
    return entity


async def test_held_reviews_are_hidden_from_shoppers_but_not_author_or_staff(
    reviews: Reviews,
) -> None:
    product = new_id()
    _, visible_author = reviews.customer()
    await reviews.add(visible_author, product, 5, "Great", "Really good.")
    held_ids = []
    author_id, author = reviews.customer()
    for i, (title, body) in enumerate(HELD_TEXTS):
        payload = await reviews.add(author, new_id() if i else product, 1, title, body)
        assert payload["review"]["status"] == "PENDING", (title, body)
        assert payload["review"]["holdReason"]
        held_ids.append(payload["review"]["id"])
    assert await reviews.events("ReviewApproved") != []
    assert len(await reviews.events("ReviewApproved")) == 1  # only the clean one

    view = await shopper_view(reviews, product)
    assert view["rating"] == {
        "average": 5.0,
        "count": 1,
        "histogram": [{"stars": s, "count": int(s == 5)} for s in range(1, 6)],
    }
    edges = view["reviews"]["edges"]  # type: ignore[index]
    assert [e["node"]["rating"] for e in edges] == [5]
    # a shopper, and another customer, cannot open a held review
    _, stranger = reviews.customer()
    assert (await reviews.data(REVIEW, {"id": held_ids[0]}))["review"] is None
    assert (await reviews.data(REVIEW, {"id": held_ids[0]}, stranger))["review"] is None
    # the author sees it, with its hold reason
    mine = (await reviews.data(REVIEW, {"id": held_ids[0]}, author))["review"]
    assert mine["status"] == "PENDING" and mine["holdReason"]
    own = await reviews.data(
        USER_ENTITIES, {"reps": [{"__typename": "User", "id": author_id}]}, author
    )
    assert {e["node"]["id"] for e in own["_entities"][0]["reviews"]["edges"]} == set(held_ids)
    public = await reviews.data(USER_ENTITIES, {"reps": [{"__typename": "User", "id": author_id}]})
    assert public["_entities"][0]["reviews"]["edges"] == []
    # staff see them in the queue, oldest first, paged
    staff = reviews.staff()
    seen: list[str] = []
    after = None
    while True:
        page = (await reviews.data(QUEUE, {"first": 3, "after": after}, staff))["moderationQueue"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert all(e["node"]["status"] == "PENDING" for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == held_ids


async def test_approve_and_reject(reviews: Reviews) -> None:
    product = new_id()
    author_id, author = reviews.customer()
    _, other_author = reviews.customer()
    held = (await reviews.add(author, product, 2, "Meh", "see www.example.com"))["review"]
    held2 = (await reviews.add(other_author, product, 4, "Ok", "crap packaging"))["review"]
    staff = reviews.staff()

    approved = (await reviews.data(APPROVE, {"id": held["id"]}, staff))["approveReview"]
    assert approved["errors"] == []
    assert approved["review"]["status"] == "APPROVED"
    view = await shopper_view(reviews, product)
    assert view["rating"]["count"] == 1 and view["rating"]["average"] == 2.0  # type: ignore[index]
    event = (await reviews.events("ReviewApproved"))[-1]
    assert event.payload == {
        "reviewId": held["id"],
        "productId": product,
        "userId": author_id,
        "rating": 2,
        "productRatingCount": 1,
        "productRatingTotal": 2,
    }
    # a rating-only edit keeps the moderator's approval; a text edit is moderated again
    rerated = await reviews.data(EDIT, {"id": held["id"], "input": {"rating": 3}}, author)
    assert rerated["editReview"]["review"]["status"] == "APPROVED"
    assert (await shopper_view(reviews, product))["rating"]["average"] == 3.0  # type: ignore[index]

    rejected = (
        await reviews.data(REJECT, {"id": held2["id"], "reason": " Offensive language "}, staff)
    )["rejectReview"]
    assert rejected["errors"] == []
    assert rejected["review"]["status"] == "REJECTED"
    assert rejected["review"]["rejectionReason"] == "Offensive language"
    (event,) = await reviews.events("ReviewRejected")
    assert event.payload["reason"] == "Offensive language"
    assert event.payload["reviewId"] == held2["id"]
    # the author sees why; a shopper cannot see the review at all
    mine = (await reviews.data(REVIEW, {"id": held2["id"]}, other_author))["review"]
    assert mine["rejectionReason"] == "Offensive language"
    assert (await reviews.data(REVIEW, {"id": held2["id"]}))["review"] is None
    queue = (await reviews.data(QUEUE, {}, staff))["moderationQueue"]
    assert queue["edges"] == []

    # staff can take down a published review; it leaves the rating
    taken_down = (await reviews.data(REJECT, {"id": held["id"], "reason": "Fake"}, staff))[
        "rejectReview"
    ]
    assert taken_down["review"]["status"] == "REJECTED"
    assert (await shopper_view(reviews, product))["rating"]["count"] == 0  # type: ignore[index]

    # editing a rejected review sends it back to the queue, not straight to the shop
    resubmitted = (
        await reviews.data(EDIT, {"id": held["id"], "input": {"body": "Honest words."}}, author)
    )["editReview"]["review"]
    assert resubmitted["status"] == "PENDING"
    assert resubmitted["rejectionReason"] is None
    queue = (await reviews.data(QUEUE, {}, staff))["moderationQueue"]
    assert [e["node"]["id"] for e in queue["edges"]] == [held["id"]]

    bad = (await reviews.data(REJECT, {"id": held["id"], "reason": "  "}, staff))["rejectReview"]
    assert [e["code"] for e in bad["errors"]] == ["INVALID_REASON"]
    missing = (await reviews.data(APPROVE, {"id": new_id()}, staff))["approveReview"]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]


async def test_staff_operations_refuse_customers_and_anonymous(reviews: Reviews) -> None:
    _, author = reviews.customer()
    held = (await reviews.add(author, new_id(), 1, "Bad", "www.example.com"))["review"]
    calls = [
        (QUEUE, {}),
        (APPROVE, {"id": held["id"]}),
        (REJECT, {"id": held["id"], "reason": "no"}),
    ]
    for query, variables in calls:
        anonymous = await reviews.gql(query, variables)
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        # the author themself is a customer: no self-approval
        customer = await reviews.gql(query, variables, author)
        assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    still = (await reviews.data(REVIEW, {"id": held["id"]}, author))["review"]
    assert still["status"] == "PENDING"
    assert await reviews.events("ReviewApproved") == []
    assert await reviews.events("ReviewRejected") == []


async def test_an_approved_review_edited_back_to_moderation_leaves_the_rating(
    reviews: Reviews,
) -> None:
    product = new_id()
    author_id, author = reviews.customer()
    _, other = reviews.customer()
    await reviews.add(other, product, 2, "Okay", "It is fine.")
    review = (await reviews.add(author, product, 5, "Great", "Really good."))["review"]
    edit = {"id": review["id"], "input": {"body": "Cheaper at www.example.com"}}
    held = (await reviews.data(EDIT, edit, author))["editReview"]["review"]
    assert held["status"] == "PENDING"
    view = await shopper_view(reviews, product)
    assert view["rating"]["count"] == 1  # type: ignore[index]
    (event,) = await reviews.events("ReviewHeld")
    assert event.aggregate_id == review["id"]
    assert event.payload == {
        "reviewId": review["id"],
        "productId": product,
        "userId": author_id,
        "rating": 5,
        "holdReason": held["holdReason"],
        "productRatingCount": 1,
        "productRatingTotal": 2,
    }
    # Editing it again while it waits changes no rating: nothing more is published.
    again = {"id": review["id"], "input": {"title": "Still great"}}
    await reviews.data(EDIT, again, author)
    assert len(await reviews.events("ReviewHeld")) == 1
