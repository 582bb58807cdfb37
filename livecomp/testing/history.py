"""The page's URL and its history, moved as the browser client moves them.

The key idea: the client keeps the page's history entries as the browser
does. A ``live-patch`` link or ``patch`` pushes an entry and sends the new
URL (``url``); ``back`` and ``forward`` move among the entries and send the
URL they land on, as ``popstate`` does; a ``patch_url`` from the server
pushes (or replaces) an entry and sends nothing back, as does the server's
``navigate`` message (another live page over the same socket). Only the
entries of the socket's pages are kept: loading another document
(``navigate()`` after a ``redirect``) starts afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from livecomp.names import BINDINGS, PATCH
from livecomp.testing.bindings import BindingActions
from livecomp.testing.nodes import closest, closest_tag, select
from livecomp.testing.reply import Reply


class NavigationActions(BindingActions):
    """The actions of ``LiveTestClient`` that move the page's URL."""

    #: The page's history entries, oldest first.
    history: list[str]
    _at: int

    if TYPE_CHECKING:
        url: str
        redirected_to: str | None

        async def _exchange(self, frame: dict[str, Any], check: bool) -> Reply: ...

        async def _load(self, url: str) -> None: ...

    def start_history(self, url: str) -> None:
        """A new document at ``url``: one entry."""
        self.url = url
        self.history, self._at = [url], 0

    def url_patched(self, url: str, *, replace: bool) -> None:
        """The server's ``patch_url``: a new entry (or the current one replaced)."""
        if replace:
            self.history[self._at] = url
        else:
            del self.history[self._at + 1 :]
            self.history.append(url)
            self._at += 1
        self.url = url

    async def patch(self, url: str, *, check: bool = True) -> Reply:
        """Go to ``url`` (relative to the page's URL) as a ``live-patch`` link
        does: push it on the history and send it; the server runs the params
        handler and patches the page.

        Raises:
            LiveEventError: the server refused the URL (``check``).
        """
        target = urljoin(self.url, url)
        self.url_patched(target, replace=False)
        return await self.send_url(target, check=check)

    async def back(self, *, check: bool = True) -> Reply:
        """The browser's back button, within the page's entries.

        Raises:
            LookupError: there is no earlier entry of this page.
        """
        return await self._go(-1, check)

    async def forward(self, *, check: bool = True) -> Reply:
        """The browser's forward button, within the page's entries.

        Raises:
            LookupError: there is no later entry of this page.
        """
        return await self._go(1, check)

    async def send_url(self, url: str, *, check: bool = True) -> Reply:
        """Tell the server the browser is at ``url`` (as ``popstate`` and
        ``live-patch`` do) and wait for its answer."""
        return await self._exchange({"t": "url", "url": url}, check)

    async def click(self, selector: str, *, check: bool = True) -> Reply:
        """Click the element ``selector`` matches, as the browser client would.

        Its bindings fire (``live-capture-click``, then ``live-click``); a
        ``live-patch`` link around it is then followed (``patch``), unless
        the link carries the ``live-click`` itself, which makes it a control.
        """
        node = select(self.html, selector)
        link = closest_tag(node, "a")
        if link is None or PATCH not in link.attributes:
            return await super().click(selector, check=check)
        bound = closest(node, BINDINGS["click"])
        reply = Reply()
        if bound is not None or closest(node, BINDINGS["capture-click"]) is not None:
            reply = await super().click(selector, check=check)
        if bound is not None and bound.mem_id == link.mem_id:
            return reply
        href = link.attributes.get("href") or ""
        if urlsplit(href).scheme or urlsplit(href).netloc:
            raise ValueError(
                f"the live-patch link {href!r} leaves the page's site: "
                "the browser loads it as a plain link"
            )
        return await self.patch(href, check=check)

    async def navigate(self, url: str | None = None) -> None:
        """Load ``url`` (default: where the server redirected the browser) in
        place of this page, as the browser does: close the socket, GET the
        URL with the same cookies (following redirects), join its page.

        Raises:
            AssertionError: the URL holds no live page.
        """
        target = url if url is not None else self.redirected_to
        if target is None:
            raise ValueError("navigate() needs a URL: the server redirected nowhere")
        await self._load(target)

    async def _go(self, step: int, check: bool) -> Reply:
        at = self._at + step
        if not 0 <= at < len(self.history):
            where = "back" if step < 0 else "forward"
            raise LookupError(f"the page has no history entry to go {where} to")
        self._at = at
        self.url = self.history[at]
        return await self.send_url(self.url, check=check)
