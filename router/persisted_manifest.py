"""Apollo's persisted query manifest: the operations a safelisting router accepts.

The file (``apollo-persisted-query-manifest``, version 1) lists operations as ``{id, body,
name, type}``; the storefront's build writes it (``npm run persisted-manifest``). A client may
send an operation by ``id`` alone (``extensions.persistedQuery.sha256Hash``) or its full body;
bodies are compared in a canonical printing, so whitespace, commas and comments do not matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLSyntaxError, parse, print_ast

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})


class ManifestError(ValueError):
    """A manifest the router cannot use; the message says which entry and why."""


@dataclass(frozen=True)
class PersistedManifest:
    # id → the operation's body as listed
    bodies: Mapping[str, str]
    # the canonical printing of every body
    canonical: frozenset[str]

    def body_of(self, operation_id: str) -> str | None:
        return self.bodies.get(operation_id)

    def lists(self, query: str, document: DocumentNode) -> bool:
        """Whether the operation (its text and its parsed document) is in the manifest."""
        return query in self.canonical or print_ast(document) in self.canonical


def load_manifest(path: Path) -> PersistedManifest:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return parse_manifest(orjson.loads(raw))
    except orjson.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON: {exc}") from None
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc}") from None


def parse_manifest(data: Any) -> PersistedManifest:
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f'expected "format": "{MANIFEST_FORMAT}"')
    if data.get("version") != 1:
        raise ManifestError(f"unsupported version {data.get('version')!r} (expected 1)")
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError('"operations" must be a list')
    bodies: dict[str, str] = {}
    canonical: set[str] = set()
    for index, entry in enumerate(operations):
        operation_id, body = _entry(index, entry)
        if bodies.get(operation_id, body) != body:
            raise ManifestError(f"operations[{index}]: id {operation_id!r} is listed twice")
        bodies[operation_id] = body
        try:
            canonical.add(print_ast(parse(body)))
        except GraphQLSyntaxError as exc:
            raise ManifestError(f"operations[{index}] ({operation_id}): {exc.message}") from None
    return PersistedManifest(bodies, frozenset(canonical))


def _entry(index: int, entry: Any) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise ManifestError(f"operations[{index}] must be an object")
    for key in ("id", "body", "name", "type"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ManifestError(f'operations[{index}]: "{key}" must be a non-empty string')
    if entry["type"] not in OPERATION_TYPES:
        raise ManifestError(f"operations[{index}]: unknown type {entry['type']!r}")
    return entry["id"], entry["body"]
