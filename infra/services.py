#!/usr/bin/env python3
"""Start, stop and inspect the local backing services ShopGraph's tests need.

Stdlib only (runs before the project venv exists).  Usage:

    python3 infra/services.py up [--only postgres,redis,kafka,elasticsearch]
    python3 infra/services.py down [--only ...]
    python3 infra/services.py env
    python3 infra/services.py status [--only ...]

Every server this script starts listens on 127.0.0.1 only and keeps its data,
logs and pid file under infra/.run/<service>/ (thrown away by `down`).
See infra/README.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import http.client
import json
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol
from urllib.parse import SplitResult, unquote, urlsplit

INFRA_DIR = Path(__file__).resolve().parent
RUN_DIR = INFRA_DIR / ".run"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SERVICE_ORDER = ("postgres", "redis", "kafka", "elasticsearch")


class InfraError(Exception):
    """A service could not be installed, started or stopped."""


# --------------------------------------------------------------------------- #
# Generic helpers
# --------------------------------------------------------------------------- #


def say(message: str) -> None:
    print(message, flush=True)


def cache_root() -> Path:
    override = os.environ.get("SHOPGRAPH_INFRA_CACHE")
    return Path(override).expanduser() if override else Path.home() / ".cache" / "shopgraph"


def rel(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:]) or f"(log {path} is empty)"


def is_root() -> bool:
    return os.geteuid() == 0


def run(
    cmd: Sequence[str],
    *,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command (as `user` when we are root), capturing its output."""
    return subprocess.run(
        list(cmd),
        user=user if (user and is_root()) else None,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def run_checked(cmd: Sequence[str], what: str, **kwargs: object) -> str:
    result = run(cmd, **kwargs)  # type: ignore[arg-type]
    if result.returncode != 0:
        output = "\n".join(result.stdout.splitlines()[-25:])
        raise InfraError(f"{what} failed (exit {result.returncode}): {shlex.join(cmd)}\n{output}")
    return result.stdout


def tcp_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(
    ready: Callable[[], bool],
    *,
    timeout: float,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.5,
) -> bool:
    """Poll `ready` until it is true; give up on timeout or when `alive` turns false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return True
        if not alive():
            return ready()
        time.sleep(interval)
    return ready()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def pid_cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def terminate(pid: int, *, group: bool, timeout: float) -> None:
    """SIGTERM a process (or its whole process group), SIGKILL it after `timeout`."""
    sender = os.killpg if group else os.kill
    with contextlib.suppress(ProcessLookupError, PermissionError):
        sender(pid, signal.SIGTERM)
    if wait_for(lambda: not pid_alive(pid), timeout=timeout, interval=0.25):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        sender(pid, signal.SIGKILL)
    wait_for(lambda: not pid_alive(pid), timeout=10, interval=0.25)


def ensure_system_user(name: str, home: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        say(f"  creating system user {name}")
        run_checked(
            [
                "useradd",
                "--system",
                "--user-group",
                "--home-dir",
                home,
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            f"useradd {name}",
        )


def chown_tree(path: Path, user: str) -> None:
    if not is_root():
        return
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def user_can_read(user: str, path: Path) -> bool:
    if not is_root():
        return os.access(path, os.R_OK | os.X_OK)
    return run(["test", "-r", str(path), "-a", "-x", str(path)], user=user).returncode == 0


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


_APT_UPDATED = False


def apt_install(packages: Sequence[str]) -> None:
    """apt-get install without letting the packages' init scripts start daemons."""
    global _APT_UPDATED
    if not is_root():
        raise InfraError(f"need root to apt-get install {' '.join(packages)}; install it yourself")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = not policy.exists()
    if created_policy:  # exit 101 = "do not start services from maintainer scripts"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        if not _APT_UPDATED:
            say("  apt-get update")
            run_checked(["apt-get", "update"], "apt-get update", env=env, timeout=900)
            _APT_UPDATED = True
        say(f"  apt-get install -y {' '.join(packages)}")
        run_checked(
            ["apt-get", "install", "-y", "--no-install-recommends", *packages],
            "apt-get install",
            env=env,
            timeout=1800,
        )
    finally:
        if created_policy:
            policy.unlink(missing_ok=True)


def ensure_command(command: str, apt_packages: Sequence[str]) -> str:
    found = shutil.which(command)
    if found:
        return found
    apt_install(apt_packages)
    found = shutil.which(command)
    if not found:
        raise InfraError(f"{command} still missing after installing {' '.join(apt_packages)}")
    return found


def java_home() -> str:
    java = Path(ensure_command("java", ["default-jre-headless"])).resolve()
    return str(java.parent.parent)


def maven_fetch(workdir: Path, pom: str, goal_args: Sequence[str], what: str) -> None:
    """Write a throwaway pom.xml into `workdir` and run one maven-dependency-plugin goal."""
    mvn = ensure_command("mvn", ["maven"])
    java_home()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pom.xml").write_text(pom)
    say(f"  fetching {what} from Maven Central into {workdir}")
    result = run([mvn, "-q", "-B", *goal_args], cwd=workdir, timeout=1800)
    (workdir / "mvn.log").write_text(result.stdout)
    if result.returncode != 0:
        raise InfraError(f"mvn could not fetch {what}:\n{tail(workdir / 'mvn.log')}")


def throwaway_pom(artifact_id: str, dependencies: Sequence[tuple[str, str, str]]) -> str:
    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v}</version></dependency>"
        for g, a, v in dependencies
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n"
        f"  <groupId>local.shopgraph.infra</groupId><artifactId>{artifact_id}</artifactId>\n"
        "  <version>1</version><packaging>pom</packaging>\n"
        f"  <dependencies>\n{deps}\n  </dependencies>\n"
        "</project>\n"
    )


