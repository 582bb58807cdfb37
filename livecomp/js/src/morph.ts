/**
 * Turning server HTML into DOM: parsing in context, and morphing.
 *
 * HTML is always parsed in the context of the element it will live in, so a
 * `<tr>`, an `<option>` or an SVG `<circle>` comes out as the browser would
 * have parsed it in the page. A subtree that is replaced whole is morphed
 * with morphdom rather than swapped, so the nodes that stay keep their focus,
 * caret and typed input.
 */

import morphdom from "morphdom";
import { type Control, hasLiveValue, keepFocus, syncFromMarkup } from "./inputs";

const HTML_NS = "http://www.w3.org/1999/xhtml";

/** Parse `html` as the content of `parent` (a template when there is none). */
export function parseIn(parent: Node | null, html: string): DocumentFragment {
  let fragment: DocumentFragment;
  if (parent instanceof Element) {
    const range = parent.ownerDocument.createRange();
    range.selectNodeContents(parent);
    fragment = range.createContextualFragment(html);
  } else {
    const template = document.createElement("template");
    template.innerHTML = html;
    fragment = template.content;
  }
  disarmScripts(fragment);
  return fragment;
}

/**
 * Unlike innerHTML, createContextualFragment leaves scripts runnable. Server
 * markup arriving in a patch must not run code on every re-render, so each
 * HTML script is swapped for an innerHTML-parsed copy, which never runs.
 */
function disarmScripts(fragment: DocumentFragment): void {
  for (const script of fragment.querySelectorAll("script")) {
    if (script.namespaceURI !== HTML_NS) continue;
    const template = document.createElement("template");
    template.innerHTML = script.outerHTML;
    const copy = template.content.firstChild;
    if (copy) script.replaceWith(copy);
  }
}

/** Identity for morphdom: component roots by component id, others by `id`. */
function keyOf(node: Node): string | undefined {
  if (!(node instanceof Element)) return undefined;
  const cid = node.getAttribute("live-cid");
  if (cid !== null) return `cid:${cid}`;
  return node.id ? `id:${node.id}` : undefined;
}

/** Whether no key repeats within either tree; morphdom duplicates nodes otherwise. */
function keysAreUnique(...roots: Element[]): boolean {
  for (const root of roots) {
    const seen = new Set<string>();
    for (const el of [root, ...root.querySelectorAll("[id], [live-cid]")]) {
      const key = keyOf(el);
      if (key === undefined) continue;
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

function syncAttributes(from: Element, to: Element): void {
  for (const attr of Array.from(from.attributes)) {
    if (!to.hasAttributeNS(attr.namespaceURI, attr.localName)) from.removeAttributeNode(attr);
  }
  for (const attr of to.attributes) {
    if (from.getAttributeNS(attr.namespaceURI, attr.localName) !== attr.value) {
      from.setAttributeNS(attr.namespaceURI, attr.name, attr.value);
    }
  }
}

function selectedValues(select: HTMLSelectElement): Set<string> {
  return new Set(Array.from(select.selectedOptions, (option) => option.value));
}

/**
 * Morph `from` into `to` and return the element now standing where `from`
 * was (itself unless the tag changed).
 *
 * `keep(control)` says which controls keep their live value, checkedness and
 * selection instead of taking those of the new markup; their attributes and
 * a textarea's text still follow the markup.
 */
export function morph(from: Element, to: Element, keep: (control: Control) => boolean): Element {
  const selects: HTMLSelectElement[] = [];
  const keptSelections = new Map<HTMLSelectElement, Set<string>>();
  const onBeforeElUpdated = (fromEl: HTMLElement, toEl: HTMLElement): boolean => {
    if (fromEl.isEqualNode(toEl)) return false;
    // morphdom's own handling of these rewrites attributes from live
    // properties (checked="" for checked="checked", a selected="" the server
    // never sent, a blank single select), so they are done here.
    if (fromEl instanceof HTMLTextAreaElement && toEl instanceof HTMLTextAreaElement) {
      syncAttributes(fromEl, toEl);
      if (fromEl.textContent !== toEl.textContent) fromEl.textContent = toEl.textContent;
      if (!keep(fromEl) && fromEl.value !== toEl.value) fromEl.value = toEl.value;
      return false;
    }
    if (fromEl instanceof HTMLOptionElement) {
      syncAttributes(fromEl, toEl);
      if (fromEl.innerHTML !== toEl.innerHTML) fromEl.replaceChildren(...toEl.childNodes);
      return false;
    }
    if (fromEl instanceof HTMLInputElement && toEl instanceof HTMLInputElement) {
      if (keep(fromEl)) {
        // morphdom copies the new live state over unless both sides agree.
        if (hasLiveValue(fromEl) && hasLiveValue(toEl)) toEl.value = fromEl.value;
        toEl.checked = fromEl.checked;
      } else {
        fromEl.checked = toEl.checked;
      }
    } else if (fromEl instanceof HTMLSelectElement) {
      selects.push(fromEl);
      if (keep(fromEl)) keptSelections.set(fromEl, selectedValues(fromEl));
    }
    return true;
  };
  return keepFocus(() => {
    // Sloppy markup repeats ids; then nodes are matched by position alone.
    const getNodeKey = keysAreUnique(from, to) ? keyOf : () => undefined;
    const result = morphdom(from, to, { getNodeKey, onBeforeElUpdated });
    for (const select of selects) {
      const kept = keptSelections.get(select);
      if (kept) for (const option of select.options) option.selected = kept.has(option.value);
      else syncFromMarkup(select);
    }
    return result as Element;
  });
}
