"""The lock files that `make run`, `make test` and the image install from pin the verified versions."""

from __future__ import annotations

from pathlib import Path

from backend import compat
from tests.harness import ROOT


def test_every_verified_version_is_the_one_the_lock_files_pin() -> None:
    for lock in sorted((ROOT / "requirements").glob("*.txt")):
        pins = pinned(lock)
        for package, version in compat.VERIFIED.items():
            if package in pins:
                assert pins[package] == version, f"{lock.name} pins {package} {pins[package]}"
    assert compat.VERIFIED.keys() <= pinned(ROOT / "requirements" / "lock.txt").keys()


def pinned(lock: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        name, separator, version = line.partition("==")
        if separator and not line.startswith((" ", "#")):
            pins[name.strip().lower()] = version.split()[0].rstrip("\\").strip()
    return pins
