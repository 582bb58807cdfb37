/* livecomp-client: built from livecomp/js/src by `npm run build`; do not edit. Bundles morphdom (MIT License, see morphdom.LICENSE). */

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
    const command = typeof name === "string" && Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : void 0;
    if (!command || typeof args !== "object" || args === null || Array.isArray(args)) {
      console.warn(`livecomp: not a known command: ${JSON.stringify(item)}`, el);
      continue;
    }
    try {
      command(el, args, push2);
    } catch (error) {
      console.warn(`livecomp: command ${name} failed: ${error instanceof Error ? error.message : error}`, el);
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
var DEFAULT_HEARTBEAT_MS = 3e4;
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
var UPDATE = "live-update";
var KEPT_UPDATES = ["ignore", "append", "prepend"];
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
var ErrorCode = {
  MALFORMED: "malformed",
  BINARY_FRAME: "binary_frame",
  TOO_LARGE: "too_large",
  UNKNOWN_TYPE: "unknown_type",
  UNKNOWN_COMPONENT: "unknown_component",
  UNKNOWN_EVENT: "unknown_event",
  INVALID_PAYLOAD: "invalid_payload",
  HANDLER_ERROR: "handler_error",
  RATE_LIMITED: "rate_limited",
  INVALID_PARAMS: "invalid_params",
  UNAUTHORIZED: "unauthorized"
};

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
  gate.timer ?? (gate.timer = setTimeout(() => {
    gate.until = performance.now() + ms;
    release(gate);
  }, gate.until - now));
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
    this.alive = true;
    this.handlers = /* @__PURE__ */ new Map();
  }
};
var HOOKED = `[${HOOK}]`;
function hookedIn(root) {
  const found = Array.from(root.querySelectorAll(HOOKED));
  if (root.hasAttribute(HOOK)) found.unshift(root);
  return found;
}
var HookRegistry = class {
  constructor(hooks, push2) {
    this.hooks = hooks;
    this.push = push2;
    this.byElement = /* @__PURE__ */ new WeakMap();
    this.alive = /* @__PURE__ */ new Set();
    /** Elements whose hook name is unknown: warned about once each. */
    this.warned = /* @__PURE__ */ new WeakSet();
  }
  /** Whether any hook is mounted (a page without hooks skips all the work). */
  get any() {
    return this.alive.size > 0;
  }
  /** The live hook instance of `el`, if it has one. */
  of(el) {
    return this.byElement.get(el);
  }
  /** Every live instance right now. */
  instances() {
    return new Set(this.alive);
  }
  /** Mount the hook `el` names, unless it has one already. */
  mount(el) {
    const name = el.getAttribute(HOOK);
    if (name === null || this.byElement.has(el)) return;
    const definition = Object.prototype.hasOwnProperty.call(this.hooks, name) ? this.hooks[name] : void 0;
    if (!definition) {
      if (!this.warned.has(el)) {
        this.warned.add(el);
        console.warn(`livecomp: no hook named ${JSON.stringify(name)} (define it in window.Hooks)`, el);
      }
      return;
    }
    const push2 = this.push;
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
    this.byElement.set(el, instance);
    this.alive.add(instance);
    this.call(instance, "mounted");
  }
  /** Mount every hook under `root` (itself included) not mounted yet. */
  mountAll(root) {
    for (const el of hookedIn(root)) this.mount(el);
  }
  /** Run one callback of an instance; a hook that throws breaks nothing else. */
  call(instance, callback) {
    const fn = instance.self[callback];
    if (typeof fn !== "function") return;
    try {
      fn.call(instance.self);
    } catch (error) {
      console.error(`livecomp: hook ${instance.name}.${callback} failed`, error);
    }
  }
  /** The element is gone: `destroyed`, and forget the instance. */
  destroy(instance) {
    if (!instance.alive) return;
    instance.alive = false;
    this.alive.delete(instance);
    if (this.byElement.get(instance.el) === instance) this.byElement.delete(instance.el);
    this.call(instance, "destroyed");
    instance.handlers.clear();
  }
  /** Run `callback` on every live instance (of `only`, when given). */
  each(callback, only) {
    for (const instance of this.sweep()) {
      if (!only || only.has(instance)) this.call(instance, callback);
    }
  }
  /** Hand a server push to every `handleEvent` callback for `event`, in mount order. */
  dispatch(event, data) {
    for (const instance of this.sweep()) {
      for (const handler of [...instance.handlers.get(event) ?? []]) {
        if (!instance.alive) break;
        try {
          handler(data);
        } catch (error) {
          console.error(`livecomp: hook ${instance.name}: handler of ${JSON.stringify(event)} failed`, error);
        }
      }
    }
  }
  /**
   * The live instances, after destroying those whose element left the page
   * without a patch (removed by other scripts).
   */
  sweep() {
    const live = [];
    for (const instance of [...this.alive]) {
      if (instance.el.isConnected) live.push(instance);
      else this.destroy(instance);
    }
    return live;
  }
};

