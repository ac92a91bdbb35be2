"""The admin console meets WCAG 2.1 AA: axe-core, the keyboard, names, tables, errors, reflow.

In Chromium against the real server and the built SPA (see tests/e2e/browser.py for what it
needs). The module starts its own server and seeds it through the API; every test signs in on
its own and builds on no other test, so each one runs alone (`pytest -k ...`). Screenshots of
each page and modal, light and dark, and at narrow widths go to test-artifacts/a11y/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.e2e.browser import (
    ADMIN,
    Browser,
    Locator,
    Page,
    PlaywrightError,
    Watch,
    api_login,
    axe_violations,
    console_server,
    create_user,
    expect,
    format_violations,
    heading,
    launch,
    sign_in,
    sync_playwright,
    with_axe,
)
from tests.harness import ROOT

pytestmark = pytest.mark.e2e

SHOTS = ROOT / "test-artifacts" / "a11y"
ALICE = ("alice", "alice first password")  # three logins: active, blocked, revoked
CAROL = ("carol", "carol temporary password")  # must change her password
DAVE = ("dave", "dave plain user password")  # no admin role
LOCKED = "locked-out"
SCHEMES = ["light", "dark"]


@dataclass
class Console:
    url: str
    browser: Browser
    alice_id: int
    watches: list[Watch] = field(default_factory=list)

    def page(
        self,
        *,
        scheme: str = "light",
        width: int = 1280,
        height: int = 800,
        scale: float = 1,
        motion: str = "reduce",
    ) -> Page:
        context = with_axe(
            self.browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=scale,
                color_scheme=scheme,  # type: ignore[arg-type]
                reduced_motion=motion,  # type: ignore[arg-type]
            )
        )
        watch = Watch()
        self.watches.append(watch)
        return watch.attach(context.new_page())

    def signed_in(self, page: Page, path: str = "/", user: tuple[str, str] = ADMIN) -> Page:
        page.goto(f"{self.url}{path}")
        heading(page, "Sign in")
        sign_in(page, *user)
        expect(page.get_by_role("heading", name="Sign in")).to_be_hidden()
        return page


def _seed(url: str) -> int:
    """Users, roles, logins in every state, a lockout and a varied access log; alice's id."""
    api = f"{url}/api/v1"
    admin = api_login(url, *ADMIN)
    role = httpx.post(f"{api}/roles", json={"name": "auditor", "description": "Reads the log"}, headers=admin)
    assert role.status_code == 201, role.text
    alice_id = create_user(url, admin, *ALICE, roles=["user", "auditor"])
    create_user(url, admin, *CAROL, password_change_required=True)
    create_user(url, admin, *DAVE)
    create_user(url, admin, "bob", "bob has been deactivated", is_active=False)
    create_user(url, admin, LOCKED, "locked out password 123")

    alice = [api_login(url, *ALICE) for _ in range(3)]
    items = httpx.get(f"{api}/users/{alice_id}/tokens", headers=admin).json()["items"]  # newest first
    blocked, revoked = items[0]["id"], items[1]["id"]
    assert httpx.patch(f"{api}/tokens/{blocked}", json={"blocked": True}, headers=admin).status_code == 200
    assert httpx.delete(f"{api}/auth/me/tokens/{revoked}", headers=alice[0]).status_code == 204
    api_login(url, *ADMIN)  # another login of the admin's, for "Sign out everywhere else"

    for _ in range(5):  # LOGIN_FAILURES_PER_USERNAME wrong passwords lock it at 127.0.0.1
        httpx.post(f"{api}/auth/login", json={"username": LOCKED, "password": "a wrong guess"})
    for path in ["/users", "/no-such-thing", "/users?page=0"] * 20:  # 2xx, 4xx; pages of the log
        httpx.get(f"{api}{path}", headers=admin)
    return alice_id


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    tmp = tmp_path_factory.mktemp("a11y")
    with (
        console_server(tmp, LOGIN_BACKOFF_SECONDS="600", LOGIN_FAILURES_PER_IP="1000") as url,
        sync_playwright() as playwright,
    ):
        alice_id = _seed(url)
        browser = launch(playwright)
        try:
            yield Console(url=url, browser=browser, alice_id=alice_id)
        finally:
            browser.close()


