/* livecomp-client: built from livecomp/js/src by `npm run build`; do not edit. */

// src/commands.ts
var settings = /* @__PURE__ */ new WeakMap();
function styleOf(el) {
  return "style" in el && el.style instanceof CSSStyleDeclaration ? el.style : null;
}
function read(kind, name, el) {
  if (kind === "attr") return el.getAttribute(name);
  if (kind === "class") return el.classList.contains(name) ? "" : null;
  return styleOf(el)?.getPropertyValue(name) || null;
}
function write(kind, name, el, value) {
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
function attributeOf(setting) {
  return setting.kind === "attr" ? setting.name : setting.kind;
}
function set(el, kind, name, value) {
  let held2 = settings.get(el);
  if (!held2) settings.set(el, held2 = /* @__PURE__ */ new Map());
  const key = `${kind} ${name}`;
  const setting = held2.get(key) ?? { kind, name, base: read(kind, name, el), mine: value };
  setting.mine = value;
  write(kind, name, el, value);
  if (setting.mine === setting.base) held2.delete(key);
  else held2.set(key, setting);
}
function reconcile(el, server, only) {
  const held2 = settings.get(el);
  if (!held2) return;
  for (const [key, setting] of held2) {
    if (!only(setting)) continue;
    if (read(setting.kind, setting.name, server) !== setting.base) held2.delete(key);
    else write(setting.kind, setting.name, server, setting.mine);
  }
}
function afterAttributes(el, names) {
  reconcile(el, el, (setting) => names.includes(attributeOf(setting)));
}
function beforeMorph(from, to) {
  reconcile(from, to, () => true);
}
function hidden(el) {
  return getComputedStyle(el).display === "none";
}
function show(el, args) {
  const display = typeof args.display === "string" ? args.display : null;
  set(el, "style", "display", display);
  if (display === null && hidden(el)) set(el, "style", "display", "block");
}
function hide(el) {
  set(el, "style", "display", "none");
}
function targets(el, args) {
  return args.to === void 0 ? [el] : Array.from(document.querySelectorAll(text(args.to, "to")));
}
function text(value, what) {
  if (typeof value !== "string" || value === "") throw new TypeError(`${what} must be a non-empty string`);
  return value;
}
function each(act) {
  return (el, args) => {
    for (const target of targets(el, args)) act(target, args);
  };
}
function classes(target, args, value) {
  for (const name of text(args.names, "names").split(/\s+/)) if (name) set(target, "class", name, value);
}
var COMMANDS = {
  show: each(show),
  hide: each(hide),
  toggle: each((target, args) => hidden(target) ? show(target, args) : hide(target)),
  add_class: each((target, args) => classes(target, args, "")),
  remove_class: each((target, args) => classes(target, args, null)),
  set_attr: each((target, args) => set(target, "attr", text(args.name, "name"), String(args.value ?? ""))),
  remove_attr: each((target, args) => set(target, "attr", text(args.name, "name"), null)),
  focus: (el, args) => targets(el, args)[0]?.focus?.(),
  dispatch: each(
    (target, args) => target.dispatchEvent(
      new CustomEvent(text(args.event, "event"), { bubbles: args.bubbles !== false, cancelable: true, detail: args.detail })
    )
  ),
  push: (el, args, push2) => {
    const value = args.value ?? {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("value must be an object");
    const target = targets(el, args)[0];
    if (target) push2(text(args.event, "event"), value, target);
  }
};
function isCommandList(value) {
  return value.trimStart().startsWith("[");
}
function runBinding(el, value, push2) {
  if (!isCommandList(value)) return false;
  let list;
  try {
    list = JSON.parse(value);
  } catch {
    console.warn(`livecomp: not a JSON list of commands: ${value}`, el);
    return true;
  }
  for (const item of list) {
    const [name, args = {}] = Array.isArray(item) ? item : [];
    const command = typeof name === "string" && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : void 0;
    if (!command || typeof args !== "object" || args === null || Array.isArray(args)) {
      console.warn(`livecomp: not a known command: ${JSON.stringify(item)}`, el);
      continue;
    }
    try {
      command(el, args, push2);
    } catch (error) {
      console.warn(`livecomp: command ${name} failed: ${error}`, el);
    }
  }
  return true;
}

// src/names.ts
var CID = "live-cid";
var PAGE = "live-page";
var TOKEN = "live-token";
var SOCKET = "live-socket";
var HEARTBEAT = "live-heartbeat";
var EMBEDDED = "live-embedded";
var DEFAULT_HEARTBEAT_MS = 3e4;
var LIST_KEY = "live-id";
var VALUE_PREFIX = "live-value-";
var DISABLE_WITH = "live-disable-with";
var BINDINGS = {
  click: "live-click",
  "capture-click": "live-capture-click",
  contextmenu: "live-contextmenu",
  mousedown: "live-mousedown",
  mouseup: "live-mouseup",
  focus: "live-focus",
  blur: "live-blur",
  "window-focus": "live-window-focus",
  "window-blur": "live-window-blur",
  keydown: "live-keydown",
  keyup: "live-keyup",
  "window-keydown": "live-window-keydown",
  "window-keyup": "live-window-keyup",
  change: "live-change",
  submit: "live-submit"
};
var KEY_FILTER = "live-key";
var DEBOUNCE = "live-debounce";
var THROTTLE = "live-throttle";
var FEEDBACK_FOR = "live-feedback-for";
var NO_FEEDBACK_CLASS = "live-no-feedback";
var AUTO_RECOVER = "live-auto-recover";
var TRIGGER_ACTION = "live-trigger-action";
var STREAM_UPDATE = "stream";
var UPDATE = "live-update";
var KEPT_UPDATES = ["ignore", "append", "prepend", "stream"];
var HOOK = "live-hook";
var PATCH = "live-patch";
var JOINED_EVENT = "live:joined";
var ERROR_EVENT = "live:error";
var LOADING_SUFFIX = "-loading";
var STATE_CLASSES = {
  connected: "live-connected",
  disconnected: "live-disconnected",
  error: "live-error"
};
var KEY_ATTRS = ["live-cid", "live-id", "id"];
var OPAQUE_ELEMENTS = ["noscript", "template"];
var CloseCode = {
  TOKEN_INVALID: 4001,
  JOIN_EXPECTED: 4002,
  ORIGIN_FORBIDDEN: 4003,
  UNAUTHORIZED: 4004,
  REDIRECTED: 4005,
  SLOW_CLIENT: 4008,
  IDLE_TIMEOUT: 4009,
  SERVER_ERROR: 1011,
  MESSAGE_TOO_BIG: 1009
};
var EVENT_ERRORS = ["invalid_payload", "rate_limited", "invalid_params"];

// src/events.ts
var loading = /* @__PURE__ */ new WeakMap();
function markLoading(el, className) {
  let state = loading.get(el);
  if (!state || state.counts.size === 0) {
    state = { counts: /* @__PURE__ */ new Map(), hadClass: el.hasAttribute("class") };
    loading.set(el, state);
  }
  const { counts } = state;
  counts.set(className, (counts.get(className) ?? 0) + 1);
  el.classList.add(className);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (counts.get(className) ?? 1) - 1;
    if (left > 0) {
      counts.set(className, left);
      return;
    }
    counts.delete(className);
    el.classList.remove(className);
    if (counts.size === 0 && !state.hadClass && el.getAttribute("class") === "") el.removeAttribute("class");
  };
}
function loadingClass(binding) {
  return binding + LOADING_SUFFIX;
}
function componentOf(el) {
  return el.closest(`[${CID}]`)?.getAttribute(CID) ?? null;
}
function liveValues(el) {
  const value = {};
  for (const attr of el.attributes) {
    if (attr.name.startsWith(VALUE_PREFIX)) value[attr.name.slice(VALUE_PREFIX.length)] = attr.value;
  }
  return value;
}
function elementOf(target) {
  if (target instanceof Element) return target;
  return target instanceof Node ? target.parentElement : null;
}
var warned = /* @__PURE__ */ new WeakMap();
function warnOnce(el, attr, why) {
  const value = `${attr}=${JSON.stringify(el.getAttribute(attr))}`;
  let seen = warned.get(el);
  if (!seen) warned.set(el, seen = /* @__PURE__ */ new Set());
  if (seen.has(value)) return;
  seen.add(value);
  console.warn(`livecomp: ${value} on <${el.localName}> ${why}`, el);
}
function push(socket, el, binding, value, sources, event = el.getAttribute(binding) ?? "", settled) {
  let sent = false;
  const commands = runBinding(el, event, (name, extra, target) => {
    if (send(socket, el, target, binding, name, { ...value, ...extra }, sources, settled)) sent = true;
  });
  if (commands) return sent;
  return send(socket, el, el, binding, event, value, sources, settled);
}
function send(socket, el, target, binding, event, value, sources, settled) {
  const cid = componentOf(target);
  if (cid === null) return false;
  const done = markLoading(el, loadingClass(binding));
  const answered = () => {
    done();
    settled?.();
  };
  if (socket.push(target, cid, event, value, sources, answered)) return true;
  done();
  return false;
}

// src/keys.ts
var NAMED = new Set(
  "unidentified alt altgraph capslock control fn fnlock hyper meta numlock scrolllock shift super symbol symbollock enter tab arrowdown arrowleft arrowright arrowup end home pagedown pageup backspace clear copy crsel cut delete eraseeof exsel insert paste redo undo accept again attn cancel contextmenu escape execute find finish help pause play props select eject logoff power poweroff printscreen hibernate standby wakeup allcandidates alphanumeric codeinput compose convert dead finalmode modechange nextcandidate nonconvert previouscandidate process singlecandidate hangulmode hanjamode junjamode eisu hankaku hiragana hiraganakatakana kanamode kanjimode katakana romaji zenkaku zenkakuhankaku close new open print save spellcheck microphonetoggle".split(" ")
);
var FAMILIES = /^(f([1-9]|1\d|2[0-4])|soft[1-4]|(media|audio|browser|launch|mail|channel|brightness|zoom|group)[a-z\d]+)$/i;
function isKeyName(name) {
  return [...name].length === 1 || NAMED.has(name.toLowerCase()) || FAMILIES.test(name);
}
function keyMatches(el, event) {
  if (typeof event.key !== "string") return false;
  const filter = el.getAttribute(KEY_FILTER);
  if (filter === null) return true;
  if (!isKeyName(filter)) warnOnce(el, KEY_FILTER, "names no key (KeyboardEvent.key), so it never fires");
  return filter.toLowerCase() === event.key.toLowerCase();
}
function keyValue(el, event) {
  const value = {
    ...liveValues(el),
    key: event.key,
    code: event.code,
    alt: event.altKey,
    ctrl: event.ctrlKey,
    meta: event.metaKey,
    shift: event.shiftKey,
    repeat: event.repeat
  };
  return value;
}

// src/ratelimit.ts
var gates = /* @__PURE__ */ new WeakMap();
var held = 0;
function period(el, attr) {
  const raw = el.getAttribute(attr);
  if (raw === null) return null;
  const text2 = raw.trim();
  if (attr === DEBOUNCE && text2 === "blur") return text2;
  if (/^\d+$/.test(text2)) return Number(text2) || null;
  warnOnce(el, attr, `is not a number of milliseconds${attr === DEBOUNCE ? ' nor "blur"' : ""}; sending without a limit`);
  return null;
}
function gateOf(el, binding) {
  let byBinding = gates.get(el);
  if (!byBinding) gates.set(el, byBinding = /* @__PURE__ */ new Map());
  let gate = byBinding.get(binding);
  if (!gate) byBinding.set(binding, gate = { pending: void 0, order: 0, timer: void 0, until: 0 });
  return gate;
}
function hold(gate, send2) {
  gate.pending = send2;
  gate.order = ++held;
}
function release(gate) {
  clearTimeout(gate.timer);
  gate.timer = void 0;
  const send2 = gate.pending;
  gate.pending = void 0;
  send2?.();
}
function limit(el, binding, send2) {
  const debounce = period(el, DEBOUNCE);
  const throttle = debounce === null ? period(el, THROTTLE) : null;
  if (debounce === null && throttle === null) {
    send2();
    return;
  }
  const gate = gateOf(el, binding);
  if (debounce !== null) {
    clearTimeout(gate.timer);
    hold(gate, send2);
    if (debounce !== "blur") gate.timer = setTimeout(() => release(gate), debounce);
    else if (el !== document.activeElement) release(gate);
    return;
  }
  const ms = throttle;
  const now = performance.now();
  if (gate.timer === void 0 && now >= gate.until) {
    gate.until = now + ms;
    send2();
    return;
  }
  hold(gate, send2);
  gate.timer ??= setTimeout(() => {
    gate.until = performance.now() + ms;
    release(gate);
  }, gate.until - now);
}
function flushPending(els) {
  const waiting = [];
  for (const el of els) {
    for (const gate of gates.get(el)?.values() ?? []) if (gate.pending) waiting.push(gate);
  }
  waiting.sort((a, b) => a.order - b.order);
  for (const gate of waiting) release(gate);
}
function installRateLimits() {
  document.addEventListener(
    "blur",
    (event) => {
      if (event.target instanceof Element) flushPending([event.target]);
    },
    true
  );
}

// src/bindings.ts
var POINTER = [
  ["click", BINDINGS["capture-click"], true],
  ["click", BINDINGS.click, false],
  ["contextmenu", BINDINGS.contextmenu, false],
  ["mousedown", BINDINGS.mousedown, false],
  ["mouseup", BINDINGS.mouseup, false]
];
var FOCUS = [
  ["focus", BINDINGS.focus, BINDINGS["window-focus"]],
  ["blur", BINDINGS.blur, BINDINGS["window-blur"]]
];
var KEYS = [
  ["keydown", BINDINGS.keydown, BINDINGS["window-keydown"]],
  ["keyup", BINDINGS.keyup, BINDINGS["window-keyup"]]
];
function installBindings(socket) {
  installRateLimits();
  const fire = (el, binding, value, sources = []) => {
    limit(el, binding, () => push(socket, el, binding, value, sources));
  };
  const bound = (target, binding) => {
    const el = elementOf(target)?.closest(`[${binding}]`);
    return el && componentOf(el) !== null ? el : null;
  };
  const declaring = (binding) => socket.container.querySelectorAll(`[${binding}]`);
  for (const [type, binding, capture] of POINTER) {
    document.addEventListener(
      type,
      (event) => {
        const el = bound(event.target, binding);
        if (!el) return;
        if (type === "contextmenu" || type === "click" && el instanceof HTMLAnchorElement) event.preventDefault();
        fire(el, binding, liveValues(el), [el]);
      },
      capture
    );
  }
  for (const [type, binding, windowBinding] of FOCUS) {
    document.addEventListener(
      type,
      (event) => {
        const el = event.target;
        if (el instanceof Element && el.hasAttribute(binding) && componentOf(el) !== null) {
          fire(el, binding, liveValues(el));
        }
      },
      true
    );
    window.addEventListener(type, (event) => {
      if (event.target !== window) return;
      for (const el of declaring(windowBinding)) fire(el, windowBinding, liveValues(el));
    });
  }
  for (const [type, binding, windowBinding] of KEYS) {
    document.addEventListener(type, (event) => {
      const el = bound(event.target, binding);
      if (el && keyMatches(el, event)) fire(el, binding, keyValue(el, event));
    });
    window.addEventListener(type, (event) => {
      for (const el of declaring(windowBinding)) {
        if (keyMatches(el, event)) fire(el, windowBinding, keyValue(el, event));
      }
    });
  }
}

// src/inputs.ts
var owners = /* @__PURE__ */ new WeakMap();
var inflight = /* @__PURE__ */ new Set();
var lost = /* @__PURE__ */ new Set();
var deferred = /* @__PURE__ */ new Set();
var ATTRIBUTE_VALUED = /* @__PURE__ */ new Set(["hidden", "submit", "image", "reset", "button", "checkbox", "radio", "file"]);
function isControl(node) {
  return node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement;
}
function hasLiveValue(el) {
  return !(el instanceof HTMLInputElement && ATTRIBUTE_VALUED.has(el.type));
}
function sameGroup(a, b) {
  return a === b || a instanceof HTMLInputElement && b instanceof HTMLInputElement && a.type === "radio" && b.type === "radio" && a.name !== "" && a.name === b.name && a.form === b.form && a.getRootNode() === b.getRootNode();
}
function groupOf(el) {
  if (!(el instanceof HTMLInputElement && el.type === "radio" && el.name)) return [el];
  const scope = el.form ? el.form.elements : el.ownerDocument.getElementsByName(el.name);
  return Array.from(scope).filter((other) => sameGroup(el, other));
}
function noteTyped(el) {
  for (const member of groupOf(el)) {
    const owner = owners.get(member);
    if (owner) owner.typed = true;
    else owners.set(member, { ref: 0, typed: true });
  }
}
function installTyping() {
  document.addEventListener(
    "input",
    (event) => {
      if (isControl(event.target)) noteTyped(event.target);
    },
    true
  );
}
function noteSent(ref, els) {
  inflight.add(ref);
  for (const el of els) owners.set(el, { ref, typed: false });
}
function noteSettled(ref) {
  inflight.delete(ref);
}
function noteLost() {
  for (const ref of inflight) lost.add(ref);
  inflight.clear();
}
function userOwned(el, settled = false) {
  const owner = owners.get(el);
  if (!owner) return false;
  if (owner.typed || lost.has(owner.ref)) return true;
  if (!inflight.has(owner.ref)) return false;
  if (settled) return true;
  let oldest = owner.ref;
  for (const ref of inflight) oldest = Math.min(oldest, ref);
  return owner.ref > oldest;
}
function guarded(el, settled = false) {
  const active = document.activeElement;
  return active !== null && sameGroup(el, active) && userOwned(active, settled);
}
function updateControl(el, apply) {
  if (guarded(el)) {
    deferred.add(el);
    return;
  }
  deferred.delete(el);
  keepFocus(apply);
}
function keepFocus(apply) {
  const active = document.activeElement;
  const text2 = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null;
  const start = text2 ? text2.selectionStart : null;
  const end = text2 ? text2.selectionEnd : null;
  const direction = text2 ? text2.selectionDirection : null;
  const result = apply();
  if (active instanceof HTMLElement && active !== document.activeElement && active.isConnected) {
    active.focus({ preventScroll: true });
  }
  if (text2 && text2 === document.activeElement && start !== null && end !== null) {
    if (text2.selectionStart !== start || text2.selectionEnd !== end) {
      text2.setSelectionRange(start, end, direction ?? void 0);
    }
  }
  return result;
}
function defer(el) {
  deferred.add(el);
}
function flushDeferred() {
  for (const el of deferred) {
    if (!el.isConnected) deferred.delete(el);
    else if (!guarded(el, true)) {
      deferred.delete(el);
      keepFocus(() => syncFromMarkup(el));
    }
  }
}
function syncFromMarkup(el) {
  if (el instanceof HTMLSelectElement) {
    const value = el.getAttribute("value");
    if (value !== null) el.value = value;
    else for (const option of el.options) option.selected = option.defaultSelected;
    if (!el.multiple && el.size <= 1 && el.selectedIndex < 0) {
      const first = Array.from(el.options).find((option) => !option.disabled);
      if (first) first.selected = true;
    }
  } else if (el instanceof HTMLTextAreaElement) {
    el.value = el.defaultValue;
  } else if (el.type === "checkbox" || el.type === "radio") {
    el.checked = el.defaultChecked;
  } else if (hasLiveValue(el)) {
    el.value = el.defaultValue;
  }
}

// src/feedback.ts
var touched = /* @__PURE__ */ new WeakMap();
function touchedIn(scope) {
  let state = touched.get(scope);
  if (!state) touched.set(scope, state = { names: /* @__PURE__ */ new Set(), all: false });
  return state;
}
function showEarned(root) {
  for (const el of root.querySelectorAll(`[${FEEDBACK_FOR}]`)) {
    const state = touched.get(el.closest("form") ?? el.ownerDocument);
    const show2 = state !== void 0 && (state.all || state.names.has(el.getAttribute(FEEDBACK_FOR) ?? ""));
    if (el.classList.contains(NO_FEEDBACK_CLASS) !== show2) continue;
    el.classList.toggle(NO_FEEDBACK_CLASS, !show2);
    if (el.getAttribute("class") === "") el.removeAttribute("class");
  }
}
function installFeedback(container) {
  const style = document.createElement("style");
  style.textContent = `[${FEEDBACK_FOR}].${NO_FEEDBACK_CLASS}{display:none}`;
  document.head.append(style);
  const touch = (event) => {
    const field = event.target;
    if (!isControl(field) || !field.name) return;
    touchedIn(field.form ?? field.ownerDocument).names.add(field.name);
    showEarned(container);
  };
  document.addEventListener("input", touch, true);
  document.addEventListener("blur", touch, true);
  document.addEventListener(
    "submit",
    (event) => {
      if (event.target instanceof HTMLFormElement) touchedIn(event.target).all = true;
      showEarned(container);
    },
    true
  );
  document.addEventListener(
    "reset",
    (event) => {
      if (event.target instanceof Node) touched.delete(event.target);
      showEarned(container);
    },
    true
  );
  new MutationObserver(() => showEarned(container)).observe(container, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["class", FEEDBACK_FOR]
  });
  showEarned(container);
}

