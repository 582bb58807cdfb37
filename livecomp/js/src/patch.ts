/**
 * Applying patch ops to a component's DOM (docs/protocol.md, "Patch ops").
 *
 * Ops run in order, each path resolved against the DOM as the ops before it
 * left it. Every op checks what it finds at its target before changing
 * anything; a missing or different target throws PatchMismatch, which the
 * socket answers with a resync. Nothing here guesses its way around a
 * mismatch: a resync is a bug to be counted, not hidden. Each change is
 * reported to the PatchObserver given (see morph.ts) before it is made.
 *
 * No op addresses a node inside a `live-update` container the client owns:
 * `upsert` adds or updates its items by key, and a `replace` keeps its
 * children (morph.ts `takeOwned`), whether it morphs or swaps the node.
 */

import { type Control, defer, guarded, hasLiveValue, isControl, keepFocus, syncFromMarkup, updateControl } from "./inputs";
import {
  itemsOf,
  morph,
  NO_OBSERVER,
  type PatchObserver,
  parseIn,
  restoreOwned,
  soleElement,
  stream,
  takeOwned,
  upsert,
} from "./morph";
import { OPAQUE_ELEMENTS } from "./names";
import type { Check, Op, Path } from "./protocol";

const HTML_NS = "http://www.w3.org/1999/xhtml";
const MATHML_NS = "http://www.w3.org/1998/Math/MathML";

/** Stream deletes and updates of a key the container lacked: skipped, counted here. */
export const streamMisses = { count: 0 };

/** The DOM did not have what a patch op expected at its target. */
export class PatchMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchMismatch";
  }
}

function describe(node: Node | undefined): string {
  if (!node) return "nothing";
  if (node.nodeType === Node.TEXT_NODE) return "#text";
  if (node.nodeType === Node.COMMENT_NODE) return "#comment";
  return node instanceof Element ? `<${node.localName}>` : node.nodeName;
}

function matches(node: Node, check: Check): boolean {
  if (check === "#text") return node.nodeType === Node.TEXT_NODE;
  if (check === "#comment") return node.nodeType === Node.COMMENT_NODE;
  return node instanceof Element && node.localName.toLowerCase() === String(check).toLowerCase();
}

/** One op being applied: resolves its targets and words its failures. */
class Step {
  constructor(
    readonly root: Element,
    readonly op: Op,
    readonly index: number,
    readonly observer: PatchObserver,
  ) {}

  fail(problem: string): never {
    throw new PatchMismatch(`op ${this.index} (${String(this.op[0])} at ${JSON.stringify(this.op[1])}): ${problem}`);
  }

  /** The node at `path`, which must match `check`. */
  node(path: Path, check: Check): Node {
    if (!Array.isArray(path)) this.fail("path is not a list");
    let node: Node = this.root;
    for (const [depth, index] of path.entries()) {
      const child: Node | undefined = node.childNodes[index];
      if (!child) this.fail(`no child ${index} at depth ${depth} under ${describe(node)}`);
      node = child;
    }
    this.expect(node, check);
    return node;
  }

  /** The element at `path`, whose tag must be `tag`. */
  element(path: Path, tag: Check): Element {
    const node = this.node(path, tag);
    if (!(node instanceof Element)) this.fail(`expected an element, found ${describe(node)}`);
    return node;
  }

  expect(node: Node | undefined, check: Check): void {
    if (!node || !matches(node, check)) this.fail(`expected ${check}, found ${describe(node)}`);
  }

  /** A child index within `0..limit`. */
  position(value: number, limit: number, what: string): number {
    if (!Number.isInteger(value) || value < 0 || value > limit) {
      this.fail(`${what} ${JSON.stringify(value)} is outside 0..${limit}`);
    }
    return value;
  }
}

/**
 * Apply `ops` to the component whose root element is `root`.
 *
 * Throws PatchMismatch at the first op whose target is missing or different;
 * the ops before it stay applied (and were reported to `observer`).
 */
