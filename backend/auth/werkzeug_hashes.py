"""The Flask template's password hashes (werkzeug's `generate_password_hash`), checked with hashlib.

    scrypt:N:r:p$salt$hex              hashlib.scrypt(password, salt, n=N, r=r, p=p, dklen=64)
    pbkdf2:sha256:ITERATIONS$salt$hex  hashlib.pbkdf2_hmac("sha256", password, salt, ITERATIONS)

Imported users keep such a hash until they next log in, when ours replaces it (see
`PasswordHasher.needs_rehash`). The hashes come from a database an admin imported, yet their
parameters are bounded all the same: one row must not make a login cost gigabytes or minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from functools import partial

MAX_SCRYPT_MEMORY = 256 * 1024 * 1024  # werkzeug's default (N=2**15, r=8, p=1) needs 32 MiB
MAX_PBKDF2_ITERATIONS = 5_000_000
PBKDF2_DEFAULT_ITERATIONS = 260_000  # werkzeug 2's, for `pbkdf2:sha256$...` without a count

_SCRYPT = re.compile(r"scrypt:(\d{1,10}):(\d{1,4}):(\d{1,4})\$([\x21-\x23\x25-\x7e]+)\$([0-9a-f]{32,256})")
_PBKDF2 = re.compile(r"pbkdf2:(sha256|sha512)(?::(\d{1,10}))?\$([\x21-\x23\x25-\x7e]+)\$([0-9a-f]{32,256})")

Derive = Callable[[bytes], bytes]


def is_werkzeug_hash(password_hash: str) -> bool:
    return password_hash.startswith(("scrypt:", "pbkdf2:"))


def supported(password_hash: str) -> bool:
    """Whether `verify` can check this hash: its form, and parameters within bounds."""
    return _parse(password_hash) is not None


def verify(password: str, password_hash: str) -> bool:
    """Whether `password` matches, in constant time; False for a hash `supported` refuses."""
    parsed = _parse(password_hash)
    if parsed is None:
        return False
    derive, expected = parsed
    return hmac.compare_digest(derive(password.encode("utf-8")).hex(), expected)


def _parse(password_hash: str) -> tuple[Derive, str] | None:
    if match := _SCRYPT.fullmatch(password_hash):
        n, r, p = (int(group) for group in match.groups()[:3])
        salt, expected = match.group(4).encode("ascii"), match.group(5)
        memory = 132 * n * r * p  # what werkzeug allows hashlib
        if n < 2 or n & (n - 1) or r < 1 or p < 1 or memory > MAX_SCRYPT_MEMORY or len(expected) % 2:
            return None
        derive = partial(hashlib.scrypt, salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=len(expected) // 2)
        return derive, expected
    if match := _PBKDF2.fullmatch(password_hash):
        name, count, salt, expected = match.groups()
        iterations = int(count) if count else PBKDF2_DEFAULT_ITERATIONS
        if not 1 <= iterations <= MAX_PBKDF2_ITERATIONS:
            return None
        pbkdf2 = partial(hashlib.pbkdf2_hmac, name, salt=salt.encode("ascii"), iterations=iterations)
        return (lambda password: pbkdf2(password=password)), expected
    return None