// src/dompatch.ts
var DOMPatch = class {
  constructor(hooks) {
    this.hooks = hooks;
    /** Elements whose subtree changed, with all their ancestors. */
    this.changed = /* @__PURE__ */ new Set();
    /** Hooks told `beforeUpdate`, in order. */
    this.updating = [];
    /** Hooks told `beforeDestroy`. */
    this.leaving = /* @__PURE__ */ new Set();
    /** Removed subtrees whose keyed parts a morph might have put back. */
    this.undecided = [];
    /** Elements that entered the page, and whether their subtree is new too. */
    this.entered = [];
    /** Elements whose `live-hook` may have changed. */
    this.renamed = /* @__PURE__ */ new Set();
  }
  changing(node) {
    if (!this.hooks.any) return;
    for (let el = node instanceof Element ? node : node.parentElement; el && !this.changed.has(el); el = el.parentElement) {
      this.changed.add(el);
      const hook = this.hooks.of(el);
      if (hook && !this.leaving.has(hook)) {
        this.hooks.call(hook, "beforeUpdate");
        this.updating.push(hook);
      }
    }
  }
  removing(node, mayReturn) {
    if (!(node instanceof Element) || !this.hooks.any) return;
    for (const el of hookedIn(node)) {
      const hook = this.hooks.of(el);
      if (hook && !this.leaving.has(hook) && !(mayReturn && under(el, node, mayReturn))) this.leave(hook);
    }
    if (mayReturn) this.undecided.push(node);
  }
  added(node, deep) {
    if (node instanceof Element) this.entered.push([node, deep]);
  }
  attributes(el, names) {
    afterAttributes(el, names);
    if (names.includes(HOOK)) this.renamed.add(el);
  }
  morphing(from, to) {
    beforeMorph(from, to);
    if (from.getAttribute(HOOK) !== to.getAttribute(HOOK)) this.renamed.add(from);
  }
  /** The message is applied: destroyed, updated, then mounted. */
  finish() {
    const hooks = this.hooks;
    for (const root of this.undecided) {
      for (const el of hookedIn(root)) {
        const hook = hooks.of(el);
        if (hook && !el.isConnected && !this.leaving.has(hook)) this.leave(hook);
      }
    }
    for (const hook of this.leaving) if (!hook.el.isConnected) hooks.destroy(hook);
    for (const el of this.renamed) {
      const hook = hooks.of(el);
      if (hook && hook.name !== el.getAttribute(HOOK)) {
        if (!this.leaving.has(hook)) hooks.call(hook, "beforeDestroy");
        hooks.destroy(hook);
      }
      this.entered.push([el, false]);
    }
    for (const hook of this.updating) if (hook.alive && hook.el.isConnected) hooks.call(hook, "updated");
    for (const [el, deep] of this.entered) {
      if (!el.isConnected) continue;
      if (deep) hooks.mountAll(el);
      else hooks.mount(el);
    }
  }
  leave(hook) {
    this.hooks.call(hook, "beforeDestroy");
    this.leaving.add(hook);
  }
};
function under(el, root, test) {
  for (let at = el; at && at !== root; at = at.parentElement) if (test(at)) return true;
  return false;
}