def url_from_env(env_var: str, default: str) -> SplitResult:
    return urlsplit(os.environ.get(env_var) or default)


# --------------------------------------------------------------------------- #
# Service specs (one dataclass each, parsed from the SHOPGRAPH_TEST_*_URL vars)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PostgresSpec:
    url: str
    host: str
    port: int
    user: str
    password: str
    database: str
    max_connections: int = 300

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_POSTGRES_URL"
    DEFAULT_URL: ClassVar[str] = "postgresql+asyncpg://shopgraph:shopgraph@127.0.0.1:5432/shopgraph"

    @classmethod
    def from_env(cls) -> PostgresSpec:
        parts = url_from_env(cls.ENV_VAR, cls.DEFAULT_URL)
        return cls(
            url=parts.geturl(),
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "shopgraph"),
            password=unquote(parts.password or "shopgraph"),
            database=parts.path.lstrip("/") or "shopgraph",
        )


@dataclass(frozen=True)
class RedisSpec:
    url: str
    host: str
    port: int

    ENV_VAR: ClassVar[str] = "SHOPGRAPH_TEST_REDIS_URL"
    DEFAULT_URL: ClassVar[str] = "redis://127.0.0.1:6379/0"

    @classmethod
    def from_env(cls) -> RedisSpec:
        parts = url_from_env(cls.ENV_VAR, cls.DEFAULT_URL)
        return cls(url=parts.geturl(), host=parts.hostname or "127.0.0.1", port=parts.port or 6379)


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


# --------------------------------------------------------------------------- #
# Service base class
# --------------------------------------------------------------------------- #


