"""The admin console's main journeys, in Chromium against the real server and the built SPA.

Each test gets its own server, on a fresh copy of a migrated SQLite database holding only the admin,
and sets up through the API whatever else it needs (users, logins, traffic for the access log), so
each one runs alone and in any order. The server serves frontend/dist (build it first:
`cd frontend && npm ci && npm run build`). Screenshots go to test-artifacts/e2e/.

Needs: `pip install playwright` (no `playwright install`: it drives /usr/bin/chromium,
`apt-get install chromium`). Without Chromium or a build the module is skipped, unless
E2E_REQUIRED=1 (CI), which turns that into a failure (tests/e2e/browser.py, which the
accessibility tests share).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser import (
    ADMIN,
    ARTIFACTS,
    Browser,
    Page,
    Watch,
    api_login,
    console_database,
    console_server,
    create_user,
    expect,
    heading,
    launch,
    shot,
    sign_in,
    sync_playwright,
)

pytestmark = pytest.mark.e2e

ALICE = "alice"
ALICE_PASSWORD = "alice first password"
ALICE_TEMPORARY = "alice temporary password"
ALICE_NEW = "alice chose this password"
LOCKED = "lockout-target"
LOCKED_PASSWORD = "lockout target password"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@dataclass
class Console:
    """One test's server and browser: pages in contexts of their own, watched for what they never
    should do (checked after the test)."""

    url: str
    browser: Browser
    watch: Watch = field(default_factory=Watch)

    def page(self, **context_options: object) -> Page:
        options = {"viewport": {"width": 1280, "height": 800}} | context_options
        return self.watch.attach(self.browser.new_context(**options).new_page())  # type: ignore[arg-type]

    def signed_in(self, path: str = "/", *, username: str = ADMIN[0], password: str = ADMIN[1]) -> Page:
        """A page of a browser of its own, signed in (as the admin unless told) and showing `path`."""
        page = self.page(viewport={"width": 1366, "height": 860}, accept_downloads=True)
        page.goto(f"{self.url}{path}")
        heading(page, "Sign in")
        sign_in(page, username, password)
        expect(page.get_by_role("heading", name="Sign in")).to_be_hidden()
        return page

    def admin_api(self) -> dict[str, str]:
        """The Authorization header of a new login of the admin, through the API."""
        return api_login(self.url, *ADMIN)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    return console_database(tmp_path_factory.mktemp("e2e-template"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def console(tmp_path: Path, database: Path, browser: Browser) -> Iterator[Console]:
    """A server of the test's own; after the test, no page broke the CSP, raised or opened a dialog."""
    # The lockout test must see its lockout still in force on a slow machine (default 30 s).
    with console_server(tmp_path, database=database, LOGIN_BACKOFF_SECONDS="600") as url:
        console = Console(url=url, browser=browser)
        try:
            yield console
        finally:
            for context in browser.contexts:
                context.close()
    console.watch.assert_clean()


def traffic(url: str, admin: dict[str, str]) -> None:
    """Requests of the admin's for the access log and its charts: successes and misses."""
    for path in ["/users", "/roles", "/no-such-thing", "/access-log"] * 3:
        httpx.get(f"{url}/api/v1{path}", headers=admin)


def test_login_and_reload_keep_the_session_without_web_storage(console: Console) -> None:
    page = console.page()
    page.goto(f"{console.url}/users")
    heading(page, "Sign in")
    shot(page, "01-login")
    sign_in(page, "admin", "wrong password!")
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")
    sign_in(page, *ADMIN)
    heading(page, "Users")  # back to where the login page was reached from
    page.reload()
    heading(page, "Users")  # the HttpOnly cookie brought the session back
    cookie = next(c for c in page.context.cookies() if c["name"] == "refresh_token")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth"
    storage = page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert "token" not in storage.lower()
    assert "eyJ" not in storage  # no JWT anywhere


def test_dashboard_renders_its_charts(console: Console) -> None:
    traffic(console.url, console.admin_api())
    page = console.signed_in("/users")
    page.get_by_role("link", name="Dashboard").click()
    heading(page, "Dashboard")
    chart = page.get_by_test_id("requests-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect").first).to_be_attached()
    expect(page.get_by_test_id("chart-paths").get_by_test_id("ranked-item").first).to_be_visible()
    expect(page.get_by_test_id("chart-latency").get_by_test_id("ranked-item")).to_have_count(4)
    expect(page.get_by_test_id("chart-users")).to_contain_text("admin")
    page.get_by_text("Last hour").click()
    expect(chart.locator("rect").first).to_be_attached()
    shot(page, "02-dashboard")


