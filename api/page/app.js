// The execassist page: sign-in, settings and the live console, on the self-service API.
// Everything shown is built with DOM nodes and textContent, never HTML strings, so no
// caller name or filter name can inject markup.
"use strict";

const state = {
  me: null,        // GET /v1/me
  csrf: "",        // the session's CSRF token, sent with every write
  tab: "console",
  execs: new Map(), // executive id -> ExecutiveSummary (the stream's "setting" events)
  calls: new Map(), // call id -> LiveCall (the stream's "call" events)
  stream: null,
  offline: false,   // the events stream is down: what is shown may be stale
  resubscribe: 0,   // the timer that opens the stream again
  transferOpen: "", // the call whose transfer form is open
  transferValue: "", // what was typed there
  chosenExec: "",   // the executive whose settings the Executives tab shows
};

// ---- small helpers ----------------------------------------------------------------

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) el.addEventListener(ev, f);
    else if (k === "text") el.textContent = v;
    else if (k === "checked" || k === "disabled" || k === "value" || k === "hidden") el[k] = v;
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  for (const c of kids.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel) => document.querySelector(sel);
const slug = (s) => String(s).replace(/[^A-Za-z0-9]+/g, "-");

async function api(method, path, body, etag) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  if (etag) headers["If-Match"] = etag;
  let r;
  try {
    r = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, ok: false, data: { error: { message: String(e) } } };
  }
  let data = null;
  try { data = await r.json(); } catch (_) { /* 204 */ }
  if (r.status === 401 && path !== "/v1/login") showSignIn();
  return { status: r.status, ok: r.ok, data, etag: r.headers.get("ETag") };
}

// errorOf is the API's error of an answer, its message in the page's words: the API
// names fields and values as scripts know them (SELECT_PHONE_NUMBERS, phoneNumbers);
// people read the labels of the page instead.
const errorOf = (r) => {
  const e = (r.data && r.data.error) || { message: "HTTP " + r.status };
  return { ...e, message: humanize(e.message || "") };
};

function humanize(msg) {
  return msg.replace(/\b([A-Z][A-Z_]{2,}|[a-z]+[A-Z][A-Za-z]+)\b/g, (word) => {
    const label = window.I18N.en[word] && t(word);
    return label ? "“" + label.split(" (")[0] + "”" : word;
  });
}

function personName(id) {
  const e = state.execs.get(id);
  if (e) return e.displayName || id;
  for (const s of state.execs.values()) for (const a of s.assistants || []) if (a.id === id) return a.displayName || id;
  if (state.me && state.me.user === id) return state.me.displayName || id;
  return id;
}

// ---- sign-in ------------------------------------------------------------------------

function showSignIn() {
  if (state.stream) { state.stream.close(); state.stream = null; }
  state.me = null;
  $("#app").hidden = true;
  $("#signout").hidden = true;
  $("#who").textContent = "";
  $("#signin").hidden = false;
  $("#user").focus();
}

$("#signin").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const err = $("#signin-error");
  err.textContent = "";
  const r = await api("POST", "/v1/login", { user: $("#user").value.trim(), secret: $("#secret").value });
  $("#secret").value = "";
  if (!r.ok) { err.textContent = errorOf(r).message; return; }
  state.csrf = r.data.csrfToken;
  boot();
});

$("#signout").addEventListener("click", async () => {
  await api("POST", "/v1/logout");
  state.csrf = "";
  showSignIn();
});

async function boot() {
  const r = await api("GET", "/v1/me");
  if (!r.ok) { showSignIn(); return; }
  state.me = r.data;
  if (r.data.csrfToken) state.csrf = r.data.csrfToken;
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#signout").hidden = false;
  $("#who").textContent = whoText();
  state.execs.clear();
  state.calls.clear();
  openStream();
  renderTabs();
  render();
}

// whoText says who is signed in: "Erin Exec (1001)", "ops (administrator)".
function whoText() {
  const me = state.me;
  return me.admin ? t("signedInAs", { name: me.user, user: t("admin") })
    : t("signedInAs", { name: me.displayName || me.user, user: me.user });
}

// ---- the events stream ----------------------------------------------------------------

// openStream subscribes to the live calls and settings. When the connection drops (a
// restart of serve, the network) the lamps and rows are greyed under a banner, the
// browser's EventSource comes back by itself (or the page subscribes again every few
// seconds when it gave up), and the calls are drawn afresh from what the server sends:
// a call that ended meanwhile does not linger.
function openStream() {
  if (state.stream) state.stream.close();
  clearTimeout(state.resubscribe);
  const es = new EventSource("/v1/events");
  state.stream = es;
  es.onopen = () => {
    if (state.offline) { state.calls.clear(); renderCalls(); }
    setOffline(false);
  };
  es.onerror = async () => {
    setOffline(true);
    const r = await api("GET", "/v1/me"); // signed out (expired, logged out elsewhere)?
    if (r.status === 401) { es.close(); return; }
    if (es.readyState === EventSource.CLOSED && state.stream === es) state.resubscribe = setTimeout(openStream, 3000);
  };
  es.addEventListener("call", (m) => {
    const c = JSON.parse(m.data);
    const before = state.calls.get(c.id);
    state.calls.set(c.id, c);
    renderCalls();
    renderExecutiveStrip();
    if (c.state === "ringing" && (!before || before.state !== "ringing")) announce(c);
  });
  es.addEventListener("call-ended", (m) => {
    state.calls.delete(JSON.parse(m.data).id);
    renderCalls();
    renderExecutiveStrip();
    for (const ms of [300, 1500, 5000]) setTimeout(() => loadHistory(), ms);
  });
  es.addEventListener("setting", (m) => {
    const s = JSON.parse(m.data);
    const couldChange = !withheld(s.id, "change_settings");
    state.execs.set(s.id, s);
    // What I may change of this executive's changed: their settings are drawn again.
    if (couldChange === withheld(s.id, "change_settings") && state.tab === "executives" && state.chosenExec === s.id) render();
    renderExecutiveStrip();
    renderCalls();
    refreshCallAs();
    if (state.tab === "executives" && !state.chosenExec) render();
  });
}

// announce tells a screen reader of a new ringing call, once (the live region says only
// that, not every redraw of the list).
function announce(c) {
  const who = c.callerName || c.callerNumberDisplay || c.callerNumber || t("unknownCaller");
  $("#announcer").textContent = t("newCall", { caller: who, exec: personName(c.executive), who: (c.ringing || []).map(personName).join(", ") });
}

// setOffline greys the live parts of the page and says why, or lifts it.
function setOffline(off) {
  state.offline = off;
  $("#app").classList.toggle("offline", off);
  const said = $("#stream-state");
  said.textContent = off ? t("streamReconnecting") : t("streamLive");
  said.className = off ? "banner error" : "muted";
}

// ---- tabs -----------------------------------------------------------------------------

function tabsFor(me) {
  const tabs = [["console", t("tabConsole")]];
  if (me.admin || (me.executives && me.executives.length)) tabs.push(["executives", t("tabExecutives")]);
  if (!me.admin) tabs.push(["mine", t("tabMine")]);
  if (me.admin) tabs.push(["admin", t("tabAdmin")]);
  return tabs;
}

function renderTabs() {
  const nav = $("#tabs");
  nav.replaceChildren(...tabsFor(state.me).map(([id, label]) =>
    h("button", { type: "button", role: "tab", id: "tab-" + id, "aria-selected": String(state.tab === id),
      on: { click: () => { state.tab = id; renderTabs(); render(); } } }, label)));
}

function render() {
  const view = $("#view");
  view.replaceChildren();
  if (state.tab === "console") view.append(consoleView());
  else if (state.tab === "executives") view.append(executivesView());
  else if (state.tab === "admin") view.append(adminView());
  else view.append(mineView());
  renderExecutiveStrip();
  renderCalls();
}

// ---- console ----------------------------------------------------------------------------

