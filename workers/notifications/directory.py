"""Customers' names and addresses from the users subgraph (``_entities`` → ``User { email
firstName lastName }``, an internal call with a service token).

* ``OrderCreated`` carries the buyer's name (``firstName`` / ``lastName``) since orders
  fetches it with the email at ``placeOrder``; only an older event without those keys asks
  here for the greeting. Best effort: if users does not answer, the mail greets without a
  name rather than waiting.
* A payment or cancellation event that overtakes its ``OrderCreated`` (another topic, e.g.
  while the worker catches up on a backlog) has no recipient row yet; its ``userId`` finds
  the address here. The consumer processes a batch in order, so merely retrying would hold
  up the very ``OrderCreated`` it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shopgraph.internal import InternalClient, UpstreamError
from shopgraph.logging import get_logger

log = get_logger(__name__)

USER_CONTACT = """
query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { email firstName lastName } } }
"""


@dataclass(frozen=True, slots=True)
class Person:
    email: str | None
    first: str | None
    last: str | None


class Directory(Protocol):
    async def person(self, user_id: str) -> Person | None: ...


class NoDirectory:
    """Knows nobody: greetings without a name, no fallback address."""

    async def person(self, user_id: str) -> Person | None:
        return None


class UsersDirectory:
    def __init__(self, client: InternalClient) -> None:
        self.client = client

    async def person(self, user_id: str) -> Person | None:
        try:
            data = await self.client.query(
                "users", USER_CONTACT, {"r": [{"__typename": "User", "id": user_id}]}
            )
        except UpstreamError as exc:
            log.warning("user_name_unavailable", user_id=user_id, error=str(exc))
            return None
        entities = data.get("_entities") or [None]
        found = entities[0]
        if not isinstance(found, dict):
            return None
        email, first, last = found.get("email"), found.get("firstName"), found.get("lastName")
        return Person(
            email if isinstance(email, str) else None,
            first if isinstance(first, str) else None,
            last if isinstance(last, str) else None,
        )

    async def close(self) -> None:
        await self.client.close()