def test_create_a_role_and_a_user_with_it(console: Console) -> None:
    page = console.signed_in("/roles")
    heading(page, "Roles")
    page.get_by_role("button", name="New role").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Name").fill("Bad Name")
    dialog.get_by_role("button", name="Create role").click()
    expect(dialog.get_by_role("textbox", name="Name")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_role("textbox", name="Name").fill("auditor")
    dialog.get_by_role("textbox", name="Description").fill("Reads the access log")
    dialog.get_by_role("button", name="Create role").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_test_id("role-row").filter(has_text="auditor")
    expect(row).to_contain_text("Reads the access log")
    shot(page, "03-roles")

    page.get_by_role("link", name="Users").click()
    heading(page, "Users")
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Username").fill(ALICE)
    dialog.get_by_role("textbox", name="Temporary password").fill(ALICE_PASSWORD)
    dialog.get_by_role("combobox", name="Roles").click()
    page.get_by_role("option", name="admin").click()
    page.get_by_role("option", name="auditor").click()
    dialog.get_by_role("heading", name="New user").click()  # close the dropdown
    dialog.get_by_label("Must change the password at first login").uncheck()
    shot(page, "04-new-user")
    dialog.get_by_role("button", name="Create user").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("textbox", name="Search users").fill("ali")
    expect(page).to_have_url(f"{console.url}/users?q=ali")
    row = page.get_by_test_id("user-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("auditor")
    expect(row).to_contain_text("admin")
    shot(page, "05-users")

    # A duplicate username is a 409 shown in the form.
    page.get_by_role("button", name="New user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Username").fill("ALICE")
    dialog.get_by_role("textbox", name="Temporary password").fill(ALICE_PASSWORD)
    dialog.get_by_role("button", name="Create user").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    shot(page, "06-new-user-error")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()


def test_blocking_a_login_sends_that_browser_to_the_login_page(console: Console) -> None:
    create_user(console.url, console.admin_api(), ALICE, ALICE_PASSWORD, roles=["admin", "user"])
    second = console.signed_in(username=ALICE, password=ALICE_PASSWORD)
    heading(second, "Dashboard")

    page = console.signed_in("/users")
    page.get_by_role("link", name=ALICE).click()
    heading(page, ALICE)
    rows = page.get_by_test_id("token-row")
    expect(rows).to_have_count(1)
    rows.get_by_role("button", name="Block").click()
    expect(rows.first).to_contain_text("blocked")
    shot(page, "07-user-logins-blocked")

    second.get_by_role("link", name="Users").click()  # its next request
    heading(second, "Sign in")
    expect(second.get_by_test_id("session-message")).to_contain_text("blocked")
    shot(second, "08-signed-out-by-block")

    rows.get_by_role("button", name="Unblock").click()
    expect(rows.first).to_contain_text("active")


def test_password_reset_forces_a_change_at_next_login(console: Console) -> None:
    create_user(console.url, console.admin_api(), ALICE, ALICE_PASSWORD, roles=["admin", "user"])
    page = console.signed_in("/users")
    page.get_by_role("button", name=f"Actions for {ALICE}").click()
    page.get_by_role("menuitem", name="Reset password").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="New password").fill("short")
    dialog.get_by_role("button", name="Reset password").click()
    # the policy message from problem+json `errors[].loc`, next to the field
    expect(dialog.get_by_role("textbox", name="New password")).to_have_attribute("data-invalid", "true")
    dialog.get_by_role("textbox", name="New password").fill(ALICE_TEMPORARY)
    expect(dialog.get_by_label("Must change at next login")).to_be_checked()
    dialog.get_by_role("button", name="Reset password").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("user-row").filter(has_text=ALICE)).to_contain_text("must change password")

    second = console.page()
    second.goto(console.url)
    sign_in(second, ALICE, ALICE_TEMPORARY)
    heading(second, "Choose a new password")
    expect(second.get_by_test_id("forced-change")).to_be_visible()
    second.goto(f"{console.url}/users")  # a reload: the cookie restores the session, still held here
    heading(second, "Choose a new password")
    shot(second, "09-forced-password-change")

    second.get_by_role("textbox", name="Current password").fill("not my password")
    second.get_by_role("textbox", name="New password", exact=True).fill(ALICE_NEW)
    second.get_by_role("textbox", name="Repeat the new password").fill(ALICE_NEW)
    second.get_by_role("button", name="Change password").click()
    expect(second.get_by_role("textbox", name="Current password")).to_have_attribute("data-invalid", "true")
    second.get_by_role("textbox", name="Current password").fill(ALICE_TEMPORARY)
    second.get_by_role("button", name="Change password").click()
    heading(second, "Dashboard")


def test_hostile_user_agent_shows_as_text_in_the_access_log(console: Console) -> None:
    hostile = console.page(user_agent=HOSTILE)
    hostile.goto(console.url)
    sign_in(hostile, "nobody", "not a real password")
    expect(hostile.get_by_role("alert")).to_be_visible()
    hostile.context.close()

    page = console.signed_in()
    page.get_by_role("link", name="Access log").click()
    heading(page, "Access log")
    page.get_by_role("textbox", name="Path starts with").fill("/api/v1/auth/login")
    page.get_by_role("textbox", name="Status").fill("401")
    page.get_by_role("button", name="Apply").click()
    agents = page.get_by_test_id("log-user-agent").filter(has_text="onerror")
    expect(agents.first).to_have_text(HOSTILE)
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("main script").count() == 0
    assert console.watch.dialogs == []
    shot(page, "10-access-log-hostile-agent")


