"""Operation limits are judged once per document text: later requests reuse the verdict."""

from __future__ import annotations

import pytest

from router.plugins.limits import LimitExceeded, OperationLimits


def test_an_accepted_document_is_parsed_once() -> None:
    limits = OperationLimits(max_depth=3)
    first = limits.check("{ products { id } }")
    assert limits.check("{ products { id } }") is first


def test_a_refused_document_is_refused_the_same_way_every_time() -> None:
    limits = OperationLimits(max_depth=1)
    messages = []
    for _ in range(2):
        with pytest.raises(LimitExceeded) as refused:
            limits.check("{ a { b { c } } }")
        messages.append((refused.value.message, refused.value.code))
    assert messages[0] == messages[1]
    assert "depth 3, above the limit of 1" in messages[0][0]


def test_a_syntax_error_keeps_its_code() -> None:
    limits = OperationLimits()
    for _ in range(2):
        with pytest.raises(LimitExceeded) as refused:
            limits.check("{ a ")
        assert refused.value.code == "GRAPHQL_PARSE_FAILED"
