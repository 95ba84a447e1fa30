"""Which HTTP clients get a subscription streamed, and in which protocol."""

from __future__ import annotations

import pytest

from router.http_subscriptions import MULTIPART, SSE, streaming_transport


@pytest.mark.parametrize(
    ("accept", "transport"),
    [
        ("text/event-stream", SSE),
        ("Text/Event-Stream; charset=utf-8", SSE),
        ('multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json', MULTIPART),
        ("multipart/mixed; subscriptionSpec=1.0", MULTIPART),
        ("application/json, text/event-stream", SSE),
        ('multipart/mixed;subscriptionSpec="1.0", text/event-stream', MULTIPART),
        # @defer's multipart (another protocol) and plain JSON: no subscription stream
        ("multipart/mixed;deferSpec=20220824, application/json", None),
        ("multipart/mixed", None),
        ("application/json", None),
        ("", None),
    ],
)
def test_the_accept_header_chooses_the_protocol(accept: str, transport: str | None) -> None:
    assert streaming_transport(accept) == transport
