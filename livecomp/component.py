"""``Component[StateT]``: typed server-side state, a render, event handlers.

Lifecycle, as the page drives it:

1. ``__init__`` builds ``state`` from the state model's defaults and the props
   the parent passed (a root component gets no props).
2. ``await mount()`` runs on the first HTTP render (``self.connected`` is
   False) and again when the websocket joins (``self.connected`` is True).
   Then the root component's ``@on_params`` handler runs, and again on every
   URL change within the page.
3. ``render()`` is called whenever the component is dirty: after one of its
   handlers ran, or when its parent passed new props. It must be pure (state
   in, HTML out) and return exactly one root element.
4. ``await update(props)`` runs when a parent re-renders it with changed props.
5. ``await unmount()`` runs when the parent stops rendering it or the page
   closes.

Error policy: a payload that does not validate never reaches the handler, so
state is untouched; an exception inside a handler is reported to the client
as ``handler_error`` (and re-raised by the test client), and the page goes on.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar

from jinja2 import Template
from markupsafe import Markup
from pydantic import BaseModel

from livecomp.compact import compact_state
from livecomp.events import EventHandler, collect_handlers, collect_messages
from livecomp.loops import Loop, LoopReads, recording_into
from livecomp.navigation import Navigator, ParamsHandler, collect_params_handler
from livecomp.protocol import Push
from livecomp.request import RequestInfo
from livecomp.runtime import Runtime, StaticRuntime, Timer
from livecomp.splice import marker
from livecomp.statepack import pack_state, unpack_state
from livecomp.streams import NO_STREAMS, StreamMethods
from livecomp.template import (
    compile_template,
    current_templates,
    instrumented,
    template_names,
)
from livecomp.template import render as render_template
from livecomp.tracking import note_change

StateT = TypeVar("StateT", bound=BaseModel)

#: The pushed event that sets the browser's ``document.title`` (``set_title``).
TITLE_EVENT = "livecomp:title"


@dataclass(slots=True)
class Document:
    """What the page's components set on its document: its title (None: the
    page's own)."""

    title: str | None = None


#: The ``params`` of every page not built by hand: one immutable empty mapping.
_NO_PARAMS: Mapping[str, str] = MappingProxyType({})


def _no_params() -> Mapping[str, str]:
    return _NO_PARAMS


# Slotted, as is ``Document``: every live page keeps one (~150 bytes less).
@dataclass(frozen=True, slots=True)
class PageContext:
    """What a component may know about the page it lives in.

    ``navigator`` holds the page's request and URL; ``params`` only seeds
    its query for a page built by hand (``PageContext(params={"n": "3"})``).
    """

    connected: bool
    params: Mapping[str, str] = field(default_factory=_no_params)
    session_id: str = ""
    runtime: Runtime = field(default_factory=StaticRuntime)
    navigator: Navigator = field(default_factory=Navigator)
    document: Document = field(default_factory=Document)

    def __post_init__(self) -> None:
        if self.params and not self.navigator.request.query:
            self.navigator.request = RequestInfo.for_query(self.params)


@dataclass(frozen=True)
class ChildSpec:
    """A child embedded by ``live()`` during one render."""

    component: type[Component[Any]]
    key: str
    props: dict[str, Any]


