// Generated from livecomp/names.py by `python -m livecomp.names`; do not edit.

/** On each component's root element: the component's id. */
export const CID = "live-cid";

/** The container of a live page. */
export const PAGE = "live-page";

/** On the container: the signed page token. */
export const TOKEN = "live-token";

/** On the container: the websocket path. */
export const SOCKET = "live-socket";

/** On the container: milliseconds between heartbeats. */
export const HEARTBEAT = "live-heartbeat";

/** On the container: a page embedded in another document. */
export const EMBEDDED = "live-embedded";

/** Milliseconds between heartbeats without a HEARTBEAT attribute. */
export const DEFAULT_HEARTBEAT_MS = 30000;

/** The list key attribute. */
export const LIST_KEY = "live-id";

/** `live-value-NAME` puts NAME in the payload. */
export const VALUE_PREFIX = "live-value-";

/** A submit button's label while pending. */
export const DISABLE_WITH = "live-disable-with";

/** Event bindings by what triggers them. */
export const BINDINGS = {
  click: "live-click",
  "capture-click": "live-capture-click",
  contextmenu: "live-contextmenu",
  mousedown: "live-mousedown",
  mouseup: "live-mouseup",
  focus: "live-focus",
  blur: "live-blur",
  "window-focus": "live-window-focus",
  "window-blur": "live-window-blur",
  keydown: "live-keydown",
  keyup: "live-keyup",
  "window-keydown": "live-window-keydown",
  "window-keyup": "live-window-keyup",
  change: "live-change",
  submit: "live-submit",
} as const;

/** On a key binding: the only key that fires it. */
export const KEY_FILTER = "live-key";

/** Milliseconds of quiet before sending, or `blur`. */
export const DEBOUNCE = "live-debounce";

/** Milliseconds: at most one event per period. */
export const THROTTLE = "live-throttle";

/** On an error message: the field it belongs to. */
export const FEEDBACK_FOR = "live-feedback-for";

/** Hides feedback not yet earned. */
export const NO_FEEDBACK_CLASS = "live-no-feedback";

/** On a form: what it re-sends after a reconnect. */
export const AUTO_RECOVER = "live-auto-recover";

/** On a form: submit for real once acked. */
export const TRIGGER_ACTION = "live-trigger-action";

/** The value of UPDATE on a stream's container. */
export const STREAM_UPDATE = "stream";

/** On a container: replace, ignore, append, prepend or stream. */
export const UPDATE = "live-update";

/** Values of UPDATE under which the client owns the container's children. */
export const KEPT_UPDATES = ["ignore", "append", "prepend", "stream"] as const;

/** On an element: the name of its client hook. */
export const HOOK = "live-hook";

/** On a link: change the URL over the socket, without a reload. */
export const PATCH = "live-patch";

/** Dispatched on document after every join. */
export const JOINED_EVENT = "live:joined";

/** Dispatched on document for every err. */
export const ERROR_EVENT = "live:error";

/** Added to a binding while its event is pending. */
export const LOADING_SUFFIX = "-loading";

/** Classes on <body> for the socket's state. */
export const STATE_CLASSES = {
  connected: "live-connected",
  disconnected: "live-disconnected",
  error: "live-error",
} as const;

/** Attributes that key siblings, by priority. */
export const KEY_ATTRS = ["live-cid", "live-id", "id"] as const;

/** Elements replaced whole. */
export const OPAQUE_ELEMENTS = ["noscript", "template"] as const;

/** Websocket close codes the server uses. */
export const CloseCode = {
  TOKEN_INVALID: 4001,
  JOIN_EXPECTED: 4002,
  ORIGIN_FORBIDDEN: 4003,
  UNAUTHORIZED: 4004,
  REDIRECTED: 4005,
  SLOW_CLIENT: 4008,
  IDLE_TIMEOUT: 4009,
  SERVER_ERROR: 1011,
  MESSAGE_TOO_BIG: 1009,
} as const;

/** The `code` of an `err` message. */
export const ErrorCode = {
  MALFORMED: "malformed",
  BINARY_FRAME: "binary_frame",
  TOO_LARGE: "too_large",
  UNKNOWN_TYPE: "unknown_type",
  UNKNOWN_COMPONENT: "unknown_component",
  UNKNOWN_EVENT: "unknown_event",
  INVALID_PAYLOAD: "invalid_payload",
  HANDLER_ERROR: "handler_error",
  RATE_LIMITED: "rate_limited",
  INVALID_PARAMS: "invalid_params",
  UNAUTHORIZED: "unauthorized",
} as const;

/** Err codes that answer one event and say nothing of the page's health. */
export const EVENT_ERRORS = ["invalid_payload", "rate_limited", "invalid_params"] as const;
