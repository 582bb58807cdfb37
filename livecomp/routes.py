"""The live pages of an app: their routes, and which page a URL belongs to.

The key idea: a live page's route is a Quart URL rule (``/users/<int:uid>``)
registered on the app like any view, so Quart's converters type its
parameters and a URL that does not convert answers 404. The same rule, read
from the app's URL map, tells on the join and at every URL change whether a
URL the browser is at belongs to the page, and gives its typed parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RoutingException

from livecomp.component import Component
from livecomp.security import PageClaims


@dataclass(frozen=True)
class PageRoute:
    """One live page: its URL rule, its root component, its document's title and head."""

    path: str
    component: type[Component[Any]]
    title: str
    head: str
    login_required: bool = False

    @property
    def endpoint(self) -> str:
        """The page's endpoint in the app's URL map."""
        return f"livecomp_page_{self.path}"

    @property
    def component_name(self) -> str:
        """The root component's qualified name, as a page token names it."""
        return qualified_name(self.component)


class PageRoutes:
    """The live pages of one app, by URL rule."""

    def __init__(self) -> None:
        self._routes: dict[str, PageRoute] = {}
        self.url_map: Map | None = None

    def add(self, route: PageRoute) -> None:
        """Serve ``route`` (replacing a page at the same rule)."""
        self._routes[route.path] = route

    def __iter__(self) -> Iterator[PageRoute]:
        return iter(list(self._routes.values()))

    def __getitem__(self, path: str) -> PageRoute:
        return self._routes[path]

    def resolve(self, claims: PageClaims) -> PageRoute | None:
        """The page a verified token names, if the app still serves it."""
        route = self._routes.get(claims.route)
        if route is None or route.component_name != claims.component:
            return None
        return route

    def match(self, route: PageRoute, url: str, host: str | None = None) -> dict[str, Any] | None:
        """The path parameters of ``url`` (typed by the rule's converters) if
        it is a URL of ``route``'s page; None for a URL of anything else."""
        found = self._match_rule(url, host)
        return found[1] if found is not None and found[0] == route.endpoint else None

    def find(self, url: str, host: str | None = None) -> tuple[PageRoute, dict[str, Any]] | None:
        """The live page ``url`` is a URL of, with its typed path parameters;
        None for a URL of anything else (another view, no route)."""
        found = self._match_rule(url, host)
        if found is None:
            return None
        endpoint, values = found
        for route in self._routes.values():
            if route.endpoint == endpoint:
                return route, values
        return None

    def _match_rule(self, url: str, host: str | None) -> tuple[str, dict[str, Any]] | None:
        if self.url_map is None:
            return None
        adapter = self.url_map.bind(host or "localhost")
        try:
            rule, values = adapter.match(
                unquote(urlsplit(url).path), method="GET", return_rule=True
            )
        except (HTTPException, RoutingException):
            return None
        return rule.endpoint, dict(values)


def qualified_name(component: type[Component[Any]]) -> str:
    """``module.QualName`` of a component class."""
    return f"{component.__module__}.{component.__qualname__}"