class Component(StreamMethods, Generic[StateT]):
    """A live component whose state is the pydantic model ``StateT``.

    Subclass it with the state model as type argument, give it a Jinja2
    ``template`` (or a ``template_file`` the app's Jinja loader finds, or
    override ``render``) and decorate handlers with ``@on``.

    Example:
        ```python
        class Count(BaseModel):
            n: int = 0

        class Counter(Component[Count]):
            template = '<button live-click="inc">{{ state.n }}</button>'

            @on("inc")
            async def inc(self) -> None:
                self.state.n += 1
        ```

    The template sees ``state``, ``component`` (this instance), ``live``
    (to embed a child: ``{{ live(Greeter, id="left", name="World") }}``),
    ``streams`` (the changes of each stream, ``livecomp.streams``: ``{% for
    key, item in streams.songs %}``), the component classes defined in the
    class's module, and those listed in ``components`` (needed for a class
    defined inside a function, whose neighbours livecomp cannot see).
    """

    template: ClassVar[str | None] = None
    #: A template file instead of ``template``, found through the app's Jinja
    #: loader (its ``templates/`` folder and its blueprints') when it renders.
    template_file: ClassVar[str | None] = None
    #: Component classes the template embeds besides those of its module.
    components: ClassVar[Sequence[type[Component[Any]]]] = ()
    #: Makes the component an error boundary: when its render, or a render or
    #: mount in its subtree, raises, it shows this inline template instead
    #: (``state``, ``component`` and ``failure.error_id`` in scope), its
    #: children unmounted, and the rest of the page goes on. Its next render
    #: (any event of its own, a message) tries the template again.
    fallback_template: ClassVar[str | None] = None
    state_model: ClassVar[type[BaseModel]]
    handlers: ClassVar[Mapping[str, EventHandler]] = {}
    message_handlers: ClassVar[Mapping[str, tuple[str, bool]]] = {}
    params_handler: ClassVar[ParamsHandler | None] = None
    _template_names: ClassVar[dict[str, Any] | None] = None

    state: StateT

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._template_names = None
        model = _declared_state_model(cls)
        if model is not None:
            cls.state_model = model
        cls.handlers = collect_handlers(cls, cls.handlers, reserved=FRAMEWORK_MEMBERS)
        cls.message_handlers = collect_messages(
            cls, cls.message_handlers, reserved=FRAMEWORK_MEMBERS
        )
        cls.params_handler = collect_params_handler(
            cls, cls.params_handler, reserved=FRAMEWORK_MEMBERS
        )
        if cls.template is not None and cls.template_file is not None:
            raise TypeError(f"{cls.__name__} sets both `template` and `template_file`: keep one")
        if cls.template is not None:
            try:
                compile_template(cls.template)
            except Exception as exc:
                raise TypeError(f"the template of {cls.__name__} does not compile: {exc}") from exc
            if "<locals>" in cls.__qualname__:
                _check_local_template(cls, cls.template)
        if cls.fallback_template is not None:
            try:
                compile_template(cls.fallback_template)
            except Exception as exc:
                raise TypeError(
                    f"the fallback_template of {cls.__name__} does not compile: {exc}"
                ) from exc

    def __init__(self, *, key: str, cid: str, context: PageContext, props: Mapping[str, Any]):
        model = getattr(type(self), "state_model", None)
        if model is None:
            raise TypeError(
                f"{type(self).__name__} has no state model; declare it as "
                f"`class {type(self).__name__}(Component[MyState])`"
            )
        unknown = set(props) - set(model.model_fields)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unknown props {sorted(unknown)}; "
                f"props set state fields, which are {sorted(model.model_fields)}"
            )
        self.key = key
        self.cid = cid
        self.props: dict[str, Any] = dict(props)
        self.state = typing.cast(StateT, model.model_validate(dict(props)))
        self._context = context
        self.parent_cid: str | None = None
        # Set by capture_render() while render() runs: where live() records.
        self._capture: _Capture | None = None
        # From now on a public attribute set is a change a render may have read.
        self._built = True

    # False while __init__ runs: no render has read the component yet, and a
    # page mounting a thousand rows would otherwise fill the change log.
    _built = False
    # The state while the page rests, packed (``rest_state``). Attributes
    # are read and set as attributes, never through ``__dict__``, which
    # would make each component's instance dict (CPython keeps the values
    # inline until something asks for it).
    _packed_state: bytes | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name == "state" and self._packed_state is not None:
            # A new state over one resting packed: the packed one is gone.
            object.__delattr__(self, "_packed_state")
        if self._built and not name.startswith("_"):
            # A template may read it: renders that did are told (livecomp.tracking).
            note_change(self)

    def rest_state(self, release: Callable[[], None]) -> bool:
        """Pack the state into bytes while the page rests, if that is safe
        (``livecomp.statepack``); the next read of ``state`` unpacks it.
        ``release`` lets go of the framework's references into the state.
        Whether it is packed."""
        if self._packed_state is not None:
            return True  # still packed from the last rest: never read since
        if getattr(type(self), "__getattr__", None) is not _UNPACKING:
            # A class that reads attributes its own way would never unpack.
            return False
        packed = pack_state(self.state, release)
        if packed is None:
            return False
        # Not a change: __setattr__'s note would make renders think so.
        object.__delattr__(self, "state")
        object.__setattr__(self, "_packed_state", packed)
        return True

    if not typing.TYPE_CHECKING:
        # Hidden from type checkers, which would otherwise accept any
        # attribute of every component.

        def __getattr__(self, name: str) -> Any:
            # Reached only when an attribute is not found: ``state`` while
            # it rests packed is unpacked here, on its first read.
            packed = self._packed_state
            if name == "state" and packed is not None:
                state = unpack_state(packed)
                compact_state(state)
                object.__setattr__(self, "state", state)
                object.__delattr__(self, "_packed_state")
                return state
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
            )

    @property
    def connected(self) -> bool:
        """True once the websocket joined; False during the first HTTP render."""
        return self._context.connected

    @property
    def request(self) -> RequestInfo:
        """The request the page was opened with, at the page's current URL:
        path and query parameters, cookies, session, exposed headers, user."""
        return self._context.navigator.request

    @property
    def params(self) -> Mapping[str, str]:
        """The page URL's query parameters, the first value of each
        (``self.request.query.getlist(name)`` has them all)."""
        return self._context.navigator.request.query.to_dict()

    @property
    def session_id(self) -> str:
        """An opaque id of this page view, stable across reconnects of one page load."""
        return self._context.session_id

    # --- server-side messages ------------------------------------------------

    def send_self(self, message: str, data: Any = None, *, delay: float = 0.0) -> Timer:
        """Deliver ``message`` to this component's ``@on_message`` handler.

        With ``delay``, after that many seconds. Returns a timer that can be
        cancelled; it is cancelled anyway when the component unmounts.
        Nothing is scheduled during the first HTTP render.
        """
        if delay <= 0:
            self._context.runtime.post(self.cid, message, data)
            return _Sent()
        return self._context.runtime.call_later(self.cid, delay, message, data)

    def send_parent(self, message: str, data: Any = None) -> None:
        """Deliver ``message`` to the parent component's ``@on_message`` handler."""
        if self.parent_cid is None:
            raise RuntimeError(f"{type(self).__name__} is the root component: it has no parent")
        self._context.runtime.post(self.parent_cid, message, data)

    def every(
        self, seconds: float, message: str, data: Any = None, *, align: bool = False
    ) -> Timer:
        """Deliver ``message`` every ``seconds`` until cancelled or unmounted.

        With ``align``, deliveries fall just after multiples of ``seconds`` of
        the wall clock (a clock ticking on the second boundary). Start timers
        from ``mount`` when ``self.connected``; the HTTP render runs none.
        """
        if seconds <= 0:
            raise ValueError("every() needs a positive interval")
        return self._context.runtime.every(self.cid, seconds, message, data, align)

    async def subscribe(self, topic: str) -> None:
        """Receive every message published on ``topic`` (until unmount)."""
        await self._context.runtime.subscribe(self.cid, topic)

    async def unsubscribe(self, topic: str) -> None:
        """Stop receiving messages published on ``topic``."""
        await self._context.runtime.unsubscribe(self.cid, topic)

    async def publish(self, topic: str, message: str, data: Any = None) -> None:
        """Publish ``message`` to every component subscribed to ``topic``.

        ``data`` should be JSON-serialisable, so the same code works with a
        broker that crosses processes.
        """
        await self._context.runtime.publish(topic, message, data)

    # --- the client ---------------------------------------------------------

    def push_event(self, event: str, data: Any = None) -> None:
        """Send ``event`` with ``data`` to the page's client hooks.

        Every hook of the page that called ``this.handleEvent(event, ...)``
        gets ``data``. The push leaves after this turn's patches (and
        before the ack of the event being handled), so a hook that the
        turn's patches mount already receives it. ``data`` must be strict
        JSON (checked here: a ``TypeError`` or ``ValueError`` names the
        problem). Nothing is sent during the first HTTP render.

        Example:
            ```python
            @on_message("tick")
            async def tick(self) -> None:
                self.push_event("points", {"values": self.state.values})
            ```
        """
        self._context.runtime.push(self.cid, Push.of(event, data))

    def set_title(self, title: str) -> None:
        """Set the page's title (``document.title``): on the HTTP render the
        shell's ``<title>``, on a live page a push the client applies."""
        if not isinstance(title, str):
            raise TypeError(f"a page title is a string, got {title!r}")
        self._context.document.title = title
        self._context.runtime.push(self.cid, Push.of(TITLE_EVENT, title))

    # --- the URL --------------------------------------------------------------

    async def patch_url(self, url: str, *, replace: bool = False) -> None:
        """Put ``url``, a URL of this page, in the browser's address bar and
        history (replacing the current entry with ``replace``), and run the
        root's ``@on_params`` handler with its parameters.

        ``url`` is relative: ``"?page=2"``, ``"/items?page=2"``. On the HTTP
        render it becomes a redirect to ``url``.

        Raises:
            UnsafeURL: not a relative URL of this site.
            ValueError: a URL of another page (use ``navigate``).
            InvalidParams: its parameters do not fit the params handler.
        """
        await self._context.navigator.patch_url(url, replace=replace)

    def navigate(self, url: str, *, replace: bool = False) -> None:
        """Go to the live page at ``url`` over the page's socket, without a
        page load; this page ends (every component unmounts).

        Once the handler's turn is over, the server mounts the page at
        ``url`` (its route, for the same request, session and user) and the
        browser swaps it in and puts ``url`` in its history (replacing the
        current entry with ``replace``). A URL that is no live page of the
        app, or one the user may not see, an absolute URL, and a call during
        the HTTP render or ``mount`` load ``url`` instead, as ``redirect``.

        Raises:
            UnsafeURL: not a URL of this site (or of ``LiveApp(redirect_origins=...)``).
        """
        self._context.navigator.navigate(url, replace=replace)

    def redirect(self, url: str) -> None:
        """Send the browser to ``url`` with a full page load; this page ends.

        On the HTTP render the answer is a redirect (302).

        Raises:
            UnsafeURL: not a URL of this site (or of ``LiveApp(redirect_origins=...)``).
        """
        self._context.navigator.redirect(url)

    # --- lifecycle ----------------------------------------------------------

    async def mount(self) -> None:
        """Prepare state; runs on the HTTP render and again on websocket join."""

    async def update(self, props: Mapping[str, Any]) -> None:
        """Take new props from the parent; the default sets the matching state fields."""
        merged = {**self.state.model_dump(), **props}
        self.state = type(self.state).model_validate(merged)

    async def unmount(self) -> None:
        """Release what ``mount`` acquired; runs when the component goes away."""

    def render(self) -> str:
        """Return this component's HTML: exactly one root element.

        The default renders the class's ``template`` (or ``template_file``)
        with ``state``, ``component`` and ``live`` in scope, autoescaped.
        """
        templates = current_templates()
        if self.template_file is not None:
            template = templates.file(self.template_file)
        elif self.template is not None:
            template = templates.inline(self.template)
        else:
            raise TypeError(
                f"{type(self).__name__} has neither a `template`, a `template_file` "
                "nor a `render()` method"
            )
        names = type(self)._template_names
        if names is None:
            names = type(self)._collect_template_names()
        capture = self._capture
        if capture is None or not instrumented(template):
            return self._render_template(template, names)
        # A page render: record what each part reads (livecomp.loops).
        capture.loops = reads = LoopReads()
        with recording_into(reads):
            return self._render_template(template, names)

    def _render_template(self, template: Template, names: dict[str, Any]) -> str:
        return render_template(
            template,
            {
                **names,
                "state": self.state,
                "component": self,
                "live": self.live,
                # Not self.streams, which would give every component a Streams.
                "streams": NO_STREAMS if self._streams is None else self._streams,
            },
        )

    @classmethod
    def _collect_template_names(cls) -> dict[str, Any]:
        # Resolved at first render, when the whole defining module exists.
        names = _visible_components(cls)
        cls._template_names = names
        return names

    def live(self, component: type[Component[Any]], id: str, **props: Any) -> Markup:
        """Embed the child ``component`` under the local ``id``, passing ``props``.

        Children are kept by id across renders; call this only while rendering.
        """
        capture = self._capture
        if capture is None:
            raise RuntimeError(
                f"{type(self).__name__}.live() was called outside render(); "
                "embed children from the template or from render()"
            )
        if not (isinstance(component, type) and issubclass(component, Component)):
            raise TypeError(f"live() needs a Component class, got {component!r}")
        capture.children.append(ChildSpec(component, str(id), props))
        return Markup(marker(capture.nonce, len(capture.children) - 1))


