"""Every ``live-*`` name and every HTML fact that the diff, the Python DOM and
the browser client rely on, written once.

The key idea: a binding, a class or a key attribute is added here and only
here. The TypeScript client imports ``livecomp/js/src/names.ts``, which is
generated from this module (``python -m livecomp.names > livecomp/js/src/names.ts``);
a test fails when the committed file differs from the generated one.

Example:
    >>> KEY_ATTRS
    ('live-cid', 'live-id', 'id')
    >>> BINDINGS["click"], loading_class(BINDINGS["click"])
    ('live-click', 'live-click-loading')
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- attributes the framework writes ------------------------------------------

#: On each component's root element: the component's id within the page.
CID: Final = "live-cid"
#: The container of a live page, holding the root component.
PAGE: Final = "live-page"
#: On the container: the signed page token the socket joins with.
TOKEN: Final = "live-token"
#: On the container: the path of the page's websocket.
SOCKET: Final = "live-socket"
#: On the container: milliseconds between the client's heartbeats (0: none).
HEARTBEAT: Final = "live-heartbeat"
#: On the container of a live page embedded in a page the app renders itself
#: (``live_embed``): the page's URL is not the document's, so the client joins
#: without one and leaves the history alone.
EMBEDDED: Final = "live-embedded"
#: Milliseconds between heartbeats when the container has no HEARTBEAT attribute:
#: the server leaves the default out, so a page carries only what it changes.
DEFAULT_HEARTBEAT_MS: Final = 30_000

# --- attributes users write -----------------------------------------------------

#: The list key: siblings carrying it are matched by its value across renders.
#: (Not ``live-key``: that is jfyne/live's keyboard filter.)
LIST_KEY: Final = "live-id"
#: ``live-value-NAME="x"`` puts ``NAME: "x"`` in the event's payload.
VALUE_PREFIX: Final = "live-value-"
#: On a submit button: its label while the submit is pending; it is disabled.
DISABLE_WITH: Final = "live-disable-with"

#: Event bindings by what triggers them: the attribute names the event to send.
#: ``window-*`` bindings listen on the window but belong to the element that
#: declares them (its component, its loading class).
BINDINGS: Final = MappingProxyType(
    {
        "click": "live-click",
        "capture-click": "live-capture-click",
        "contextmenu": "live-contextmenu",
        "mousedown": "live-mousedown",
        "mouseup": "live-mouseup",
        "focus": "live-focus",
        "blur": "live-blur",
        "window-focus": "live-window-focus",
        "window-blur": "live-window-blur",
        "keydown": "live-keydown",
        "keyup": "live-keyup",
        "window-keydown": "live-window-keydown",
        "window-keyup": "live-window-keyup",
        "change": "live-change",
        "submit": "live-submit",
    }
)
#: On a key binding: only this key (``KeyboardEvent.key``, case-insensitive) fires it.
KEY_FILTER: Final = "live-key"
#: Milliseconds to wait for quiet before sending, or ``"blur"``: send on blur.
DEBOUNCE: Final = "live-debounce"
#: Milliseconds: send at most one event per period.
THROTTLE: Final = "live-throttle"
#: On an error message: the name of the field it belongs to; hidden (with
#: ``NO_FEEDBACK_CLASS``) until the user touched that field or submitted.
FEEDBACK_FOR: Final = "live-feedback-for"
NO_FEEDBACK_CLASS: Final = "live-no-feedback"
#: On a form with an id: what it re-sends after a reconnect (an event name,
#: or ``"ignore"``; default: its change event).
AUTO_RECOVER: Final = "live-auto-recover"
#: On a form: once the server acks the submit, submit it for real to its action.
TRIGGER_ACTION: Final = "live-trigger-action"
#: On a container: ``replace`` (default), ``ignore``, ``append``, ``prepend`` or ``stream``.
UPDATE: Final = "live-update"
#: The value of ``UPDATE`` on a stream's container (``livecomp.streams``): its
#: key (``id`` or ``live-id``) names the stream; its items come as ``stream`` ops.
STREAM_UPDATE: Final = "stream"
#: The values of ``UPDATE`` under which the client, not the server's render,
#: owns the container's children (docs/protocol.md, "live-update"). Any other
#: value, or none, is ``replace``: the children follow the server's render.
KEPT_UPDATES: Final = ("ignore", "append", "prepend", STREAM_UPDATE)
#: On an element: the name of the client hook (``window.Hooks[name]``) it runs.
HOOK: Final = "live-hook"
#: On a link: following it changes the page's URL (``pushState``) and runs the
#: params handler over the socket, instead of loading the page again.
PATCH: Final = "live-patch"

#: Added to an element while an event it raised waits for its ack.
LOADING_SUFFIX: Final = "-loading"

# --- DOM events the client dispatches on ``document`` ------------------------------

#: After every join; ``detail.rejoin`` is true after a reconnect.
JOINED_EVENT: Final = "live:joined"
#: For every ``err`` the server sends; ``detail`` is the message.
ERROR_EVENT: Final = "live:error"

# --- classes on <body>: the socket's state ------------------------------------

CONNECTED_CLASS: Final = "live-connected"
DISCONNECTED_CLASS: Final = "live-disconnected"
ERROR_CLASS: Final = "live-error"

# --- matching siblings across renders -----------------------------------------

#: Attributes that identify an element among its siblings, by priority. A child
#: component keeps its ``live-cid`` even when its root tag changes; the others
#: only match an element of the same tag. The diff and the client's morph both
#: key on exactly these.
KEY_ATTRS: Final = (CID, LIST_KEY, "id")

# --- HTML facts -----------------------------------------------------------------

#: Elements with no end tag and no children.
VOID_ELEMENTS: Final = _words(
    "area base basefont bgsound br col embed frame hr img input keygen link meta "
    "param source track wbr"
)
#: Elements whose text children are serialised without escaping (noscript is
#: left out: Lexbor parses with scripting disabled).
RAW_TEXT_ELEMENTS: Final = _words("style script xmp iframe noembed noframes plaintext")
#: The parser drops one newline right after these start tags, so a leading
#: newline in their first text child must be written twice to survive.
NEWLINE_EATERS: Final = _words("pre textarea listing")
#: Elements whose content the diff does not address by path: template content
#: is not a child list in the DOM, and noscript content is text in a browser
#: with scripting on but elements in Lexbor. They are replaced whole.
OPAQUE_ELEMENTS: Final = _words("template noscript")

#: Component root tag -> the element a browser would have around it.
ROOT_CONTEXT: Final = MappingProxyType(
    {
        "tr": "tbody",
        "td": "tr",
        "th": "tr",
        "thead": "table",
        "tbody": "table",
        "tfoot": "table",
        "caption": "table",
        "colgroup": "table",
        "col": "colgroup",
        "option": "select",
        "optgroup": "select",
    }
)
#: Tags that only exist in SVG: a component rooted at one lives inside an <svg>.
SVG_ONLY: Final = _words(
    "g circle rect path line polyline polygon ellipse text tspan textpath defs use "
    "symbol marker clippath mask pattern lineargradient radialgradient stop filter "
    "foreignobject animate animatemotion animatetransform set fegaussianblur feoffset "
    "feblend fecolormatrix fecomposite feflood femerge femergenode feimage "
    "feturbulence fedropshadow"
)
#: Tags that only exist in MathML.
MATHML_ONLY: Final = _words(
    "mi mo mn ms mtext mrow mfrac msqrt mroot msub msup msubsup munder mover "
    "munderover mtable mtr mtd mspace mstyle mpadded mphantom menclose merror "
    "mmultiscripts semantics annotation annotation-xml"
)
#: SVG elements whose children are HTML again.
SVG_HTML_POINTS: Final = _words("foreignobject desc title")
#: MathML elements whose children are HTML again (but mglyph and malignmark).
MATHML_TEXT_POINTS: Final = _words("mi mo mn ms mtext")
#: Start tags that leave foreign content; in a fragment parsed in an SVG or
#: MathML context they become HTML elements at the top level.
FOREIGN_BREAKOUT: Final = _words(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 "
    "head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike "
    "sub sup table tt u ul var"
)


def loading_class(binding: str) -> str:
    """The class an element carries while an event its ``binding`` raised is pending."""
    return binding + LOADING_SUFFIX


# --- the TypeScript side ------------------------------------------------------


def typescript() -> str:
    """``livecomp/js/src/names.ts``: these names, and the protocol's codes, for the client."""
    from livecomp.protocol import CloseCode, ErrorCode

    def const(name: str, value: object, doc: str) -> str:
        return f"/** {doc} */\nexport const {name} = {_ts(value)};\n"

    parts = [
        "// Generated from livecomp/names.py by `python -m livecomp.names`; do not edit.\n",
        const("CID", CID, "On each component's root element: the component's id."),
        const("PAGE", PAGE, "The container of a live page."),
        const("TOKEN", TOKEN, "On the container: the signed page token."),
        const("SOCKET", SOCKET, "On the container: the websocket path."),
        const("HEARTBEAT", HEARTBEAT, "On the container: milliseconds between heartbeats."),
        const("EMBEDDED", EMBEDDED, "On the container: a page embedded in another document."),
        const(
            "DEFAULT_HEARTBEAT_MS",
            DEFAULT_HEARTBEAT_MS,
            "Milliseconds between heartbeats without a HEARTBEAT attribute.",
        ),
        const("LIST_KEY", LIST_KEY, "The list key attribute."),
        const("VALUE_PREFIX", VALUE_PREFIX, "`live-value-NAME` puts NAME in the payload."),
        const("DISABLE_WITH", DISABLE_WITH, "A submit button's label while pending."),
        const("BINDINGS", dict(BINDINGS), "Event bindings by what triggers them."),
        const("KEY_FILTER", KEY_FILTER, "On a key binding: the only key that fires it."),
        const("DEBOUNCE", DEBOUNCE, "Milliseconds of quiet before sending, or `blur`."),
        const("THROTTLE", THROTTLE, "Milliseconds: at most one event per period."),
        const("FEEDBACK_FOR", FEEDBACK_FOR, "On an error message: the field it belongs to."),
        const("NO_FEEDBACK_CLASS", NO_FEEDBACK_CLASS, "Hides feedback not yet earned."),
        const("AUTO_RECOVER", AUTO_RECOVER, "On a form: what it re-sends after a reconnect."),
        const("TRIGGER_ACTION", TRIGGER_ACTION, "On a form: submit for real once acked."),
        const("STREAM_UPDATE", STREAM_UPDATE, "The value of UPDATE on a stream's container."),
        const("UPDATE", UPDATE, "On a container: replace, ignore, append, prepend or stream."),
        const(
            "KEPT_UPDATES",
            list(KEPT_UPDATES),
            "Values of UPDATE under which the client owns the container's children.",
        ),
        const("HOOK", HOOK, "On an element: the name of its client hook."),
        const("PATCH", PATCH, "On a link: change the URL over the socket, without a reload."),
        const("JOINED_EVENT", JOINED_EVENT, "Dispatched on document after every join."),
        const("ERROR_EVENT", ERROR_EVENT, "Dispatched on document for every err."),
        const("LOADING_SUFFIX", LOADING_SUFFIX, "Added to a binding while its event is pending."),
        const(
            "STATE_CLASSES",
            {
                "connected": CONNECTED_CLASS,
                "disconnected": DISCONNECTED_CLASS,
                "error": ERROR_CLASS,
            },
            "Classes on <body> for the socket's state.",
        ),
        const("KEY_ATTRS", list(KEY_ATTRS), "Attributes that key siblings, by priority."),
        const("OPAQUE_ELEMENTS", sorted(OPAQUE_ELEMENTS), "Elements replaced whole."),
        const(
            "CloseCode",
            {code.name: code.value for code in CloseCode},
            "Websocket close codes the server uses.",
        ),
        const(
            "ErrorCode",
            {code.name: code.value for code in ErrorCode},
            "The `code` of an `err` message.",
        ),
        # Their own list, so the client bundles these three and not ErrorCode.
        const(
            "EVENT_ERRORS",
            [
                ErrorCode.INVALID_PAYLOAD.value,
                ErrorCode.RATE_LIMITED.value,
                ErrorCode.INVALID_PARAMS.value,
            ],
            "Err codes that answer one event and say nothing of the page's health.",
        ),
    ]
    return "\n".join(parts)


def _ts(value: object) -> str:
    """A TypeScript literal for ``value``, read-only and narrowly typed."""
    import json

    if isinstance(value, str | int):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item) for item in value) + "] as const"
    if isinstance(value, dict):
        items = ",\n".join(
            f"  {key if key.isidentifier() else json.dumps(key)}: {json.dumps(item)}"
            for key, item in value.items()
        )
        return "{\n" + items + ",\n} as const"
    raise TypeError(f"no TypeScript literal for {value!r}")


if __name__ == "__main__":
    print(typescript(), end="")
