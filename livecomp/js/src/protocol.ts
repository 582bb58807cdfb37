/**
 * The wire contract of docs/protocol.md, as types.
 *
 * Every frame is one message object or an array of them; every message names
 * its type in `t`. The names match livecomp/protocol.py; the close codes are
 * generated from it (names.ts).
 */

/** Child indices from a component's root element; `[]` is the root itself. */
export type Path = number[];

/** What must be found at an op's target: `#text`, `#comment` or a tag name. */
export type Check = string;

export type TextOp = ["text", Path, Check, string];
export type AttrsOp = ["attrs", Path, Check, Record<string, string>, string[]];
export type InsertOp = ["insert", Path, Check, number, string];
export type RemoveOp = ["remove", Path, Check];
export type MoveOp = ["move", Path, Check, number, number, Check];
export type ReplaceOp = ["replace", Path, Check, string];
/** Add or update keyed items in a `live-update` container (docs/protocol.md, "live-update"). */
export type UpsertOp = ["upsert", Path, Check, "append" | "prepend", string];

/** Reset, delete, insert ([at, html]: at -1 end, 0 start, null update only) and trim a stream's items. */
export type StreamOp = ["stream", Path, Check, boolean, string[], Array<[number | null, string]>, number | null];

export type Op = TextOp | AttrsOp | InsertOp | RemoveOp | MoveOp | ReplaceOp | UpsertOp | StreamOp;

/** An event's payload: `live-value-*` attributes, or a serialised form. */
export type EventValue = Record<string, string | string[]>;

/** What a hook or a JS command may send: any JSON object. */
export type Payload = Record<string, unknown>;

// Client to server.

export interface JoinMessage {
  t: "join";
  token: string;
  /** The browser's URL, path and query: the page mounts for it (none: the token's). */
  url?: string | undefined;
  /** Joined before: the DOM may have moved on from the document's render. */
  rejoin?: true | undefined;
}

export interface EventMessage {
  t: "event";
  ref: number;
  cid: string;
  event: string;
  value: Payload;
}

/** The browser's URL changed within the page: a `live-patch` link, back or forward. */
export interface UrlMessage {
  t: "url";
  ref: number;
  url: string;
}

export interface ResyncMessage {
  t: "resync";
  cid: string;
  reason: string;
}

/** A heartbeat: the client is alive and expects a `pong`. */
export interface PingMessage {
  t: "ping";
}

export type ClientMessage = JoinMessage | EventMessage | UrlMessage | ResyncMessage | PingMessage;

// Server to client.

/** The join's answer when the page mounted to the render the document shows. */
export interface UnchangedMessage {
  t: "unchanged";
  cid: string;
}

export interface RenderMessage {
  t: "render";
  cid: string;
  html: string;
}

export interface PatchMessage {
  t: "patch";
  cid: string;
  ops: Op[];
}

export interface AckMessage {
  t: "ack";
  ref: number;
}

export interface ErrMessage {
  t: "err";
  ref: number | null;
  code: string;
  event: string | null;
  reason: string;
  /** A `handler_error`'s error id, the one in the server's log line. */
  error_id?: string;
}

export interface PongMessage {
  t: "pong";
}

/** An event the server pushed to the page's hooks (`Component.push_event`). */
export interface PushMessage {
  t: "push";
  event: string;
  data: unknown;
}

/** Put `url` in the address bar and history without loading it (`patch_url`). */
export interface PatchUrlMessage {
  t: "patch_url";
  url: string;
  replace: boolean;
}

/** Load `url`: a full navigation (`redirect`, `navigate`, the login page). */
export interface RedirectMessage {
  t: "redirect";
  url: string;
}

/** Another live page over the same socket (`navigate`): its URL, token, root and title. */
export interface NavigateMessage {
  t: "navigate";
  url: string;
  replace: boolean;
  token: string;
  title: string;
  html: string;
}

export type ServerMessage =
  | NavigateMessage
  | RenderMessage
  | UnchangedMessage
  | PatchMessage
  | AckMessage
  | ErrMessage
  | PongMessage
  | PushMessage
  | PatchUrlMessage
  | RedirectMessage;

/**
 * Websocket close codes the server uses (livecomp/protocol.py, generated into
 * names.ts), and what each asks of the client:
 * - TOKEN_INVALID: join token forged, malformed or expired: reload once for a fresh one.
 * - JOIN_EXPECTED: the first message was not a valid join: reconnect with backoff.
 * - ORIGIN_FORBIDDEN: the socket's Origin is not allowed: stop for good.
 * - UNAUTHORIZED: the page needs a logged-in user: follow the `redirect` that came first.
 * - REDIRECTED: the page sent the browser elsewhere: follow the `redirect` that came first.
 * - SLOW_CLIENT: the client did not read fast enough: reconnect with backoff.
 * - SERVER_ERROR: unexpected server failure: reconnect with backoff.
 */
export { CloseCode } from "./names";

/** Split a received frame into its messages, in order. */
export function decodeFrame(data: string): ServerMessage[] {
  const parsed: unknown = JSON.parse(data);
  const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of list) {
    if (typeof item !== "object" || item === null || typeof (item as { t?: unknown }).t !== "string") {
      throw new Error(`not a message object: ${JSON.stringify(item)}`);
    }
  }
  return list as ServerMessage[];
}
