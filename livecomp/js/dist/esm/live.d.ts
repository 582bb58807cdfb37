/**
 * The client as a module: what an app that bundles it imports.
 *
 * `startLive({ hooks })` finds the page's `[live-page]`, installs the
 * document's bindings and connects; `LiveSocket` is the connection itself,
 * for an app that wires the page on its own. index.ts is the self-starting
 * script served at `/live.js`, which does the same with `window.Hooks`.
 */
import { LiveSocket, type SocketOptions } from "./socket.js";
export { type CommandPush, runBinding } from "./commands.js";
export type { Hook, HookContext, Hooks, HookThis } from "./hooks.js";
export type { PatchObserver } from "./morph.js";
export { applyPatches, PatchMismatch } from "./patch.js";
export type { ErrMessage, Op, Payload } from "./protocol.js";
export { EventRefused, LiveSocket, type SocketOptions, type SocketState } from "./socket.js";
/** Track what the user types into controls, once per document (patches need it). */
export declare function watchTyping(): void;
/**
 * Connect the live page in `container` (default: the document's
 * `[live-page]`) with `options.hooks`; null when there is no live page.
 *
 * Example:
 *   import { startLive } from "livecomp-client";
 *   startLive({ hooks: { Chart: { mounted() { this.handleEvent("points", draw); } } } });
 */
export declare function startLive(options?: SocketOptions, container?: Element | null): LiveSocket | null;