# The attribute hook that unpacks a resting state, which ``rest_state``
# checks a class still has (not one of its own).
_UNPACKING = Component.__dict__.get("__getattr__")


@dataclass
class _Capture:
    nonce: str
    children: list[ChildSpec] = field(default_factory=list)
    loops: LoopReads | None = None


@dataclass(frozen=True)
class Rendered:
    """One render of a component: its HTML as ``render()`` returned it (with a
    marker where each child goes, and around each loop iteration when
    ``loops`` recorded the render), the children it embedded, in order."""

    source: str
    children: list[ChildSpec]
    loops: LoopReads | None = None


def capture_render(component: Component[Any], nonce: str) -> Rendered:
    """Call ``component.render()``, recording the children its ``live()`` calls
    embed; the markers they leave carry ``nonce``."""
    component._capture = capture = _Capture(nonce)
    try:
        source = component.render()
    finally:
        component._capture = None
    return Rendered(str(source), capture.children, capture.loops)


def render_iterations(
    component: Component[Any], nonce: str, reads: LoopReads, which: list[tuple[Loop, int]]
) -> list[tuple[Loop, int, str]] | None:
    """Render loop iterations of ``component`` alone (``livecomp.loops``);
    None when one embeds a child or the recording gave up on one."""
    component._capture = capture = _Capture(nonce)
    try:
        rendered: list[tuple[Loop, int, str]] = []
        for loop, index in which:
            html = reads.render_iteration(loop, index)
            if html is None or capture.children:
                return None
            rendered.append((loop, index, html))
        return rendered
    finally:
        component._capture = None


