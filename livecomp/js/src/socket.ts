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

import { type CommandPush, runBinding } from "./commands";
import { DOMPatch } from "./dompatch";
import { componentOf } from "./events";
import { type HookInstance, HookRegistry, type Hooks } from "./hooks";
import { flushDeferred, noteLost, noteSent, noteSettled, userOwned } from "./inputs";
import { itemsOf, morph, parseIn, soleElement } from "./morph";
import { assignUrl, currentUrl, pushUrl } from "./navigation";
import { CID, DEFAULT_HEARTBEAT_MS, EMBEDDED, ERROR_EVENT, EVENT_ERRORS, HEARTBEAT, JOINED_EVENT, SOCKET, STATE_CLASSES, STREAM_UPDATE, TOKEN, UPDATE } from "./names";
import { applyPatches } from "./patch";
import {
  type AckMessage,
  type ClientMessage,
  CloseCode,
  decodeFrame,
  type ErrMessage,
  type NavigateMessage,
  type Payload,
  type ServerMessage,
} from "./protocol";

/** The pushed event whose string data is the page's new title (`Component.set_title`). */
const TITLE_EVENT = "livecomp:title";

/** The socket's state; each but "connecting" shows as a class on <body>. */
export type SocketState = keyof typeof STATE_CLASSES | "connecting";

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 10_000;
const RELOAD_KEY = "livecomp:token-reload-at";
const RELOAD_INTERVAL_MS = 30_000;
const ANSWERS: readonly string[] = EVENT_ERRORS;

/** How an event ended: its ack, its err, or null when the socket dropped first. */
export type Settled = (reply: AckMessage | ErrMessage | null) => void;

export interface SocketOptions {
  /** Client hooks by the name `live-hook` gives (the page script: `window.Hooks`). */
  hooks?: Hooks;
  /** Called for every resync the client asks for. */
  onResync?: () => void;
}

/** An event the server refused (`reply`), or that never reached it (`reply` null). */
export class EventRefused extends Error {
  constructor(
    readonly reply: ErrMessage | null,
    message: string,
  ) {
    super(message);
    this.name = "EventRefused";
  }
}

export class LiveSocket {
  state: SocketState = "disconnected";
  /** The page's hooks, mounted once it has joined. */
  readonly hooks: HookRegistry;
  #ws: WebSocket | null = null;
  #joined = false;
  #everJoined = false;
  #attempts = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #nextRef = 1;
  readonly #pending = new Map<number, Settled>();
  /** Components that asked for a resync: their patches wait for the render. */
  readonly #resyncing = new Set<string>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #awaitingPong = false;
  /** The close code of the last refused join, until a join succeeds. */
  #refusedWith: number | null = null;
  /** The URL the server last knew the page at. */
  #url = currentUrl();
  /** Set once the server sent the browser elsewhere: no reconnecting. */
  #leaving = false;
  readonly #options: SocketOptions;

  constructor(
    readonly container: Element,
    options: SocketOptions = {},
  ) {
    this.#options = options;
    this.hooks = new HookRegistry(options.hooks ?? {}, (el, event, payload) => this.pushFrom(el, event, payload));
    this.#show("disconnected");
  }

