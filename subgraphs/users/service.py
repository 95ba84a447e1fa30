"""The users domain: sign-up, sign-in, sessions, password changes and resets, roles.

No GraphQL here. Business refusals raise :class:`~shopgraph.errors.DomainError` (the schema
turns them into ``UserError`` entries) and change nothing — except a refresh-token reuse,
whose family revocation is committed before ``TOKEN_REUSED`` is raised.

Events (topic ``users``, aggregate = user id, camelCase payloads, see docs/events.md):
``UserRegistered``, ``PasswordResetRequested`` (carries the reset token: the only way it
leaves this service), ``PasswordChanged``, ``UserRoleGranted``, ``UserRoleRevoked``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.auth.identity_claims import IdentityClaims
from shopgraph.auth.password_policy import check_password_policy
from shopgraph.auth.passwords import PasswordHasher
from shopgraph.auth.principal import Role
from shopgraph.auth.tokens import IssuedToken, TokenIssuer
from shopgraph.db import Database
from shopgraph.errors import DomainError
from shopgraph.events.envelope import Event
from shopgraph.events.outbox import add_to_outbox
from shopgraph.logging import get_logger
from subgraphs.users import repository, sessions
from subgraphs.users.models import outbox
from subgraphs.users.repository import UserPage, UserRecord
from subgraphs.users.sessions import Rotation
from subgraphs.users.throttle import AttemptThrottle, AuthLimits, Charge
from subgraphs.users.validation import normalize_email, validate_email, validate_name

log = get_logger(__name__)

TOPIC: Final = "users"
EMAIL_TAKEN: Final = "EMAIL_TAKEN"
INVALID_CREDENTIALS: Final = "INVALID_CREDENTIALS"
INVALID_TOKEN: Final = "INVALID_TOKEN"
TOKEN_REUSED: Final = "TOKEN_REUSED"
USER_NOT_FOUND: Final = "USER_NOT_FOUND"
CANNOT_REVOKE_OWN_ADMIN: Final = "CANNOT_REVOKE_OWN_ADMIN"
SAME_PASSWORD: Final = "SAME_PASSWORD"

RESET_TTL: Final = timedelta(hours=1)
RESET_COOLDOWN: Final = timedelta(seconds=60)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AuthResult:
    user: UserRecord
    access: IssuedToken
    refresh_token: str
    session_id: str


class UserService:
    def __init__(
        self,
        db: Database,
        issuer: TokenIssuer,
        *,
        hasher: PasswordHasher,
        throttle: AttemptThrottle,
        limits: AuthLimits,
        refresh_ttl: timedelta,
        reset_ttl: timedelta = RESET_TTL,
        clock: Clock = utcnow,
    ) -> None:
        self.db = db
        self.issuer = issuer
        self.hasher = hasher
        self.throttle = throttle
        self.limits = limits
        self.refresh_ttl = refresh_ttl
        self.reset_ttl = reset_ttl
        self._clock = clock

    # -- reads -------------------------------------------------------------------------

    async def get(self, user_id: str) -> UserRecord | None:
        async with self.db.read_connection() as connection:
            return await repository.user_by_id(connection, user_id)

    async def get_many(self, ids: Sequence[str]) -> list[UserRecord | None]:
        """In the order of ``ids`` (for DataLoaders); None where there is no such user."""
        async with self.db.read_connection() as connection:
            found = await repository.users_by_ids(connection, list(dict.fromkeys(ids)))
        return [found.get(user_id) for user_id in ids]

    async def list_users(
        self,
        *,
        first: int,
        after: str | None = None,
        email_contains: str | None = None,
        role: str | None = None,
    ) -> UserPage:
        """``after`` is an opaque cursor; an unknown one raises ``ValueError``."""
        position = None
        if after is not None:
            position = repository.decode_cursor(after)
            if position is None:
                raise ValueError("'after' is not a valid cursor")
        async with self.db.session() as session:
            return await repository.list_users(
                session, first=first, after=position, email_contains=email_contains, role=role
            )

    # -- sign-up and sign-in -----------------------------------------------------------

    async def register(
        self, *, email: str, password: str, first_name: str, last_name: str
    ) -> AuthResult:
        address = validate_email(email)
        first = validate_name(first_name, "firstName", "First name")
        last = validate_name(last_name, "lastName", "Last name")
        check_password_policy(password, address)
        normalized = normalize_email(address)
        async with self.db.session() as session:
            if await repository.credentials_by_email(session, normalized) is not None:
                raise _email_taken()
        password_hash = await self.hasher.hash(password)
        now = self._clock()
        user_id = str(uuid.uuid4())
        try:
            async with self.db.transaction() as session:
                await self._insert_user(
                    session,
                    user_id=user_id,
                    email=address,
                    password_hash=password_hash,
                    first_name=first,
                    last_name=last,
                    roles=(Role.CUSTOMER,),
                    now=now,
                )
                result = await self._start_session(session, user_id, now)
        except IntegrityError:
            # The unique index on email_normalized: a concurrent sign-up won.
            raise _email_taken() from None
        log.info("user_registered", user_id=user_id)
        return result

    async def ensure_customer(
        self, *, user_id: str, email: str, password: str, first_name: str, last_name: str
    ) -> None:
        """Create a customer with a fixed id unless the email exists (demo seed; idempotent)."""
        address = validate_email(email)
        check_password_policy(password, address)
        async with self.db.session() as session:
            if await repository.credentials_by_email(session, normalize_email(address)):
                return
        password_hash = await self.hasher.hash(password)
        try:
            async with self.db.transaction() as session:
                await self._insert_user(
                    session,
                    user_id=user_id,
                    email=address,
                    password_hash=password_hash,
                    first_name=first_name,
                    last_name=last_name,
                    roles=(Role.CUSTOMER,),
                    now=self._clock(),
                )
        except IntegrityError:  # seeded concurrently
            return

    async def login(self, *, email: str, password: str, client: str | None = None) -> AuthResult:
        """Sign in. Each call is one attempt against the account's and the client's
        (``None``: unknown) failure limits; past either, ``TOO_MANY_ATTEMPTS`` even for the
        right password until the window ends. Success resets the account's count."""
        normalized = normalize_email(email)
        account = Charge(self.limits.sign_in_per_account, normalized)
        charges = [account]
        if client is not None:
            charges.append(Charge(self.limits.sign_in_per_client, client))
        await self.throttle.charge(*charges)
        async with self.db.read_connection() as connection:
            found = await repository.credentials_by_email(connection, normalized)
        stored = found[1] if found is not None else None
        # Verifies against a decoy hash when there is no such user: same time, same answer.
        if not await self.hasher.verify(stored, password) or found is None:
            raise DomainError(INVALID_CREDENTIALS, "Email or password is incorrect")
        await self.throttle.reset(account)
        for charge in charges[1:]:
            await self.throttle.refund(charge)
        user, stored_hash = found
        new_hash = None
        if self.hasher.needs_rehash(stored_hash):
            new_hash = await self.hasher.hash(password)
        now = self._clock()
        async with self.db.transaction() as session:
            if new_hash is not None:
                await repository.rehash_password(session, user.id, new_hash)
            return await self._start_session(session, user.id, now)

    async def refresh(self, refresh_token: str, client: str | None = None) -> AuthResult:
        """Rotate a refresh token. A client's failed refreshes are limited (``None``: not)."""
        charge = None
        if client is not None:
            charge = Charge(self.limits.refresh_per_client, client)
            await self.throttle.charge(charge, field="refreshToken")
        now = self._clock()
        result = None
        async with self.db.transaction() as session:
            rotation = await sessions.consume_refresh_token(session, refresh_token, now)
            if rotation.outcome is Rotation.ROTATED:
                assert rotation.user_id is not None and rotation.family_id is not None
                result = await self._continue_session(
                    session, rotation.user_id, rotation.family_id, now
                )
        if result is not None:
            if charge is not None:
                await self.throttle.refund(charge)
            return result
        # Not rotated: the transaction committed only a possible family revocation.
        if rotation.outcome is Rotation.REUSED:
            log.warning(
                "refresh_token_reused", user_id=rotation.user_id, family_id=rotation.family_id
            )
            raise DomainError(
                TOKEN_REUSED,
                "This refresh token was already used; the session has been revoked for "
                "safety. Sign in again.",
                "refreshToken",
            )
        message = {
            Rotation.EXPIRED: "Refresh token expired; sign in again",
            Rotation.REVOKED: "Refresh token was revoked; sign in again",
        }.get(rotation.outcome, "Refresh token is not valid")
        raise DomainError(INVALID_TOKEN, message, "refreshToken")

    async def logout(self, refresh_token: str) -> None:
        """Revoke the session (family) ``refresh_token`` belongs to; idempotent."""
        now = self._clock()
        async with self.db.transaction() as session:
            family = await sessions.family_of(session, refresh_token)
            if family is None:
                raise DomainError(INVALID_TOKEN, "Refresh token is not valid", "refreshToken")
            await sessions.revoke_family(session, family, now)

    # -- passwords ---------------------------------------------------------------------

    async def change_password(
        self,
        *,
        user_id: str,
        current_password: str,
        new_password: str,
        keep_session: str | None,
    ) -> UserRecord:
        """Change the password; every other session (refresh family) is revoked."""
        async with self.db.session() as session:
            user = await repository.user_by_id(session, user_id)
            stored = await repository.password_hash_of(session, user_id)
        if user is None or stored is None:
            raise DomainError(USER_NOT_FOUND, "Your account no longer exists")
        if not await self.hasher.verify(stored, current_password):
            raise DomainError(
                INVALID_CREDENTIALS, "Current password is incorrect", "currentPassword"
            )
        if new_password == current_password:
            raise DomainError(
                SAME_PASSWORD, "New password must differ from the current one", "newPassword"
            )
        check_password_policy(new_password, user.email, field="newPassword")
        new_hash = await self.hasher.hash(new_password)
        now = self._clock()
        async with self.db.transaction() as session:
            await self._set_password(session, user, new_hash, now, keep_family=keep_session)
        return user

    async def request_password_reset(self, email: str, client: str | None = None) -> None:
        """Send a reset token (through the outbox) if the account exists. The caller answers
        the same either way, so nobody learns which addresses have accounts. Requests are
        limited per address (existing or not) and per client (``None``: unknown)."""
        address = validate_email(email)
        charges = [Charge(self.limits.reset_per_account, normalize_email(address))]
        if client is not None:
            charges.append(Charge(self.limits.reset_per_client, client))
        await self.throttle.charge(*charges, field="email")
        now = self._clock()
        async with self.db.transaction() as session:
            found = await repository.credentials_by_email(session, normalize_email(address))
            if found is None:
                log.info("password_reset_unknown_email")
                return
            user = found[0]
            if await sessions.recent_reset_exists(session, user.id, now - RESET_COOLDOWN, now):
                log.info("password_reset_throttled", user_id=user.id)
                return
            issued = await sessions.issue_reset_token(
                session, user_id=user.id, now=now, ttl=self.reset_ttl
            )
            await self._emit(
                session,
                "PasswordResetRequested",
                user.id,
                {
                    "userId": user.id,
                    "email": user.email,
                    "firstName": user.first_name,
                    "token": issued.token,
                    "expiresAt": issued.expires_at.isoformat(),
                },
            )

    async def reset_password(self, *, token: str, new_password: str) -> UserRecord:
        now = self._clock()
        async with self.db.session() as session:
            owner = await sessions.reset_token_owner(session, token, now)
            user = await repository.user_by_id(session, owner) if owner else None
        if user is None:
            raise DomainError(INVALID_TOKEN, "Reset link is invalid or has expired", "token")
        check_password_policy(new_password, user.email, field="newPassword")
        new_hash = await self.hasher.hash(new_password)
        async with self.db.transaction() as session:
            if not await sessions.use_reset_token(session, token, self._clock()):
                raise DomainError(INVALID_TOKEN, "Reset link is invalid or has expired", "token")
            await sessions.void_reset_tokens(session, user.id, now)
            await self._set_password(session, user, new_hash, now, keep_family=None)
        return user

    # -- roles -------------------------------------------------------------------------

    async def grant_role(self, *, actor_id: str, user_id: str, role: Role) -> UserRecord:
        now = self._clock()
        try:
            async with self.db.transaction() as session:
                user = await self._require_user(session, user_id)
                if role in user.roles:
                    return user
                await repository.add_role(session, user_id, role.value, now)
                await self._emit(
                    session,
                    "UserRoleGranted",
                    user_id,
                    {"userId": user_id, "role": role.value, "by": actor_id},
                )
        except IntegrityError:
            pass  # granted concurrently: the outcome is the same
        return await self._fresh(user_id)

    async def revoke_role(self, *, actor_id: str, user_id: str, role: Role) -> UserRecord:
        if actor_id == user_id and role is Role.ADMIN:
            raise DomainError(
                CANNOT_REVOKE_OWN_ADMIN, "You cannot revoke your own ADMIN role", "role"
            )
        now = self._clock()
        async with self.db.transaction() as session:
            user = await self._require_user(session, user_id)
            if role not in user.roles:
                return user
            await repository.remove_role(session, user_id, role.value)
            # Sessions are re-issued without the role: it stops at the next access token.
            await sessions.revoke_user_families(session, user_id, now)
            await self._emit(
                session,
                "UserRoleRevoked",
                user_id,
                {"userId": user_id, "role": role.value, "by": actor_id},
            )
        return await self._fresh(user_id)

    # -- admin seeding -----------------------------------------------------------------

    async def ensure_admin(
        self,
        *,
        email: str,
        password: str,
        first_name: str = "Admin",
        last_name: str = "ShopGraph",
    ) -> UserRecord:
        """Create the staff admin or bring it up to date (password, roles); idempotent."""
        address = validate_email(email)
        check_password_policy(password, address)
        normalized = normalize_email(address)
        async with self.db.session() as session:
            found = await repository.credentials_by_email(session, normalized)
        now = self._clock()
        wanted = (Role.STAFF, Role.ADMIN)
        if found is None:
            user_id = str(uuid.uuid4())
            password_hash = await self.hasher.hash(password)
            try:
                async with self.db.transaction() as session:
                    await self._insert_user(
                        session,
                        user_id=user_id,
                        email=address,
                        password_hash=password_hash,
                        first_name=first_name,
                        last_name=last_name,
                        roles=wanted,
                        now=now,
                    )
                return await self._fresh(user_id)
            except IntegrityError:  # created concurrently: update it below
                async with self.db.session() as session:
                    found = await repository.credentials_by_email(session, normalized)
                assert found is not None
        user, stored = found
        new_hash = None
        if not await self.hasher.verify(stored, password) or self.hasher.needs_rehash(stored):
            new_hash = await self.hasher.hash(password)
        async with self.db.transaction() as session:
            if new_hash is not None:
                await self._set_password(session, user, new_hash, now, keep_family=None)
            for role in wanted:
                if role not in user.roles:
                    await repository.add_role(session, user.id, role.value, now)
        return await self._fresh(user.id)

    # -- helpers -----------------------------------------------------------------------

    async def _insert_user(
        self,
        session: AsyncSession,
        *,
        user_id: str,
        email: str,
        password_hash: str,
        first_name: str,
        last_name: str,
        roles: Sequence[Role],
        now: datetime,
    ) -> None:
        await repository.insert_user(
            session,
            user_id=user_id,
            email=email,
            email_normalized=normalize_email(email),
            password_hash=password_hash,
            first_name=first_name,
            last_name=last_name,
            now=now,
        )
        for role in roles:
            await repository.add_role(session, user_id, role.value, now)
        await self._emit(
            session,
            "UserRegistered",
            user_id,
            {
                "userId": user_id,
                "email": email,
                "firstName": first_name,
                "lastName": last_name,
                "roles": [role.value for role in roles],
            },
        )

    async def _set_password(
        self,
        session: AsyncSession,
        user: UserRecord,
        new_hash: str,
        now: datetime,
        *,
        keep_family: str | None,
    ) -> None:
        await repository.change_password(session, user.id, new_hash, now)
        await sessions.revoke_user_families(session, user.id, now, keep_family=keep_family)
        await self._emit(
            session,
            "PasswordChanged",
            user.id,
            {"userId": user.id, "email": user.email, "firstName": user.first_name},
        )

    async def _start_session(
        self, session: AsyncSession, user_id: str, now: datetime
    ) -> AuthResult:
        refresh = await sessions.issue_refresh_token(
            session, user_id=user_id, now=now, ttl=self.refresh_ttl
        )
        return await self._tokens_for(session, user_id, refresh)

    async def _continue_session(
        self, session: AsyncSession, user_id: str, family_id: str, now: datetime
    ) -> AuthResult:
        refresh = await sessions.issue_refresh_token(
            session, user_id=user_id, now=now, ttl=self.refresh_ttl, family_id=family_id
        )
        return await self._tokens_for(session, user_id, refresh)

    async def _tokens_for(
        self, session: AsyncSession, user_id: str, refresh: sessions.NewRefreshToken
    ) -> AuthResult:
        user = await repository.user_by_id(session, user_id)
        if user is None:
            raise DomainError(INVALID_TOKEN, "The account no longer exists")
        access = self.issuer.access_token(
            subject=user.id,
            roles=user.roles,
            session_id=refresh.family_id,
            identity=IdentityClaims(user.email, user.first_name, user.last_name),
        )
        return AuthResult(user, access, refresh.token, refresh.family_id)

    async def _require_user(self, session: AsyncSession, user_id: str) -> UserRecord:
        user = await repository.user_by_id(session, user_id)
        if user is None:
            raise DomainError(USER_NOT_FOUND, "No user with this id", "userId")
        return user

    async def _fresh(self, user_id: str) -> UserRecord:
        user = await self.get(user_id)
        if user is None:
            raise DomainError(USER_NOT_FOUND, "No user with this id", "userId")
        return user

    async def _emit(
        self, session: AsyncSession, type_: str, user_id: str, payload: dict[str, Any]
    ) -> None:
        await add_to_outbox(session, outbox, TOPIC, Event.new(type_, user_id, payload))


def _email_taken() -> DomainError:
    return DomainError(EMAIL_TAKEN, "An account with this email already exists", "email")
