/**
 * Turning server HTML into DOM: parsing in context, and morphing.
 *
 * HTML is always parsed in the context of the element it will live in, so a
 * `<tr>`, an `<option>` or an SVG `<circle>` comes out as the browser would
 * have parsed it in the page. A subtree that is replaced whole is morphed
 * with morphdom rather than swapped, so the nodes that stay keep their focus,
 * caret and typed input; siblings are matched by the same keys as the server
 * diff (KEY_ATTRS), and template contents, which morphdom never walks, are
 * carried over here. Every change is reported to a PatchObserver (the
 * DOMPatch around the message being applied), so hooks and JS commands see
 * each element that is added, changed or removed.
 *
 * A `live-update` container whose children the client owns (`ignore`,
 * `append`, `prepend`) keeps them through a morph: they are taken out before
 * morphdom runs and put back into whatever element stands for the container
 * afterwards (docs/protocol.md, "live-update"); `upsert` adds or updates its
 * items by key. livecomp/dom.py `morph` is the same rule in Python.
 */

import morphdom from "morphdom";
import { type Control, hasLiveValue, keepFocus, syncFromMarkup } from "./inputs";
import { CID, KEPT_UPDATES, KEY_ATTRS, UPDATE } from "./names";

const HTML_NS = "http://www.w3.org/1999/xhtml";

/**
 * What a patch or a morph tells the object applying a server message, in
 * the order it happens. Every call but `added` comes before the change.
 */
export interface PatchObserver {
  /** `node`'s data, attributes or children are about to change. */
  changing(node: Node): void;
  /**
   * `node` and its subtree are about to leave the DOM. Elements for which
   * `mayReturn` is true (and their subtrees) might be put back elsewhere by
   * the same morph: their fate is only known at the end.
   */
  removing(node: Node, mayReturn?: (el: Element) => boolean): void;
  /** `node` entered the DOM; `deep`: with a subtree reported nowhere else. */
  added(node: Node, deep: boolean): void;
  /** An attrs op has just set or removed `names` on `el`. */
  attributes(el: Element, names: string[]): void;
  /** `from` is about to take `to`'s markup; `to` may still be adjusted. */
  morphing(from: Element, to: Element): void;
}

function ignore(): void {}

/** The observer of a patch applied outside a live page (tests, the seam). */
export const NO_OBSERVER: PatchObserver = {
  changing: ignore,
  removing: ignore,
  added: ignore,
  attributes: ignore,
  morphing: ignore,
};

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

/**
 * Identity for morphdom, exactly as the server diff keys siblings
 * (livecomp/reconcile.py `key_of`): the first of KEY_ATTRS an element carries
 * with a value. A component keeps its `live-cid` even when its root tag
 * changes; the other keys only match an element of the same tag.
 */
function keyOf(node: Node): string | undefined {
  if (!(node instanceof Element)) return undefined;
  for (const name of KEY_ATTRS) {
    const value = node.getAttribute(name);
    // Names and tags hold no space, so the key reads back unambiguously.
    if (value) return `${name} ${name === CID ? "" : node.localName} ${value}`;
  }
  return undefined;
}

const KEYED = KEY_ATTRS.map((name) => `[${name}]`).join(",");

