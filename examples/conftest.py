"""The browser fixtures, for the examples' browser tests (``test_*_browser.py``).

Playwright is imported only when a test asks for one of them, so the
examples' test-client tests run without it.
"""

from tests.e2e.browser import browser, page, playwright

__all__ = ["browser", "page", "playwright"]