// src/forms.ts
function serializeForm(form, submitter = null) {
  let data;
  try {
    data = new FormData(form, submitter);
  } catch {
    data = new FormData(form);
  }
  const lists = /* @__PURE__ */ new Set();
  for (const el of form.elements) {
    if (el instanceof HTMLSelectElement && el.multiple && el.name) lists.add(el.name);
  }
  const value = {};
  for (const [name, entry] of data) {
    const text2 = typeof entry === "string" ? entry : entry.name;
    const seen = value[name];
    if (seen === void 0) value[name] = lists.has(name) ? [text2] : text2;
    else if (Array.isArray(seen)) seen.push(text2);
    else value[name] = [seen, text2];
  }
  return value;
}
function disableWith(form) {
  const restores = [];
  for (const el of form.elements) {
    const text2 = el.getAttribute(DISABLE_WITH);
    if (text2 === null || !(el instanceof HTMLButtonElement || el instanceof HTMLInputElement)) continue;
    const wasDisabled = el.disabled;
    if (el instanceof HTMLInputElement) {
      const label = el.value;
      el.value = text2;
      restores.push(() => {
        if (el.value === text2) el.value = label;
      });
    } else {
      const label = Array.from(el.childNodes);
      const busy = document.createTextNode(text2);
      el.replaceChildren(busy);
      restores.push(() => {
        if (el.firstChild === busy && el.childNodes.length === 1 && busy.data === text2) el.replaceChildren(...label);
      });
    }
    el.disabled = true;
    restores.push(() => {
      el.disabled = wasDisabled;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}
function pushForm(socket, form, binding, value, event = form.getAttribute(binding) ?? "", settled) {
  let restore = () => {
  };
  const answered = () => {
    restore();
    settled?.();
  };
  if (!push(socket, form, binding, value, form.elements, event, answered)) return false;
  if (binding === BINDINGS.submit) restore = disableWith(form);
  return true;
}
function triggerAction(socket, form, event) {
  let refused = false;
  const onError = (error) => {
    if (error.detail?.event === event) refused = true;
  };
  document.addEventListener(ERROR_EVENT, onError);
  return () => queueMicrotask(() => {
    document.removeEventListener(ERROR_EVENT, onError);
    if (!refused && socket.state === "connected" && form.isConnected && form.hasAttribute(TRIGGER_ACTION)) {
      HTMLFormElement.prototype.submit.call(form);
    }
  });
}
function recoveryEvent(form) {
  if (!form.id) return null;
  const event = form.getAttribute(AUTO_RECOVER) || form.getAttribute(BINDINGS.change);
  return event && event !== "ignore" ? event : null;
}
function installRecovery(socket) {
  const heldAtDrop = /* @__PURE__ */ new WeakMap();
  const hold2 = (form) => {
    if (socket.state !== "connected" && recoveryEvent(form)) heldAtDrop.set(form, serializeForm(form));
  };
  const forms = () => Array.from(socket.container.querySelectorAll("form[id]")).filter((el) => el instanceof HTMLFormElement);
  new MutationObserver(() => forms().forEach(hold2)).observe(document.body, {
    attributes: true,
    attributeFilter: ["class"]
  });
  document.addEventListener("input", (event) => {
    const target = event.target;
    if (isControl(target) && target.form) hold2(target.form);
  });
  document.addEventListener(JOINED_EVENT, (event) => {
    if (event.detail?.rejoin !== true) return;
    for (const form of forms()) {
      const name = recoveryEvent(form);
      const value = heldAtDrop.get(form) ?? serializeForm(form);
      heldAtDrop.delete(form);
      if (name) pushForm(socket, form, BINDINGS.change, value, name);
    }
  });
}
function installForms(socket) {
  installFeedback(socket.container);
  document.addEventListener("input", (event) => {
    const target = event.target;
    const form = isControl(target) ? target.form : target instanceof Element ? target.closest("form") : null;
    if (!form?.hasAttribute(BINDINGS.change) || componentOf(form) === null) return;
    limit(
      isControl(target) ? target : form,
      BINDINGS.change,
      () => pushForm(socket, form, BINDINGS.change, serializeForm(form))
    );
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute(BINDINGS.submit)) return;
    event.preventDefault();
    flushPending(form.elements);
    const name = form.getAttribute(BINDINGS.submit) ?? "";
    const value = serializeForm(form, event.submitter);
    let settled = () => {
    };
    if (pushForm(socket, form, BINDINGS.submit, value, name, () => settled())) {
      settled = triggerAction(socket, form, name);
    }
  });
  installRecovery(socket);
}

// src/navigation.ts
function currentUrl() {
  return location.pathname + location.search;
}
function pushUrl(url, replace) {
  try {
    history[replace ? "replaceState" : "pushState"](null, "", url);
  } catch (error) {
    console.error("livecomp:", error);
  }
}
function assignUrl(url) {
  const target = new URL(url, location.href);
  if (/^https?:$/.test(target.protocol)) location.assign(target);
  else console.error(`livecomp: not loading ${url}`);
}
function installNavigation(socket) {
  if (socket.embedded) return;
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = elementOf(event.target)?.closest(`a[${PATCH}]`);
    if (!(link instanceof HTMLAnchorElement) || !socket.container.contains(link) || !socket.isJoined) return;
    if (link.target && link.target !== "_self" || link.origin !== location.origin) return;
    event.preventDefault();
    pushUrl(link.href, false);
    socket.moved(currentUrl(), true);
  });
  window.addEventListener("popstate", () => socket.moved(currentUrl()));
}