/** Whether no key repeats within either tree; morphdom duplicates nodes otherwise. */
function keysAreUnique(...roots: Element[]): boolean {
  for (const root of roots) {
    const seen = new Set<string>();
    for (const el of [root, ...root.querySelectorAll(KEYED)]) {
      const key = keyOf(el);
      if (key === undefined) continue;
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

/**
 * The nodes and template contents of `a` and `b` are equal. `isEqualNode`
 * alone never looks inside a `<template>`: its content is a separate
 * fragment, not its children.
 */
export function sameTree(a: Node, b: Node): boolean {
  if (!a.isEqualNode(b)) return false;
  // Equal trees hold their templates at the same places, in the same order.
  const inA = templatesIn(a);
  const inB = templatesIn(b);
  return inA.every((template, i) => {
    const other = inB[i];
    return other !== undefined && sameTree(template.content, other.content);
  });
}

function templatesIn(node: Node): HTMLTemplateElement[] {
  const found: HTMLTemplateElement[] = node instanceof HTMLTemplateElement ? [node] : [];
  if (node instanceof Element || node instanceof DocumentFragment) {
    for (const el of node.querySelectorAll("template")) if (el instanceof HTMLTemplateElement) found.push(el);
  }
  return found;
}

/**
 * The one element a component render parsed to, or null when it is not
 * exactly one element with only whitespace around it (the server's
 * `parse_root` rule: stray text or a comment would be silently dropped).
 */
export function soleElement(fragment: DocumentFragment): Element | null {
  const only = fragment.firstElementChild;
  if (!only || fragment.childElementCount !== 1) return null;
  for (const node of fragment.childNodes) {
    if (node !== only && !(node.nodeType === Node.TEXT_NODE && /^[ \t\n\f\r]*$/.test(node.nodeValue ?? ""))) {
      return null;
    }
  }
  return only;
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
export function morph(
  from: Element,
  to: Element,
  keep: (control: Control) => boolean,
  observer: PatchObserver = NO_OBSERVER,
): Element {
  return keepFocus(() => {
    const owned = takeOwned([from], [to], keep, observer);
    // The element each element of `to` was morphed into.
    const paired = new Map<Element, Element>();
    const result = morphTree(from, to, keep, observer, paired);
    restoreOwned(owned, (fresh, old) => paired.get(fresh) ?? (result.contains(fresh) ? fresh : old));
    return result;
  });
}

function morphTree(
  from: Element,
  to: Element,
  keep: (control: Control) => boolean,
  observer: PatchObserver,
  paired: Map<Element, Element>,
): Element {
  const selects: HTMLSelectElement[] = [];
  const keptSelections = new Map<HTMLSelectElement, Set<string>>();
  // Sloppy markup repeats ids; then nodes are matched by position alone.
  const getNodeKey = keysAreUnique(from, to) ? keyOf : () => undefined;
  // An unkeyed node's keyed descendants may be matched again later in the
  // same morph; a keyed node is only discarded once nothing matched it.
  const mayReturn = (el: Element): boolean => getNodeKey(el) !== undefined;
  const onBeforeNodeDiscarded = (node: Node): boolean => {
    observer.removing(node, getNodeKey(node) === undefined ? mayReturn : undefined);
    return true;
  };
  const onNodeAdded = (node: Node): Node => {
    // morphdom reports every node of an added subtree, one by one.
    observer.added(node, false);
    return node;
  };
  const onBeforeElUpdated = (fromEl: HTMLElement, toEl: HTMLElement): boolean => {
    paired.set(toEl, fromEl);
    observer.morphing(fromEl, toEl);
    if (sameTree(fromEl, toEl)) return false;
    observer.changing(fromEl);
    // morphdom walks child nodes only; a template's content is not among them.
    if (fromEl instanceof HTMLTemplateElement && toEl instanceof HTMLTemplateElement) {
      syncAttributes(fromEl, toEl);
      fromEl.content.replaceChildren(toEl.content);
      return false;
    }
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
  if (from.localName !== to.localName) {
    // morphdom swaps in a new element and moves the children into it.
    if (from.parentNode) observer.changing(from.parentNode);
    observer.removing(from, () => true);
  }
  const result = morphdom(from, to, { getNodeKey, onBeforeElUpdated, onBeforeNodeDiscarded, onNodeAdded });
  if (result !== from) observer.added(result, false);
  for (const select of selects) {
    const kept = keptSelections.get(select);
    if (kept) for (const option of select.options) option.selected = kept.has(option.value);
    else syncFromMarkup(select);
  }
  return result as Element;
}

// --- live-update containers ---------------------------------------------------

const KEPT = `[${UPDATE}]`;

/**
 * `ignore`, `append` or `prepend` when the client owns `el`'s children: its
 * `live-update` says so and it has a key to be found again by; else null.
 */
export function updateMode(el: Element): string | null {
  const mode = el.getAttribute(UPDATE);
  return mode !== null && (KEPT_UPDATES as readonly string[]).includes(mode) && keyOf(el) !== undefined ? mode : null;
}

/**
 * Keyed elements at and below `roots`, by key, in document order; a key
 * found twice maps to null. Nothing inside a container the client owns is
 * looked at. `outermost`: only those containers themselves.
 */
function keyed(roots: Node[], outermost: boolean): Map<string, Element | null> {
  const found = new Map<string, Element | null>();
  const stack: Element[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    const root = roots[i];
    if (root instanceof Element) stack.push(root);
  }
  for (let el = stack.pop(); el; el = stack.pop()) {
    const mode = updateMode(el);
    const key = keyOf(el);
    if (key !== undefined && (mode !== null || !outermost)) found.set(key, found.has(key) ? null : el);
    if (mode === null) for (let child = el.lastElementChild; child; child = child.previousElementSibling) stack.push(child);
  }
  return found;
}

/** The items of a container's server markup: its keyed elements. */
export function itemsOf(parent: ParentNode): Element[] {
  return Array.from(parent.children).filter((el) => keyOf(el) !== undefined);
}

/** A container's children, out of the DOM while server markup replaces it: [new container, old one, children]. */
type Owned = Array<[Element, Element, DocumentFragment]>;

/**
 * Before `to` (server markup) replaces `from` (DOM): every container of
 * `to` the client owns (the outermost ones, with a key) that names an
 * element of `from` by its key takes that element's children out, after
 * upserting its items into them (`append`, `prepend`); the server's own
 * children of the container are dropped. `restoreOwned` puts them back.
 */
export function takeOwned(from: Node[], to: Node[], keep: (control: Control) => boolean, observer: PatchObserver): Owned {
  const owned: Owned = [];
  if (!to.some((node) => node instanceof Element && (node.matches(KEPT) || node.querySelector(KEPT)))) return owned;
  const found = keyed(from, false);
  for (const [key, fresh] of keyed(to, true)) {
    const old = found.get(key);
    if (!fresh || !old || old.localName !== fresh.localName) continue;
    const mode = updateMode(fresh);
    if (mode !== "ignore") upsert(old, itemsOf(fresh), mode === "prepend", keep, observer);
    const children = old.ownerDocument.createDocumentFragment();
    children.append(...old.childNodes);
    fresh.replaceChildren();
    owned.push([fresh, old, children]);
  }
  return owned;
}

/** Put the children `takeOwned` took into the element `home` says stands for each container now. */
export function restoreOwned(owned: Owned, home: (fresh: Element, old: Element) => Element): void {
  for (const [fresh, old, children] of owned) home(fresh, old).append(children);
}

/**
 * Morph each of `items` into the child of `container` with the same key
 * (the n-th item of a key into the n-th child of that key), and add the
 * others, in order, at the end, or with `prepend` at the start. Nothing is
 * removed.
 */
export function upsert(
  container: Element,
  items: Element[],
  prepend: boolean,
  keep: (control: Control) => boolean,
  observer: PatchObserver,
): void {
  const existing = new Map<string, Element[]>();
  for (const child of Array.from(container.children)) {
    const key = keyOf(child);
    if (key === undefined) continue;
    const same = existing.get(key);
    if (same) same.push(child);
    else existing.set(key, [child]);
  }
  const seen = new Map<string, number>();
  const added: Element[] = [];
  for (const item of items) {
    const key = keyOf(item) ?? "";
    const nth = (seen.get(key) ?? -1) + 1;
    seen.set(key, nth);
    const match = existing.get(key)?.[nth];
    if (match) morph(match, item, keep, observer);
    else added.push(item);
  }
  if (added.length === 0) return;
  observer.changing(container);
  const before = prepend ? container.firstChild : null;
  for (const item of added) container.insertBefore(item, before);
  for (const item of added) observer.added(item, true);
}
