"""The declared header forwarding rules: which request header goes to which subgraph."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from router.plugins.headers import (
    DEFAULT_HEADER_RULES,
    HeaderRoutingTransport,
    HeaderRule,
    HeaderRules,
    InvalidHeader,
    normalized,
    normalized_authorization,
)


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, str]]] = []

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.sent.append((service, dict(headers)))
        return {"data": {}}

    async def close(self) -> None:
        return None


def test_the_default_rules_forward_the_documented_headers_to_every_subgraph() -> None:
    request = {
        "authorization": "Bearer t",
        "x-request-id": "r",
        "x-cart-token": "c",
        "traceparent": "00-a-b-01",
        "cookie": "secret",
        "host": "shop",
    }
    selected = DEFAULT_HEADER_RULES.select(request)
    assert selected == {k: v for k, v in request.items() if k not in ("cookie", "host")}
    assert DEFAULT_HEADER_RULES.for_subgraph("carts", selected) == selected


async def test_a_rule_naming_subgraphs_sends_the_header_only_there() -> None:
    rules = HeaderRules.of(["authorization", "x-tenant=products, orders"])
    inner = Recording()
    transport = HeaderRoutingTransport(inner, rules)
    headers = rules.select({"authorization": "Bearer t", "x-tenant": "acme"})
    await transport.send("products", "http://p", {}, headers)
    await transport.send("reviews", "http://r", {}, headers)
    assert inner.sent == [
        ("products", {"authorization": "Bearer t", "x-tenant": "acme"}),
        ("reviews", {"authorization": "Bearer t"}),
    ]


@pytest.mark.parametrize("spec", ["", "bad header", "x-a=", "x-a=,"])
def test_malformed_rules_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        HeaderRule.parse(spec)


@pytest.mark.parametrize("blank", ["", " ", "\xa0", "\u200b", "\t\r\n", "\u00c2\u00a0"])
def test_blank_looking_values_are_absent(blank: str) -> None:
    assert normalized(blank) is None
    assert normalized_authorization(blank) is None
    assert DEFAULT_HEADER_RULES.select({"authorization": blank, "x-cart-token": blank}) == {}


def test_spellings_of_one_credential_are_one_value() -> None:
    spellings = ["Bearer abc", "bearer abc", " Bearer   abc\xa0", "BEARER abc"]
    assert {normalized_authorization(s) for s in spellings} == {"Bearer abc"}


def test_non_ascii_values_are_refused() -> None:
    with pytest.raises(InvalidHeader):
        DEFAULT_HEADER_RULES.select({"x-cart-token": "caf\u00e9"})