@pytest.fixture
def app(console: Console) -> Iterator[Console]:
    """The console; after the test, no page broke the CSP, raised or opened a dialog."""
    console.watches.clear()
    yield console
    for watch in console.watches:
        watch.assert_clean()


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def settle(page: Page) -> None:
    """No transition running and no request pending: what a person would see now."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".mantine-Loader-root")).to_have_count(0)
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")


def close_with_escape(page: Page) -> None:
    """Escape closes an open listbox first (a combobox keeps the key), then the modal."""
    dialog = page.get_by_role("dialog")
    for _ in range(2):
        page.keyboard.press("Escape")
        if dialog.count() == 0 or not dialog.first.is_visible():
            break
        page.wait_for_timeout(50)
    expect(dialog).to_be_hidden()


class Audit:
    """axe-core on each state of a page; every violation is collected, then reported at once."""

    def __init__(self, page: Page, scheme: str) -> None:
        self.page = page
        self.scheme = scheme
        self.found: dict[str, list[dict[str, object]]] = {}
        self.states: list[str] = []

    def __call__(self, state: str) -> None:
        settle(self.page)
        expect(self.page.locator("html")).to_have_attribute("data-mantine-color-scheme", self.scheme)
        violations = axe_violations(self.page)
        if violations:
            self.found[state] = violations
        self.states.append(state)
        shoot(self.page, f"{self.scheme}-{re.sub(r'[^a-z0-9]+', '-', state.lower()).strip('-')}")

    def dialog(
        self, opener: Locator | Callable[[], None], state: str, then: Callable[[], None] | None = None
    ) -> None:
        """Open a modal (click `opener`, or call it), audit it and what `then` does in it; Escape."""
        if callable(opener):
            opener()
        else:
            opener.click()
        dialog = self.page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        self(state)
        if then is not None:
            then()
        close_with_escape(self.page)

    def assert_clean(self) -> None:
        assert self.states, "nothing was audited"
        report = "\n\n".join(f"{state}:\n{format_violations(v)}" for state, v in self.found.items())
        assert not self.found, f"axe-core, {self.scheme}:\n{report}"


# ---------------------------------------------------------------------------------------------
# axe-core on every page and modal, light and dark


def _login_page(app: Console, page: Page, audit: Audit) -> None:
    page.goto(f"{app.url}/login")
    heading(page, "Sign in")
    audit("login")
    sign_in(page, "nobody-at-all", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")
    audit("login, failed")


def _dashboard(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/")
    heading(page, "Dashboard")
    expect(page.get_by_test_id("requests-chart").locator("rect").first).to_be_attached()
    audit("dashboard")
    page.get_by_text("Show the numbers").click()
    expect(page.get_by_role("table", name=re.compile("^Requests per"))).to_be_visible()
    audit("dashboard, the numbers")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("menu")).to_be_visible()
    audit("dashboard, user menu")
    page.keyboard.press("Escape")


def _users(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/users")
    heading(page, "Users")
    expect(page.get_by_test_id("user-row").filter(has_text=ALICE[0])).to_be_visible()
    audit("users")
    page.get_by_role("combobox", name="Role").click()
    expect(page.get_by_role("listbox")).to_be_visible()
    audit("users, role filter open")
    page.keyboard.press("Escape")
    page.get_by_role("button", name=f"Actions for {ALICE[0]}").click()
    expect(page.get_by_role("menu")).to_be_visible()
    audit("users, actions menu")
    page.keyboard.press("Escape")

    def new_user_errors() -> None:
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("textbox", name="Username").fill("x")
        dialog.get_by_role("textbox", name="Temporary password").fill("short")
        dialog.get_by_role("button", name="Create user").click()
        expect(dialog.get_by_role("textbox", name="Username")).to_have_attribute("aria-invalid", "true")
        audit("users, new user, errors")

    audit.dialog(page.get_by_role("button", name="New user"), "users, new user", new_user_errors)

    def from_menu(item: str) -> Callable[[], None]:
        def open_item() -> None:
            page.get_by_role("button", name=f"Actions for {ALICE[0]}").click()
            page.get_by_role("menuitem", name=item).click()

        return open_item

    audit.dialog(from_menu("Edit username and roles"), "users, edit")

    def reset_errors() -> None:
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("textbox", name="New password").fill("short")
        dialog.get_by_role("button", name="Reset password").click()
        expect(dialog.get_by_role("textbox", name="New password")).to_have_attribute("aria-invalid", "true")
        audit("users, reset password, errors")

    audit.dialog(from_menu("Reset password"), "users, reset password", reset_errors)
    audit.dialog(from_menu("Deactivate"), "users, deactivate")
    audit.dialog(from_menu("Delete"), "users, delete")


def _user_logins(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, f"/users/{app.alice_id}")
    heading(page, ALICE[0])
    expect(page.get_by_test_id("token-row")).to_have_count(3)
    audit("user logins")
    audit.dialog(page.get_by_role("button", name="Revoke all logins"), "user logins, revoke all")


def _lockouts(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/lockouts")
    heading(page, "Lockouts")
    row = page.get_by_test_id("lockout-row").filter(has_text=LOCKED)
    expect(row).to_have_count(1)
    audit("lockouts")
    audit.dialog(row.get_by_role("button", name=re.compile("^Lift lockout")), "lockouts, lift")


def _roles(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/roles")
    heading(page, "Roles")
    row = page.get_by_test_id("role-row").filter(has_text="auditor")
    expect(row).to_be_visible()
    audit("roles")

    def new_role_errors() -> None:
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("textbox", name="Name").fill("Bad Name")
        dialog.get_by_role("button", name="Create role").click()
        expect(dialog.get_by_role("textbox", name="Name")).to_have_attribute("aria-invalid", "true")
        audit("roles, new role, errors")

    audit.dialog(page.get_by_role("button", name="New role"), "roles, new role", new_role_errors)
    audit.dialog(row.get_by_role("button", name="Edit"), "roles, edit")
    audit.dialog(row.get_by_role("button", name="Delete"), "roles, delete")


def _access_log(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/access-log")
    heading(page, "Access log")
    expect(page.get_by_test_id("log-row").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Pages")).to_be_visible()
    audit("access log")
    page.get_by_role("textbox", name="Status").fill("abc")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("textbox", name="Status")).to_have_attribute("aria-invalid", "true")
    audit("access log, invalid filter")


def _audit_trail(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/audit-trail")
    heading(page, "Audit trail")
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    audit("audit trail")
    page.get_by_role("textbox", name="Target id").fill("3")  # without a target type: refused
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("combobox", name="Target type")).to_have_attribute("aria-invalid", "true")
    audit("audit trail, invalid filter")
    page.goto(f"{app.url}/audit-trail?target_type=user&target_id={app.alice_id}")
    heading(page, f"History of {ALICE[0]}")
    audit("audit trail, a user's history")


def _account(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/account")
    heading(page, "My account")
    expect(page.get_by_test_id("token-row").filter(has_text="this browser")).to_have_count(1)
    audit("my account")
    page.get_by_role("textbox", name="New password", exact=True).fill("one new password")
    page.get_by_role("textbox", name="Repeat the new password").fill("another one")
    expect(page.get_by_role("textbox", name="Repeat the new password")).to_have_attribute(
        "aria-invalid", "true"
    )
    audit("my account, passwords differ")
    audit.dialog(
        page.get_by_role("button", name="Sign out everywhere else"),
        "my account, sign out elsewhere",
    )
    audit.dialog(
        page.get_by_test_id("token-row").get_by_role("button", name="Sign out").first,
        "my account, sign out one",
    )


def _api_keys(app: Console, page: Page, audit: Audit) -> None:
    app.signed_in(page, "/api-keys")
    heading(page, "API keys")
    audit("api keys, none of mine")
    form = page.get_by_role("form", name="New API key")
    form.get_by_role("button", name="Create key").click()
    expect(form.get_by_role("textbox", name="Name")).to_have_attribute("aria-invalid", "true")
    audit("api keys, errors")
    form.get_by_role("textbox", name="Name").fill("audit")
    form.get_by_role("checkbox", name="user").check()
    form.get_by_role("button", name="Create key").click()
    expect(page.get_by_test_id("new-api-key")).to_be_visible()
    audit("api keys, the new key")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("table", name="All API keys").get_by_test_id("api-key-row").first).to_be_visible()
    audit("api keys, listed")
    audit.dialog(
        page.get_by_role("table", name="My API keys").get_by_role("button", name="Revoke key audit").first,
        "api keys, revoke",
    )


def _other_users(app: Console, page: Page, audit: Audit) -> None:
    """The forced password change, a user without the admin role, a page that does not exist."""
    app.signed_in(page, "/", CAROL)
    heading(page, "Choose a new password")
    audit("forced password change")
    page.get_by_role("button", name="Sign out instead").click()
    heading(page, "Sign in")
    sign_in(page, *DAVE)
    expect(page.get_by_test_id("not-admin")).to_be_visible()
    audit("not an admin")
    page.goto(f"{app.url}/no-such-page")
    heading(page, "Page not found")
    audit("not found")


PAGES: dict[str, Callable[[Console, Page, Audit], None]] = {
    "login": _login_page,
    "dashboard": _dashboard,
    "users": _users,
    "user-logins": _user_logins,
    "lockouts": _lockouts,
    "roles": _roles,
    "access-log": _access_log,
    "audit-trail": _audit_trail,
    "account": _account,
    "api-keys": _api_keys,
    "other-users": _other_users,
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violation(app: Console, name: str, scheme: str) -> None:
    page = app.page(scheme=scheme)
    audit = Audit(page, scheme)
    PAGES[name](app, page, audit)
    audit.assert_clean()


# ---------------------------------------------------------------------------------------------
# The keyboard alone

# The focused element: is a focus indicator drawn (an outline on it, on the label or track
# drawn next to a visually hidden radio, checkbox or switch, or on the input box around an inner
# <input>), is it on screen, is it in a modal?
FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const ring = (e) => {
        if (!e) return false;
        const s = getComputedStyle(e);
        const box = e.getBoundingClientRect();
        return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1
            && s.outlineColor !== "rgba(0, 0, 0, 0)" && box.width > 0 && box.height > 0;
    };
    const shown = [el, el.nextElementSibling, el.closest(".mantine-Input-input")].find(ring);
    const r = (shown || el).getBoundingClientRect();
    return {
        ring: shown !== undefined,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
            && r.top < innerHeight && r.left < innerWidth,
        inDialog: el.closest("[role=dialog]") !== null,
    };
}"""