  connect(): void {
    clearTimeout(this.#retry);
    if (this.#ws) return;
    const url = new URL(this.container.getAttribute(SOCKET) ?? "", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.hash = "";
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.state = "connecting";
    ws.onopen = () => {
      // An embedded page's URL is not the document's: it joins at its token's.
      if (!this.embedded) this.#url = currentUrl();
      this.#send({
        t: "join",
        token: this.container.getAttribute(TOKEN) ?? "",
        url: this.embedded ? undefined : this.#url,
        // After a disconnect the DOM may have moved on from the token's render.
        rejoin: this.#everJoined || undefined,
      });
    };
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (ws === this.#ws && typeof event.data === "string") this.#receive(event.data);
    };
    ws.onclose = (event: CloseEvent) => {
      if (ws === this.#ws) this.#closed(event.code);
    };
  }

  /**
   * Send an event raised by `el` inside component `cid`. `sources` are the
   * controls whose values it carries; `done` runs once the server answers or
   * the socket drops. Returns false, sending nothing, while not joined.
   */
  push(
    el: Element,
    cid: string,
    event: string,
    value: Payload,
    sources: Iterable<Element>,
    done: Settled,
  ): boolean {
    if (!this.#joined || !this.container.contains(el)) return false;
    const ref = this.#nextRef++;
    this.#pending.set(ref, done);
    noteSent(ref, sources);
    this.#send({ t: "event", ref, cid, event, value });
    return true;
  }

  /** Whether the page sits in a document the app rendered itself (`live_embed`). */
  get embedded(): boolean {
    return this.container.hasAttribute(EMBEDDED);
  }

  /** Whether the page is joined: events and URL changes can be sent. */
  get isJoined(): boolean {
    return this.#joined;
  }

  /**
   * The browser is now at `url` (path and query), within the page: tell the
   * server, which runs the params handler. Unless `always`, a URL the
   * server already knows (a move within the document) sends nothing.
   */
  moved(url: string, always = false): void {
    if (!this.#joined || (url === this.#url && !always)) return;
    this.#url = url;
    const ref = this.#nextRef++;
    this.#pending.set(ref, () => {});
    this.#send({ t: "url", ref, url });
  }

  /**
   * Send `event` with `value` to the component `el` belongs to. Resolves on
   * the ack; rejects with EventRefused on an `err`, when the socket drops
   * first, or when it cannot be sent (not joined, no component).
   */
  pushFrom(el: Element, event: string, value: Payload): Promise<void> {
    return new Promise((resolve, reject) => {
      const cid = componentOf(el);
      const settled: Settled = (reply) => {
        if (reply?.t === "ack") resolve();
        else reject(new EventRefused(reply, reply ? `${reply.code}: ${reply.reason}` : "the connection was lost"));
      };
      if (cid === null) reject(new EventRefused(null, "the element is in no live component"));
      else if (!this.push(el, cid, event, value, [], settled)) reject(new EventRefused(null, "not connected"));
    });
  }

  /**
   * Run a JSON list of JS commands as if `el` carried them in a binding;
   * a `push` among them sends its event with its `value` alone.
   */
  execJS(el: Element, commands: string): void {
    const push: CommandPush = (event, value, target) => {
      this.pushFrom(target, event, value).catch(() => {});
    };
    if (!runBinding(el, commands, push)) console.warn(`livecomp: not a JSON list of commands: ${commands}`);
  }

  #send(message: ClientMessage): void {
    this.#ws?.send(JSON.stringify(message));
  }

  #show(state: Exclude<SocketState, "connecting">): void {
    this.state = state;
    const classes = document.body.classList;
    for (const [name, className] of Object.entries(STATE_CLASSES)) classes.toggle(className, name === state);
  }

  #receive(data: string): void {
    let messages: ServerMessage[];
    try {
      messages = decodeFrame(data);
    } catch (error) {
      console.error("livecomp: unreadable frame", error);
      return;
    }
    for (const message of messages) this.#handle(message);
  }

  #handle(message: ServerMessage): void {
    switch (message.t) {
      case "render":
        this.#render(message.cid, message.html);
        break;
      case "unchanged":
        // The document is the page as it mounted: join with the DOM as it is.
        if (!this.#joined) {
          const survivors = this.hooks.instances();
          this.#markJoined();
          this.#announceJoin(survivors);
        }
        break;
      case "patch": {
        if (this.#resyncing.has(message.cid)) break;
        const el = this.#find(message.cid);
        if (!el) {
          this.#resync(message.cid, `no element with ${CID}=${JSON.stringify(message.cid)}`);
          break;
        }
        const dom = new DOMPatch(this.hooks);
        try {
          applyPatches(el, message.ops, dom);
        } catch (error) {
          this.#resync(message.cid, error instanceof Error ? error.message : String(error));
        } finally {
          dom.finish();
        }
        break;
      }
      case "push":
        // The server's set_title(): the page's title, then the hooks as any push.
        if (message.event === TITLE_EVENT && typeof message.data === "string") document.title = message.data;
        this.hooks.dispatch(message.event, message.data);
        break;
      case "patch_url":
        this.#url = message.url;
        if (!this.embedded) pushUrl(message.url, message.replace);
        break;
      case "navigate":
        this.#navigate(message);
        break;
      case "redirect":
        this.#leaving = true;
        assignUrl(message.url);
        break;
      case "ack":
        this.#settle(message.ref, message);
        if (this.state === "error") this.#show("connected");
        break;
      case "pong":
        this.#awaitingPong = false;
        break;
      case "err":
        console.error(`livecomp: ${message.code}${message.event ? ` (${message.event})` : ""}: ${message.reason}`);
        if (message.ref !== null) this.#settle(message.ref, message);
        if (!ANSWERS.includes(message.code)) this.#show("error");
        document.dispatchEvent(new CustomEvent(ERROR_EVENT, { detail: message }));
        this.hooks.each("errored", null, message);
        break;
      default:
        console.warn("livecomp: unknown message", message);
    }
  }

  /** Another live page took this one's place on the socket: swap it in. */
  #navigate(message: NavigateMessage): void {
    this.#url = message.url;
    if (!this.embedded) pushUrl(message.url, message.replace);
    this.container.setAttribute(TOKEN, message.token);
    if (message.title) document.title = message.title;
    this.#resyncing.clear();
    const next = soleElement(parseIn(this.container, message.html));
    const dom = new DOMPatch(this.hooks);
    for (const old of this.container.children) dom.removing(old);
    this.container.replaceChildren(...(next ? [next] : []));
    if (next) dom.added(next, true);
    dom.finish();
  }

