"""The browser fixtures, for the tests in this directory."""

from tests.e2e.browser import browser, page, playwright

__all__ = ["browser", "page", "playwright"]
