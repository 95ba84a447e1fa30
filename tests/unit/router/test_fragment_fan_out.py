"""Fragments spreading fragments cost the router time linear in the document (issue #11).

The 938-byte query spreads each of 24 fragments twice; a walk that re-reads a fragment per
spread does 2**24 steps and stalls every other client on the event loop. Each walk is
counted here, so a regression fails on the count rather than on a clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from router.planner_selection import Collector
from router.plugins.limits import OperationLimits
from tests.unit.router.test_gateway_unit import _gateway
from tests.unit.test_document_shape import fragment_fan_out

FAN_OUT = fragment_fan_out()


@pytest.fixture
def collect_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    original = Collector._collect

    def counting(self: Collector, type_name: str, *args: Any) -> None:
        calls.append(type_name)
        original(self, type_name, *args)

    monkeypatch.setattr(Collector, "_collect", counting)
    yield calls


def test_the_limits_accept_the_fan_out_query_after_reading_it_once() -> None:
    document = OperationLimits().check(FAN_OUT)
    assert len(document.definitions) == 25


async def test_the_gateway_answers_it_reading_each_fragment_once(
    collect_calls: list[str],
) -> None:
    gateway, transport = _gateway()
    result = await gateway.execute(FAN_OUT, None, None, {})
    assert result == {"data": {"__typename": "Query"}}
    assert transport.sent == []  # __typename alone needs no subgraph
    assert len(collect_calls) <= 2 * 25  # once per fragment (and the operation), per walk
