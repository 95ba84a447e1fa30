"""The bus and key-value store that go with a test database's column (docs/architecture.md §3).

Beside SQLite: the in-process bus and store, private to the test. Beside PostgreSQL: Kafka,
with the test's topics and consumer groups under a namespace of their own, and Redis, with
the test's keys and pub/sub channels under a namespace of their own (``?namespace=``), so no
test sees keys another test (or another run on the same server) left behind. Namespaces of
one run share ``RUN_NAMESPACE`` so the run can delete its topics and keys when it ends.
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from aiokafka.admin import AIOKafkaAdminClient

from tests.conftest import real_service_url, unique_name

RUN_NAMESPACE = f"sgt{uuid.uuid4().hex[:8]}"
_namespaces: list[str] = []


def is_embedded(database_url: str) -> bool:
    return database_url.startswith("sqlite")


def adapter_urls(database_url: str) -> dict[str, str]:
    """``bus_url`` and ``kv_url`` settings for one test on ``database_url``'s column."""
    if is_embedded(database_url):
        return {
            "bus_url": f"memory://{unique_name('bus')}",
            "kv_url": f"memory://{unique_name('kv')}",
        }
    return {"bus_url": private_kafka_url(), "kv_url": private_redis_url()}


def private_kafka_url() -> str:
    """The test Kafka with a namespace (topics and consumer groups) no other test uses."""
    namespace = unique_name(RUN_NAMESPACE)
    _namespaces.append(namespace)
    return f"{real_service_url('kafka')}?namespace={namespace}"


def private_redis_url() -> str:
    """The test Redis with a key and channel namespace no other test uses."""
    url = real_service_url("redis")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}namespace={unique_name(RUN_NAMESPACE)}"


def namespaces_used() -> list[str]:
    """The Kafka namespaces this run handed out."""
    return list(_namespaces)


async def delete_run_topics(kafka_url: str) -> None:
    """Delete every topic a namespace of this run created on the broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_url.removeprefix("kafka://"))
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(f"{RUN_NAMESPACE}_")]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


async def delete_run_keys(redis_url: str) -> None:
    """Delete every key a Redis namespace of this run left behind (most expire anyway)."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        batch: list[bytes] = []
        async for key in client.scan_iter(match=f"{RUN_NAMESPACE}_*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                await client.delete(*batch)
                batch.clear()
        if batch:
            await client.delete(*batch)
    finally:
        await client.aclose()