def test_filter_the_access_log_and_export_it(console: Console) -> None:
    traffic(console.url, console.admin_api())
    failed = httpx.post(
        f"{console.url}/api/v1/auth/login",
        json={"username": "nobody", "password": "not a real password"},
        headers={"User-Agent": HOSTILE},
    )
    assert failed.status_code == 401
    page = console.signed_in("/access-log")
    heading(page, "Access log")
    page.get_by_role("textbox", name="Status").fill("4xx")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(f"{console.url}/access-log?status=4xx")
    expect(page.get_by_role("table", name="Access log")).to_have_attribute("aria-busy", "false")
    rows = page.get_by_test_id("log-row")
    expect(rows.first).to_be_visible()
    # The filtered page replaces the previous one: wait until no other status is shown.
    expect(rows.locator("td:nth-child(4)").filter(has_not_text=re.compile(r"^4"))).to_have_count(0)
    for status in rows.locator("td:nth-child(4)").all_inner_texts():
        assert status.startswith("4"), status
    shot(page, "11-access-log-4xx")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(content)))
    header, data = table[0], table[1:]
    assert header[:3] == ["id", "timestamp", "request_id"]
    assert data, "the export has rows"
    status_column = header.index("status")
    assert all(row[status_column].startswith("4") for row in data)
    assert any(HOSTILE in row for row in data)  # the CSV keeps the raw value


def test_my_account_signs_out_other_logins(console: Console) -> None:
    other = console.admin_api()  # the admin's only other login
    page = console.signed_in("/account")
    heading(page, "My account")
    expect(page.get_by_test_id("token-row").filter(has_text="this browser")).to_have_count(1)
    page.get_by_role("button", name="Sign out everywhere else").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out other logins").click()
    expect(page.get_by_role("status")).to_contain_text("Signed out 1 other login")
    shot(page, "12-my-account")
    assert httpx.get(f"{console.url}/api/v1/auth/me", headers=other).status_code == 401
    page.reload()
    heading(page, "My account")  # this browser is still signed in


def test_lifting_a_lockout_lets_the_user_sign_in_again(console: Console) -> None:
    login = f"{console.url}/api/v1/auth/login"
    create_user(console.url, console.admin_api(), LOCKED, LOCKED_PASSWORD)
    page = console.signed_in("/lockouts")
    heading(page, "Lockouts")
    table = page.get_by_role("table", name="Lockouts")
    expect(table.get_by_role("columnheader")).to_have_count(5)
    expect(table).to_contain_text("No one is locked out.")

    # LOGIN_FAILURES_PER_USERNAME (5) wrong passwords lock (LOCKED, 127.0.0.1), well below
    # LOGIN_FAILURES_PER_IP (20).
    for _ in range(5):
        assert httpx.post(login, json={"username": LOCKED, "password": "a wrong guess"}).status_code == 401
    refused = httpx.post(login, json={"username": LOCKED, "password": LOCKED_PASSWORD})
    assert refused.status_code == 429, refused.text

    page.get_by_role("textbox", name="Username").fill(LOCKED)
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(f"{console.url}/lockouts?username={LOCKED}")
    rows = page.get_by_test_id("lockout-row")
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="Clear").click()
    expect(page).to_have_url(f"{console.url}/lockouts")
    row = rows.filter(has_text=LOCKED)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("127.0.0.1")
    expect(row.locator("td").nth(2)).to_have_text("5")
    shot(page, "13-lockouts")

    row.get_by_role("button", name=f"Lift lockout of {LOCKED} at 127.0.0.1", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"{LOCKED} may try to sign in from 127.0.0.1 again at once")
    expect(dialog).to_have_css("opacity", "1")  # the modal's transition is over
    shot(page, "14-lockout-lift")
    dialog.get_by_role("button", name="Lift lockout").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text(f"Lifted the lockout of {LOCKED} at 127.0.0.1")
    expect(rows).to_have_count(0)
    expect(table).to_contain_text("No one is locked out.")
    shot(page, "15-lockout-lifted")

    signed_in = httpx.post(login, json={"username": LOCKED, "password": LOCKED_PASSWORD})
    assert signed_in.status_code == 200, signed_in.text


def test_dark_mode_and_tablet_width(console: Console) -> None:
    traffic(console.url, console.admin_api())
    page = console.signed_in("/users")
    page.get_by_text("Dark", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")
    page.get_by_role("link", name="Dashboard").click()
    heading(page, "Dashboard")
    expect(page.get_by_test_id("requests-chart").locator("rect").first).to_be_attached()
    shot(page, "16-dashboard-dark")
    page.set_viewport_size({"width": 820, "height": 1180})
    page.get_by_role("link", name="Users").click()
    heading(page, "Users")
    shot(page, "17-users-tablet-dark")
    page.get_by_text("Light", exact=True).click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")
