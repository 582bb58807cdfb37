"""The live page: a tree of mounted components, their last renders, the dirty set.

A component's stored render keeps each child as an opaque *placeholder*: the
child's root tag carrying only ``live-cid``. So a parent's diff never
descends into a child, and a child's diff never touches its parent. Full
HTML, for the first render, a resync, or an ``insert`` op that brings a new
child, is made by expanding placeholders with the children's own renders.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from livecomp.component import Component, PageContext
from livecomp.diff import RootError, diff
from livecomp.html import lexbor_root, root_context
from livecomp.ops import InsertOp, Op, ReplaceOp
from livecomp.protocol import Patch

_ROOT_START = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_PLACEHOLDER = re.compile(r'<([A-Za-z][A-Za-z0-9-]*) live-cid="([^"<>]+)">(?:</\1>)?')
# The marker live() leaves in a render; the nonce is the page's own secret.
_MARKER = re.compile(r"<!--lc-([0-9a-f]{12})-(\d+)-->")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


class RenderError(Exception):
    """A component rendered something that cannot be a component's HTML."""


class UnknownComponent(LookupError):
    """An event named a component id that this page does not have."""


class UnknownEvent(LookupError):
    """An event named no ``@on`` handler of its component."""


@dataclass(eq=False)
class _Mounted:
    component: Component[Any]
    depth: int
    children: dict[str, str] = field(default_factory=dict)
    html: str = ""
    tag: str = ""