function consoleView() {
  const box = h("div", { class: "console" });
  if (state.me.admin) box.append(h("p", { class: "muted", text: t("adminNote") }));
  box.append(h("section", { class: "card", "aria-labelledby": "execs-h" },
    h("h2", { id: "execs-h", text: t("executives") }), h("div", { id: "exec-strip", class: "strip" })));
  box.append(h("section", { class: "card", "aria-labelledby": "calls-h" },
    h("h2", { id: "calls-h", text: t("calls") }), h("ul", { id: "calls", class: "calls" })));
  if (state.me.executives && state.me.executives.length) box.append(callAsForm());
  const history = h("ul", { id: "history", class: "history" });
  box.append(h("section", { class: "card", "aria-labelledby": "history-h" },
    h("h2", { id: "history-h", text: t("historyTitle") }), history));
  loadHistory(history);
  return box;
}

// loadHistory draws today's ended calls (GET /v1/calls/history): who called whom, who
// answered, what happened. A call's record is written as it ends, so the list is read
// again shortly after each call-ended.
async function loadHistory(list = $("#history")) {
  if (!list) return;
  const r = await api("GET", "/v1/calls/history");
  if (!r.ok) { list.replaceChildren(h("li", { class: "error", text: errorOf(r).message })); return; }
  const items = r.data.items;
  if (!items.length) { list.replaceChildren(h("li", { class: "muted", text: t("historyEmpty") })); return; }
  list.replaceChildren(...items.map((c) => h("li", { "data-history": c.call },
    h("time", { datetime: c.at, text: new Date(c.at).toLocaleTimeString(window.pageLang(), { hour: "2-digit", minute: "2-digit" }) }), " ",
    h("span", { class: "what" }, partiesText(c), " — ", h("span", { class: "outcome", text: outcomeText(c) }),
      c.steps && c.steps.length ? h("span", { class: "muted", text: " · " + c.steps.map((s) => s.what).join(", ") }) : null))));
}

// outcomeText says what became of an ended call, in words.
function outcomeText(c) {
  switch (c.outcome) {
    case "answered": return t("outcomeAnswered", { who: personName(c.answeredBy) });
    case "initiated": return t("outcomePlaced");
    case "continued": case "overload:continued": case "bridge-failed:continued": return t("outcomeToExecutive");
    case "caller-hung-up": return t("outcomeCallerLeft");
    case "rollover:voice-messaging": case "rollover:forward-failed:voice-messaging": case "sent-to-voicemail": return t("outcomeVoicemail");
    case "rollover:forward": return t("outcomeForwarded");
    case "rollover:no-answer-processing": return t("outcomeNoAnswer");
  }
  return c.outcome;
}

function renderExecutiveStrip() {
  const strip = $("#exec-strip");
  if (!strip) return;
  // Someone is choosing a status: drawing the strip now would lose their choice.
  const active = document.activeElement;
  if (active && active.tagName === "SELECT" && strip.contains(active)) {
    active.addEventListener("blur", () => renderExecutiveStrip(), { once: true });
    return;
  }
  const items = [...state.execs.values()].sort((a, b) => a.id.localeCompare(b.id));
  strip.replaceChildren(...items.map((e) => {
    const id = "filter-" + slug(e.id);
    const sw = h("input", { type: "checkbox", id, role: "switch", checked: e.filteringEnabled, disabled: withheld(e.id, "change_settings"),
      on: { change: async (ev) => {
        ev.target.disabled = true;
        const r = await api("PUT", `/v1/people/${encodeURIComponent(e.id)}/executive/callFiltering`, { enabled: ev.target.checked });
        ev.target.disabled = false;
        if (!r.ok) { ev.target.checked = !ev.target.checked; note.textContent = errorOf(r).message; }
      } } });
    const note = h("span", { class: "error", role: "alert" });
    return h("div", { class: "exec " + (e.filteringEnabled ? "on" : "off"), "data-exec": e.id },
      h("span", { class: "lamp", "aria-hidden": "true" }),
      h("label", { for: id }, sw, " ", t("filteringSwitch", { name: e.displayName || e.id })),
      h("span", { class: "muted" }, " ", e.filteringEnabled ? t("filteringOn") : t("filteringOff")),
      e.doNotDisturb ? h("span", { class: "badge", text: t("dndBadge") }) : null,
      statusBadge(e), statusPicker(e, note),
      e.phone === "in-use" || execOnCall(e.id) ? h("span", { class: "badge busy", "data-phone": "in-use", text: t("onACall") }) : null,
      e.phone === "offline" ? h("span", { class: "badge offline", "data-phone": "offline", text: t("phoneOffline") }) : null,
      intercomButtons(e, note), note);
  }));
}

// currentStatus is the executive's status as of now: a status whose end has passed is
// over (the server reads it so too), and the strip is drawn again when it ends.
function currentStatus(e) {
  const a = e.availability;
  if (!a || !a.status || a.status === "available") return null;
  if (a.until) {
    const left = new Date(a.until).getTime() - Date.now();
    if (left <= 0) return null;
    clearTimeout(state.statusTimers?.[e.id]);
    state.statusTimers = state.statusTimers || {};
    state.statusTimers[e.id] = setTimeout(renderExecutiveStrip, Math.min(left + 50, 2 ** 31 - 1));
  }
  return a;
}

// statusBadge: "In a meeting until 14:30" next to the executive.
function statusBadge(e) {
  const a = currentStatus(e);
  if (!a) return null;
  const words = t("status-" + a.status);
  const text = a.until ? t("statusUntil", { status: words, time: new Date(a.until).toLocaleTimeString(window.pageLang(), { hour: "2-digit", minute: "2-digit" }) }) : words;
  return h("span", { class: "badge status", "data-status": a.status, text });
}

// statusPicker sets or clears the executive's status for a while (the executive, an
// assistant who may change their settings).
function statusPicker(e, note) {
  if (state.me.admin || withheld(e.id, "change_settings")) return null;
  const cur = currentStatus(e);
  const id = "status-" + slug(e.id);
  const pick = h("select", { id, "aria-label": t("statusOf", { name: e.displayName || e.id }), on: { change: async (ev) => {
    const [status, mins] = ev.target.value.split("/");
    const body = { status, until: mins ? new Date(Date.now() + Number(mins) * 60000).toISOString() : null };
    ev.target.disabled = true;
    const r = await api("PUT", `/v1/people/${encodeURIComponent(e.id)}/executive/availability`, body);
    ev.target.disabled = false;
    note.textContent = r.ok ? "" : errorOf(r).message;
  } } },
  h("option", { value: "AVAILABLE", text: t("status-available"), selected: !cur }),
  ...["in-a-meeting", "out-of-office", "busy"].flatMap((s) => ["", "30", "60", "120"].map((m) => h("option", {
    value: s.toUpperCase().replaceAll("-", "_") + "/" + m, selected: false,
    text: m ? t("statusFor", { status: t("status-" + s), minutes: m }) : t("status-" + s) }))));
  if (cur) pick.value = cur.status.toUpperCase().replaceAll("-", "_") + "/";
  return pick;
}

// intercomButtons: an assistant calls the executive, the executive each assistant, both
// phones answering by themselves (POST /v1/intercom, as #68).
function intercomButtons(e, note) {
  if (state.me.admin) return null;
  const to = e.id === state.me.user ? (e.assistants || []).map((a) => a.id) : [e.id];
  return to.map((id) => h("button", { type: "button", class: "intercom", "data-intercom": id,
    "aria-label": t("intercomLabel", { name: personName(id) }), on: { click: async (ev) => {
      ev.target.disabled = true;
      const r = await api("POST", "/v1/intercom", { to: id });
      note.textContent = r.ok ? r.data.done : errorOf(r).message;
      note.className = r.ok ? "muted" : "error";
      ev.target.disabled = false;
    } } }, to.length > 1 ? t("intercomTo", { name: personName(id) }) : t("intercom")));
}

// execOnCall: the executive is on one of the calls execassist handles (with the caller,
// or bridged in): shown at once, before the next reading of the executive's phones
// (e.phone, which also sees calls that do not pass through execassist).
function execOnCall(id) {
  for (const c of state.calls.values()) if (c.executive === id && !c.node && (c.state === "executive" || c.state === "bridged")) return true;
  return false;
}

