"""Logins: starting, checking, rotating and ending them.

A login is a `Token` row. Access tokens name it (`sid`), so every authenticated request
checks the row, on whichever worker or host it lands (a read may take it from the worker's
cache of logins, backend/auth/login_cache.py, under the same guarantee): a block, a
revocation, a deactivation or a role change takes effect on the next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.queryset import QuerySet

from backend import clock, metrics
from backend.auth import throttle
from backend.auth.models import Token, UserMfa
from backend.auth.passwords import PasswordHasher
from backend.auth.policy import password_problems
from backend.auth.throttle import ThrottlePolicy
from backend.auth.tokens import (
    PASSWORD,
    Claims,
    ExpiredToken,
    InvalidToken,
    IssuedToken,
    TokenService,
    TokenType,
)
from backend.clock import LAST_USED_RESOLUTION
from backend.errors import Throttled, Unauthorized, ValidationFailed
from backend.proxy import MAX_IP_LENGTH, MAX_USER_AGENT_LENGTH
from backend.transactions import atomic
from backend.users.models import User

BAD_CREDENTIALS = "Invalid username or password"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user behind a live login, with their roles as of this request."""

    user_id: int
    username: str
    roles: frozenset[str]
    login_id: uuid.UUID | None  # None for an API key
    password_change_required: bool
    api_key_id: uuid.UUID | None = None
    api_key_name: str | None = None


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str

    def bounded(self) -> Client:
        return Client(self.ip[:MAX_IP_LENGTH], self.user_agent[:MAX_USER_AGENT_LENGTH])


@dataclass(frozen=True)
class Session:
    """What a login or a refresh hands out."""

    access: IssuedToken
    refresh: IssuedToken
    password_change_required: bool
    user_id: int


@dataclass(frozen=True)
class SecondFactorNeeded:
    """The password was right, and the user has two-factor on: the login waits for a code
    (backend.auth.mfa)."""

    user_id: int


def token_error(error: InvalidToken) -> Unauthorized:
    code = "token_expired" if isinstance(error, ExpiredToken) else "token_invalid"
    return Unauthorized(
        str(error),
        code=code,
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{error}"'},
    )


def _throttled(seconds: int) -> Throttled:
    return Throttled("Too many failed attempts; try again later", retry_after=seconds)


def _issue(
    *, tokens: TokenService, user_id: int, login_id: uuid.UUID, now: datetime, amr: tuple[str, ...]
) -> tuple[IssuedToken, IssuedToken]:
    access = tokens.issue(user_id=user_id, login_id=login_id, kind="access", now=now, amr=amr)
    refresh = tokens.issue(user_id=user_id, login_id=login_id, kind="refresh", now=now, amr=amr)
    return access, refresh


class BadCredentials(Unauthorized):
    """A failed password check, with how many addresses have failed for the username lately."""

    def __init__(self, *, addresses_guessing: int) -> None:
        super().__init__(BAD_CREDENTIALS, code="invalid_credentials")
        self.addresses_guessing = addresses_guessing


async def login(
    *,
    username: str,
    password: str,
    client: Client,
    hasher: PasswordHasher,
    tokens: TokenService,
    policy: ThrottlePolicy,
    now: datetime,
) -> Session | SecondFactorNeeded:
    """Check the credentials with exactly one password hash, whether or not the user exists."""
    key = username.casefold()
    client = client.bounded()
    attempt = throttle.Attempt(username_key=key, ip=client.ip)
    if wait := await throttle.reserve(attempt, now=now, policy=policy):
        raise _throttled(wait)
    user = await User.get_or_none(username_key=key) if len(key) <= 64 else None
    matches = await hasher.verify(password, user.password_hash if user else None)
    if user is None or not matches or not user.is_active:
        await throttle.record_failure(attempt, now=now, policy=policy)
        guessing = await throttle.addresses_guessing(key, now=now, policy=policy)
        raise BadCredentials(addresses_guessing=guessing)
    # A hash imported from the Flask template is replaced by ours, hashed before the transaction.
    upgraded = await hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
    # One transaction, not several: on SQLite each write takes the database's only write lock, and
    # the access log's commits would queue behind every one of them.
    if await UserMfa.exists(user_id=user.id, confirmed_at__not_isnull=True):
        async with atomic():  # the login is not done: the places are given back, the count stays
            await throttle.record_success(attempt, final=False)
            await _upgrade_hash(user, upgraded)
        return SecondFactorNeeded(user_id=user.id)
    async with atomic():
        await throttle.record_success(attempt)
        session = await open_session(user=user, client=client, tokens=tokens, now=now, amr=PASSWORD)
        await _upgrade_hash(user, upgraded)
    return session


