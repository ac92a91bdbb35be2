"""The token service alone: what it accepts and, above all, what it refuses."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest

from backend.auth.tokens import ExpiredToken, InvalidToken, TokenService
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
