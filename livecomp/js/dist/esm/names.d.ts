/** On each component's root element: the component's id. */
export declare const CID = "live-cid";
/** The container of a live page. */
export declare const PAGE = "live-page";
/** On the container: the signed page token. */
export declare const TOKEN = "live-token";
/** On the container: the websocket path. */
export declare const SOCKET = "live-socket";
/** On the container: milliseconds between heartbeats. */
export declare const HEARTBEAT = "live-heartbeat";
/** On the container: a page embedded in another document. */
export declare const EMBEDDED = "live-embedded";
/** Milliseconds between heartbeats without a HEARTBEAT attribute. */
export declare const DEFAULT_HEARTBEAT_MS = 30000;
/** The list key attribute. */
export declare const LIST_KEY = "live-id";
/** `live-value-NAME` puts NAME in the payload. */
export declare const VALUE_PREFIX = "live-value-";
/** A submit button's label while pending. */
export declare const DISABLE_WITH = "live-disable-with";
/** Event bindings by what triggers them. */
export declare const BINDINGS: {
    readonly click: "live-click";
    readonly "capture-click": "live-capture-click";
    readonly contextmenu: "live-contextmenu";
    readonly mousedown: "live-mousedown";
    readonly mouseup: "live-mouseup";
    readonly focus: "live-focus";
    readonly blur: "live-blur";
    readonly "window-focus": "live-window-focus";
    readonly "window-blur": "live-window-blur";
    readonly keydown: "live-keydown";
    readonly keyup: "live-keyup";
    readonly "window-keydown": "live-window-keydown";
    readonly "window-keyup": "live-window-keyup";
    readonly change: "live-change";
    readonly submit: "live-submit";
};
/** On a key binding: the only key that fires it. */
export declare const KEY_FILTER = "live-key";
/** Milliseconds of quiet before sending, or `blur`. */
export declare const DEBOUNCE = "live-debounce";
/** Milliseconds: at most one event per period. */
export declare const THROTTLE = "live-throttle";
/** On an error message: the field it belongs to. */
export declare const FEEDBACK_FOR = "live-feedback-for";
/** Hides feedback not yet earned. */
export declare const NO_FEEDBACK_CLASS = "live-no-feedback";
/** On a form: what it re-sends after a reconnect. */
export declare const AUTO_RECOVER = "live-auto-recover";
/** On a form: submit for real once acked. */
export declare const TRIGGER_ACTION = "live-trigger-action";
/** The value of UPDATE on a stream's container. */
export declare const STREAM_UPDATE = "stream";
/** On a container: replace, ignore, append, prepend or stream. */
export declare const UPDATE = "live-update";
/** Values of UPDATE under which the client owns the container's children. */
export declare const KEPT_UPDATES: readonly ["ignore", "append", "prepend", "stream"];
/** On an element: the name of its client hook. */
export declare const HOOK = "live-hook";
/** On a link: change the URL over the socket, without a reload. */
export declare const PATCH = "live-patch";
/** Dispatched on document after every join. */
export declare const JOINED_EVENT = "live:joined";
/** Dispatched on document for every err. */
export declare const ERROR_EVENT = "live:error";
/** Added to a binding while its event is pending. */
export declare const LOADING_SUFFIX = "-loading";
/** Classes on <body> for the socket's state. */
export declare const STATE_CLASSES: {
    readonly connected: "live-connected";
    readonly disconnected: "live-disconnected";
    readonly error: "live-error";
};
/** Attributes that key siblings, by priority. */
export declare const KEY_ATTRS: readonly ["live-cid", "live-id", "id"];
/** Elements replaced whole. */
export declare const OPAQUE_ELEMENTS: readonly ["noscript", "template"];
/** Websocket close codes the server uses. */
export declare const CloseCode: {
    readonly TOKEN_INVALID: 4001;
    readonly JOIN_EXPECTED: 4002;
    readonly ORIGIN_FORBIDDEN: 4003;
    readonly UNAUTHORIZED: 4004;
    readonly REDIRECTED: 4005;
    readonly SLOW_CLIENT: 4008;
    readonly IDLE_TIMEOUT: 4009;
    readonly SERVER_ERROR: 1011;
    readonly MESSAGE_TOO_BIG: 1009;
};
/** The `code` of an `err` message. */
export declare const ErrorCode: {
    readonly MALFORMED: "malformed";
    readonly BINARY_FRAME: "binary_frame";
    readonly TOO_LARGE: "too_large";
    readonly UNKNOWN_TYPE: "unknown_type";
    readonly UNKNOWN_COMPONENT: "unknown_component";
    readonly UNKNOWN_EVENT: "unknown_event";
    readonly INVALID_PAYLOAD: "invalid_payload";
    readonly HANDLER_ERROR: "handler_error";
    readonly RATE_LIMITED: "rate_limited";
    readonly INVALID_PARAMS: "invalid_params";
    readonly UNAUTHORIZED: "unauthorized";
};
/** Err codes that answer one event and say nothing of the page's health. */
export declare const EVENT_ERRORS: readonly ["invalid_payload", "rate_limited", "invalid_params"];
