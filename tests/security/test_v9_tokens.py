"""ASVS 5.0 chapter V9, self-contained tokens: every way of forging or misusing a JWT is refused over HTTP.

Each forgery is checked next to a control: the same token re-signed with the server's own key and no
other change is accepted, so a refusal is the check at work and not a broken forgery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.config import Settings
from tests.helpers import Caller, bearer

ME = "/api/v1/auth/me"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload))


def hs_sign(header: dict[str, Any], payload: dict[str, Any], key: bytes, digest: str = "sha256") -> str:
    """A JWS signed by hand, so that any header (even one PyJWT would refuse to write) can be sent."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), getattr(hashlib, digest)).digest()
    return f"{signing_input}.{b64(signature)}"


def resign(caller: Caller, settings: Settings, *, header: dict[str, Any] | None = None, **claims: Any) -> str:
    """The caller's access token with `claims` changed (None removes one), signed with the real key."""
    real_header, payload = parts(caller.access_token)
    for name, value in claims.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    return hs_sign(real_header | (header or {}), payload, settings.secret_key.encode())


async def status(client: httpx.AsyncClient, token: str, path: str = ME) -> int:
    return (await client.get(path, headers=bearer(token))).status_code


async def test_the_control_a_token_resigned_with_the_real_key_is_accepted(
    client: httpx.AsyncClient, user: Caller, settings: Settings
) -> None:
    """The harness itself: without this, every refusal below could be a broken forgery."""
    assert await status(client, resign(user, settings)) == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_alg_none_is_refused(client: httpx.AsyncClient, user: Caller, alg: str) -> None:
    """ASVS 9.1.2: 'none' is not on the algorithm allowlist, in any spelling."""
    header, payload = parts(user.access_token)
    unsigned = f"{b64(json.dumps(header | {'alg': alg}).encode())}.{b64(json.dumps(payload).encode())}"
    for token in (f"{unsigned}.", unsigned, f"{unsigned}.{user.access_token.split('.')[2]}"):
        response = await client.get(ME, headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "token_invalid"


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
async def test_other_hmac_algorithms_are_refused_even_with_the_real_key(
    client: httpx.AsyncClient, user: Caller, settings: Settings, alg: str
) -> None:
    """ASVS 9.1.2: only HS256 is on the allowlist."""
    header, payload = parts(user.access_token)
    token = hs_sign(header | {"alg": alg}, payload, settings.secret_key.encode(), "sha" + alg[2:])
    assert await status(client, token) == 401


@pytest.fixture(scope="module")
def attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


async def test_algorithm_confusion_with_a_public_key_as_hmac_secret_is_refused(
    client: httpx.AsyncClient, user: Caller, attacker_key: rsa.RSAPrivateKey
) -> None:
    """ASVS 9.1.2: the HS/RS confusion trick (an RSA public key used as the HMAC secret, with the
    header claiming HS256 or RS256) gets nowhere: the key is ours and fixed, whatever the header says."""
    header, payload = parts(user.access_token)
    pem = public_pem(attacker_key)
    for alg in ("HS256", "RS256"):
        assert await status(client, hs_sign(header | {"alg": alg}, payload, pem)) == 401
        assert await status(client, hs_sign(header | {"alg": alg}, payload, pem.strip())) == 401


async def test_a_token_signed_with_rs256_is_refused(
    client: httpx.AsyncClient, user: Caller, attacker_key: rsa.RSAPrivateKey
) -> None:
    """ASVS 9.1.2: an asymmetric algorithm is not on the allowlist."""
    _, payload = parts(user.access_token)
    assert await status(client, jwt.encode(payload, attacker_key, algorithm="RS256")) == 401


def attacker_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return jwk


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"jwk": "embedded"}, id="jwk"),
        pytest.param({"jku": "http://127.0.0.1:9/jwks.json", "kid": "attacker"}, id="jku"),
        pytest.param({"x5u": "http://127.0.0.1:9/cert.pem"}, id="x5u"),
        pytest.param({"kid": "../../../../dev/null"}, id="kid-path"),
        pytest.param({"kid": "' UNION SELECT 'secret"}, id="kid-sql"),
    ],
)
async def test_key_headers_are_never_consulted(
    client: httpx.AsyncClient,
    user: Caller,
    settings: Settings,
    attacker_key: rsa.RSAPrivateKey,
    extra: dict[str, Any],
) -> None:
    """ASVS 9.1.3: `jwk`, `jku`, `x5u` and `kid` cannot point the server at a key of the attacker's
    choosing. Signed by the attacker (RS256 with the embedded key, or HS256 with an empty key, which
    is what a `kid` of /dev/null would select) the token is refused; signed with the real key the
    same headers change nothing."""
    if extra.get("jwk") == "embedded":
        extra = {"jwk": attacker_jwk(attacker_key)}
    _, payload = parts(user.access_token)
    forged_rs = jwt.encode(payload, attacker_key, algorithm="RS256", headers=extra)
    forged_hs = hs_sign({"alg": "HS256", "typ": "JWT"} | extra, payload, b"")
    assert await status(client, forged_rs) == 401
    assert await status(client, forged_hs) == 401
    assert await status(client, resign(user, settings, header=extra)) == 200


