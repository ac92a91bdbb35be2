"""The Flask template's werkzeug hashes: the facts file's vectors, bounds, and how logins check them."""

from __future__ import annotations

import threading

import httpx
import pytest

from backend.auth import werkzeug_hashes
from backend.auth.passwords import PasswordHasher
from backend.users.models import User
from tests.flask_import.template_db import PBKDF2_123456, SCRYPT_123456, werkzeug_pbkdf2, werkzeug_scrypt


@pytest.mark.parametrize("vector", [SCRYPT_123456, PBKDF2_123456], ids=["scrypt", "pbkdf2"])
def test_the_facts_files_vectors_verify(vector: str) -> None:
    assert werkzeug_hashes.verify("123456", vector)
    assert not werkzeug_hashes.verify("1234567", vector)
    assert not werkzeug_hashes.verify("123456", vector[:-1] + ("0" if vector[-1] != "0" else "1"))


@pytest.mark.parametrize(
    "refused",
    [
        "scrypt:4194304:8:1$salt$" + "00" * 64,  # 4 GiB of memory for one login
        "scrypt:30000:8:1$salt$" + "00" * 64,  # N not a power of two
        "pbkdf2:sha256:100000000$salt$" + "00" * 32,  # minutes of CPU
        "pbkdf2:md5:1000$salt$" + "00" * 16,
        "sha256$salt$" + "00" * 32,  # werkzeug 0.x
        "scrypt:16384:8:1$salt",
        "",
    ],
)
def test_hashes_out_of_bounds_or_of_other_forms_are_refused(refused: str) -> None:
    assert not werkzeug_hashes.supported(refused)
    assert not werkzeug_hashes.verify("anything", refused)


async def test_the_hasher_checks_them_in_its_threads_and_wants_them_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[str] = []
    real = werkzeug_hashes.verify

    def spy(password: str, password_hash: str) -> bool:
        threads.append(threading.current_thread().name)
        return real(password, password_hash)

    monkeypatch.setattr(werkzeug_hashes, "verify", spy)
    hasher = PasswordHasher(rounds=4)
    assert await hasher.verify("123456", PBKDF2_123456)
    assert not await hasher.verify("wrong", werkzeug_scrypt("right"))
    assert len(threads) >= 2  # more if a starved check was rescued
    assert all(name.startswith("bcrypt") for name in threads)  # off the event loop
    assert hasher.needs_rehash(PBKDF2_123456)
    assert not hasher.needs_rehash(await hasher.hash("x"))


async def test_wrong_passwords_against_an_imported_hash_are_throttled(client: httpx.AsyncClient) -> None:
    await User.create(username="nurse", username_key="nurse", password_hash=werkzeug_pbkdf2("night-shift"))
    codes = []
    for _ in range(6):
        response = await client.post("/api/v1/auth/login", json={"username": "nurse", "password": "guess"})
        codes.append(response.status_code)
    assert codes == [401] * 5 + [429]
    locked = await client.post("/api/v1/auth/login", json={"username": "nurse", "password": "night-shift"})
    assert locked.status_code == 429
    assert (await User.get(username="nurse")).password_hash.startswith("pbkdf2:")
