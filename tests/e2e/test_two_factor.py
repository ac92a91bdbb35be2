"""Two-factor login in the console: the admin turns it on in My account (codes computed with pyotp
from the key the page shows), signs out, signs in with the code step, then with a recovery code,
which works once; and resets another user's two-factor from that user's page.

In Chromium against the real server and the built SPA (tests/e2e/browser.py says what it needs);
the module starts its own server, so it runs alone: `pytest tests/e2e/test_two_factor.py`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from tests.e2e.browser import (
    ADMIN,
    Page,
    Watch,
    api_login,
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

BOB = ("bob", "bob first password")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with console_server(tmp_path) as url:
        yield url


def next_code(secret: str, after: float) -> str:
    """The code of the time step after the one at `after`: the server takes a code once, and a step
    either side of its own."""
    return pyotp.TOTP(secret).at(after + 30)


def sign_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    heading(page, "Sign in")


def enroll_through_the_api(url: str, username: str, password: str) -> None:
    headers = api_login(url, username, password)
    secret = httpx.post(f"{url}/api/v1/auth/me/mfa/totp", headers=headers).json()["secret"]
    code = pyotp.TOTP(secret).now()
    confirmed = httpx.post(f"{url}/api/v1/auth/me/mfa/totp/confirm", json={"code": code}, headers=headers)
    assert confirmed.status_code == 200, confirmed.text


def test_turn_on_two_factor_then_sign_in_with_a_code_and_with_a_recovery_code(server: str) -> None:
    bob_id = create_user(server, api_login(server, *ADMIN), *BOB, roles=["user"])
    enroll_through_the_api(server, *BOB)
    watch = Watch()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = watch.attach(browser.new_context(viewport={"width": 1366, "height": 860}).new_page())
            page.goto(f"{server}/account")
            sign_in(page, *ADMIN)
            heading(page, "My account")

            page.get_by_role("button", name="Set up two-factor login").click()
            qr = page.get_by_role("img", name="QR code for your authenticator app")
            expect(qr).to_be_visible()
            assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml;")
            code_field = page.get_by_role("textbox", name="Code from the app")
            expect(code_field).to_be_focused()
            secret = page.get_by_test_id("mfa-secret").inner_text()
            shot(page, "two-factor-01-setup")
            enrolled_at = time.time()
            code_field.fill(pyotp.TOTP(secret).at(enrolled_at))
            page.get_by_role("button", name="Turn on").click()
            codes = page.get_by_test_id("recovery-codes").locator("li")
            expect(codes).to_have_count(10)
            recovery = codes.all_inner_texts()
            expect(page.get_by_role("button", name="Download")).to_be_visible()
            shot(page, "two-factor-02-recovery-codes")
            page.get_by_role("button", name="Done").click()
            expect(page.get_by_role("button", name="Turn off two-factor login")).to_be_visible()

            # Signing in now takes a code after the password.
            sign_out(page)
            sign_in(page, *ADMIN)
            code_step = page.get_by_role("textbox", name="Authentication code")
            expect(code_step).to_be_focused()
            code_step.fill(next_code(secret, enrolled_at))
            page.get_by_role("button", name="Verify").click()
            heading(page, "Dashboard")

            # A recovery code signs in once.
            sign_out(page)
            sign_in(page, *ADMIN)
            page.get_by_role("textbox", name="Authentication code").fill(recovery[0])
            page.get_by_role("button", name="Verify").click()
            heading(page, "Dashboard")
            sign_out(page)
            sign_in(page, *ADMIN)
            page.get_by_role("textbox", name="Authentication code").fill(recovery[0])
            page.get_by_role("button", name="Verify").click()
            expect(page.get_by_role("alert")).to_contain_text("not valid or was already used")
            page.get_by_role("textbox", name="Authentication code").fill(recovery[1])
            page.get_by_role("button", name="Verify").click()
            heading(page, "Dashboard")

            # The admin resets bob's two-factor: bob signs in with his password alone again.
            page.goto(f"{server}/users/{bob_id}")
            heading(page, BOB[0])
            page.get_by_role("button", name="Reset two-factor").click()
            page.get_by_role("dialog").get_by_role("button", name="Reset two-factor").click()
            expect(page.get_by_role("dialog")).to_be_hidden()
            expect(page.get_by_role("button", name="Reset two-factor")).to_have_count(0)
            shot(page, "two-factor-03-reset")
        finally:
            browser.close()
    watch.assert_clean()
    assert (
        "access_token"
        in httpx.post(f"{server}/api/v1/auth/login", json={"username": BOB[0], "password": BOB[1]}).json()
    )
