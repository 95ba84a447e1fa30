"""PostgreSQL: our own throwaway cluster (initdb + pg_ctl) run as the `postgres` OS user."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

from infra.commands import (
    chown_tree,
    ensure_system_user,
    is_root,
    run,
    run_checked,
    tail,
    user_can_read,
)
from infra.errors import InfraError
from infra.packages import apt_install
from infra.paths import bind_host, url_from_env
from infra.probes import postgres_ssl_probe
from infra.processes import Detached, ServerProcess, pid_alive, read_pid, terminate
from infra.service import Service


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


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def postgres_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin that has both postgres and initdb."""
    candidates = [
        p
        for p in Path("/usr/lib/postgresql").glob("*/bin")
        if (p / "postgres").exists() and (p / "initdb").exists()
    ]
    candidates.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return candidates[-1] if candidates else None


def postgres_tool(name: str) -> str | None:
    bin_dir = postgres_bin_dir()
    if bin_dir and (bin_dir / name).exists():
        return str(bin_dir / name)
    return shutil.which(name)


class Postgres(Service):
    name = "postgres"
    spec: PostgresSpec
    start_timeout = 120.0
    cmdline_marker = "postgres"
    os_user = "postgres"

    def __init__(self, spec: PostgresSpec, run_root: Path) -> None:
        super().__init__(run_root)
        self.spec = spec
        self.data_dir = self.run_dir / "data"
        self.superuser_pw_file = self.run_dir / "superuser.password"

    def tool(self, name: str) -> str:
        found = postgres_tool(name)
        if found is None:
            raise InfraError(f"postgres: {name} not found")
        return found

    def is_ready(self) -> bool:
        pg_isready = postgres_tool("pg_isready")
        if pg_isready is None:
            return postgres_ssl_probe(self.host, self.port)
        cmd = [pg_isready, "-q", "-h", self.host, "-p", str(self.port), "-t", "2"]
        return run(cmd, timeout=10).returncode == 0

    def install(self) -> None:
        if postgres_bin_dir() is None:
            apt_install(["postgresql"])
            if postgres_bin_dir() is None:
                raise InfraError(
                    "postgres: no /usr/lib/postgresql/*/bin/postgres after apt-get install"
                )
        if is_root():
            ensure_system_user(self.os_user, "/var/lib/postgresql")

    def run_as_owner(self, cmd: Sequence[str], what: str, *, timeout: float) -> str:
        return run_checked(cmd, what, user=self.os_user, timeout=timeout)

    def launch(self) -> ServerProcess:
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
        # pg_ctl -w returns once the postmaster is up and has written postmaster.pid.
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
        return Detached(postmaster_pid)

    def write_config(self) -> None:
        settings = {
            "listen_addresses": sql_literal(bind_host(self.host)),
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
            conf.write("\n# --- python3 -m infra ---\n" + lines)

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
