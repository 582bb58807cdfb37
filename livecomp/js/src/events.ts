/**
 * Click bindings and loading classes.
 *
 * One listener on the document serves every `live-click`, so elements that
 * patches add need no wiring. An element keeps its `live-*-loading` class
 * until the server acks (or refuses) every event it raised.
 */

import { BINDINGS, CID, LOADING_SUFFIX, VALUE_PREFIX } from "./names";
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

function elementOf(target: EventTarget | null): Element | null {
  if (target instanceof Element) return target;
  return target instanceof Node ? target.parentElement : null;
}

export function installClicks(socket: LiveSocket): void {
  document.addEventListener("click", (event) => {
    const el = elementOf(event.target)?.closest(`[${BINDINGS.click}]`);
    const cid = el ? componentOf(el) : null;
    if (!el || cid === null) return;
    // A bound link is a control, not a way to leave the page.
    if (el instanceof HTMLAnchorElement) event.preventDefault();
    const done = markLoading(el, loadingClass(BINDINGS.click));
    if (!socket.push(el, cid, el.getAttribute(BINDINGS.click) ?? "", liveValues(el), [el], done)) done();
  });
}
