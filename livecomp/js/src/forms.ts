/**
 * Form bindings: `live-change`, `live-submit`, `live-disable-with`,
 * `live-auto-recover`, `live-trigger-action` (and `live-feedback-for`, in
 * feedback.ts).
 *
 * A form event carries the whole form, serialised by the browser's own
 * FormData rules (disabled and unchecked controls left out, the submitter
 * included), so what the server sees is what a plain submit would post. A
 * change is rate limited by the control the user changed and serialised when
 * it goes out, never before; a submit first sends the changes its controls
 * hold back, so the server sees every keystroke, in order, before the submit.
 */

import { componentOf, push } from "./events";
import { installFeedback } from "./feedback";
import { isControl } from "./inputs";
import { AUTO_RECOVER, BINDINGS, DISABLE_WITH, ERROR_EVENT, JOINED_EVENT, TRIGGER_ACTION } from "./names";
import type { EventValue } from "./protocol";
import { flushPending, limit } from "./ratelimit";
import type { LiveSocket } from "./socket";

/**
 * Serialise `form`: a field name maps to a string, or to a list of strings
 * when the name repeats or names a `<select multiple>`.
 */
export function serializeForm(form: HTMLFormElement, submitter: HTMLElement | null = null): EventValue {
  let data: FormData;
  try {
    data = new FormData(form, submitter);
  } catch {
    // The submitter was not one of this form's submit buttons.
    data = new FormData(form);
  }
  const lists = new Set<string>();
  for (const el of form.elements) {
    if (el instanceof HTMLSelectElement && el.multiple && el.name) lists.add(el.name);
  }
  const value: EventValue = {};
  for (const [name, entry] of data) {
    const text = typeof entry === "string" ? entry : entry.name;
    const seen = value[name];
    if (seen === undefined) value[name] = lists.has(name) ? [text] : text;
    else if (Array.isArray(seen)) seen.push(text);
    else value[name] = [seen, text];
  }
  return value;
}

/**
 * Show each `live-disable-with` control of the form as busy: its label
 * becomes the attribute's text and it is disabled. The returned function
 * puts back what a patch has not changed in the meantime.
 */
function disableWith(form: HTMLFormElement): () => void {
  const restores: Array<() => void> = [];
  for (const el of form.elements) {
    const text = el.getAttribute(DISABLE_WITH);
    if (text === null || !(el instanceof HTMLButtonElement || el instanceof HTMLInputElement)) continue;
    const wasDisabled = el.disabled;
    if (el instanceof HTMLInputElement) {
      const label = el.value;
      el.value = text;
      restores.push(() => {
        if (el.value === text) el.value = label;
      });
    } else {
      const label = Array.from(el.childNodes);
      const busy = document.createTextNode(text);
      el.replaceChildren(busy);
      restores.push(() => {
        if (el.firstChild === busy && el.childNodes.length === 1 && busy.data === text) el.replaceChildren(...label);
      });
    }
    el.disabled = true;
    restores.push(() => {
      el.disabled = wasDisabled;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}

/**
 * Send a form event; a submit disables its `live-disable-with` buttons until
 * answered. Returns whether it went out.
 */
function pushForm(
  socket: LiveSocket,
  form: HTMLFormElement,
  binding: string,
  value: EventValue,
  event = form.getAttribute(binding) ?? "",
  settled?: () => void,
): boolean {
  let restore = (): void => {};
  const answered = (): void => {
    restore();
    settled?.();
  };
  // Disabled only once the event is out, so FormData saw the buttons.
  if (!push(socket, form, binding, value, form.elements, event, answered)) return false;
  if (binding === BINDINGS.submit) restore = disableWith(form);
  return true;
}

/**
 * `live-trigger-action`: once the server has acked the submit `event` (and
 * still renders the attribute: its reply may add or remove it), submit
 * `form` for real to its action, past the live handler. An `err` naming the
 * event, or a dropped socket, cancels it.
 */
function triggerAction(socket: LiveSocket, form: HTMLFormElement, event: string): () => void {
  let refused = false;
  const onError = (error: Event): void => {
    if ((error as CustomEvent<{ event?: unknown } | null>).detail?.event === event) refused = true;
  };
  document.addEventListener(ERROR_EVENT, onError);
  // The socket runs `settled` inside the frame that answered; the err (if
  // any) and the state it leaves are known once that frame is done.
  return () =>
    queueMicrotask(() => {
      document.removeEventListener(ERROR_EVENT, onError);
      if (!refused && socket.state === "connected" && form.isConnected && form.hasAttribute(TRIGGER_ACTION)) {
        // The prototype's: a control named "submit" shadows form.submit.
        HTMLFormElement.prototype.submit.call(form);
      }
    });
}

/** The event `form` re-sends after a reconnect, or null. */
function recoveryEvent(form: HTMLFormElement): string | null {
  if (!form.id) return null;
  const event = form.getAttribute(AUTO_RECOVER) || form.getAttribute(BINDINGS.change);
  return event && event !== "ignore" ? event : null;
}

/**
 * `live-auto-recover`: after a reconnect, every form with an id re-sends
 * what it held through its change event, or the event the attribute names
 * (nothing for `ignore`), so a server that lost its state catches up with
 * the user. What it held is read when the socket dropped, and again on every
 * input until the rejoin: the rejoin render may already have set the
 * controls to what a forgetful server rendered.
 */
function installRecovery(socket: LiveSocket): void {
  const heldAtDrop = new WeakMap<HTMLFormElement, EventValue>();
  const hold = (form: HTMLFormElement): void => {
    if (socket.state !== "connected" && recoveryEvent(form)) heldAtDrop.set(form, serializeForm(form));
  };
  const forms = (): HTMLFormElement[] =>
    Array.from(socket.container.querySelectorAll("form[id]")).filter((el) => el instanceof HTMLFormElement);
  // The socket shows every drop on <body> (a state class) before anything re-renders.
  new MutationObserver(() => forms().forEach(hold)).observe(document.body, {
    attributes: true,
    attributeFilter: ["class"],
  });
  document.addEventListener("input", (event) => {
    const target = event.target;
    if (isControl(target) && target.form) hold(target.form);
  });
  document.addEventListener(JOINED_EVENT, (event) => {
    if ((event as CustomEvent<{ rejoin?: unknown } | null>).detail?.rejoin !== true) return;
    for (const form of forms()) {
      const name = recoveryEvent(form);
      const value = heldAtDrop.get(form) ?? serializeForm(form);
      heldAtDrop.delete(form);
      if (name) pushForm(socket, form, BINDINGS.change, value, name);
    }
  });
}

export function installForms(socket: LiveSocket): void {
  installFeedback(socket.container);
  document.addEventListener("input", (event) => {
    const target = event.target;
    const form = isControl(target) ? target.form : target instanceof Element ? target.closest("form") : null;
    if (!form?.hasAttribute(BINDINGS.change) || componentOf(form) === null) return;
    limit(isControl(target) ? target : form, BINDINGS.change, () =>
      pushForm(socket, form, BINDINGS.change, serializeForm(form)),
    );
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute(BINDINGS.submit)) return;
    // Even while disconnected: a live form never falls back to a page post.
    event.preventDefault();
    flushPending(form.elements);
    const name = form.getAttribute(BINDINGS.submit) ?? "";
    const value = serializeForm(form, event.submitter);
    let settled = (): void => {};
    if (pushForm(socket, form, BINDINGS.submit, value, name, () => settled())) {
      settled = triggerAction(socket, form, name);
    }
  });
  installRecovery(socket);
}
