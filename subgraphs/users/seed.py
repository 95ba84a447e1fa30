"""Seeding the staff admin (``shopgraph seed`` / ``create-admin`` / ``make dev``).

The credentials come from ``SHOPGRAPH_ADMIN_EMAIL`` / ``SHOPGRAPH_ADMIN_PASSWORD`` (the README
states the dev-only defaults). Running it again updates the password and roles: idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from shopgraph.auth.keys import load_signing_key
from shopgraph.auth.passwords import PasswordHasher
from shopgraph.auth.tokens import TokenIssuer
from shopgraph.db import Database
from shopgraph.demo_catalog import REVIEWER_PASSWORD, REVIEWERS, reviewer_id
from shopgraph.errors import DomainError
from shopgraph.kv import InMemoryKeyValueStore
from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from subgraphs.users.repository import UserRecord
from subgraphs.users.service import UserService
from subgraphs.users.throttle import AttemptThrottle, AuthLimits

log = get_logger(__name__)


@contextmanager
def _seeding_service(settings: Settings, db: Database) -> Iterator[UserService]:
    """A users service for seeding: it hashes like the app does and signs nobody in, so
    its throttle counts nothing worth sharing (a private in-process store)."""
    hasher = PasswordHasher.from_settings(settings)
    try:
        yield UserService(
            db,
            TokenIssuer.from_settings(settings, load_signing_key(settings)),
            hasher=hasher,
            throttle=AttemptThrottle(InMemoryKeyValueStore()),
            limits=AuthLimits.from_settings(settings),
            refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    finally:
        hasher.close()


async def seed_admin(settings: Settings, db: Database) -> UserRecord:
    """Create or update the admin; a bad email or weak password raises ``ValueError``."""
    default_password = Settings.model_fields["admin_password"].default
    if settings.is_production and settings.admin_password == default_password:
        raise ValueError(
            "SHOPGRAPH_ADMIN_PASSWORD: the dev-only default cannot be used in production"
        )
    try:
        with _seeding_service(settings, db) as service:
            admin = await service.ensure_admin(
                email=settings.admin_email, password=settings.admin_password
            )
    except DomainError as exc:
        variable = (
            "SHOPGRAPH_ADMIN_PASSWORD" if exc.field == "password" else "SHOPGRAPH_ADMIN_EMAIL"
        )
        raise ValueError(f"{variable}: {exc.message}") from None
    log.info("admin_ready", user_id=admin.id, email=admin.email)
    return admin


async def seed_demo_customers(settings: Settings, db: Database) -> None:
    """The demo reviewers, with the ids the reviews seed refers to."""
    with _seeding_service(settings, db) as service:
        for email, first_name, last_name in REVIEWERS:
            await service.ensure_customer(
                user_id=reviewer_id(email),
                email=email,
                password=REVIEWER_PASSWORD,
                first_name=first_name,
                last_name=last_name,
            )


async def seed(settings: Settings) -> None:
    """The users part of ``shopgraph seed``: the staff admin and, outside production, the
    demo customers who wrote the demo reviews."""
    db = Database(settings.database_url_for("users"), pool_size=2)
    try:
        await seed_admin(settings, db)
        if not settings.is_production:
            await seed_demo_customers(settings, db)
    finally:
        await db.dispose()
