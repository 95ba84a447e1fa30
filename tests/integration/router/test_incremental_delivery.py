"""@defer and @stream through a running router in front of ShopGraph's subgraphs.

The platform's subgraphs run in the test process (``tests/support/platform.py``, embedded
adapters: the router does not care which) with the router of ``make dev`` in front. A client
that accepts ``multipart/mixed;deferSpec=20220824`` gets the product first and its reviews in
a later part; a client that does not gets the same data in one JSON response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.support.platform import column_settings, running_platform
from tests.support.router import router_in_front

MULTIPART = "multipart/mixed;deferSpec=20220824, application/json"
PRODUCT_PAGE = """
query ProductPage($id: ID!) {
  product(id: $id) {
    id
    name
    ... @defer(label: "reviews") {
      reviews(first: 5) { totalCount edges { node { title rating } } }
    }
  }
}
"""


class Router:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def parts(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        """The response's content type and its payloads, in the order they arrived."""
        body = {"query": query, "variables": variables or {}}
        async with self.http.stream(
            "POST", self.url, json=body, headers={"accept": MULTIPART}
        ) as response:
            content_type = response.headers["content-type"]
            raw = b"".join([chunk async for chunk in response.aiter_bytes()])
        if not content_type.startswith("multipart/mixed"):
            return content_type, [orjson.loads(raw)]
        return content_type, list(_multipart_payloads(raw))

    async def whole(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            self.url,
            json={"query": query, "variables": variables or {}},
            headers={"accept": "application/json"},
        )
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body


def _multipart_payloads(raw: bytes) -> Iterator[dict[str, Any]]:
    assert raw.endswith(b"\r\n--graphql--\r\n"), raw[-40:]
    for chunk in raw[: -len(b"\r\n--graphql--\r\n")].split(b"\r\n--graphql\r\n")[1:]:
        head, _, payload = chunk.partition(b"\r\n\r\n")
        assert head.lower().startswith(b"content-type: application/json")
        yield orjson.loads(payload)


@pytest.fixture
async def router(tmp_path: Path) -> AsyncIterator[Router]:
    settings = column_settings("embedded", tmp_path)
    async with (
        running_platform(settings, workers=False) as platform,
        router_in_front(platform.settings) as url,
    ):
        yield Router(platform.http, url)


async def _reviewed_product(router: Router) -> str:
    body = await router.whole(
        "{ products(first: 50) { edges { node { id reviews(first: 1) { totalCount } } } } }"
    )
    for edge in body["data"]["products"]["edges"]:
        if edge["node"]["reviews"]["totalCount"] > 0:
            product_id: str = edge["node"]["id"]
            return product_id
    raise AssertionError("the demo catalog has no reviewed product")


async def test_product_page_gets_the_product_first_and_reviews_in_a_later_part(
    router: Router,
) -> None:
    product_id = await _reviewed_product(router)
    content_type, payloads = await router.parts(PRODUCT_PAGE, {"id": product_id})

    assert content_type.replace(" ", "").startswith("multipart/mixed;boundary=")
    assert "deferSpec=20220824" in content_type
    first, *later = payloads
    assert first["hasNext"] is True
    assert set(first["data"]["product"]) == {"id", "name"}
    assert first["data"]["product"]["id"] == product_id
    assert later[-1]["hasNext"] is False
    entries = [entry for payload in later for entry in payload.get("incremental", [])]
    assert [(e["path"], e["label"]) for e in entries] == [(["product"], "reviews")]
    reviews = entries[0]["data"]["reviews"]
    assert reviews["totalCount"] > 0 and reviews["edges"]

    whole = await router.whole(PRODUCT_PAGE, {"id": product_id})
    assert "errors" not in whole
    assert whole["data"]["product"] == {**first["data"]["product"], "reviews": reviews}


