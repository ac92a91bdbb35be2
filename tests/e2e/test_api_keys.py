"""API keys in the console: a user creates a key, copies it (shown once), uses it with an HTTP
client against the live server, and revokes it; the page passes axe-core's WCAG checks.

In Chromium against the real server and the built SPA (tests/e2e/browser.py says what it needs);
the module starts its own server, so it runs alone: `pytest tests/e2e/test_api_keys.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser import (
    ADMIN,
    Watch,
    api_login,
    assert_accessible,
    console_server,
    create_user,
    expect,
    heading,
    launch,
    sign_in,
    sync_playwright,
    with_axe,
)
from tests.helpers import bearer

pytestmark = pytest.mark.e2e

NURSE = ("nurse", "nurse first password")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with console_server(tmp_path) as url:
        create_user(url, api_login(url, *ADMIN), NURSE[0], NURSE[1], roles=["user"])
        yield url


def test_a_user_creates_copies_uses_and_revokes_a_key(server: str) -> None:
    watch = Watch()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = with_axe(
                browser.new_context(
                    viewport={"width": 1366, "height": 860}, permissions=["clipboard-read", "clipboard-write"]
                )
            )
            page = watch.attach(context.new_page())
            page.goto(f"{server}/api-keys")
            sign_in(page, *NURSE)
            heading(page, "API keys")
            assert_accessible(page, "the API keys page")

            form = page.get_by_role("form", name="New API key")
            form.get_by_role("textbox", name="Name").fill("nightly export")
            expect(form.get_by_role("checkbox")).to_have_count(1)  # only the roles nurse holds
            form.get_by_role("checkbox", name="user").check()
            form.get_by_role("button", name="Create key").click()

            shown = page.get_by_test_id("new-api-key")
            expect(shown.get_by_text("you will not see it again")).to_be_visible()
            expect(shown.get_by_role("heading")).to_be_focused()
            shown.get_by_role("button", name="Copy key").click()
            expect(shown.get_by_role("status")).to_have_text("Copied the key to the clipboard.")
            key = page.evaluate("navigator.clipboard.readText()")
            assert key.startswith("srt_")
            assert page.get_by_test_id("new-api-key-value").inner_text() == key
            assert_accessible(page, "the new key")

            # The key works from any HTTP client, with the roles it was given.
            with httpx.Client(base_url=server) as http:
                assert http.get("/api/v1/patients", headers=bearer(key)).status_code == 200
                assert (
                    http.get("/api/v1/auth/me", headers=bearer(key)).json()["code"] == "api_key_not_allowed"
                )

            shown.get_by_role("button", name="Done").click()
            expect(shown).to_be_hidden()
            expect(page.get_by_text(key)).to_have_count(0)
            mine = page.get_by_role("table", name="My API keys")
            expect(mine.get_by_test_id("api-key-row")).to_have_count(1)
            expect(mine.get_by_text(key[:20], exact=True)).to_be_visible()  # the prefix only

            mine.get_by_role("button", name="Revoke key nightly export").click()
            dialog = page.get_by_role("dialog")
            expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
            dialog.get_by_role("button", name="Revoke key").click()
            expect(page.get_by_text("Revoked the key nightly export")).to_be_visible()
            expect(page.get_by_text("You have no API keys.")).to_be_visible()
            with httpx.Client(base_url=server) as http:
                assert http.get("/api/v1/patients", headers=bearer(key)).status_code == 401
            watch.assert_clean()
        finally:
            browser.close()


def test_an_admin_sees_filters_and_revokes_everyones_keys(server: str) -> None:
    nurse = api_login(server, *NURSE)
    body = {"name": "lab sync", "roles": ["user"], "expires_in_days": 7}
    made = httpx.post(f"{server}/api/v1/auth/me/api-keys", json=body, headers=nurse)
    assert made.status_code == 201, made.text
    watch = Watch()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = with_axe(browser.new_context(viewport={"width": 1366, "height": 860}))
            page = watch.attach(context.new_page())
            page.goto(f"{server}/api-keys")
            sign_in(page, *ADMIN)
            heading(page, "API keys")
            every = page.get_by_role("table", name="All API keys")
            expect(every.get_by_role("cell", name="nurse", exact=True)).to_be_visible()
            assert_accessible(page, "the API keys page of an admin")

            page.get_by_role("combobox", name="Owner").click()
            page.get_by_role("option", name=ADMIN[0], exact=True).click()
            expect(page.get_by_text("This user has no API keys.")).to_be_visible()
            page.get_by_role("combobox", name="Owner").click()
            page.get_by_role("option", name="nurse", exact=True).click()
            expect(every.get_by_test_id("api-key-row")).to_have_count(1)

            every.get_by_role("button", name="Revoke key lab sync of nurse").click()
            page.get_by_role("dialog").get_by_role("button", name="Revoke key").click()
            expect(page.get_by_text("This user has no API keys.")).to_be_visible()
            key = made.json()["key"]
            assert httpx.get(f"{server}/api/v1/patients", headers=bearer(key)).status_code == 401
            watch.assert_clean()
        finally:
            browser.close()