class Keys:
    """Tab, Shift+Tab, Enter and Escape only; after each key, focus is somewhere and visible."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.trail: list[str] = []

    def focused(self) -> str:
        """The focused element as role "name", from Chromium's accessibility tree."""
        focus = self.page.locator(":focus")
        for _ in range(5):  # the focused element may be replaced while we look
            if focus.count() == 0:
                return "(nothing)"
            try:
                line = focus.first.aria_snapshot(timeout=1000).splitlines()[0]
                break
            except PlaywrightError:
                continue
        else:
            return "(unknown)"
        match = re.match(r'- (\w+)(?: "((?:[^"\\]|\\.)*)")?', line)
        return f'{match[1]} "{match[2] or ""}"' if match else line

    def state(self) -> dict[str, bool]:
        state = self.page.evaluate(FOCUS_STATE)
        assert state is not None, f"focus fell back to the page after {self.trail[-6:]}"
        assert isinstance(state, dict)
        return state

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.trail.append(key)

    def expect_focus(self, target: str) -> None:
        """Focus lands on `target` (role "name") and shows; waits for it (a modal opening)."""
        expect(self.page.locator(":focus")).to_have_count(1)
        for _ in range(50):
            if self.focused() == target:
                break
            self.page.wait_for_timeout(20)
        assert self.focused() == target, f"focus on {self.focused()}, not {target}; {self.trail[-6:]}"
        self.assert_visible()

    def assert_visible(self) -> None:
        state = self.state()
        where = self.focused()
        assert state["ring"], f"no focus indicator on {where}"
        assert state["onScreen"], f"{where} has focus off screen"

    def tab_to(self, target: str, *, back: bool = False, limit: int = 60) -> None:
        """Tab (or Shift+Tab) until `target` has focus; every stop on the way shows its focus."""
        for _ in range(limit):
            self.press("Shift+Tab" if back else "Tab")
            self.assert_visible()
            where = self.focused()
            self.trail.append(where)
            if where == target:
                return
        raise AssertionError(
            f"{target} not reached with {'Shift+' if back else ''}Tab: {self.trail[-limit:]}"
        )

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def assert_trapped(self) -> None:
        """Tab and Shift+Tab go round the open modal and never leave it."""
        dialog = self.page.get_by_role("dialog")
        stops = dialog.locator("button:not([disabled]), input:not([disabled]), textarea, a[href]").count()
        start = self.focused()
        for key in ["Tab", "Shift+Tab"]:
            for _ in range(stops + 2):
                self.press(key)
                assert self.state()["inDialog"], f"{key} left the modal for {self.focused()}"
                self.assert_visible()
            for _ in range(stops + 2):  # and back to where it started
                if self.focused() == start:
                    break
                self.press("Shift+Tab" if key == "Tab" else "Tab")
            assert self.focused() == start


