/**
 * Who owns a form control's live value: the user or the server.
 *
 * The markup (attributes, a textarea's text) always follows the server. The
 * live property (`.value`, `.checked`, `.selected`) follows it too, except on
 * the focused control while the user owns it: they typed into it after the
 * last event the client sent from it, or that event is still waiting behind
 * an older one, so the patch now arriving was computed without it. A property
 * update held back that way is deferred and re-read from the markup once the
 * server has caught up (on the next ack), so no keystroke is lost and the
 * control still ends up where the server put it.
 */
/** A form control whose live state can differ from its markup. */
export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
export declare function isControl(node: unknown): node is Control;
/** An input whose `.value` is independent of its `value` attribute. */
export declare function hasLiveValue(el: Control): boolean;
/** The user changed a control (called for every `input` event). */
export declare function noteTyped(el: Element): void;
/**
 * Track typing on the whole document. Capture phase: ownership is noted
 * before a live-change listener sends the value.
 */
export declare function installTyping(): void;
/** An event carrying these controls' values went out as `ref`. */
export declare function noteSent(ref: number, els: Iterable<Element>): void;
/** The server answered `ref` (ack or err). */
export declare function noteSettled(ref: number): void;
/** The socket closed: whatever was in flight was never applied. */
export declare function noteLost(): void;
/**
 * The user holds a value the server has not answered yet. By default, as
 * seen by a patch arriving now; `settled` asks whether every event carrying
 * the value has been answered, which is what a deferred update waits for.
 */
export declare function userOwned(el: Element, settled?: boolean): boolean;
/** Updates must leave this control's live state alone for now. */
export declare function guarded(el: Control, settled?: boolean): boolean;
/**
 * Update a control's live state unless the user owns it; keep the caret of a
 * focused text control where it was.
 */
export declare function updateControl(el: Control, apply: () => void): void;
/**
 * Run `apply` (a DOM change), then give focus back to the element that had
 * it if the change took it away, and put its caret and selection back if
 * they moved.
 */
export declare function keepFocus<T>(apply: () => T): T;
/** Hold back a live-state update until the user no longer owns the control. */
export declare function defer(el: Control): void;
/** Apply the updates that were held back, where the user let go meanwhile. */
export declare function flushDeferred(): void;
/** Set a control's live state to what its markup says. */
export declare function syncFromMarkup(el: Control): void;
