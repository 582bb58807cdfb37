/**
 * The self-starting script served at `/live.js`: expose `window.livecomp`
 * and, on a live page, connect with the hooks of `window.Hooks`.
 *
 * The script also works on a page without `[live-page]` (tests load it to
 * reach applyPatches); it then opens no socket and binds no live events.
 * Apps that bundle the client import live.ts instead.
 */

import { applyPatches, type Hooks, type LiveSocket, PatchMismatch, type SocketState, startLive, watchTyping } from "./live";
import { streamMisses } from "./patch";

export interface LiveComp {
  applyPatches: typeof applyPatches;
  PatchMismatch: typeof PatchMismatch;
  /** How many resyncs this page asked for; each one is a bug somewhere. */
  resyncs: number;
  /** Stream deletes and updates of a key the list did not have: skipped, counted. */
  readonly streamMisses: number;
  /** The live socket's state, or null on a page without `[live-page]`. */
  readonly socket: SocketState | null;
  /** Connect now (after ORIGIN_FORBIDDEN stopped it, or to skip a backoff wait). */
  connect(): void;
  /** Run a JSON list of JS commands as if `el` carried them in a binding. */
  execJS(el: Element, commands: string): void;
}

declare global {
  interface Window {
    livecomp: LiveComp;
    /** The page's client hooks, by the name `live-hook` gives; read when the page starts. */
    Hooks?: Hooks;
  }
}

let socket: LiveSocket | null = null;

const livecomp: LiveComp = {
  applyPatches,
  PatchMismatch,
  resyncs: 0,
  get streamMisses() {
    return streamMisses.count;
  },
  get socket() {
    return socket ? socket.state : null;
  },
  connect() {
    socket?.connect();
  },
  execJS(el, commands) {
    socket?.execJS(el, commands);
  },
};
window.livecomp = livecomp;
// Even without a socket, applyPatches must know what the user typed.
watchTyping();

function start(): void {
  if (socket) return;
  socket = startLive({
    hooks: window.Hooks ?? {},
    onResync: () => {
      livecomp.resyncs++;
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
