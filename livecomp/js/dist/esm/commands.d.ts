/**
 * JS commands: DOM changes a binding runs in the browser, with no round trip.
 *
 * A binding whose value is a JSON array of commands runs them in order
 * instead of sending an event:
 * `live-click='[["hide",{"to":"#done"}],["push",{"event":"save"}]]'`
 * (livecomp/commands.py writes these). Each command is `[name, args]`; `to`
 * is a CSS selector of the elements it acts on (default: the binding's).
 *
 * What a command sets on an element (an attribute, a class, an inline style
 * property such as `display`) outlives patches: it is remembered, per
 * element, with the server's value it replaced. When a patch or a morph
 * writes that element again, the command's value is put back, unless the
 * server's new markup changed that same attribute, class or property from
 * the value the command replaced: then the server's value stands and the
 * command's is forgotten.
 */
import type { Payload } from "./protocol.js";
/** How a `push` command sends: `event` with `value`, for `target`'s component. */
export type CommandPush = (event: string, value: Payload, target: Element) => void;
/** An attrs op has just written the server's `names` on `el`. */
export declare function afterAttributes(el: Element, names: string[]): void;
/** A morph is about to give `from` the markup of `to`: carry the settings over. */
export declare function beforeMorph(from: Element, to: Element): void;
/** Whether a binding's value is a command list rather than an event name. */
export declare function isCommandList(value: string): boolean;
/**
 * Run the binding value `value` of `el` as commands. Returns false, doing
 * nothing, when it is not a command list (then it is an event name).
 *
 * A list that is not valid JSON runs nothing; an unknown command or one
 * with bad arguments is skipped; each of these logs one warning.
 */
export declare function runBinding(el: Element, value: string, push: CommandPush): boolean;
