"""What the browser-test modules share: Chromium, the console's server, signing in, axe-core.

Importing this module skips the importing test module when Playwright's package, Chromium or
frontend/dist is missing, unless E2E_REQUIRED=1 (CI), which turns that into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.harness import ROOT, live_server
from tests.helpers import bearer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DIST = ROOT / "frontend" / "dist"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# axe-core ships with the project (a devDependency of the console), never from the network.
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ADMIN = ("admin", "admin password 123")
TIMEOUT_MS = 15_000
SECRET_KEY = "e2e-secret-key-that-is-long-enough-for-hs256"


def _unavailable(reason: str) -> None:
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(reason)
    pytest.skip(reason, allow_module_level=True)


try:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Locator,
        Page,
        Playwright,
        expect,
        sync_playwright,
    )
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - depends on the environment
    _unavailable("the playwright package is not installed")

__all__ = [
    "Browser",
    "BrowserContext",
    "Locator",
    "Page",
    "Playwright",
    "PlaywrightError",
    "expect",
    "sync_playwright",
]
# Assertions wait as long as actions: on a loaded CI machine (two suites side by side on two
# cores) a page can take longer than Playwright's default 5 s to show what a click changed.
expect.set_options(timeout=TIMEOUT_MS)

if not Path(CHROMIUM).is_file():
    _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
if not (DIST / "index.html").is_file():
    _unavailable("frontend/dist is not built (cd frontend && npm ci && npm run build)")


@dataclass
class Watch:
    """What a page did that it never should: dialogs (alert) and CSP violations."""

    dialogs: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        def on_dialog(dialog: object) -> None:
            self.dialogs.append(getattr(dialog, "message", "?"))
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda msg: (
                self.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.set_default_timeout(TIMEOUT_MS)
        return page

    def assert_clean(self) -> None:
        assert self.csp_violations == []
        assert self.dialogs == []
        assert self.page_errors == []


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        timeout=120,
    )


def console_env(tmp: Path, **extra_env: str) -> dict[str, str]:
    """The environment of a server on the SQLite database in `tmp`, serving frontend/dist."""
    return {
        "DATABASE_URL": f"sqlite://{tmp / 'app.db'}",
        "DATA_DIR": str(tmp / "data"),
        "SECRET_KEY": SECRET_KEY,
        "BCRYPT_ROUNDS": "4",
        "FRONTEND_DIST": str(DIST),
        **extra_env,
    }


def console_database(tmp: Path) -> Path:
    """A migrated SQLite database with the admin ADMIN, in `tmp`: its file, for `console_server`
    to copy (migrating once, not for every server)."""
    env = console_env(tmp)
    run_cli(env, "migrate")
    run_cli(env, "create-admin", "--username", ADMIN[0], "--password", ADMIN[1])
    return tmp / "app.db"


@contextmanager
def console_server(tmp: Path, *, database: Path | None = None, **extra_env: str) -> Iterator[str]:
    """The server on a fresh, migrated SQLite database with the admin ADMIN (a copy of `database`,
    from `console_database`, or made here), serving frontend/dist; its URL."""
    if database is None:
        database = console_database(tmp)
    else:
        for file in database.parent.glob(f"{database.name}*"):  # the database and any WAL beside it
            shutil.copyfile(file, tmp / file.name.replace(database.name, "app.db"))
    with live_server(console_env(tmp, **extra_env), log=tmp / "server.log") as (url, _process):
        yield url


def api_login(url: str, username: str, password: str) -> dict[str, str]:
    """Log in through the API (which must accept it): the Authorization header of that login."""
    response = httpx.post(f"{url}/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def create_user(url: str, admin: dict[str, str], username: str, password: str, **fields: object) -> int:
    """A user made through the API by `admin` (headers), needing no password change unless told: its id."""
    body = {"username": username, "password": password, "password_change_required": False, **fields}
    created = httpx.post(f"{url}/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def with_axe(context: BrowserContext) -> BrowserContext:
    """Every page of `context` gets axe-core before its own scripts.

    An init script goes in through the DevTools protocol, not a <script> element, so the page's
    Content-Security-Policy stays in force (and its violations are still reported).
    """
    if not AXE.is_file():
        _unavailable(f"no {AXE.relative_to(ROOT)} (cd frontend && npm ci)")
    context.add_init_script(path=AXE)
    return context


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    result = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: { type: "tag", values: tags },
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
            }));
        }""",
        AXE_TAGS,
    )
    assert isinstance(result, list)
    return result


def format_violations(violations: list[dict[str, object]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:  # type: ignore[attr-defined]
            summary = " ".join(str(node["summary"]).split())
            lines.append(f"    {json.dumps(node['target'])}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """Fail listing each WCAG 2 A/AA violation axe-core finds: id, impact, target selectors."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {where}:\n{format_violations(violations)}"