def test_a_keyboard_alone_runs_the_console(app: Console) -> None:
    """Sign in, create a user, block their login, give them a role, sign out: no mouse."""
    newcomer = "kim-keyboard"
    page = app.page(motion="no-preference")  # modals fade in and out, as most people see them
    keys = Keys(page)
    page.goto(f"{app.url}/login")
    heading(page, "Sign in")
    keys.tab_to('textbox "Username"')
    keys.type(ADMIN[0])
    keys.tab_to('textbox "Password"')
    keys.type(ADMIN[1])
    keys.tab_to('button "Sign in"')
    keys.press("Enter")
    heading(page, "Dashboard")

    keys.tab_to('link "Skip to content"')  # the first stop of every page
    keys.tab_to('link "Users"')
    keys.press("Enter")
    heading(page, "Users")

    # Create a user; the modal keeps focus, and gives it back to "New user".
    keys.tab_to('button "New user"')
    keys.press("Enter")
    expect(page.get_by_role("dialog", name="New user")).to_be_visible()
    keys.expect_focus('textbox "Username"')
    keys.type(newcomer)
    keys.tab_to('textbox "Temporary password"')
    keys.type("kim has a temporary password")
    keys.assert_trapped()
    keys.tab_to('button "Create user"')
    keys.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    keys.expect_focus('button "New user"')
    shoot(page, "keyboard-01-user-created")

    # The newcomer signs in somewhere; open their logins and block that one.
    login = httpx.post(
        f"{app.url}/api/v1/auth/login",
        json={"username": newcomer, "password": "kim has a temporary password"},
    )
    assert login.status_code == 200, login.text
    keys.tab_to('textbox "Search users"')
    keys.type(newcomer)
    expect(page.get_by_test_id("user-row")).to_have_count(1)
    keys.tab_to(f'link "{newcomer}"')
    keys.press("Enter")
    heading(page, newcomer)
    expect(page.get_by_test_id("token-row")).to_have_count(1)
    keys.tab_to('button "Block"')
    keys.press("Enter")
    expect(page.get_by_test_id("token-row")).to_contain_text("blocked")
    keys.expect_focus('button "Unblock"')  # the same button, still focused
    shoot(page, "keyboard-02-login-blocked")

    # Escape closes a modal and gives focus back to the button that opened it.
    keys.tab_to('button "Revoke all logins"', back=True)
    keys.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    keys.expect_focus('button "Cancel"')
    keys.assert_trapped()
    keys.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    keys.expect_focus('button "Revoke all logins"')

    # Give them a role, through the row's menu.
    keys.tab_to('link "Users"', back=True)
    keys.press("Enter")
    heading(page, "Users")
    actions = f'button "Actions for {newcomer}"'
    keys.tab_to(actions)
    keys.press("Enter")
    expect(page.get_by_role("menu")).to_be_visible()
    keys.expect_focus('menuitem "Edit username and roles"')
    keys.press("Enter")
    expect(page.get_by_role("dialog", name=f"Edit {newcomer}")).to_be_visible()
    keys.expect_focus('combobox "Roles"')
    keys.type("auditor")
    keys.press("Enter")  # the first (only) match
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".mantine-Pill-root", has_text="auditor")).to_be_visible()
    keys.tab_to('button "Save"')
    shoot(page, "keyboard-03-edit-roles")
    keys.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_test_id("user-row").filter(has_text=newcomer)).to_contain_text("auditor")
    keys.expect_focus(actions)

    # Sign out through the user menu.
    keys.tab_to('button "admin"', back=True)
    keys.press("Enter")
    expect(page.get_by_role("menu")).to_be_visible()
    keys.tab_to('menuitem "Sign out"')
    keys.press("Enter")
    heading(page, "Sign in")


