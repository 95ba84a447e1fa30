"""Fixtures shared by every test: the two adapter columns of docs/architecture.md §3.

Integration tests take ``database_url``, ``bus_url`` or ``kv_url`` and run once per column:
embedded (SQLite, in-process bus, in-process store) and real (PostgreSQL, Kafka, Redis at
the URLs ``make test`` exports). Outside ``make test`` the real column is skipped when its
URL is unset; under ``make test`` (SHOPGRAPH_REQUIRE_REAL_SERVICES=1) a missing one fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from shopgraph.auth.keys import SigningKey

REAL_URL_VARS = {
    "postgres": "SHOPGRAPH_TEST_POSTGRES_URL",
    "kafka": "SHOPGRAPH_TEST_KAFKA_URL",
    "redis": "SHOPGRAPH_TEST_REDIS_URL",
    "elasticsearch": "SHOPGRAPH_TEST_ELASTICSEARCH_URL",
}


# The tests (node ids) that asked for each real service, for the terminal summary.
_REAL_SERVICE_USERS: dict[str, set[str]] = {name: set() for name in REAL_URL_VARS}


def real_service_url(name: str) -> str:
    """The URL of a real service, or skip/fail as the module docstring says."""
    url = os.environ.get(REAL_URL_VARS[name])
    if url:
        current = os.environ.get("PYTEST_CURRENT_TEST", "")
        _REAL_SERVICE_USERS[name].add(current.rsplit(" ", 1)[0])
        return url
    if os.environ.get("SHOPGRAPH_REQUIRE_REAL_SERVICES") == "1":
        pytest.fail(f"{REAL_URL_VARS[name]} is not set: run the tests with `make test`")
    pytest.skip(f"{REAL_URL_VARS[name]} unset (make test starts {name})")


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


async def create_postgres_database(admin_url: str, name: str) -> str:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop a test database. A non-superuser cannot terminate an autovacuum worker that
    happens to be in it ("must be a member of the role…"), so retry briefly; a database
    that still cannot be dropped is left behind rather than failing the test."""
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(10):
            try:
                async with engine.connect() as conn:
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                await asyncio.sleep(0.2 * (attempt + 1))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database for one test, on each column."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    admin_url = real_service_url("postgres")
    name = unique_name("sgtest")
    url = await create_postgres_database(admin_url, name)
    try:
        yield url
    finally:
        await drop_postgres_database(admin_url, name)


@pytest.fixture(params=["memory", "kafka"])
def bus_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An event bus URL private to the test: in-process, or Kafka under its own namespace."""
    if request.param == "memory":
        yield f"memory://{unique_name('bus')}"
    else:
        from tests.support.columns import private_kafka_url

        yield private_kafka_url()


@pytest.fixture(params=["memory", "redis"])
def kv_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A key-value store URL private to the test: in-process, or Redis under its own
    key namespace."""
    if request.param == "memory":
        yield f"memory://{unique_name('kv')}"
    else:
        from tests.support.columns import private_redis_url

        yield private_redis_url()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The users service's RSA key for a test session: sign test users' tokens with it."""
    return SigningKey.generate()


@pytest.fixture
def topic() -> str:
    """A topic name no other test uses, so Kafka runs stay independent."""
    return unique_name("test_topic")


@pytest.fixture(scope="session", autouse=True)
async def kafka_topics_of_the_run_are_deleted() -> AsyncIterator[None]:
    """Tests on Kafka publish under namespaces of their own; delete their topics at the end."""
    yield
    from tests.support.columns import delete_run_topics, namespaces_used

    kafka_url = os.environ.get(REAL_URL_VARS["kafka"])
    if kafka_url and namespaces_used():
        await delete_run_topics(kafka_url)


@pytest.fixture(scope="session", autouse=True)
async def redis_keys_of_the_run_are_deleted() -> AsyncIterator[None]:
    """Tests on Redis keep keys under namespaces of their own; delete those left at the end."""
    yield
    from tests.support.columns import delete_run_keys

    redis_url = os.environ.get(REAL_URL_VARS["redis"])
    if redis_url and _REAL_SERVICE_USERS["redis"]:
        await delete_run_keys(redis_url)


_REAL_COLUMNS = ("postgres", "kafka", "redis", "elasticsearch")
# The user property that carries a test's real services in its report: under pytest-xdist
# the reports travel from the workers to the process that prints the summary.
_REAL_SERVICES_PROPERTY = "real_services"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Record on the test's call report the real services it asked for by URL."""
    if call.when != "call":
        return
    used = [name for name in _REAL_COLUMNS if item.nodeid in _REAL_SERVICE_USERS[name]]
    if used:
        item.user_properties.append((_REAL_SERVICES_PROPERTY, ",".join(used)))


def _real_services_of(report: pytest.TestReport) -> set[str]:
    parameters = report.nodeid.rsplit("[", 1)[-1] if "[" in report.nodeid else ""
    named = {name for name in _REAL_COLUMNS if name in parameters}
    for key, value in report.user_properties:
        if key == _REAL_SERVICES_PROPERTY:
            named.update(str(value).split(","))
    return named


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many passing tests ran against each real service, so a run that silently
    fell back to the embedded column shows it (all xdist workers' tests together)."""
    passed = terminalreporter.stats.get("passed", [])
    counts = {name: 0 for name in _REAL_COLUMNS}
    for report in passed:
        if report.when != "call":
            continue
        for name in _real_services_of(report):
            counts[name] += 1
    terminalreporter.write_sep("-", "real services exercised")
    for name, count in counts.items():
        url = os.environ.get(REAL_URL_VARS[name], "not configured")
        terminalreporter.write_line(f"{name:>13}: {count} passing tests against {url}")


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` (``make test``) schedules by file, an ``xdist_group`` as one unit
    across files (tests/support/scheduling.py); other modes are xdist's own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.support.scheduling import FileOrGroupScheduling

    return FileOrGroupScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def _plain_tracebacks() -> Iterator[None]:
    """structlog's default console renderer draws each logged exception with rich, locals
    included. A platform under test runs in the test's event loop, and on a loaded machine
    one such drawing stalled that loop for ten seconds: long enough for the platform's
    header deadline (shopgraph/http_deadlines.py) to close the test client's connections
    accepted just before. Plain tracebacks tell the same for a fraction of the CPU."""
    saved = structlog.get_config()
    processors = [
        structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
        if isinstance(processor, structlog.dev.ConsoleRenderer)
        else processor
        for processor in saved["processors"]
    ]
    structlog.configure(processors=processors)
    try:
        yield
    finally:
        structlog.configure(**saved)


@pytest.fixture(scope="session", autouse=True)
def _loggers_never_cached() -> Iterator[None]:
    """``configure_logging`` (called by every CLI entry point a test runs) caches each logger
    on first use, after which ``structlog.testing.capture_logs`` can no longer see it: a test
    asserting on logs would then pass or fail by which tests ran before it."""
    configure = structlog.configure

    def uncached(**settings: Any) -> None:
        configure(**{**settings, "cache_logger_on_first_use": False})

    structlog.configure = uncached  # type: ignore[assignment]
    try:
        yield
    finally:
        structlog.configure = configure
