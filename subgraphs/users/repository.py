"""Data access of the users and roles tables, inside the caller's session.

Refresh-token families and reset tokens are in :mod:`subgraphs.users.sessions`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db import Queryable
from subgraphs.users.models import user_roles, users


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: str
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserPage:
    items: list[UserRecord]
    cursors: list[str]
    has_next_page: bool


_COLUMNS = (
    users.c.id,
    users.c.email,
    users.c.first_name,
    users.c.last_name,
    users.c.created_at,
    users.c.email_normalized,
)


# Built once (an expanding IN): the lookup per checkout neither builds the statement nor
# computes its cache key again.
_USERS_WITH_ROLES = (
    select(*_COLUMNS, user_roles.c.role)
    .select_from(users.outerjoin(user_roles, user_roles.c.user_id == users.c.id))
    .where(users.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(users.c.id, user_roles.c.role)
)


async def roles_of(session: Queryable, user_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(user_roles.c.user_id, user_roles.c.role)
        .where(user_roles.c.user_id.in_(list(user_ids)))
        .order_by(user_roles.c.role)
    )
    found: dict[str, list[str]] = {}
    for user_id, role in rows:
        found.setdefault(user_id, []).append(role)
    return {user_id: tuple(roles) for user_id, roles in found.items()}


def _record(row: Any, roles: dict[str, tuple[str, ...]]) -> UserRecord:
    return UserRecord(
        id=row.id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        roles=roles.get(row.id, ()),
        created_at=row.created_at,
    )


async def users_by_ids(session: Queryable, ids: Sequence[str]) -> dict[str, UserRecord]:
    """Users and their roles in one round trip: a row per (user, role), role NULL for a
    user without any (a lookup per checkout, so one statement rather than two)."""
    if not ids:
        return {}
    rows = (await session.execute(_USERS_WITH_ROLES, {"ids": list(ids)})).all()
    roles: dict[str, list[str]] = {}
    first_rows: dict[str, Any] = {}
    for row in rows:
        first_rows.setdefault(row.id, row)
        held = roles.setdefault(row.id, [])
        if row.role is not None:
            held.append(row.role)
    found = {user_id: tuple(held) for user_id, held in roles.items()}
    return {user_id: _record(row, found) for user_id, row in first_rows.items()}


async def user_by_id(session: Queryable, user_id: str) -> UserRecord | None:
    return (await users_by_ids(session, [user_id])).get(user_id)


async def credentials_by_email(
    session: Queryable, email_normalized: str
) -> tuple[UserRecord, str] | None:
    """The user with that (normalised) address and their password hash."""
    row = (
        await session.execute(
            select(*_COLUMNS, users.c.password_hash).where(
                users.c.email_normalized == email_normalized
            )
        )
    ).first()
    if row is None:
        return None
    roles = await roles_of(session, [row.id])
    return _record(row, roles), row.password_hash


async def password_hash_of(session: AsyncSession, user_id: str) -> str | None:
    value = await session.scalar(select(users.c.password_hash).where(users.c.id == user_id))
    return str(value) if value is not None else None


def encode_cursor(email_normalized: str) -> str:
    return base64.urlsafe_b64encode(f"u1:{email_normalized}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str | None:
    """The position a cursor stands for, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return raw[3:] if raw.startswith("u1:") else None


def _like_pattern(fragment: str) -> str:
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_users(
    session: AsyncSession,
    *,
    first: int,
    after: str | None,
    email_contains: str | None,
    role: str | None,
) -> UserPage:
    """Users ordered by normalised email (unique, so keyset cursors are stable)."""
    query = select(*_COLUMNS).order_by(users.c.email_normalized).limit(first + 1)
    if after is not None:
        query = query.where(users.c.email_normalized > after)
    if email_contains:
        pattern = _like_pattern(email_contains.strip().lower())
        query = query.where(users.c.email_normalized.like(pattern, escape="\\"))
    if role is not None:
        query = query.where(
            exists().where(user_roles.c.user_id == users.c.id, user_roles.c.role == role)
        )
    rows = (await session.execute(query)).all()
    page = rows[:first]
    roles = await roles_of(session, [row.id for row in page])
    return UserPage(
        items=[_record(row, roles) for row in page],
        cursors=[encode_cursor(row.email_normalized) for row in page],
        has_next_page=len(rows) > first,
    )


async def insert_user(
    session: AsyncSession,
    *,
    user_id: str,
    email: str,
    email_normalized: str,
    password_hash: str,
    first_name: str,
    last_name: str,
    now: datetime,
) -> None:
    await session.execute(
        users.insert().values(
            id=user_id,
            email=email,
            email_normalized=email_normalized,
            password_hash=password_hash,
            first_name=first_name,
            last_name=last_name,
            created_at=now,
            updated_at=now,
            password_changed_at=now,
        )
    )


async def add_role(session: AsyncSession, user_id: str, role: str, now: datetime) -> None:
    await session.execute(user_roles.insert().values(user_id=user_id, role=role, granted_at=now))


async def remove_role(session: AsyncSession, user_id: str, role: str) -> None:
    await session.execute(
        delete(user_roles).where(user_roles.c.user_id == user_id, user_roles.c.role == role)
    )


async def rehash_password(session: AsyncSession, user_id: str, password_hash: str) -> None:
    """The same password under new hash parameters (not a password change)."""
    await session.execute(
        update(users).where(users.c.id == user_id).values(password_hash=password_hash)
    )


async def change_password(
    session: AsyncSession, user_id: str, password_hash: str, now: datetime
) -> None:
    await session.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=password_hash, password_changed_at=now, updated_at=now)
    )
