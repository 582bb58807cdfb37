/**
 * The one object around each server message applied to the DOM.
 *
 * patch.ts and morph.ts report every change to it as they make it (see
 * PatchObserver); it runs the hooks' `before*` callbacks at once, keeps
 * what JS commands set on an element across its new markup, and when the
 * message is fully applied (`finish`) runs `destroyed`, `updated` and
 * `mounted`, so no hook ever sees the DOM half-way through a patch.
 *
 * A hook is updated when the patch changed its element or anything inside
 * it, mounted when an element naming a hook appears (inserted, replaced,
 * morphed in, or given a `live-hook`), destroyed when its element goes.
 */

import { afterAttributes, beforeMorph } from "./commands";
import { type HookInstance, type HookRegistry, hookedIn } from "./hooks";
import type { PatchObserver } from "./morph";
import { HOOK } from "./names";

export class DOMPatch implements PatchObserver {
  /** Elements whose subtree changed, with all their ancestors. */
  readonly #changed = new Set<Element>();
  /** Hooks told `beforeUpdate`, in order. */
  readonly #updating: HookInstance[] = [];
  /** Hooks told `beforeDestroy`. */
  readonly #leaving = new Set<HookInstance>();
  /** Removed subtrees whose keyed parts a morph might have put back. */
  readonly #undecided: Element[] = [];
  /** Elements that entered the page, and whether their subtree is new too. */
  readonly #entered: Array<[Element, boolean]> = [];
  /** Elements whose `live-hook` may have changed. */
  readonly #renamed = new Set<Element>();

  readonly #hooks: HookRegistry;

  constructor(hooks: HookRegistry) {
    this.#hooks = hooks;
  }

  changing(node: Node): void {
    if (!this.#hooks.any) return;
    // Every ancestor of a change has a changed subtree; the walk stops where
    // an earlier change already went.
    for (let el = node instanceof Element ? node : node.parentElement; el && !this.#changed.has(el); el = el.parentElement) {
      this.#changed.add(el);
      const hook = this.#hooks.of(el);
      if (hook && !this.#leaving.has(hook)) {
        this.#hooks.call(hook, "beforeUpdate");
        this.#updating.push(hook);
      }
    }
  }

  removing(node: Node, mayReturn?: (el: Element) => boolean): void {
    if (!(node instanceof Element) || !this.#hooks.any) return;
    for (const el of hookedIn(node)) {
      const hook = this.#hooks.of(el);
      if (hook && !this.#leaving.has(hook) && !(mayReturn && under(el, node, mayReturn))) this.#leave(hook);
    }
    if (mayReturn) this.#undecided.push(node);
  }

  added(node: Node, deep: boolean): void {
    if (node instanceof Element) this.#entered.push([node, deep]);
  }

  attributes(el: Element, names: string[]): void {
    afterAttributes(el, names);
    if (names.includes(HOOK)) this.#renamed.add(el);
  }

  morphing(from: Element, to: Element): void {
    beforeMorph(from, to);
    if (from.getAttribute(HOOK) !== to.getAttribute(HOOK)) this.#renamed.add(from);
  }

  /** The message is applied: destroyed, updated, then mounted. */
  finish(): void {
    const hooks = this.#hooks;
    // What a morph did not put back is gone with its removed parent.
    for (const root of this.#undecided) {
      for (const el of hookedIn(root)) {
        const hook = hooks.of(el);
        if (hook && !el.isConnected && !this.#leaving.has(hook)) this.#leave(hook);
      }
    }
    for (const hook of this.#leaving) if (!hook.el.isConnected) hooks.destroy(hook);
    for (const el of this.#renamed) {
      const hook = hooks.of(el);
      if (hook && hook.name !== el.getAttribute(HOOK)) {
        // Another hook now (or none): the old one ends as if its element went.
        if (!this.#leaving.has(hook)) hooks.call(hook, "beforeDestroy");
        hooks.destroy(hook);
      }
      this.#entered.push([el, false]);
    }
    for (const hook of this.#updating) if (hook.alive && hook.el.isConnected) hooks.call(hook, "updated");
    for (const [el, deep] of this.#entered) {
      if (!el.isConnected) continue;
      if (deep) hooks.mountAll(el);
      else hooks.mount(el);
    }
  }

  #leave(hook: HookInstance): void {
    this.#hooks.call(hook, "beforeDestroy");
    this.#leaving.add(hook);
  }
}

/** Whether `el` or an ancestor of it below `root` satisfies `test`. */
function under(el: Element, root: Element, test: (el: Element) => boolean): boolean {
  for (let at: Element | null = el; at && at !== root; at = at.parentElement) if (test(at)) return true;
  return false;
}