# ---------------------------------------------------------------------------------------------
# Names, table headers, form errors, page titles

# A control in Chromium's accessibility tree without a name: `- button` rather than `- button "Close"`.
NAMELESS = re.compile(
    r"^\s*- (button|link|menuitem|combobox|textbox|searchbox|checkbox|radio|switch|tab|spinbutton)"
    r"(?: \[[^\]]*\])*:?$",
    re.MULTILINE,
)
ADMIN_PAGES = [
    ("/", "Dashboard"),
    ("/users", "Users"),
    ("/lockouts", "Lockouts"),
    ("/roles", "Roles"),
    ("/access-log", "Access log"),
    ("/audit-trail", "Audit trail"),
    ("/api-keys", "API keys"),
    ("/account", "My account"),
]


def assert_controls_named(page: Page, where: str) -> None:
    settle(page)
    tree = page.locator("body").aria_snapshot()
    nameless = NAMELESS.findall(tree)
    assert not nameless, f"{where}: controls without a name: {nameless}\n{tree}"


def test_every_control_has_a_name(app: Console) -> None:
    """Icon-only buttons included: close, password visibility, pages, clear, navigation."""
    page = app.page()
    page.goto(f"{app.url}/login")
    heading(page, "Sign in")
    expect(page.get_by_role("button", name="Toggle password visibility")).to_be_visible()
    assert_controls_named(page, "login")
    sign_in(page, *ADMIN)
    heading(page, "Dashboard")
    for path, title in [*ADMIN_PAGES, (f"/users/{app.alice_id}", ALICE[0])]:
        page.goto(f"{app.url}{path}")
        heading(page, title)
        assert_controls_named(page, title)

    page.goto(f"{app.url}/access-log")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("button", name="Next page")).to_be_visible()
    expect(pages.get_by_role("button", name="Previous page")).to_be_visible()
    expect(pages.get_by_role("button", name="Page 2", exact=True)).to_be_visible()

    page.goto(f"{app.url}/users")
    page.get_by_role("combobox", name="Role").click()
    page.get_by_role("option", name="auditor").click()
    expect(page.get_by_role("button", name="Clear")).to_be_visible()  # the filter's cross
    page.get_by_role("button", name="Actions for alice").click()
    assert_controls_named(page, "users, actions menu")
    page.keyboard.press("Escape")
    for opener, dialog_name in [
        (page.get_by_role("button", name="New user"), "New user"),
        (page.get_by_role("button", name="Actions for alice"), "Edit alice"),
    ]:
        opener.click()
        if dialog_name.startswith("Edit"):
            page.get_by_role("menuitem", name="Edit username and roles").click()
        dialog = page.get_by_role("dialog", name=dialog_name)
        expect(dialog.get_by_role("button", name="Close")).to_be_visible()
        assert_controls_named(page, dialog_name)
        close_with_escape(page)

    narrow = app.page(width=360, height=740)
    app.signed_in(narrow, "/users")
    heading(narrow, "Users")
    expect(narrow.get_by_role("button", name="Navigation")).to_be_visible()
    assert_controls_named(narrow, "users at 360 px")


