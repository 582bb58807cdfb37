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
import { type PatchObserver } from "./morph.js";
import type { Op } from "./protocol.js";
/** Stream deletes and updates of a key the container lacked: skipped, counted here. */
export declare const streamMisses: {
    count: number;
};
/** The DOM did not have what a patch op expected at its target. */
export declare class PatchMismatch extends Error {
    constructor(message: string);
}
/**
 * Apply `ops` to the component whose root element is `root`.
 *
 * Throws PatchMismatch at the first op whose target is missing or different;
 * the ops before it stay applied (and were reported to `observer`).
 */
export declare function applyPatches(root: Element, ops: Op[], observer?: PatchObserver): void;
