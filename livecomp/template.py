"""The Jinja2 environments components render with, and the safe-HTML helpers.

Autoescape is always on: state rendered into a template is escaped unless the
code marks it raw, visibly, with ``raw()`` or Jinja's ``|safe``. Every
template sees ``js``, the JS command builder (``livecomp.commands``).

Template files (``template_file = "todo.html"``), ``{% include %}`` and
``{% extends %}`` are found through the Quart app's Jinja loader (its
``templates/`` folder and its blueprints' folders), then livecomp's own
templates (the page shell, ``livecomp/page.html``). A component class has
no app, so the app's ``Templates`` is found when the page renders: the
``LiveApp`` sets it, as a context variable, around the HTTP render and
around each live socket, and every task the socket starts inherits it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    meta,
    nodes,
)
from jinja2.runtime import new_context
from markupsafe import Markup, escape

from livecomp import loops
from livecomp.commands import js
from livecomp.loops import loop_filters
from livecomp.loopsyntax import instrument

if TYPE_CHECKING:
    from quart import Quart

__all__ = [
    "LiveEnvironment",
    "Markup",
    "TemplateFileNotFound",
    "Templates",
    "compile_template",
    "current_templates",
    "escape",
    "instrumented",
    "raw",
    "render",
    "template_names",
    "use_templates",
]


class LiveEnvironment(Environment):
    """Jinja's environment, with the top-level loops of self-contained
    templates instrumented (``livecomp.loops``) and the reads a render makes
    (attributes, items, filters) told to the recording in progress."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name, function in list(self.filters.items()):
            if name not in _READS_THROUGH_ENVIRONMENT:
                self.filters[name] = _watched_filter(name, function)
        self.filters.update(loop_filters())
        self.globals["js"] = js

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        instrument(tree)
        return tree

    def getattr(self, obj: Any, attribute: str) -> Any:
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                value = obj[attribute]
            except (TypeError, LookupError, AttributeError):
                return self.undefined(obj=obj, name=attribute)
        reads = loops._recording
        if reads is not None:
            reads.read(obj, attribute, value)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        reads = loops._recording
        if reads is not None:
            reads.read(obj, argument, value)
        return value


# Filters that read an item's attributes through the environment (so the
# recording sees each read) or only count: any other filter given a model
# or a list makes a recording render fall back to the full path.
_READS_THROUGH_ENVIRONMENT: Final = frozenset(
    {"attr", "count", "length", "map", "rejectattr", "selectattr", "sum"}
)


def _watched_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    passes = getattr(function, "jinja_pass_arg", None)

    def watched(*args: Any, **kwargs: Any) -> Any:
        reads = loops._recording
        if reads is not None:
            reads.filtered(name, args[1:] if passes is not None else args)
            reads.filtered(name, tuple(kwargs.values()))
        return function(*args, **kwargs)

    if passes is not None:
        watched.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return watched


def render(template: Template, variables: dict[str, Any]) -> str:
    """``template.render(variables)``, without Jinja's per-render copy of the
    globals (a ChainMap walked key by key, twice: most of a small render).
    The globals are copied into a plain dict once per template, and again if
    the environment's change in number."""
    environment = template.environment
    cached = template.__dict__.get("_livecomp_globals")
    if cached is None or cached[0] != len(environment.globals):
        cached = template.__dict__["_livecomp_globals"] = (
            len(environment.globals),
            dict(template.globals),
        )
    context = new_context(
        environment, template.name, template.blocks, {**cached[1], **variables}, shared=True
    )
    try:
        return environment.concat(template.root_render_func(context))
    except Exception:
        environment.handle_exception()


def instrumented(template: Template) -> bool:
    """Whether ``template`` has loops whose iterations can render alone."""
    found = template.__dict__.get("_livecomp_loops")
    if found is None:
        # The compiled render looks the iteration filter up by name.
        found = "livecomp_item" in template.root_render_func.__code__.co_consts
        template.__dict__["_livecomp_loops"] = found
    return bool(found)


_environment = LiveEnvironment(
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=False,
    auto_reload=False,
    cache_size=0,
)