async def _upgrade_hash(user: User, upgraded: str | None) -> None:
    if upgraded is not None:  # unless the password changed meanwhile
        await User.filter(id=user.id, password_hash=user.password_hash).update(password_hash=upgraded)


async def open_session(
    *, user: User, client: Client, tokens: TokenService, now: datetime, amr: tuple[str, ...]
) -> Session:
    """Start a login for a user whose credentials passed (in the caller's transaction)."""
    client = client.bounded()
    login_id = uuid.uuid4()
    access, refresh = _issue(tokens=tokens, user_id=user.id, login_id=login_id, now=now, amr=amr)
    await Token.create(
        id=login_id,
        user_id=user.id,
        refresh_jti=refresh.jti,
        expires_at=refresh.expires_at,
        last_used_at=now,
        ip=client.ip,
        user_agent=client.user_agent,
    )
    await User.filter(id=user.id).update(last_login_at=now)
    return Session(access, refresh, user.password_change_required, user.id)


# Every authenticated request runs this one statement, so it is written out: built by the ORM
# (joins through the role table, values() conversion) it cost about 1 ms a call, 7x the query.
LIVE_LOGIN_SQL = """
SELECT t.user_id, t.refresh_jti, t.blocked, t.revoked_at, t.expires_at, t.last_used_at, t.ip, t.user_agent,
       u.username, u.is_active, u.password_change_required, r.name AS role,
       (SELECT e.epoch FROM auth_epoch e WHERE e.id = 1) AS epoch
FROM token t
JOIN "user" u ON u.id = t.user_id
LEFT JOIN user_role ur ON ur.user_id = u.id
LEFT JOIN role r ON r.id = ur.role_id
WHERE t.id = {login_id}
"""
LIVE_LOGIN_BY_DIALECT = {
    "postgres": LIVE_LOGIN_SQL.format(login_id="$1"),
    "sqlite": LIVE_LOGIN_SQL.format(login_id="?"),
}
LIVE_LOGIN_DATETIMES = ("revoked_at", "expires_at", "last_used_at")
LIVE_LOGIN_BOOLEANS = ("blocked", "is_active", "password_change_required")


async def _live_login_row(login_id: uuid.UUID) -> list[dict[str, Any]]:
    """The login, its user and the user's roles, in one round trip (a row per role), with the
    auth_epoch of the same snapshot (backend/auth/login_cache.py)."""
    connection = connections.get("default")
    rows: list[dict[str, Any]]
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(LIVE_LOGIN_BY_DIALECT["postgres"], [login_id])
    else:
        rows = await connection.execute_query_dict(LIVE_LOGIN_BY_DIALECT["sqlite"], [str(login_id)])
    for row in rows:
        for column in LIVE_LOGIN_DATETIMES:
            row[column] = clock.aware(row[column])
        for column in LIVE_LOGIN_BOOLEANS:
            row[column] = bool(row[column])
    return rows


def _refuse_dead_login(row: dict[str, Any], claims: Claims, now: datetime) -> None:
    if row["user_id"] != claims.user_id or not row["is_active"]:
        raise Unauthorized("Invalid token", code="token_invalid")
    if row["revoked_at"] is not None:
        raise Unauthorized("This login has been revoked", code="token_revoked")
    if row["blocked"]:
        raise Unauthorized("This login has been blocked", code="token_blocked")
    if row["expires_at"] <= now:
        raise Unauthorized("Token has expired", code="token_expired")


def decode(token: str, *, kind: TokenType, tokens: TokenService) -> Claims:
    """The token's claims, or 401."""
    try:
        return tokens.decode(token, expected=kind)
    except InvalidToken as error:
        raise token_error(error) from None


async def _live_login(
    token: str, *, kind: TokenType, tokens: TokenService, now: datetime
) -> tuple[Claims, list[dict[str, Any]]]:
    """The token's claims and its login's rows, or 401 for a bad token or a dead login."""
    claims = decode(token, kind=kind, tokens=tokens)
    return claims, await _live_rows(claims, now=now)


