"""A PostgreSQL and a Kafka broker of the test's own, which the test may restart.

Restarting the shared servers would break every other test running meanwhile, so a fault
test starts its own pair through ``infra`` (on free ports, with its state in a directory of
its own) and stops them when it ends. A restart keeps the data: PostgreSQL goes down as in
a crash (``pg_ctl -m immediate``) and recovers from its WAL; the broker is killed with
SIGKILL and started again on the same log directory and cluster id, without formatting.

The ``infra`` calls block, so the async helpers run them in a thread: the platform under
test shares the test's event loop and must keep serving meanwhile.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.kafka import Kafka, KafkaSpec
from infra.postgres import Postgres, PostgresSpec
from infra.processes import Detached, pid_alive, read_pid, spawn, wait_for
from tests.support.platform import free_port


@dataclass
class PrivateServers:
    postgres: Postgres
    kafka: Kafka

    @property
    def postgres_url(self) -> str:
        return self.postgres.url

    @property
    def kafka_url(self) -> str:
        return self.kafka.url

    async def restart_postgres(self) -> None:
        await asyncio.to_thread(self._restart_postgres)

    async def restart_kafka(self) -> None:
        await asyncio.to_thread(self._restart_kafka)

    def _restart_postgres(self) -> None:
        pg = self.postgres
        pg_ctl = pg.tool("pg_ctl")
        data = str(pg.data_dir)
        pg.run_as_owner([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], "crash", timeout=60)
        # -W: do not wait here; readiness is polled below, as clients see it.
        start = [pg_ctl, "-D", data, "-l", str(pg.log_file), "-W", "start"]
        pg.run_as_owner(start, "pg_ctl start", timeout=60)
        assert wait_for(pg.is_ready, timeout=120, interval=0.1), "postgres did not recover"
        pid = read_pid(pg.data_dir / "postmaster.pid")
        assert pid is not None, "postgres wrote no postmaster.pid"
        pg.launched = Detached(pid)
        pg.pid_file.write_text(f"{pid}\n")

    def _restart_kafka(self) -> None:
        kafka = self.kafka
        pid = kafka.our_pid()
        assert pid is not None, "the private broker is not running"
        os.killpg(pid, signal.SIGKILL)
        wait_for(lambda: not pid_alive(pid), timeout=30, interval=0.1)
        command = kafka.java("kafka.Kafka", str(kafka.properties), heap=kafka.spec.heap.split())
        kafka.launched = spawn(command, log_file=kafka.log_file, cwd=kafka.run_dir)
        kafka.pid_file.write_text(f"{kafka.launched.pid}\n")
        assert wait_for(kafka.is_ready, timeout=120, interval=0.1), "kafka did not restart"


@contextmanager
def private_servers() -> Iterator[PrivateServers]:
    """Start the pair (about 5-10 s on a quiet machine); stop both and delete their state."""
    # PostgreSQL runs as the ``postgres`` user, which cannot enter pytest's 0700 tmp_path.
    root = Path(tempfile.mkdtemp(prefix="shopgraph-faults-"))
    root.chmod(0o755)
    pg_port, kafka_port, controller_port = free_port(), free_port(), free_port()
    postgres = Postgres(
        PostgresSpec(
            url=f"postgresql+asyncpg://shopgraph:shopgraph@127.0.0.1:{pg_port}/shopgraph",
            host="127.0.0.1",
            port=pg_port,
            user="shopgraph",
            password="shopgraph",
            database="shopgraph",
        ),
        root,
    )
    kafka = Kafka(
        KafkaSpec(
            url=f"kafka://127.0.0.1:{kafka_port}",
            host="127.0.0.1",
            port=kafka_port,
            controller_port=controller_port,
            version=KafkaSpec.from_env().version,
            heap="-Xms128m -Xmx512m",
        ),
        root,
    )
    try:
        postgres.up()
        kafka.up()
        yield PrivateServers(postgres, kafka)
    finally:
        try:
            kafka.down()
        finally:
            postgres.down()
            shutil.rmtree(root, ignore_errors=True)
