/**
 * `live-feedback-for`: a field's message waits until the user touched it.
 *
 * The key idea: what the user has touched (typed into, or left) is client
 * state kept by field name per form, never on the nodes, so it survives
 * whatever a patch or a render does to them. After any change to the page
 * (one MutationObserver, which runs before the next paint), every element
 * whose `live-feedback-for` names an untouched field gets NO_FEEDBACK_CLASS,
 * which one injected CSS rule hides. A submit shows all of its form's
 * messages; a reset hides them again.
 */

import { isControl } from "./inputs";
import { FEEDBACK_FOR, NO_FEEDBACK_CLASS } from "./names";

interface Touched {
  names: Set<string>;
  /** Submitted: every message of the form shows. */
  all: boolean;
}

/** By form, or by document for fields and messages in no form. */
const touched = new WeakMap<Node, Touched>();

function touchedIn(scope: Node): Touched {
  let state = touched.get(scope);
  if (!state) touched.set(scope, (state = { names: new Set(), all: false }));
  return state;
}

/** Hide or show every message under `root` by what its form has touched. */
function showEarned(root: ParentNode): void {
  for (const el of root.querySelectorAll(`[${FEEDBACK_FOR}]`)) {
    const state = touched.get(el.closest("form") ?? el.ownerDocument);
    const show = state !== undefined && (state.all || state.names.has(el.getAttribute(FEEDBACK_FOR) ?? ""));
    // Only real changes: a class set to what it was would still be a mutation.
    if (el.classList.contains(NO_FEEDBACK_CLASS) !== show) continue;
    el.classList.toggle(NO_FEEDBACK_CLASS, !show);
    if (el.getAttribute("class") === "") el.removeAttribute("class");
  }
}

export function installFeedback(container: Element): void {
  const style = document.createElement("style");
  style.textContent = `[${FEEDBACK_FOR}].${NO_FEEDBACK_CLASS}{display:none}`;
  document.head.append(style);

  const touch = (event: Event): void => {
    const field = event.target;
    if (!isControl(field) || !field.name) return;
    touchedIn(field.form ?? field.ownerDocument).names.add(field.name);
    showEarned(container);
  };
  document.addEventListener("input", touch, true);
  document.addEventListener("blur", touch, true);
  document.addEventListener(
    "submit",
    (event) => {
      if (event.target instanceof HTMLFormElement) touchedIn(event.target).all = true;
      showEarned(container);
    },
    true,
  );
  document.addEventListener(
    "reset",
    (event) => {
      if (event.target instanceof Node) touched.delete(event.target);
      showEarned(container);
    },
    true,
  );
  new MutationObserver(() => showEarned(container)).observe(container, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["class", FEEDBACK_FOR],
  });
  showEarned(container);
}
