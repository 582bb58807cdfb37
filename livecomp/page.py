"""The live page: a tree of mounted components, their last renders, the dirty set.

The key idea: re-rendering a component is a sequence of named steps (see
``LivePage._render``): capture its render and the children it embeds,
reconcile those children by id (mount, update, unmount), render the children
that need it, splice the children in as placeholders (``livecomp.splice``),
diff against the last render, and expand the children's HTML into the ops
that carry HTML. A component's stored render keeps each child as an opaque
placeholder, so a parent's diff never descends into a child, and a child's
diff never touches its parent.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from time import monotonic, perf_counter
from typing import Any, Final

from livecomp.boundary import RenderFailure, is_boundary, render_fallback
from livecomp.compact import compact_state
from livecomp.component import (
    ChildSpec,
    Component,
    PageContext,
    Rendered,
    capture_render,
    render_iterations,
)
from livecomp.diff import TREE_CACHE, RootError, diff, diff_mapped, too_long
from livecomp.failures import report_failure
from livecomp.html import WHITESPACE, lexbor_root, root_context
from livecomp.loopdiff import update_loops
from livecomp.loops import OPEN, LoopReads, strip_markers
from livecomp.names import CID
from livecomp.navigation import InvalidParams
from livecomp.ops import Op, ReplaceOp
from livecomp.protocol import Patch
from livecomp.reconcile import check_of
from livecomp.shapes import ShapeBook, book_of
from livecomp.splice import expand, expand_ops, mark_root, place_children
from livecomp.streams import take_streams
from livecomp.telemetry import FOLD_AT, ComponentTimes, Telemetry
from livecomp.textdiff import TextMap

# What ``_render_iterations`` answers when the whole component must render.
_FULL: Final = object()


class RenderError(Exception):
    """A component rendered something that cannot be a component's HTML."""


class UnknownComponent(LookupError):
    """An event named a component id that this page does not have."""


class UnknownEvent(LookupError):
    """An event named no ``@on`` handler of its component."""


# A kept render at least this long is compressed while its page rests.
REST_MIN_CHARS: Final = 4096
# Seconds after packing its states within which a page's wake makes it
# wait twice as long to pack next time; and the longest it waits.
REPACK_WINDOW: Final = 60.0
MAX_PACK_AFTER: Final = 300.0


@dataclass(eq=False, slots=True)
class _Mounted:
    component: Component[Any]
    depth: int
    # The shapes of its class's renders (``livecomp.shapes``), shared.
    book: ShapeBook
    children: dict[str, str] = field(default_factory=dict)
    # The last render, or "" while it rests compressed in ``packed``.
    kept: str = ""
    packed: bytes | None = None
    tag: str = ""
    # What the last full render read, for renders of loop iterations alone.
    loops: LoopReads | None = None
    # Where the last render's text nodes lie, for text changes without a parse.
    texts: TextMap | None = None
    # Whether it has been diffed before (its next diff makes a text map).
    diffed: bool = False
    # Where its class's times go, with telemetry on: set at its mount, or
    # at the page's join (``LivePage.time_with``), not in an event.
    times: ComponentTimes | None = None

    @property
    def html(self) -> str:
        """The last render (its stored form: children as placeholders)."""
        packed = self.packed
        if packed is not None:
            self.kept, self.packed = zlib.decompress(packed).decode(), None
        return self.kept

    @html.setter
    def html(self, html: str) -> None:
        self.kept, self.packed = html, None

    @property
    def rendered(self) -> bool:
        """Whether it has rendered (it has a render, packed or not)."""
        return bool(self.kept) or self.packed is not None

    def timed(self, telemetry: Telemetry) -> ComponentTimes:
        """Where its times go (kept: found once per component)."""
        times = self.times = telemetry.component_times(type(self.component).__name__)
        return times

    def forget_loops(self) -> None:
        """Let go of what the last render read (the objects its loops
        iterated): the next render is a whole one, which reads again."""
        self.loops = None

    def rest(self) -> None:
        """Compress a long render until it is next read; forget the text map
        (the next change parses, and makes it again)."""
        self.texts = None
        kept = self.kept
        if len(kept) >= REST_MIN_CHARS:
            # Its parse (if still cached) would keep the string alive anyway.
            TREE_CACHE.discard(kept)
            self.packed, self.kept = zlib.compress(kept.encode(), 1), ""


