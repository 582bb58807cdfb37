/**
 * Client hooks: `live-hook="Name"` gives an element the callbacks of
 * `hooks.Name` for as long as it lives on the page.
 *
 * A hook object (`{ mounted() {...}, updated() {...} }`) is the prototype of
 * one instance per element, which its callbacks see as `this`: the element
 * (`this.el`), a way to send events (`pushEvent`, `pushEventTo`) and to hear
 * the server's pushes (`handleEvent`), and whatever the hook keeps there.
 * The registry keeps each element's instance in a WeakMap; the DOMPatch
 * around each server message (dompatch.ts) tells it which elements a patch
 * added, changed and removed, and the socket tells it about joins and
 * disconnects.
 */

import { warnOnce } from "./events";
import { HOOK } from "./names";
import type { ErrMessage, Payload } from "./protocol";

/** What a hook's callbacks find on `this`, besides what the hook keeps there. */
export interface HookContext {
  /** The element carrying `live-hook`. */
  readonly el: HTMLElement;
  /**
   * Send `event` with `payload` to the component the element belongs to.
   * Resolves once the server acked it (its patches applied); rejects with
   * an EventRefused when the server refused it or it could not be sent.
   */
  pushEvent(event: string, payload?: Payload): Promise<void>;
  /** As pushEvent, to the component of the element `selector` finds. */
  pushEventTo(selector: string, event: string, payload?: Payload): Promise<void>;
  /**
   * Call `callback` with the data of every `event` the server pushes
   * (`Component.push_event`) until the element is destroyed. Returns a
   * function that stops it sooner.
   */
  handleEvent(event: string, callback: (data: any) => void): () => void;
}

/** `this` in a hook's callbacks: the context and the hook's own members. */
export type HookThis = HookContext & Record<string, any>;

/** The callbacks of one kind of hook; any other member is kept as it is. */
export interface Hook {
  /** The element is on the page and its page has joined. */
  mounted?(this: HookThis): void;
  /** A patch is about to change the element or something inside it. */
  beforeUpdate?(this: HookThis): void;
  /** A patch changed the element or something inside it. */
  updated?(this: HookThis): void;
  /** A patch is about to remove the element. */
  beforeDestroy?(this: HookThis): void;
  /** The element was removed; its `handleEvent` callbacks are gone. */
  destroyed?(this: HookThis): void;
  /** The page's socket closed; it will reconnect. */
  disconnected?(this: HookThis): void;
  /** The page joined again after a disconnect. */
  reconnected?(this: HookThis): void;
  /**
   * The server sent an `err` (the message ERROR_EVENT carries too): its
   * `code`, `reason`, the `event` it answers and, for a handler error, the
   * `error_id` of the server's log line. For a toast, say.
   */
  errored?(this: HookThis, err: ErrMessage): void;
  [member: string]: unknown;
}

/** Hooks by the name `live-hook` gives. */
export type Hooks = Record<string, Hook>;

/** How a hook reaches the server: `event` on behalf of `el`'s component. */
export type HookPush = (el: Element, event: string, payload: Payload) => Promise<void>;

export type Callback =
  | "mounted"
  | "beforeUpdate"
  | "updated"
  | "beforeDestroy"
  | "destroyed"
  | "disconnected"
  | "reconnected"
  | "errored";

/** One element's hook: its name, its `this`, its pushed-event handlers. */
export class HookInstance {
  alive = true;
  readonly handlers = new Map<string, Set<(data: unknown) => void>>();

  constructor(
    readonly name: string,
    readonly el: Element,
    readonly self: HookThis,
  ) {}
}

const HOOKED = `[${HOOK}]`;

/** `root` and every element under it that names a hook. */
export function hookedIn(root: Element): Element[] {
  const found = Array.from(root.querySelectorAll(HOOKED));
  if (root.hasAttribute(HOOK)) found.unshift(root);
  return found;
}

export class HookRegistry {
  readonly #byElement = new WeakMap<Element, HookInstance>();
  readonly #alive = new Set<HookInstance>();
  readonly #hooks: Hooks;
  readonly #push: HookPush;

