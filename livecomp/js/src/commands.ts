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

import type { Payload } from "./protocol";

/** How a `push` command sends: `event` with `value`, for `target`'s component. */
export type CommandPush = (event: string, value: Payload, target: Element) => void;

type Args = Record<string, unknown>;
type Command = (el: Element, args: Args, push: CommandPush) => void;

/** Where a remembered value lives: an attribute, a class, an inline style property. */
type Kind = "attr" | "class" | "style";

interface Setting {
  kind: Kind;
  name: string;
  /** The server's value the command replaced (null: none). */
  base: string | null;
  /** The command's value (null: removed). */
  mine: string | null;
}

/** Per element, what commands set there and still holds, by kind and name. */
const settings = new WeakMap<Element, Map<string, Setting>>();

function styleOf(el: Element): CSSStyleDeclaration | null {
  return "style" in el && el.style instanceof CSSStyleDeclaration ? el.style : null;
}

function read(kind: Kind, name: string, el: Element): string | null {
  if (kind === "attr") return el.getAttribute(name);
  if (kind === "class") return el.classList.contains(name) ? "" : null;
  return styleOf(el)?.getPropertyValue(name) || null;
}

function write(kind: Kind, name: string, el: Element, value: string | null): void {
  if (kind === "attr") {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  } else if (kind === "class") {
    el.classList.toggle(name, value !== null);
  } else {
    const style = styleOf(el);
    if (value === null) style?.removeProperty(name);
    else style?.setProperty(name, value);
  }
}

/** The attribute a setting is written into. */
function attributeOf(setting: Setting): string {
  return setting.kind === "attr" ? setting.name : setting.kind;
}

/** Set a value on `el` as a command, remembering the server's. */
function set(el: Element, kind: Kind, name: string, value: string | null): void {
  let held = settings.get(el);
  if (!held) settings.set(el, (held = new Map()));
  const key = `${kind} ${name}`;
  const setting = held.get(key) ?? { kind, name, base: read(kind, name, el), mine: value };
  setting.mine = value;
  write(kind, name, el, value);
  // Back to what the server says: nothing left to keep.
  if (setting.mine === setting.base) held.delete(key);
  else held.set(key, setting);
}

/**
 * Keep or forget the settings of `el` that `only` picks, now that `server`
 * holds the server's new markup for it: where the server kept the value a
 * command replaced, the command's value is written into `server` again;
 * where it changed it, the server's value stands.
 */
function reconcile(el: Element, server: Element, only: (setting: Setting) => boolean): void {
  const held = settings.get(el);
  if (!held) return;
  for (const [key, setting] of held) {
    if (!only(setting)) continue;
    if (read(setting.kind, setting.name, server) !== setting.base) held.delete(key);
    else write(setting.kind, setting.name, server, setting.mine);
  }
}

/** An attrs op has just written the server's `names` on `el`. */
export function afterAttributes(el: Element, names: string[]): void {
  reconcile(el, el, (setting) => names.includes(attributeOf(setting)));
}

/** A morph is about to give `from` the markup of `to`: carry the settings over. */
export function beforeMorph(from: Element, to: Element): void {
  reconcile(from, to, () => true);
}

function hidden(el: Element): boolean {
  return getComputedStyle(el).display === "none";
}

function show(el: Element, args: Args): void {
  const display = typeof args.display === "string" ? args.display : null;
  set(el, "style", "display", display);
  // A stylesheet may hide it too: an inline display wins over that.
  if (display === null && hidden(el)) set(el, "style", "display", "block");
}

function hide(el: Element): void {
  set(el, "style", "display", "none");
}

/** The elements a command acts on: those `to` selects, else the binding's own. */
function targets(el: Element, args: Args): Element[] {
  return args.to === undefined ? [el] : Array.from(document.querySelectorAll(text(args.to, "to")));
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/** A command that does `act` to each of its targets. */
function each(act: (target: Element, args: Args) => void): Command {
  return (el, args) => {
    for (const target of targets(el, args)) act(target, args);
  };
}

function classes(target: Element, args: Args, value: string | null): void {
  for (const name of text(args.names, "names").split(/\s+/)) if (name) set(target, "class", name, value);
}

const COMMANDS: Record<string, Command> = {
  show: each(show),
  hide: each(hide),
  toggle: each((target, args) => (hidden(target) ? show(target, args) : hide(target))),
  add_class: each((target, args) => classes(target, args, "")),
  remove_class: each((target, args) => classes(target, args, null)),
  set_attr: each((target, args) => set(target, "attr", text(args.name, "name"), String(args.value ?? ""))),
  remove_attr: each((target, args) => set(target, "attr", text(args.name, "name"), null)),
  focus: (el, args) => (targets(el, args)[0] as HTMLElement | undefined)?.focus?.(),
  dispatch: each((target, args) =>
    target.dispatchEvent(
      new CustomEvent(text(args.event, "event"), { bubbles: args.bubbles !== false, cancelable: true, detail: args.detail }),
    ),
  ),
  push: (el, args, push) => {
    const value = args.value ?? {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("value must be an object");
    const target = targets(el, args)[0];
    if (target) push(text(args.event, "event"), value as Payload, target);
  },
};

/** Whether a binding's value is a command list rather than an event name. */
export function isCommandList(value: string): boolean {
  return value.trimStart().startsWith("[");
}

/**
 * Run the binding value `value` of `el` as commands. Returns false, doing
 * nothing, when it is not a command list (then it is an event name).
 *
 * A list that is not valid JSON runs nothing; an unknown command or one
 * with bad arguments is skipped; each of these logs one warning.
 */
export function runBinding(el: Element, value: string, push: CommandPush): boolean {
  if (!isCommandList(value)) return false;
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    console.warn(`livecomp: not a JSON list of commands: ${value}`, el);
    return true;
  }
  for (const item of list as unknown[]) {
    const [name, args = {}] = Array.isArray(item) ? (item as unknown[]) : [];
    const command = typeof name === "string" && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command || typeof args !== "object" || args === null || Array.isArray(args)) {
      console.warn(`livecomp: not a known command: ${JSON.stringify(item)}`, el);
      continue;
    }
    try {
      command(el, args as Args, push);
    } catch (error) {
      console.warn(`livecomp: command ${name} failed: ${error}`, el);
    }
  }
  return true;
}