def _handler_times(mounted: _Mounted, telemetry: Telemetry, event: str) -> list[float]:
    """Where the times of ``mounted``'s handler of ``event`` go (found once
    per class and event, then kept in its class's ``ComponentTimes``)."""
    times = mounted.times or mounted.timed(telemetry)
    values = times.handlers.get(event)
    if values is None:
        values = times.handlers[event] = telemetry.handler_times(times.name, event)
    return values


#: What an idle page's ``_streamed`` is (an empty list of its own is 56
#: bytes a page): never added to; the first stream op makes a list.
_NO_STREAMED: list[Patch] = []


class LivePage:
    """One page view: the component tree rooted at ``root_class``."""

    #: Told each handler's, render's and diff's time, once a socket joined
    #: with telemetry on (``time_with``).
    telemetry: Telemetry | None = None
    #: When the current turn's last timed phase (a handler, a render, a diff)
    #: ended, by ``perf_counter``; 0.0 before the first, and again after app
    #: code that is not timed ran (a mount, a message handler). The next
    #: phase times from it, so a turn's phases follow one another, one clock
    #: read each: 5 reads for an event where timing each phase apart took 8
    #: (a server's telemetry cost on the 1,000-row page: +5.4% -> +4.6%).
    #: The actor sets it to 0.0 as each turn starts.
    lap = 0.0

    def __init__(
        self, root_class: type[Component[Any]], context: PageContext, *, first_id: int = 0
    ) -> None:
        self.context = context
        self._root_class = root_class
        self._mounted: dict[str, _Mounted] = {}
        # The components to render, as a dict's keys: an empty set takes 216
        # bytes on every idle page, an empty dict 64.
        self._dirty: dict[str, None] = {}
        # The stream ops of the renders of the current flush (livecomp.streams).
        self._streamed: list[Patch] = _NO_STREAMED
        # A page that follows another on one socket (``navigate``) numbers its
        # components on from the last one's, so an event still on its way to
        # a component of the old page finds no component, never a new one.
        self._next_id = first_id
        # Child markers carry a per-page secret so no rendered text can forge one.
        self._nonce = secrets.token_hex(6)
        self.root_cid = ""
        #: Why the root's params handler did not run at mount (its URL did not fit).
        self.params_error: InvalidParams | None = None
        # When the page last flushed, and whether it rests since (``rest``).
        self._flushed = monotonic()
        self._resting = False
        # Packing its states (``rest``): whether it was tried since the last
        # flush, when it last packed one (None: none is packed since), and
        # the idle seconds it waits for first (0: ``rest_after``'s).
        self._pack_tried = False
        self._packed_at: float | None = None
        self._pack_after = 0.0

    # --- lifecycle ----------------------------------------------------------

    async def mount(self) -> str:
        """Mount the root component, run its params handler, render it; return
        its full HTML ('' when the page sent the browser elsewhere instead).

        URL parameters that do not fit the params handler leave it unrun and
        the reason in ``params_error``.
        """
        root = await self._create(self._root_class, "root", {}, depth=0)
        self.root_cid = root.component.cid
        navigator = self.context.navigator
        if not navigator.leaving:
            try:
                await self.handle_params()
            except InvalidParams as exc:
                self.params_error = exc
        if navigator.leaving:
            return ""
        navigator.params_runner = self
        await self._render_guarded(root)
        if root_context(root.tag)[0] != "div":
            # The page container is a <div>: a browser drops a <tr> or <td> there.
            raise RenderError(
                f"{self._root_class.__name__} renders <{root.tag}> as its root, which cannot "
                "stand in a <div>; a page's root component must (embed it in a table instead)"
            )
        return self.full_html(self.root_cid)

    async def close(self) -> None:
        """Unmount every component, children before parents."""
        try:
            if self.root_cid in self._mounted:
                await self._unmount(self.root_cid)
        finally:
            # The navigator's way back to this page is a cycle (page, context,
            # navigator, page): cut it, so a closed page (every HTTP render's)
            # is freed at once rather than by a rare full collection.
            navigator = self.context.navigator
            if navigator.params_runner is self:
                navigator.params_runner = None

    # --- lookup -------------------------------------------------------------

    @property
    def ids_used(self) -> int:
        """How many component ids the page has given out (``first_id`` of the next page)."""
        return self._next_id

    @property
    def root(self) -> Component[Any]:
        """The root component."""
        return self._mounted[self.root_cid].component

    def time_with(self, telemetry: Telemetry) -> None:
        """Tell ``telemetry`` the times of this page's handlers, renders and
        diffs from now on. Each component finds where its class's times go
        here, or at its mount: a 1,000-row page's first events then cost
        no lookup each."""
        self.telemetry = telemetry
        for mounted in self._mounted.values():
            mounted.timed(telemetry)

    def component(self, cid: str) -> Component[Any]:
        """The mounted component with id ``cid``."""
        return self._record(cid).component

    def _record(self, cid: str) -> _Mounted:
        mounted = self._mounted.get(cid)
        if mounted is None:
            raise UnknownComponent(f"no component with id {cid!r} on this page")
        return mounted

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
        mounted = self._record(cid)
        component = mounted.component
        handler = type(component).handlers.get(event)
        if handler is None:
            raise UnknownEvent(f"{type(component).__name__} has no handler for event {event!r}")
        telemetry = self.telemetry
        started = perf_counter() if telemetry is not None else 0.0
        kwargs = handler.bind(value)
        self._dirty[cid] = None
        if telemetry is None:
            await getattr(component, handler.method_name)(**kwargs)
            return
        # Timed here, where the component is in hand: its class's handler
        # times are one attribute and one dict lookup away. A handler that
        # raises is timed too; a payload that does not bind ran nothing.
        try:
            await getattr(component, handler.method_name)(**kwargs)
        except Exception:
            self.lap = now = perf_counter()
            _handler_times(mounted, telemetry, event).append(now - started)
            raise
        self.lap = now = perf_counter()
        _handler_times(mounted, telemetry, event).append(now - started)

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
        self._dirty[cid] = None
        method = getattr(component, method_name)
        await (method(data) if takes_data else method())
        self.lap = 0.0  # not timed: the next phase reads the clock afresh
        return True

    async def handle_params(self) -> None:
        """Run the root component's ``@on_params`` handler for the page's URL.

        Raises InvalidParams, before it runs, when the URL does not fit it.
        """
        root = self.root
        self._dirty[self.root_cid] = None
        handler = type(root).params_handler
        if handler is not None:
            kwargs = handler.bind(self.context.navigator.request)
            await getattr(root, handler.method_name)(**kwargs)
            self.lap = 0.0

    def mark_dirty(self, cid: str) -> None:
        """Schedule component ``cid`` for a full re-render on the next flush
        (its template may have changed: no loop iteration renders alone)."""
        mounted = self._mounted.get(cid)
        if mounted is not None:
            mounted.loops = None
            mounted.book.clear()  # shapes of the old template's renders
            self._dirty[cid] = None

    def rest(self, now: float, after: float) -> None:
        """When the page has not rendered for ``after`` seconds (``now`` and
        its last flush by ``time.monotonic``), compress its long kept renders
        (a 1,000-row table's 120 KB becomes about 12 KB), to be read back at
        its next render (about 0.3 ms), and pack its large states (its 370 KB
        of row models become about 8 KB; ``livecomp.statepack``), unpacked
        when next read. Not during a turn (the caller's check).

        A page woken within ``REPACK_WINDOW`` seconds of packing (a table
        a broadcast updates every few seconds) waits twice as long before
        it packs again, up to ``MAX_PACK_AFTER``: a wake costs the unpack
        and one whole render, which its updates would otherwise pay each
        time."""
        idle = now - self._flushed
        if idle < after:
            return
        if not self._resting:
            self._resting = True
            for mounted in self._mounted.values():
                mounted.rest()
        if self._pack_tried or idle < max(after, self._pack_after):
            return
        self._pack_tried = True
        self._pack_after = max(after, self._pack_after)
        packed = False
        for mounted in self._mounted.values():
            packed |= mounted.component.rest_state(mounted.forget_loops)
        if packed:
            self._packed_at = now

    async def flush(self) -> list[Patch]:
        """Re-render dirty components, parents first; return their patches."""
        now = monotonic()
        if self._packed_at is not None:
            if now - self._packed_at < REPACK_WINDOW:
                # Woken soon after it packed: it packs later next time.
                self._pack_after = min(2 * self._pack_after, MAX_PACK_AFTER)
            self._packed_at = None
        self._flushed, self._resting, self._pack_tried = now, False, False
        patches: list[Patch] = []
        while self._dirty:
            live = [cid for cid in self._dirty if cid in self._mounted]
            if not live:
                self._dirty.clear()
                break
            mounted = self._mounted[min(live, key=lambda c: self._mounted[c].depth)]
            try:
                patches.extend(await self._render_guarded(mounted))
            except Exception as exc:
                # Rendered alone (its parent was not dirty): the boundary that
                # catches it is not on the stack, so find it above.
                boundary = self._boundary_above(mounted)
                if boundary is None:
                    raise
                patches.extend(await self._fall_back(boundary, exc))
        if self._streamed:
            # After every render of the flush: each stream op's path is one
            # of its component's new render, which that render's patch made.
            patches.extend(p for p in self._streamed if p.cid in self._mounted)
            self._streamed = _NO_STREAMED
        return patches

    # --- html ---------------------------------------------------------------

    def full_html(self, cid: str) -> str:
        """The component's last render with every child expanded."""
        mounted = self._mounted[cid]
        return self._expand(mounted, mounted.html)

    def _expand(self, mounted: _Mounted, html: str) -> str:
        if not mounted.children:
            return html
        return expand(html, self._children_html(mounted))

    def _children_html(self, mounted: _Mounted) -> Callable[[str], str | None]:
        """The full HTML of a child of ``mounted`` by cid; None for any other cid."""
        mine = set(mounted.children.values())
        return lambda cid: self.full_html(cid) if cid in mine else None

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
        mounted = _Mounted(component=component, depth=depth, book=book_of(type(component)))
        self._mounted[cid] = mounted
        if self.telemetry is not None:
            mounted.timed(self.telemetry)
        await component.mount()
        self.lap = 0.0
        # The mounted state's full models share one fields set per class.
        compact_state(component.state)
        return mounted

    async def _unmount(self, cid: str) -> None:
        mounted = self._mounted.get(cid)
        if mounted is None:
            return
        for child in list(mounted.children.values()):
            await self._unmount(child)
        del self._mounted[cid]
        self._dirty.pop(cid, None)
        try:
            await mounted.component.unmount()
        finally:
            # Whatever unmount did, nothing the component started outlives it.
            await self.context.runtime.forget(cid)
            self.lap = 0.0

    async def _render(self, mounted: _Mounted) -> list[Patch]:
        """Re-render one component; return its patch (if it changed) and its
        children's, parent first."""
        component = mounted.component
        if mounted.loops is not None and mounted.rendered:
            patch = self._render_iterations(mounted, mounted.loops)
            if patch is None:
                return []
            if isinstance(patch, Patch):
                return [patch]
        telemetry = self.telemetry
        started = (self.lap or perf_counter()) if telemetry is not None else 0.0
        rendered = capture_render(component, self._nonce)
        if telemetry is not None:
            self.lap = now = perf_counter()
            times = mounted.times or mounted.timed(telemetry)
            times.renders.append(now - started)
            if len(times.renders) >= FOLD_AT:
                telemetry.fold()
        self._dirty.pop(component.cid, None)
        child_cids = await self._reconcile_children(mounted, rendered.children)
        child_patches = await self._render_children(child_cids)
        html = self._cut_loops(mounted, rendered, child_cids)
        html = self._take_streams(mounted, html)
        patch = self._store(mounted, html)
        return child_patches if patch is None else [patch, *child_patches]

    def _cut_loops(self, mounted: _Mounted, rendered: Rendered, child_cids: list[str]) -> str:
        """The render spliced (``_splice``) and its loop markers cut out; the
        loops kept for the next flush when their iterations can render alone."""
        reads = rendered.loops
        mounted.loops = None
        if reads is None:
            return self._splice(mounted, rendered.source, child_cids)
        source = rendered.source
        if source.lstrip(WHITESPACE).startswith(OPEN) or not reads.usable:
            # The root itself is an iteration, or the recording gave up.
            return self._splice(mounted, strip_markers(source), child_cids)
        html = reads.cut(self._splice(mounted, source, child_cids))
        if reads.usable and reads.loops and not (child_cids and _child_inside(reads, html)):
            mounted.loops = reads
        return html

    def _render_iterations(self, mounted: _Mounted, reads: LoopReads) -> Patch | object | None:
        """Render only the loop iterations that read what changed since the
        last render (``livecomp.loops``); its patch, None if nothing changed,
        or ``_FULL`` when the whole component must render."""
        component = mounted.component
        telemetry = self.telemetry
        started = (self.lap or perf_counter()) if telemetry is not None else 0.0
        which = reads.changed()
        if which is None:
            return _FULL
        rendered = render_iterations(component, self._nonce, reads, which)
        if rendered is None:
            return _FULL
        if telemetry is not None:
            self.lap = now = perf_counter()
            times = mounted.times or mounted.timed(telemetry)
            times.renders.append(now - started)
            if len(times.renders) >= FOLD_AT:
                telemetry.fold()
        self._dirty.pop(component.cid, None)
        old = mounted.html
        html, found = update_loops(reads, old, mounted.tag, rendered, mounted.book)
        if found is None:
            # Only the whole render's diff can tell: run it, on the render
            # made of the old one and the new iterations.
            ops = diff(old, html)
            reads.parsed = True
        else:
            ops = found
            if reads.parsed and html is not old:
                # The parse of the full render is of no use to a diff any more.
                TREE_CACHE.discard(old)
                reads.parsed = False
        mounted.html, mounted.texts = html, None
        if telemetry is not None:
            started, self.lap = self.lap, perf_counter()
            (mounted.times or mounted.timed(telemetry)).diffs.append(self.lap - started)
        if not ops:
            return None
        if mounted.children:
            ops = expand_ops(ops, self._children_html(mounted))
        return Patch(cid=component.cid, ops=ops)

    def _store(self, mounted: _Mounted, html: str) -> Patch | None:
        """Keep ``html`` as ``mounted``'s render; return its patch against the
        last one (None on a first render, or when nothing changed)."""
        component = mounted.component
        old, mounted.html = mounted.html, html
        if not old:
            self._check_root(mounted, html)
            return None
        if old == html:
            return None
        telemetry = self.telemetry
        started = (self.lap or perf_counter()) if telemetry is not None else 0.0
        try:
            ops = self._diff(mounted, old, html)
        except RootError as exc:
            mounted.html = old
            raise RenderError(f"{type(component).__name__} (id {component.key!r}): {exc}") from exc
        if telemetry is not None:
            self.lap = now = perf_counter()
            (mounted.times or mounted.timed(telemetry)).diffs.append(now - started)
        if mounted.children:
            ops = expand_ops(ops, self._children_html(mounted))
        return Patch(cid=component.cid, ops=ops)

    @staticmethod
    def _diff(mounted: _Mounted, old: str, html: str) -> list[Op]:
        """The ops from ``old`` to ``html``: when one text node changed, from
        the old render's text map or from its class's shapes (no parse at
        all), else ``diff``, which gives the new render's map
        (``livecomp.textdiff.TextMap``) and teaches the class's shapes."""
        texts = mounted.texts
        op = None if texts is None else texts.change(old, html)
        if op is None:
            # Its class's renders may have a shape this change fits: a row's
            # first change, which has no map yet (``livecomp.shapes``).
            op = mounted.book.change(old, html)
        if op is not None:
            TREE_CACHE.discard(old)  # its parse describes the old render only
            if too_long([op], html):
                return [ReplaceOp("replace", [], check_of(mounted.tag), html)]
            return [op]
        # A map pays from a component's third diff on: many components (the
        # rows of a big table) are diffed once in a long while, if ever again.
        ops, mounted.texts = diff_mapped(old, html, mapped=mounted.diffed, book=mounted.book)
        mounted.diffed = True
        return ops

    def _take_streams(self, mounted: _Mounted, html: str) -> str:
        """The render to keep, its streams' items cut out (``livecomp.streams``);
        their ``stream`` ops wait in ``_streamed`` for the end of the flush."""
        component = mounted.component
        streams = component._streams
        if not streams:
            return html
        owner = f"{type(component).__name__} (id {component.key!r})"
        html, ops = take_streams(html, streams, first=not mounted.rendered, owner=owner)
        if ops:
            if self._streamed is _NO_STREAMED:
                self._streamed = []
            self._streamed.append(Patch(cid=component.cid, ops=list(ops)))
        return html

    async def _reconcile_children(self, mounted: _Mounted, specs: list[ChildSpec]) -> list[str]:
        """Match the children a render embeds with the mounted ones by id: keep
        (updating changed props), mount new ones, unmount the rest. Returns
        the children's cids in render order."""
        component = mounted.component
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
                    self.lap = 0.0
                    self._dirty[known.component.cid] = None
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
        return [children[spec.key] for spec in specs]

    async def _render_children(self, cids: list[str]) -> list[Patch]:
        """Render new children, and re-render dirty ones for their patches."""
        patches: list[Patch] = []
        for cid in cids:
            child = self._mounted[cid]
            if not child.rendered:
                await self._render_guarded(child)
            elif cid in self._dirty:
                patches.extend(await self._render_guarded(child))
        return patches

    # --- error boundaries (livecomp.boundary) -------------------------------

    async def _render_guarded(self, mounted: _Mounted) -> list[Patch]:
        """``_render``; an error boundary whose render fails (its own, or one in
        its subtree) shows its fallback instead. Others let the failure rise
        to the boundary above them, which is on the stack, rendering."""
        if not is_boundary(mounted.component):
            return await self._render(mounted)
        try:
            return await self._render(mounted)
        except Exception as exc:
            return await self._fall_back(mounted, exc)

    def _boundary_above(self, mounted: _Mounted) -> _Mounted | None:
        parent = self._mounted.get(mounted.component.parent_cid or "")
        while parent is not None and not is_boundary(parent.component):
            parent = self._mounted.get(parent.component.parent_cid or "")
        return parent

    async def _fall_back(self, mounted: _Mounted, exc: Exception) -> list[Patch]:
        """Log ``exc``, unmount the boundary's subtree, and render its fallback
        as the boundary's render."""
        component = mounted.component
        what = f"rendering under {type(component).__name__} (id {component.key!r}) failed"
        error_id = report_failure(
            exc, what, page=self.context.session_id, cid=component.cid, handled=True
        )
        # Mounted children the failed render had not recorded yet are found
        # by their parent link: nothing of the subtree outlives it.
        subtree = self._subtree(component.cid)
        for cid in reversed(subtree):
            await self._unmount(cid)
        mounted.children = {}
        mounted.loops = None
        self._dirty.pop(component.cid, None)
        source = render_fallback(component, RenderFailure(error_id, what))
        patch = self._store(mounted, self._splice(mounted, source, []))
        return [] if patch is None else [patch]

    def _subtree(self, cid: str) -> list[str]:
        """The cids under component ``cid`` by parent link, parents first."""
        found: list[str] = []
        parents = {cid}
        while parents:
            level = [
                m.component.cid for m in self._mounted.values() if m.component.parent_cid in parents
            ]
            found.extend(level)
            parents = set(level)
        return found

    def _splice(self, mounted: _Mounted, source: str, child_cids: list[str]) -> str:
        """The render as stored: ``live-cid`` on its root, children as placeholders."""
        component = mounted.component
        try:
            mounted.tag, html = mark_root(source, component.cid)
        except ValueError as exc:
            raise RenderError(
                f"{type(component).__name__} (id {component.key!r}) must render exactly one "
                f"root element, but {exc}"
            ) from None
        children = [(self._mounted[cid].tag, cid) for cid in child_cids]
        return place_children(html, self._nonce, children)

    def _check_root(self, mounted: _Mounted, html: str) -> None:
        try:
            lexbor_root(html)
        except RootError as exc:
            component = mounted.component
            raise RenderError(f"{type(component).__name__} (id {component.key!r}): {exc}") from exc


def _child_inside(reads: LoopReads, html: str) -> bool:
    """Whether a loop iteration holds a child component's placeholder."""
    return any(CID in html[loop.start : loop.start + sum(loop.lengths)] for loop in reads.loops)
