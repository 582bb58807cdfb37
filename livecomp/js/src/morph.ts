/**
 * Turning server HTML into DOM: parsing in context, and morphing.
 *
 * HTML is always parsed in the context of the element it will live in, so a
 * `<tr>`, an `<option>` or an SVG `<circle>` comes out as the browser would
 * have parsed it in the page. A subtree that is replaced whole is morphed
 * (`morph`) rather than swapped, so the nodes that stay keep their focus,
 * caret and typed input; siblings are matched by the same keys as the server
 * diff (KEY_ATTRS), and template contents, which are not children, are
 * carried over too. Every change is reported to a PatchObserver (the
 * DOMPatch around the message being applied), so hooks and JS commands see
 * each element that is added, changed or removed.
 *
 * A `live-update` container whose children the client owns (`ignore`,
 * `append`, `prepend`) keeps them through a morph: they are taken out before
 * the morph runs and put back into whatever element stands for the container
 * afterwards (docs/protocol.md, "live-update"); `upsert` adds or updates its
 * items by key. livecomp/patching.py `morph` is the same rule in Python.
 */

import { type Control, hasLiveValue, isControl, keepFocus, syncFromMarkup } from "./inputs";
import { CID, KEPT_UPDATES, KEY_ATTRS, LIST_KEY, UPDATE } from "./names";

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
 * Identity for a morph, exactly as the server diff keys siblings
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

/**
 * The keyed elements of `root` (itself included) into `found`, by key;
 * false as soon as a key repeats, for a key must name one element.
 */
