"""Two-factor login with TOTP (RFC 6238): enrollment, codes, recovery codes, and the policy.

A user turns it on in two steps: `start_enrollment` keeps a new secret (sealed, see sealing.py),
pending; `confirm_enrollment` checks a code made with it, turns two-factor on and answers ten
recovery codes, kept only as keyed hashes. From then on a password login waits for a code
(`complete_login`, with the mfa_token of mfa_tokens.py).

Every code is accepted once, on whichever worker or host it lands, by one conditional UPDATE:
a TOTP code only if its time step is later than the last one accepted (`UserMfa.last_step`), a
recovery code only while unused. Of concurrent submissions of one code exactly one matches the
row. Code guesses take places in the login throttle's buckets (throttle.py), like passwords.

`MFA_REQUIRED_ROLES`: a user holding such a role without two-factor may only enroll (the
decorators refuse the rest, 403 `mfa_enrollment_required`), and may not turn it off.
"""

from __future__ import annotations

import hmac
import io
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from backend.auth import service, throttle
from backend.auth.mfa_tokens import ExpiredMfaToken, InvalidMfaToken, MfaTokens
from backend.auth.models import MfaRecoveryCode, MfaTokenUse, UserMfa
from backend.auth.passwords import PasswordHasher
from backend.auth.sealing import SealBroken, derive_key, seal, unseal
from backend.auth.service import Client, Principal, Session
from backend.auth.throttle import ThrottlePolicy
from backend.auth.tokens import PASSWORD_AND_OTP, TokenService
from backend.errors import Conflict, Forbidden, Throttled, Unauthorized, ValidationFailed
from backend.transactions import atomic
from backend.users.models import User

ISSUER = "sanic-rest-template"  # what authenticator apps show above the account
DIGITS = 6
INTERVAL = 30
VALID_WINDOW = 1  # a code of the step before or after is accepted too: clocks drift
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4  # xxxx-xxxx-xxxx: about 59 bits
SECRET_PURPOSE = "totp-secret"  # noqa: S105  # a key derivation label, not a secret


@dataclass(frozen=True)
class Enrollment:
    secret: str
    otpauth_uri: str
    qr_svg: str


class _CodeRefused(Exception):
    pass


def requires_mfa(roles: Iterable[str], required_roles: Collection[str]) -> bool:
    return any(role in required_roles for role in roles)


async def is_enabled(user_id: int) -> bool:
    return await UserMfa.exists(user_id=user_id, confirmed_at__not_isnull=True)


async def enabled_among(user_ids: Collection[int]) -> set[int]:
    """Which of these users have two-factor on, in one query."""
    if not user_ids:
        return set()
    rows = await UserMfa.filter(user_id__in=list(user_ids), confirmed_at__not_isnull=True).values_list(
        "user_id", flat=True
    )
    return {int(str(user_id)) for user_id in rows}


async def enrollment_required(*, user_id: int, roles: Iterable[str], required_roles: Collection[str]) -> bool:
    """A role of the user's requires two-factor, and they have not turned it on."""
    return requires_mfa(roles, required_roles) and not await is_enabled(user_id)


async def refuse_unenrolled(principal: Principal, required_roles: Collection[str]) -> None:
    """403 `mfa_enrollment_required` for a caller whose role requires two-factor, until they enroll."""
    if await enrollment_required(
        user_id=principal.user_id, roles=principal.roles, required_roles=required_roles
    ):
        raise Forbidden(
            "Your role requires two-factor login: set it up first (POST /api/v1/auth/me/mfa/totp)",
            code="mfa_enrollment_required",
        )


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _is_totp(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step within the window whose code `code` is, or None."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    step = int(now.timestamp()) // INTERVAL
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _recovery_hash(user_id: int, code: str, *, secret_key: str) -> str:
    key = derive_key(secret_key, "mfa-recovery-code")
    return hmac.new(key, f"{user_id}:{code}".encode(), "sha256").hexdigest()


def _new_recovery_codes() -> list[str]:
    def group() -> str:
        return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))

    return ["-".join(group() for _ in range(RECOVERY_GROUPS)) for _ in range(RECOVERY_CODES)]


