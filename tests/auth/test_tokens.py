"""The token service alone: what it accepts and, above all, what it refuses."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta, tzinfo
from typing import Any, Self

import jwt
import jwt.api_jwt
import pytest

from backend import clock
from backend.auth.tokens import VERIFIED_CACHE_SIZE, ExpiredToken, InvalidToken, TokenService
from backend.clock import utcnow

SECRET = "s" * 64
LOGIN = uuid.uuid4()


@pytest.fixture
def tokens() -> TokenService:
    return TokenService(SECRET, access_ttl=900, refresh_ttl=86_400, leeway_seconds=5)


def claims(tokens: TokenService, **changes: Any) -> dict[str, Any]:
    now = int(utcnow().timestamp())
    payload = {
        "sub": "7", "sid": str(LOGIN), "jti": "j", "typ": "access", "iat": now, "exp": now + 60,
        "iss": tokens.issuer, "aud": tokens.audience,
    }  # fmt: skip
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def forge(payload: dict[str, Any], key: str = SECRET, **headers: Any) -> str:
    return jwt.encode(payload, key, algorithm="HS256", headers=headers or None)


def test_an_issued_token_decodes_to_its_claims(tokens: TokenService) -> None:
    issued = tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=utcnow())
    decoded = tokens.decode(issued.token, expected="access")
    assert (decoded.user_id, decoded.login_id, decoded.jti) == (7, LOGIN, issued.jti)


def test_access_and_refresh_tokens_are_never_interchangeable(tokens: TokenService) -> None:
    access = tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=utcnow())
    refresh = tokens.issue(user_id=7, login_id=LOGIN, kind="refresh", now=utcnow())
    with pytest.raises(InvalidToken):
        tokens.decode(access.token, expected="refresh")
    with pytest.raises(InvalidToken):
        tokens.decode(refresh.token, expected="access")


def test_an_expired_token_is_told_apart(tokens: TokenService) -> None:
    old = tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=utcnow() - timedelta(hours=1))
    with pytest.raises(ExpiredToken):
        tokens.decode(old.token, expected="access")


def test_small_clock_skew_between_hosts_is_tolerated(tokens: TokenService) -> None:
    token = forge(claims(tokens, iat=int(utcnow().timestamp()) + 3))
    assert tokens.decode(token, expected="access").user_id == 7


def test_alg_none_is_refused(tokens: TokenService) -> None:
    unsigned = jwt.encode(claims(tokens), key=None, algorithm="none")
    with pytest.raises(InvalidToken):
        tokens.decode(unsigned, expected="access")


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_are_refused_even_with_our_key(tokens: TokenService, algorithm: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(jwt.encode(claims(tokens), SECRET, algorithm=algorithm), expected="access")


def test_a_token_signed_with_another_key_is_refused_whatever_its_header_says(tokens: TokenService) -> None:
    attacker = "a" * 48
    jwk = {"kty": "oct", "k": base64.urlsafe_b64encode(attacker.encode()).decode().rstrip("=")}
    for headers in ({}, {"kid": "ours"}, {"jku": "https://attacker.example/jwks.json"}, {"jwk": jwk}):
        with pytest.raises(InvalidToken):
            tokens.decode(forge(claims(tokens), attacker, **headers), expected="access")


def test_a_tampered_payload_is_refused(tokens: TokenService) -> None:
    header, _, signature = forge(claims(tokens)).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims(tokens, sub="1")).encode()).decode().rstrip("=")
    with pytest.raises(InvalidToken):
        tokens.decode(f"{header}.{payload}.{signature}", expected="access")


def test_a_tampered_signature_is_refused(tokens: TokenService) -> None:
    token = forge(claims(tokens))
    with pytest.raises(InvalidToken):
        tokens.decode(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), expected="access")


@pytest.mark.parametrize("claim", ["sub", "sid", "jti", "typ", "iat", "exp", "iss", "aud"])
def test_every_claim_is_required(tokens: TokenService, claim: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(forge(claims(tokens, **{claim: None})), expected="access")


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "someone-else"},
        {"aud": ["someone-else", "sanic-rest-template"]},
        {"iss": "someone-else"},
        {"typ": "id"},
        {"sub": "not-a-number"},
        {"sid": "not-a-uuid"},
        {"iat": "yesterday"},
    ],
)
def test_wrong_claim_values_are_refused(tokens: TokenService, changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(forge(claims(tokens, **changes)), expected="access")


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_a_token_from_the_future_is_refused(tokens: TokenService, claim: str) -> None:
    later = int(utcnow().timestamp()) + 3600
    with pytest.raises(InvalidToken):
        tokens.decode(forge(claims(tokens, **{claim: later})), expected="access")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x", "\u00e9.\u00e9.\u00e9"])
def test_garbage_is_refused(tokens: TokenService, garbage: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode(garbage, expected="access")


# Verified once per process: what the cache must not change.


def test_a_cached_token_is_refused_once_it_expires(
    tokens: TokenService, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=utcnow())
    assert tokens.decode(issued.token, expected="access").user_id == 7
    assert tokens.verified_tokens == 1
    later = utcnow() + timedelta(seconds=tokens.ttl("access") + tokens.leeway + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    with pytest.raises(ExpiredToken):
        tokens.decode(issued.token, expected="access")


def test_a_cached_token_is_still_refused_as_the_other_type(tokens: TokenService) -> None:
    refresh = tokens.issue(user_id=7, login_id=LOGIN, kind="refresh", now=utcnow())
    tokens.decode(refresh.token, expected="refresh")
    with pytest.raises(InvalidToken, match="Not an access token"):
        tokens.decode(refresh.token, expected="access")


def test_a_cached_token_from_the_future_is_refused_until_its_time(
    tokens: TokenService, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(utcnow().timestamp())
    token = forge(claims(tokens, nbf=now + 3600, exp=now + 7200))
    earlier = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(clock, "utcnow", lambda: earlier)
    monkeypatch.setattr(jwt.api_jwt, "datetime", _shifted(timedelta(hours=1)))
    tokens.decode(token, expected="access")  # valid in an hour: verified and cached
    monkeypatch.undo()
    with pytest.raises(InvalidToken):
        tokens.decode(token, expected="access")


def _shifted(offset: timedelta) -> type[datetime]:
    class Shifted(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Self:
            return super().now(tz) + offset

    return Shifted


@pytest.mark.parametrize("part", [1, 2])  # the payload, the signature
def test_a_tampered_copy_of_a_cached_token_is_refused_and_not_cached(tokens: TokenService, part: int) -> None:
    issued = tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=utcnow())
    tokens.decode(issued.token, expected="access")
    parts = issued.token.split(".")
    if part == 1:
        parts[1] = base64.urlsafe_b64encode(json.dumps(claims(tokens, sub="1")).encode()).decode().rstrip("=")
    else:
        parts[2] = parts[2][:-4] + ("AAAA" if parts[2][-4:] != "AAAA" else "BBBB")
    tampered = ".".join(parts)
    for _ in range(2):
        with pytest.raises(InvalidToken):
            tokens.decode(tampered, expected="access")
    assert tokens.verified_tokens == 1


def test_the_cache_of_verified_tokens_is_bounded(tokens: TokenService) -> None:
    now = utcnow()
    issued = [
        tokens.issue(user_id=7, login_id=LOGIN, kind="access", now=now)
        for _ in range(VERIFIED_CACHE_SIZE + 10)
    ]
    for token in issued:
        tokens.decode(token.token, expected="access")
    assert tokens.verified_tokens == VERIFIED_CACHE_SIZE
    assert tokens.decode(issued[0].token, expected="access").jti == issued[0].jti  # verified again