def test_tables_have_headers_a_screen_reader_announces(app: Console) -> None:
    page = app.signed_in(app.page())
    heading(page, "Dashboard")
    sortable = {"Users": "Username", "Lockouts": "Locked until", "Access log": "Time"}
    for path, title in [*ADMIN_PAGES, (f"/users/{app.alice_id}", ALICE[0])]:
        page.goto(f"{app.url}{path}")
        heading(page, title)
        if title == "Dashboard":  # the chart's numbers
            page.get_by_text("Show the numbers").click()
        settle(page)
        for table in page.get_by_role("table").all():
            name = table.get_attribute("aria-label") or ""
            assert name, f"{title}: a table without a name"
            headers = [h.inner_text().strip() for h in table.get_by_role("columnheader").all()]
            assert headers, f"{title}, {name}: no column headers"
            assert all(headers), f"{title}, {name}: column headers {headers}"
            expect(table.locator("thead th")).to_have_count(len(headers))
            for row in table.locator("tbody tr").all():
                cells = row.get_by_role("cell")
                if cells.count() == 1 and cells.first.get_attribute("colspan"):
                    continue  # "No lockouts", "Loading": one cell across the table
                assert cells.count() == len(headers), f"{title}, {name}: {row.inner_text()!r}"
            if title in sortable:  # the sorted column says so, and only that one
                sorted_by = table.locator("th[aria-sort]")
                expect(sorted_by).to_have_count(1)
                expect(sorted_by).to_contain_text(sortable[title])
                expect(sorted_by.get_by_role("button")).to_have_accessible_name(sortable[title])

    page.goto(f"{app.url}/users")
    table = page.get_by_role("table", name="Users")
    expect(table.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    table.get_by_role("button", name="Created").click()
    expect(page).to_have_url(re.compile(r"sort=-created_at"))
    expect(table.locator("th[aria-sort]")).to_have_count(1)
    expect(table.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(table.locator("th[aria-sort]")).to_contain_text("Created")


def assert_error_tied(field: Locator, message: str | re.Pattern[str]) -> None:
    """Marked invalid, described by its error, and the error is an alert (announced when it appears)."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(message)
    described_by = (field.get_attribute("aria-describedby") or "").split()
    error = field.page.locator(", ".join(f'[id="{i}"][role="alert"]' for i in described_by))
    expect(error).to_have_count(1)
    expect(error).to_have_text(message)


def test_form_errors_are_tied_to_their_fields_and_announced(app: Console) -> None:
    page = app.page()
    page.goto(f"{app.url}/login")
    sign_in(page, "nobody-at-all", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")
    sign_in(page, *ADMIN)
    heading(page, "Dashboard")

    page.goto(f"{app.url}/roles")
    page.get_by_role("button", name="New role").click()
    dialog = page.get_by_role("dialog", name="New role")
    name = dialog.get_by_role("textbox", name="Name")
    name.fill("Bad Name")
    dialog.get_by_role("button", name="Create role").click()
    assert_error_tied(name, re.compile("pattern"))
    expect(name).to_have_accessible_description(re.compile("Lower-case letters"))  # and its hint
    close_with_escape(page)

    page.goto(f"{app.url}/users")
    page.get_by_role("button", name=f"Actions for {ALICE[0]}").click()
    page.get_by_role("menuitem", name="Reset password").click()
    dialog = page.get_by_role("dialog")
    password = dialog.get_by_role("textbox", name="New password")
    password.fill("short")
    dialog.get_by_role("button", name="Reset password").click()
    assert_error_tied(password, re.compile(r"\S"))
    close_with_escape(page)

    page.goto(f"{app.url}/account")
    page.get_by_role("textbox", name="New password", exact=True).fill("one new password")
    repeat = page.get_by_role("textbox", name="Repeat the new password")
    repeat.fill("another one")
    assert_error_tied(repeat, "The passwords do not match")

    page.goto(f"{app.url}/access-log")
    status = page.get_by_role("textbox", name="Status")
    status.fill("abc")
    page.get_by_role("button", name="Apply").click()
    assert_error_tied(status, re.compile(r"\S"))


def test_each_page_has_its_own_title(app: Console) -> None:
    page = app.page()
    page.goto(f"{app.url}/login")
    expect(page).to_have_title("Sign in · Admin console")
    sign_in(page, *ADMIN)
    heading(page, "Dashboard")  # signed in: a page loaded before the login's answer would start signed out
    for path, title in [*ADMIN_PAGES, (f"/users/{app.alice_id}", ALICE[0]), ("/nowhere", "Page not found")]:
        page.goto(f"{app.url}{path}")
        heading(page, title)
        expect(page).to_have_title(f"{title} · Admin console")


# ---------------------------------------------------------------------------------------------
# Reflow (WCAG 1.4.10) and zoom

VIEWPORTS = {
    # name: (CSS px width, height, device pixels per CSS px)
    "phone-360": (360, 740, 1),
    "zoom-200": (640, 400, 2),  # a 1280x800 window at 200%
    "zoom-400": (320, 200, 4),  # the same at 400%: WCAG 1.4.10's 320 CSS px
}


def assert_no_horizontal_scroll(page: Page, where: str) -> None:
    """Only data tables may scroll sideways (inside their own box), never the page."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where}: the page is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_console_reflows_at_narrow_widths_and_high_zoom(app: Console, viewport: str) -> None:
    width, height, scale = VIEWPORTS[viewport]
    page = app.page(width=width, height=height, scale=scale)
    audit = Audit(page, "light")
    page.goto(f"{app.url}/login")
    heading(page, "Sign in")
    assert_no_horizontal_scroll(page, "login")
    shoot(page, f"{viewport}-login")
    sign_in(page, *ADMIN)
    heading(page, "Dashboard")

    navigation = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Navigation")
    for path, title in [*ADMIN_PAGES, (f"/users/{app.alice_id}", ALICE[0])]:
        page.goto(f"{app.url}{path}")
        heading(page, title)
        expect(navigation).to_be_hidden()  # collapsed behind its button
        expect(toggle).to_have_attribute("aria-expanded", "false")
        audit(f"{viewport} {title}")
        assert_no_horizontal_scroll(page, title)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(navigation).to_be_visible()
    assert_no_horizontal_scroll(page, "navigation open")
    shoot(page, f"{viewport}-navigation-open")
    navigation.get_by_role("link", name="Roles").click()
    heading(page, "Roles")
    expect(navigation).to_be_hidden()

    page.get_by_role("button", name="New role").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    audit(f"{viewport} new role")
    assert_no_horizontal_scroll(page, "new role")
    close_with_escape(page)
    audit.assert_clean()
