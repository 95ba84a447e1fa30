"""Who the client of a request is, for the per-client throttles.

A request from a trusted proxy (the router; ``SHOPGRAPH_TRUSTED_PROXIES``) names its client
in ``X-Forwarded-For``: the right-most address that is not itself a trusted proxy is the one
no client could forge. A trusted proxy that names no client gives ``None``: counting every
client behind it as one would let one attacker throttle everybody, so only the per-account
limits apply then. Any other peer is the client itself.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.requests import HTTPConnection


def client_address(connection: HTTPConnection, trusted_proxies: Collection[str]) -> str | None:
    peer = connection.client.host if connection.client else None
    if peer is None:
        return None
    if peer not in trusted_proxies:
        return peer
    forwarded = connection.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return None
