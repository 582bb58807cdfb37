"""Pointer, focus and key bindings, acted on as the browser client does.

The key idea: each action finds the elements a browser event would reach
and reads their bindings exactly as ``livecomp/js/src/bindings.ts`` does:
the nearest element declaring a pointer or key binding (a click first
reaches the nearest ``live-capture-click``, in its capture phase), the
element itself for focus and blur, every element of the page declaring a
``window-*`` binding. ``live-key`` is compared case-insensitively with the
key, and the payload is the element's ``live-value-*`` attributes, plus, for
keys, ``key``, ``code``, ``alt``, ``ctrl``, ``meta``, ``shift`` and
``repeat``. An action that would reach no binding is refused, so a test that
presses nothing fails. Rate limits (``live-debounce``, ``live-throttle``) are
not simulated: every action sends at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict, Unpack

from selectolax.lexbor import LexborHTMLParser, LexborNode

from livecomp.commands import parse_commands
from livecomp.names import BINDINGS, KEY_FILTER, VALUE_PREFIX
from livecomp.testing.nodes import closest, closest_cid, select
from livecomp.testing.reply import Actions, Reply


class KeyState(TypedDict, total=False):
    """What a key event carries besides its key (all False, and ``code``
    derived from the key, unless given)."""

    code: str
    alt: bool
    ctrl: bool
    meta: bool
    shift: bool
    repeat: bool


def live_values(node: LexborNode) -> dict[str, str]:
    """The ``live-value-*`` attributes of ``node``, keyed by the name after the prefix."""
    return {
        name[len(VALUE_PREFIX) :]: value or ""
        for name, value in node.attributes.items()
        if name.startswith(VALUE_PREFIX)
    }


def key_code(key: str) -> str:
    """The ``KeyboardEvent.code`` of ``key`` on a US keyboard, for the common keys."""
    if len(key) == 1 and key.isascii() and key.isalpha():
        return f"Key{key.upper()}"
    if len(key) == 1 and key.isdigit():
        return f"Digit{key}"
    if key == " ":
        return "Space"
    return key if len(key) > 1 else ""


def key_value(node: LexborNode, key: str, state: KeyState) -> dict[str, Any]:
    """A key event's payload; the key fields win over a ``live-value-*`` of the same name."""
    return {
        **live_values(node),
        "key": key,
        "code": state.get("code", key_code(key)),
        "alt": state.get("alt", False),
        "ctrl": state.get("ctrl", False),
        "meta": state.get("meta", False),
        "shift": state.get("shift", False),
        "repeat": state.get("repeat", False),
    }


def key_matches(node: LexborNode, key: str) -> bool:
    """``key`` passes the element's ``live-key`` filter (or it has none)."""
    wanted = node.attributes.get(KEY_FILTER)
    return KEY_FILTER not in node.attributes or (wanted or "").lower() == key.lower()


