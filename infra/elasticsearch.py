"""Elasticsearch 8.x from Elastic's integ-test-zip distribution on Maven Central."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from infra.commands import chown_tree, ensure_system_user, is_root, remove_tree, say, user_can_read
from infra.errors import InfraError
from infra.packages import java_home, maven_fetch, throwaway_pom
from infra.paths import INFRA_DIR, bind_host, cache_root, url_from_env
from infra.probes import elasticsearch_health
from infra.processes import ServerProcess, spawn
from infra.service import Service

LOG4J2_CONFIG = INFRA_DIR / "elasticsearch-log4j2.properties"
REQUEST_CACHE_SIZE = "10%"  # of the heap


@dataclass(frozen=True)
class ElasticsearchSpec:
    url: str
    host: str
    port: int
    transport_port: int
    version: str
    heap: str

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_ELASTICSEARCH_URL"
    DEFAULT_URL: ClassVar[str] = "elasticsearch://127.0.0.1:9200"

    @classmethod
    def from_env(cls) -> ElasticsearchSpec:
        parts = url_from_env(cls.ENV_VAR, cls.DEFAULT_URL)
        port = parts.port or 9200
        return cls(
            url=parts.geturl(),
            host=parts.hostname or "127.0.0.1",
            port=port,
            transport_port=int(
                os.environ.get("SHOPGRAPH_ELASTICSEARCH_TRANSPORT_PORT", port + 100)
            ),
            version=os.environ.get("SHOPGRAPH_ELASTICSEARCH_VERSION", "8.17.0"),
            heap=os.environ.get("SHOPGRAPH_ELASTICSEARCH_HEAP", "-Xms512m -Xmx512m"),
        )


def extract_zip(archive: Path, target: Path) -> None:
    """Unzip keeping the Unix permission bits (zipfile.extractall drops them)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            extracted = Path(zf.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                extracted.chmod(mode | 0o444 | (0o111 if extracted.is_dir() else 0))


class Elasticsearch(Service):
    name = "elasticsearch"
    spec: ElasticsearchSpec
    start_timeout = 180.0
    stop_timeout = 45.0
    # bin/elasticsearch execs the Java launcher, whose command line names es.path.home.
    cmdline_marker = "elasticsearch"
    os_user = "shopgraph-es"
    ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch"

    def __init__(self, spec: ElasticsearchSpec, run_root: Path) -> None:
        super().__init__(run_root)
        self.spec = spec
        self.config_dir = self.run_dir / "config"

    @property
    def home(self) -> Path:
        """Unpacked distribution. When root, it must be readable by the unprivileged ES user,
        which ~root/.cache is not, so fall back to /var/cache/shopgraph then."""
        preferred = cache_root() / f"elasticsearch-{self.spec.version}"
        if not is_root() or "SHOPGRAPH_INFRA_CACHE" in os.environ:
            return preferred
        return Path("/var/cache/shopgraph") / f"elasticsearch-{self.spec.version}"

    def is_ready(self) -> bool:
        return elasticsearch_health(self.host, self.port)

    def install(self) -> None:
        java_home()
        if is_root():
            ensure_system_user(self.os_user, "/nonexistent")
        home = self.home
        marker = home / ".complete"
        if not marker.exists():
            self.download_and_unpack(home)
            marker.write_text("ok\n")
        if is_root() and not user_can_read(self.os_user, home / "lib"):
            raise InfraError(f"elasticsearch: user {self.os_user} cannot read {home}")

    def download_and_unpack(self, home: Path) -> None:
        download_dir = cache_root() / f"elasticsearch-{self.spec.version}-download"
        maven_fetch(
            download_dir,
            throwaway_pom("es-download", []),
            [
                "dependency:copy",
                f"-Dartifact={self.ARTIFACT}:{self.spec.version}:zip",
                "-DoutputDirectory=dist",
            ],
            f"Elasticsearch {self.spec.version} distribution",
        )
        archive = download_dir / "dist" / f"elasticsearch-{self.spec.version}.zip"
        say(f"  unpacking {archive.name} into {home}")
        staging = home.with_name(home.name + ".tmp")
        remove_tree(staging)
        extract_zip(archive, staging)
        remove_tree(home)
        (staging / f"elasticsearch-{self.spec.version}").rename(home)
        remove_tree(staging)

    def write_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "cluster.name": "shopgraph-test",
            "node.name": "node-1",
            "network.host": bind_host(self.host),
            "http.port": str(self.port),
            "transport.port": str(self.spec.transport_port),
            "discovery.type": "single-node",
            "path.data": str(self.run_dir / "data"),
            "path.logs": str(self.run_dir / "logs"),
            "xpack.security.enabled": "false",
            "action.destructive_requires_name": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            # The shard request cache answers repeated searches (facets, pages) until the
            # next refresh changes the index; the default 1% of a 512 MB heap held about
            # 700 search results and evicted popular ones under a long tail of others.
            "indices.requests.cache.size": REQUEST_CACHE_SIZE,
        }
        (self.config_dir / "elasticsearch.yml").write_text(
            "".join(f"{k}: {json.dumps(v)}\n" for k, v in settings.items())
        )
        jvm = [
            "-XX:+UseG1GC",
            "-Djava.io.tmpdir=${ES_TMPDIR}",
            "-XX:+ExitOnOutOfMemoryError",
            *self.spec.heap.split(),
        ]
        (self.config_dir / "jvm.options").write_text("\n".join(jvm) + "\n")
        shutil.copyfile(LOG4J2_CONFIG, self.config_dir / "log4j2.properties")
        for name in ("data", "logs", "tmp"):
            (self.run_dir / name).mkdir(exist_ok=True)

    def launch(self) -> ServerProcess:
        self.write_config()
        chown_tree(self.run_dir, self.os_user)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.run_dir),
            "ES_JAVA_HOME": java_home(),
            "ES_PATH_CONF": str(self.config_dir),
            "ES_TMPDIR": str(self.run_dir / "tmp"),
            "LANG": "C.UTF-8",
        }
        return spawn(
            [str(self.home / "bin" / "elasticsearch")],
            log_file=self.log_file,
            cwd=self.run_dir,
            env=env,
            user=self.os_user if is_root() else None,
        )