  #find(cid: string): Element | null {
    return this.container.querySelector(`[${CID}="${CSS.escape(cid)}"]`);
  }

  #render(cid: string, html: string): void {
    this.#resyncing.delete(cid);
    // The first render after a join is the root's, whatever id it now has.
    const el = this.#joined ? this.#find(cid) : this.container.firstElementChild;
    const next = soleElement(parseIn(el?.parentElement ?? this.container, html));
    // The hooks that lived through the disconnect, before this join adds any.
    const survivors = this.#joined ? null : this.hooks.instances();
    const dom = new DOMPatch(this.hooks);
    if (!next) {
      console.error(`livecomp: render of ${cid} is not one element`);
    } else if (el) {
      // A join's render is the whole truth of a stream: items the page
      // deleted while the socket was down must not outlive the reconnect.
      if (survivors) {
        for (const list of el.querySelectorAll(`[${UPDATE}=${STREAM_UPDATE}]`)) {
          for (const item of itemsOf(list)) {
            dom.removing(item);
            item.remove();
          }
        }
      }
      // Typed input survives a render, as does anything the focused control holds.
      morph(el, next, (control) => control === document.activeElement || userOwned(control), dom);
    } else if (!this.#joined) {
      this.container.append(next);
      dom.added(next, true);
    } else {
      console.warn(`livecomp: render for unknown component ${cid}`);
    }
    // Joined before any hook mounts, so a hook may push from `mounted`.
    if (survivors) this.#markJoined();
    dom.finish();
    if (survivors) this.#announceJoin(survivors);
  }

  #markJoined(): void {
    this.#joined = true;
    this.#attempts = 0;
    this.#refusedWith = null;
    this.#show("connected");
    this.#startHeartbeat();
  }

  /** Mount the page's hooks, tell those that lived through a disconnect, say so. */
  #announceJoin(survivors: Set<HookInstance>): void {
    const rejoin = this.#everJoined;
    this.#everJoined = true;
    this.hooks.mountAll(this.container);
    if (rejoin) this.hooks.each("reconnected", survivors);
    document.dispatchEvent(new CustomEvent(JOINED_EVENT, { detail: { rejoin } }));
  }

  #startHeartbeat(): void {
    const every = Number(this.container.getAttribute(HEARTBEAT) ?? DEFAULT_HEARTBEAT_MS);
    if (!(every > 0)) return;
    this.#awaitingPong = false;
    const ws = this.#ws;
    this.#heartbeat = setInterval(() => {
      if (ws !== this.#ws) return;
      if (this.#awaitingPong) {
        // No answer to the last beat: the connection is dead, whatever the
        // browser thinks. Drop it and come back through the usual backoff.
        console.warn("livecomp: no heartbeat answer; reconnecting");
        ws?.close();
        this.#closed(0);
        return;
      }
      this.#awaitingPong = true;
      this.#send({ t: "ping" });
    }, every);
  }

  #resync(cid: string, reason: string): void {
    console.warn(`livecomp: resync ${cid}: ${reason}`);
    this.#options.onResync?.();
    this.#resyncing.add(cid);
    this.#send({ t: "resync", cid, reason });
  }

  #settle(ref: number, reply: AckMessage | ErrMessage): void {
    const done = this.#pending.get(ref);
    this.#pending.delete(ref);
    noteSettled(ref);
    done?.(reply);
    flushDeferred();
  }

  #closed(code: number): void {
    clearInterval(this.#heartbeat);
    const wasJoined = this.#joined;
    this.#ws = null;
    this.#joined = false;
    this.#resyncing.clear();
    noteLost();
    const dropped = [...this.#pending.values()];
    this.#pending.clear();
    for (const done of dropped) done(null);
    if (wasJoined) this.hooks.each("disconnected");
    // The server sent the browser elsewhere (a redirect, the login page).
    if (this.#leaving) return;
    if (code === CloseCode.UNAUTHORIZED || code === CloseCode.REDIRECTED) {
      // No redirect came first: the page's own GET knows where to go.
      if (reloadOnce()) return;
      this.#show("error");
      return;
    }
    if (code === CloseCode.ORIGIN_FORBIDDEN) {
      console.error("livecomp: this page's origin may not open the live socket");
      this.#show("error");
      return;
    }
    const refused = code === CloseCode.TOKEN_INVALID || code === CloseCode.JOIN_EXPECTED;
    if (refused && this.#refusedWith === code) {
      console.error(`livecomp: the join was refused twice (close ${code}); giving up`);
      this.#show("error");
      return;
    }
    this.#refusedWith = refused ? code : null;
    if (code === CloseCode.TOKEN_INVALID && reloadOnce()) return;
    this.#show(refused ? "error" : "disconnected");
    // Full jitter: anywhere between 0 and the capped exponential step.
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.#attempts);
    this.#attempts++;
    this.#retry = setTimeout(() => this.connect(), Math.random() * step);
  }
}

/** Reload for a fresh token, unless this tab did so in the last 30 s. */
function reloadOnce(): boolean {
  try {
    const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    const now = Date.now();
    if (now - last < RELOAD_INTERVAL_MS) return false;
    sessionStorage.setItem(RELOAD_KEY, String(now));
  } catch {
    // No session storage: without the guard a reload could loop forever.
    return false;
  }
  location.reload();
  return true;
}
