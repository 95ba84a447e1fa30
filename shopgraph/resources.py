"""What one service process holds: its database, the bus, the key-value store, the token
verifier, its outbox relay and the retention job of its outbox and inbox, created from
settings and started/stopped together: by a subgraph app's lifespan, or by a worker group's
handlers (``async with res.running()``).

Adapters are passed in (tests swap them) or chosen by URL; nothing is a module global.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import Table, text
from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt, wait_fixed

from shopgraph.auth.verify import RemoteJWKS, TokenVerifier
from shopgraph.db import Database
from shopgraph.events.bus import EventBus, bus_from_url
from shopgraph.events.outbox import OutboxRelay
from shopgraph.events.retention import RetentionJob
from shopgraph.events.tables import INBOX
from shopgraph.kv import KeyValueStore, kv_from_url
from shopgraph.logging import get_logger
from shopgraph.periodic import Periodic
from shopgraph.settings import Settings

log = get_logger(__name__)

# How long a subgraph's start-up keeps trying to fetch the users service's signing keys
# (which may still be starting) before leaving it to the first request.
KEY_PRIMING_ATTEMPTS = 60
KEY_PRIMING_PAUSE_SECONDS = 0.5


@dataclass
class ServiceResources:
    service: str
    settings: Settings
    db: Database
    bus: EventBus
    kv: KeyValueStore
    outbox: Table | None = None
    verifier: TokenVerifier | None = None  # None: built from settings on first use
    relay: OutboxRelay | None = field(default=None, init=False)
    _relay_task: asyncio.Task[None] | None = field(default=None, init=False)
    _retention: Periodic | None = field(default=None, init=False)
    _key_priming: asyncio.Task[bool] | None = field(default=None, init=False)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        service: str,
        *,
        outbox: Table | None = None,
        principals: TokenVerifier | None = None,
        ping: bool = True,
    ) -> ServiceResources:
        """``ping=False`` for a worker group's handlers (see :class:`~shopgraph.db.Database`)."""
        return cls(
            service=service,
            settings=settings,
            db=Database(settings.database_url_for(service), ping=ping),
            bus=bus_from_url(settings.bus_url),
            kv=kv_from_url(settings.kv_url),
            outbox=outbox,
            verifier=principals,
        )

    @property
    def principals(self) -> TokenVerifier:
        """The access-token verifier of a subgraph app. Built when first asked for, so a
        worker, which verifies no tokens, needs no JWKS address in its settings."""
        if self.verifier is None:
            self.verifier = TokenVerifier.from_settings(self.settings)
        return self.verifier

    async def start(self) -> None:
        await self.bus.start()
        if self.outbox is not None:
            self.relay = OutboxRelay(
                self.db,
                self.bus,
                self.outbox,
                poll_seconds=self.settings.outbox_poll_seconds,
                service=self.service,
            )
            self._relay_task = asyncio.create_task(
                self.relay.run(), name=f"outbox-relay:{self.service}"
            )
            self._retention = self.retention_job().periodic()
            await self._retention.start()

    def retention_job(self) -> RetentionJob:
        """Purges this database's published outbox rows and its inbox (the ``inbox`` table
        of the outbox's own metadata, when the service has one); see
        :mod:`shopgraph.events.retention`."""
        assert self.outbox is not None
        return RetentionJob.from_settings(
            self.settings,
            self.service,
            self.db,
            outbox=self.outbox,
            inbox=self.outbox.metadata.tables.get(INBOX),
        )

    async def stop(self) -> None:
        if self._key_priming is not None:
            self._key_priming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._key_priming
            self._key_priming = None
        if self._retention is not None:
            await self._retention.stop()
            self._retention = None
        if self.relay is not None:
            await self.relay.stop()
        if self._relay_task is not None:
            self._relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay_task
        await self.bus.stop()
        await self.kv.close()
        await self.db.dispose()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ServiceResources]:
        """Started on entry, stopped on exit (even when the body raises)."""
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    def wake_relay(self) -> None:
        """Publish right after a commit instead of waiting for the next poll."""
        if self.relay is not None:
            self.relay.wake()

    async def warm_database(self) -> None:
        """Start-up: opens ``settings.database_warm_connections`` pooled connections. Best
        effort: a database that cannot be reached yet is for readiness to report."""
        try:
            await self.db.warm(self.settings.database_warm_connections)
        except Exception as exc:  # start-up goes on; readiness tells
            log.warning("database_warm_failed", service=self.service, error=str(exc))

    async def prime_token_keys(self) -> None:
        """Start-up of a subgraph app: fetches the access-token verifier's signing keys in
        the background, trying for a bounded time while the users service starts. Without
        it the first request that carries a user token fetches them, and every request
        arriving meanwhile waits: measured on the checkout bench, the first wave of
        addToCart/placeOrder queued in each subgraph behind that fetch."""
        keys = self.principals.keys
        if isinstance(keys, RemoteJWKS) and self._key_priming is None:
            self._key_priming = asyncio.create_task(
                _prime(keys), name=f"token-keys-priming:{self.service}"
            )

    async def token_keys_primed(self) -> bool:
        """Waits for :meth:`prime_token_keys`' fetch; True once the keys are held."""
        return self._key_priming is not None and await asyncio.shield(self._key_priming)

    async def database(self) -> None:
        """Readiness: the database answers."""
        async with self.db.session() as session:
            await session.execute(text("SELECT 1"))

    async def key_value(self) -> None:
        """Readiness: the key-value store answers."""
        await self.kv.ping()


async def _prime(keys: RemoteJWKS) -> bool:
    tries = AsyncRetrying(
        stop=stop_after_attempt(KEY_PRIMING_ATTEMPTS),
        wait=wait_fixed(KEY_PRIMING_PAUSE_SECONDS),
        retry=retry_if_result(lambda primed: primed is False),
        retry_error_callback=lambda _state: False,
    )
    primed: bool = await tries(keys.prime)
    if not primed:
        log.warning("token_keys_not_primed", url=keys.url)
    return primed