async def test_defer_with_if_false_and_a_client_without_multipart_get_one_response(
    router: Router,
) -> None:
    product_id = await _reviewed_product(router)
    query = PRODUCT_PAGE.replace("$id: ID!", "$id: ID!, $later: Boolean!").replace(
        '@defer(label: "reviews")', '@defer(label: "reviews", if: $later)'
    )
    content_type, payloads = await router.parts(query, {"id": product_id, "later": False})

    assert content_type.startswith("application/json")
    [whole] = payloads
    assert "hasNext" not in whole and "errors" not in whole
    assert whole["data"]["product"]["reviews"]["totalCount"] > 0
    assert await router.whole(query, {"id": product_id, "later": True}) == whole


async def test_defer_inside_a_list_delivers_one_entry_per_item(router: Router) -> None:
    query = """
    { products(first: 3) { edges { node { id ... @defer { stock { inStock } } } } } }
    """
    _, (first, *later) = await router.parts(query)

    edges = first["data"]["products"]["edges"]
    assert len(edges) == 3 and all(set(e["node"]) == {"id"} for e in edges)
    entries = [entry for payload in later for entry in payload.get("incremental", [])]
    assert sorted(e["path"] for e in entries) == [
        ["products", "edges", index, "node"] for index in range(3)
    ]
    assert all(isinstance(e["data"]["stock"]["inStock"], bool) for e in entries)
    assert "label" not in entries[0]


async def test_stream_sends_the_initial_items_first_and_the_rest_later(router: Router) -> None:
    query = """
    { products(first: 4) { edges @stream(initialCount: 1, label: "more") { node { id } } } }
    """
    _, (first, *later) = await router.parts(query)
    whole = await router.whole(query)

    every = whole["data"]["products"]["edges"]
    assert len(every) == 4
    assert first["data"]["products"]["edges"] == every[:1]
    entries = [entry for payload in later for entry in payload["incremental"]]
    assert [e["path"] for e in entries] == [["products", "edges", i] for i in (1, 2, 3)]
    assert [item for e in entries for item in e["items"]] == every[1:]
    assert {e["label"] for e in entries} == {"more"}
    assert [p["hasNext"] for p in later] == [True] * (len(later) - 1) + [False]


async def test_a_nested_defer_arrives_after_the_part_it_is_in(router: Router) -> None:
    product_id = await _reviewed_product(router)
    query = """
    query($id: ID!) {
      product(id: $id) {
        name
        ... @defer(label: "reviews") {
          reviews(first: 2) {
            edges { node { title ... @defer(label: "author") { author { firstName } } } }
          }
        }
      }
    }
    """
    _, (first, *later) = await router.parts(query, {"id": product_id})

    assert set(first["data"]["product"]) == {"name"}
    labels = [[e["label"] for e in p.get("incremental", [])] for p in later]
    assert labels[0] == ["reviews"]
    edges = later[0]["incremental"][0]["data"]["reviews"]["edges"]
    assert edges and all(set(edge["node"]) == {"title"} for edge in edges)
    authors = [e for p in later[1:] for e in p.get("incremental", [])]
    assert sorted(e["path"] for e in authors) == [
        ["product", "reviews", "edges", index, "node"] for index in range(len(edges))
    ]
    assert all(e["label"] == "author" and e["data"]["author"]["firstName"] for e in authors)


async def test_a_stream_inside_a_deferred_fragment_streams_after_it(router: Router) -> None:
    product_id = await _reviewed_product(router)
    query = """
    query($id: ID!) {
      product(id: $id) {
        name
        ... @defer(label: "reviews") {
          reviews(first: 5) { edges @stream(initialCount: 0, label: "review") { node { title } } }
        }
      }
    }
    """
    _, (first, *later) = await router.parts(query, {"id": product_id})
    whole = await router.whole(query, {"id": product_id})

    every = whole["data"]["product"]["reviews"]["edges"]
    assert every and set(first["data"]["product"]) == {"name"}
    entries = [entry for payload in later for entry in payload["incremental"]]
    assert entries[0]["label"] == "reviews" and entries[0]["path"] == ["product"]
    assert entries[0]["data"] == {"reviews": {"edges": []}}  # initialCount: 0
    assert [e["path"] for e in entries[1:]] == [
        ["product", "reviews", "edges", i] for i in range(len(every))
    ]
    assert [item for e in entries[1:] for item in e["items"]] == every
    assert later[-1]["hasNext"] is False
