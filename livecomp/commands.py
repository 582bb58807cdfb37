"""JS commands: small DOM changes a binding runs in the browser, with no round trip.

The key idea: a binding attribute whose value is a JSON array of commands
(``live-click='[["hide",{"to":"#done"}],["push",{"event":"save"}]]'``) is run
by the client instead of being sent as an event name. ``js`` builds that
array in Python and renders it escaped, so it goes straight into a
template's attribute:

    <button live-click="{{ js.hide('#done').push('save') }}">Save</button>

Each method returns a new chain; ``str()`` gives the JSON, and ``__html__``
(what Jinja calls) the JSON escaped for an attribute value, quoted with
double or single quotes. What a command set on an element (a class, an
attribute, its display) survives the component's re-renders until the
server's markup changes that same thing (see docs/guide.md, "JS commands").
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

__all__ = ["JS", "js"]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

#: The command names the client knows, as written on the wire.
COMMANDS = frozenset(
    {
        "show",
        "hide",
        "toggle",
        "add_class",
        "remove_class",
        "set_attr",
        "remove_attr",
        "focus",
        "dispatch",
        "push",
    }
)


class JS:
    """A list of JS commands, built by chaining; renders as escaped JSON.

    ``to`` is a CSS selector: the command applies to every element it
    matches in the document (``focus``: the first). Without it, to the
    element that carries the binding.

    Example:
        >>> str(js.hide("#done").push("save", value={"id": 3}))
        '[["hide",{"to":"#done"}],["push",{"event":"save","value":{"id":3}}]]'
    """

    __slots__ = ("_commands",)

    def __init__(self, commands: tuple[tuple[str, dict[str, Any]], ...] = ()) -> None:
        self._commands = commands

    @property
    def commands(self) -> list[list[Any]]:
        """The commands, as the JSON array holds them."""
        return [[name, dict(args)] for name, args in self._commands]

    def _then(self, command: str, /, **args: Any) -> JS:
        kept = {key: value for key, value in args.items() if value is not None}
        return JS((*self._commands, (command, kept)))

    def show(self, to: str | None = None, *, display: str | None = None) -> JS:
        """Show the element: clear its inline ``display: none`` (or set ``display``)."""
        return self._then("show", to=to, display=display)

    def hide(self, to: str | None = None) -> JS:
        """Hide the element (inline ``display: none``)."""
        return self._then("hide", to=to)

    def toggle(self, to: str | None = None, *, display: str | None = None) -> JS:
        """Show the element if it is hidden, else hide it."""
        return self._then("toggle", to=to, display=display)

    def add_class(self, names: str, to: str | None = None) -> JS:
        """Add the space-separated class ``names``."""
        return self._then("add_class", names=_words(names, "add_class"), to=to)

    def remove_class(self, names: str, to: str | None = None) -> JS:
        """Remove the space-separated class ``names``."""
        return self._then("remove_class", names=_words(names, "remove_class"), to=to)

    def set_attr(self, name: str, value: str, to: str | None = None) -> JS:
        """Set the attribute ``name`` to ``value``."""
        return self._then("set_attr", name=_name(name), value=str(value), to=to)

    def remove_attr(self, name: str, to: str | None = None) -> JS:
        """Remove the attribute ``name``."""
        return self._then("remove_attr", name=_name(name), to=to)

    def focus(self, to: str | None = None) -> JS:
        """Focus the element."""
        return self._then("focus", to=to)

    def dispatch(
        self, event: str, to: str | None = None, *, detail: Any = None, bubbles: bool = True
    ) -> JS:
        """Dispatch the DOM event ``event`` (a ``CustomEvent`` carrying ``detail``)."""
        return self._then(
            "dispatch", event=_name(event), to=to, detail=detail, bubbles=None if bubbles else False
        )

    def push(self, event: str, *, value: dict[str, Any] | None = None, to: str | None = None) -> JS:
        """Send ``event`` to the server, as the binding would send it.

        ``value`` is laid over the binding's own payload (its ``live-value-*``
        attributes, or its form); ``to`` selects an element whose component
        receives the event instead of the binding's own.
        """
        return self._then("push", event=_name(event), value=value, to=to)

    def __str__(self) -> str:
        return _encode(self.commands)

    def __html__(self) -> Markup:
        # escape() turns both quotes into character references, which an
        # attribute value decodes back, whichever quotes surround it.
        return escape(str(self))

    def __repr__(self) -> str:
        return f"JS({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JS) and other._commands == self._commands

    def __hash__(self) -> int:
        return hash(str(self))


def _name(value: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty name, got {value!r}")
    return value


def _words(names: str, command: str) -> str:
    words = names.split() if isinstance(names, str) else []
    if not words:
        raise ValueError(f"{command}() needs one or more class names, got {names!r}")
    return " ".join(words)


#: The empty command list every chain starts from: ``js.hide("#x")``.
js = JS()


def parse_commands(value: str) -> list[tuple[str, dict[str, Any]]] | None:
    """The commands of a binding's value, or None when it names an event instead.

    Raises:
        ValueError: the value is a list, but not a JSON list of commands.
    """
    if not value.lstrip().startswith("["):
        return None
    try:
        items = json.loads(value)
    except ValueError as exc:
        raise ValueError(f"not a JSON list of commands: {value!r} ({exc})") from None
    commands: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        match item:
            case [str() as name] if name in COMMANDS:
                commands.append((name, {}))
            case [str() as name, dict() as args] if name in COMMANDS:
                commands.append((name, args))
            case _:
                raise ValueError(f"not a known command: {item!r} in {value!r}")
    return commands