function stateText(c) {
  const exec = personName(c.executive);
  const who = c.assistant ? personName(c.assistant) : c.answeredBy || "";
  let s;
  switch (c.state) {
    case "ringing": s = t("stateRinging", { who: (c.ringing || []).map(personName).join(", ") || "…" }); break;
    case "answered": s = t(c.direction === "outgoing" ? "stateOutgoing" : "stateAnswered", { who }); break;
    case "pushed": s = t("statePushed", { exec }); break;
    case "announced": s = t("stateAnnounced", { exec }); break;
    case "executive": s = t("stateExecutive", { exec }); break;
    case "bridged": s = t("stateBridged", { exec, who }); break;
    default: s = t("stateConnected");
  }
  if (c.held) s += t("stateHeld");
  return c.node ? s + t("stateOnNode", { node: c.node }) : s;
}

function elapsed(since) {
  const s = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function callActions(c) {
  const me = state.me;
  const caller = c.callerName || c.callerNumber || t("unknownCaller");
  const exec = personName(c.executive);
  const out = [];
  // A call on another node (a cluster) can only be acted on there.
  if (c.node) return [h("span", { class: "muted", text: t("elsewhere", { node: c.node }) })];
  const act = (label, aria, verb) => h("button", { type: "button", "aria-label": aria, "data-action": verb,
    on: { click: async (ev) => {
      ev.target.disabled = true;
      const r = await api("POST", `/v1/calls/${encodeURIComponent(c.id)}/${verb}`);
      // The list may have been redrawn meanwhile (the call changed): the row is found
      // again by its call; a call that is gone says it in the live region.
      const said = document.querySelector(`#calls li[data-call="${CSS.escape(c.id)}"] .said`) || $("#announcer");
      said.textContent = r.ok ? r.data.done : errorOf(r).message;
      if (said.id !== "announcer") said.className = r.ok ? "said muted" : "said error";
      ev.target.disabled = false;
    } } }, label);
  // Answer at my phone: the phone rings for this call; it answers by itself.
  if (c.state === "ringing" && (c.ringing || []).includes(me.user)) out.push(act(t("answer"), t("answerLabel", { caller, exec }), "answer"));
  if (c.state === "answered" && (c.assistant === me.user || me.admin)) out.push(act(t("push"), t("pushLabel", { caller, exec }), "push"));
  if ((c.state === "answered" || c.state === "bridged") && (me.user === c.executive || me.admin))
    out.push(act(t("retrieve"), t("retrieveLabel", { caller, exec }), "retrieve"));
  // The executive bridges into a call at an assistant; an assistant only into the
  // executive's own call (never a colleague's: the API refuses it).
  const mayBridge = me.user === c.executive ? c.state !== "executive" : c.state === "executive" && !withheld(c.executive, "join_calls");
  if (!me.admin && !["ringing", "pushed", "announced"].includes(c.state) && c.assistant !== me.user && mayBridge)
    out.push(act(t("bridge"), t("bridgeLabel", { caller }), "bridge"));
  // Send to the executive's voicemail: a ringing call (anyone who sees it), a call to
  // the executive one is on.
  if (!me.admin && c.direction !== "outgoing" && (c.state === "ringing" || isMine(c)))
    out.push(act(t("voicemail"), t("voicemailLabel", { caller, exec }), "voicemail"));
  // Hold, resume and hang up: whoever is on the call (the API refuses anyone else).
  const onIt = isMine(c) || (me.user === c.executive && (c.state === "executive" || c.state === "bridged"));
  if (onIt && !["ringing", "pushed", "announced"].includes(c.state)) {
    out.push(c.held ? act(t("resume"), t("resumeLabel", { caller }), "resume") : act(t("hold"), t("holdLabel", { caller }), "hold"));
    out.push(act(t("hangup"), t("hangupLabel", { caller }), "hangup"));
    if (!me.admin) out.push(h("button", { type: "button", "data-action": "transfer", "aria-expanded": String(state.transferOpen === c.id),
      "aria-label": t("transferLabel", { caller }), on: { click: () => {
        state.transferOpen = state.transferOpen === c.id ? "" : c.id;
        renderCalls();
        const f = document.querySelector(`#transfer-${CSS.escape(slug(c.id))}`);
        if (f) f.focus();
      } } }, t("transfer")));
  }
  return out;
}

function renderCalls() {
  const list = $("#calls");
  if (!list) return;
  const calls = [...state.calls.values()].sort((a, b) => a.since.localeCompare(b.since));
  if (!calls.length) { list.replaceChildren(h("li", { class: "muted", text: t("noCalls") })); return; }
  // Keep what the user just read (the outcome of an action) across a re-render.
  const said = new Map([...list.querySelectorAll("li[data-call]")].map((li) => [li.dataset.call, li.querySelector(".said")]));
  list.replaceChildren(...calls.map((c) => h("li", { class: "call " + c.state, "data-call": c.id, "data-state": c.state, "data-direction": c.direction },
    h("div", { class: "who" }, partiesText(c),
      isMine(c) ? [" ", h("span", { class: "badge mine", text: t("mine") })] : null),
    h("div", { class: "state", text: stateText(c) }),
    h("time", { class: "since", "data-since": c.since, text: elapsed(c.since) }),
    h("div", { class: "actions" }, callActions(c)),
    state.transferOpen === c.id ? transferForm(c) : null,
    said.get(c.id) || h("p", { class: "said", role: "status" }))));
}

// transferForm asks for the number to transfer a call to; it survives the list's
// redraws (what was typed is kept in state).
function transferForm(c) {
  const id = "transfer-" + slug(c.id);
  const form = h("form", { class: "transfer field inline", "data-transfer": c.id },
    h("label", { for: id, text: t("transferTo") }),
    h("input", { id, inputmode: "tel", autocomplete: "off", required: true, value: state.transferValue || "",
      on: { input: (ev) => { state.transferValue = ev.target.value; } } }),
    h("button", { type: "submit", text: t("transferButton") }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const said = form.closest("li").querySelector(".said");
    const r = await api("POST", `/v1/calls/${encodeURIComponent(c.id)}/transfer`, { destination: state.transferValue || "" });
    said.textContent = r.ok ? r.data.done : errorOf(r).message;
    said.className = r.ok ? "said muted" : "said error";
    if (r.ok) { state.transferOpen = ""; state.transferValue = ""; renderCalls(); }
  });
  return form;
}

// callsToChoices are the numbers a filter's "calls to" may name for the executive whose
// settings path base is (from the executive's summary), plus any the filter already has.
function callsToChoices(base, had) {
  const id = decodeURIComponent(base.split("/")[3]);
  const e = state.execs.get(id) || (state.me.user === id ? state.execs.get(state.me.user) : null);
  const out = ((e && e.callsTo) || [{ value: "primary", shown: id }]).map((c) => ({ value: c.value,
    label: c.value === "primary" ? t("callsToPrimary", { number: c.shown }) : c.value === "mobility" ? t("callsToMobility", { number: c.shown }) : c.shown }));
  for (const v of had || []) if (!out.some((c) => c.value === v)) out.push({ value: v, label: v });
  return out;
}

// partiesText says who is calling whom, in words: "Bob Caller (212) 555-1234 for
// Erin Exec", or for a call placed as the executive "Ann Assist calling +44 20 7123
// 4567 for Erin Exec"; numbers as the API wrote them for people.
function partiesText(c) {
  const number = c.callerNumberDisplay || c.callerNumber || "";
  const exec = personName(c.executive);
  if (c.direction === "outgoing") {
    return h("span", { text: t("callOutgoing", { who: personName(c.placedBy), number: number || t("unknownNumber"), exec }) });
  }
  return h("span", {}, h("strong", { text: c.callerName || number || t("unknownCaller") }),
    c.callerName && number ? [" ", h("span", { class: "muted", text: number })] : null,
    " ", t("callFor", { exec }));
}

// isMine: the call is at my phone (I answered it or placed it).
function isMine(c) {
  const me = state.me.user;
  return c.assistant === me || c.placedBy === me;
}

// The timers count each call's age, from when it reached execassist.
setInterval(() => {
  for (const el of document.querySelectorAll("#calls time[data-since]")) el.textContent = elapsed(el.dataset.since);
}, 1000);

function callAsForm() {
  const execs = state.me.executives;
  const said = h("p", { role: "status", class: "muted" });
  const form = h("form", { class: "card", id: "call-as", "aria-labelledby": "callas-h" },
    h("h2", { id: "callas-h", text: t("callAs") }),
    field("callas-exec", t("callAsExecutive"), h("select", { id: "callas-exec" }, execs.map((x) => h("option", { value: x, text: personName(x) + " (" + x + ")" })))),
    field("callas-number", t("callAsNumber"), h("input", { id: "callas-number", inputmode: "tel", autocomplete: "off", required: true, pattern: "[0-9*#+ .\\(\\)\\-]{1,40}" })),
    h("button", { type: "submit", text: t("callAsButton") }), said);
  setTimeout(refreshCallAs);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const exec = $("#callas-exec").value, number = $("#callas-number").value.trim();
    const r = await api("POST", "/v1/calls/initiate", { executive: exec, destination: number });
    said.textContent = r.ok ? t("callAsRinging", { number, exec: personName(exec) }) : errorOf(r).message;
    said.className = r.ok ? "muted" : "error";
  });
  return form;
}