async def test_a_tampered_payload_is_refused(client: httpx.AsyncClient, user: Caller, admin: Caller) -> None:
    """ASVS 9.1.1: the signature covers the claims; naming another user (the admin) breaks it."""
    header, payload, signature = user.access_token.split(".")
    claims = json.loads(unb64(payload)) | {"sub": str(admin.user_id)}
    forged = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    assert await status(client, forged) == 401
    assert await status(client, forged, "/api/v1/users") == 401


async def test_a_tampered_signature_is_refused(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 9.1.1."""
    header, payload, signature = user.access_token.split(".")
    raw = bytearray(unb64(signature))
    for index in (0, len(raw) // 2, len(raw) - 1):
        flipped = raw.copy()
        flipped[index] ^= 0x01
        assert await status(client, f"{header}.{payload}.{b64(bytes(flipped))}") == 401
    assert await status(client, f"{header}.{payload}.") == 401
    assert await status(client, f"{header}.{payload}.{signature[:-8]}") == 401


async def test_a_real_signature_over_another_users_claims_is_refused(
    client: httpx.AsyncClient, user: Caller, admin: Caller, settings: Settings
) -> None:
    """ASVS 9.2.2: a token names both the user and the login; a login is honoured only for its own user,
    so even a validly signed token that pairs the user's login with the admin's id is refused."""
    assert await status(client, resign(user, settings, sub=str(admin.user_id)), "/api/v1/users") == 401


NOW = int(time.time())


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        pytest.param({"exp": None}, "token_invalid", id="exp-missing"),
        pytest.param({"exp": NOW - 3600}, "token_expired", id="exp-past"),
        pytest.param({"exp": "tomorrow"}, "token_invalid", id="exp-not-a-number"),
        pytest.param({"nbf": NOW + 3600}, "token_invalid", id="nbf-future"),
        pytest.param({"iat": None}, "token_invalid", id="iat-missing"),
        pytest.param({"iat": NOW + 3600}, "token_invalid", id="iat-future"),
    ],
)
async def test_the_validity_time_span_is_enforced(
    client: httpx.AsyncClient, user: Caller, settings: Settings, claims: dict[str, Any], code: str
) -> None:
    """ASVS 9.2.1: `exp` is required and enforced, `nbf` and `iat` must not lie in the future."""
    response = await client.get(ME, headers=bearer(resign(user, settings, **claims)))
    assert response.status_code == 401
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"typ": "refresh"}, id="typ-refresh"),
        pytest.param({"typ": "id"}, id="typ-id"),
        pytest.param({"typ": None}, id="typ-missing"),
        pytest.param({"sid": None}, id="sid-missing"),
        pytest.param({"sub": None}, id="sub-missing"),
        pytest.param({"jti": None}, id="jti-missing"),
    ],
)
async def test_the_token_type_and_purpose_are_checked(
    client: httpx.AsyncClient, user: Caller, settings: Settings, claims: dict[str, Any]
) -> None:
    """ASVS 9.2.2: only an access token, with every claim, authorizes a request."""
    assert await status(client, resign(user, settings, **claims)) == 401


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": "another-service"}, id="aud-other"),
        pytest.param({"aud": ["another-service", "sanic-rest-template"]}, id="aud-list"),
        pytest.param({"aud": None}, id="aud-missing"),
        pytest.param({"iss": "https://attacker.example"}, id="iss-other"),
        pytest.param({"iss": None}, id="iss-missing"),
    ],
)
async def test_only_tokens_for_this_service_from_this_issuer_are_accepted(
    client: httpx.AsyncClient, user: Caller, settings: Settings, claims: dict[str, Any]
) -> None:
    """ASVS 9.2.3: the audience must be exactly this service (and the issuer this server)."""
    assert await status(client, resign(user, settings, **claims)) == 401


async def test_a_refresh_token_is_not_an_access_token(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 9.2.2: the refresh token, sent as a Bearer token, authorizes nothing."""
    for path in (ME, "/api/v1/patients", "/api/patient/"):
        assert (await client.get(path, headers=bearer(user.refresh_token))).status_code == 401


async def test_an_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 9.2.2: the access token cannot be traded for new tokens."""
    for request in (
        {"json": {"refresh_token": user.access_token}},
        {"headers": bearer(user.access_token)},
    ):
        assert (await client.post("/api/v1/auth/refresh", **request)).status_code == 401  # type: ignore[arg-type]
    assert (await client.get("/api/auth/", headers=bearer(user.access_token))).status_code == 401


async def test_forged_refresh_tokens_are_refused(
    client: httpx.AsyncClient, user: Caller, attacker_key: rsa.RSAPrivateKey
) -> None:
    """ASVS 9.1.1, 9.1.2 on the refresh route: an unsigned or attacker-signed refresh token mints nothing."""
    header, payload = parts(user.refresh_token)
    unsigned = f"{b64(json.dumps(header | {'alg': 'none'}).encode())}.{b64(json.dumps(payload).encode())}."
    rs256 = jwt.encode(payload, attacker_key, algorithm="RS256", headers={"jwk": attacker_jwk(attacker_key)})
    for token in (unsigned, rs256):
        response = await client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert response.status_code == 401
        assert "access_token" not in response.text
