"""The whole platform inside the test process: every built subgraph on its own free port and
every worker group, on one column of adapters (embedded, or PostgreSQL + Kafka + Redis).

End-to-end saga tests use it the way a storefront would, over HTTP and WebSocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from bootstrap.dev import all_worker_backgrounds, seed_all
from bootstrap.migrate import migrate_all
from bootstrap.registry import SERVICES, service_names, worker_group
from shopgraph.runner import Served, run_together
from shopgraph.settings import Settings, load_settings
from tests.support.columns import private_kafka_url, private_redis_url
from tests.support.passwords import FAST_PASSWORD_HASHING
from tests.support.postgres import drop_databases_with_prefix

# How long a request to the platform may take: well under a second on a quiet machine, far
# longer on one shared with other test runs (a generous bound, never a timed assertion).
REQUEST_TIMEOUT_SECONDS = 120.0


# Below Linux's ephemeral range (32768-60999): a port the kernel hands out for port 0 can be
# taken a moment later as the source port of some outgoing connection, and the server
# meant for it then fails with "address already in use".
_ALL_PORTS = range(20000, 32000)


def _ports_of_this_process() -> range:
    """Each pytest-xdist worker its own slice of the range: between one worker's check that
    a port is free and its server binding it, the other worker can never pick that port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    size = len(_ALL_PORTS) // count
    start = _ALL_PORTS.start + index * size
    return range(start, start + size)


_PORTS = _ports_of_this_process()
_next_port = [random.randrange(len(_PORTS))]


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on, outside the ephemeral range, never the same
    twice in one process."""
    for _ in range(len(_PORTS)):
        port = _PORTS[_next_port[0] % len(_PORTS)]
        _next_port[0] += 1
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_PORTS.start}-{_PORTS.stop - 1}")


@dataclass
class Mailbox:
    """A real SMTP server (aiosmtpd) on a free port; ``messages`` holds what it received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    async def wait_for(self, address: str, subject_part: str, seconds: float = 20) -> Message:
        async with asyncio.timeout(seconds):
            while True:
                for message in self.to(address):
                    if subject_part.lower() in str(message["Subject"]).lower():
                        return message
                await asyncio.sleep(0.1)


@dataclass
class Platform:
    settings: Settings
    mailbox: Mailbox
    http: httpx.AsyncClient
    late_groups: list[tuple[Any, asyncio.Task[None]]] = field(default_factory=list)

    def start_group(self, name: str) -> None:
        """Start a worker group left out by ``skip_groups`` (stopped with the platform)."""
        runtime = worker_group(name).build(self.settings)
        self.late_groups.append((runtime, asyncio.create_task(runtime.run())))

    async def stop_late_groups(self) -> None:
        for runtime, task in self.late_groups:
            await runtime.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 10)

    def url(self, service: str) -> str:
        return self.settings.url_for(service)

    async def gql(
        self,
        service: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The whole response body (``data`` and ``errors``) of an operation on a subgraph."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            self.url(service), json={"query": query, "variables": variables or {}}, headers=sent
        )
        body: dict[str, Any] = response.json()
        return body


def column_settings(column: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for one adapter column; real URLs come from ``make test``'s environment."""
    from tests.conftest import real_service_url

    ports = {service: free_port() for service in service_names()}
    if column == "embedded":
        urls: dict[str, Any] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
            "bus_url": f"memory://platform-{uuid.uuid4().hex[:8]}",
            "kv_url": f"memory://platform-{uuid.uuid4().hex[:8]}",
        }
    else:
        admin = real_service_url("postgres")
        prefix = f"sgp_{uuid.uuid4().hex[:8]}"
        urls = {
            "database_url": admin.rsplit("/", 1)[0] + f"/{prefix}_{{service}}",
            # Own topics and consumer groups: earlier platforms' events never leak in.
            "bus_url": private_kafka_url(),
            "kv_url": private_redis_url(),
        }
    return load_settings(
        environment="test",
        data_dir=tmp_path,
        ports=ports,
        metrics_port=free_port(),  # a worker process's; the default may be taken on the machine
        outbox_poll_seconds=0.05,
        **urls,
        **(FAST_PASSWORD_HASHING | overrides),
    )


@contextlib.asynccontextmanager
async def running_platform(
    settings: Settings,
    *,
    workers: bool = True,
    skip_groups: frozenset[str] = frozenset(),
    skip_services: frozenset[str] = frozenset(),
) -> AsyncIterator[Platform]:
    """Migrate, seed the admin and demo data, serve every subgraph, run every worker group
    (but ``skip_groups`` and ``skip_services``, which a test may run as separate processes)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{controller.port}"})
    await migrate_all(settings)
    await seed_all(settings)
    served = [
        Served(spec.name, spec.create_app(settings), "127.0.0.1", settings.port_for(spec.name))
        for spec in SERVICES
        if spec.name not in skip_services
    ]
    background = [
        loop
        for loop in (all_worker_backgrounds(settings) if workers else [])
        if loop.name.removeprefix("worker:") not in skip_groups
    ]
    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        run_together(served, background, ready=ready, stop=stop, handle_signals=False)
    )
    ready_wait = asyncio.create_task(ready.wait())
    await asyncio.wait([task, ready_wait], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready_wait.cancel()
        controller.stop()
        task.result()
        raise RuntimeError("the platform stopped before it was ready")
    try:
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS) as http:
            platform = Platform(settings=settings, mailbox=mailbox, http=http)
            try:
                yield platform
            finally:
                await platform.stop_late_groups()
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        controller.stop()
        if settings.database_url.startswith("postgresql"):
            await drop_databases_with_prefix(settings.database_url)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a separate ``shopgraph`` process these same settings."""
    import json

    values = {
        "SHOPGRAPH_ENVIRONMENT": settings.environment.value,
        "SHOPGRAPH_DATA_DIR": str(settings.data_dir),
        "SHOPGRAPH_DATABASE_URL": settings.database_url,
        "SHOPGRAPH_BUS_URL": settings.bus_url,
        "SHOPGRAPH_KV_URL": settings.kv_url,
        "SHOPGRAPH_SMTP_URL": settings.smtp_url,
        "SHOPGRAPH_PORTS": json.dumps(settings.ports),
        "SHOPGRAPH_METRICS_PORT": str(settings.metrics_port),
        "SHOPGRAPH_OUTBOX_POLL_SECONDS": str(settings.outbox_poll_seconds),
        "SHOPGRAPH_SERVICE_TOKEN_SECRET": settings.service_token_secret,
        "SHOPGRAPH_PASSWORD_HASH_MEMORY_KIB": str(settings.password_hash_memory_kib),
        "SHOPGRAPH_PASSWORD_HASH_TIME_COST": str(settings.password_hash_time_cost),
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHOPGRAPH_")}
    return base | values
