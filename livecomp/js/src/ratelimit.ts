/**
 * Rate limits: `live-debounce` and `live-throttle`, per element and binding.
 *
 * The key idea: a binding does not send by itself; it hands its sender to
 * `limit`, which runs it now, later or not at all by the attributes of the
 * element it belongs to (for `live-change`, the control the user changed).
 * A debounced sender waits for a quiet period, or for the element's blur,
 * and only the last one runs. A throttled one runs at once, then at most once
 * per period: the last one held back runs when the period ends, so the
 * server always ends up with the final state. A blur, and a submit for the
 * controls of its form (`flushPending`), sends what is held back at once, in
 * the order it was held, so no keystroke is lost or reordered. Nothing is
 * shared between elements: each element and binding has its own gate.
 */

import { warnOnce } from "./events";
import { DEBOUNCE, THROTTLE } from "./names";

interface Gate {
  /** The sender held back, if any. */
  pending: (() => void) | undefined;
  /** When it was held back, to flush several gates in order. */
  order: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Throttle: the end of the current period (performance.now()). */
  until: number;
}

const gates = new WeakMap<Element, Map<string, Gate>>();
let held = 0;

/**
 * The attribute `attr` of `el` as milliseconds (`"blur"` for a debounce on
 * blur); null when absent, zero, or not a valid value (warned once).
 */
function period(el: Element, attr: string): number | "blur" | null {
  const raw = el.getAttribute(attr);
  if (raw === null) return null;
  const text = raw.trim();
  if (attr === DEBOUNCE && text === "blur") return text;
  if (/^\d+$/.test(text)) return Number(text) || null;
  warnOnce(el, attr, `is not a number of milliseconds${attr === DEBOUNCE ? ' nor "blur"' : ""}; sending without a limit`);
  return null;
}

function gateOf(el: Element, binding: string): Gate {
  let byBinding = gates.get(el);
  if (!byBinding) gates.set(el, (byBinding = new Map()));
  let gate = byBinding.get(binding);
  if (!gate) byBinding.set(binding, (gate = { pending: undefined, order: 0, timer: undefined, until: 0 }));
  return gate;
}

function hold(gate: Gate, send: () => void): void {
  gate.pending = send;
  gate.order = ++held;
}

/** Run what the gate holds back, now. */
function release(gate: Gate): void {
  clearTimeout(gate.timer);
  gate.timer = undefined;
  const send = gate.pending;
  gate.pending = undefined;
  send?.();
}

/** Run `send` (one event of `el`'s `binding`) as `el`'s rate limit allows. */
export function limit(el: Element, binding: string, send: () => void): void {
  const debounce = period(el, DEBOUNCE);
  const throttle = debounce === null ? period(el, THROTTLE) : null;
  if (debounce === null && throttle === null) {
    send();
    return;
  }
  const gate = gateOf(el, binding);
  if (debounce !== null) {
    clearTimeout(gate.timer);
    hold(gate, send);
    if (debounce !== "blur") gate.timer = setTimeout(() => release(gate), debounce);
    // Waiting for a blur that cannot come would hold the event forever.
    else if (el !== document.activeElement) release(gate);
    return;
  }
  const ms = throttle as number;
  const now = performance.now();
  if (gate.timer === undefined && now >= gate.until) {
    gate.until = now + ms;
    send();
    return;
  }
  hold(gate, send);
  gate.timer ??= setTimeout(() => {
    gate.until = performance.now() + ms;
    release(gate);
  }, gate.until - now);
}

/** Send at once, in the order they were held back, the events `els` hold back. */
export function flushPending(els: Iterable<Element>): void {
  const waiting: Gate[] = [];
  for (const el of els) {
    for (const gate of gates.get(el)?.values() ?? []) if (gate.pending) waiting.push(gate);
  }
  waiting.sort((a, b) => a.order - b.order);
  for (const gate of waiting) release(gate);
}

/** A blur sends what the element holds back (and is what `"blur"` waits for). */
export function installRateLimits(): void {
  document.addEventListener(
    "blur",
    (event) => {
      if (event.target instanceof Element) flushPending([event.target]);
    },
    true,
  );
}