def _secret(row: UserMfa, secret_key: str) -> str:
    try:
        return unseal(row.secret, secret_key=secret_key, purpose=SECRET_PURPOSE)
    except SealBroken:  # SECRET_KEY changed since the user enrolled
        raise Conflict(
            "This two-factor setup can no longer be read (the server's key changed); an admin must reset it",
            code="mfa_reset_needed",
        ) from None


def _code_invalid() -> ValidationFailed:
    return ValidationFailed(
        "The code is not valid",
        code="mfa_code_invalid",
        errors=[{"loc": ["body", "code"], "msg": "Invalid or already used code", "type": "invalid"}],
    )


async def _reserve(user: User, client: Client, *, policy: ThrottlePolicy, now: datetime) -> throttle.Attempt:
    """A place in the user's throttling buckets for one code check, or 429."""
    attempt = throttle.Attempt(username_key=user.username_key, ip=client.bounded().ip)
    if wait := await throttle.reserve(attempt, now=now, policy=policy):
        raise Throttled("Too many failed attempts; try again later", retry_after=wait)
    return attempt


async def _accept_code(row: UserMfa, code: str, *, user_id: int, secret_key: str, now: datetime) -> bool:
    """Accept a TOTP code or an unused recovery code, using it up; False when it is not one."""
    code = _normalized(code)
    if _is_totp(code):
        step = _matching_step(_secret(row, secret_key), code, now)
        if step is None:
            return False
        later = Q(last_step__isnull=True) | Q(last_step__lt=step)
        return await UserMfa.filter(later, id=row.id).update(last_step=step) == 1
    recovery = _recovery_hash(user_id, code, secret_key=secret_key)
    unused = MfaRecoveryCode.filter(user_id=user_id, code_hash=recovery, used_at=None)
    return await unused.update(used_at=now) == 1


async def start_enrollment(*, user: User, secret_key: str) -> Enrollment:
    """A new pending secret for the user (replacing any pending one), with its QR code."""
    if await is_enabled(user.id):
        raise Conflict("Two-factor is already on; turn it off first", code="mfa_already_enabled")
    secret = pyotp.random_base32()
    sealed = seal(secret, secret_key=secret_key, purpose=SECRET_PURPOSE)
    await UserMfa.update_or_create(
        defaults={"secret": sealed, "confirmed_at": None, "last_step": None}, user_id=user.id
    )
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=user.username, issuer_name=ISSUER
    )
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", xmldecl=False, scale=5, border=2)
    return Enrollment(secret=secret, otpauth_uri=uri, qr_svg=svg.getvalue().decode())


async def confirm_enrollment(
    *, user: User, code: str, client: Client, policy: ThrottlePolicy, secret_key: str, now: datetime
) -> list[str]:
    """Turn two-factor on with a code of the pending secret; answer new recovery codes (the only time
    they are shown)."""
    row = await UserMfa.get_or_none(user_id=user.id)
    if row is None:
        raise Conflict("Start the enrollment first (POST /api/v1/auth/me/mfa/totp)", code="mfa_not_started")
    if row.confirmed_at is not None:
        raise Conflict("Two-factor is already on", code="mfa_already_enabled")
    attempt = await _reserve(user, client, policy=policy, now=now)
    normalized = _normalized(code)
    step = _matching_step(_secret(row, secret_key), normalized, now) if _is_totp(normalized) else None
    if step is None:
        await throttle.record_failure(attempt, now=now, policy=policy)
        raise _code_invalid()
    codes = _new_recovery_codes()
    async with atomic():
        await throttle.record_success(attempt)
        pending = UserMfa.filter(id=row.id, secret=row.secret, confirmed_at=None)
        if await pending.update(confirmed_at=now, last_step=step) != 1:
            raise Conflict("The enrollment changed meanwhile; start it again", code="mfa_enrollment_changed")
        await MfaRecoveryCode.filter(user_id=user.id).delete()
        await MfaRecoveryCode.bulk_create(
            [
                MfaRecoveryCode(
                    user_id=user.id, code_hash=_recovery_hash(user.id, _normalized(c), secret_key=secret_key)
                )
                for c in codes
            ]
        )
    return codes