// refreshCallAs names the executives in "Call as" and offers only those who let me
// place calls as them (the form hides when none does).
function refreshCallAs() {
  const sel = $("#callas-exec");
  if (!sel) return;
  for (const o of sel.options) {
    o.textContent = personName(o.value) + " (" + o.value + ")";
    o.disabled = o.hidden = withheld(o.value, "place_calls");
  }
  if (sel.selectedOptions[0] && sel.selectedOptions[0].disabled) {
    const open = [...sel.options].find((o) => !o.disabled);
    if (open) sel.value = open.value;
  }
  $("#call-as").hidden = ![...sel.options].some((o) => !o.disabled);
}

// ---- settings forms ------------------------------------------------------------------------

function field(id, label, input, errKey) {
  return h("div", { class: "field" + (input.type === "checkbox" ? " check" : "") },
    input.type === "checkbox" ? h("label", { for: id }, input, " ", label) : [h("label", { for: id, text: label }), input],
    h("p", { class: "field-error", role: "alert", "data-error-for": errKey || "" }));
}

// input builds one control for a field descriptor {key, type, options}.
function input(id, f, value, readOnly) {
  switch (f.type) {
    case "checkbox": return h("input", { type: "checkbox", id, checked: !!value, disabled: readOnly });
    case "select": return h("select", { id, disabled: readOnly },
      f.options.map((o) => h("option", { value: o, selected: o === value, text: f.label ? f.label(o) : t(o) })));
    case "number": return h("input", { type: "number", id, value: value ?? "", disabled: readOnly, min: f.min, max: f.max });
    case "list": return h("input", { id, value: (value || []).join(", "), disabled: readOnly, autocomplete: "off" });
    case "choices": return h("fieldset", { id, class: "choices" }, h("legend", { text: f.legend || "" }), f.choices.map((c, i) => h("label", { class: "choice" },
      h("input", { type: "checkbox", value: c.value, checked: (value || []).includes(c.value), disabled: readOnly, id: id + "-" + i }), " ", c.label)));
    default: return h("input", { id, value: value ?? "", disabled: readOnly, autocomplete: "off" });
  }
}

function readInput(el, f) {
  switch (f.type) {
    case "checkbox": return el.checked;
    case "number": return el.value === "" ? 0 : Number(el.value);
    case "list": return el.value.split(",").map((s) => s.trim()).filter(Boolean);
    case "choices": return [...el.querySelectorAll("input:checked")].map((x) => x.value);
    case "bool": return el.value === "true";
    default: return el.value;
  }
}

