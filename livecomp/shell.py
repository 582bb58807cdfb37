"""The document around a live page: its shell, the page's container, its headers.

The key idea: a live page's first render is a whole HTML document that
works without JavaScript. The root component's HTML sits in the page's
container, which carries what the client needs to join: the signed token,
the socket's path and the heartbeat. The shell around it holds the title,
the app's head markup and the client script; it is a Jinja template the
app can replace or extend (``DEFAULT_SHELL``).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from livecomp.names import DEFAULT_HEARTBEAT_MS, EMBEDDED, HEARTBEAT, PAGE, SOCKET, TOKEN
from livecomp.template import Templates, current_templates

#: Response headers of every live page unless the app overrides them (as
#: Phoenix's default browser pipeline does): no framing by other sites, no
#: MIME sniffing, no full URL in referrers, and no caching of a page that
#: carries a token.
PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "private, no-store",
}


class TokenTooLong(ValueError):
    """A page whose token would be too long to join with (a huge query string)."""


class PageRedirected(Exception):
    """The page's first render sent the browser elsewhere (``redirect``, ``patch_url``)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


#: The default page shell, shipped in ``livecomp/templates``. An app's own
#: shell (``LiveApp(shell=...)``, ``page(shell=...)``) usually extends it and
#: overrides its blocks: ``head`` (``{{ super() }}`` keeps the defaults),
#: ``title``, ``body`` and ``live``, where the live root goes.
DEFAULT_SHELL = "livecomp/page.html"


@dataclass(frozen=True, slots=True)
class RootRender:
    """A page's first render: its root's HTML, its token and its title."""

    body: str
    token: str
    title: str


def live_container(
    body: str, *, token: str, socket_path: str, heartbeat: float, embedded: bool = False
) -> Markup:
    """The page's container around ``body``, with what the client joins with;
    ``embedded`` marks a page inside a document of the app's (``live_embed``)."""
    beat_ms = round(heartbeat * 1000)
    # The client knows the default: only a page that changes it says so.
    beat = "" if beat_ms == DEFAULT_HEARTBEAT_MS else f' {HEARTBEAT}="{beat_ms}"'
    mark = f" {EMBEDDED}" if embedded else ""
    return Markup(
        f'<div {PAGE}{mark} {TOKEN}="{escape(token)}" {SOCKET}="{escape(socket_path)}"{beat}>'
        f"{body}</div>"
    )


def page_document(
    body: str,
    *,
    token: str,
    socket_path: str,
    heartbeat: float,
    script: str,
    title: str,
    head: str,
    templates: Templates | None = None,
    shell: str = DEFAULT_SHELL,
) -> str:
    """The HTML document of a page whose root component rendered ``body``,
    rendered from the shell template ``shell``.

    ``head`` is the app's trusted markup; everything else is escaped. The
    shell sees ``title``, ``head``, ``script``, ``token``, ``socket_path``,
    ``heartbeat`` and ``live_root``: the page's container with ``body``.
    """
    live_root = live_container(body, token=token, socket_path=socket_path, heartbeat=heartbeat)
    template = (templates or current_templates()).file(shell)
    return template.render(
        title=title,
        head=Markup(head),
        script=script,
        token=token,
        socket_path=socket_path,
        heartbeat=heartbeat,
        live_root=live_root,
    )
