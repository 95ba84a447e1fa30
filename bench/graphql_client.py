"""The checkout bench's GraphQL client, kept lean because it shares the machine's cores with
the stack it measures: aiohttp with one keep-alive connection per concurrent shopper, each
request body the operation's pre-encoded text plus its variables (orjson), each answer parsed
with orjson. Every HTTP status is counted, so the bench can tell a 5xx from a refusal."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

JSON = {"Content-Type": "application/json"}


class GraphQLError(RuntimeError):
    """The answer had top-level ``errors``, or was not GraphQL's JSON at all."""


@dataclass(frozen=True)
class Operation:
    """A GraphQL document with its request body's constant part encoded once."""

    document: str
    body_prefix: bytes

    @classmethod
    def of(cls, document: str) -> Operation:
        return cls(document, b'{"query":' + orjson.dumps(document) + b',"variables":')

    def body(self, variables: dict[str, Any]) -> bytes:
        return self.body_prefix + orjson.dumps(variables) + b"}"


class GraphQLClient:
    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url, self.session = url, session
        self.statuses: Counter[int] = Counter()
        self._headers: dict[str, dict[str, str]] = {"": JSON}

    def _headers_for(self, token: str) -> dict[str, str]:
        headers = self._headers.get(token)
        if headers is None:
            headers = self._headers[token] = {**JSON, "Authorization": f"Bearer {token}"}
        return headers

    async def call(self, operation: Operation, variables: dict[str, Any], token: str = "") -> Any:
        """The answer's ``data``; :class:`GraphQLError` when it has ``errors`` or is not JSON."""
        async with self.session.post(
            self.url, data=operation.body(variables), headers=self._headers_for(token)
        ) as response:
            self.statuses[response.status] += 1
            raw = await response.read()
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise GraphQLError(f"HTTP {response.status}, not JSON: {raw[:80]!r}") from None
        if answer.get("errors"):
            raise GraphQLError(str(answer["errors"][0].get("message")))
        return answer["data"]


@asynccontextmanager
async def graphql_client(url: str, connections: int) -> AsyncIterator[GraphQLClient]:
    """A client of ``url`` keeping at most ``connections`` connections open (a request
    beyond them waits for one to be free)."""
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        yield GraphQLClient(url, session)