async def _live_rows(claims: Claims, *, now: datetime) -> list[dict[str, Any]]:
    rows = await _live_login_row(claims.login_id)
    if not rows:
        raise Unauthorized("This login no longer exists", code="token_revoked")
    _refuse_dead_login(rows[0], claims, now)
    return rows


@dataclass(frozen=True)
class LiveLogin:
    """A login found live, as of `epoch` (None: no auth_epoch row), with what decides whether a
    later request must look at it again (backend/auth/login_cache.py)."""

    principal: Principal
    epoch: int | None
    expires_at: datetime
    last_used_at: datetime
    ip: str


def needs_touch(*, last_used_at: datetime | None, ip: str, client: Client, now: datetime) -> bool:
    """Whether the login's `last_used_at` and address are to be written for this request."""
    return last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION or ip != client.ip


async def check_login(claims: Claims, *, client: Client, now: datetime) -> LiveLogin:
    """The access token's login, read from the database: 401 when it is dead."""
    rows = await _live_rows(claims, now=now)
    row = rows[0]
    client = client.bounded()
    last_used, ip = row["last_used_at"], row["ip"]
    if needs_touch(last_used_at=last_used, ip=ip, client=client, now=now):
        await Token.filter(id=claims.login_id).update(
            last_used_at=now, ip=client.ip, user_agent=client.user_agent
        )
        last_used, ip = now, client.ip
    principal = Principal(
        user_id=row["user_id"],
        username=row["username"],
        roles=frozenset(r["role"] for r in rows if r["role"] is not None),
        login_id=claims.login_id,
        password_change_required=row["password_change_required"],
    )
    return LiveLogin(principal, row["epoch"], row["expires_at"], last_used, ip)


async def refresh(
    *, refresh_token: str, tokens: TokenService, client: Client, now: datetime, reuse_grace: timedelta
) -> Session:
    """Rotate the login's refresh secret. Of concurrent refreshes with one token exactly one wins;
    an older secret presented again means the token was stolen, and the whole login ends."""
    claims, rows = await _live_login(refresh_token, kind="refresh", tokens=tokens, now=now)
    client = client.bounded()
    access, renewed = _issue(
        tokens=tokens, user_id=claims.user_id, login_id=claims.login_id, now=now, amr=claims.amr
    )
    rotated = await Token.filter(
        id=claims.login_id, refresh_jti=claims.jti, revoked_at=None, blocked=False
    ).update(
        refresh_jti=renewed.jti,
        previous_refresh_jti=claims.jti,
        rotated_at=now,
        expires_at=renewed.expires_at,
        last_used_at=now,
        ip=client.ip,
        user_agent=client.user_agent,
    )
    if rotated == 1:
        metrics.token_refreshed()
        return Session(access, renewed, rows[0]["password_change_required"], claims.user_id)
    await _refuse_replay(claims, now=now, reuse_grace=reuse_grace)
    raise Unauthorized("This login has been revoked", code="token_revoked")


async def access_for_refresh_token(*, refresh_token: str, tokens: TokenService, now: datetime) -> IssuedToken:
    """A new access token for a live login's current refresh token, which stays as it is (the Flask
    template's refresh, without rotation). A token that a rotation replaced is refused."""
    claims, rows = await _live_login(refresh_token, kind="refresh", tokens=tokens, now=now)
    if rows[0]["refresh_jti"] != claims.jti:
        raise Unauthorized("This login has been revoked", code="token_revoked")
    metrics.token_refreshed()
    return tokens.issue(
        user_id=claims.user_id, login_id=claims.login_id, kind="access", now=now, amr=claims.amr
    )


async def _refuse_replay(claims: Claims, *, now: datetime, reuse_grace: timedelta) -> None:
    login = await Token.get_or_none(id=claims.login_id)
    if login is None or login.revoked_at is not None or login.blocked:
        return
    if (
        login.previous_refresh_jti == claims.jti
        and login.rotated_at is not None
        and now - login.rotated_at <= reuse_grace
    ):
        raise Unauthorized(
            "This refresh token was just used; use the newer one", code="refresh_token_rotated"
        )
    await revoke_login(login_id=claims.login_id, reason="reuse", now=now)
    raise Unauthorized(
        "This refresh token was already used; the login has been revoked", code="refresh_token_reused"
    )