class BindingActions(Actions):
    """The actions of ``LiveTestClient`` that go through an element's binding."""

    async def click(self, selector: str, *, check: bool = True) -> Reply:
        """Click the element ``selector`` matches, as the browser client would.

        The nearest ``live-capture-click`` fires first, then the nearest
        ``live-click``; returns the reply to the last, with every patch.

        Raises:
            LookupError: neither binding is on the element or around it.
        """
        node = select(self.html, selector)
        bound = [
            (target, binding)
            for binding in (BINDINGS["capture-click"], BINDINGS["click"])
            if (target := closest(node, binding)) is not None
        ]
        if not bound:
            raise LookupError(
                f"{selector!r} matches no element with {BINDINGS['click']} "
                f"(or {BINDINGS['capture-click']}), nor inside one"
            )
        replies = [
            await self._send(target, binding, live_values(target), check)
            for target, binding in bound
        ]
        return Reply([patch for reply in replies for patch in reply.patches], replies[-1].error)

    async def contextmenu(self, selector: str, *, check: bool = True) -> Reply:
        """Right-click the element ``selector`` matches (``live-contextmenu``)."""
        return await self._pointer(selector, "contextmenu", check)

    async def mousedown(self, selector: str, *, check: bool = True) -> Reply:
        """Press a mouse button on the element ``selector`` matches (``live-mousedown``)."""
        return await self._pointer(selector, "mousedown", check)

    async def mouseup(self, selector: str, *, check: bool = True) -> Reply:
        """Release a mouse button on the element ``selector`` matches (``live-mouseup``)."""
        return await self._pointer(selector, "mouseup", check)

    async def focus(self, selector: str, *, check: bool = True) -> Reply:
        """Focus the element ``selector`` matches, which must carry ``live-focus``."""
        return await self._own(selector, "focus", check)

    async def blur(self, selector: str, *, check: bool = True) -> Reply:
        """Leave the element ``selector`` matches, which must carry ``live-blur``."""
        return await self._own(selector, "blur", check)

    async def keydown(
        self, selector: str, key: str, *, check: bool = True, **state: Unpack[KeyState]
    ) -> Reply | None:
        """Press ``key`` (a ``KeyboardEvent.key``) in the element ``selector``
        matches; its nearest ``live-keydown`` fires.

        Returns None when the element's ``live-key`` lets the key pass by
        (the browser sends nothing).

        Example:
            ```python
            await page.keydown("input[name=q]", "Enter", shift=True)
            ```
        """
        return await self._key(selector, "keydown", key, check, state)

    async def keyup(
        self, selector: str, key: str, *, check: bool = True, **state: Unpack[KeyState]
    ) -> Reply | None:
        """Release ``key`` in the element ``selector`` matches (``live-keyup``); see ``keydown``."""
        return await self._key(selector, "keyup", key, check, state)

    async def window_keydown(
        self, key: str, *, check: bool = True, **state: Unpack[KeyState]
    ) -> list[Reply]:
        """Press ``key`` anywhere: every ``live-window-keydown`` whose
        ``live-key`` lets it pass fires, in document order."""
        return await self._window(
            "window-keydown", check, lambda node: key_value(node, key, state), key
        )

    async def window_keyup(
        self, key: str, *, check: bool = True, **state: Unpack[KeyState]
    ) -> list[Reply]:
        """Release ``key`` anywhere (``live-window-keyup``); see ``window_keydown``."""
        return await self._window(
            "window-keyup", check, lambda node: key_value(node, key, state), key
        )

    async def window_focus(self, *, check: bool = True) -> list[Reply]:
        """The window gains focus: every ``live-window-focus`` fires."""
        return await self._window("window-focus", check, live_values)

    async def window_blur(self, *, check: bool = True) -> list[Reply]:
        """The window loses focus: every ``live-window-blur`` fires."""
        return await self._window("window-blur", check, live_values)

    # --- internals ----------------------------------------------------------

    async def _send(
        self, node: LexborNode, binding: str, value: Mapping[str, Any], check: bool
    ) -> Reply:
        event = node.attributes[binding] or ""
        commands = parse_commands(event)
        if commands is None:
            return await self.send_event(event, value, cid=closest_cid(node), check=check)
        # JS commands: only their pushes reach the server (the rest is DOM
        # work in the browser, which this client does not simulate).
        reply = Reply()
        for name, args in commands:
            if name == "push":
                target = select(self.html, args["to"]) if "to" in args else node
                payload = {**value, **args.get("value", {})}
                reply = await self.send_event(
                    args["event"], payload, cid=closest_cid(target), check=check
                )
        return reply

    async def _pointer(self, selector: str, name: str, check: bool) -> Reply:
        binding = BINDINGS[name]
        target = closest(select(self.html, selector), binding)
        if target is None:
            raise LookupError(f"{selector!r} matches no element with {binding}, nor inside one")
        return await self._send(target, binding, live_values(target), check)

    async def _own(self, selector: str, name: str, check: bool) -> Reply:
        binding = BINDINGS[name]
        target = select(self.html, selector)
        if binding not in target.attributes:
            # Focus and blur do not bubble: only the element's own binding fires.
            raise LookupError(f"{selector!r} matches an element without {binding}")
        return await self._send(target, binding, live_values(target), check)

    async def _key(
        self, selector: str, name: str, key: str, check: bool, state: KeyState
    ) -> Reply | None:
        binding = BINDINGS[name]
        target = closest(select(self.html, selector), binding)
        if target is None:
            raise LookupError(f"{selector!r} matches no element with {binding}, nor inside one")
        if not key_matches(target, key):
            return None
        return await self._send(target, binding, key_value(target, key, state), check)

    async def _window(
        self,
        name: str,
        check: bool,
        value: Callable[[LexborNode], Mapping[str, Any]],
        key: str | None = None,
    ) -> list[Reply]:
        binding = BINDINGS[name]
        declaring = LexborHTMLParser(self.html, is_fragment=True).css(f"[{binding}]")
        if not declaring:
            raise LookupError(f"no element of the page declares {binding}")
        # Each reply re-renders the page: the elements are read up front, as
        # the browser reads them before the first event goes out.
        targets = [node for node in declaring if key is None or key_matches(node, key)]
        return [await self._send(node, binding, value(node), check) for node in targets]
