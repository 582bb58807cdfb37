"""A live page inside a page the app renders itself.

The key idea: an app that renders its own pages (Jinja templates, its own
views) can make one part of a page live. ``{{ live_embed("/counter") }}``
in any template of the app renders the live page registered at that URL for
the current request, through the very first render the page's own route
does (its path parameters and query from the URL; the request's session,
to which the token is bound, and its user), and puts it in a container
marked ``live-embedded``; ``{{ live_script() }}`` is the client's script
tag. The embedded page's URL is not the document's, so the client joins it
at the URL its token carries and leaves the browser's history alone:
``live-patch`` links inside it are plain links, and ``patch_url`` runs the
params handler without touching the address bar (a reconnect mounts the
page at its token's URL again). The client connects the first
``[live-page]`` of a document: one live page per document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from quart import Quart, request

from livecomp.navigation import UnsafeURL, client_url
from livecomp.shell import live_container

if TYPE_CHECKING:
    from livecomp.server import LiveApp


async def embed_page(live: LiveApp, url: str) -> Markup:
    """The live page at ``url`` rendered for the current Quart request, in
    its container marked embedded.

    Raises:
        UnsafeURL: ``url`` is not a path of this site.
        LookupError: no live page has this URL.
        Unauthorized: the page needs a user the request does not have.
        PageRedirected: the page sent the browser elsewhere while rendering.
        InvalidParams: the URL's parameters do not fit the params handler.
    """
    try:
        client_url(url)
    except UnsafeURL as exc:
        raise UnsafeURL(f"live_embed({url!r}) takes a path of this site: {exc}") from None
    found = live.routes.find(url, request.host)
    if found is None:
        raise LookupError(
            f"live_embed({url!r}): no live page has this URL; "
            "serve one there with live.page(path, Component)"
        )
    route, path_params = found
    root = await live._first_render(route, url, path_params)
    return live_container(
        root.body,
        token=root.token,
        socket_path=live.socket_path,
        heartbeat=live.config.heartbeat,
        embedded=True,
    )


def script_tag(live: LiveApp) -> Markup:
    """The client's ``<script>`` tag, for a document the app renders itself."""
    return Markup(f'<script defer src="{escape(live.script_url)}"></script>')


def add_template_globals(app: Quart, live: LiveApp) -> None:
    """Give ``app``'s own templates ``live_embed(url)`` (awaited by Quart's
    async Jinja environment) and ``live_script()``."""
    app.add_template_global(live.embed, "live_embed")

    def live_script() -> Markup:
        return script_tag(live)

    app.add_template_global(live_script, "live_script")