// node_modules/morphdom/dist/morphdom-esm.js
var DOCUMENT_FRAGMENT_NODE = 11;
function morphAttrs(fromNode, toNode) {
  var toNodeAttrs = toNode.attributes;
  var attr;
  var attrName;
  var attrNamespaceURI;
  var attrValue;
  var fromValue;
  if (toNode.nodeType === DOCUMENT_FRAGMENT_NODE || fromNode.nodeType === DOCUMENT_FRAGMENT_NODE) {
    return;
  }
  for (var i = toNodeAttrs.length - 1; i >= 0; i--) {
    attr = toNodeAttrs[i];
    attrName = attr.name;
    attrNamespaceURI = attr.namespaceURI;
    attrValue = attr.value;
    if (attrNamespaceURI) {
      attrName = attr.localName || attrName;
      fromValue = fromNode.getAttributeNS(attrNamespaceURI, attrName);
      if (fromValue !== attrValue) {
        if (attr.prefix === "xmlns") {
          attrName = attr.name;
        }
        fromNode.setAttributeNS(attrNamespaceURI, attrName, attrValue);
      }
    } else {
      fromValue = fromNode.getAttribute(attrName);
      if (fromValue !== attrValue) {
        fromNode.setAttribute(attrName, attrValue);
      }
    }
  }
  var fromNodeAttrs = fromNode.attributes;
  for (var d = fromNodeAttrs.length - 1; d >= 0; d--) {
    attr = fromNodeAttrs[d];
    attrName = attr.name;
    attrNamespaceURI = attr.namespaceURI;
    if (attrNamespaceURI) {
      attrName = attr.localName || attrName;
      if (!toNode.hasAttributeNS(attrNamespaceURI, attrName)) {
        fromNode.removeAttributeNS(attrNamespaceURI, attrName);
      }
    } else {
      if (!toNode.hasAttribute(attrName)) {
        fromNode.removeAttribute(attrName);
      }
    }
  }
}
var range;
var NS_XHTML = "http://www.w3.org/1999/xhtml";
var doc = typeof document === "undefined" ? void 0 : document;
var HAS_TEMPLATE_SUPPORT = !!doc && "content" in doc.createElement("template");
var HAS_RANGE_SUPPORT = !!doc && doc.createRange && "createContextualFragment" in doc.createRange();
function createFragmentFromTemplate(str) {
  var template = doc.createElement("template");
  template.innerHTML = str;
  return template.content.childNodes[0];
}
function createFragmentFromRange(str) {
  if (!range) {
    range = doc.createRange();
    range.selectNode(doc.body);
  }
  var fragment = range.createContextualFragment(str);
  return fragment.childNodes[0];
}
function createFragmentFromWrap(str) {
  var fragment = doc.createElement("body");
  fragment.innerHTML = str;
  return fragment.childNodes[0];
}
function toElement(str) {
  str = str.trim();
  if (HAS_TEMPLATE_SUPPORT) {
    return createFragmentFromTemplate(str);
  } else if (HAS_RANGE_SUPPORT) {
    return createFragmentFromRange(str);
  }
  return createFragmentFromWrap(str);
}
function compareNodeNames(fromEl, toEl) {
  var fromNodeName = fromEl.nodeName;
  var toNodeName = toEl.nodeName;
  var fromCodeStart, toCodeStart;
  if (fromNodeName === toNodeName) {
    return true;
  }
  fromCodeStart = fromNodeName.charCodeAt(0);
  toCodeStart = toNodeName.charCodeAt(0);
  if (fromCodeStart <= 90 && toCodeStart >= 97) {
    return fromNodeName === toNodeName.toUpperCase();
  } else if (toCodeStart <= 90 && fromCodeStart >= 97) {
    return toNodeName === fromNodeName.toUpperCase();
  } else {
    return false;
  }
}
function createElementNS(name, namespaceURI) {
  return !namespaceURI || namespaceURI === NS_XHTML ? doc.createElement(name) : doc.createElementNS(namespaceURI, name);
}
function moveChildren(fromEl, toEl) {
  var curChild = fromEl.firstChild;
  while (curChild) {
    var nextChild = curChild.nextSibling;
    toEl.appendChild(curChild);
    curChild = nextChild;
  }
  return toEl;
}
function syncBooleanAttrProp(fromEl, toEl, name) {
  if (fromEl[name] !== toEl[name]) {
    fromEl[name] = toEl[name];
    if (fromEl[name]) {
      fromEl.setAttribute(name, "");
    } else {
      fromEl.removeAttribute(name);
    }
  }
}
var specialElHandlers = {
  OPTION: function(fromEl, toEl) {
    var parentNode = fromEl.parentNode;
    if (parentNode) {
      var parentName = parentNode.nodeName.toUpperCase();
      if (parentName === "OPTGROUP") {
        parentNode = parentNode.parentNode;
        parentName = parentNode && parentNode.nodeName.toUpperCase();
      }
      if (parentName === "SELECT" && !parentNode.hasAttribute("multiple")) {
        if (fromEl.hasAttribute("selected") && !toEl.selected) {
          fromEl.setAttribute("selected", "selected");
          fromEl.removeAttribute("selected");
        }
        parentNode.selectedIndex = -1;
      }
    }
    syncBooleanAttrProp(fromEl, toEl, "selected");
  },
  /**
   * The "value" attribute is special for the <input> element since it sets
   * the initial value. Changing the "value" attribute without changing the
   * "value" property will have no effect since it is only used to the set the
   * initial value.  Similar for the "checked" attribute, and "disabled".
   */
  INPUT: function(fromEl, toEl) {
    syncBooleanAttrProp(fromEl, toEl, "checked");
    syncBooleanAttrProp(fromEl, toEl, "disabled");
    if (fromEl.value !== toEl.value) {
      fromEl.value = toEl.value;
    }
    if (!toEl.hasAttribute("value")) {
      fromEl.removeAttribute("value");
    }
  },
  TEXTAREA: function(fromEl, toEl) {
    var newValue = toEl.value;
    if (fromEl.value !== newValue) {
      fromEl.value = newValue;
    }
    var firstChild = fromEl.firstChild;
    if (firstChild) {
      var oldValue = firstChild.nodeValue;
      if (oldValue == newValue || !newValue && oldValue == fromEl.placeholder) {
        return;
      }
      firstChild.nodeValue = newValue;
    }
  },
  SELECT: function(fromEl, toEl) {
    if (!toEl.hasAttribute("multiple")) {
      var selectedIndex = -1;
      var i = 0;
      var curChild = fromEl.firstChild;
      var optgroup;
      var nodeName;
      while (curChild) {
        nodeName = curChild.nodeName && curChild.nodeName.toUpperCase();
        if (nodeName === "OPTGROUP") {
          optgroup = curChild;
          curChild = optgroup.firstChild;
          if (!curChild) {
            curChild = optgroup.nextSibling;
            optgroup = null;
          }
        } else {
          if (nodeName === "OPTION") {
            if (curChild.hasAttribute("selected")) {
              selectedIndex = i;
              break;
            }
            i++;
          }
          curChild = curChild.nextSibling;
          if (!curChild && optgroup) {
            curChild = optgroup.nextSibling;
            optgroup = null;
          }
        }
      }
      fromEl.selectedIndex = selectedIndex;
    }
  }
};
var ELEMENT_NODE = 1;
var DOCUMENT_FRAGMENT_NODE$1 = 11;
var TEXT_NODE = 3;
var COMMENT_NODE = 8;
function noop() {
}
function defaultGetNodeKey(node) {
  if (node) {
    return node.getAttribute && node.getAttribute("id") || node.id;
  }
}
function morphdomFactory(morphAttrs2) {
  return function morphdom2(fromNode, toNode, options) {
    if (!options) {
      options = {};
    }
    if (typeof toNode === "string") {
      if (fromNode.nodeName === "#document" || fromNode.nodeName === "HTML") {
        var toNodeHtml = toNode;
        toNode = doc.createElement("html");
        toNode.innerHTML = toNodeHtml;
      } else if (fromNode.nodeName === "BODY") {
        var toNodeBody = toNode;
        toNode = doc.createElement("html");
        toNode.innerHTML = toNodeBody;
        var bodyElement = toNode.querySelector("body");
        if (bodyElement) {
          toNode = bodyElement;
        }
      } else {
        toNode = toElement(toNode);
      }
    } else if (toNode.nodeType === DOCUMENT_FRAGMENT_NODE$1) {
      toNode = toNode.firstElementChild;
    }
    var getNodeKey = options.getNodeKey || defaultGetNodeKey;
    var onBeforeNodeAdded = options.onBeforeNodeAdded || noop;
    var onNodeAdded = options.onNodeAdded || noop;
    var onBeforeElUpdated = options.onBeforeElUpdated || noop;
    var onElUpdated = options.onElUpdated || noop;
    var onBeforeNodeDiscarded = options.onBeforeNodeDiscarded || noop;
    var onNodeDiscarded = options.onNodeDiscarded || noop;
    var onBeforeElChildrenUpdated = options.onBeforeElChildrenUpdated || noop;
    var skipFromChildren = options.skipFromChildren || noop;
    var addChild = options.addChild || function(parent, child) {
      return parent.appendChild(child);
    };
    var childrenOnly = options.childrenOnly === true;
    var fromNodesLookup = /* @__PURE__ */ Object.create(null);
    var keyedRemovalList = [];
    function addKeyedRemoval(key) {
      keyedRemovalList.push(key);
    }
    function walkDiscardedChildNodes(node, skipKeyedNodes) {
      if (node.nodeType === ELEMENT_NODE) {
        var curChild = node.firstChild;
        while (curChild) {
          var key = void 0;
          if (skipKeyedNodes && (key = getNodeKey(curChild))) {
            addKeyedRemoval(key);
          } else {
            onNodeDiscarded(curChild);
            if (curChild.firstChild) {
              walkDiscardedChildNodes(curChild, skipKeyedNodes);
            }
          }
          curChild = curChild.nextSibling;
        }
      }
    }
    function removeNode(node, parentNode, skipKeyedNodes) {
      if (onBeforeNodeDiscarded(node) === false) {
        return;
      }
      if (parentNode) {
        parentNode.removeChild(node);
      }
      onNodeDiscarded(node);
      walkDiscardedChildNodes(node, skipKeyedNodes);
    }
    function indexTree(node) {
      if (node.nodeType === ELEMENT_NODE || node.nodeType === DOCUMENT_FRAGMENT_NODE$1) {
        var curChild = node.firstChild;
        while (curChild) {
          var key = getNodeKey(curChild);
          if (key) {
            fromNodesLookup[key] = curChild;
          }
          indexTree(curChild);
          curChild = curChild.nextSibling;
        }
      }
    }
    indexTree(fromNode);
    function handleNodeAdded(el) {
      onNodeAdded(el);
      var curChild = el.firstChild;
      while (curChild) {
        var nextSibling = curChild.nextSibling;
        var key = getNodeKey(curChild);
        if (key) {
          var unmatchedFromEl = fromNodesLookup[key];
          if (unmatchedFromEl && compareNodeNames(curChild, unmatchedFromEl)) {
            curChild.parentNode.replaceChild(unmatchedFromEl, curChild);
            morphEl(unmatchedFromEl, curChild);
          } else {
            handleNodeAdded(curChild);
          }
        } else {
          handleNodeAdded(curChild);
        }
        curChild = nextSibling;
      }
    }
    function cleanupFromEl(fromEl, curFromNodeChild, curFromNodeKey) {
      while (curFromNodeChild) {
        var fromNextSibling = curFromNodeChild.nextSibling;
        if (curFromNodeKey = getNodeKey(curFromNodeChild)) {
          addKeyedRemoval(curFromNodeKey);
        } else {
          removeNode(
            curFromNodeChild,
            fromEl,
            true
            /* skip keyed nodes */
          );
        }
        curFromNodeChild = fromNextSibling;
      }
    }
    function morphEl(fromEl, toEl, childrenOnly2) {
      var toElKey = getNodeKey(toEl);
      if (toElKey) {
        delete fromNodesLookup[toElKey];
      }
      if (!childrenOnly2) {
        var beforeUpdateResult = onBeforeElUpdated(fromEl, toEl);
        if (beforeUpdateResult === false) {
          return;
        } else if (beforeUpdateResult instanceof HTMLElement) {
          fromEl = beforeUpdateResult;
          indexTree(fromEl);
        }
        morphAttrs2(fromEl, toEl);
        onElUpdated(fromEl);
        if (onBeforeElChildrenUpdated(fromEl, toEl) === false) {
          return;
        }
      }
      if (fromEl.nodeName !== "TEXTAREA") {
        morphChildren(fromEl, toEl);
      } else {
        specialElHandlers.TEXTAREA(fromEl, toEl);
      }
    }
    function morphChildren(fromEl, toEl) {
      var skipFrom = skipFromChildren(fromEl, toEl);
      var curToNodeChild = toEl.firstChild;
      var curFromNodeChild = fromEl.firstChild;
      var curToNodeKey;
      var curFromNodeKey;
      var fromNextSibling;
      var toNextSibling;
      var matchingFromEl;
      outer: while (curToNodeChild) {
        toNextSibling = curToNodeChild.nextSibling;
        curToNodeKey = getNodeKey(curToNodeChild);
        while (!skipFrom && curFromNodeChild) {
          fromNextSibling = curFromNodeChild.nextSibling;
          if (curToNodeChild.isSameNode && curToNodeChild.isSameNode(curFromNodeChild)) {
            curToNodeChild = toNextSibling;
            curFromNodeChild = fromNextSibling;
            continue outer;
          }
          curFromNodeKey = getNodeKey(curFromNodeChild);
          var curFromNodeType = curFromNodeChild.nodeType;
          var isCompatible = void 0;
          if (curFromNodeType === curToNodeChild.nodeType) {
            if (curFromNodeType === ELEMENT_NODE) {
              if (curToNodeKey) {
                if (curToNodeKey !== curFromNodeKey) {
                  if (matchingFromEl = fromNodesLookup[curToNodeKey]) {
                    if (fromNextSibling === matchingFromEl) {
                      isCompatible = false;
                    } else {
                      fromEl.insertBefore(matchingFromEl, curFromNodeChild);
                      if (curFromNodeKey) {
                        addKeyedRemoval(curFromNodeKey);
                      } else {
                        removeNode(
                          curFromNodeChild,
                          fromEl,
                          true
                          /* skip keyed nodes */
                        );
                      }
                      curFromNodeChild = matchingFromEl;
                      curFromNodeKey = getNodeKey(curFromNodeChild);
                    }
                  } else {
                    isCompatible = false;
                  }
                }
              } else if (curFromNodeKey) {
                isCompatible = false;
              }
              isCompatible = isCompatible !== false && compareNodeNames(curFromNodeChild, curToNodeChild);
              if (isCompatible) {
                morphEl(curFromNodeChild, curToNodeChild);
              }
            } else if (curFromNodeType === TEXT_NODE || curFromNodeType == COMMENT_NODE) {
              isCompatible = true;
              if (curFromNodeChild.nodeValue !== curToNodeChild.nodeValue) {
                curFromNodeChild.nodeValue = curToNodeChild.nodeValue;
              }
            }
          }
          if (isCompatible) {
            curToNodeChild = toNextSibling;
            curFromNodeChild = fromNextSibling;
            continue outer;
          }
          if (curFromNodeKey) {
            addKeyedRemoval(curFromNodeKey);
          } else {
            removeNode(
              curFromNodeChild,
              fromEl,
              true
              /* skip keyed nodes */
            );
          }
          curFromNodeChild = fromNextSibling;
        }
        if (curToNodeKey && (matchingFromEl = fromNodesLookup[curToNodeKey]) && compareNodeNames(matchingFromEl, curToNodeChild)) {
          if (!skipFrom) {
            addChild(fromEl, matchingFromEl);
          }
          morphEl(matchingFromEl, curToNodeChild);
        } else {
          var onBeforeNodeAddedResult = onBeforeNodeAdded(curToNodeChild);
          if (onBeforeNodeAddedResult !== false) {
            if (onBeforeNodeAddedResult) {
              curToNodeChild = onBeforeNodeAddedResult;
            }
            if (curToNodeChild.actualize) {
              curToNodeChild = curToNodeChild.actualize(fromEl.ownerDocument || doc);
            }
            addChild(fromEl, curToNodeChild);
            handleNodeAdded(curToNodeChild);
          }
        }
        curToNodeChild = toNextSibling;
        curFromNodeChild = fromNextSibling;
      }
      cleanupFromEl(fromEl, curFromNodeChild, curFromNodeKey);
      var specialElHandler = specialElHandlers[fromEl.nodeName];
      if (specialElHandler) {
        specialElHandler(fromEl, toEl);
      }
    }
    var morphedNode = fromNode;
    var morphedNodeType = morphedNode.nodeType;
    var toNodeType = toNode.nodeType;
    if (!childrenOnly) {
      if (morphedNodeType === ELEMENT_NODE) {
        if (toNodeType === ELEMENT_NODE) {
          if (!compareNodeNames(fromNode, toNode)) {
            onNodeDiscarded(fromNode);
            morphedNode = moveChildren(fromNode, createElementNS(toNode.nodeName, toNode.namespaceURI));
          }
        } else {
          morphedNode = toNode;
        }
      } else if (morphedNodeType === TEXT_NODE || morphedNodeType === COMMENT_NODE) {
        if (toNodeType === morphedNodeType) {
          if (morphedNode.nodeValue !== toNode.nodeValue) {
            morphedNode.nodeValue = toNode.nodeValue;
          }
          return morphedNode;
        } else {
          morphedNode = toNode;
        }
      }
    }
    if (morphedNode === toNode) {
      onNodeDiscarded(fromNode);
    } else {
      if (toNode.isSameNode && toNode.isSameNode(morphedNode)) {
        return;
      }
      morphEl(morphedNode, toNode, childrenOnly);
      if (keyedRemovalList) {
        for (var i = 0, len = keyedRemovalList.length; i < len; i++) {
          var elToRemove = fromNodesLookup[keyedRemovalList[i]];
          if (elToRemove) {
            removeNode(elToRemove, elToRemove.parentNode, false);
          }
        }
      }
    }
    if (!childrenOnly && morphedNode !== fromNode && fromNode.parentNode) {
      if (morphedNode.actualize) {
        morphedNode = morphedNode.actualize(fromNode.ownerDocument || doc);
      }
      fromNode.parentNode.replaceChild(morphedNode, fromNode);
    }
    return morphedNode;
  };
}
var morphdom = morphdomFactory(morphAttrs);
var morphdom_esm_default = morphdom;

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
    const range2 = parent.ownerDocument.createRange();
    range2.selectNodeContents(parent);
    fragment = range2.createContextualFragment(html);
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
function keysAreUnique(...roots) {
  for (const root of roots) {
    const seen = /* @__PURE__ */ new Set();
    for (const el of [root, ...root.querySelectorAll(KEYED)]) {
      const key = keyOf(el);
      if (key === void 0) continue;
      if (seen.has(key)) return false;
      seen.add(key);
    }
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
function selectedValues(select) {
  return new Set(Array.from(select.selectedOptions, (option) => option.value));
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
function morphTree(from, to, keep, observer, paired) {
  const selects = [];
  const keptSelections = /* @__PURE__ */ new Map();
  const getNodeKey = keysAreUnique(from, to) ? keyOf : () => void 0;
  const mayReturn = (el) => getNodeKey(el) !== void 0;
  const onBeforeNodeDiscarded = (node) => {
    observer.removing(node, getNodeKey(node) === void 0 ? mayReturn : void 0);
    return true;
  };
  const onNodeAdded = (node) => {
    observer.added(node, false);
    return node;
  };
  const onBeforeElUpdated = (fromEl, toEl) => {
    paired.set(toEl, fromEl);
    observer.morphing(fromEl, toEl);
    if (sameTree(fromEl, toEl)) return false;
    observer.changing(fromEl);
    if (fromEl instanceof HTMLTemplateElement && toEl instanceof HTMLTemplateElement) {
      syncAttributes(fromEl, toEl);
      fromEl.content.replaceChildren(toEl.content);
      return false;
    }
    if (fromEl instanceof HTMLTextAreaElement && toEl instanceof HTMLTextAreaElement) {
      syncAttributes(fromEl, toEl);
      if (fromEl.textContent !== toEl.textContent) fromEl.textContent = toEl.textContent;
      if (!keep(fromEl) && fromEl.value !== toEl.value) fromEl.value = toEl.value;
      return false;
    }
    if (fromEl instanceof HTMLOptionElement) {
      syncAttributes(fromEl, toEl);
      if (fromEl.innerHTML !== toEl.innerHTML) fromEl.replaceChildren(...toEl.childNodes);
      return false;
    }
    if (fromEl instanceof HTMLInputElement && toEl instanceof HTMLInputElement) {
      if (keep(fromEl)) {
        if (hasLiveValue(fromEl) && hasLiveValue(toEl)) toEl.value = fromEl.value;
        toEl.checked = fromEl.checked;
      } else {
        fromEl.checked = toEl.checked;
      }
    } else if (fromEl instanceof HTMLSelectElement) {
      selects.push(fromEl);
      if (keep(fromEl)) keptSelections.set(fromEl, selectedValues(fromEl));
    }
    return true;
  };
  if (from.localName !== to.localName) {
    if (from.parentNode) observer.changing(from.parentNode);
    observer.removing(from, () => true);
  }
  const result = morphdom_esm_default(from, to, { getNodeKey, onBeforeElUpdated, onBeforeNodeDiscarded, onNodeAdded });
  if (result !== from) observer.added(result, false);
  for (const select of selects) {
    const kept = keptSelections.get(select);
    if (kept) for (const option of select.options) option.selected = kept.has(option.value);
    else syncFromMarkup(select);
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
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    const root = roots[i];
    if (root instanceof Element) stack.push(root);
  }
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

// src/patch.ts
var HTML_NS2 = "http://www.w3.org/1999/xhtml";
var MATHML_NS = "http://www.w3.org/1998/Math/MathML";
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
            `the component root must be replaced by one element with only whitespace around it, got ${fragment.childElementCount} element(s) in ${fragment.childNodes.length} node(s)`
          );
        }
        return morph(step.root, replacement, holdGuarded, observer);
      }
      const only = fragment.firstChild;
      if (node instanceof Element && only instanceof Element && fragment.childNodes.length === 1 && only.localName.toLowerCase() === node.localName.toLowerCase() && // The diff replaces these whole (a template's content is not its
      // children, which morphdom walks); nothing inside is worth keeping.
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
    updateControl(parent, () => {
      if (parent.value !== parent.defaultValue) parent.value = parent.defaultValue;
    });
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
var ANSWERS = [ErrorCode.INVALID_PAYLOAD, ErrorCode.RATE_LIMITED, ErrorCode.INVALID_PARAMS];
var EventRefused = class extends Error {
  constructor(reply, message) {
    super(message);
    this.reply = reply;
    this.name = "EventRefused";
  }
};
var LiveSocket = class {
  constructor(container, options = {}) {
    this.container = container;
    this.options = options;
    this.state = "disconnected";
    this.ws = null;
    this.joined = false;
    this.everJoined = false;
    this.attempts = 0;
    this.nextRef = 1;
    this.pending = /* @__PURE__ */ new Map();
    /** Components that asked for a resync: their patches wait for the render. */
    this.resyncing = /* @__PURE__ */ new Set();
    this.awaitingPong = false;
    /** The close code of the last refused join, until a join succeeds. */
    this.refusedWith = null;
    /** The URL the server last knew the page at. */
    this.url = currentUrl();
    /** Set once the server sent the browser elsewhere: no reconnecting. */
    this.leaving = false;
    this.hooks = new HookRegistry(options.hooks ?? {}, (el, event, payload) => this.pushFrom(el, event, payload));
    this.show("disconnected");
  }
  connect() {
    clearTimeout(this.retry);
    if (this.ws) return;
    const url = new URL(this.container.getAttribute(SOCKET) ?? "", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.hash = "";
    const ws = new WebSocket(url);
    this.ws = ws;
    this.state = "connecting";
    ws.onopen = () => {
      this.url = currentUrl();
      this.send({ t: "join", token: this.container.getAttribute(TOKEN) ?? "", url: this.url });
    };
    ws.onmessage = (event) => {
      if (ws === this.ws && typeof event.data === "string") this.receive(event.data);
    };
    ws.onclose = (event) => {
      if (ws === this.ws) this.closed(event.code);
    };
  }
  /**
   * Send an event raised by `el` inside component `cid`. `sources` are the
   * controls whose values it carries; `done` runs once the server answers or
   * the socket drops. Returns false, sending nothing, while not joined.
   */
  push(el, cid, event, value, sources, done) {
    if (!this.joined || !this.container.contains(el)) return false;
    const ref = this.nextRef++;
    this.pending.set(ref, done);
    noteSent(ref, sources);
    this.send({ t: "event", ref, cid, event, value });
    return true;
  }
  /** Whether the page is joined: events and URL changes can be sent. */
  get isJoined() {
    return this.joined;
  }
  /**
   * The browser is now at `url` (path and query), within the page: tell the
   * server, which runs the params handler. Unless `always`, a URL the
   * server already knows (a move within the document) sends nothing.
   */
  moved(url, always = false) {
    if (!this.joined || url === this.url && !always) return;
    this.url = url;
    const ref = this.nextRef++;
    this.pending.set(ref, () => {
    });
    this.send({ t: "url", ref, url });
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
    if (!runBinding(el, commands, push2)) console.warn(`livecomp: not a list of commands: ${commands}`);
  }
  send(message) {
    this.ws?.send(JSON.stringify(message));
  }
  show(state) {
    this.state = state;
    const classes2 = document.body.classList;
    for (const [name, className] of Object.entries(STATE_CLASSES)) classes2.toggle(className, name === state);
  }
  receive(data) {
    let messages;
    try {
      messages = decodeFrame(data);
    } catch (error) {
      console.error("livecomp: unreadable frame", error);
      return;
    }
    for (const message of messages) this.handle(message);
  }
  handle(message) {
    switch (message.t) {
      case "render":
        this.render(message.cid, message.html);
        break;
      case "patch": {
        if (this.resyncing.has(message.cid)) break;
        const el = this.find(message.cid);
        if (!el) {
          this.resync(message.cid, `no element with ${CID}=${JSON.stringify(message.cid)}`);
          break;
        }
        const dom = new DOMPatch(this.hooks);
        try {
          applyPatches(el, message.ops, dom);
        } catch (error) {
          this.resync(message.cid, error instanceof Error ? error.message : String(error));
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
        this.url = message.url;
        pushUrl(message.url, message.replace);
        break;
      case "redirect":
        this.leaving = true;
        assignUrl(message.url);
        break;
      case "ack":
        this.settle(message.ref, message);
        if (this.state === "error") this.show("connected");
        break;
      case "pong":
        this.awaitingPong = false;
        break;
      case "err":
        console.error(`livecomp: ${message.code}${message.event ? ` (${message.event})` : ""}: ${message.reason}`);
        if (message.ref !== null) this.settle(message.ref, message);
        if (!ANSWERS.includes(message.code)) this.show("error");
        document.dispatchEvent(new CustomEvent(ERROR_EVENT, { detail: message }));
        break;
      default:
        console.warn("livecomp: unknown message", message);
    }
  }
  find(cid) {
    return this.container.querySelector(`[${CID}="${CSS.escape(cid)}"]`);
  }
  render(cid, html) {
    this.resyncing.delete(cid);
    const el = this.joined ? this.find(cid) : this.container.firstElementChild;
    const next = soleElement(parseIn(el?.parentElement ?? this.container, html));
    const survivors = this.joined ? null : this.hooks.instances();
    const dom = new DOMPatch(this.hooks);
    if (!next) {
      console.error(`livecomp: render of ${cid} is not one element`);
    } else if (el) {
      morph(el, next, (control) => control === document.activeElement || userOwned(control), dom);
    } else if (!this.joined) {
      this.container.append(next);
      dom.added(next, true);
    } else {
      console.warn(`livecomp: render for unknown component ${cid}`);
    }
    if (survivors) this.markJoined();
    dom.finish();
    if (survivors) this.announceJoin(survivors);
  }
  markJoined() {
    this.joined = true;
    this.attempts = 0;
    this.refusedWith = null;
    this.show("connected");
    this.startHeartbeat();
  }
  /** Mount the page's hooks, tell those that lived through a disconnect, say so. */
  announceJoin(survivors) {
    const rejoin = this.everJoined;
    this.everJoined = true;
    this.hooks.mountAll(this.container);
    if (rejoin) this.hooks.each("reconnected", survivors);
    document.dispatchEvent(new CustomEvent(JOINED_EVENT, { detail: { rejoin } }));
  }
  startHeartbeat() {
    const every = Number(this.container.getAttribute(HEARTBEAT) ?? DEFAULT_HEARTBEAT_MS);
    if (!(every > 0)) return;
    this.awaitingPong = false;
    const ws = this.ws;
    this.heartbeat = setInterval(() => {
      if (ws !== this.ws) return;
      if (this.awaitingPong) {
        console.warn("livecomp: no heartbeat answer; reconnecting");
        ws?.close();
        this.closed(0);
        return;
      }
      this.awaitingPong = true;
      this.send({ t: "ping" });
    }, every);
  }
  resync(cid, reason) {
    console.warn(`livecomp: resync ${cid}: ${reason}`);
    this.options.onResync?.();
    this.resyncing.add(cid);
    this.send({ t: "resync", cid, reason });
  }
  settle(ref, reply) {
    const done = this.pending.get(ref);
    this.pending.delete(ref);
    noteSettled(ref);
    done?.(reply);
    flushDeferred();
  }
  closed(code) {
    clearInterval(this.heartbeat);
    const wasJoined = this.joined;
    this.ws = null;
    this.joined = false;
    this.resyncing.clear();
    noteLost();
    const dropped = [...this.pending.values()];
    this.pending.clear();
    for (const done of dropped) done(null);
    if (wasJoined) this.hooks.each("disconnected");
    if (this.leaving) return;
    if (code === CloseCode.UNAUTHORIZED || code === CloseCode.REDIRECTED) {
      if (reloadOnce()) return;
      this.show("error");
      return;
    }
    if (code === CloseCode.ORIGIN_FORBIDDEN) {
      console.error("livecomp: this page's origin may not open the live socket");
      this.show("error");
      return;
    }
    const refused = code === CloseCode.TOKEN_INVALID || code === CloseCode.JOIN_EXPECTED;
    if (refused && this.refusedWith === code) {
      console.error(`livecomp: the join was refused twice (close ${code}); giving up`);
      this.show("error");
      return;
    }
    this.refusedWith = refused ? code : null;
    if (code === CloseCode.TOKEN_INVALID && reloadOnce()) return;
    this.show(refused ? "error" : "disconnected");
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempts);
    this.attempts++;
    this.retry = setTimeout(() => this.connect(), Math.random() * step);
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
