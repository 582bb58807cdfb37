"""The Jinja2 environment components render with, and the safe-HTML helpers.

Autoescape is always on: state rendered into a template is escaped unless the
code marks it raw, visibly, with ``raw()`` or Jinja's ``|safe``. Every
template sees ``js``, the JS command builder (``livecomp.commands``).
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, StrictUndefined, Template, meta
from markupsafe import Markup, escape

from livecomp.commands import js

__all__ = ["Markup", "compile_template", "escape", "raw", "template_names"]

_environment = Environment(
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=False,
    auto_reload=False,
    cache_size=0,
)
_environment.globals["js"] = js


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