async def login_of_token(token: str, *, tokens: TokenService) -> Claims:
    """The claims of an access or a refresh token, whichever it is (for logout)."""
    try:
        return tokens.decode(token, expected="access")
    except ExpiredToken as error:
        raise token_error(error) from None
    except InvalidToken:
        try:
            return tokens.decode(token, expected="refresh")
        except InvalidToken as error:
            raise token_error(error) from None


async def revoke_login(
    *, login_id: uuid.UUID, reason: str, user_id: int | None = None, now: datetime | None = None
) -> bool:
    """End one live login (of `user_id`, when given); answer whether one was ended."""
    query = Token.filter(id=login_id, revoked_at=None)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    ended = await query.update(revoked_at=now or clock.utcnow(), revoked_reason=reason)
    return metrics.tokens_revoked(ended, reason) > 0


def logins_of(user_id: int) -> QuerySet[Token]:
    return Token.filter(user_id=user_id)


async def set_login_blocked(*, login_id: uuid.UUID, blocked: bool) -> Token | None:
    """Block or unblock one login; answer it (with its user), or None when there is no such login."""
    login = await Token.get_or_none(id=login_id).select_related("user")
    if login is not None:
        login.blocked = blocked
        await login.save(update_fields=["blocked"])
    return login


async def revoke_user_logins(
    *, user_id: int, reason: str, now: datetime | None = None, keep: uuid.UUID | None = None
) -> int:
    """End every live login of a user (but `keep`); answer how many were ended."""
    query = Token.filter(user_id=user_id, revoked_at=None)
    if keep is not None:
        query = query.exclude(id=keep)
    ended = await query.update(revoked_at=now or clock.utcnow(), revoked_reason=reason)
    return metrics.tokens_revoked(ended, reason)


def check_password_policy(password: str, *, username: str, min_length: int, field: str) -> None:
    if problems := password_problems(password, username=username, min_length=min_length):
        raise ValidationFailed(
            problems[0],
            errors=[
                {"loc": ["body", field], "msg": problem, "type": "password_policy"} for problem in problems
            ],
        )


async def change_password(
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
    client: Client,
    hasher: PasswordHasher,
    policy: ThrottlePolicy,
    min_length: int,
    now: datetime,
) -> None:
    """Change the caller's password; every other login of theirs ends."""
    user = await User.get(id=principal.user_id)
    attempt = throttle.Attempt(username_key=user.username_key, ip=client.bounded().ip)
    if wait := await throttle.reserve(attempt, now=now, policy=policy):
        raise _throttled(wait)
    await check_current_password(
        user,
        current_password,
        attempt=attempt,
        hasher=hasher,
        policy=policy,
        now=now,
        field="current_password",
    )
    await throttle.record_success(attempt)
    await replace_password(
        user=user,
        password=new_password,
        hasher=hasher,
        password_change_required=False,
        policy=PasswordPolicyCheck(min_length=min_length, field="new_password"),
        keep=principal.login_id,
        now=now,
    )


async def check_current_password(
    user: User,
    password: str,
    *,
    attempt: throttle.Attempt,
    hasher: PasswordHasher,
    policy: ThrottlePolicy,
    now: datetime,
    field: str,
) -> None:
    """A signed-in user confirming their password (its throttling place reserved): a wrong one is a
    failed login, and 422 `current_password_invalid` on `field` (not 401, which reads as a lost session)."""
    if not await hasher.verify(password, user.password_hash):
        await throttle.record_failure(attempt, now=now, policy=policy)
        raise ValidationFailed(
            "The current password is not correct",
            code="current_password_invalid",
            errors=[{"loc": ["body", field], "msg": "Incorrect password", "type": "invalid"}],
        )


@dataclass(frozen=True)
class PasswordPolicyCheck:
    min_length: int
    field: str  # the body field an error names


async def replace_password(
    *,
    user: User,
    password: str,
    hasher: PasswordHasher,
    password_change_required: bool,
    policy: PasswordPolicyCheck | None,
    keep: uuid.UUID | None = None,
    now: datetime | None = None,
) -> int:
    """Set a user's password (checked against the policy unless None) and end their logins, all but
    `keep`, in one transaction; answer how many ended."""
    if policy is not None:
        check_password_policy(
            password, username=user.username, min_length=policy.min_length, field=policy.field
        )
    user.password_hash = await hasher.hash(password)
    user.password_change_required = password_change_required
    async with atomic():
        await user.save(update_fields=["password_hash", "password_change_required", "updated_at"])
        return await revoke_user_logins(user_id=user.id, reason="password_change", now=now, keep=keep)