@lru_cache(maxsize=1024)
def compile_template(source: str) -> Template:
    """Compile a component's template source once; later calls reuse it."""
    return _environment.from_string(source)


def template_names(source: str) -> set[str]:
    """The names a template reads from its context (Jinja's own globals aside)."""
    names: set[str] = meta.find_undeclared_variables(_environment.parse(source))
    return names - set(_environment.globals)


def raw(html: str) -> Markup:
    """Mark ``html`` as safe, trusted markup that is inserted without escaping.

    Only pass strings you built yourself: user input passed here becomes
    live HTML in the browser.
    """
    return Markup(html)


class TemplateFileNotFound(LookupError):
    """A template file no folder of the app (or of livecomp) holds."""

    def __init__(self, name: str, folders: list[str]) -> None:
        searched = ", ".join(folders) if folders else "no folder (the app has no templates folder)"
        super().__init__(f"template file {name!r} not found; searched {searched}")
        self.name = name
        self.folders = folders


class Templates:
    """The templates of one app: its Jinja loader, then livecomp's own.

    Rendered with livecomp's settings (autoescape, strict undefined, ``js``),
    not the app's ``jinja_env``. Files are compiled once; when ``debug()``
    is true, a changed file is compiled again at its next render.
    """

    def __init__(self, app: Quart | None = None, *, debug: Callable[[], bool] = bool) -> None:
        self.app = app
        self._debug = debug
        loaders: list[BaseLoader] = []
        if app is not None and app.jinja_env.loader is not None:
            loaders.append(app.jinja_env.loader)
        loaders.append(PackageLoader("livecomp", "templates"))
        self.environment = LiveEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            auto_reload=False,
            cache_size=-1,
        )
        self._inline: dict[str, Template] = {}

    def inline(self, source: str) -> Template:
        """An inline template, compiled once; its includes go through the loader."""
        template = self._inline.get(source)
        if template is None:
            template = self._inline[source] = self.environment.from_string(source)
        return template

    def file(self, name: str) -> Template:
        """The template file ``name``.

        Raises:
            TemplateFileNotFound: no folder holds it (the folders are named).
        """
        self.environment.auto_reload = self._debug()
        try:
            return self.environment.get_template(name)
        except TemplateNotFound as exc:
            if exc.name != name:
                raise  # a file it includes is missing: Jinja names that one.
            raise TemplateFileNotFound(name, self.folders()) from None

    def folders(self) -> list[str]:
        """The folders searched for a template file, in order."""
        found: list[str] = []
        if self.app is not None:
            for scaffold in [self.app, *self.app.iter_blueprints()]:
                loader = scaffold.jinja_loader
                if isinstance(loader, FileSystemLoader):
                    found.extend(os.fspath(path) for path in loader.searchpath)
        found.append(os.path.join(os.path.dirname(__file__), "templates"))
        return found


_default = Templates()
_current: ContextVar[Templates | None] = ContextVar("livecomp_templates", default=None)


def current_templates() -> Templates:
    """The templates of the app rendering now (livecomp's alone outside any app)."""
    templates = _current.get()
    return _default if templates is None else templates


def use_templates(templates: Templates) -> AbstractContextManager[None]:
    """Render with ``templates`` inside the block (and in tasks it starts)."""
    return _UsingTemplates(templates)


def enter_templates(templates: Templates) -> Token[Templates | None]:
    """``use_templates`` without a block, until ``leave_templates(token)``:
    for a coroutine that waits long inside it (a live socket's), which
    would keep the block's manager and its bound ``__exit__`` meanwhile."""
    return _current.set(templates)


def leave_templates(token: Token[Templates | None]) -> None:
    """End what ``enter_templates`` began."""
    _current.reset(token)


class _UsingTemplates:
    """``use_templates``'s block. A class, not a generator: a suspended
    generator with its context manager takes ~340 bytes."""

    __slots__ = ("_templates", "_token")

    def __init__(self, templates: Templates) -> None:
        self._templates = templates
        self._token: Token[Templates | None] | None = None

    def __enter__(self) -> None:
        self._token = _current.set(self._templates)

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None