// src/hooks.ts
var HookInstance = class {
  constructor(name, el, self) {
    this.name = name;
    this.el = el;
    this.self = self;
  }
  name;
  el;
  self;
  alive = true;
  handlers = /* @__PURE__ */ new Map();
};
var HOOKED = `[${HOOK}]`;
function hookedIn(root) {
  const found = Array.from(root.querySelectorAll(HOOKED));
  if (root.hasAttribute(HOOK)) found.unshift(root);
  return found;
}
var HookRegistry = class {
  #byElement = /* @__PURE__ */ new WeakMap();
  #alive = /* @__PURE__ */ new Set();
  #hooks;
  #push;
  constructor(hooks, push2) {
    this.#hooks = hooks;
    this.#push = push2;
  }
  /** Whether any hook is mounted (a page without hooks skips all the work). */
  get any() {
    return this.#alive.size > 0;
  }
  /** The live hook instance of `el`, if it has one. */
  of(el) {
    return this.#byElement.get(el);
  }
  /** Every live instance right now. */
  instances() {
    return new Set(this.#alive);
  }
  /** Mount the hook `el` names, unless it has one already. */
  mount(el) {
    const name = el.getAttribute(HOOK);
    if (name === null || this.#byElement.has(el)) return;
    const definition = Object.hasOwn(this.#hooks, name) ? this.#hooks[name] : void 0;
    if (!definition) {
      warnOnce(el, HOOK, "names no hook of window.Hooks (or of startLive's hooks)");
      return;
    }
    const push2 = this.#push;
    const self = Object.create(definition);
    const instance = new HookInstance(name, el, self);
    Object.assign(self, {
      // Typed for the common case; an SVG or MathML element works the same.
      el,
      pushEvent: (event, payload = {}) => push2(el, event, payload),
      pushEventTo: (selector, event, payload = {}) => {
        const target = document.querySelector(selector);
        if (target) return push2(target, event, payload);
        return Promise.reject(new Error(`livecomp: pushEventTo: nothing matches ${JSON.stringify(selector)}`));
      },
      handleEvent: (event, callback) => {
        let callbacks = instance.handlers.get(event);
        if (!callbacks) instance.handlers.set(event, callbacks = /* @__PURE__ */ new Set());
        const handler = (data) => callback.call(self, data);
        callbacks.add(handler);
        return () => callbacks.delete(handler);
      }
    });
    this.#byElement.set(el, instance);
    this.#alive.add(instance);
    this.call(instance, "mounted");
  }
  /** Mount every hook under `root` (itself included) not mounted yet. */
  mountAll(root) {
    for (const el of hookedIn(root)) this.mount(el);
  }
  /** Run one callback of an instance; a hook that throws breaks nothing else. */
  call(instance, callback, arg) {
    const fn = instance.self[callback];
    if (typeof fn !== "function") return;
    try {
      fn.call(instance.self, arg);
    } catch (error) {
      console.error(`livecomp: hook ${instance.name}.${callback} failed`, error);
    }
  }
  /** The element is gone: `destroyed`, and forget the instance. */
  destroy(instance) {
    if (!instance.alive) return;
    instance.alive = false;
    this.#alive.delete(instance);
    if (this.#byElement.get(instance.el) === instance) this.#byElement.delete(instance.el);
    this.call(instance, "destroyed");
    instance.handlers.clear();
  }
  /** Run `callback` with `arg` on every live instance (of `only`, when given). */
  each(callback, only, arg) {
    for (const instance of this.#sweep()) {
      if (!only || only.has(instance)) this.call(instance, callback, arg);
    }
  }
  /** Hand a server push to every `handleEvent` callback for `event`, in mount order. */
  dispatch(event, data) {
    for (const instance of this.#sweep()) {
      for (const handler of [...instance.handlers.get(event) ?? []]) {
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
  #sweep() {
    const live = [];
    for (const instance of [...this.#alive]) {
      if (instance.el.isConnected) live.push(instance);
      else this.destroy(instance);
    }
    return live;
  }
};

// src/dompatch.ts
var DOMPatch = class {
  /** Elements whose subtree changed, with all their ancestors. */
  #changed = /* @__PURE__ */ new Set();
  /** Hooks told `beforeUpdate`, in order. */
  #updating = [];
  /** Hooks told `beforeDestroy`. */
  #leaving = /* @__PURE__ */ new Set();
  /** Removed subtrees whose keyed parts a morph might have put back. */
  #undecided = [];
  /** Elements that entered the page, and whether their subtree is new too. */
  #entered = [];
  /** Elements whose `live-hook` may have changed. */
  #renamed = /* @__PURE__ */ new Set();
  #hooks;
  constructor(hooks) {
    this.#hooks = hooks;
  }
  changing(node) {
    if (!this.#hooks.any) return;
    for (let el = node instanceof Element ? node : node.parentElement; el && !this.#changed.has(el); el = el.parentElement) {
      this.#changed.add(el);
      const hook = this.#hooks.of(el);
      if (hook && !this.#leaving.has(hook)) {
        this.#hooks.call(hook, "beforeUpdate");
        this.#updating.push(hook);
      }
    }
  }
  removing(node, mayReturn) {
    if (!(node instanceof Element) || !this.#hooks.any) return;
    for (const el of hookedIn(node)) {
      const hook = this.#hooks.of(el);
      if (hook && !this.#leaving.has(hook) && !(mayReturn && under(el, node, mayReturn))) this.#leave(hook);
    }
    if (mayReturn) this.#undecided.push(node);
  }
  added(node, deep) {
    if (node instanceof Element) this.#entered.push([node, deep]);
  }
  attributes(el, names) {
    afterAttributes(el, names);
    if (names.includes(HOOK)) this.#renamed.add(el);
  }
  morphing(from, to) {
    beforeMorph(from, to);
    if (from.getAttribute(HOOK) !== to.getAttribute(HOOK)) this.#renamed.add(from);
  }
  /** The message is applied: destroyed, updated, then mounted. */
  finish() {
    const hooks = this.#hooks;
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
  #leave(hook) {
    this.#hooks.call(hook, "beforeDestroy");
    this.#leaving.add(hook);
  }
};
function under(el, root, test) {
  for (let at = el; at && at !== root; at = at.parentElement) if (test(at)) return true;
  return false;
}

// src/morph.ts
var HTML_NS = "http://www.w3.org/1999/xhtml";
function ignore() {
}
var NO_OBSERVER = {
  changing: ignore,
  removing: ignore,
  added: ignore,
  attributes: ignore,
  morphing: ignore
};
function parseIn(parent, html) {
  let fragment;
  if (parent instanceof Element) {
    const range = parent.ownerDocument.createRange();
    range.selectNodeContents(parent);
    fragment = range.createContextualFragment(html);
  } else {
    const template = document.createElement("template");
    template.innerHTML = html;
    fragment = template.content;
  }
  disarmScripts(fragment);
  return fragment;
}
function disarmScripts(fragment) {
  for (const script of fragment.querySelectorAll("script")) {
    if (script.namespaceURI !== HTML_NS) continue;
    const template = document.createElement("template");
    template.innerHTML = script.outerHTML;
    const copy = template.content.firstChild;
    if (copy) script.replaceWith(copy);
  }
}
function keyOf(node) {
  if (!(node instanceof Element)) return void 0;
  for (const name of KEY_ATTRS) {
    const value = node.getAttribute(name);
    if (value) return `${name} ${name === CID ? "" : node.localName} ${value}`;
  }
  return void 0;
}
var KEYED = KEY_ATTRS.map((name) => `[${name}]`).join(",");
function indexKeys(root, found) {
  for (const el of [root, ...root.querySelectorAll(KEYED)]) {
    const key = keyOf(el);
    if (key === void 0) continue;
    if (found.has(key)) return false;
    found.set(key, el);
  }
  return true;
}
function sameTree(a, b) {
  if (!a.isEqualNode(b)) return false;
  const inA = templatesIn(a);
  const inB = templatesIn(b);
  return inA.every((template, i) => {
    const other = inB[i];
    return other !== void 0 && sameTree(template.content, other.content);
  });
}
function templatesIn(node) {
  const found = node instanceof HTMLTemplateElement ? [node] : [];
  if (node instanceof Element || node instanceof DocumentFragment) {
    for (const el of node.querySelectorAll("template")) if (el instanceof HTMLTemplateElement) found.push(el);
  }
  return found;
}
function soleElement(fragment) {
  const only = fragment.firstElementChild;
  if (!only || fragment.childElementCount !== 1) return null;
  for (const node of fragment.childNodes) {
    if (node !== only && !(node.nodeType === Node.TEXT_NODE && /^[ \t\n\f\r]*$/.test(node.nodeValue ?? ""))) {
      return null;
    }
  }
  return only;
}
function syncAttributes(from, to) {
  for (const attr of Array.from(from.attributes)) {
    if (!to.hasAttributeNS(attr.namespaceURI, attr.localName)) from.removeAttributeNode(attr);
  }
  for (const attr of to.attributes) {
    if (from.getAttributeNS(attr.namespaceURI, attr.localName) !== attr.value) {
      from.setAttributeNS(attr.namespaceURI, attr.name, attr.value);
    }
  }
}
function holdState(control) {
  if (control instanceof HTMLSelectElement) {
    const selected = new Set(Array.from(control.selectedOptions, (option) => option.value));
    return () => {
      for (const option of control.options) option.selected = selected.has(option.value);
    };
  }
  const value = control.value;
  const checked = control instanceof HTMLInputElement && control.checked;
  return () => {
    if (hasLiveValue(control) && control.value !== value) control.value = value;
    if (control instanceof HTMLInputElement) control.checked = checked;
  };
}
function morph(from, to, keep, observer = NO_OBSERVER) {
  return keepFocus(() => {
    const owned = takeOwned([from], [to], keep, observer);
    const paired = /* @__PURE__ */ new Map();
    const result = morphTree(from, to, keep, observer, paired);
    restoreOwned(owned, (fresh, old) => paired.get(fresh) ?? (result.contains(fresh) ? fresh : old));
    return result;
  });
}
function sameKind(a, b) {
  return a instanceof Element && a.localName === b.localName && a.namespaceURI === b.namespaceURI;
}
function morphTree(from, to, keep, observer, paired) {
  const unmatched = /* @__PURE__ */ new Map();
  const keyFor = indexKeys(from, unmatched) && indexKeys(to, /* @__PURE__ */ new Map()) ? keyOf : () => void 0;
  const unplaced = [];
  const mayReturn = (el) => keyFor(el) !== void 0;
  const claim = (node, parent) => {
    const key = keyFor(node);
    const old = key === void 0 ? void 0 : unmatched.get(key);
    if (!old || old === from || !sameKind(old, node) || old.contains(parent)) return void 0;
    unmatched.delete(key);
    return old;
  };
  const compatible = (old, node) => node instanceof Element ? sameKind(old, node) && keyFor(old) === void 0 : old.nodeType === node.nodeType;
  const adopt = (el) => {
    for (const child of Array.from(el.children)) {
      const old = claim(child, el);
      if (old) {
        el.replaceChild(old, child);
        morphPair(old, child);
      } else {
        adopt(child);
      }
    }
  };
  const morphChildren = (fromEl, toEl) => {
    let placed = null;
    for (const node of Array.from(toEl.childNodes)) {
      const at = placed ? placed.nextSibling : fromEl.firstChild;
      let old = claim(node, fromEl);
      if (!old && keyFor(node) === void 0) {
        for (let candidate = at; candidate && !old; candidate = candidate.nextSibling) {
          if (compatible(candidate, node)) old = candidate;
        }
      }
      placed = old ?? node;
      if (placed !== at) fromEl.insertBefore(placed, at);
      if (!old) {
        if (node instanceof Element) adopt(node);
        observer.added(node, true);
      } else if (node instanceof Element) {
        morphPair(old, node);
      } else if (old.nodeValue !== node.nodeValue) {
        old.nodeValue = node.nodeValue;
      }
    }
    for (let rest = placed ? placed.nextSibling : fromEl.firstChild; rest; ) {
      const next = rest.nextSibling;
      if (rest instanceof Element && keyFor(rest) !== void 0) {
        unplaced.push(rest);
      } else {
        observer.removing(rest, mayReturn);
        rest.remove();
      }
      rest = next;
    }
  };
  const morphPair = (fromEl, toEl) => {
    paired.set(toEl, fromEl);
    observer.morphing(fromEl, toEl);
    if (sameTree(fromEl, toEl)) return;
    observer.changing(fromEl);
    const control = isControl(fromEl) ? fromEl : null;
    const restore = control && keep(control) ? holdState(control) : null;
    syncAttributes(fromEl, toEl);
    if (fromEl instanceof HTMLTemplateElement) {
      fromEl.content.replaceChildren(toEl.content);
    } else if (fromEl instanceof HTMLTextAreaElement) {
      if (fromEl.textContent !== toEl.textContent) fromEl.textContent = toEl.textContent;
    } else if (fromEl instanceof HTMLOptionElement) {
      if (fromEl.innerHTML !== toEl.innerHTML) fromEl.replaceChildren(...toEl.childNodes);
    } else {
      morphChildren(fromEl, toEl);
    }
    if (restore) restore();
    else if (control) syncFromMarkup(control);
  };
  let result = from;
  if (!sameKind(from, to)) {
    if (from.parentNode) observer.changing(from.parentNode);
    observer.removing(from, () => true);
    result = from.ownerDocument.createElementNS(to.namespaceURI, to.localName);
    result.append(...from.childNodes);
  }
  morphPair(result, to);
  for (const el of unplaced) {
    if (unmatched.get(keyFor(el)) !== el) continue;
    observer.removing(el);
    el.remove();
  }
  if (result !== from) {
    from.replaceWith(result);
    observer.added(result, false);
  }
  return result;
}
var KEPT = `[${UPDATE}]`;
function updateMode(el) {
  const mode = el.getAttribute(UPDATE);
  return mode !== null && KEPT_UPDATES.includes(mode) && keyOf(el) !== void 0 ? mode : null;
}
function keyed(roots, outermost) {
  const found = /* @__PURE__ */ new Map();
  const stack = roots.filter((root) => root instanceof Element).reverse();
  for (let el = stack.pop(); el; el = stack.pop()) {
    const mode = updateMode(el);
    const key = keyOf(el);
    if (key !== void 0 && (mode !== null || !outermost)) found.set(key, found.has(key) ? null : el);
    if (mode === null) for (let child = el.lastElementChild; child; child = child.previousElementSibling) stack.push(child);
  }
  return found;
}
function itemsOf(parent) {
  return Array.from(parent.children).filter((el) => keyOf(el) !== void 0);
}
function takeOwned(from, to, keep, observer) {
  const owned = [];
  if (!to.some((node) => node instanceof Element && (node.matches(KEPT) || node.querySelector(KEPT)))) return owned;
  const found = keyed(from, false);
  for (const [key, fresh] of keyed(to, true)) {
    const old = found.get(key);
    if (!fresh || !old || old.localName !== fresh.localName) continue;
    const mode = updateMode(fresh);
    if (mode !== "ignore") upsert(old, itemsOf(fresh), mode === "prepend", keep, observer);
    const children = old.ownerDocument.createDocumentFragment();
    children.append(...old.childNodes);
    fresh.replaceChildren();
    owned.push([fresh, old, children]);
  }
  return owned;
}
function restoreOwned(owned, home) {
  for (const [fresh, old, children] of owned) home(fresh, old).append(children);
}
function upsert(container, items, prepend, keep, observer) {
  const existing = /* @__PURE__ */ new Map();
  for (const child of Array.from(container.children)) {
    const key = keyOf(child);
    if (key === void 0) continue;
    const same = existing.get(key);
    if (same) same.push(child);
    else existing.set(key, [child]);
  }
  const seen = /* @__PURE__ */ new Map();
  const added = [];
  for (const item of items) {
    const key = keyOf(item) ?? "";
    const nth = (seen.get(key) ?? -1) + 1;
    seen.set(key, nth);
    const match = existing.get(key)?.[nth];
    if (match) morph(match, item, keep, observer);
    else added.push(item);
  }
  if (added.length === 0) return;
  observer.changing(container);
  const before = prepend ? container.firstChild : null;
  for (const item of added) container.insertBefore(item, before);
  for (const item of added) observer.added(item, true);
}
function stream(container, reset, deleted, inserts, limit2, keep, observer) {
  let missed = 0;
  const items = () => Array.from(container.children).filter((el) => el.getAttribute(LIST_KEY));
  const byKey = /* @__PURE__ */ new Map();
  const drop = (el) => {
    observer.changing(container);
    observer.removing(el);
    el.remove();
  };
  for (const el of items()) {
    if (reset) drop(el);
    else byKey.set(el.getAttribute(LIST_KEY), el);
  }
  for (const key of deleted) {
    const el = byKey.get(key);
    if (el) drop(el);
    else missed++;
    byKey.delete(key);
  }
  for (const [at, html] of inserts) {
    const [item] = itemsOf(parseIn(container, html));
    const key = item?.getAttribute(LIST_KEY);
    if (!item || !key) continue;
    const el = byKey.get(key);
    if (el) morph(el, item, keep, observer);
    else if (at === null) missed++;
    else {
      observer.changing(container);
      container.insertBefore(item, at ? null : container.firstChild);
      observer.added(item, true);
      byKey.set(key, item);
    }
  }
  if (limit2 !== null) {
    const all = items();
    for (const el of limit2 < 0 ? all.slice(0, Math.max(all.length + limit2, 0)) : all.slice(limit2)) drop(el);
  }
  return missed;
}

// src/patch.ts
var HTML_NS2 = "http://www.w3.org/1999/xhtml";
var MATHML_NS = "http://www.w3.org/1998/Math/MathML";
var streamMisses = { count: 0 };
var PatchMismatch = class extends Error {
  constructor(message) {
    super(message);
    this.name = "PatchMismatch";
  }
};
function describe(node) {
  if (!node) return "nothing";
  if (node.nodeType === Node.TEXT_NODE) return "#text";
  if (node.nodeType === Node.COMMENT_NODE) return "#comment";
  return node instanceof Element ? `<${node.localName}>` : node.nodeName;
}
function matches(node, check) {
  if (check === "#text") return node.nodeType === Node.TEXT_NODE;
  if (check === "#comment") return node.nodeType === Node.COMMENT_NODE;
  return node instanceof Element && node.localName.toLowerCase() === String(check).toLowerCase();
}
var Step = class {
  constructor(root, op, index, observer) {
    this.root = root;
    this.op = op;
    this.index = index;
    this.observer = observer;
  }
  root;
  op;
  index;
  observer;
  fail(problem) {
    throw new PatchMismatch(`op ${this.index} (${String(this.op[0])} at ${JSON.stringify(this.op[1])}): ${problem}`);
  }
  /** The node at `path`, which must match `check`. */
  node(path, check) {
    if (!Array.isArray(path)) this.fail("path is not a list");
    let node = this.root;
    for (const [depth, index] of path.entries()) {
      const child = node.childNodes[index];
      if (!child) this.fail(`no child ${index} at depth ${depth} under ${describe(node)}`);
      node = child;
    }
    this.expect(node, check);
    return node;
  }
  /** The element at `path`, whose tag must be `tag`. */
  element(path, tag) {
    const node = this.node(path, tag);
    if (!(node instanceof Element)) this.fail(`expected an element, found ${describe(node)}`);
    return node;
  }
  expect(node, check) {
    if (!node || !matches(node, check)) this.fail(`expected ${check}, found ${describe(node)}`);
  }
  /** A child index within `0..limit`. */
  position(value, limit2, what) {
    if (!Number.isInteger(value) || value < 0 || value > limit2) {
      this.fail(`${what} ${JSON.stringify(value)} is outside 0..${limit2}`);
    }
    return value;
  }
};
function applyPatches(root, ops, observer = NO_OBSERVER) {
  let current = root;
  ops.forEach((op, index) => {
    current = applyOp(new Step(current, op, index, observer));
  });
}
function applyOp(step) {
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
      const [, path, tag, set2, removed] = op;
      const el = step.element(path, tag);
      observer.changing(el);
      keepFocus(() => {
        for (const [name, value] of Object.entries(set2)) {
          setAttribute(step, el, name, value);
          syncProperty(el, name, value);
        }
        for (const name of removed) {
          el.removeAttribute(name);
          syncProperty(el, name, null);
        }
      });
      observer.attributes(el, [...Object.keys(set2), ...removed]);
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
      const child = parent.childNodes[from];
      step.expect(child, check);
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
        const replacement = soleElement(fragment);
        if (!replacement) {
          return step.fail(
            `the component root must become one element, not ${fragment.childElementCount} element(s) in ${fragment.childNodes.length} node(s)`
          );
        }
        return morph(step.root, replacement, holdGuarded, observer);
      }
      const only = fragment.firstChild;
      if (node instanceof Element && only instanceof Element && fragment.childNodes.length === 1 && only.localName.toLowerCase() === node.localName.toLowerCase() && // The diff replaces these whole (a template's content is not its
      // children, which the morph walks); nothing inside is worth keeping.
      !isOpaque(node.localName.toLowerCase())) {
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
      const [, path, tag, reset, deleted, inserts, limit2] = op;
      const container = step.element(path, tag);
      keepFocus(() => {
        streamMisses.count += stream(container, reset, deleted, inserts, limit2, holdGuarded, observer);
      });
      break;
    }
    default:
      step.fail(`unknown op ${JSON.stringify(op[0])}`);
  }
  return step.root;
}
function isOpaque(tag) {
  return OPAQUE_ELEMENTS.includes(tag);
}
function holdGuarded(control) {
  if (!guarded(control)) return false;
  defer(control);
  return true;
}
function moveChild(parent, child, before) {
  if ("moveBefore" in parent) {
    try {
      parent.moveBefore(child, before);
      return;
    } catch {
    }
  }
  parent.insertBefore(child, before);
}
function setAttribute(step, el, name, value) {
  const html = el.namespaceURI === HTML_NS2;
  if (html || !(name.includes(":") || name === "xmlns")) {
    try {
      el.setAttribute(name, value);
      return;
    } catch {
    }
  }
  const template = document.createElement("template");
  const tag = html ? "i" : el.namespaceURI === MATHML_NS ? "math" : "svg";
  template.innerHTML = `<${tag} ${name}></${tag}>`;
  const parsed = template.content.firstElementChild?.attributes[0];
  if (!parsed || parsed.name !== name) step.fail(`cannot set attribute ${JSON.stringify(name)}`);
  const attr = parsed.cloneNode();
  attr.value = value;
  el.setAttributeNode(attr);
}
function syncProperty(el, name, value) {
  if (name === "value" && isControl(el) && hasLiveValue(el)) {
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
    const apply = () => {
      el.selected = value !== null;
    };
    if (select) updateControl(select, apply);
    else apply();
  }
}
function syncTextarea(parent) {
  if (parent instanceof HTMLTextAreaElement) {
    updateControl(parent, () => syncFromMarkup(parent));
  }
}

// src/protocol.ts
function decodeFrame(data) {
  const parsed = JSON.parse(data);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const item of list) {
    if (typeof item !== "object" || item === null || typeof item.t !== "string") {
      throw new Error(`not a message object: ${JSON.stringify(item)}`);
    }
  }
  return list;
}

// src/socket.ts
var TITLE_EVENT = "livecomp:title";
var BACKOFF_BASE_MS = 250;
var BACKOFF_CAP_MS = 1e4;
var RELOAD_KEY = "livecomp:token-reload-at";
var RELOAD_INTERVAL_MS = 3e4;
var ANSWERS = EVENT_ERRORS;
var EventRefused = class extends Error {
  constructor(reply, message) {
    super(message);
    this.reply = reply;
    this.name = "EventRefused";
  }
  reply;
};
var LiveSocket = class {
  constructor(container, options = {}) {
    this.container = container;
    this.#options = options;
    this.hooks = new HookRegistry(options.hooks ?? {}, (el, event, payload) => this.pushFrom(el, event, payload));
    this.#show("disconnected");
  }
  container;
  state = "disconnected";
  /** The page's hooks, mounted once it has joined. */
  hooks;
  #ws = null;
  #joined = false;
  #everJoined = false;
  #attempts = 0;
  #retry;
  #nextRef = 1;
  #pending = /* @__PURE__ */ new Map();
  /** Components that asked for a resync: their patches wait for the render. */
  #resyncing = /* @__PURE__ */ new Set();
  #heartbeat;
  #awaitingPong = false;
  /** The close code of the last refused join, until a join succeeds. */
  #refusedWith = null;
  /** The URL the server last knew the page at. */
  #url = currentUrl();
  /** Set once the server sent the browser elsewhere: no reconnecting. */
  #leaving = false;
  #options;
  connect() {
    clearTimeout(this.#retry);
    if (this.#ws) return;
    const url = new URL(this.container.getAttribute(SOCKET) ?? "", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.hash = "";
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.state = "connecting";
    ws.onopen = () => {
      if (!this.embedded) this.#url = currentUrl();
      this.#send({
        t: "join",
        token: this.container.getAttribute(TOKEN) ?? "",
        url: this.embedded ? void 0 : this.#url,
        // After a disconnect the DOM may have moved on from the token's render.
        rejoin: this.#everJoined || void 0
      });
    };
    ws.onmessage = (event) => {
      if (ws === this.#ws && typeof event.data === "string") this.#receive(event.data);
    };
    ws.onclose = (event) => {
      if (ws === this.#ws) this.#closed(event.code);
    };
  }
  /**
   * Send an event raised by `el` inside component `cid`. `sources` are the
   * controls whose values it carries; `done` runs once the server answers or
   * the socket drops. Returns false, sending nothing, while not joined.
   */
  push(el, cid, event, value, sources, done) {
    if (!this.#joined || !this.container.contains(el)) return false;
    const ref = this.#nextRef++;
    this.#pending.set(ref, done);
    noteSent(ref, sources);
    this.#send({ t: "event", ref, cid, event, value });
    return true;
  }
  /** Whether the page sits in a document the app rendered itself (`live_embed`). */
  get embedded() {
    return this.container.hasAttribute(EMBEDDED);
  }
  /** Whether the page is joined: events and URL changes can be sent. */
  get isJoined() {
    return this.#joined;
  }
  /**
   * The browser is now at `url` (path and query), within the page: tell the
   * server, which runs the params handler. Unless `always`, a URL the
   * server already knows (a move within the document) sends nothing.
   */
  moved(url, always = false) {
    if (!this.#joined || url === this.#url && !always) return;
    this.#url = url;
    const ref = this.#nextRef++;
    this.#pending.set(ref, () => {
    });
    this.#send({ t: "url", ref, url });
  }
  /**
   * Send `event` with `value` to the component `el` belongs to. Resolves on
   * the ack; rejects with EventRefused on an `err`, when the socket drops
   * first, or when it cannot be sent (not joined, no component).
   */
  pushFrom(el, event, value) {
    return new Promise((resolve, reject) => {
      const cid = componentOf(el);
      const settled = (reply) => {
        if (reply?.t === "ack") resolve();
        else reject(new EventRefused(reply, reply ? `${reply.code}: ${reply.reason}` : "the connection was lost"));
      };
      if (cid === null) reject(new EventRefused(null, "the element is in no live component"));
      else if (!this.push(el, cid, event, value, [], settled)) reject(new EventRefused(null, "not connected"));
    });
  }
  /**
   * Run a JSON list of JS commands as if `el` carried them in a binding;
   * a `push` among them sends its event with its `value` alone.
   */
  execJS(el, commands) {
    const push2 = (event, value, target) => {
      this.pushFrom(target, event, value).catch(() => {
      });
    };
    if (!runBinding(el, commands, push2)) console.warn(`livecomp: not a JSON list of commands: ${commands}`);
  }
  #send(message) {
    this.#ws?.send(JSON.stringify(message));
  }
  #show(state) {
    this.state = state;
    const classes2 = document.body.classList;
    for (const [name, className] of Object.entries(STATE_CLASSES)) classes2.toggle(className, name === state);
  }
  #receive(data) {
    let messages;
    try {
      messages = decodeFrame(data);
    } catch (error) {
      console.error("livecomp: unreadable frame", error);
      return;
    }
    for (const message of messages) this.#handle(message);
  }
  #handle(message) {
    switch (message.t) {
      case "render":
        this.#render(message.cid, message.html);
        break;
      case "unchanged":
        if (!this.#joined) {
          const survivors = this.hooks.instances();
          this.#markJoined();
          this.#announceJoin(survivors);
        }
        break;
      case "patch": {
        if (this.#resyncing.has(message.cid)) break;
        const el = this.#find(message.cid);
        if (!el) {
          this.#resync(message.cid, `no element with ${CID}=${JSON.stringify(message.cid)}`);
          break;
        }
        const dom = new DOMPatch(this.hooks);
        try {
          applyPatches(el, message.ops, dom);
        } catch (error) {
          this.#resync(message.cid, error instanceof Error ? error.message : String(error));
        } finally {
          dom.finish();
        }
        break;
      }
      case "push":
        if (message.event === TITLE_EVENT && typeof message.data === "string") document.title = message.data;
        this.hooks.dispatch(message.event, message.data);
        break;
      case "patch_url":
        this.#url = message.url;
        if (!this.embedded) pushUrl(message.url, message.replace);
        break;
      case "navigate":
        this.#navigate(message);
        break;
      case "redirect":
        this.#leaving = true;
        assignUrl(message.url);
        break;
      case "ack":
        this.#settle(message.ref, message);
        if (this.state === "error") this.#show("connected");
        break;
      case "pong":
        this.#awaitingPong = false;
        break;
      case "err":
        console.error(`livecomp: ${message.code}${message.event ? ` (${message.event})` : ""}: ${message.reason}`);
        if (message.ref !== null) this.#settle(message.ref, message);
        if (!ANSWERS.includes(message.code)) this.#show("error");
        document.dispatchEvent(new CustomEvent(ERROR_EVENT, { detail: message }));
        this.hooks.each("errored", null, message);
        break;
      default:
        console.warn("livecomp: unknown message", message);
    }
  }
  /** Another live page took this one's place on the socket: swap it in. */
  #navigate(message) {
    this.#url = message.url;
    if (!this.embedded) pushUrl(message.url, message.replace);
    this.container.setAttribute(TOKEN, message.token);
    if (message.title) document.title = message.title;
    this.#resyncing.clear();
    const next = soleElement(parseIn(this.container, message.html));
    const dom = new DOMPatch(this.hooks);
    for (const old of this.container.children) dom.removing(old);
    this.container.replaceChildren(...next ? [next] : []);
    if (next) dom.added(next, true);
    dom.finish();
  }
  #find(cid) {
    return this.container.querySelector(`[${CID}="${CSS.escape(cid)}"]`);
  }
  #render(cid, html) {
    this.#resyncing.delete(cid);
    const el = this.#joined ? this.#find(cid) : this.container.firstElementChild;
    const next = soleElement(parseIn(el?.parentElement ?? this.container, html));
    const survivors = this.#joined ? null : this.hooks.instances();
    const dom = new DOMPatch(this.hooks);
    if (!next) {
      console.error(`livecomp: render of ${cid} is not one element`);
    } else if (el) {
      if (survivors) {
        for (const list of el.querySelectorAll(`[${UPDATE}=${STREAM_UPDATE}]`)) {
          for (const item of itemsOf(list)) {
            dom.removing(item);
            item.remove();
          }
        }
      }
      morph(el, next, (control) => control === document.activeElement || userOwned(control), dom);
    } else if (!this.#joined) {
      this.container.append(next);
      dom.added(next, true);
    } else {
      console.warn(`livecomp: render for unknown component ${cid}`);
    }
    if (survivors) this.#markJoined();
    dom.finish();
    if (survivors) this.#announceJoin(survivors);
  }
  #markJoined() {
    this.#joined = true;
    this.#attempts = 0;
    this.#refusedWith = null;
    this.#show("connected");
    this.#startHeartbeat();
  }
  /** Mount the page's hooks, tell those that lived through a disconnect, say so. */
  #announceJoin(survivors) {
    const rejoin = this.#everJoined;
    this.#everJoined = true;
    this.hooks.mountAll(this.container);
    if (rejoin) this.hooks.each("reconnected", survivors);
    document.dispatchEvent(new CustomEvent(JOINED_EVENT, { detail: { rejoin } }));
  }
  #startHeartbeat() {
    const every = Number(this.container.getAttribute(HEARTBEAT) ?? DEFAULT_HEARTBEAT_MS);
    if (!(every > 0)) return;
    this.#awaitingPong = false;
    const ws = this.#ws;
    this.#heartbeat = setInterval(() => {
      if (ws !== this.#ws) return;
      if (this.#awaitingPong) {
        console.warn("livecomp: no heartbeat answer; reconnecting");
        ws?.close();
        this.#closed(0);
        return;
      }
      this.#awaitingPong = true;
      this.#send({ t: "ping" });
    }, every);
  }
  #resync(cid, reason) {
    console.warn(`livecomp: resync ${cid}: ${reason}`);
    this.#options.onResync?.();
    this.#resyncing.add(cid);
    this.#send({ t: "resync", cid, reason });
  }
  #settle(ref, reply) {
    const done = this.#pending.get(ref);
    this.#pending.delete(ref);
    noteSettled(ref);
    done?.(reply);
    flushDeferred();
  }
  #closed(code) {
    clearInterval(this.#heartbeat);
    const wasJoined = this.#joined;
    this.#ws = null;
    this.#joined = false;
    this.#resyncing.clear();
    noteLost();
    const dropped = [...this.#pending.values()];
    this.#pending.clear();
    for (const done of dropped) done(null);
    if (wasJoined) this.hooks.each("disconnected");
    if (this.#leaving) return;
    if (code === CloseCode.UNAUTHORIZED || code === CloseCode.REDIRECTED) {
      if (reloadOnce()) return;
      this.#show("error");
      return;
    }
    if (code === CloseCode.ORIGIN_FORBIDDEN) {
      console.error("livecomp: this page's origin may not open the live socket");
      this.#show("error");
      return;
    }
    const refused = code === CloseCode.TOKEN_INVALID || code === CloseCode.JOIN_EXPECTED;
    if (refused && this.#refusedWith === code) {
      console.error(`livecomp: the join was refused twice (close ${code}); giving up`);
      this.#show("error");
      return;
    }
    this.#refusedWith = refused ? code : null;
    if (code === CloseCode.TOKEN_INVALID && reloadOnce()) return;
    this.#show(refused ? "error" : "disconnected");
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.#attempts);
    this.#attempts++;
    this.#retry = setTimeout(() => this.connect(), Math.random() * step);
  }
};
function reloadOnce() {
  try {
    const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    const now = Date.now();
    if (now - last < RELOAD_INTERVAL_MS) return false;
    sessionStorage.setItem(RELOAD_KEY, String(now));
  } catch {
    return false;
  }
  location.reload();
  return true;
}

// src/live.ts
var typing = false;
function watchTyping() {
  if (typing) return;
  typing = true;
  installTyping();
}
function startLive(options = {}, container = document.querySelector(`[${PAGE}]`)) {
  watchTyping();
  if (!container) return null;
  const socket = new LiveSocket(container, options);
  installBindings(socket);
  installForms(socket);
  installNavigation(socket);
  socket.connect();
  return socket;
}
export {
  EventRefused,
  LiveSocket,
  PatchMismatch,
  applyPatches,
  runBinding,
  startLive,
  watchTyping
};
