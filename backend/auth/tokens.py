"""JSON Web Tokens, pure: encoding and decoding, no database.

HS256 only, every claim required, access and refresh tokens told apart by `typ` so that
one is never accepted as the other. Header fields such as `kid`, `jku` or `jwk` are never
consulted: the key is ours and fixed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "sid", "jti", "typ", "iat", "exp", "iss", "aud"]


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

    def ttl(self, kind: TokenType) -> int:
        return self._ttl[kind]

    def issue(self, *, user_id: int, login_id: uuid.UUID, kind: TokenType, now: datetime) -> IssuedToken:
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
        }
        return IssuedToken(jwt.encode(payload, self._secret, algorithm=ALGORITHM), jti, expires_at)

    def decode(self, token: str, *, expected: TokenType) -> Claims:
        if not token.isascii():  # a JWT is base64url and dots; PyJWT would fail to encode the rest
            raise InvalidToken("Invalid token")
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
        if payload["typ"] != expected:
            raise InvalidToken(
                f"Not an {expected} token" if expected == "access" else f"Not a {expected} token"
            )
        try:
            return Claims(
                user_id=int(payload["sub"]),
                login_id=uuid.UUID(payload["sid"]),
                jti=str(payload["jti"]),
                type=expected,
                expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            )
        except (TypeError, ValueError) as error:
            raise InvalidToken("Invalid token") from error
