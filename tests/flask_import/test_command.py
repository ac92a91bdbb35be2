"""`python -m backend import-flask-template`, run as an operator would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from backend.config import Settings
from tests.flask_import.template_db import TemplateData, werkzeug_pbkdf2, write_sqlite
from tests.harness import ROOT, server_env


def backend(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", "import-flask-template", *args],
        cwd=ROOT,
        env={**os.environ, **server_env(settings)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def small_clinic(path: Path) -> str:
    data = (
        TemplateData()
        .add("role", (1, "admin"), (2, "user"))
        .add("user", (3, "doctor", werkzeug_pbkdf2("pw")), (4, "x", werkzeug_pbkdf2("pw")))
        .add("user_role", (2, 3))
        .add("patient", (5, "Anna", "Muster", None, ""))
    )
    return write_sqlite(path, data)


def test_dry_run_then_import_then_nothing_left(settings: Settings, tmp_path: Path) -> None:
    source = small_clinic(tmp_path / "flask.db")
    dry = backend(settings, f"sqlite://{source}", "--dry-run", "--time-zone", "Europe/Zurich")
    assert dry.returncode == 0, dry.stderr
    assert "skipped user 4: username 'x' is refused by our rules" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    table = {
        line.split()[0]: line.split()[1:]
        for line in dry.stdout.splitlines()
        if line.startswith(("patient", "user"))
    }
    assert table["patient"][0] == "1"  # imported
    assert table["user"][-1] == "1"  # bad rows

    done = backend(settings, source)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("At that login, each imported password is re-hashed with bcrypt.")
    again = backend(settings, source)
    table = {
        line.split()[0]: line.split()[1:] for line in again.stdout.splitlines() if line.startswith("patient")
    }
    assert table["patient"][:4] == ["0", "0", "0", "1"]  # imported earlier


def test_refusals_are_plain_messages(settings: Settings, tmp_path: Path) -> None:
    zone = backend(settings, small_clinic(tmp_path / "flask.db"), "--time-zone", "Mars/Olympus")
    assert (zone.returncode, zone.stderr.strip()) == (
        2, "error: unknown time zone 'Mars/Olympus' (an IANA name, like Europe/Zurich)",
    )  # fmt: skip
    assert backend(settings, str(tmp_path / "missing.db")).stderr.startswith("error: no SQLite file at")
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    refused = backend(settings, str(other))
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: not a Flask template database (missing: table role, table user,")
