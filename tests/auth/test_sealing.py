"""Sealed secrets: readable with the key they were sealed with, for the purpose they were sealed for,
and refused when altered."""

from __future__ import annotations

import base64

import pytest

from backend.auth.sealing import SealBroken, seal, unseal

KEY = "a secret key that is long enough for the tests"


def test_a_sealed_value_reads_back_and_shows_nothing_of_itself() -> None:
    sealed = seal("JBSWY3DPEHPK3PXP", secret_key=KEY, purpose="totp-secret")

    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert sealed != seal(
        "JBSWY3DPEHPK3PXP", secret_key=KEY, purpose="totp-secret"
    )  # a fresh nonce each time
    assert unseal(sealed, secret_key=KEY, purpose="totp-secret") == "JBSWY3DPEHPK3PXP"
    long = "x" * 100  # longer than one keystream block
    assert unseal(seal(long, secret_key=KEY, purpose="p"), secret_key=KEY, purpose="p") == long


def altered(sealed: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed.removeprefix("v1.")))
    raw[20] ^= 1  # a bit of the ciphertext
    return "v1." + base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("sealed", "key", "purpose"),
    [
        (seal("secret", secret_key=KEY, purpose="a"), "another key, just as long as the first one", "a"),
        (seal("secret", secret_key=KEY, purpose="a"), KEY, "b"),
        (altered(seal("secret", secret_key=KEY, purpose="a")), KEY, "a"),
        ("v1.not base64!", KEY, "a"),
        ("v2." + seal("secret", secret_key=KEY, purpose="a").removeprefix("v1."), KEY, "a"),
        ("v1.", KEY, "a"),
    ],
    ids=["other key", "other purpose", "altered", "garbage", "unknown version", "empty"],
)
def test_a_value_not_sealed_with_this_key_for_this_purpose_is_refused(
    sealed: str, key: str, purpose: str
) -> None:
    with pytest.raises(SealBroken):
        unseal(sealed, secret_key=key, purpose=purpose)