class ServiceSpec(Protocol):
    """What every *Spec dataclass provides."""

    ENV_VAR: ClassVar[str]

    @property
    def url(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


class Service(ABC):
    name: str
    spec: ServiceSpec

    def __init__(self) -> None:
        self.run_dir = RUN_DIR / self.name
        self.pid_file = self.run_dir / f"{self.name}.pid"
        self.log_file = self.run_dir / f"{self.name}.log"

    @property
    def host(self) -> str:
        return self.spec.host

    @property
    def port(self) -> int:
        return self.spec.port

    @property
    def url(self) -> str:
        return self.spec.url

    @property
    def env_var(self) -> str:
        return self.spec.ENV_VAR

    # -- what each service provides ------------------------------------------
    @abstractmethod
    def is_ready(self) -> bool:
        """True when the server at host:port really accepts work."""

    @abstractmethod
    def install(self) -> None:
        """Make the binaries / jars available (apt, Maven); no-op when present."""

    @abstractmethod
    def launch(self) -> None:
        """Prepare run_dir, start the server detached and write pid_file."""

    def wait_ready(self) -> None:
        """Block until the freshly launched server is ready."""
        if not wait_for(self.is_ready, timeout=self.start_timeout, alive=self.is_running):
            state = (
                "exited" if not self.is_running() else f"not ready after {self.start_timeout:.0f}s"
            )
            raise InfraError(
                f"{self.name}: server {state}; last lines of {rel(self.log_file)}:\n"
                f"{tail(self.log_file)}"
            )

    def after_ready(self) -> None:
        """Post-start setup (roles, databases...); nothing by default."""
        return None

    def stop_process(self, pid: int) -> None:
        terminate(pid, group=False, timeout=30)

    start_timeout: float = 60.0
    cmdline_marker: str = ""

    # -- shared behaviour ----------------------------------------------------
    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def our_pid(self) -> int | None:
        """Pid from our pid file, if that process is alive and still looks like ours."""
        pid = read_pid(self.pid_file)
        if pid is None or not pid_alive(pid):
            return None
        if self.cmdline_marker and self.cmdline_marker not in pid_cmdline(pid):
            return None
        return pid

    def is_running(self) -> bool:
        return self.our_pid() is not None

    def up(self) -> None:
        if self.is_ready():
            say(f"{self.name}: already reachable at {self.address}")
            return
        if self.host not in LOOPBACK_HOSTS:
            raise InfraError(
                f"{self.name}: {self.address} ({self.env_var}) is not reachable and is not "
                "a loopback address, so it cannot be started here"
            )
        started = time.monotonic()
        if self.is_running():
            running_at = self.recorded_address()
            if running_at != self.address:
                raise InfraError(
                    f"{self.name}: services.py already runs a {self.name} at {running_at} "
                    f"(pid {self.our_pid()}); run `services.py down --only {self.name}` first"
                )
            say(
                f"{self.name}: our server (pid {self.our_pid()}) is running but not ready yet;"
                " waiting"
            )
        else:
            self.install()
            if tcp_open(self.host, self.port):
                raise InfraError(
                    f"{self.name}: port {self.address} is taken by something that is not a "
                    f"working {self.name}; free it or set {self.env_var}"
                )
            self.discard_run_dir()
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "address").write_text(self.address + "\n")
            self.launch()
        self.wait_ready()
        self.after_ready()
        say(
            f"{self.name}: started at {self.address} in {time.monotonic() - started:.1f}s "
            f"(pid {self.our_pid()}, log {rel(self.log_file)})"
        )

    def recorded_address(self) -> str:
        try:
            return (self.run_dir / "address").read_text().strip()
        except OSError:
            return "?"

    def down(self) -> None:
        pid = self.our_pid()
        if pid is not None:
            self.stop_process(pid)
            say(f"{self.name}: stopped (pid {pid})")
        elif self.run_dir.exists():
            say(f"{self.name}: not running")
        self.discard_run_dir()

    def discard_run_dir(self) -> None:
        remove_tree(self.run_dir)

    def status_line(self) -> str:
        state = "reachable" if self.is_ready() else "NOT reachable"
        pid = self.our_pid()
        owner = f" (started by services.py, pid {pid})" if pid else ""
        return f"{self.name}: {state} at {self.address}{owner}"


# --------------------------------------------------------------------------- #
# PostgreSQL
# --------------------------------------------------------------------------- #


def postgres_ssl_probe(host: str, port: int) -> bool:
    """Fallback readiness check: a PostgreSQL server answers SSLRequest with 'S' or 'N'."""
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            sock.sendall(struct.pack(">ii", 8, 80877103))
            return sock.recv(1) in (b"S", b"N")
    except OSError:
        return False


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


