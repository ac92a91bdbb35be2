"""The mfa_token: what a password login of a two-factor user answers instead of tokens, pure (no DB).

A JWT signed with a key of its own (derived from SECRET_KEY), with an audience and `typ` of its own:
`TokenService` refuses it as an access or refresh token (wrong signature, audience and type), and
this module refuses those. It names the user and lives `MFA_TOKEN_TTL` seconds; that it completes
one login only is recorded in the database (`MfaTokenUse`, by `jti`), since workers and hosts share
nothing else. Its lifetime is checked against `backend.clock`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from backend import clock
from backend.auth.sealing import derive_key

MFA_TOKEN_TTL = 300
ALGORITHM = "HS256"
ISSUER = "sanic-rest-template"
AUDIENCE = "sanic-rest-template:mfa"
TYPE = "mfa"


class InvalidMfaToken(Exception):
    """Not one of our mfa_tokens."""


class ExpiredMfaToken(InvalidMfaToken):
    """One of ours, past its lifetime."""


@dataclass(frozen=True)
class MfaChallenge:
    user_id: int
    jti: str
    expires_at: datetime


@dataclass(frozen=True)
class IssuedChallenge:
    token: str
    expires_in: int


class MfaTokens:
    def __init__(self, secret_key: str, *, ttl: int = MFA_TOKEN_TTL) -> None:
        self._key = derive_key(secret_key, "mfa-token")
        self.ttl = ttl

    def issue(self, *, user_id: int, now: datetime) -> IssuedChallenge:
        payload = {
            "sub": str(user_id),
            "jti": uuid.uuid4().hex,
            "typ": TYPE,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self.ttl)).timestamp()),
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        return IssuedChallenge(jwt.encode(payload, self._key, algorithm=ALGORITHM), self.ttl)

    def decode(self, token: str) -> MfaChallenge:
        if not token.isascii():
            raise InvalidMfaToken("Invalid mfa_token")
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={
                    "require": ["sub", "jti", "typ", "iat", "exp"],
                    "verify_exp": False,
                    "strict_aud": True,
                },
            )
            if payload["typ"] != TYPE:
                raise InvalidMfaToken("Invalid mfa_token")
            challenge = MfaChallenge(
                user_id=int(payload["sub"]),
                jti=str(payload["jti"])[:64],
                expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            )
        except (jwt.PyJWTError, TypeError, ValueError):
            raise InvalidMfaToken("Invalid mfa_token") from None
        if challenge.expires_at <= clock.utcnow():
            raise ExpiredMfaToken("The mfa_token has expired; log in again")
        return challenge
