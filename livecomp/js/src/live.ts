/**
 * The client as a module: what an app that bundles it imports.
 *
 * `startLive({ hooks })` finds the page's `[live-page]`, installs the
 * document's bindings and connects; `LiveSocket` is the connection itself,
 * for an app that wires the page on its own. index.ts is the self-starting
 * script served at `/live.js`, which does the same with `window.Hooks`.
 */

import { installBindings } from "./bindings";
import { installForms } from "./forms";
import { installTyping } from "./inputs";
import { PAGE } from "./names";
import { installNavigation } from "./navigation";
import { LiveSocket, type SocketOptions } from "./socket";

export { type CommandPush, runBinding } from "./commands";
export type { Hook, HookContext, Hooks, HookThis } from "./hooks";
export type { PatchObserver } from "./morph";
export { applyPatches, PatchMismatch } from "./patch";
export type { ErrMessage, Op, Payload } from "./protocol";
export { EventRefused, LiveSocket, type SocketOptions, type SocketState } from "./socket";

let typing = false;

/** Track what the user types into controls, once per document (patches need it). */
export function watchTyping(): void {
  if (typing) return;
  typing = true;
  installTyping();
}

/**
 * Connect the live page in `container` (default: the document's
 * `[live-page]`) with `options.hooks`; null when there is no live page.
 *
 * Example:
 *   import { startLive } from "livecomp-client";
 *   startLive({ hooks: { Chart: { mounted() { this.handleEvent("points", draw); } } } });
 */
export function startLive(
  options: SocketOptions = {},
  container: Element | null = document.querySelector(`[${PAGE}]`),
): LiveSocket | null {
  watchTyping();
  if (!container) return null;
  const socket = new LiveSocket(container, options);
  installBindings(socket);
  installForms(socket);
  installNavigation(socket);
  socket.connect();
  return socket;
}
