"""Refresh tokens and password-reset tokens: opaque random strings stored as sha256.

A *family* is one sign-in. Each refresh marks the presented token used and issues its
successor in the same family. Presenting a used token again means it was copied: the whole
family is revoked (OAuth 2.0 Security BCP §4.14, refresh token rotation).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.models import password_resets, refresh_tokens


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


@dataclass(frozen=True, slots=True)
class NewRefreshToken:
    token: str
    family_id: str
    expires_at: datetime


async def issue_refresh_token(
    session: AsyncSession,
    *,
    user_id: str,
    now: datetime,
    ttl: timedelta,
    family_id: str | None = None,
) -> NewRefreshToken:
    """Store a new refresh token (a new family unless ``family_id`` is given)."""
    token = new_secret()
    family = family_id or str(uuid.uuid4())
    await session.execute(
        refresh_tokens.insert().values(
            id=str(uuid.uuid4()),
            token_hash=token_hash(token),
            family_id=family,
            user_id=user_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return NewRefreshToken(token, family, now + ttl)


class Rotation(Enum):
    ROTATED = "rotated"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    REUSED = "reused"


@dataclass(frozen=True, slots=True)
class RotationResult:
    outcome: Rotation
    user_id: str | None = None
    family_id: str | None = None


async def consume_refresh_token(session: AsyncSession, token: str, now: datetime) -> RotationResult:
    """Mark ``token`` used if it is live. On reuse the family is revoked (the caller must
    commit that, then report the reuse)."""
    row = (
        await session.execute(
            select(
                refresh_tokens.c.id,
                refresh_tokens.c.user_id,
                refresh_tokens.c.family_id,
                refresh_tokens.c.expires_at,
                refresh_tokens.c.used_at,
                refresh_tokens.c.revoked_at,
            ).where(refresh_tokens.c.token_hash == token_hash(token))
        )
    ).first()
    if row is None:
        return RotationResult(Rotation.UNKNOWN)
    if row.used_at is not None:  # presented again after rotation: it was copied
        await revoke_family(session, row.family_id, now)
        return RotationResult(Rotation.REUSED, row.user_id, row.family_id)
    if row.revoked_at is not None:
        return RotationResult(Rotation.REVOKED, row.user_id, row.family_id)
    if row.expires_at <= now:
        return RotationResult(Rotation.EXPIRED, row.user_id, row.family_id)
    # Conditional update: of two concurrent refreshes with one token exactly one wins.
    claimed = await session.execute(
        update(refresh_tokens)
        .where(
            refresh_tokens.c.id == row.id,
            refresh_tokens.c.used_at.is_(None),
            refresh_tokens.c.revoked_at.is_(None),
        )
        .values(used_at=now)
    )
    if _rowcount(claimed) == 1:
        return RotationResult(Rotation.ROTATED, row.user_id, row.family_id)
    await revoke_family(session, row.family_id, now)
    return RotationResult(Rotation.REUSED, row.user_id, row.family_id)


async def family_of(session: AsyncSession, token: str) -> str | None:
    family = await session.scalar(
        select(refresh_tokens.c.family_id).where(refresh_tokens.c.token_hash == token_hash(token))
    )
    return None if family is None else str(family)


async def revoke_family(session: AsyncSession, family_id: str, now: datetime) -> int:
    result = await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return _rowcount(result)


async def revoke_user_families(
    session: AsyncSession, user_id: str, now: datetime, *, keep_family: str | None = None
) -> int:
    """Revoke every refresh token of ``user_id`` (except those of ``keep_family``)."""
    query = update(refresh_tokens).where(
        refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
    )
    if keep_family is not None:
        query = query.where(refresh_tokens.c.family_id != keep_family)
    return _rowcount(await session.execute(query.values(revoked_at=now)))


async def issue_reset_token(
    session: AsyncSession, *, user_id: str, now: datetime, ttl: timedelta
) -> NewRefreshToken:
    token = new_secret()
    await session.execute(
        password_resets.insert().values(
            id=str(uuid.uuid4()),
            token_hash=token_hash(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return NewRefreshToken(token, "", now + ttl)


async def recent_reset_exists(
    session: AsyncSession, user_id: str, since: datetime, now: datetime
) -> bool:
    found = await session.scalar(
        select(password_resets.c.id)
        .where(
            password_resets.c.user_id == user_id,
            password_resets.c.created_at > since,
            password_resets.c.used_at.is_(None),
            password_resets.c.expires_at > now,
        )
        .limit(1)
    )
    return found is not None


async def reset_token_owner(session: AsyncSession, token: str, now: datetime) -> str | None:
    """The user a live (unused, unexpired) reset token belongs to."""
    row = (
        await session.execute(
            select(password_resets.c.user_id).where(
                password_resets.c.token_hash == token_hash(token),
                password_resets.c.used_at.is_(None),
                password_resets.c.expires_at > now,
            )
        )
    ).first()
    return None if row is None else str(row.user_id)


async def use_reset_token(session: AsyncSession, token: str, now: datetime) -> bool:
    """Mark a live reset token used; False if it was used (or expired) meanwhile."""
    result = await session.execute(
        update(password_resets)
        .where(
            password_resets.c.token_hash == token_hash(token),
            password_resets.c.used_at.is_(None),
            password_resets.c.expires_at > now,
        )
        .values(used_at=now)
    )
    return _rowcount(result) == 1


async def void_reset_tokens(session: AsyncSession, user_id: str, now: datetime) -> None:
    await session.execute(
        update(password_resets)
        .where(password_resets.c.user_id == user_id, password_resets.c.used_at.is_(None))
        .values(used_at=now)
    )
