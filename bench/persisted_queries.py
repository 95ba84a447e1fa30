"""Automatic persisted queries as a client sends them (Apollo's APQ protocol): the query's
SHA-256 in ``extensions.persistedQuery``, registered once with the full text, then the hash
alone. The bench's APQ row loads the router with the hash-only body."""

from __future__ import annotations

import hashlib
import json

import httpx


def _extensions(query: str) -> dict[str, object]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def hashed_body(query: str) -> bytes:
    """The request that names the query by its hash only."""
    return json.dumps({"extensions": _extensions(query)}).encode()


def register(url: str, query: str) -> None:
    """Send the query once with its hash, so the router stores it; RuntimeError if the hash
    alone is not answered afterwards (the router does not support APQ)."""
    full = {"query": query, "extensions": _extensions(query)}
    httpx.post(url, json=full, timeout=30).raise_for_status()
    answer = httpx.post(
        url, content=hashed_body(query), headers={"content-type": "application/json"}, timeout=30
    )
    if answer.status_code != 200 or answer.json().get("errors"):
        raise RuntimeError(f"the hash alone is not answered after registering: {answer.text[:200]}")


def answer_by_hash(url: str, query: str) -> bytes:
    """The raw answer to the hash-only request (after :func:`register`)."""
    response = httpx.post(
        url, content=hashed_body(query), headers={"content-type": "application/json"}, timeout=30
    )
    return response.content
