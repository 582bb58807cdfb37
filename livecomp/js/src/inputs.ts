/**
 * Who owns a form control's live value: the user or the server.
 *
 * The markup (attributes, a textarea's text) always follows the server. The
 * live property (`.value`, `.checked`, `.selected`) follows it too, except on
 * the focused control while the user owns it: they typed into it after the
 * last event the client sent from it, or that event is still waiting behind
 * an older one, so the patch now arriving was computed without it. A property
 * update held back that way is deferred and re-read from the markup once the
 * server has caught up (on the next ack), so no keystroke is lost and the
 * control still ends up where the server put it.
 */

/** A form control whose live state can differ from its markup. */
export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

interface Ownership {
  /** The ref of the last event sent that carried this control's value. */
  ref: number;
  /** The user changed the control after that event was sent. */
  typed: boolean;
}

const owners = new WeakMap<Element, Ownership>();
const inflight = new Set<number>();
/** Refs that were in flight when their socket closed: never seen by the server. */
const lost = new Set<number>();
const deferred = new Set<Control>();

/** Input types whose value is a plain attribute, not a separate live value. */
const ATTRIBUTE_VALUED = new Set(["hidden", "submit", "image", "reset", "button", "checkbox", "radio", "file"]);

export function isControl(node: unknown): node is Control {
  return (
    node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement
  );
}

/** An input whose `.value` is independent of its `value` attribute. */
export function hasLiveValue(el: Control): boolean {
  return !(el instanceof HTMLInputElement && ATTRIBUTE_VALUED.has(el.type));
}

/** Radios of one group share their state, so they share their ownership. */
function sameGroup(a: Element, b: Element): boolean {
  return (
    a === b ||
    (a instanceof HTMLInputElement &&
      b instanceof HTMLInputElement &&
      a.type === "radio" &&
      b.type === "radio" &&
      a.name !== "" &&
      a.name === b.name &&
      a.form === b.form &&
      a.getRootNode() === b.getRootNode())
  );
}

function groupOf(el: Element): Element[] {
  if (!(el instanceof HTMLInputElement && el.type === "radio" && el.name)) return [el];
  const scope = el.form ? el.form.elements : el.ownerDocument.getElementsByName(el.name);
  return Array.from(scope).filter((other) => sameGroup(el, other));
}

/** The user changed a control (called for every `input` event). */
export function noteTyped(el: Element): void {
  for (const member of groupOf(el)) {
    const owner = owners.get(member);
    if (owner) owner.typed = true;
    else owners.set(member, { ref: 0, typed: true });
  }
}

/**
 * Track typing on the whole document. Capture phase: ownership is noted
 * before a live-change listener sends the value.
 */
export function installTyping(): void {
  document.addEventListener(
    "input",
    (event) => {
      if (isControl(event.target)) noteTyped(event.target);
    },
    true,
  );
}

/** An event carrying these controls' values went out as `ref`. */
export function noteSent(ref: number, els: Iterable<Element>): void {
  inflight.add(ref);
  for (const el of els) owners.set(el, { ref, typed: false });
}

/** The server answered `ref` (ack or err). */
export function noteSettled(ref: number): void {
  inflight.delete(ref);
}

/** The socket closed: whatever was in flight was never applied. */
export function noteLost(): void {
  for (const ref of inflight) lost.add(ref);
  inflight.clear();
}

/**
 * The user holds a value the server has not answered yet. By default, as
 * seen by a patch arriving now; `settled` asks whether every event carrying
 * the value has been answered, which is what a deferred update waits for.
 */
export function userOwned(el: Element, settled = false): boolean {
  const owner = owners.get(el);
  if (!owner) return false;
  if (owner.typed || lost.has(owner.ref)) return true;
  if (!inflight.has(owner.ref)) return false;
  if (settled) return true;
  // Patches before an ack belong to the oldest event in flight; a newer one
  // that carries this control's value has not been handled yet.
  let oldest = owner.ref;
  for (const ref of inflight) oldest = Math.min(oldest, ref);
  return owner.ref > oldest;
}

/** Updates must leave this control's live state alone for now. */
export function guarded(el: Control, settled = false): boolean {
  const active = document.activeElement;
  return active !== null && sameGroup(el, active) && userOwned(active, settled);
}

/**
 * Update a control's live state unless the user owns it; keep the caret of a
 * focused text control where it was.
 */
export function updateControl(el: Control, apply: () => void): void {
  if (guarded(el)) {
    deferred.add(el);
    return;
  }
  deferred.delete(el);
  keepFocus(apply);
}

/**
 * Run `apply` (a DOM change), then give focus back to the element that had
 * it if the change took it away, and put its caret and selection back if
 * they moved.
 */
export function keepFocus<T>(apply: () => T): T {
  const active = document.activeElement;
  const text = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null;
  const start = text ? text.selectionStart : null;
  const end = text ? text.selectionEnd : null;
  const direction = text ? text.selectionDirection : null;
  const result = apply();
  if (active instanceof HTMLElement && active !== document.activeElement && active.isConnected) {
    active.focus({ preventScroll: true });
  }
  if (text && text === document.activeElement && start !== null && end !== null) {
    if (text.selectionStart !== start || text.selectionEnd !== end) {
      text.setSelectionRange(start, end, direction ?? undefined);
    }
  }
  return result;
}

/** Hold back a live-state update until the user no longer owns the control. */
export function defer(el: Control): void {
  deferred.add(el);
}

/** Apply the updates that were held back, where the user let go meanwhile. */
export function flushDeferred(): void {
  for (const el of deferred) {
    if (!el.isConnected) deferred.delete(el);
    else if (!guarded(el, true)) {
      deferred.delete(el);
      keepFocus(() => syncFromMarkup(el));
    }
  }
}

/** Set a control's live state to what its markup says. */
export function syncFromMarkup(el: Control): void {
  if (el instanceof HTMLSelectElement) {
    const value = el.getAttribute("value");
    if (value !== null) el.value = value;
    else for (const option of el.options) option.selected = option.defaultSelected;
    // A drop-down always shows an option, as it does when first parsed.
    if (!el.multiple && el.size <= 1 && el.selectedIndex < 0) {
      const first = Array.from(el.options).find((option) => !option.disabled);
      if (first) first.selected = true;
    }
  } else if (el instanceof HTMLTextAreaElement) {
    el.value = el.defaultValue;
  } else if (el.type === "checkbox" || el.type === "radio") {
    el.checked = el.defaultChecked;
  } else if (hasLiveValue(el)) {
    el.value = el.defaultValue;
  }
}
