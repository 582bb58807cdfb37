/**
 * Form bindings: `live-change`, `live-submit`, `live-disable-with`.
 *
 * A form event carries the whole form, serialised by the browser's own
 * FormData rules (disabled and unchecked controls left out, the submitter
 * included), so what the server sees is what a plain submit would post.
 */

import { componentOf, loadingClass, markLoading } from "./events";
import { isControl } from "./inputs";
import { BINDINGS, DISABLE_WITH } from "./names";
import type { EventValue } from "./protocol";
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

function pushForm(socket: LiveSocket, form: HTMLFormElement, binding: string, value: EventValue): void {
  const cid = componentOf(form);
  if (cid === null) return;
  const done = markLoading(form, loadingClass(binding));
  let restore = (): void => {};
  const settled = (): void => {
    done();
    restore();
  };
  if (!socket.push(form, cid, form.getAttribute(binding) ?? "", value, form.elements, settled)) {
    done();
    return;
  }
  // Disabled only once the event is out, so FormData saw the buttons.
  if (binding === BINDINGS.submit) restore = disableWith(form);
}

export function installForms(socket: LiveSocket): void {
  document.addEventListener("input", (event) => {
    const target = event.target;
    const form = isControl(target) ? target.form : target instanceof Element ? target.closest("form") : null;
    if (form?.hasAttribute(BINDINGS.change)) pushForm(socket, form, BINDINGS.change, serializeForm(form));
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute(BINDINGS.submit)) return;
    // Even while disconnected: a live form never falls back to a page post.
    event.preventDefault();
    pushForm(socket, form, BINDINGS.submit, serializeForm(form, event.submitter));
  });
}
