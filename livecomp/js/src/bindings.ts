/**
 * Element and window bindings: pointer, focus and key events.
 *
 * The key idea: one listener per DOM event type serves every element, those
 * in the first render and those a patch adds later. A pointer or key event
 * walks up from its target to the nearest element declaring the binding;
 * focus and blur, which do not bubble, fire on the element itself; a
 * `window-*` binding fires on every element in the page declaring it, which
 * owns the event (its component, its loading class). `live-capture-click`
 * listens in the capture phase, so it fires before any handler inside. Every
 * send goes through the element's rate limit (ratelimit.ts).
 */

import { componentOf, elementOf, liveValues, push } from "./events";
import { keyMatches, keyValue } from "./keys";
import { BINDINGS } from "./names";
import type { EventValue } from "./protocol";
import { installRateLimits, limit } from "./ratelimit";
import type { LiveSocket } from "./socket";

/** DOM event type, binding, capture phase. */
const POINTER: ReadonlyArray<readonly [string, string, boolean]> = [
  ["click", BINDINGS["capture-click"], true],
  ["click", BINDINGS.click, false],
  ["contextmenu", BINDINGS.contextmenu, false],
  ["mousedown", BINDINGS.mousedown, false],
  ["mouseup", BINDINGS.mouseup, false],
];

const FOCUS = [
  ["focus", BINDINGS.focus, BINDINGS["window-focus"]],
  ["blur", BINDINGS.blur, BINDINGS["window-blur"]],
] as const;

const KEYS = [
  ["keydown", BINDINGS.keydown, BINDINGS["window-keydown"]],
  ["keyup", BINDINGS.keyup, BINDINGS["window-keyup"]],
] as const;

export function installBindings(socket: LiveSocket): void {
  // First, so a blur sends what the element held back before its own blur event.
  installRateLimits();

  /** Send `el`'s `binding` event through its rate limit. Pointer events name
   * their element as the source of the value, as a click always did; focus and
   * key events carry no control's value. */
  const fire = (el: Element, binding: string, value: EventValue, sources: Element[] = []): void => {
    limit(el, binding, () => push(socket, el, binding, value, sources));
  };
  /** The nearest element from `target` up declaring `binding`, inside a component. */
  const bound = (target: EventTarget | null, binding: string): Element | null => {
    const el = elementOf(target)?.closest(`[${binding}]`);
    return el && componentOf(el) !== null ? el : null;
  };
  const declaring = (binding: string): NodeListOf<Element> => socket.container.querySelectorAll(`[${binding}]`);

  for (const [type, binding, capture] of POINTER) {
    document.addEventListener(
      type,
      (event) => {
        const el = bound(event.target, binding);
        if (!el) return;
        // A bound link is a control, not a way to leave the page; a bound
        // context menu is the page's own.
        if (type === "contextmenu" || (type === "click" && el instanceof HTMLAnchorElement)) event.preventDefault();
        fire(el, binding, liveValues(el), [el]);
      },
      capture,
    );
  }

  for (const [type, binding, windowBinding] of FOCUS) {
    document.addEventListener(
      type,
      (event) => {
        const el = event.target;
        if (el instanceof Element && el.hasAttribute(binding) && componentOf(el) !== null) {
          fire(el, binding, liveValues(el));
        }
      },
      true,
    );
    window.addEventListener(type, (event) => {
      // Only the window's own focus and blur: an element's never reach here.
      if (event.target !== window) return;
      for (const el of declaring(windowBinding)) fire(el, windowBinding, liveValues(el));
    });
  }

  for (const [type, binding, windowBinding] of KEYS) {
    document.addEventListener(type, (event) => {
      const el = bound(event.target, binding);
      if (el && keyMatches(el, event)) fire(el, binding, keyValue(el, event));
    });
    window.addEventListener(type, (event) => {
      for (const el of declaring(windowBinding)) {
        if (keyMatches(el, event)) fire(el, windowBinding, keyValue(el, event));
      }
    });
  }
}
