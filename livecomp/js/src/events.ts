/**
 * Click bindings and loading classes.
 *
 * One listener on the document serves every `live-click`, so elements that
 * patches add need no wiring. An element keeps its `live-*-loading` class
 * until the server acks (or refuses) every event it raised.
 */

import type { EventValue } from "./protocol";
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

/** The component an element belongs to: its nearest `live-cid`, itself included. */
export function componentOf(el: Element): string | null {
  return el.closest("[live-cid]")?.getAttribute("live-cid") ?? null;
}

/** The `live-value-*` attributes of `el`, keyed by the name after the prefix. */
export function liveValues(el: Element): EventValue {
  const value: EventValue = {};
  for (const attr of el.attributes) {
    if (attr.name.startsWith("live-value-")) value[attr.name.slice("live-value-".length)] = attr.value;
  }
  return value;
}

function elementOf(target: EventTarget | null): Element | null {
  if (target instanceof Element) return target;
  return target instanceof Node ? target.parentElement : null;
}

export function installClicks(socket: LiveSocket): void {
  document.addEventListener("click", (event) => {
    const el = elementOf(event.target)?.closest("[live-click]");
    const cid = el ? componentOf(el) : null;
    if (!el || cid === null) return;
    // A bound link is a control, not a way to leave the page.
    if (el instanceof HTMLAnchorElement) event.preventDefault();
    const done = markLoading(el, "live-click-loading");
    if (!socket.push(el, cid, el.getAttribute("live-click") ?? "", liveValues(el), [el], done)) done();
  });
}
