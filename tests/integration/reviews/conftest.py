"""A migrated reviews subgraph behind an HTTP client, plus tokens for its callers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from shopgraph.auth.keys import SigningKey
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.events.envelope import Event
from shopgraph.resources import ServiceResources
from shopgraph.settings import Settings
from subgraphs.reviews.app import create_app
from subgraphs.reviews.models import outbox
from subgraphs.reviews.service import ReviewService
from tests.support.subgraph import graphql_with_status, migrated_subgraph


@dataclass
class Reviews:
    """The app, an HTTP client for it, and helpers to act as customers and staff."""

    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    issuer: TokenIssuer

    @property
    def service(self) -> ReviewService:
        service: ReviewService = self.app.state.reviews
        return service

    @property
    def resources(self) -> ServiceResources:
        resources: ServiceResources = self.app.state.resources
        return resources

    def customer(self, user_id: str | None = None) -> tuple[str, str]:
        """(user id, access token) of a customer."""
        user_id = user_id or str(uuid.uuid4())
        return user_id, self.issuer.access_token(subject=user_id, roles=["CUSTOMER"]).token

    def staff(self) -> str:
        return self.issuer.access_token(subject=str(uuid.uuid4()), roles=["STAFF"]).token

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        return await graphql_with_status(self.client, query, variables, token)

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The response's data, asserting it has no errors."""
        body = await self.gql(query, variables, token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self.resources.db.session() as session:
            rows = (await session.execute(select(outbox.c.event).order_by(outbox.c.seq))).all()
        found = [Event.from_bytes(row.event) for row in rows]
        return [e for e in found if type_ is None or e.type == type_]

    async def add(
        self,
        token: str,
        product_id: str,
        rating: int = 5,
        title: str = "Nice",
        body: str = "Works well.",
    ) -> dict[str, Any]:
        data = await self.data(
            ADD,
            {"input": {"productId": product_id, "rating": rating, "title": title, "body": body}},
            token,
        )
        payload: dict[str, Any] = data["addReview"]
        return payload


@pytest.fixture
async def reviews(
    database_url: str, tmp_path: Path, signing_key: SigningKey
) -> AsyncIterator[Reviews]:
    settings, resources = await migrated_subgraph(
        "reviews", database_url, tmp_path, signing_key, outbox=outbox
    )
    app = create_app(settings, resources=resources)
    issuer = TokenIssuer.from_settings(settings, signing_key)
    await resources.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reviews") as client:
            yield Reviews(app, client, settings, issuer)
    finally:
        await resources.stop()


REVIEW_FIELDS = """
  id rating title body status verifiedPurchase createdAt updatedAt
  rejectionReason holdReason product { id } author { id }
"""

ADD = f"""
mutation($input: AddReviewInput!) {{
  addReview(input: $input) {{ review {{ {REVIEW_FIELDS} }} errors {{ code field message }} }}
}}"""

EDIT = f"""
mutation($id: ID!, $input: EditReviewInput!) {{
  editReview(id: $id, input: $input) {{
    review {{ {REVIEW_FIELDS} }} errors {{ code field message }}
  }}
}}"""

DELETE = """
mutation($id: ID!) { deleteReview(id: $id) { deletedReviewId errors { code field message } } }
"""

APPROVE = f"""
mutation($id: ID!) {{
  approveReview(id: $id) {{ review {{ {REVIEW_FIELDS} }} errors {{ code field message }} }}
}}"""

REJECT = f"""
mutation($id: ID!, $reason: String!) {{
  rejectReview(id: $id, reason: $reason) {{
    review {{ {REVIEW_FIELDS} }} errors {{ code field message }}
  }}
}}"""

QUEUE = """
query($first: Int, $after: String) {
  moderationQueue(first: $first, after: $after) {
    edges { cursor node { id status holdReason author { id } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""

REVIEW = f"query($id: ID!) {{ review(id: $id) {{ {REVIEW_FIELDS} }} }}"

PRODUCT_ENTITIES = """
query($reps: [_Any!]!, $first: Int, $after: String, $sort: ReviewSort! = NEWEST) {
  _entities(representations: $reps) {
    ... on Product {
      id
      rating { average count histogram { stars count } }
      reviews(first: $first, after: $after, sort: $sort) {
        totalCount
        edges { cursor node { id rating status author { id } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}"""

USER_ENTITIES = """
query($reps: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $reps) {
    ... on User {
      id
      reviews(first: $first, after: $after) {
        edges { cursor node { id status rejectionReason product { id } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}"""


def product_reps(*ids: str) -> list[dict[str, str]]:
    return [{"__typename": "Product", "id": i} for i in ids]


def new_id() -> str:
    return str(uuid.uuid4())
