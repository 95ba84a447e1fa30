"""Persisted operations: automatic persisted queries and a safelist (``[persisted_queries]``).

Automatic persisted queries follow Apollo's protocol. A client sends
``extensions.persistedQuery = {version: 1, sha256Hash}`` (over POST, or GET for CDN caching):

* hash only, known (registered before, or listed in the manifest): the router runs its text;
* hash only, unknown: ``PERSISTED_QUERY_NOT_FOUND`` with HTTP 200, and Apollo clients resend
  the operation with its text;
* hash and text: the hash must be the text's SHA-256 (else ``PERSISTED_QUERY_HASH_MISMATCH``,
  400); once the operation has passed parsing, the limits and the safelist it is registered
  in the key-value store (``pq:<hash>``, shared by every router replica) for ``ttl_seconds``.

With a manifest (:mod:`router.persisted_manifest`) and ``safelist = "enforce"`` the router runs
only the operations the manifest lists, by id or by body; anything else is refused with
``PERSISTED_QUERY_NOT_IN_LIST``. ``safelist = "log"`` logs such operations and runs them, to
find what a client still sends before enforcing.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from graphql import DocumentNode
from pydantic import Field, model_validator

from router.config_section import Section
from router.persisted_manifest import ManifestError, PersistedManifest, load_manifest
from router.pipeline import Operation, RequestRefused, RouterPlugin
from shopgraph.kv.port import KeyValueError, KeyValueStore
from shopgraph.logging import get_logger

log = get_logger(__name__)

KEY_PREFIX = "pq:"
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")

SafelistMode = Literal["off", "enforce", "log"]


class PersistedQueriesSection(Section):
    # Automatic persisted queries: clients register operations by hash, then send the hash.
    apq: bool = True
    # How long a registered operation stays in the key-value store.
    ttl_seconds: float = Field(default=7 * 24 * 3600, gt=0)
    # Apollo persisted query manifest (JSON) the router accepts operations from.
    manifest: Path | None = None
    # "enforce": only the manifest's operations run; "log": others are logged, still run.
    safelist: SafelistMode = "off"

    @model_validator(mode="after")
    def _manifest_is_usable(self) -> PersistedQueriesSection:
        if self.safelist != "off" and self.manifest is None:
            raise ValueError(f'safelist = "{self.safelist}" needs a manifest')
        if self.manifest is not None:
            try:
                load_manifest(self.manifest)
            except ManifestError as exc:
                raise ValueError(str(exc)) from None
        return self


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class PersistedQueries(RouterPlugin):
    name = "persisted_queries"

    def __init__(
        self,
        store: KeyValueStore,
        *,
        apq: bool = True,
        ttl_seconds: float = 7 * 24 * 3600,
        manifest: PersistedManifest | None = None,
        safelist: SafelistMode = "off",
    ) -> None:
        if safelist != "off" and manifest is None:
            raise ValueError("a safelist needs a manifest")
        self.store = store
        self.apq = apq
        self.ttl_seconds = ttl_seconds
        self.manifest = manifest
        self.safelist = safelist

    @classmethod
    def from_section(
        cls, section: PersistedQueriesSection, store: KeyValueStore
    ) -> PersistedQueries:
        manifest = load_manifest(section.manifest) if section.manifest is not None else None
        return cls(
            store,
            apq=section.apq,
            ttl_seconds=section.ttl_seconds,
            manifest=manifest,
            safelist=section.safelist,
        )

    async def on_request(self, operation: Operation) -> None:
        persisted = operation.request_extensions.get("persistedQuery")
        if persisted is None:
            return
        requested = _requested_hash(persisted)
        query = operation.query
        if query is not None:
            if sha256_hex(query) != requested:
                raise RequestRefused(400, "provided sha does not match query", HASH_MISMATCH)
            operation.state[self.name] = requested  # registered once it has passed every gate
            return
        text = self.manifest.body_of(requested) if self.manifest is not None else None
        if text is None and self.apq:
            text = await self._registered(requested)
        if text is None:
            if not self.apq and self.manifest is None:
                raise RequestRefused(200, "PersistedQueryNotSupported", NOT_SUPPORTED)
            raise RequestRefused(200, "PersistedQueryNotFound", NOT_FOUND)
        operation.params["query"] = text

    async def on_operation(self, operation: Operation) -> None:
        query, document = operation.query, operation.document
        if query is None or document is None:
            return
        if self._safelisting and not self._listed(query, document):
            if self.safelist == "enforce":
                raise RequestRefused(
                    400,
                    f"Operation {operation.operation_name or '(anonymous)'} is not in the "
                    "persisted query list",
                    NOT_IN_LIST,
                )
            log.warning(
                "persisted_query_not_in_list",
                operation_name=operation.operation_name,
                sha256=sha256_hex(query),
            )
        registering = operation.state.get(self.name)
        if self.apq and isinstance(registering, str):
            await self._register(registering, query)

    @property
    def _safelisting(self) -> bool:
        return self.manifest is not None and self.safelist != "off"

    def _listed(self, query: str, document: DocumentNode) -> bool:
        return self.manifest is not None and self.manifest.lists(query, document)

    async def aclose(self) -> None:
        await self.store.close()

    async def _registered(self, sha256: str) -> str | None:
        try:
            value = await self.store.get(KEY_PREFIX + sha256)
        except KeyValueError as exc:  # the client resends the text: serve it rather than fail
            log.warning("persisted_query_lookup_failed", error=str(exc))
            return None
        return value.decode() if value is not None else None

    async def _register(self, sha256: str, query: str) -> None:
        try:
            await self.store.set(KEY_PREFIX + sha256, query.encode(), ttl_seconds=self.ttl_seconds)
        except KeyValueError as exc:  # the operation still runs; the next hash-only miss retries
            log.warning("persisted_query_register_failed", error=str(exc))


def _requested_hash(persisted: object) -> str:
    if not isinstance(persisted, dict):
        raise RequestRefused(400, "extensions.persistedQuery must be an object", "BAD_REQUEST")
    if persisted.get("version") != 1:
        raise RequestRefused(
            400, "Unsupported persisted query version (only version 1 is)", "BAD_REQUEST"
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise RequestRefused(
            400,
            "extensions.persistedQuery.sha256Hash must be 64 lower-case hex digits",
            "BAD_REQUEST",
        )
    return sha256