  constructor(hooks: Hooks, push: HookPush) {
    this.#hooks = hooks;
    this.#push = push;
  }

  /** Whether any hook is mounted (a page without hooks skips all the work). */
  get any(): boolean {
    return this.#alive.size > 0;
  }

  /** The live hook instance of `el`, if it has one. */
  of(el: Element): HookInstance | undefined {
    return this.#byElement.get(el);
  }

  /** Every live instance right now. */
  instances(): Set<HookInstance> {
    return new Set(this.#alive);
  }

  /** Mount the hook `el` names, unless it has one already. */
  mount(el: Element): void {
    const name = el.getAttribute(HOOK);
    if (name === null || this.#byElement.has(el)) return;
    const definition = Object.hasOwn(this.#hooks, name) ? this.#hooks[name] : undefined;
    if (!definition) {
      warnOnce(el, HOOK, "names no hook of window.Hooks (or of startLive's hooks)");
      return;
    }
    const push = this.#push;
    const self = Object.create(definition) as HookThis;
    const instance = new HookInstance(name, el, self);
    Object.assign(self, {
      // Typed for the common case; an SVG or MathML element works the same.
      el: el as HTMLElement,
      pushEvent: (event: string, payload: Payload = {}) => push(el, event, payload),
      pushEventTo: (selector: string, event: string, payload: Payload = {}) => {
        const target = document.querySelector(selector);
        if (target) return push(target, event, payload);
        return Promise.reject(new Error(`livecomp: pushEventTo: nothing matches ${JSON.stringify(selector)}`));
      },
      handleEvent: (event: string, callback: (data: unknown) => void) => {
        let callbacks = instance.handlers.get(event);
        if (!callbacks) instance.handlers.set(event, (callbacks = new Set()));
        // Each registration is its own, even of the same function.
        const handler = (data: unknown): void => callback.call(self, data);
        callbacks.add(handler);
        return () => callbacks.delete(handler);
      },
    } satisfies HookContext);
    this.#byElement.set(el, instance);
    this.#alive.add(instance);
    this.call(instance, "mounted");
  }

  /** Mount every hook under `root` (itself included) not mounted yet. */
  mountAll(root: Element): void {
    for (const el of hookedIn(root)) this.mount(el);
  }

  /** Run one callback of an instance; a hook that throws breaks nothing else. */
  call(instance: HookInstance, callback: Callback, arg?: unknown): void {
    const fn = instance.self[callback];
    if (typeof fn !== "function") return;
    try {
      fn.call(instance.self, arg);
    } catch (error) {
      console.error(`livecomp: hook ${instance.name}.${callback} failed`, error);
    }
  }

  /** The element is gone: `destroyed`, and forget the instance. */
  destroy(instance: HookInstance): void {
    if (!instance.alive) return;
    instance.alive = false;
    this.#alive.delete(instance);
    if (this.#byElement.get(instance.el) === instance) this.#byElement.delete(instance.el);
    this.call(instance, "destroyed");
    instance.handlers.clear();
  }

  /** Run `callback` with `arg` on every live instance (of `only`, when given). */
  each(callback: "disconnected" | "reconnected" | "errored", only?: Set<HookInstance> | null, arg?: unknown): void {
    for (const instance of this.#sweep()) {
      if (!only || only.has(instance)) this.call(instance, callback, arg);
    }
  }

  /** Hand a server push to every `handleEvent` callback for `event`, in mount order. */
  dispatch(event: string, data: unknown): void {
    for (const instance of this.#sweep()) {
      for (const handler of [...(instance.handlers.get(event) ?? [])]) {
        if (!instance.alive) break;
        try {
          handler(data);
        } catch (error) {
          console.error(`livecomp: hook ${instance.name}.handleEvent(${JSON.stringify(event)}) failed`, error);
        }
      }
    }
  }

  /**
   * The live instances, after destroying those whose element left the page
   * without a patch (removed by other scripts).
   */
  #sweep(): HookInstance[] {
    const live: HookInstance[] = [];
    for (const instance of [...this.#alive]) {
      if (instance.el.isConnected) live.push(instance);
      else this.destroy(instance);
    }
    return live;
  }
}
