"""Browser tests: Debian's chromium driven by Playwright's sync API against pytest-django's
live server. Playwright cannot download its own browsers here (see docs/architecture.md,
Platform)."""

import os
from pathlib import Path

import pytest

# The live server runs in a thread while Playwright's sync API keeps an event loop in this one;
# Django would otherwise refuse ORM calls from the test body.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """One headless chromium for the session; each test opens its own contexts."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """`new_page()` opens a page in a fresh browser context (its own cookies: one user each)."""
    contexts = []

    def open_page():
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280,
                                                                                          "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
