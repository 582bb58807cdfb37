"""The browser fixtures, for the tests in this directory."""

from tests.e2e.browser import browser, chromium, page, playwright

__all__ = ["browser", "chromium", "page", "playwright"]