class _Sent:
    """The timer of a message already posted: nothing left to cancel."""

    def cancel(self) -> None:
        pass


def _components_in(namespace: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in namespace.items()
        if isinstance(value, type) and issubclass(value, Component)
    }


def _visible_components(cls: type[Component[Any]]) -> dict[str, Any]:
    """The component classes a template of ``cls`` sees by name."""
    module = sys.modules.get(cls.__module__)
    names = _components_in(vars(module) if module else {})
    names.update((child.__name__, child) for child in cls.components)
    return names


def _check_local_template(cls: type[Component[Any]], source: str) -> None:
    """A class defined inside a function: its template may only name what
    livecomp can see, which its enclosing function's locals are not."""
    visible = {"state", "component", "live", "streams", *_visible_components(cls)}
    unknown = sorted(template_names(source) - visible)
    if unknown:
        listed = ", ".join(unknown)
        raise TypeError(
            f"the template of {cls.__name__} uses {listed}, which is not in its scope: "
            f"{cls.__name__} is defined inside a function, whose local names livecomp "
            "cannot see. A template sees state, component, live and the component "
            f"classes of its module; list others on the class: `components = ({listed},)`"
        )


def _declared_state_model(cls: type) -> type[BaseModel] | None:
    for base in getattr(cls, "__orig_bases__", ()):
        origin = typing.get_origin(base)
        if isinstance(origin, type) and issubclass(origin, Component):
            for arg in typing.get_args(base):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    return arg
    return None


#: Every name the framework defines on a component: no handler may take one,
#: or a browser event could reach ``mount`` or ``render``.
FRAMEWORK_MEMBERS: frozenset[str] = frozenset(
    {
        name
        for cls in (Component, StreamMethods)
        for name in vars(cls)
        if not (name.startswith("__") and name.endswith("__"))
    }
    | {"state", "key", "cid", "props", "parent_cid", "_context", "_capture", "_streams"}
)
