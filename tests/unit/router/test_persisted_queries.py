"""Persisted operations: the manifest, the ``[persisted_queries]`` section and the plugin's
decisions (on the in-process key-value store; the Redis column runs through real routers in
``tests/integration/router/test_server_persisted_queries.py``)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from graphql import parse
from structlog.testing import capture_logs

from router.config import ConfigError, parse_config
from router.persisted_manifest import ManifestError, load_manifest, parse_manifest
from router.pipeline import Operation, RequestRefused
from router.plugins.persisted_queries import PersistedQueries
from shopgraph.kv import InMemoryKeyValueStore, memory_store

LISTED = "query Listed { products { id } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def manifest_json(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": list(entries)}


def entry(body: str, operation_id: str | None = None) -> dict[str, Any]:
    return {"id": operation_id or sha256(body), "body": body, "name": "Listed", "type": "query"}


def request(query: str | None = None, sha: str | None = None, version: Any = 1) -> Operation:
    params: dict[str, Any] = {}
    if query is not None:
        params["query"] = query
    if sha is not None:
        params["extensions"] = {"persistedQuery": {"version": version, "sha256Hash": sha}}
    return Operation(params=params, headers={})


async def through(plugin: PersistedQueries, operation: Operation) -> Operation:
    """The plugin's two stages with the server's parsing in between."""
    await plugin.on_request(operation)
    assert operation.query is not None
    operation.document = parse(operation.query)
    await plugin.on_operation(operation)
    return operation


def refusal(excinfo: pytest.ExceptionInfo[RequestRefused]) -> tuple[int, str]:
    return excinfo.value.status, excinfo.value.code


@pytest.fixture
async def store() -> AsyncIterator[InMemoryKeyValueStore]:
    yield memory_store(f"memory://pq-{uuid.uuid4().hex}")


# -- the manifest ------------------------------------------------------------------------


def test_manifest_operations_are_found_by_id_and_by_equivalent_body() -> None:
    manifest = parse_manifest(manifest_json(entry(LISTED)))
    assert manifest.body_of(sha256(LISTED)) == LISTED
    same = "# the listed one\nquery Listed {\n  products { id, }\n}"
    assert manifest.lists(same, parse(same))
    other = "query Listed { products { id name } }"
    assert not manifest.lists(other, parse(other))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "other", "version": 1, "operations": []}, "apollo-persisted-query-manifest"),
        ({**manifest_json(), "version": 2}, "unsupported version 2"),
        (manifest_json({"id": "x", "body": LISTED, "name": "L"}), 'operations[0]: "type"'),
        (manifest_json({**entry(LISTED), "type": "query!"}), "unknown type"),
        (manifest_json(entry("query Broken {")), "operations[0]"),
        (
            manifest_json(entry(LISTED, "same"), entry("{ products { id } }", "same")),
            "id 'same' is listed twice",
        ),
    ],
)
def test_a_bad_manifest_says_what_is_wrong(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_manifest(data)


# -- the config section ------------------------------------------------------------------


def test_a_safelist_without_a_manifest_stops_start_up() -> None:
    with pytest.raises(ConfigError, match=r"persisted_queries: .*needs a manifest"):
        parse_config('[persisted_queries]\nsafelist = "enforce"', source="router.toml")


def test_an_unreadable_manifest_stops_start_up(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(ConfigError, match=r"persisted_queries: .*cannot read .*nope\.json"):
        parse_config(f'[persisted_queries]\nmanifest = "{missing}"', source="router.toml")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "apollo-persisted-query-manifest"}))
    with pytest.raises(ConfigError, match="unsupported version"):
        parse_config(f'[persisted_queries]\nmanifest = "{broken}"')


def test_an_unknown_safelist_mode_is_named() -> None:
    with pytest.raises(ConfigError, match=r"persisted_queries\.safelist"):
        parse_config('[persisted_queries]\nsafelist = "strict"')


# -- automatic persisted queries -----------------------------------------------------------


async def test_an_operation_is_registered_only_after_it_passed_every_stage(
    store: InMemoryKeyValueStore,
) -> None:
    plugin = PersistedQueries(store, ttl_seconds=60)
    query = "{ orderCount }"
    operation = request(query, sha256(query))
    await plugin.on_request(operation)
    assert await store.get(f"pq:{sha256(query)}") is None  # not before on_operation
    operation.document = parse(query)
    await plugin.on_operation(operation)
    assert await store.get(f"pq:{sha256(query)}") == query.encode()
    ttl = await store.ttl(f"pq:{sha256(query)}")
    assert ttl is not None and 0 < ttl <= 60
    by_hash = await through(plugin, request(sha=sha256(query)))
    assert by_hash.query == query


async def test_unknown_hash_is_not_found_with_status_200(store: InMemoryKeyValueStore) -> None:
    with pytest.raises(RequestRefused) as excinfo:
        await PersistedQueries(store).on_request(request(sha=sha256("{ orderCount }")))
    assert refusal(excinfo) == (200, "PERSISTED_QUERY_NOT_FOUND")


async def test_hash_of_other_text_is_a_mismatch(store: InMemoryKeyValueStore) -> None:
    with pytest.raises(RequestRefused) as excinfo:
        await PersistedQueries(store).on_request(request("{ orderCount }", sha256("{ other }")))
    assert refusal(excinfo) == (400, "PERSISTED_QUERY_HASH_MISMATCH")


@pytest.mark.parametrize(
    ("sha", "version", "message"),
    [
        (sha256("x"), 2, "version"),
        ("abc", 1, "64 lower-case hex"),
        (sha256("x").upper(), 1, "64 lower-case hex"),
    ],
)
async def test_malformed_persisted_query_extensions_are_bad_requests(
    store: InMemoryKeyValueStore, sha: str, version: int, message: str
) -> None:
    with pytest.raises(RequestRefused, match=message) as excinfo:
        await PersistedQueries(store).on_request(request(sha=sha, version=version))
    assert refusal(excinfo) == (400, "BAD_REQUEST")


async def test_without_apq_or_manifest_hashes_are_not_supported(
    store: InMemoryKeyValueStore,
) -> None:
    plugin = PersistedQueries(store, apq=False)
    with pytest.raises(RequestRefused) as excinfo:
        await plugin.on_request(request(sha=sha256("{ orderCount }")))
    assert refusal(excinfo) == (200, "PERSISTED_QUERY_NOT_SUPPORTED")
    query = "{ orderCount }"
    await through(plugin, request(query, sha256(query)))  # runs, and is not registered
    assert await store.get(f"pq:{sha256(query)}") is None


# -- safelisting ---------------------------------------------------------------------------


async def test_enforced_safelist_refuses_unlisted_operations_and_registers_nothing(
    store: InMemoryKeyValueStore,
) -> None:
    manifest = parse_manifest(manifest_json(entry(LISTED)))
    plugin = PersistedQueries(store, manifest=manifest, safelist="enforce")
    assert (await through(plugin, request(sha=sha256(LISTED)))).query == LISTED
    query = "{ orderCount }"
    with pytest.raises(RequestRefused) as excinfo:
        await through(plugin, request(query, sha256(query)))
    assert refusal(excinfo) == (400, "PERSISTED_QUERY_NOT_IN_LIST")
    assert await store.get(f"pq:{sha256(query)}") is None


async def test_log_mode_runs_unlisted_operations_and_logs_them(
    store: InMemoryKeyValueStore,
) -> None:
    manifest = parse_manifest(manifest_json(entry(LISTED)))
    plugin = PersistedQueries(store, manifest=manifest, safelist="log")
    query = "query Unlisted { orderCount }"
    operation = request(query)
    operation.params["operationName"] = "Unlisted"
    with capture_logs() as logs:
        await through(plugin, operation)
        await through(plugin, request(LISTED))
    assert [(e["event"], e["operation_name"], e["sha256"]) for e in logs] == [
        ("persisted_query_not_in_list", "Unlisted", sha256(query))
    ]


def test_the_storefront_manifest_is_one_the_router_loads() -> None:
    path = Path(__file__).parents[3] / "storefront" / "persisted-query-manifest.json"
    config = parse_config(f'[persisted_queries]\nmanifest = "{path}"\nsafelist = "enforce"')
    assert config.persisted_queries.manifest == path
    manifest = load_manifest(path)
    subscription = next(
        body for body in manifest.bodies.values() if body.startswith("subscription OrderStatus")
    )
    assert manifest.lists(subscription, parse(subscription))
