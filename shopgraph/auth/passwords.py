"""Password hashing: argon2id with parameters from settings, off the event loop.

:class:`PasswordHasher` is built from settings (``SHOPGRAPH_PASSWORD_HASH_*``; the default is
OWASP's minimum for argon2id: 19 MiB, two passes, one lane) and handed to whoever hashes:
there is no module-global hasher. Hashing is CPU- and memory-hard on purpose, so it runs on
the hasher's own bounded thread pool: the event loop stays responsive, and a burst of
sign-ins costs at most ``threads x memory`` at once.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shopgraph.settings import Settings

_TIMING_DECOY_PASSWORD = "shopgraph-timing-equaliser"


@dataclass(frozen=True, slots=True)
class HashingParameters:
    """argon2id cost: memory in KiB, passes over it, lanes."""

    memory_kib: int = 19 * 1024
    time_cost: int = 2
    parallelism: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> HashingParameters:
        return cls(
            memory_kib=settings.password_hash_memory_kib,
            time_cost=settings.password_hash_time_cost,
            parallelism=settings.password_hash_parallelism,
        )


class PasswordHasher:
    """Hashes and verifies passwords with one set of argon2id parameters."""

    def __init__(self, parameters: HashingParameters, *, threads: int = 2) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.parameters = parameters
        self._argon2 = Argon2Hasher(
            time_cost=parameters.time_cost,
            memory_cost=parameters.memory_kib,
            parallelism=parameters.parallelism,
            type=Type.ID,
        )
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._decoy_hash: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        return cls(
            HashingParameters.from_settings(settings), threads=settings.password_hash_threads
        )

    async def hash(self, password: str) -> str:
        """An argon2id hash in PHC format (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``)."""
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._argon2.hash, password
        )

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True if ``password`` matches ``stored_hash``; False on a mismatch or a hash that
        is not argon2. With ``stored_hash=None`` (no such account) it spends the same time
        on a decoy hash and fails, so timing does not tell whether an account exists."""
        target = stored_hash if stored_hash is not None else await self._decoy()
        matched = await asyncio.get_running_loop().run_in_executor(
            self._pool, self._matches, target, password
        )
        return matched and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        """True if the hash was made with other parameters (or another type) than these."""
        try:
            return self._argon2.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True

    def close(self) -> None:
        """Stop the hashing threads once the work in progress is done."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _matches(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await self.hash(_TIMING_DECOY_PASSWORD)
        return self._decoy_hash
