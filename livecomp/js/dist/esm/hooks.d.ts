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
import type { ErrMessage, Payload } from "./protocol.js";
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
export type Callback = "mounted" | "beforeUpdate" | "updated" | "beforeDestroy" | "destroyed" | "disconnected" | "reconnected" | "errored";
/** One element's hook: its name, its `this`, its pushed-event handlers. */
export declare class HookInstance {
    readonly name: string;
    readonly el: Element;
    readonly self: HookThis;
    alive: boolean;
    readonly handlers: Map<string, Set<(data: unknown) => void>>;
    constructor(name: string, el: Element, self: HookThis);
}
/** `root` and every element under it that names a hook. */
export declare function hookedIn(root: Element): Element[];
export declare class HookRegistry {
    #private;
    constructor(hooks: Hooks, push: HookPush);
    /** Whether any hook is mounted (a page without hooks skips all the work). */
    get any(): boolean;
    /** The live hook instance of `el`, if it has one. */
    of(el: Element): HookInstance | undefined;
    /** Every live instance right now. */
    instances(): Set<HookInstance>;
    /** Mount the hook `el` names, unless it has one already. */
    mount(el: Element): void;
    /** Mount every hook under `root` (itself included) not mounted yet. */
    mountAll(root: Element): void;
    /** Run one callback of an instance; a hook that throws breaks nothing else. */
    call(instance: HookInstance, callback: Callback, arg?: unknown): void;
    /** The element is gone: `destroyed`, and forget the instance. */
    destroy(instance: HookInstance): void;
    /** Run `callback` with `arg` on every live instance (of `only`, when given). */
    each(callback: "disconnected" | "reconnected" | "errored", only?: Set<HookInstance> | null, arg?: unknown): void;
    /** Hand a server push to every `handleEvent` callback for `event`, in mount order. */
    dispatch(event: string, data: unknown): void;
}
