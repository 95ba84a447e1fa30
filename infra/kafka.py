"""Apache Kafka 4.x in KRaft mode (combined broker and controller), jars from Maven Central."""

from __future__ import annotations

import base64
import os
import subprocess
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from infra.commands import remove_tree, tail
from infra.errors import InfraError
from infra.packages import java_home, maven_fetch, throwaway_pom
from infra.paths import INFRA_DIR, bind_host, cache_root, url_from_env
from infra.probes import kafka_api_versions
from infra.processes import ServerProcess, spawn, wait_for
from infra.service import Service

LOG4J2_CONFIG = INFRA_DIR / "kafka-log4j2.properties"

# A development broker serves a few hundred requests a second and is often freshly started
# (every `make test`, every bench, every fault test's restart), so its CPU went to warming up
# rather than to serving: C2 compiled Kafka's hot paths at about 1 s of CPU during each of
# the checkout bench's first two 300-checkout runs, as much as serving them took, to make a
# request some 20 % cheaper. C1 alone compiles in a tenth of that time.
JVM_OPTIONS = ("-XX:+UseG1GC", "-XX:TieredStopAtLevel=1")


@dataclass(frozen=True)
class KafkaSpec:
    url: str
    host: str
    port: int
    controller_port: int
    version: str
    heap: str

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_KAFKA_URL"
    DEFAULT_URL: ClassVar[str] = "kafka://127.0.0.1:9092"

    @classmethod
    def from_env(cls) -> KafkaSpec:
        parts = url_from_env(cls.ENV_VAR, cls.DEFAULT_URL)
        port = parts.port or 9092
        return cls(
            url=parts.geturl(),
            host=parts.hostname or "127.0.0.1",
            port=port,
            controller_port=int(os.environ.get("SHOPGRAPH_KAFKA_CONTROLLER_PORT", port + 1)),
            version=os.environ.get("SHOPGRAPH_KAFKA_VERSION", "4.3.1"),
            heap=os.environ.get("SHOPGRAPH_KAFKA_HEAP", "-Xms256m -Xmx768m"),
        )


def kafka_cluster_id() -> str:
    """Same shape as `kafka-storage random-uuid`: base64url of 16 random bytes, no padding."""
    while True:
        value = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not value.startswith("-"):
            return value


class Kafka(Service):
    name = "kafka"
    spec: KafkaSpec
    start_timeout = 120.0
    stop_timeout = 45.0
    cmdline_marker = "kafka.Kafka"
    LOG4J_VERSION = "2.24.3"
    SLF4J_VERSION = "2.0.17"

    def __init__(self, spec: KafkaSpec, run_root: Path) -> None:
        super().__init__(run_root)
        self.spec = spec
        self.home = cache_root() / f"kafka-{spec.version}"
        self.libs = self.home / "libs"
        self.properties = self.run_dir / "server.properties"

    def is_ready(self) -> bool:
        return kafka_api_versions(self.host, self.port)

    def install(self) -> None:
        java_home()
        marker = self.libs / ".complete"
        if marker.exists():
            return
        remove_tree(self.libs)
        pom = throwaway_pom(
            f"kafka-{self.spec.version}",
            [
                ("org.apache.kafka", "kafka_2.13", self.spec.version),
                ("org.slf4j", "slf4j-api", self.SLF4J_VERSION),
                ("org.apache.logging.log4j", "log4j-slf4j2-impl", self.LOG4J_VERSION),
                ("org.apache.logging.log4j", "log4j-core", self.LOG4J_VERSION),
            ],
        )
        maven_fetch(
            self.home,
            pom,
            ["dependency:copy-dependencies", "-DoutputDirectory=libs", "-DincludeScope=runtime"],
            f"Apache Kafka {self.spec.version}",
        )
        if not (self.libs / f"kafka_2.13-{self.spec.version}.jar").exists():
            raise InfraError(f"kafka: mvn finished but {self.libs} has no kafka_2.13 jar")
        marker.write_text("ok\n")

    def java(self, main_class: str, *args: str, heap: Sequence[str] = ()) -> list[str]:
        return [
            str(Path(java_home()) / "bin" / "java"),
            *heap,
            *JVM_OPTIONS,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
            "-cp",
            f"{self.libs}/*",
            main_class,
            *args,
        ]

    def write_config(self) -> None:
        host = bind_host(self.host)
        controller = f"{host}:{self.spec.controller_port}"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": controller,
            "listeners": f"PLAINTEXT://{host}:{self.port},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.run_dir / "data"),
            "num.partitions": "3",
            "default.replication.factor": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "3",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "3",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            "delete.topic.enable": "true",
            "log.flush.interval.messages": "9223372036854775807",
        }
        self.properties.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))

    def format_storage(self) -> None:
        format_cmd = self.java(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            kafka_cluster_id(),
            "-c",
            str(self.properties),
            "--standalone",
        )
        with self.log_file.open("ab") as log:
            result = subprocess.run(
                format_cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=120,
                check=False,
            )
        if result.returncode != 0:
            raise InfraError(f"kafka: storage format failed:\n{tail(self.log_file)}")

    def launch(self) -> ServerProcess:
        self.write_config()
        self.format_storage()
        cmd = self.java("kafka.Kafka", str(self.properties), heap=self.spec.heap.split())
        return spawn(cmd, log_file=self.log_file, cwd=self.run_dir)

    def broker_started(self) -> bool:
        try:
            return "Kafka Server started" in self.log_file.read_text(errors="replace")
        except OSError:
            return False

    def wait_ready(self) -> None:
        super().wait_ready()
        if not wait_for(self.broker_started, timeout=30, alive=self.is_running):
            raise InfraError(
                f"kafka: answers ApiVersions but never logged 'Kafka Server started':\n"
                f"{tail(self.log_file)}"
            )
