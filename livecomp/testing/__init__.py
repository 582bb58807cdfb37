"""A test client that drives a live app in-process, with no browser.

The key idea: the client goes through the app the way a browser does. It GETs
the page through the Quart app, reads the signed token and the socket path
from the document, and joins through the app's own ASGI callable over an
in-memory websocket, so routing, the Origin check and the token check are the
ones production runs. Every patch is applied to a DOM kept here exactly as the
browser client applies it, and after every reply that DOM must equal the
server's own render of the page.

Example:
    ```python
    async with LiveTestClient(create_app(), "/") as page:
        await page.click("button[live-click=up]")
        assert page.text("p") == "19.6 °C"
        assert page.state.celsius == 19.6
        await page.submit("form", {"zone": "Asia/Tokyo"})
    ```

Modules: ``client`` (``LiveTestClient``: reading and acting), ``bindings``
(clicks, keys, focus: the element and window bindings), ``forms``
(``change`` and ``submit``), ``history`` (the page's URL: ``live-patch``
links, back and forward, ``navigate``), ``reply`` (what the server
answered), ``socket`` (the in-memory ASGI websocket), ``document`` (the page
as the browser has it), ``app`` (the app under test: resolving it, its
lifespan, its GET with cookies and redirects, its failure log),
``formdata`` (the FormData rules), ``nodes`` (finding elements).
"""

from livecomp.testing.client import TEST_HOST, TEST_ORIGIN, LiveTestClient
from livecomp.testing.reply import LiveEventError, Reply

__all__ = ["TEST_HOST", "TEST_ORIGIN", "LiveEventError", "LiveTestClient", "Reply"]
