"""JSON Web Tokens, pure: encoding and decoding, no database.

HS256 only, every claim required, access and refresh tokens told apart by `typ` so that
one is never accepted as the other. Header fields such as `kid`, `jku` or `jwk` are never
consulted: the key is ours and fixed.

A token's signature and claims are verified once per process: the claims of up to
`VERIFIED_CACHE_SIZE` tokens are kept, by the token's exact text (so a token altered in any
byte is verified afresh, and refused). Its lifetime (`exp`, `iat`, `nbf`) is still checked on
every use, against `backend.clock`. PyJWT's decode was 4% of a PostgreSQL worker's busy time
per authorized read in the 2026-12-05 profile. Revocation is unaffected: the login behind a
token is looked up on every request (decorators.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import jwt

from backend import clock

TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "sid", "jti", "typ", "iat", "exp", "iss", "aud"]
VERIFIED_CACHE_SIZE = 4096  # a few hundred bytes each
# `amr` (RFC 8176): how the login was authenticated. A refresh passes it on to the tokens it issues.
PASSWORD: tuple[str, ...] = ("pwd",)
PASSWORD_AND_OTP: tuple[str, ...] = ("pwd", "otp")


class InvalidToken(Exception):
    """The token is not one of ours, is malformed, or is of the wrong type."""


class ExpiredToken(InvalidToken):
    """The token was ours but its lifetime is over."""


@dataclass(frozen=True)
class Claims:
    user_id: int
    login_id: uuid.UUID
    jti: str
    type: TokenType
    expires_at: datetime
    amr: tuple[str, ...] = PASSWORD


@dataclass(frozen=True)
class _Verified:
    """What a token with a valid signature and claims says, beside its lifetime."""

    type: str
    issued_at: int
    not_before: int | None
    expires: int
    claims: Claims | None  # None: malformed `sub` or `sid`, or a `typ` that is neither type


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime


class TokenService:
    def __init__(
        self,
        secret: str,
        *,
        access_ttl: int,
        refresh_ttl: int,
        issuer: str = "sanic-rest-template",
        audience: str = "sanic-rest-template",
        leeway_seconds: int = 30,
    ) -> None:
        self._secret = secret
        self._ttl: dict[TokenType, int] = {"access": access_ttl, "refresh": refresh_ttl}
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self._verified = lru_cache(maxsize=VERIFIED_CACHE_SIZE)(self._verify)

    @property
    def verified_tokens(self) -> int:
        """How many verified tokens are cached."""
        return self._verified.cache_info().currsize

    def ttl(self, kind: TokenType) -> int:
        return self._ttl[kind]

    def issue(
        self,
        *,
        user_id: int,
        login_id: uuid.UUID,
        kind: TokenType,
        now: datetime,
        amr: tuple[str, ...] = PASSWORD,
    ) -> IssuedToken:
        jti = uuid.uuid4().hex
        expires_at = now + timedelta(seconds=self._ttl[kind])
        payload = {
            "sub": str(user_id),
            "sid": str(login_id),
            "jti": jti,
            "typ": kind,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "iss": self.issuer,
            "aud": self.audience,
            "amr": list(amr),
        }
        return IssuedToken(jwt.encode(payload, self._secret, algorithm=ALGORITHM), jti, expires_at)

    def decode(self, token: str, *, expected: TokenType) -> Claims:
        if not token.isascii():  # a JWT is base64url and dots; PyJWT would fail to encode the rest
            raise InvalidToken("Invalid token")
        verified = self._verified(token)
        self._check_lifetime(verified)
        if verified.type != expected:
            raise InvalidToken(
                f"Not an {expected} token" if expected == "access" else f"Not a {expected} token"
            )
        if verified.claims is None:
            raise InvalidToken("Invalid token")
        return verified.claims

    def _check_lifetime(self, verified: _Verified) -> None:
        """PyJWT's checks of `exp`, `iat` and `nbf`, with the leeway, against `backend.clock`."""
        now = clock.utcnow().timestamp()
        if verified.issued_at > now + self.leeway:
            raise InvalidToken("Invalid token")
        if verified.not_before is not None and verified.not_before > now + self.leeway:
            raise InvalidToken("Invalid token")
        if verified.expires <= now - self.leeway:
            raise ExpiredToken("Token has expired")

    def _verify(self, token: str) -> _Verified:
        """The signature and every claim checked by PyJWT; raises (and so caches nothing) if one fails."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS, "strict_aud": True},
            )
        except jwt.ExpiredSignatureError as error:
            raise ExpiredToken("Token has expired") from error
        except jwt.PyJWTError as error:
            raise InvalidToken("Invalid token") from error
        return _Verified(
            type=str(payload["typ"]),
            issued_at=int(payload["iat"]),  # integers: PyJWT checked them
            not_before=int(payload["nbf"]) if "nbf" in payload else None,
            expires=int(payload["exp"]),
            claims=_claims(payload),
        )


def _claims(payload: dict[str, Any]) -> Claims | None:
    kind = payload["typ"]
    amr = payload.get("amr", list(PASSWORD))  # tokens issued before `amr` were password logins
    if (
        kind not in ("access", "refresh")
        or not isinstance(amr, list)
        or not all(isinstance(m, str) for m in amr)
    ):
        return None
    try:
        return Claims(
            user_id=int(payload["sub"]),
            login_id=uuid.UUID(payload["sid"]),
            jti=str(payload["jti"]),
            type=kind,
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            amr=tuple(amr),
        )
    except (TypeError, ValueError):
        return None
