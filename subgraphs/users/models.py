"""The users service's tables (its own database; nobody else reads them).

* ``users`` — one row per account; ``email_normalized`` (stripped, lower-cased) is unique,
  which is what makes concurrent sign-ups with one address in different cases safe.
* ``user_roles`` — (user, role) pairs.
* ``refresh_tokens`` — sha256 of each opaque refresh token, grouped in families (one per
  sign-in); rotation marks a token used, reuse of a used one revokes its family.
* ``password_resets`` — sha256 of one-time reset tokens.
* ``outbox`` / ``inbox`` — the kernel's event tables (:mod:`shopgraph.events.tables`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from shopgraph.db import new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

EMAIL_MAX = 254
NAME_MAX = 100


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = new_metadata()

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(EMAIL_MAX), nullable=False),
    Column("email_normalized", String(EMAIL_MAX), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("first_name", String(NAME_MAX), nullable=False),
    Column("last_name", String(NAME_MAX), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("password_changed_at", UTCDateTime(), nullable=False),
)
Index("uq_users_email_normalized", users.c.email_normalized, unique=True)

user_roles = Table(
    "user_roles",
    metadata,
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("role", String(32), primary_key=True),
    Column("granted_at", UTCDateTime(), nullable=False),
)
Index("ix_user_roles_role", user_roles.c.role)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("family_id", String(36), nullable=False),
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
)
Index("uq_refresh_tokens_token_hash", refresh_tokens.c.token_hash, unique=True)
Index("ix_refresh_tokens_family_id", refresh_tokens.c.family_id)
Index("ix_refresh_tokens_user_id", refresh_tokens.c.user_id)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
)
Index("uq_password_resets_token_hash", password_resets.c.token_hash, unique=True)
Index("ix_password_resets_user_id", password_resets.c.user_id)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
