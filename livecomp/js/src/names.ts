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

/** The list key attribute. */
export const LIST_KEY = "live-id";

/** `live-value-NAME` puts NAME in the payload. */
export const VALUE_PREFIX = "live-value-";

/** A submit button's label while pending. */
export const DISABLE_WITH = "live-disable-with";

/** Event bindings by DOM event. */
export const BINDINGS = {
  click: "live-click",
  change: "live-change",
  submit: "live-submit",
} as const;

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
} as const;