async def disable(
    *,
    user: User,
    roles: Iterable[str],
    password: str,
    code: str,
    client: Client,
    hasher: PasswordHasher,
    policy: ThrottlePolicy,
    required_roles: Collection[str],
    secret_key: str,
    now: datetime,
) -> None:
    """Turn the caller's two-factor off, with their password and a code, unless a role requires it."""
    if requires_mfa(roles, required_roles):
        raise Forbidden("A role of yours requires two-factor login", code="mfa_required_by_policy")
    row = await UserMfa.get_or_none(user_id=user.id, confirmed_at__not_isnull=True)
    if row is None:
        raise Conflict("Two-factor is not on", code="mfa_not_enabled")
    attempt = await _reserve(user, client, policy=policy, now=now)
    await service.check_current_password(
        user, password, attempt=attempt, hasher=hasher, policy=policy, now=now, field="password"
    )
    if not await _accept_code(row, code, user_id=user.id, secret_key=secret_key, now=now):
        await throttle.record_failure(attempt, now=now, policy=policy)
        raise _code_invalid()
    async with atomic():
        await throttle.record_success(attempt)
        await _forget(user.id)


async def _forget(user_id: int) -> None:
    await UserMfa.filter(user_id=user_id).delete()
    await MfaRecoveryCode.filter(user_id=user_id).delete()


async def reset(*, user_id: int, now: datetime) -> tuple[bool, int]:
    """An admin's reset: the user's two-factor is gone and every login of theirs ends; answer whether
    it was on and how many logins ended.

    No last-admin guard is needed: a reset takes no way of logging in away. The user logs in with
    their password and, where MFA_REQUIRED_ROLES names a role of theirs, enrolls again (a user who
    must enroll may do exactly that)."""
    async with atomic():
        was_on = await is_enabled(user_id)
        await _forget(user_id)
        ended = await service.revoke_user_logins(user_id=user_id, reason="admin", now=now)
    return was_on, ended


async def complete_login(
    *,
    mfa_token: str,
    code: str,
    client: Client,
    policy: ThrottlePolicy,
    tokens: TokenService,
    challenges: MfaTokens,
    secret_key: str,
    now: datetime,
) -> Session:
    """The second step of a two-factor login: the mfa_token of the first and a code. The token
    completes one login only; wrong codes are throttled like passwords and may be retried with it."""
    try:
        challenge = challenges.decode(mfa_token)
    except ExpiredMfaToken as error:
        raise Unauthorized(str(error), code="mfa_token_expired") from None
    except InvalidMfaToken as error:
        raise Unauthorized(str(error), code="mfa_token_invalid") from None
    used = Unauthorized("This mfa_token was already used; log in again", code="mfa_token_used")
    if await MfaTokenUse.exists(jti=challenge.jti):
        raise used
    user = await User.get_or_none(id=challenge.user_id)
    row = await UserMfa.get_or_none(user_id=challenge.user_id, confirmed_at__not_isnull=True)
    if user is None or not user.is_active or row is None:
        raise Unauthorized("This login can no longer be completed; log in again", code="mfa_token_invalid")
    attempt = await _reserve(user, client, policy=policy, now=now)
    try:
        async with atomic():
            await MfaTokenUse.create(jti=challenge.jti, user_id=user.id, expires_at=challenge.expires_at)
            if not await _accept_code(row, code, user_id=user.id, secret_key=secret_key, now=now):
                raise _CodeRefused
            await throttle.record_success(attempt)
            return await service.open_session(
                user=user, client=client, tokens=tokens, now=now, amr=PASSWORD_AND_OTP
            )
    except IntegrityError:  # another request completed the login with this token meanwhile
        await throttle.record_success(attempt, final=False)
        raise used from None
    except _CodeRefused:
        await throttle.record_failure(attempt, now=now, policy=policy)
        raise Unauthorized("The code is not valid or was already used", code="mfa_code_invalid") from None
