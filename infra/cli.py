"""`python3 -m infra up|down|status|env`: the command line over the four services."""

from __future__ import annotations

import argparse
import shlex
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import infra
from infra.commands import say
from infra.elasticsearch import Elasticsearch, ElasticsearchSpec
from infra.errors import InfraError
from infra.kafka import Kafka, KafkaSpec
from infra.locks import address_lock, checkout_lock
from infra.paths import run_root
from infra.postgres import Postgres, PostgresSpec
from infra.redis import Redis, RedisSpec
from infra.service import Service

SERVICE_ORDER = ("postgres", "redis", "kafka", "elasticsearch")


def build_services(root: Path) -> dict[str, Service]:
    return {
        "postgres": Postgres(PostgresSpec.from_env(), root),
        "redis": Redis(RedisSpec.from_env(), root),
        "kafka": Kafka(KafkaSpec.from_env(), root),
        "elasticsearch": Elasticsearch(ElasticsearchSpec.from_env(), root),
    }


def parse_only(value: str | None) -> list[str]:
    """The services named by --only, in start order; all of them when it is not given."""
    if not value:
        return list(SERVICE_ORDER)
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    unknown = sorted(set(wanted) - set(SERVICE_ORDER))
    if unknown:
        raise SystemExit(
            f"unknown service(s): {', '.join(unknown)}; choose from {', '.join(SERVICE_ORDER)}"
        )
    return [name for name in SERVICE_ORDER if name in wanted]


def start_one(service: Service) -> bool:
    """Start ``service`` unless it is reachable; False (and why, printed) when it failed."""
    try:
        with address_lock(service.name, service.host, service.port):
            service.up()
    except (InfraError, subprocess.TimeoutExpired, OSError) as error:
        say(f"{service.name}: FAILED to start\n{error}")
        return False
    return True


def cmd_up(services: Sequence[Service], root: Path) -> int:
    # The servers do not depend on each other: start them side by side, so the wait is the
    # slowest start-up (a JVM's), not the sum of them (apt installs still take turns).
    with checkout_lock(root), ThreadPoolExecutor(max_workers=max(1, len(services))) as pool:
        started = list(pool.map(start_one, services))
    failures = [s.name for s, ok in zip(services, started, strict=True) if not ok]
    if failures:
        say(f"python3 -m infra up: could not start {', '.join(failures)}")
        return 1
    return 0


def cmd_down(services: Sequence[Service], root: Path) -> int:
    failed = False
    with checkout_lock(root):
        for service in reversed(services):
            try:
                service.down()
            except (InfraError, subprocess.TimeoutExpired, OSError) as error:
                failed = True
                say(f"{service.name}: FAILED to stop\n{error}")
    return 1 if failed else 0


def cmd_env(services: Sequence[Service], root: Path) -> int:
    for service in services:
        say(f"export {service.env_var}={shlex.quote(service.url)}")
    return 0


def cmd_status(services: Sequence[Service], root: Path) -> int:
    ready = True
    for service in services:
        say(service.status_line())
        ready = ready and service.is_ready()
    return 0 if ready else 1


COMMANDS: dict[str, Callable[[Sequence[Service], Path], int]] = {
    "up": cmd_up,
    "down": cmd_down,
    "env": cmd_env,
    "status": cmd_status,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m infra",
        description=infra.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=tuple(COMMANDS))
    parser.add_argument("--only", help="comma-separated subset of: " + ",".join(SERVICE_ORDER))
    args = parser.parse_args(argv)
    root = run_root()
    registry = build_services(root)
    selected = [registry[name] for name in parse_only(args.only)]
    return COMMANDS[args.command](selected, root)
