/**
 * The page's websocket: join, dispatch, reconnect.
 *
 * The socket joins with the page's signed token; the server answers with the
 * root component's full render, which is morphed over the server-rendered
 * DOM. A closed socket comes back with exponential backoff and full jitter;
 * the re-join render again morphs in, keeping focus and typed input. While
 * joined, a heartbeat goes out every `live-heartbeat` milliseconds; a beat
 * whose `pong` has not come back by the next one means a dead connection,
 * which is dropped and reconnected. A join refused the same way twice in a
 * row stops the client: retrying could not help.
 *
 * Each `render` and `patch` is applied inside one DOMPatch, which runs the
 * page's hooks around it; a `push` goes to the hooks' handleEvent
 * callbacks. After every join the socket dispatches JOINED_EVENT on the
 * document, and ERROR_EVENT for every `err`, which the hooks' `errored`
 * callbacks get too (an app's toast). An `err` that only answers
 * one event (its payload was invalid, or it came too fast) leaves the page
 * as it is; any other shows `live-error` on <body> until the next ack.
 *
 * The join names the browser's URL, and so does every URL change within the
 * page (navigation.ts); the server's `patch_url` puts a URL in the history
 * and its `redirect` loads one, after which the socket no longer reconnects:
 * the page is leaving. Its `navigate` swaps in another live page over the
 * same socket: a history entry, the new token for later joins, the new root.
 * An embedded page (`live-embedded`) joins at its token's URL and leaves the
 * history alone.
 */
import { HookRegistry, type Hooks } from "./hooks.js";
import { STATE_CLASSES } from "./names.js";
import { type AckMessage, type ErrMessage, type Payload } from "./protocol.js";
/** The socket's state; each but "connecting" shows as a class on <body>. */
export type SocketState = keyof typeof STATE_CLASSES | "connecting";
/** How an event ended: its ack, its err, or null when the socket dropped first. */
export type Settled = (reply: AckMessage | ErrMessage | null) => void;
export interface SocketOptions {
    /** Client hooks by the name `live-hook` gives (the page script: `window.Hooks`). */
    hooks?: Hooks;
    /** Called for every resync the client asks for. */
    onResync?: () => void;
}
/** An event the server refused (`reply`), or that never reached it (`reply` null). */
export declare class EventRefused extends Error {
    readonly reply: ErrMessage | null;
    constructor(reply: ErrMessage | null, message: string);
}
export declare class LiveSocket {
    #private;
    readonly container: Element;
    state: SocketState;
    /** The page's hooks, mounted once it has joined. */
    readonly hooks: HookRegistry;
    constructor(container: Element, options?: SocketOptions);
    connect(): void;
    /**
     * Send an event raised by `el` inside component `cid`. `sources` are the
     * controls whose values it carries; `done` runs once the server answers or
     * the socket drops. Returns false, sending nothing, while not joined.
     */
    push(el: Element, cid: string, event: string, value: Payload, sources: Iterable<Element>, done: Settled): boolean;
    /** Whether the page sits in a document the app rendered itself (`live_embed`). */
    get embedded(): boolean;
    /** Whether the page is joined: events and URL changes can be sent. */
    get isJoined(): boolean;
    /**
     * The browser is now at `url` (path and query), within the page: tell the
     * server, which runs the params handler. Unless `always`, a URL the
     * server already knows (a move within the document) sends nothing.
     */
    moved(url: string, always?: boolean): void;
    /**
     * Send `event` with `value` to the component `el` belongs to. Resolves on
     * the ack; rejects with EventRefused on an `err`, when the socket drops
     * first, or when it cannot be sent (not joined, no component).
     */
    pushFrom(el: Element, event: string, value: Payload): Promise<void>;
    /**
     * Run a JSON list of JS commands as if `el` carried them in a binding;
     * a `push` among them sends its event with its `value` alone.
     */
    execJS(el: Element, commands: string): void;
}
