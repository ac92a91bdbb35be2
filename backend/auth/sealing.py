"""Small secrets kept at rest sealed with a key derived from SECRET_KEY (the TOTP secrets).

The project has no cipher among its dependencies (`cryptography` is a test extra only), so this is
the standard library's: a PRF-based stream cipher with encrypt-then-MAC. From SECRET_KEY and a
purpose, HMAC-SHA256 derives an encryption key and a MAC key; a value is XORed with the keystream
HMAC-SHA256(encryption key, nonce || block counter) under a fresh random 16-byte nonce, and the
nonce and ciphertext are authenticated with HMAC-SHA256(MAC key, version || nonce || ciphertext).
Sealed text is `v1.` + base64url(nonce || ciphertext || tag); the version leaves room for a
library cipher later.

A database dump alone no longer gives away the secrets; SECRET_KEY does. Changing SECRET_KEY makes
sealed values unreadable: the users concerned must enroll again (`python -m backend reset-mfa`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

VERSION = b"v1"
NONCE_BYTES = 16
TAG_BYTES = 32
BLOCK = hashlib.sha256().digest_size


class SealBroken(Exception):
    """Not a value sealed with this key for this purpose (altered, or SECRET_KEY changed)."""


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A key for one purpose: keys for different purposes tell nothing of each other."""
    return hmac.digest(secret_key.encode(), b"sanic-rest-template:" + purpose.encode(), "sha256")


def _keys(secret_key: str, purpose: str) -> tuple[bytes, bytes]:
    root = derive_key(secret_key, f"sealing:{purpose}")
    return hmac.digest(root, b"encrypt", "sha256"), hmac.digest(root, b"authenticate", "sha256")


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + BLOCK - 1) // BLOCK
    return b"".join(hmac.digest(key, nonce + n.to_bytes(4, "big"), "sha256") for n in range(blocks))[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(plaintext: str, *, secret_key: str, purpose: str) -> str:
    encryption, authentication = _keys(secret_key, purpose)
    nonce = secrets.token_bytes(NONCE_BYTES)
    data = plaintext.encode()
    ciphertext = _xor(data, _keystream(encryption, nonce, len(data)))
    tag = hmac.digest(authentication, VERSION + nonce + ciphertext, "sha256")
    return f"{VERSION.decode()}." + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode()


def unseal(sealed: str, *, secret_key: str, purpose: str) -> str:
    version, _, text = sealed.partition(".")
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        raise SealBroken("not a sealed value") from None
    if version.encode() != VERSION or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise SealBroken("not a sealed value")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    encryption, authentication = _keys(secret_key, purpose)
    if not hmac.compare_digest(tag, hmac.digest(authentication, VERSION + nonce + ciphertext, "sha256")):
        raise SealBroken("the value was altered, or sealed with another key")
    try:
        return _xor(ciphertext, _keystream(encryption, nonce, len(ciphertext))).decode()
    except UnicodeDecodeError:
        raise SealBroken("not a sealed value") from None
