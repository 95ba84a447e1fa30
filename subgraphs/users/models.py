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

from sqlalchemy import Column, ForeignKey, Index, String, Table

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table, outbox_table

EMAIL_MAX = 254
NAME_MAX = 100


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
