"""The audit trail in the console: an admin changes a user, then finds the change in the trail,
filters it, exports it, and opens the user's history from the user's page.

In Chromium against the real server and the built SPA (tests/e2e/browser.py says what it needs);
the module starts its own server, so it runs alone: `pytest tests/e2e/test_audit_trail.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser import (
    ADMIN,
    Watch,
    api_login,
    console_server,
    expect,
    heading,
    launch,
    sign_in,
    sync_playwright,
)

pytestmark = pytest.mark.e2e

BOB = ("bob", "bob first password")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with console_server(tmp_path) as url:
        api = f"{url}/api/v1"
        admin = api_login(url, *ADMIN)
        body = {"username": BOB[0], "password": BOB[1], "roles": ["user"]}
        assert httpx.post(f"{api}/users", json=body, headers=admin).status_code == 201
        yield url


def test_an_admin_finds_their_change_in_the_trail_and_in_the_users_history(server: str) -> None:
    watch = Watch()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 860}, accept_downloads=True)
            page = watch.attach(context.new_page())
            page.goto(f"{server}/users")
            sign_in(page, *ADMIN)
            heading(page, "Users")

            # The change: bob becomes an admin.
            page.get_by_role("button", name=f"Actions for {BOB[0]}").click()
            page.get_by_role("menuitem", name="Edit username and roles").click()
            dialog = page.get_by_role("dialog")
            dialog.get_by_role("combobox", name="Roles").click()
            page.get_by_role("option", name="admin").click()
            dialog.get_by_role("heading", name=f"Edit {BOB[0]}").click()  # close the dropdown
            dialog.get_by_role("button", name="Save").click()
            expect(dialog).to_be_hidden()

            # The trail says who did what to whom, newest first.
            page.get_by_role("link", name="Audit trail").click()
            heading(page, "Audit trail")
            rows = page.get_by_test_id("audit-row")
            expect(rows).to_have_count(2)
            newest = rows.first
            expect(newest).to_contain_text(ADMIN[0])
            expect(newest).to_contain_text("changed the user")
            expect(newest).to_contain_text(BOB[0])
            expect(newest).to_contain_text("roles: user → admin, user")
            expect(rows.nth(1)).to_contain_text("created the user")

            # A filter lives in the URL and narrows the list.
            page.get_by_role("combobox", name="Action").fill("user.create")
            page.get_by_role("option", name="user.create").click()
            page.get_by_role("button", name="Apply").click()
            expect(page).to_have_url(f"{server}/audit-trail?action=user.create")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("created the user")

            # The export is the filtered events.
            with page.expect_download() as download:
                page.get_by_role("button", name="Export CSV").click()
            exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
            assert [(row["action"], row["target_label"], row["actor"]) for row in exported] == [
                ("user.create", BOB[0], ADMIN[0])
            ]

            # From bob's page, his history: both events, and only his.
            rows.first.get_by_role("link", name=BOB[0]).click()
            heading(page, BOB[0])
            page.get_by_role("link", name="History").click()
            heading(page, f"History of {BOB[0]}")
            expect(page).to_have_url(f"{server}/audit-trail?target_type=user&target_id=2")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("changed the user")
            expect(rows.nth(1)).to_contain_text("created the user")
        finally:
            browser.close()
    watch.assert_clean()
