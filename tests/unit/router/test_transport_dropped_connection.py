"""A subgraph connection reset mid-request (a keep-alive connection the server closed as it
was reused): a query is sent once more on a fresh connection, a mutation is not, and the
error names what happened instead of ``cannot reach orders: `` with nothing after it."""

from __future__ import annotations

import pytest

from router.executor_transport import HttpTransport, SubgraphRequestError
from tests.unit.scripted_http import scripted_server


async def test_a_reset_query_is_sent_again() -> None:
    transport = HttpTransport(dedupe=False)
    async with scripted_server("reset") as subgraph:
        try:
            answer = await transport.send("orders", subgraph.url, {"query": "{ ok }"}, {})
        finally:
            await transport.close()
    assert answer == {"data": {"ok": True}}
    assert subgraph.requests == 2


@pytest.mark.parametrize(
    ("query", "script", "requests"),
    [("mutation { ok }", ["reset"], 1), ("{ ok }", ["reset", "reset"], 2)],
    ids=["mutation-not-repeated", "query-reset-twice"],
)
async def test_a_reset_that_is_not_retried_says_why(
    query: str, script: list[str], requests: int
) -> None:
    transport = HttpTransport()
    async with scripted_server(*script) as subgraph:
        try:
            with pytest.raises(SubgraphRequestError) as failed:
                await transport.send("orders", subgraph.url, {"query": query}, {})
        finally:
            await transport.close()
    # never an empty "cannot reach orders: ": the error is named
    assert str(failed.value).startswith("cannot reach orders: ClientOSError")
    assert "reset" in str(failed.value)
    assert subgraph.requests == requests