export function applyPatches(root: Element, ops: Op[], observer: PatchObserver = NO_OBSERVER): void {
  let current = root;
  ops.forEach((op, index) => {
    current = applyOp(new Step(current, op, index, observer));
  });
}

/** Apply one op; return the component root, which `replace` at `[]` may swap. */
function applyOp(step: Step): Element {
  const { op, observer } = step;
  if (!Array.isArray(op)) step.fail("op is not a list");
  switch (op[0]) {
    case "text": {
      const [, path, check, data] = op;
      const node = step.node(path, check);
      if (!(node instanceof CharacterData)) return step.fail(`expected a text or comment node, found ${describe(node)}`);
      observer.changing(node);
      if (node.data !== data) node.data = data;
      syncTextarea(node.parentNode);
      break;
    }
    case "attrs": {
      const [, path, tag, set, removed] = op;
      const el = step.element(path, tag);
      observer.changing(el);
      // A new value attribute moves an untouched input's caret by itself.
      keepFocus(() => {
        for (const [name, value] of Object.entries(set)) {
          setAttribute(step, el, name, value);
          syncProperty(el, name, value);
        }
        for (const name of removed) {
          el.removeAttribute(name);
          syncProperty(el, name, null);
        }
      });
      observer.attributes(el, [...Object.keys(set), ...removed]);
      break;
    }
    case "insert": {
      const [, path, tag, index, html] = op;
      const parent = step.element(path, tag);
      step.position(index, parent.childNodes.length, "index");
      const fragment = parseIn(parent, html);
      const nodes = Array.from(fragment.childNodes);
      observer.changing(parent);
      parent.insertBefore(fragment, parent.childNodes[index] ?? null);
      for (const node of nodes) observer.added(node, true);
      syncTextarea(parent);
      break;
    }
    case "remove": {
      const [, path, check] = op;
      const node = step.node(path, check);
      const parent = node.parentNode;
      if (path.length === 0 || !parent) return step.fail("cannot remove the component root");
      observer.changing(parent);
      observer.removing(node);
      parent.removeChild(node);
      syncTextarea(parent);
      break;
    }
    case "move": {
      const [, path, tag, from, to, check] = op;
      const parent = step.element(path, tag);
      const count = parent.childNodes.length;
      step.position(from, count - 1, "from");
      step.position(to, count - 1, "to");
      const child = parent.childNodes[from] as ChildNode;
      step.expect(child, check);
      // The index `to` counts the children once `child` is taken out.
      const before = parent.childNodes[to >= from ? to + 1 : to] ?? null;
      observer.changing(parent);
      keepFocus(() => moveChild(parent, child, before));
      syncTextarea(parent);
      break;
    }
    case "replace": {
      const [, path, check, html] = op;
      const node = step.node(path, check);
      const parent = node.parentNode;
      const fragment = parseIn(parent, html);
      if (path.length === 0) {
        // The replacement stays the component root, so it is one element.
        const replacement = soleElement(fragment);
        if (!replacement) {
          return step.fail(
            `the component root must become one element, not ${fragment.childElementCount} ` +
              `element(s) in ${fragment.childNodes.length} node(s)`,
          );
        }
        return morph(step.root, replacement, holdGuarded, observer);
      }
      const only = fragment.firstChild;
      if (
        node instanceof Element &&
        only instanceof Element &&
        fragment.childNodes.length === 1 &&
        only.localName.toLowerCase() === node.localName.toLowerCase() &&
        // The diff replaces these whole (a template's content is not its
        // children, which the morph walks); nothing inside is worth keeping.
        !isOpaque(node.localName.toLowerCase())
      ) {
        morph(node, only, holdGuarded, observer);
      } else if (parent) {
        const nodes = Array.from(fragment.childNodes);
        keepFocus(() => {
          const owned = takeOwned([node], nodes, holdGuarded, observer);
          observer.changing(parent);
          observer.removing(node);
          parent.replaceChild(fragment, node);
          for (const added of nodes) observer.added(added, true);
          restoreOwned(owned, (fresh) => fresh);
        });
        syncTextarea(parent);
      }
      break;
    }
    case "upsert": {
      const [, path, tag, mode, html] = op;
      const container = step.element(path, tag);
      if (mode !== "append" && mode !== "prepend") return step.fail(`unknown mode ${JSON.stringify(mode)}`);
      const items = itemsOf(parseIn(container, html));
      keepFocus(() => upsert(container, items, mode === "prepend", holdGuarded, observer));
      break;
    }
    case "stream": {
      const [, path, tag, reset, deleted, inserts, limit] = op;
      const container = step.element(path, tag);
      keepFocus(() => {
        streamMisses.count += stream(container, reset, deleted, inserts, limit, holdGuarded, observer);
      });
      break;
    }
    default:
      step.fail(`unknown op ${JSON.stringify(op[0])}`);
  }
  return step.root;
}