class LivePage:
    """One page view: the component tree rooted at ``root_class``."""

    def __init__(self, root_class: type[Component[Any]], context: PageContext) -> None:
        self.context = context
        self._root_class = root_class
        self._mounted: dict[str, _Mounted] = {}
        self._dirty: set[str] = set()
        self._next_id = 0
        # Child markers carry a per-page secret so no rendered text can forge one.
        self._nonce = secrets.token_hex(6)
        self._marker_prefix = f"lc-{self._nonce}-"
        self.root_cid = ""

    # --- lifecycle ----------------------------------------------------------

    async def mount(self) -> str:
        """Mount and render the root component; return its full HTML."""
        root = await self._create(self._root_class, "root", {}, depth=0)
        self.root_cid = root.component.cid
        await self._render(root)
        if root_context(root.tag)[0] != "div":
            # The page container is a <div>: a browser drops a <tr> or <td> there.
            raise RenderError(
                f"{self._root_class.__name__} renders <{root.tag}> as its root, which cannot "
                "stand in a <div>; a page's root component must (embed it in a table instead)"
            )
        return self.full_html(self.root_cid)

    async def close(self) -> None:
        """Unmount every component, children before parents."""
        if self.root_cid in self._mounted:
            await self._unmount(self.root_cid)

    # --- lookup -------------------------------------------------------------

    @property
    def root(self) -> Component[Any]:
        """The root component."""
        return self._mounted[self.root_cid].component

    def component(self, cid: str) -> Component[Any]:
        """The mounted component with id ``cid``."""
        mounted = self._mounted.get(cid)
        if mounted is None:
            raise UnknownComponent(f"no component with id {cid!r} on this page")
        return mounted.component

    def components(self) -> list[Component[Any]]:
        """Every mounted component, parents before children."""
        return [m.component for m in sorted(self._mounted.values(), key=lambda m: m.depth)]

    # --- events -------------------------------------------------------------

    async def dispatch(self, cid: str, event: str, value: dict[str, Any]) -> None:
        """Run the ``@on(event)`` handler of component ``cid`` with ``value``.

        Raises UnknownComponent, UnknownEvent, pydantic.ValidationError or PayloadError
        before anything runs; the handler's own exceptions propagate after it
        marked the component dirty (it may have changed state before raising).
        """
        component = self.component(cid)
        handler = type(component).handlers.get(event)
        if handler is None:
            raise UnknownEvent(
                f"{type(component).__name__} has no handler for event {event!r}"
            )
        kwargs = handler.bind(value)
        self._dirty.add(cid)
        await getattr(component, handler.method_name)(**kwargs)

    async def deliver(self, cid: str, message: str, data: Any) -> bool:
        """Run component ``cid``'s ``@on_message(message)`` handler with ``data``.

        Returns False when the component has unmounted since the message was
        sent (a late timer or broadcast: dropped). Raises UnknownEvent when
        the component has no handler for ``message``.
        """
        mounted = self._mounted.get(cid)
        if mounted is None:
            return False
        component = mounted.component
        handler = type(component).message_handlers.get(message)
        if handler is None:
            raise UnknownEvent(
                f"{type(component).__name__} has no @on_message handler for {message!r}"
            )
        method_name, takes_data = handler
        self._dirty.add(cid)
        method = getattr(component, method_name)
        await (method(data) if takes_data else method())
        return True

    def mark_dirty(self, cid: str) -> None:
        """Schedule component ``cid`` for re-render on the next flush."""
        if cid in self._mounted:
            self._dirty.add(cid)

    async def flush(self) -> list[Patch]:
        """Re-render dirty components, parents first; return their patches."""
        patches: list[Patch] = []
        while self._dirty:
            live = [cid for cid in self._dirty if cid in self._mounted]
            if not live:
                self._dirty.clear()
                break
            cid = min(live, key=lambda c: self._mounted[c].depth)
            patches.extend(await self._render(self._mounted[cid]))
        return patches

    # --- html ---------------------------------------------------------------

    def full_html(self, cid: str) -> str:
        """The component's last render with every child expanded."""
        mounted = self._mounted[cid]
        return self._expand(mounted, mounted.html)

    def _expand(self, mounted: _Mounted, html: str) -> str:
        if not mounted.children:
            return html
        mine = set(mounted.children.values())

        def expand_one(match: re.Match[str]) -> str:
            cid = match.group(2)
            if cid not in mine:
                return match.group(0)
            return self.full_html(cid)

        return _PLACEHOLDER.sub(expand_one, html)

    # --- internals ----------------------------------------------------------

    async def _create(
        self,
        cls: type[Component[Any]],
        key: str,
        props: Mapping[str, Any],
        depth: int,
        parent: str | None = None,
    ) -> _Mounted:
        cid = f"c{self._next_id}"
        self._next_id += 1
        component = cls(key=key, cid=cid, context=self.context, props=props)
        component.parent_cid = parent
        mounted = _Mounted(component=component, depth=depth)
        self._mounted[cid] = mounted
        await component.mount()
        return mounted

    async def _unmount(self, cid: str) -> None:
        mounted = self._mounted.get(cid)
        if mounted is None:
            return
        for child in list(mounted.children.values()):
            await self._unmount(child)
        del self._mounted[cid]
        self._dirty.discard(cid)
        try:
            await mounted.component.unmount()
        finally:
            # Whatever unmount did, nothing the component started outlives it.
            await self.context.runtime.forget(cid)

    async def _render(self, mounted: _Mounted) -> list[Patch]:
        component = mounted.component
        component._children = []
        component._marker = self._marker_prefix
        try:
            source = component.render()
        finally:
            specs = component._children
            component._children = None
        self._dirty.discard(component.cid)

        children: dict[str, str] = {}
        for spec in specs:
            if spec.key in children:
                raise RenderError(
                    f"{type(component).__name__} embeds two children with id {spec.key!r}; "
                    "give each child a distinct id"
                )
            known = self._mounted.get(mounted.children.get(spec.key, ""))
            if known is not None and type(known.component) is spec.component:
                if spec.props != known.component.props:
                    known.component.props = dict(spec.props)
                    await known.component.update(spec.props)
                    self._dirty.add(known.component.cid)
            else:
                if known is not None:
                    await self._unmount(known.component.cid)
                known = await self._create(
                    spec.component, spec.key, spec.props, mounted.depth + 1, component.cid
                )
            children[spec.key] = known.component.cid
        for key, cid in mounted.children.items():
            if children.get(key) != cid:
                await self._unmount(cid)
        mounted.children = children

        child_patches: list[Patch] = []
        ordered = [children[spec.key] for spec in specs]
        for cid in ordered:
            child = self._mounted[cid]
            if not child.html:
                await self._render(child)
            elif cid in self._dirty:
                child_patches.extend(await self._render(child))

        html = self._finish(mounted, str(source), ordered)
        old = mounted.html
        mounted.html = html
        if not old:
            self._check_root(mounted, html)
            return child_patches
        if old == html:
            return child_patches
        try:
            ops = diff(old, html)
        except RootError as exc:
            mounted.html = old
            raise RenderError(f"{type(component).__name__} (id {component.key!r}): {exc}") from exc
        return [Patch(cid=component.cid, ops=self._expand_ops(mounted, ops)), *child_patches]

    def _finish(self, mounted: _Mounted, source: str, child_cids: list[str]) -> str:
        component = mounted.component
        html = source.strip()
        start = _ROOT_START.match(html)
        if start is None:
            raise RenderError(
                f"{type(component).__name__} (id {component.key!r}) must render exactly one "
                f"root element, but its HTML starts with {html[:40]!r}"
            )
        mounted.tag = start.group(1).lower()
        html = f'{html[: start.end()]} live-cid="{component.cid}"{html[start.end():]}'

        def placeholder(match: re.Match[str]) -> str:
            if match.group(1) != self._nonce:
                return match.group(0)
            child = self._mounted[child_cids[int(match.group(2))]]
            if child.tag in _VOID:
                return f'<{child.tag} live-cid="{child.component.cid}">'
            return f'<{child.tag} live-cid="{child.component.cid}"></{child.tag}>'

        return _MARKER.sub(placeholder, html) if child_cids else html

    def _check_root(self, mounted: _Mounted, html: str) -> None:
        try:
            lexbor_root(html)
        except RootError as exc:
            component = mounted.component
            raise RenderError(f"{type(component).__name__} (id {component.key!r}): {exc}") from exc

    def _expand_ops(self, mounted: _Mounted, ops: list[Op]) -> list[Op]:
        if not mounted.children:
            return ops
        return [
            op._replace(html=self._expand(mounted, op.html))
            if isinstance(op, InsertOp | ReplaceOp)
            else op
            for op in ops
        ]
