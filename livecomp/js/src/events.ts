/**
 * What every binding shares: loading classes, the component an element
 * belongs to, its `live-value-*` payload, and sending one event.
 *
 * An element keeps its `live-*-loading` class until the server acks (or
 * refuses) every event it raised; several in flight at once are counted.
 */

import { runBinding } from "./commands";
import { CID, LOADING_SUFFIX, VALUE_PREFIX } from "./names";
import type { EventValue, Payload } from "./protocol";
import type { LiveSocket } from "./socket";

interface Loading {
  /** How many pending events hold each class. */
  counts: Map<string, number>;
  /** The element had a class attribute before any loading class came. */
  hadClass: boolean;
}

const loading = new WeakMap<Element, Loading>();

/** Add `className` to `el` until the returned function is called. */
export function markLoading(el: Element, className: string): () => void {
  let state = loading.get(el);
  if (!state || state.counts.size === 0) {
    state = { counts: new Map(), hadClass: el.hasAttribute("class") };
    loading.set(el, state);
  }
  const { counts } = state;
  counts.set(className, (counts.get(className) ?? 0) + 1);
  el.classList.add(className);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (counts.get(className) ?? 1) - 1;
    if (left > 0) {
      counts.set(className, left);
      return;
    }
    counts.delete(className);
    el.classList.remove(className);
    // Leave the markup as the server sent it: no stray class="".
    if (counts.size === 0 && !state.hadClass && el.getAttribute("class") === "") el.removeAttribute("class");
  };
}

/** The class an element carries while an event its `binding` raised is pending. */
export function loadingClass(binding: string): string {
  return binding + LOADING_SUFFIX;
}

/** The component an element belongs to: its nearest `live-cid`, itself included. */
export function componentOf(el: Element): string | null {
  return el.closest(`[${CID}]`)?.getAttribute(CID) ?? null;
}

/** The `live-value-*` attributes of `el`, keyed by the name after the prefix. */
export function liveValues(el: Element): EventValue {
  const value: EventValue = {};
  for (const attr of el.attributes) {
    if (attr.name.startsWith(VALUE_PREFIX)) value[attr.name.slice(VALUE_PREFIX.length)] = attr.value;
  }
  return value;
}

/** The element an event target is, or the element holding a text node target. */
export function elementOf(target: EventTarget | null): Element | null {
  if (target instanceof Element) return target;
  return target instanceof Node ? target.parentElement : null;
}

const warned = new WeakMap<Element, Set<string>>();

/** Warn once per element about one attribute value, however often it is used. */
export function warnOnce(el: Element, attr: string, why: string): void {
  const value = `${attr}=${JSON.stringify(el.getAttribute(attr))}`;
  let seen = warned.get(el);
  if (!seen) warned.set(el, (seen = new Set()));
  if (seen.has(value)) return;
  seen.add(value);
  console.warn(`livecomp: ${value} on <${el.localName}> ${why}`, el);
}

/**
 * Send the event `el`'s `binding` names, inside `el`'s component, marking
 * `el` with the binding's loading class until it is answered. `sources` are
 * the controls whose values the event carries; `settled` runs on the answer
 * (or when the socket drops). Returns false, sending nothing, while the
 * socket is not joined or `el` is in no component.
 */
export function push(
  socket: LiveSocket,
  el: Element,
  binding: string,
  value: EventValue,
  sources: Iterable<Element>,
  event = el.getAttribute(binding) ?? "",
  settled?: () => void,
): boolean {
  // A binding whose value is a list of JS commands runs them here; only its
  // `push` commands reach the server, each as an event of its own.
  let sent = false;
  const commands = runBinding(el, event, (name, extra, target) => {
    if (send(socket, el, target, binding, name, { ...value, ...extra }, sources, settled)) sent = true;
  });
  if (commands) return sent;
  return send(socket, el, el, binding, event, value, sources, settled);
}

/** One event to the component of `target`; `el` carries the loading class. */
function send(
  socket: LiveSocket,
  el: Element,
  target: Element,
  binding: string,
  event: string,
  value: Payload,
  sources: Iterable<Element>,
  settled?: () => void,
): boolean {
  const cid = componentOf(target);
  if (cid === null) return false;
  const done = markLoading(el, loadingClass(binding));
  const answered = (): void => {
    done();
    settled?.();
  };
  if (socket.push(target, cid, event, value, sources, answered)) return true;
  done();
  return false;
}
