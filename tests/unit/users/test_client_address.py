"""Which address the per-client throttles count."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from subgraphs.users.client_address import client_address

TRUSTED = ("127.0.0.1", "10.0.0.5")


def connection(peer: str | None, forwarded: str | None = None) -> HTTPConnection:
    headers = [] if forwarded is None else [(b"x-forwarded-for", forwarded.encode())]
    return HTTPConnection(
        {
            "type": "http",
            "headers": headers,
            "client": None if peer is None else (peer, 50000),
        }
    )


def test_a_direct_client_is_its_own_address_whatever_it_claims() -> None:
    assert client_address(connection("203.0.113.9"), TRUSTED) == "203.0.113.9"
    assert client_address(connection("203.0.113.9", "198.51.100.1"), TRUSTED) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client() -> None:
    assert client_address(connection("10.0.0.5", "198.51.100.1"), TRUSTED) == "198.51.100.1"
    # The client may prepend anything; the right-most untrusted hop is what the proxy saw.
    forged = connection("10.0.0.5", "192.0.2.66, 198.51.100.1, 127.0.0.1")
    assert client_address(forged, TRUSTED) == "198.51.100.1"


def test_an_unnamed_client_behind_a_proxy_is_unknown() -> None:
    assert client_address(connection("127.0.0.1"), TRUSTED) is None
    assert client_address(connection("127.0.0.1", "10.0.0.5"), TRUSTED) is None
    assert client_address(connection(None), TRUSTED) is None
