/**
 * Bootstrap: expose `window.livecomp` and, on a live page, connect.
 *
 * The script also works on a page without `[live-page]` (tests load it to
 * reach applyPatches); it then opens no socket and binds no live events.
 */

import { installClicks } from "./events";
import { installForms } from "./forms";
import { installTyping } from "./inputs";
import { PAGE } from "./names";
import { applyPatches, PatchMismatch } from "./patch";
import { LiveSocket, type SocketState } from "./socket";

export interface LiveComp {
  applyPatches: typeof applyPatches;
  PatchMismatch: typeof PatchMismatch;
  /** How many resyncs this page asked for; each one is a bug somewhere. */
  resyncs: number;
  /** The live socket's state, or null on a page without `[live-page]`. */
  readonly socket: SocketState | null;
  /** Connect now (after ORIGIN_FORBIDDEN stopped it, or to skip a backoff wait). */
  connect(): void;
}

declare global {
  interface Window {
    livecomp: LiveComp;
  }
}

let socket: LiveSocket | null = null;

const livecomp: LiveComp = {
  applyPatches,
  PatchMismatch,
  resyncs: 0,
  get socket() {
    return socket ? socket.state : null;
  },
  connect() {
    socket?.connect();
  },
};
window.livecomp = livecomp;
// Even without a socket, applyPatches must know what the user typed.
installTyping();

function start(): void {
  const container = document.querySelector(`[${PAGE}]`);
  if (!container || socket) return;
  socket = new LiveSocket(container, () => {
    livecomp.resyncs++;
  });
  installClicks(socket);
  installForms(socket);
  socket.connect();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
