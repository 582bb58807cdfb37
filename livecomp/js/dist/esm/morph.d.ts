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
import { type Control } from "./inputs.js";
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
/** The observer of a patch applied outside a live page (tests, the seam). */
export declare const NO_OBSERVER: PatchObserver;
/** Parse `html` as the content of `parent` (a template when there is none). */
export declare function parseIn(parent: Node | null, html: string): DocumentFragment;
/**
 * The nodes and template contents of `a` and `b` are equal. `isEqualNode`
 * alone never looks inside a `<template>`: its content is a separate
 * fragment, not its children.
 */
export declare function sameTree(a: Node, b: Node): boolean;
/**
 * The one element a component render parsed to, or null when it is not
 * exactly one element with only whitespace around it (the server's
 * `parse_root` rule: stray text or a comment would be silently dropped).
 */
export declare function soleElement(fragment: DocumentFragment): Element | null;
/**
 * Morph `from` into `to` and return the element now standing where `from`
 * was (itself unless the tag changed).
 *
 * `keep(control)` says which controls keep their live value, checkedness and
 * selection instead of taking those of the new markup; their attributes and
 * a textarea's text still follow the markup.
 */
export declare function morph(from: Element, to: Element, keep: (control: Control) => boolean, observer?: PatchObserver): Element;
/**
 * `ignore`, `append` or `prepend` when the client owns `el`'s children: its
 * `live-update` says so and it has a key to be found again by; else null.
 */
export declare function updateMode(el: Element): string | null;
/** The items of a container's server markup: its keyed elements. */
export declare function itemsOf(parent: ParentNode): Element[];
/** A container's children, out of the DOM while server markup replaces it: [new container, old one, children]. */
type Owned = Array<[Element, Element, DocumentFragment]>;
/**
 * Before `to` (server markup) replaces `from` (DOM): every container of
 * `to` the client owns (the outermost ones, with a key) that names an
 * element of `from` by its key takes that element's children out, after
 * upserting its items into them (`append`, `prepend`); the server's own
 * children of the container are dropped. `restoreOwned` puts them back.
 */
export declare function takeOwned(from: Node[], to: Node[], keep: (control: Control) => boolean, observer: PatchObserver): Owned;
/** Put the children `takeOwned` took into the element `home` says stands for each container now. */
export declare function restoreOwned(owned: Owned, home: (fresh: Element, old: Element) => Element): void;
/**
 * Morph each of `items` into the child of `container` with the same key
 * (the n-th item of a key into the n-th child of that key), and add the
 * others, in order, at the end, or with `prepend` at the start. Nothing is
 * removed.
 */
export declare function upsert(container: Element, items: Element[], prepend: boolean, keep: (control: Control) => boolean, observer: PatchObserver): void;
/**
 * Apply a `stream` op to `container` (docs/protocol.md, "Streams"): drop its
 * items (children with a `live-id`) on `reset`, then the `deleted` keys; morph
 * each insert into the item of its key or add it (at -1 the end, 0 the start,
 * null nowhere); then keep the first `limit` items, or the last `-limit`.
 * Returns how many deleted or updated keys were missing.
 */
export declare function stream(container: Element, reset: boolean, deleted: string[], inserts: Array<[number | null, string]>, limit: number | null, keep: (control: Control) => boolean, observer: PatchObserver): number;
export {};
