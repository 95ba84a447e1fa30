"""Entity fetches of one plan step that go to the same subgraph are sent as one request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.executor import Executor
from router.planner_nodes import (
    Fetch,
    Flatten,
    Parallel,
    QueryPlan,
    RequiredField,
    RequiredFragment,
)

USER_REVIEWS = (
    "query($representations:[_Any!]!,$first:Int)"
    "{_entities(representations:$representations){...on User{reviews(first:$first){body}}}}"
)
PRODUCT_REVIEWS = (
    "query($representations:[_Any!]!)"
    "{_entities(representations:$representations){...on Product{reviews{body}}}}"
)
USER_KEY = RequiredFragment(
    "User", (RequiredField("__typename", "__typename"), RequiredField("id", "id"))
)
PRODUCT_KEY = RequiredFragment(
    "Product", (RequiredField("__typename", "__typename"), RequiredField("upc", "upc"))
)


class ReviewsSubgraph:
    """Answers batched entity requests: each user and product has one review."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.bodies.append(body)
        variables = body["variables"]
        users = [{"reviews": [{"body": f"by {r['id']}"}]} for r in variables["representations_0"]]
        products = [{"reviews": None} for _ in variables["representations_1"]]
        error = {"message": "reviews unavailable", "path": ["_1", 0, "reviews"]}
        return {"data": {"_0": users, "_1": products}, "errors": [error]}

    async def close(self) -> None:
        return None


def _plan() -> QueryPlan:
    return QueryPlan(
        Parallel(
            (
                Flatten(
                    ("users", "@"),
                    Fetch(
                        "reviews", USER_REVIEWS, requires=(USER_KEY,), variable_usages=("first",)
                    ),
                ),
                Flatten(
                    ("topProducts", "@"), Fetch("reviews", PRODUCT_REVIEWS, requires=(PRODUCT_KEY,))
                ),
            )
        )
    )


async def test_one_request_carries_both_fetches_with_deduplicated_representations() -> None:
    subgraph = ReviewsSubgraph()
    executor = Executor(subgraph, {"reviews": "http://reviews"})
    data = {
        "users": [{"__typename": "User", "id": "1"}, {"__typename": "User", "id": "1"}],
        "topProducts": [{"__typename": "Product", "upc": "p1"}],
    }
    state = await executor.execute(_plan(), {"first": 2}, {}, data)

    assert len(subgraph.bodies) == 1
    sent = subgraph.bodies[0]
    assert sent["variables"] == {
        "first": 2,
        "representations_0": [{"__typename": "User", "id": "1"}],
        "representations_1": [{"__typename": "Product", "upc": "p1"}],
    }
    assert sent["query"].startswith(
        "query($representations_0:[_Any!]!,$representations_1:[_Any!]!,$first:Int){"
        "_0:_entities(representations:$representations_0){...on User{reviews(first:$first)"
    )
    assert state.data["users"] == [
        {"__typename": "User", "id": "1", "reviews": [{"body": "by 1"}]},
        {"__typename": "User", "id": "1", "reviews": [{"body": "by 1"}]},
    ]
    assert state.data["topProducts"][0]["reviews"] is None
    assert state.errors == [
        {
            "message": "reviews unavailable",
            "path": ["topProducts", 0, "reviews"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
        }
    ]


async def test_a_fetch_with_no_representations_leaves_the_other_alone_in_its_request() -> None:
    data = {"users": [], "topProducts": [{"__typename": "Product", "upc": "p1"}]}
    sent: list[dict[str, Any]] = []

    class Recording(ReviewsSubgraph):
        """Answers one unbatched product fetch."""

        async def send(
            self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
        ) -> dict[str, Any]:
            sent.append(body)
            return {"data": {"_entities": [{"reviews": []}]}}

    executor = Executor(Recording(), {"reviews": "http://reviews"})
    state = await executor.execute(_plan(), {}, {}, data)
    assert [body["query"] for body in sent] == [PRODUCT_REVIEWS]
    assert state.data["topProducts"] == [{"__typename": "Product", "upc": "p1", "reviews": []}]