function indexKeys(root: Element, found: Map<string, Element>): boolean {
  for (const el of [root, ...root.querySelectorAll(KEYED)]) {
    const key = keyOf(el);
    if (key === undefined) continue;
    if (found.has(key)) return false;
    found.set(key, el);
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

/**
 * What `control` holds now (its value, checkedness or selection), as a
 * function that puts it back once its markup has changed.
 */
function holdState(control: Control): () => void {
  if (control instanceof HTMLSelectElement) {
    const selected = new Set(Array.from(control.selectedOptions, (option) => option.value));
    return () => {
      for (const option of control.options) option.selected = selected.has(option.value);
    };
  }
  const value = control.value;
  const checked = control instanceof HTMLInputElement && control.checked;
  return () => {
    // An input whose value is its attribute has no live value to keep.
    if (hasLiveValue(control) && control.value !== value) control.value = value;
    if (control instanceof HTMLInputElement) control.checked = checked;
  };
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

/** Same tag in the same namespace: one element can take the other's markup. */
function sameKind(a: Node, b: Element): boolean {
  return a instanceof Element && a.localName === b.localName && a.namespaceURI === b.namespaceURI;
}

/**
 * Morph `from` into `to` in place and return the element now standing where
 * `from` was. Children are matched in order: a keyed node takes the element
 * of `from` with its key wherever it is (so a keyed element keeps its node
 * when it moves, even to another parent), an unkeyed node the first unkeyed
 * node of its kind ahead of it among the old children; what matches nothing
 * is added, what nothing matched is removed.
 */
function morphTree(
  from: Element,
  to: Element,
  keep: (control: Control) => boolean,
  observer: PatchObserver,
  paired: Map<Element, Element>,
): Element {
  // The keyed elements of `from` nothing has matched yet, by key. Sloppy
  // markup repeats ids; then nodes are matched by position alone.
  const unmatched = new Map<string, Element>();
  const keyFor = indexKeys(from, unmatched) && indexKeys(to, new Map()) ? keyOf : () => undefined;
  // Keyed elements their parent no longer holds: they stay put until the
  // end, as something later in the tree may still claim them.
  const unplaced: Element[] = [];
  // An unkeyed node's keyed descendants may be claimed later in the same
  // morph; the DOMPatch decides their fate once it is over.
  const mayReturn = (el: Element): boolean => keyFor(el) !== undefined;

  /** The old element with the key of `node`, taken out of `unmatched`, if it can go into `parent`. */
  const claim = (node: Node, parent: Node): Element | undefined => {
    const key = keyFor(node);
    const old = key === undefined ? undefined : unmatched.get(key);
    // A component keeps its key when its tag changes; its element cannot.
    // The old root stands for `to` alone, never for one of its descendants.
    if (!old || old === from || !sameKind(old, node as Element) || old.contains(parent)) return undefined;
    unmatched.delete(key as string);
    return old;
  };

  /** Whether `old`, an unclaimed child, can take the unkeyed `node`'s markup. */
  const compatible = (old: Node, node: Node): boolean =>
    node instanceof Element ? sameKind(old, node) && keyFor(old) === undefined : old.nodeType === node.nodeType;

  /** Put back, inside the new `el`, the old elements its keyed descendants name. */
  const adopt = (el: Element): void => {
    for (const child of Array.from(el.children)) {
      const old = claim(child, el);
      if (old) {
        el.replaceChild(old, child);
        morphPair(old, child);
      } else {
        adopt(child);
      }
    }
  };

  const morphChildren = (fromEl: Element, toEl: Element): void => {
    // The last child of `fromEl` already in its final place.
    let placed: ChildNode | null = null;
    for (const node of Array.from(toEl.childNodes)) {
      const at: ChildNode | null = placed ? placed.nextSibling : fromEl.firstChild;
      let old: ChildNode | undefined = claim(node, fromEl);
      if (!old && keyFor(node) === undefined) {
        for (let candidate: ChildNode | null = at; candidate && !old; candidate = candidate.nextSibling) {
          if (compatible(candidate, node)) old = candidate;
        }
      }
      placed = old ?? node;
      if (placed !== at) fromEl.insertBefore(placed, at);
      if (!old) {
        if (node instanceof Element) adopt(node);
        observer.added(node, true);
      } else if (node instanceof Element) {
        morphPair(old as Element, node);
      } else if (old.nodeValue !== node.nodeValue) {
        old.nodeValue = node.nodeValue;
      }
    }
    for (let rest = placed ? placed.nextSibling : fromEl.firstChild; rest; ) {
      const next: ChildNode | null = rest.nextSibling;
      if (rest instanceof Element && keyFor(rest) !== undefined) {
        unplaced.push(rest);
      } else {
        observer.removing(rest, mayReturn);
        rest.remove();
      }
      rest = next;
    }
  };

  const morphPair = (fromEl: Element, toEl: Element): void => {
    paired.set(toEl, fromEl);
    observer.morphing(fromEl, toEl);
    if (sameTree(fromEl, toEl)) return;
    observer.changing(fromEl);
    // A control `keep` picks keeps its live state, read before its markup
    // changes (an attribute can move a state the user never touched); any
    // other takes the state its new markup gives, as a fresh parse would.
    const control = isControl(fromEl) ? fromEl : null;
    const restore = control && keep(control) ? holdState(control) : null;
    syncAttributes(fromEl, toEl);
    // A template's content is not its children; a textarea's and an
    // option's text is their whole content and nothing to walk.
    if (fromEl instanceof HTMLTemplateElement) {
      fromEl.content.replaceChildren((toEl as HTMLTemplateElement).content);
    } else if (fromEl instanceof HTMLTextAreaElement) {
      if (fromEl.textContent !== toEl.textContent) fromEl.textContent = toEl.textContent;
    } else if (fromEl instanceof HTMLOptionElement) {
      if (fromEl.innerHTML !== toEl.innerHTML) fromEl.replaceChildren(...toEl.childNodes);
    } else {
      morphChildren(fromEl, toEl);
    }
    if (restore) restore();
    else if (control) syncFromMarkup(control);
  };

  let result = from;
  if (!sameKind(from, to)) {
    // A new element of the new tag takes the old one's children.
    if (from.parentNode) observer.changing(from.parentNode);
    observer.removing(from, () => true);
    result = from.ownerDocument.createElementNS(to.namespaceURI, to.localName);
    result.append(...from.childNodes);
  }
  morphPair(result, to);
  for (const el of unplaced) {
    if (unmatched.get(keyFor(el) as string) !== el) continue;
    observer.removing(el);
    el.remove();
  }
  if (result !== from) {
    from.replaceWith(result);
    observer.added(result, false);
  }
  return result;
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
  const stack = roots.filter((root) => root instanceof Element).reverse();
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

/**
 * Apply a `stream` op to `container` (docs/protocol.md, "Streams"): drop its
 * items (children with a `live-id`) on `reset`, then the `deleted` keys; morph
 * each insert into the item of its key or add it (at -1 the end, 0 the start,
 * null nowhere); then keep the first `limit` items, or the last `-limit`.
 * Returns how many deleted or updated keys were missing.
 */
export function stream(
  container: Element,
  reset: boolean,
  deleted: string[],
  inserts: Array<[number | null, string]>,
  limit: number | null,
  keep: (control: Control) => boolean,
  observer: PatchObserver,
): number {
  let missed = 0;
  const items = (): Element[] => Array.from(container.children).filter((el) => el.getAttribute(LIST_KEY));
  const byKey = new Map<string | null, Element>();
  const drop = (el: Element): void => {
    observer.changing(container);
    observer.removing(el);
    el.remove();
  };
  for (const el of items()) {
    if (reset) drop(el);
    else byKey.set(el.getAttribute(LIST_KEY), el);
  }
  for (const key of deleted) {
    const el = byKey.get(key);
    if (el) drop(el);
    else missed++;
    byKey.delete(key);
  }
  for (const [at, html] of inserts) {
    const [item] = itemsOf(parseIn(container, html));
    const key = item?.getAttribute(LIST_KEY);
    if (!item || !key) continue;
    const el = byKey.get(key);
    if (el) morph(el, item, keep, observer);
    else if (at === null) missed++;
    else {
      observer.changing(container);
      container.insertBefore(item, at ? null : container.firstChild);
      observer.added(item, true);
      byKey.set(key, item);
    }
  }
  if (limit !== null) {
    const all = items();
    for (const el of limit < 0 ? all.slice(0, Math.max(all.length + limit, 0)) : all.slice(limit)) drop(el);
  }
  return missed;
}