function isOpaque(tag: string): boolean {
  return (OPAQUE_ELEMENTS as readonly string[]).includes(tag);
}

/** morph() keeps the live state of guarded controls and re-reads it later. */
function holdGuarded(control: Control): boolean {
  if (!guarded(control)) return false;
  defer(control);
  return true;
}

function moveChild(parent: Element, child: ChildNode, before: ChildNode | null): void {
  // moveBefore keeps focus, selection and running animations across the move.
  if ("moveBefore" in parent) {
    try {
      parent.moveBefore(child, before);
      return;
    } catch {
      // Not movable atomically (e.g. across documents); a plain move will do.
    }
  }
  parent.insertBefore(child, before);
}

function setAttribute(step: Step, el: Element, name: string, value: string): void {
  const html = el.namespaceURI === HTML_NS;
  // On SVG and MathML elements the parser puts `xlink:*`, `xml:*` and
  // `xmlns` attributes in their namespaces; setAttribute would not, and an
  // `xlink:href` outside its namespace links nothing.
  if (html || !(name.includes(":") || name === "xmlns")) {
    try {
      el.setAttribute(name, value);
      return;
    } catch {
      // The HTML parser accepts names that setAttribute rejects (`@click`,
      // `:class`); such an attribute can still be carried over from a parse.
    }
  }
  const template = document.createElement("template");
  const tag = html ? "i" : el.namespaceURI === MATHML_NS ? "math" : "svg";
  template.innerHTML = `<${tag} ${name}></${tag}>`;
  const parsed = template.content.firstElementChild?.attributes[0];
  if (!parsed || parsed.name !== name) step.fail(`cannot set attribute ${JSON.stringify(name)}`);
  const attr = parsed.cloneNode() as Attr;
  attr.value = value;
  el.setAttributeNode(attr);
}

/**
 * Attributes that only give a control its initial state: the live state must
 * follow them too, unless the user owns it (see inputs.ts).
 */
function syncProperty(el: Element, name: string, value: string | null): void {
  if (name === "value" && isControl(el) && hasLiveValue(el)) {
    // Without the attribute an input is empty; a textarea or select has no
    // value attribute of its own to fall back on.
    if (value === null && !(el instanceof HTMLInputElement)) return;
    updateControl(el, () => {
      if (el.value !== (value ?? "")) el.value = value ?? "";
    });
  } else if (name === "checked" && el instanceof HTMLInputElement) {
    updateControl(el, () => {
      el.checked = value !== null;
    });
  } else if (name === "selected" && el instanceof HTMLOptionElement) {
    const select = el.closest("select");
    const apply = (): void => {
      el.selected = value !== null;
    };
    if (select) updateControl(select, apply);
    else apply();
  }
}

/** A textarea's text is its initial value; its live value follows it. */
function syncTextarea(parent: Node | null): void {
  if (parent instanceof HTMLTextAreaElement) {
    updateControl(parent, () => syncFromMarkup(parent));
  }
}
