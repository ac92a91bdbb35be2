"""The API's docs page, /api/v1/docs, in Chromium: Swagger UI from the build, on a network that
reaches nothing but the server (a clinic's without internet), under the console's strict CSP.

The module starts its own server on frontend/dist (see tests/e2e/browser.py for what it needs).
Every request of the browser to another origin is recorded and aborted; there must be none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.e2e.browser import (
    DIST,
    Browser,
    Page,
    Watch,
    console_server,
    expect,
    launch,
    shot,
    sync_playwright,
)

pytestmark = pytest.mark.e2e


@dataclass
class Docs:
    url: str
    browser: Browser
    requested: list[str] = field(default_factory=list)  # every URL the pages asked for
    elsewhere: list[str] = field(default_factory=list)  # those of another origin, aborted
    watch: Watch = field(default_factory=Watch)

    def page(self) -> Page:
        """A page whose network is the server alone."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        origin = urlsplit(self.url)[:2]

        def only_the_server(route, request) -> None:  # type: ignore[no-untyped-def]
            if urlsplit(request.url)[:2] == origin:
                route.continue_()
            else:
                self.elsewhere.append(request.url)
                route.abort("addressunreachable")

        context.route(re.compile(r".*"), only_the_server)
        page = self.watch.attach(context.new_page())
        page.on("request", lambda request: self.requested.append(request.url))
        return page


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Docs]:
    if not (DIST / "docs.html").is_file():
        pytest.fail("frontend/dist has no docs.html: build it with `npm run build` in frontend/")
    with console_server(tmp_path_factory.mktemp("api-docs")) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield Docs(url=url, browser=browser)
        finally:
            browser.close()


@pytest.fixture
def docs(served: Docs) -> Docs:
    """The served docs, recording only what this test's pages request and do."""
    return Docs(url=served.url, browser=served.browser)


def test_swagger_ui_renders_the_document_from_the_server_alone(docs: Docs) -> None:
    page = docs.page()
    response = page.goto(f"{docs.url}/api/v1/docs")
    assert response is not None
    assert response.status == 200
    assert "script-src 'self'" in (response.header_value("content-security-policy") or "")

    patients = page.locator(".opblock-get .opblock-summary-path[data-path='/api/v1/patients']")
    expect(patients).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".info .title")).to_contain_text("sanic-rest-template")
    assert page.locator(".opblock").count() > 20  # every operation, not a stub
    page.wait_for_load_state("networkidle")
    shot(page, "api-docs", full_page=False)

    assert docs.elsewhere == []
    assert any(url.endswith("/api/v1/openapi.json") for url in docs.requested)
    assert any(re.search(r"/assets/docs-[\w-]+\.js$", url) for url in docs.requested), docs.requested
    docs.watch.assert_clean()


def test_try_it_out_calls_the_api_under_the_policy(docs: Docs) -> None:
    """Swagger UI's requests are the page's own fetches: connect-src 'self' lets them through."""
    page = docs.page()
    page.goto(f"{docs.url}/api/v1/docs")
    operation = page.locator(".opblock-get", has=page.locator(".opblock-summary-path[data-path='/healthz']"))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    shot(page, "api-docs-try-it-out", full_page=False)

    assert docs.elsewhere == []
    assert any(url.endswith("/healthz") for url in docs.requested)
    docs.watch.assert_clean()
