"""Browser fixtures: Debian's Chromium driven by Playwright, for tests that need a browser.

The key idea: Playwright is imported inside the fixtures, so a conftest can
offer these fixtures (``tests/e2e/conftest.py``, ``examples/conftest.py``)
without making the unit tests next to them depend on Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    # Function scope: Playwright's sync API keeps an event loop running while
    # it is started, which would stop pytest-asyncio from running async tests.
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package")
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium for a whole module of sync tests, rather than one per test.

    Every test of such a module is sync, so holding Playwright's sync event
    loop until the module ends keeps no async test (in other modules) from
    running.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