class Postgres(Service):
    name = "postgres"
    spec: PostgresSpec
    start_timeout = 120.0
    os_user = "postgres"

    def __init__(self, spec: PostgresSpec) -> None:
        super().__init__()
        self.spec = spec
        self.data_dir = self.run_dir / "data"
        self.superuser_pw_file = self.run_dir / "superuser.password"

    cmdline_marker = "postgres"

    @staticmethod
    def bin_dir() -> Path | None:
        candidates = [
            p
            for p in Path("/usr/lib/postgresql").glob("*/bin")
            if (p / "postgres").exists() and (p / "initdb").exists()
        ]
        candidates.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
        return candidates[-1] if candidates else None

    def tool(self, name: str) -> str:
        bin_dir = self.bin_dir()
        if bin_dir and (bin_dir / name).exists():
            return str(bin_dir / name)
        found = shutil.which(name)
        if not found:
            raise InfraError(f"postgres: {name} not found")
        return found

    def is_ready(self) -> bool:
        pg_isready = None
        bin_dir = self.bin_dir()
        if bin_dir and (bin_dir / "pg_isready").exists():
            pg_isready = str(bin_dir / "pg_isready")
        pg_isready = pg_isready or shutil.which("pg_isready")
        if pg_isready is None:
            return postgres_ssl_probe(self.host, self.port)
        cmd = [pg_isready, "-q", "-h", self.host, "-p", str(self.port), "-t", "2"]
        return run(cmd, timeout=10).returncode == 0

    def install(self) -> None:
        if self.bin_dir() is None:
            apt_install(["postgresql"])
            if self.bin_dir() is None:
                raise InfraError(
                    "postgres: no /usr/lib/postgresql/*/bin/postgres after apt-get install"
                )
        if is_root():
            ensure_system_user(self.os_user, "/var/lib/postgresql")

    def run_as_owner(self, cmd: Sequence[str], what: str, **kwargs: object) -> str:
        return run_checked(cmd, what, user=self.os_user, **kwargs)

    def launch(self) -> None:
        password = secrets.token_urlsafe(18)
        self.superuser_pw_file.write_text(password + "\n")
        self.superuser_pw_file.chmod(0o600)
        chown_tree(self.run_dir, self.os_user)
        if is_root() and not user_can_read(self.os_user, self.run_dir):
            raise InfraError(
                f"postgres: OS user {self.os_user} cannot reach {self.run_dir}; "
                "make the checkout's parent directories world-traversable (chmod o+x)"
            )
        self.run_as_owner(
            [
                self.tool("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--pwfile",
                str(self.superuser_pw_file),
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            "initdb",
            timeout=300,
        )
        self.write_config()
        self.run_as_owner(
            [
                self.tool("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(int(self.start_timeout)),
                "start",
            ],
            "pg_ctl start",
            timeout=self.start_timeout + 30,
        )
        postmaster_pid = read_pid(self.data_dir / "postmaster.pid")
        if postmaster_pid is None:
            raise InfraError(f"postgres: no postmaster.pid after start:\n{tail(self.log_file)}")
        self.pid_file.write_text(f"{postmaster_pid}\n")

    def write_config(self) -> None:
        settings = {
            "listen_addresses": sql_literal(self.host if self.host != "localhost" else "127.0.0.1"),
            "port": str(self.port),
            "unix_socket_directories": "''",  # TCP only: no dependency on /var/run/postgresql
            "max_connections": str(self.spec.max_connections),
            "shared_buffers": "'128MB'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "logging_collector": "off",
        }
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# --- infra/services.py ---\n" + lines)

    def psql(self, sql: str) -> str:
        password = self.superuser_pw_file.read_text().strip()
        cmd = [
            self.tool("psql"),
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            sql,
        ]
        return run_checked(cmd, "psql", env={**os.environ, "PGPASSWORD": password}, timeout=60)

    def after_ready(self) -> None:
        user, db = self.spec.user, self.spec.database
        self.psql(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {sql_literal(user)}) THEN "
            f"CREATE ROLE {sql_ident(user)} LOGIN CREATEDB "
            f"PASSWORD {sql_literal(self.spec.password)}; "
            "END IF; END $$;"
        )
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = {sql_literal(db)}").strip()
        if exists != "1":
            self.psql(f"CREATE DATABASE {sql_ident(db)} OWNER {sql_ident(user)}")

    def stop_process(self, pid: int) -> None:
        result = run(
            [self.tool("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60", "stop"],
            user=self.os_user,
            timeout=90,
        )
        if result.returncode != 0 or pid_alive(pid):
            terminate(pid, group=False, timeout=30)


# --------------------------------------------------------------------------- #
# Redis
# --------------------------------------------------------------------------- #


def redis_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class Redis(Service):
    name = "redis"
    spec: RedisSpec
    start_timeout = 30.0
    cmdline_marker = "redis-server"

    def __init__(self, spec: RedisSpec) -> None:
        super().__init__()
        self.spec = spec

    def is_ready(self) -> bool:
        return redis_ping(self.host, self.port)

    def install(self) -> None:
        ensure_command("redis-server", ["redis-server"])

    def launch(self) -> None:
        redis_server = ensure_command("redis-server", ["redis-server"])
        cmd = [
            redis_server,
            "--bind",
            "127.0.0.1" if self.host == "localhost" else self.host,
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            str(self.pid_file),
            "--logfile",
            str(self.log_file),
            "--dir",
            str(self.run_dir),
        ]
        run_checked(cmd, "redis-server", timeout=30)
        wait_for(lambda: self.pid_file.exists(), timeout=10, interval=0.1)


# --------------------------------------------------------------------------- #
# Kafka (Apache Kafka 4.x, KRaft, jars from Maven Central)
# --------------------------------------------------------------------------- #

KAFKA_LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.controller.name = kafka.controller
logger.controller.level = WARN
"""


def kafka_api_versions(host: str, port: int) -> bool:
    """Send a Kafka ApiVersions v0 request; True if the broker answers without error."""
    correlation_id = 0x5EED
    client_id = b"shopgraph-infra"
    header = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(3)
            sock.sendall(struct.pack(">i", len(header)) + header)
            reply = b""
            while len(reply) < 10:
                chunk = sock.recv(4096)
                if not chunk:
                    return False
                reply += chunk
    except OSError:
        return False
    _size, got_correlation, error_code = struct.unpack(">iih", reply[:10])
    return bool(got_correlation == correlation_id and error_code == 0)


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
    cmdline_marker = "kafka.Kafka"
    LOG4J_VERSION = "2.24.3"
    SLF4J_VERSION = "2.0.17"

    def __init__(self, spec: KafkaSpec) -> None:
        super().__init__()
        self.spec = spec
        self.home = cache_root() / f"kafka-{spec.version}"
        self.libs = self.home / "libs"
        self.properties = self.run_dir / "server.properties"
        self.log4j = self.run_dir / "log4j2.properties"

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
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.log4j}",
            "-cp",
            f"{self.libs}/*",
            main_class,
            *args,
        ]

    def write_config(self) -> None:
        host = "127.0.0.1" if self.host == "localhost" else self.host
        data_dir = self.run_dir / "data"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"{host}:{self.spec.controller_port}",
            "listeners": f"PLAINTEXT://{host}:{self.port},CONTROLLER://{host}:{self.spec.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(data_dir),
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
        self.log4j.write_text(KAFKA_LOG4J2)

    def launch(self) -> None:
        self.write_config()
        with self.log_file.open("ab") as log:
            format_cmd = self.java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                kafka_cluster_id(),
                "-c",
                str(self.properties),
                "--standalone",
            )
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
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                self.java("kafka.Kafka", str(self.properties), heap=self.spec.heap.split()),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.run_dir,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")

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

    def stop_process(self, pid: int) -> None:
        terminate(pid, group=True, timeout=45)


# --------------------------------------------------------------------------- #
# Elasticsearch 8.x (integ-test-zip distribution from Maven Central)
# --------------------------------------------------------------------------- #

ES_LOG4J2 = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%consoleException%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.elasticsearch.deprecation
logger.deprecation.level = error
"""


def es_health(host: str, port: int) -> bool:
    try:
        conn = http.client.HTTPConnection(host, port, timeout=3)
        try:
            conn.request("GET", "/_cluster/health")
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False
    if response.status != 200:
        return False
    try:
        return json.loads(body).get("status") in ("green", "yellow")
    except ValueError:
        return False


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
    cmdline_marker = ""  # pid is runuser-less Popen of bin/elasticsearch; checked via group
    os_user = "shopgraph-es"
    ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch"

    def __init__(self, spec: ElasticsearchSpec) -> None:
        super().__init__()
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
        return es_health(self.host, self.port)

    def install(self) -> None:
        java_home()
        if is_root():
            ensure_system_user(self.os_user, "/nonexistent")
        home = self.home
        marker = home / ".complete"
        if not marker.exists():
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
            marker.write_text("ok\n")
        if is_root() and not user_can_read(self.os_user, home / "lib"):
            raise InfraError(f"elasticsearch: user {self.os_user} cannot read {home}")

    def write_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        host = "127.0.0.1" if self.host == "localhost" else self.host
        settings = {
            "cluster.name": "shopgraph-test",
            "node.name": "node-1",
            "network.host": host,
            "http.port": str(self.port),
            "transport.port": str(self.spec.transport_port),
            "discovery.type": "single-node",
            "path.data": str(self.run_dir / "data"),
            "path.logs": str(self.run_dir / "logs"),
            "xpack.security.enabled": "false",
            "action.destructive_requires_name": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
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
        (self.config_dir / "log4j2.properties").write_text(ES_LOG4J2)
        for name in ("data", "logs", "tmp"):
            (self.run_dir / name).mkdir(exist_ok=True)

    def launch(self) -> None:
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
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [str(self.home / "bin" / "elasticsearch")],
                user=self.os_user if is_root() else None,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.run_dir,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")

    def our_pid(self) -> int | None:
        pid = read_pid(self.pid_file)
        if pid is None or not pid_alive(pid) or "elasticsearch" not in pid_cmdline(pid):
            return None
        return pid

    def stop_process(self, pid: int) -> None:
        terminate(pid, group=True, timeout=45)


# --------------------------------------------------------------------------- #
# CLI
# --------------------------------------------------------------------------- #


def build_services() -> dict[str, Service]:
    return {
        "postgres": Postgres(PostgresSpec.from_env()),
        "redis": Redis(RedisSpec.from_env()),
        "kafka": Kafka(KafkaSpec.from_env()),
        "elasticsearch": Elasticsearch(ElasticsearchSpec.from_env()),
    }


def parse_only(value: str | None) -> list[str]:
    if not value:
        return list(SERVICE_ORDER)
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    unknown = sorted(set(wanted) - set(SERVICE_ORDER))
    if unknown:
        raise SystemExit(
            f"unknown service(s): {', '.join(unknown)}; choose from {', '.join(SERVICE_ORDER)}"
        )
    return [name for name in SERVICE_ORDER if name in wanted]


@contextlib.contextmanager
def run_lock() -> Iterator[None]:
    """Serialise concurrent up/down calls (e.g. parallel make jobs)."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    with (RUN_DIR / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def cmd_up(services: Sequence[Service]) -> int:
    failures: list[str] = []
    with run_lock():
        for service in services:
            try:
                service.up()
            except (InfraError, subprocess.TimeoutExpired, OSError) as error:
                failures.append(service.name)
                say(f"{service.name}: FAILED to start\n{error}")
    if failures:
        say(f"services.py up: could not start {', '.join(failures)}")
        return 1
    return 0


def cmd_down(services: Sequence[Service]) -> int:
    failed = False
    with run_lock():
        for service in reversed(services):
            try:
                service.down()
            except (InfraError, subprocess.TimeoutExpired, OSError) as error:
                failed = True
                say(f"{service.name}: FAILED to stop\n{error}")
    return 1 if failed else 0


def cmd_env(services: Sequence[Service]) -> int:
    for service in services:
        say(f"export {service.env_var}={shlex.quote(service.url)}")
    return 0


def cmd_status(services: Sequence[Service]) -> int:
    ready = True
    for service in services:
        say(service.status_line())
        ready = ready and service.is_ready()
    return 0 if ready else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "down", "env", "status"))
    parser.add_argument("--only", help="comma-separated subset of: " + ",".join(SERVICE_ORDER))
    args = parser.parse_args(argv)
    registry = build_services()
    selected = [registry[name] for name in parse_only(args.only)]
    handlers: dict[str, Callable[[Sequence[Service]], int]] = {
        "up": cmd_up,
        "down": cmd_down,
        "env": cmd_env,
        "status": cmd_status,
    }
    return handlers[args.command](selected)


if __name__ == "__main__":
    sys.exit(main())