// showWriteError puts an API error next to its field, or in the form's status line; a
// 412 says that someone else changed the setting, with a reload button.
function showWriteError(form, status, r, reload) {
  const e = errorOf(r);
  if (r.status === 412) {
    status.replaceChildren(t("conflict"), " ", h("button", { type: "button", text: t("reload"), on: { click: reload } }));
    status.className = "status error";
    return;
  }
  const slot = e.field && form.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`);
  if (slot) {
    slot.textContent = e.message;
    const inp = slot.parentElement.querySelector("input,select");
    if (inp) { inp.setAttribute("aria-invalid", "true"); inp.focus(); }
  } else {
    status.textContent = r.status === 403 ? t("forbidden", { why: e.message }) : t("failed", { why: e.message });
    status.className = "status error";
  }
}

// save PUTs a form's resource with If-Match; a refusal is shown (next to its field, or
// as a conflict with a reload button) and save returns null.
async function save(form, status, path, body, etag, reload) {
  clearErrors(form);
  status.textContent = "";
  const r = await api("PUT", path, body, etag);
  if (!r.ok) { showWriteError(form, status, r, reload); return null; }
  return r;
}

function saidSaved(status) {
  status.textContent = t("saved");
  status.className = "status ok";
}

function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// resourceForm ties a form to one API resource: GET (keeping its ETag) draws it with
// draw(cur); submit PUTs body(cur) with If-Match (save shows a refusal) and draws the
// answer. form.refreshETag() takes the resource's current ETag without redrawing: the
// page's own writes to a part of the resource (a filter added to callFiltering) change
// it, and must not make the next save look like someone else's change.
function resourceForm(form, status, path, title, draw, body) {
  let etag = null, cur = null;
  async function load() {
    const r = await api("GET", path);
    if (!r.ok) { form.replaceChildren(h("h2", { text: title }), h("p", { class: "error", text: errorOf(r).message })); return; }
    etag = r.etag; cur = r.data; draw(cur);
  }
  form.refreshETag = async () => {
    const r = await api("GET", path);
    if (r.ok) { etag = r.etag; cur = r.data; }
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await save(form, status, path, body(cur), etag, load);
    if (!r) return;
    etag = r.etag; cur = r.data; draw(cur);
    saidSaved(status);
    form.dispatchEvent(new CustomEvent("saved"));
  });
  load();
  return form;
}

// settingForm is one resource as a form of fields. A field with showIf(values) is shown
// only while it applies (the forward number only for Forward); its value is kept and
// saved either way. An edit not saved yet is said under the form.
function settingForm({ title, path, fields, readOnly, extraErrors }) {
  const form = h("form", { class: "card", "aria-label": title, "data-path": path });
  const status = h("p", { class: "status", role: "status" });
  const idOf = (f) => slug(path + "-" + f.key);
  const body = () => Object.fromEntries(fields.map((f) => [f.key, readInput(form.querySelector("#" + idOf(f)), f)]));
  function applies() {
    const values = body();
    for (const f of fields) if (f.showIf) form.querySelector("#" + idOf(f)).closest(".field").hidden = !f.showIf(values);
  }
  function draw(cur) {
    form.replaceChildren(h("h2", { text: title }));
    for (const f of fields) {
      const label = t(f.labelKey || f.key);
      form.append(field(idOf(f), label, input(idOf(f), f, cur[f.key], readOnly), f.key));
    }
    for (const k of extraErrors || []) form.append(h("p", { class: "field-error", role: "alert", "data-error-for": k }));
    if (!readOnly) form.append(h("button", { type: "submit", text: t("save") }));
    form.append(status);
    applies();
  }
  form.addEventListener("input", () => { applies(); saidUnsaved(status); });
  form.addEventListener("change", () => { applies(); saidUnsaved(status); });
  return resourceForm(form, status, path, title, draw, body);
}

// saidUnsaved says a form has edits not saved yet (until it is saved or reloaded).
function saidUnsaved(status) {
  if (status.classList.contains("error")) return; // the refusal stays until the next save
  status.textContent = t("unsaved");
  status.className = "status dirty";
}

const people = (id) => `/v1/people/${encodeURIComponent(id)}`;

function executiveSettings(id) {
  const me = state.me;
  const poolEditable = me.admin || me.user === id;
  const base = people(id) + "/executive/";
  // An assistant from whom the executive withholds changing settings reads them only.
  const readOnly = withheld(id, "change_settings");
  return h("div", { class: "settings", "data-exec": id },
    poolForm(base, poolEditable),
    permissionsForm(base, poolEditable),
    filteringCard(base, readOnly),
    listsForm(base, readOnly),
    availabilityForm(base, readOnly),
    settingForm({ title: t("screeningTitle"), path: base + "screening", readOnly, extraErrors: ["alertLocations"], fields: [
      { key: "enabled", type: "checkbox" }, { key: "alertType", type: "select", options: ["SILENT", "RING_SPLASH"] },
      { key: "alertMobilityLocationEnabled", type: "checkbox" }, { key: "alertAnywhereLocationEnabled", type: "checkbox" },
      { key: "alertSharedCallAppearanceLocationEnabled", type: "checkbox" }] }),
    settingForm({ title: t("alertingTitle"), path: base + "alert", readOnly, fields: [
      { key: "alertingMode", type: "select", options: ["SIMULTANEOUS", "SEQUENTIAL"] },
      { key: "nextAssistantNumberOfRings", type: "number", min: 1, max: 20, showIf: (v) => v.alertingMode === "SEQUENTIAL" },
      { key: "executiveAlerting", type: "select", options: ["NO", "FIRST", "TOGETHER"] },
      { key: "executiveFirstInSecs", type: "number", min: 2, max: 60, showIf: (v) => v.executiveAlerting === "FIRST" },
      { key: "rolloverEnabled", type: "checkbox" },
      { key: "rolloverWaitTimeInSecs", type: "number", min: 0, max: 3600, showIf: (v) => v.rolloverEnabled },
      { key: "rolloverAction", type: "select", options: ["VOICE_MESSAGING", "FORWARD", "NO_ANSWER_PROCESSING"] },
      { key: "rolloverForwardToPhoneNumber", type: "text", showIf: (v) => v.rolloverAction === "FORWARD" },
      { key: "clidNameMode", type: "select", options: ["EXECUTIVE", "EXECUTIVE_ORIGINATOR", "ORIGINATOR_EXECUTIVE", "ORIGINATOR", "CUSTOM"] },
      { key: "customCLIDName", type: "text", showIf: (v) => v.clidNameMode === "CUSTOM" },
      { key: "clidPhoneNumberMode", type: "select", options: ["EXECUTIVE", "ORIGINATOR", "CUSTOM"] },
      { key: "customCLIDPhoneNumber", type: "text", showIf: (v) => v.clidPhoneNumberMode === "CUSTOM" }] }),
    settingForm({ title: t("handOffsTitle"), path: base + "handOffs", readOnly, fields: [
      { key: "announcePushEnabled", type: "checkbox" },
      { key: "announcePushTimeoutInSecs", type: "number", min: 2, max: 30, showIf: (v) => v.announcePushEnabled },
      { key: "recordCallerNameEnabled", type: "checkbox" }] }));
}

// availabilityForm: what a call does while the executive is in a meeting, out of
// office or busy (the status itself is set next to the executive on the console).
function availabilityForm(base, readOnly) {
  const path = base + "availability";
  const form = h("form", { class: "card", id: "availability", "aria-labelledby": "availability-h", "data-path": path });
  const status = h("p", { class: "status", role: "status" });
  const statuses = ["IN_A_MEETING", "OUT_OF_OFFICE", "BUSY"];
  const sel = (s) => "#avail-" + s;
  function applies() {
    for (const s of statuses) form.querySelector("#avail-to-" + s).closest(".field").hidden = form.querySelector(sel(s)).value !== "FORWARD";
  }
  function draw(cur) {
    form.replaceChildren(h("h2", { id: "availability-h", text: t("availabilityTitle") }),
      ...statuses.map((s) => h("div", { class: "status-action", "data-status": s },
        field("avail-" + s, t("whileStatus", { status: t("status-" + s.toLowerCase().replaceAll("_", "-")) }),
          h("select", { id: "avail-" + s, disabled: readOnly }, ["NONE", "FILTER_ALL", "FORWARD", "VOICEMAIL"].map((a) =>
            h("option", { value: a, text: t("availability-" + a), selected: cur.actions[s].action === a })))),
        field("avail-to-" + s, t("forwardTo"), h("input", { id: "avail-to-" + s, inputmode: "tel", value: cur.actions[s].forwardToPhoneNumber || "", disabled: readOnly, autocomplete: "off" }), "forwardToPhoneNumber"))),
      h("p", { class: "field-error", role: "alert", "data-error-for": "actions" }));
    if (!readOnly) form.append(h("button", { type: "submit", text: t("save") }));
    form.append(status);
    applies();
  }
  const body = () => ({ actions: Object.fromEntries(statuses.map((s) => [s, { action: form.querySelector(sel(s)).value,
    forwardToPhoneNumber: form.querySelector(sel(s)).value === "FORWARD" ? form.querySelector("#avail-to-" + s).value.trim() : "" }])) });
  form.addEventListener("change", () => { applies(); saidUnsaved(status); });
  form.addEventListener("input", () => saidUnsaved(status));
  return resourceForm(form, status, path, t("availabilityTitle"), draw, body);
}

// listsForm: the number lists custom filters may name and which go straight to the
// executive; the organisation's are shown with their numbers read only (the YAML's),
// the executive's own are added, edited (one number per line) and removed here.
function listsForm(base, readOnly) {
  const path = base + "numberLists";
  const form = h("form", { class: "card", id: "lists", "aria-labelledby": "lists-h", "data-path": path });
  const status = h("p", { class: "status", role: "status" });
  let lists = [];
  function draw(cur) {
    if (cur) lists = cur.lists.map((l) => ({ ...l }));
    form.replaceChildren(h("h2", { id: "lists-h", text: t("listsTitle") }),
      lists.length ? h("ul", { class: "lists" }, lists.map((l, i) => h("li", { "data-list": l.name },
        l.organisation ? h("p", { class: "name" }, h("strong", { text: l.name }), " ", h("span", { class: "badge", text: t("organisationList") }))
          : field("list-name-" + i, t("listName"), h("input", { id: "list-name-" + i, value: l.name, disabled: readOnly, autocomplete: "off",
            on: { input: (ev) => { l.name = ev.target.value; } } })),
        field("list-numbers-" + i, t("listNumbers"), h("textarea", { id: "list-numbers-" + i, rows: 3, disabled: readOnly || l.organisation,
          text: l.phoneNumbers.join("\n"), on: { input: (ev) => { l.phoneNumbers = ev.target.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean); } } })),
        field("list-bypass-" + i, t("bypassEnabled"), h("input", { type: "checkbox", id: "list-bypass-" + i, checked: l.bypassEnabled, disabled: readOnly,
          on: { change: (ev) => { l.bypassEnabled = ev.target.checked; } } })),
        l.organisation || readOnly ? null : h("button", { type: "button", "aria-label": t("removeList", { name: l.name }),
          on: { click: () => { lists.splice(i, 1); draw(); saidUnsaved(status); } } }, t("del")))))
        : h("p", { class: "muted", text: t("noLists") }),
      h("p", { class: "field-error", role: "alert", "data-error-for": "lists" }));
    if (!readOnly) form.append(h("div", { class: "buttons" },
      h("button", { type: "button", id: "add-list", on: { click: () => { lists.push({ name: "", phoneNumbers: [], organisation: false, bypassEnabled: false }); draw(); saidUnsaved(status); form.querySelector("#list-name-" + (lists.length - 1)).focus(); } } }, t("addList")),
      h("button", { type: "submit", text: t("save") })));
    form.append(status);
  }
  const body = () => ({ lists: lists.map((l) => l.organisation ? { name: l.name, bypassEnabled: l.bypassEnabled } : { name: l.name, phoneNumbers: l.phoneNumbers, bypassEnabled: l.bypassEnabled }) });
  form.addEventListener("input", () => saidUnsaved(status));
  form.addEventListener("change", () => saidUnsaved(status));
  return resourceForm(form, status, path, t("listsTitle"), draw, body);
}

// withheld: the executive withholds permission perm from me, one of their assistants
// (the stream's summary says so; the API would refuse).
function withheld(exec, perm) {
  if (state.me.admin || state.me.user === exec) return false;
  const e = state.execs.get(exec);
  const mine = e && (e.assistants || []).find((a) => a.id === state.me.user);
  return !!(mine && (mine.withheld || []).includes(perm));
}

const permissionKeys = ["receiveFilteredCallsEnabled", "placeCallsEnabled", "changeSettingsEnabled", "pickUpHeldCallsEnabled", "joinCallsEnabled"];

// permissionsForm: what each assistant of the pool may do for the executive, a row of
// checkboxes per assistant; the executive (or an admin) changes it, an assistant reads it.
function permissionsForm(base, editable) {
  const path = base + "assistantPermissions";
  const form = h("form", { class: "card", id: "permissions", "aria-labelledby": "permissions-h", "data-path": path });
  const status = h("p", { class: "status", role: "status" });
  const box = (a, k) => "perm-" + slug(a.id) + "-" + k;
  let rows = [];
  function draw(cur) {
    rows = cur.assistants;
    form.replaceChildren(h("h2", { id: "permissions-h", text: t("permissionsTitle") }),
      ...(rows.length ? rows.map((a) => h("fieldset", { class: "permissions", "data-assistant": a.id },
        h("legend", { text: (a.displayName || a.id) + " (" + a.id + ")" }),
        permissionKeys.map((k) => h("label", { class: "choice" }, h("input", { type: "checkbox", id: box(a, k), checked: !!a[k], disabled: !editable,
          "aria-label": t("permissionOf", { what: t(k), name: a.displayName || a.id }) }), " ", t(k)))))
        : [h("p", { class: "muted", text: t("poolEmpty") })]),
      h("p", { class: "field-error", role: "alert", "data-error-for": "assistants" }));
    if (editable && rows.length) form.append(h("button", { type: "submit", text: t("save") }));
    form.append(status);
  }
  const body = () => ({ assistants: rows.map((a) => Object.fromEntries([["id", a.id]].concat(
    permissionKeys.map((k) => [k, form.querySelector("#" + box(a, k)).checked])))) });
  form.addEventListener("change", () => saidUnsaved(status));
  return resourceForm(form, status, path, t("permissionsTitle"), draw, body);
}

// poolForm: the assistants in alerting order; reorder, add, remove (executive, admin);
// read-only for an assistant.
function poolForm(base, editable) {
  const form = h("form", { class: "card", id: "pool", "aria-labelledby": "pool-h" });
  const status = h("p", { class: "status", role: "status" });
  let etag = null, ids = [], names = {}, opted = {}, allow = false, available = [];
  function draw() {
    const list = h("ol", { class: "pool" }, ids.length ? ids.map((x, i) => h("li", { "data-assistant": x },
      h("span", { class: "name", text: (names[x] || x) + " (" + x + ")" }),
      opted[x] === false ? h("span", { class: "badge", text: t("optedOut") }) : null,
      editable ? h("span", { class: "row-actions" },
        h("button", { type: "button", "aria-label": t("up", { name: names[x] || x }), disabled: i === 0, on: { click: () => { [ids[i - 1], ids[i]] = [ids[i], ids[i - 1]]; draw(); } } }, "↑"),
        h("button", { type: "button", "aria-label": t("down", { name: names[x] || x }), disabled: i === ids.length - 1, on: { click: () => { [ids[i + 1], ids[i]] = [ids[i], ids[i + 1]]; draw(); } } }, "↓"),
        h("button", { type: "button", "aria-label": t("remove", { name: names[x] || x }), on: { click: () => { ids.splice(i, 1); draw(); } } }, "✕")) : null))
      : h("li", { class: "muted", text: t("poolEmpty") }));
    form.replaceChildren(h("h2", { id: "pool-h", text: t("poolTitle") }), list,
      h("p", { class: "field-error", role: "alert", "data-error-for": "assistantIds" }));
    if (!editable) {
      form.append(h("p", { class: "muted", text: t("poolReadOnly") }));
      return;
    }
    // Add by search: a name or a number typed finds the assistants who may join.
    const results = h("ul", { class: "search-results", id: "pool-results", "aria-live": "polite" });
    const search = h("input", { id: "pool-search", type: "search", autocomplete: "off", placeholder: t("searchPlaceholder"),
      on: { input: () => showMatches(search.value) } });
    function showMatches(q) {
      const needle = q.trim().toLowerCase();
      const found = needle ? available.filter((p) => !ids.includes(p.id) &&
        ((p.displayName || "").toLowerCase().includes(needle) || p.id.includes(needle))).slice(0, 8) : [];
      results.replaceChildren(...(needle && !found.length ? [h("li", { class: "muted", text: t("noMatch") })] : found.map((p) =>
        h("li", {}, h("button", { type: "button", "data-add": p.id, on: { click: () => {
          ids.push(p.id); names[p.id] = p.displayName; draw(); saidUnsaved(status); form.querySelector("#pool-search").focus();
        } } }, t("addName", { name: (p.displayName || p.id) + " (" + p.id + ")" }))))));
    }
    form.append(
      h("div", { class: "field" }, h("label", { for: "pool-search", text: t("addAssistant") }), search, results),
      field("pool-allow", t("allowOptInOutEnabled"), h("input", { type: "checkbox", id: "pool-allow", checked: allow, on: { change: (ev) => { allow = ev.target.checked; } } }), "allowOptInOutEnabled"),
      h("button", { type: "submit", text: t("save") }), status);
  }
  async function load() {
    const r = await api("GET", base + "assignedAssistants");
    if (!r.ok) { form.replaceChildren(h("h2", { text: t("poolTitle") }), h("p", { class: "error", text: errorOf(r).message })); return; }
    etag = r.etag; ids = r.data.assistantIds.slice(); allow = r.data.allowOptInOutEnabled;
    names = {}; opted = {};
    for (const p of r.data.assistants) { names[p.id] = p.displayName; opted[p.id] = p.optInEnabled; }
    if (editable) {
      const a = await api("GET", base + "availableAssistants");
      available = a.ok ? a.data.assistants : [];
    }
    draw();
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!await save(form, status, base + "assignedAssistants", { assistantIds: ids, allowOptInOutEnabled: allow }, etag, load)) return;
    await load();
    saidSaved(status);
  });
  load();
  return form;
}

// filteringCard: on/off and type (a setting form) and the custom filters with an editor.
function filteringCard(base, readOnly) {
  const box = h("div", { class: "filtering" });
  const path = base + "callFiltering";
  const typeForm = settingForm({ title: t("filteringTitle"), path, readOnly, extraErrors: ["criteria"], fields: [
    { key: "enabled", type: "checkbox" },
    { key: "filterType", type: "select", options: ["ALL_CALLS", "ALL_INTERNAL_CALLS", "ALL_EXTERNAL_CALLS", "CUSTOM_CALL_FILTERS"] }] });
  const crit = h("section", { class: "card", id: "criteria", "aria-labelledby": "criteria-h" });
  const status = h("p", { class: "status", role: "status" });
  // load draws the filters; after the page's own write (wrote) the type form takes the
  // new ETag of callFiltering too.
  async function load(wrote) {
    const r = await api("GET", path);
    if (!r.ok) { crit.replaceChildren(h("p", { class: "error", text: errorOf(r).message })); return; }
    if (wrote) await typeForm.refreshETag();
    const rows = r.data.criteria;
    // Filters are in effect only with the filter type "Custom filters": say so.
    const inEffect = r.data.filterType === "CUSTOM_CALL_FILTERS";
    crit.replaceChildren(h("h2", { id: "criteria-h", text: t("criteriaTitle") }),
      rows.length ? h("ul", { class: "criteria" }, rows.map((c) => h("li", { "data-criterion": c.filterName, "data-id": c.id },
        h("span", { class: "name", text: c.filterName }),
        h("span", { class: "muted", text: c.filterEnabled ? t("filterYes") : t("filterNo") }),
        c.activationEnabled && !inEffect ? h("span", { class: "badge notice", text: t("notInEffect") }) : null,
        h("label", {}, h("input", { type: "checkbox", checked: c.activationEnabled, disabled: readOnly, "aria-label": t("activeSwitch", { name: c.filterName }),
          on: { change: async (ev) => {
            const w = await api("PUT", `${path}/criteria/${c.id}`, { activationEnabled: ev.target.checked });
            if (!w.ok) { ev.target.checked = !ev.target.checked; status.textContent = errorOf(w).message; status.className = "status error"; return; }
            await typeForm.refreshETag();
          } } }), " ", t("activationEnabled")),
        readOnly ? null : h("button", { type: "button", "aria-label": t("editFilter", { name: c.filterName }), on: { click: () => editor(c.id) } }, t("edit")),
        readOnly ? null : h("button", { type: "button", "aria-label": t("deleteFilter", { name: c.filterName }), on: { click: async () => {
          const w = await api("DELETE", `${path}/criteria/${c.id}`);
          if (!w.ok) { status.textContent = errorOf(w).message; status.className = "status error"; return; }
          load(true);
        } } }, t("del")))))
        : h("p", { class: "muted", text: t("noCriteria") }),
      readOnly ? h("p", { class: "muted", text: t("settingsWithheld") }) : h("button", { type: "button", id: "add-filter", on: { click: () => editor("") } }, t("addFilter")), status);
  }
  // editor opens the filter form: a new filter (id "") or an existing one (with its ETag).
  async function editor(id) {
    let cur = { filterName: "", scheduleName: "", holidayScheduleName: "", callsFrom: "ANY_PHONE_NUMBER", phoneNumbers: [], numberLists: [],
      anonymousCallersEnabled: false, unavailableCallersEnabled: false, callsToNumbers: [], filterEnabled: true, activationEnabled: true };
    let etag = null;
    if (id) {
      const r = await api("GET", `${path}/criteria/${id}`);
      if (!r.ok) { status.textContent = errorOf(r).message; return; }
      cur = r.data; etag = r.etag;
    }
    const schedules = [""].concat(state.me.schedules || []);
    const lr = await api("GET", base + "numberLists");
    const listNames = lr.ok ? lr.data.lists.map((l) => l.name) : [];
    for (const n of cur.numberLists || []) if (!listNames.includes(n)) listNames.push(n);
    const fields = [
      { key: "filterName", type: "text" },
      { key: "scheduleName", type: "select", options: schedules, label: (o) => o || t("always") },
      { key: "holidayScheduleName", type: "select", options: schedules, label: (o) => o || t("none") },
      { key: "callsFrom", type: "select", options: ["ANY_PHONE_NUMBER", "SELECT_PHONE_NUMBERS", "ANY_INTERNAL", "ANY_EXTERNAL"] },
      { key: "phoneNumbers", type: "list" },
      { key: "numberLists", type: "choices", choices: listNames.map((n) => ({ value: n, label: n })) },
      { key: "anonymousCallersEnabled", type: "checkbox" },
      { key: "unavailableCallersEnabled", type: "checkbox" }, { key: "callsToNumbers", type: "choices", choices: callsToChoices(base, cur.callsToNumbers) },
      { key: "filterEnabled", type: "bool" }, { key: "activationEnabled", type: "checkbox" }];
    const idOf = (f) => "filter-edit-" + f.key;
    const form = h("form", { class: "card editor", id: "filter-editor", "aria-labelledby": "filter-editor-h" },
      h("h2", { id: "filter-editor-h", text: id ? t("editFilter", { name: cur.filterName }) : t("addFilter") }),
      fields.map((f) => f.type === "choices"
        ? h("div", { class: "field" }, input(idOf(f), { ...f, legend: t(f.key) }, cur[f.key], false),
          h("p", { class: "field-error", role: "alert", "data-error-for": f.key }))
        : f.type === "bool"
        ? field(idOf(f), t(f.key), h("select", { id: idOf(f) }, h("option", { value: "true", selected: cur.filterEnabled, text: t("filterYes") }),
          h("option", { value: "false", selected: !cur.filterEnabled, text: t("filterNo") })), f.key)
        : field(idOf(f), t(f.key), input(idOf(f), f, cur[f.key], false), f.key)));
    const st = h("p", { class: "status", role: "status" });
    // The numbers field applies only to "Selected numbers".
    const applies = () => {
      const selected = form.querySelector("#filter-edit-callsFrom").value === "SELECT_PHONE_NUMBERS";
      form.querySelector("#filter-edit-phoneNumbers").closest(".field").hidden = !selected;
      form.querySelector("#filter-edit-numberLists").closest(".field").hidden = !selected || !listNames.length;
    };
    form.addEventListener("change", applies);
    applies();
    form.append(h("div", { class: "buttons" }, h("button", { type: "submit", text: t("save") }),
      h("button", { type: "button", text: t("cancel"), on: { click: () => form.remove() } })), st);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = {};
      for (const f of fields) body[f.key] = readInput(form.querySelector("#" + idOf(f)), f);
      const r = id ? await api("PUT", `${path}/criteria/${id}`, body, etag) : await api("POST", `${path}/criteria`, body);
      if (!r.ok) { showWriteError(form, st, r, () => editor(id)); return; }
      form.remove();
      load(true);
    });
    // The editor opens in place: under the filter it edits, or under the list for a new
    // one.
    const old = $("#filter-editor");
    if (old) old.remove();
    const row = id && [...crit.querySelectorAll("li[data-criterion]")].find((li) => li.dataset.id === id);
    if (row) row.append(form);
    else crit.querySelector("#add-filter").before(form);
    form.querySelector("input,select").focus();
  }
  typeForm.addEventListener("saved", () => load());
  load();
  box.append(typeForm, crit);
  return box;
}

function executivesView() {
  const ids = [...state.execs.keys()].filter((x) => x !== state.me.user).sort();
  if (!state.chosenExec || !ids.includes(state.chosenExec)) state.chosenExec = ids[0] || "";
  const sel = h("select", { id: "choose-exec", on: { change: (ev) => { state.chosenExec = ev.target.value; render(); } } },
    ids.map((x) => h("option", { value: x, selected: x === state.chosenExec, text: personName(x) + " (" + x + ")" })));
  return h("div", { class: "grid" }, h("div", { class: "field inline" }, h("label", { for: "choose-exec", text: t("chooseExecutive") }), sel),
    state.chosenExec ? executiveSettings(state.chosenExec) : null);
}

function mineView() {
  const me = state.me;
  const box = h("div", { class: "mine grid" });
  if (me.executive) box.append(executiveSettings(me.user));
  if (me.assistant) box.append(assistantForm());
  box.append(settingForm({ title: t("dndTitle"), path: people(me.user) + "/doNotDisturb", fields: [{ key: "enabled", type: "checkbox", labelKey: "dndEnabled" }] }));
  return box;
}

// assistantForm: my divert and my executives, each with its opt-in switch.
function assistantForm() {
  const path = people(state.me.user) + "/executive/assistant";
  const form = h("form", { class: "card", id: "assistant", "aria-labelledby": "assistant-h" });
  const status = h("p", { class: "status", role: "status" });
  function draw(cur) {
    form.replaceChildren(h("h2", { id: "assistant-h", text: t("assistantTitle") }),
      field("divert-on", t("forwardFilteredCallsEnabled"), h("input", { type: "checkbox", id: "divert-on", checked: cur.forwardFilteredCallsEnabled }), "forwardFilteredCallsEnabled"),
      field("divert-to", t("forwardToPhoneNumber"), h("input", { id: "divert-to", inputmode: "tel", value: cur.forwardToPhoneNumber, autocomplete: "off" }), "forwardToPhoneNumber"),
      h("h3", { text: t("myExecutives") }),
      h("ul", { class: "optins" }, cur.executives.map((e) => h("li", {},
        field("optin-" + slug(e.id), e.optInOutAllowed ? t("optIn", { name: e.displayName || e.id }) : t("optInNotAllowed", { name: e.displayName || e.id }),
          h("input", { type: "checkbox", role: "switch", id: "optin-" + slug(e.id), "data-exec": e.id, checked: e.optInEnabled, disabled: !e.optInOutAllowed }))))),
      h("p", { class: "field-error", role: "alert", "data-error-for": "executives" }),
      h("button", { type: "submit", text: t("save") }), status);
    form.querySelector("#divert-to").closest(".field").hidden = !cur.forwardFilteredCallsEnabled;
  }
  // The divert number applies only while diverting.
  form.addEventListener("change", () => {
    const to = form.querySelector("#divert-to");
    if (to) to.closest(".field").hidden = !form.querySelector("#divert-on").checked;
  });
  const body = (cur) => ({ forwardFilteredCallsEnabled: $("#divert-on").checked, forwardToPhoneNumber: $("#divert-to").value.trim(),
    executives: cur.executives.filter((e) => e.optInOutAllowed).map((e) => ({ id: e.id, optInEnabled: form.querySelector(`[data-exec="${CSS.escape(e.id)}"]`).checked })) });
  return resourceForm(form, status, path, t("assistantTitle"), draw, body);
}

// ---- admin ---------------------------------------------------------------------------

// adminView: health, users and their secrets, the audit log and the call journal.
function adminView() {
  const box = h("div", { class: "admin grid" });
  box.append(adminHealth(), adminUsers(), adminAudit(), adminJournal());
  return box;
}

function card(id, title, ...kids) {
  return h("section", { class: "card", id, "aria-labelledby": id + "-h" }, h("h2", { id: id + "-h", text: title }), ...kids);
}

function adminHealth() {
  const dl = h("dl", { class: "facts" });
  const box = card("admin-health", t("healthTitle"), dl);
  api("GET", "/v1/admin/health").then((r) => {
    if (!r.ok) { dl.replaceChildren(h("dd", { class: "error", text: errorOf(r).message })); return; }
    const d = r.data, yes = (b) => (b ? t("yes") : t("no"));
    const rows = [[t("healthAsterisk"), yes(d.ariConnected)], [t("healthStore"), (d.storeShared ? "etcd" : "bbolt") + ": " + yes(d.storeConnected)],
      [t("healthStale"), Math.round(d.staleSeconds) + " s"], [t("healthCalls"), String(d.activeSessions)]];
    if (d.storeDamaged) rows.push([t("healthDamaged"), d.storeDamaged]);
    if (d.settingsFrom) rows.push([t("healthSettings"), d.settingsFrom + (d.importedAt ? " (" + new Date(d.importedAt).toLocaleString(window.pageLang()) + ")" : "")]);
    if (d.node) rows.push([t("healthNode"), d.node]);
    dl.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
  });
  return box;
}

function adminUsers() {
  const table = h("table", { class: "users" });
  const box = card("admin-users", t("usersTitle"), table);
  api("GET", "/v1/admin/users").then((r) => {
    if (!r.ok) { table.replaceChildren(h("caption", { class: "error", text: errorOf(r).message })); return; }
    table.replaceChildren(h("thead", {}, h("tr", {}, [t("userName"), t("extColumn"), t("services"), t("signInAllowed"), ""].map((x) => h("th", { text: x })))),
      h("tbody", {}, r.data.items.map((u) => {
        const services = [u.executive ? t("serviceExecutive") + (u.pool && u.pool.length ? " (" + u.pool.map(personName).join(", ") + ")" : "") : null,
          u.assistant ? t("serviceAssistant") + (u.executives && u.executives.length ? " (" + u.executives.map(personName).join(", ") + ")" : "") : null].filter(Boolean).join("; ");
        const cell = h("td", {});
        cell.append(h("button", { type: "button", "data-secret-for": u.id, on: { click: () => secretForm(cell, u) } }, u.canSignIn ? t("resetSecret") : t("setSecret")));
        // An executive's pool (and every other setting) is edited on the Executives tab.
        if (u.executive) cell.append(" ", h("button", { type: "button", "data-pool-of": u.id, "aria-label": t("editPoolOf", { name: u.displayName || u.id }),
          on: { click: () => { state.tab = "executives"; state.chosenExec = u.id; renderTabs(); render(); } } }, t("editPool")));
        return h("tr", { "data-user": u.id }, h("td", { text: u.displayName || "" }), h("td", { text: u.id }), h("td", { text: services || "—" }),
          h("td", { text: u.canSignIn ? t("yes") : t("no") }), cell);
      })));
  });
  return box;
}

// secretForm sets or resets a user's secret: typed twice, never shown again.
function secretForm(cell, u) {
  const id = "secret-" + slug(u.id);
  const status = h("p", { class: "status", role: "status" });
  const form = h("form", { class: "secret-form" },
    field(id, t("newSecret", { name: u.displayName || u.id }), h("input", { id, type: "password", autocomplete: "new-password", required: true }), "secret"),
    field(id + "-again", t("secretAgain"), h("input", { id: id + "-again", type: "password", autocomplete: "new-password", required: true })),
    h("button", { type: "submit", text: t("save") }), status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const a = form.querySelector("#" + id), b = form.querySelector("#" + id + "-again");
    if (a.value !== b.value) { status.textContent = t("secretsDiffer"); status.className = "status error"; return; }
    const r = await api("PUT", `/v1/admin/users/${encodeURIComponent(u.id)}/secret`, { secret: a.value });
    a.value = ""; b.value = "";
    if (!r.ok) { showWriteError(form, status, r, () => {}); return; }
    status.textContent = t("secretSet", { name: u.displayName || u.id });
    status.className = "status ok";
  });
  cell.replaceChildren(form);
  form.querySelector("input").focus();
}

function adminAudit() {
  const list = h("ul", { class: "audit" });
  const box = card("admin-audit", t("auditTitle"), list);
  api("GET", "/v1/admin/audit?limit=50").then((r) => {
    if (!r.ok) { list.replaceChildren(h("li", { class: "error", text: errorOf(r).message })); return; }
    if (!r.data.items.length) { list.replaceChildren(h("li", { class: "muted", text: t("auditEmpty") })); return; }
    list.replaceChildren(...r.data.items.map((e) => h("li", {},
      h("time", { datetime: e.at, text: new Date(e.at).toLocaleString(window.pageLang()) }), " ",
      h("strong", { text: personName(e.who) }), " ", h("span", { class: "muted", text: "(" + e.role + ", " + e.from + ")" }), " ",
      h("code", { text: e.resource }),
      e.changes.length ? h("ul", { class: "changes" }, e.changes.map((c) => h("li", { text: c }))) : null)));
  });
  return box;
}

function adminJournal() {
  const list = h("ul", { class: "journal" });
  const execs = [...state.execs.keys()].sort();
  const sel = h("select", { id: "journal-exec", on: { change: () => load() } },
    h("option", { value: "", text: t("allExecutives") }), execs.map((x) => h("option", { value: x, text: personName(x) + " (" + x + ")" })));
  const box = card("admin-journal", t("journalTitle"), h("div", { class: "field inline" }, h("label", { for: "journal-exec", text: t("callsOf") }), sel), list);
  async function load() {
    const r = await api("GET", "/v1/admin/journal?limit=100&executive=" + encodeURIComponent(sel.value));
    if (!r.ok) { list.replaceChildren(h("li", { class: "error", text: errorOf(r).message })); return; }
    if (!r.data.items.length) { list.replaceChildren(h("li", { class: "muted", text: t("journalEmpty") })); return; }
    list.replaceChildren(...r.data.items.map((e) => h("li", { "data-record": e.call_id },
      h("details", {}, h("summary", {},
        h("time", { datetime: e.at, text: new Date(e.at).toLocaleString(window.pageLang()) }), " ",
        [e.kind, e.executive && personName(e.executive), e.caller_name || e.caller, e.decision, e.outcome, e.answered_by && t("outcomeAnswered", { who: personName(e.answered_by) }), e.end_cause]
          .filter(Boolean).join(" · ")),
      h("ol", { class: "why" }, (e.reasons || []).map((x) => h("li", { text: x })),
        (e.steps || []).map((s) => h("li", { class: "step", text: new Date(s.at).toLocaleTimeString(window.pageLang()) + " " + s.what + (s.by ? " (" + personName(s.by) + ")" : "") })))))));
  }
  load();
  return box;
}

// translateStatic puts the static words of index.html in the page's language.
function translateStatic() {
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.documentElement.lang = window.pageLang();
  $("#lang").value = window.pageLang();
}

// The language switch: kept in this browser; everything shown is drawn again in it.
$("#lang").addEventListener("change", (ev) => {
  try { localStorage.setItem("execassist-lang", ev.target.value); } catch (_) { /* storage off: this page only */ }
  translateStatic();
  if (state.me) {
    $("#who").textContent = whoText();
    renderTabs();
    render();
  }
});
translateStatic();

boot();
