/**
 * Key events: the `live-key` filter and what a key event sends.
 *
 * The key idea: `live-key` names one `KeyboardEvent.key` value, compared
 * case-insensitively, so `live-key="a"` fires for "a" and "A". A filter
 * naming no key a keyboard produces (more than one character and not a named
 * key of the UI Events list below: "Esc", "Space", "Up") could never fire, a
 * typo nobody would notice: it is reported once per element, and the element
 * keeps its filter while the rest of the page works on.
 */

import { liveValues, warnOnce } from "./events";
import { KEY_FILTER } from "./names";
import type { EventValue } from "./protocol";

/**
 * Named `KeyboardEvent.key` values (UI Events), lowercase; the families
 * FAMILIES matches (F1-F24, Soft1-4, media, audio, browser, launch, IME
 * groups...) are left out to keep the bundle small.
 */
const NAMED = new Set(
  (
    "unidentified alt altgraph capslock control fn fnlock hyper meta numlock scrolllock shift super " +
    "symbol symbollock enter tab arrowdown arrowleft arrowright arrowup end home pagedown pageup " +
    "backspace clear copy crsel cut delete eraseeof exsel insert paste redo undo accept again attn " +
    "cancel contextmenu escape execute find finish help pause play props select eject logoff power " +
    "poweroff printscreen hibernate standby wakeup allcandidates alphanumeric codeinput compose " +
    "convert dead finalmode modechange nextcandidate nonconvert previouscandidate process " +
    "singlecandidate hangulmode hanjamode junjamode eisu hankaku hiragana hiraganakatakana kanamode " +
    "kanjimode katakana romaji zenkaku zenkakuhankaku close new open print save spellcheck " +
    "microphonetoggle"
  ).split(" "),
);
const FAMILIES = /^(f([1-9]|1\d|2[0-4])|soft[1-4]|(media|audio|browser|launch|mail|channel|brightness|zoom|group)[a-z\d]+)$/i;

/** A `KeyboardEvent.key` value some keyboard can produce. */
export function isKeyName(name: string): boolean {
  return [...name].length === 1 || NAMED.has(name.toLowerCase()) || FAMILIES.test(name);
}

/** The event is a key press passing `el`'s `live-key` filter (or `el` has none). */
export function keyMatches(el: Element, event: KeyboardEvent): boolean {
  // Autofill dispatches keydown and keyup with no key: no key was pressed.
  if (typeof event.key !== "string") return false;
  const filter = el.getAttribute(KEY_FILTER);
  if (filter === null) return true;
  if (!isKeyName(filter)) warnOnce(el, KEY_FILTER, "names no key (KeyboardEvent.key), so it never fires");
  return filter.toLowerCase() === event.key.toLowerCase();
}

/**
 * A key event's payload: `el`'s `live-value-*` attributes, then the key
 * (`key`, `code`) and the modifiers (`alt`, `ctrl`, `meta`, `shift`,
 * `repeat`, booleans), which a `live-value-*` cannot override.
 */
export function keyValue(el: Element, event: KeyboardEvent): EventValue {
  const value = {
    ...liveValues(el),
    key: event.key,
    code: event.code,
    alt: event.altKey,
    ctrl: event.ctrlKey,
    meta: event.metaKey,
    shift: event.shiftKey,
    repeat: event.repeat,
  };
  // The wire carries any JSON (docs/protocol.md); EventValue types the
  // strings the other bindings send, and the modifiers are booleans.
  return value as unknown as EventValue;
}
