// mpi review and stewardship page. Plain JavaScript, no dependencies, served from the
// binary. It signs in with a reviewer or steward API key (sent once, never kept) and then
// works with the session cookie the server sets (HttpOnly, so out of this script's reach)
// plus the session's CSRF token, kept in memory and sent as X-CSRF-Token with every
// change; the server records every change under the key's name. Errors are shown in the
// alert at the top, never swallowed. Patient data only ever enters the page as text.
"use strict";

const FIELDS = [
  "given_name", "middle_name", "family_name", "suffix", "sex", "birth_date", "ssn",
  "phone", "email", "address_line", "city", "state", "postal_code",
];
const LABELS = {
  given_name: "Given name", middle_name: "Middle name", family_name: "Family name",
  suffix: "Suffix", sex: "Sex", birth_date: "Birth date", ssn: "SSN", phone: "Phone",
  email: "Email", address_line: "Address", city: "City", state: "State",
  postal_code: "Postal code",
};
const REASONS = {
  possible_match: "Possible match",
  poor_fit: "Poor fit after update",
  possible_duplicate: "Possible duplicate persons",
  rescore: "Model change",
};

const main = document.getElementById("main");
const errorBox = document.getElementById("error");
const notice = document.getElementById("notice");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const whoActor = document.getElementById("who-actor");

// The signed-in session: { actor, csrf } (memory only), or null when signed out.
let session = null;

// h("tag", {attr: value, onclick: fn}, child…): DOM nodes; strings become text nodes.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Puts the view's nodes in <main> (absent parts left out).
function show(...nodes) {
  main.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}

function showError(message, lead = "Could not complete: ") {
  errorBox.hidden = false;
  errorBox.replaceChildren(h("strong", {}, lead), message);
  errorBox.focus?.();
}
function clearMessages() { errorBox.hidden = true; errorBox.textContent = ""; }
function say(message) { notice.textContent = message; }

// Thrown when the session turned out to be over: the sign-in form is already shown.
class SignedOut extends Error {}

class ApiError extends Error {
  constructor(status, problem) {
    const field = problem.field ? ` (${problem.field})` : "";
    super(`${problem.title || "Error"} ${status}: ${problem.detail || ""}${field}`);
    this.status = status;
    this.problem = problem;
  }
}

// Reads a response's body: JSON, or the text as a problem's detail.
async function readBody(response) {
  const text = await response.text();
  try { return text ? JSON.parse(text) : null; } catch (_) { return { detail: text }; }
}

// Calls the API with the session (cookie, and the CSRF token on every change); a
// problem+json answer becomes an ApiError with its detail and field. A 401 means the
// session is over (expired, signed out elsewhere, key revoked): back to the sign-in form.
async function api(method, path, payload, headers) {
  if (!session) throw new SignedOut("signed out");
  const init = {
    method,
    credentials: "same-origin",
    headers: Object.assign({ Accept: "application/json" }, headers || {}),
  };
  if (method !== "GET") {
    init.headers["X-CSRF-Token"] = session.csrf;
    if (method === "POST" || payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload || {});
    }
  }
  const response = await fetch(path, init);
  const data = await readBody(response);
  if (response.status === 401) {
    signedOut();
    showError("your session has ended or its key was revoked; sign in again.", "Signed out: ");
    throw new SignedOut("signed out");
  }
  if (!response.ok) throw new ApiError(response.status, data || {});
  return { data, etag: response.headers.get("ETag"), url: response.url };
}

// Runs an action, showing its error; answers true when it succeeded.
async function attempt(action) {
  clearMessages();
  try { await action(); return true; } catch (e) {
    if (!(e instanceof SignedOut)) showError(e.message);
    return false;
  }
}

// ---- signing in and out ---------------------------------------------------------------

function signedIn(answer) {
  session = { actor: answer.actor, csrf: answer.csrf_token };
  whoActor.textContent = answer.actor;
  who.hidden = false;
  nav.hidden = false;
}

// Forgets the session and shows the sign-in form (and nothing else).
function signedOut() {
  session = null;
  current = null;
  who.hidden = true;
  nav.hidden = true;
  showSignIn();
}

const SIGN_IN_ERRORS = {
  401: "unknown or revoked key",
  403: "this key cannot use the review page (needs reviewer or steward)",
};

function showSignIn() {
  document.title = "Sign in · mpi";
  const key = h("input", {
    id: "api-key", name: "api-key", type: "password", required: true, autocomplete: "off",
    spellcheck: "false", "aria-describedby": "api-key-help", size: 40,
  });
  const form = h("form", { id: "sign-in", class: "stack", "aria-label": "Sign in", onsubmit: (e) => {
    e.preventDefault();
    const secret = key.value.trim();
    key.value = ""; // the key is sent once and never kept
    signIn(secret, key);
  } },
  h("label", { for: "api-key" }, "API key", key),
  h("span", { id: "api-key-help", class: "meta" },
    "A reviewer or steward key (mpi_…). It is sent once to start a session and not kept by the page."),
  h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Sign in")));
  show(h("h1", { tabindex: "-1" }, "Sign in"), form);
  key.focus();
}

async function signIn(secret, input) {
  clearMessages();
  say("");
  let response;
  try {
    response = await fetch("/v1/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", Authorization: `Bearer ${secret}` },
    });
  } catch (_) {
    // a key that cannot even be sent as a header (or the server is unreachable)
    showError("the key could not be sent; check it and the connection.", "Could not sign in: ");
    input.focus();
    return;
  }
  const data = await readBody(response);
  if (!response.ok) {
    showError(SIGN_IN_ERRORS[response.status] || new ApiError(response.status, data || {}).message,
      "Could not sign in: ");
    input.focus();
    return;
  }
  signedIn(data);
  await route();
}

async function signOut() {
  const ok = await attempt(async () => { await api("DELETE", "/v1/session"); });
  if (!ok) return;
  signedOut();
  say("Signed out.");
}

// On load: carries on with the session of the cookie (its CSRF token comes back from the
// server), or shows the sign-in form.
async function start() {
  let response;
  try {
    response = await fetch("/v1/session", { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch (e) {
    signedOut();
    showError(e.message);
    return;
  }
  const data = await readBody(response);
  if (response.ok && data?.credential === "session" && data.csrf_token) {
    signedIn(data);
    await route();
    return;
  }
  signedOut();
  if (response.status !== 401) showError(new ApiError(response.status, data || {}).message);
}

function age(ms) {
  const minutes = Math.max(0, Math.round((Date.now() - ms) / 60000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 60 * 48) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

function setView(title) {
  document.title = `${title} · mpi`;
  for (const a of document.querySelectorAll(".bar nav a")) {
    const here = location.hash.startsWith(a.getAttribute("href"));
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

// What kept the matcher from deciding: the score, or a guard rule.
function heldBy(t) {
  if (!t.decided_by || t.decided_by === "weight") return `score (${Math.round(t.probability * 100)} %)`;
  return t.decided_by.replace(/^rule:/, "").replace("_", " ") + " rule";
}

// ---- the queue ------------------------------------------------------------------------

let queueParams = new URLSearchParams({ order: "priority" });
let queueIds = [];

async function showQueue() {
  setView("Review queue");
  const query = new URLSearchParams(queueParams);
  const { data } = await api("GET", `/v1/review-tasks?${query}`);
  queueIds = data.tasks.filter((t) => t.status !== "resolved" && t.status !== "superseded").map((t) => t.id);
  const reason = h("select", { id: "f-reason", name: "reason" },
    h("option", { value: "" }, "All reasons"),
    Object.entries(REASONS).map(([k, v]) => h("option", { value: k, selected: queueParams.get("reason") === k }, v)));
  const status = h("select", { id: "f-status", name: "status" },
    [["", "Open and claimed"], ["open", "Open"], ["claimed", "Claimed"], ["resolved", "Resolved"], ["superseded", "Superseded"]]
      .map(([k, v]) => h("option", { value: k, selected: (queueParams.get("status") || "") === k }, v)));
  const order = h("select", { id: "f-order", name: "order" },
    h("option", { value: "priority", selected: queueParams.get("order") !== "oldest" }, "Strongest evidence first"),
    h("option", { value: "oldest", selected: queueParams.get("order") === "oldest" }, "Oldest first"));
  const source = h("input", { id: "f-source", name: "source", value: queueParams.get("source") || "", size: 12 });
  const assignee = h("input", { id: "f-assignee", name: "assignee", value: queueParams.get("assignee") || "", size: 12 });
  const form = h("form", { class: "filters", "aria-label": "Filter the queue", onsubmit: (e) => {
    e.preventDefault();
    queueParams = new URLSearchParams();
    for (const [k, el] of [["reason", reason], ["status", status], ["order", order], ["source", source], ["assignee", assignee]]) {
      if (el.value.trim()) queueParams.set(k, el.value.trim());
    }
    route();
  } },
  h("label", { for: "f-reason" }, "Reason", reason),
  h("label", { for: "f-status" }, "Status", status),
  h("label", { for: "f-source" }, "Source", source),
  h("label", { for: "f-assignee" }, "Claimed by", assignee),
  h("label", { for: "f-order" }, "Order", order),
  h("button", { type: "submit", class: "primary" }, "Apply"));

  const counts = h("ul", { class: "counts", "aria-label": "Open tasks by reason" },
    data.counts.length === 0 ? h("li", {}, "No open tasks") :
      data.counts.map((c) => h("li", {}, h("b", {}, c.count), REASONS[c.reason] || c.reason,
        h("span", { class: "meta" }, ` · oldest ${age(c.oldest_opened_at)}`))));
  const rows = data.tasks.map((t) => h("tr", {},
    h("td", {}, h("a", { href: `#/task/${t.id}` }, `Task ${t.id}`)),
    h("td", {}, REASONS[t.reason] || t.reason),
    h("td", {}, `${t.source} / ${t.source_id}`),
    h("td", { class: "num" }, t.weight.toFixed(1)),
    h("td", {}, heldBy(t)),
    h("td", {}, age(t.opened_at)),
    h("td", {}, t.status === "claimed" ? `claimed by ${t.assignee}` : t.status)));
  const table = data.tasks.length === 0 ? h("p", {}, "Nothing to review with these filters.") :
    h("table", {}, h("caption", { class: "meta" }, `${data.total} task(s); showing ${data.tasks.length}`),
      h("thead", {}, h("tr", {}, ["Task", "Reason", "Record", "Weight", "Held back by", "Age", "Status"].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows));
  show(h("h1", { tabindex: "-1" }, "Review queue"), counts, form, table,
    data.tasks.length ? h("p", { class: "meta" }, "Open a task, or press ", h("kbd", {}, "N"), " for the first one.") : null);
}

// ---- a task ---------------------------------------------------------------------------

let current = null; // { detail, etag, candidate }

function recordTable(left, right, leftTitle, rightTitle) {
  const rows = FIELDS.filter((f) => (left?.record?.[f] || right?.record?.[f])).map((f) => {
    const a = (left?.record?.[f] || "").trim();
    const b = (right?.record?.[f] || "").trim();
    const differs = a.toUpperCase() !== b.toUpperCase();
    return h("tr", { class: differs ? "diff" : null, "data-field": f },
      h("th", { scope: "row" }, LABELS[f]), h("td", {}, a || "—"), h("td", {}, b || "—"),
      h("td", { class: "meta" }, differs ? "differs" : "same"));
  });
  return h("table", { "aria-label": "The two records side by side" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, leftTitle),
      h("th", { scope: "col" }, rightTitle), h("th", { scope: "col" }, h("span", { class: "meta" }, "")))),
    h("tbody", {}, rows));
}

function waterfall(comparison) {
  if (!comparison) return h("p", { class: "meta" }, "No comparison: the candidate has no other record.");
  const max = Math.max(1, ...comparison.fields.map((f) => Math.abs(f.weight)));
  const rows = comparison.fields.map((f) => {
    const width = `${(Math.abs(f.weight) / max) * 50}%`;
    const bar = h("span", { class: f.weight >= 0 ? "pos" : "neg", style: `width:${width}` });
    return h("tr", { "data-field": f.field },
      h("th", { scope: "row" }, LABELS[f.field] || f.field),
      h("td", {}, f.level),
      h("td", { class: "bar-cell" }, h("div", { class: "wbar", role: "img", "aria-label": `weight ${f.weight.toFixed(2)}` }, bar)),
      h("td", { class: "num" }, (f.weight >= 0 ? "+" : "") + f.weight.toFixed(2)));
  });
  const rules = comparison.rules.map((r) => r.rule).join(", ");
  return h("div", {},
    h("table", { "aria-label": "Evidence field by field" },
      h("thead", {}, h("tr", {}, ["Field", "Agreement", "Weight", ""].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows)),
    h("p", {}, `Total weight ${comparison.total_weight.toFixed(2)} · probability ${(comparison.probability * 100).toFixed(1)} % · ` +
      `link at ${comparison.thresholds.link_weight.toFixed(1)}, review at ${comparison.thresholds.review_weight.toFixed(1)}` +
      (rules ? ` · rules: ${rules}` : "") + ` · decided by ${comparison.decided_by}`));
}

function otherRecords(side, title) {
  if (!side.other_records.length) return h("p", { class: "meta" }, `${title}: no other records.`);
  return h("div", {}, h("h3", { class: "meta" }, title),
    h("ul", {}, side.other_records.map((r) => h("li", {},
      `${r.source} / ${r.source_id}: ${r.record.given_name} ${r.record.family_name}, born ${r.record.birth_date || "?"}`))));
}

async function showTask(id) {
  setView(`Task ${id}`);
  const { data, etag } = await api("GET", `/v1/review-tasks/${id}`);
  current = { detail: data, etag, candidate: 0 };
  renderTask();
}

function renderTask() {
  const { detail } = current;
  const t = detail.task;
  const cand = detail.candidates[current.candidate] || { person_id: null, record: null, comparison: null, other_records: [] };
  const closed = t.status === "resolved" || t.status === "superseded";
  const choose = detail.candidates.length > 1 ? h("fieldset", {}, h("legend", {}, "Candidate person"),
    detail.candidates.map((c, i) => h("label", {},
      h("input", { type: "radio", name: "candidate", value: i, checked: i === current.candidate,
        onchange: () => { current.candidate = i; renderTask(); } }), ` ${c.person_id} `))) : null;
  const note = h("textarea", { id: "note", name: "note", maxlength: 2000, "aria-describedby": "note-help" });
  const buttons = closed ? h("p", { class: "meta" }, `This task is ${t.status}` + (t.decision ? ` (${t.decision})` : "") + ".") :
    h("div", { class: "actions", role: "group", "aria-label": "Decision" },
      h("button", { class: "good", id: "same", onclick: () => decide("same_person") }, "Same person ", h("kbd", {}, "S")),
      h("button", { class: "bad", id: "different", onclick: () => decide("different_people") }, "Different people ", h("kbd", {}, "D")),
      h("button", { id: "defer", onclick: () => decide("defer") }, "Defer ", h("kbd", {}, "F")),
      h("label", { for: "note" }, "Note"), note,
      h("span", { id: "note-help", class: "meta" }, "required to defer"));
  const claim = closed ? null : t.status === "claimed" ?
    h("button", { id: "release", onclick: () => claimOrRelease("release") }, `Release (claimed by ${t.assignee})`) :
    h("button", { id: "claim", onclick: () => claimOrRelease("claim") }, "Claim");
  show(
    h("h1", { tabindex: "-1" }, `Task ${t.id}: ${REASONS[t.reason] || t.reason}`),
    h("p", { class: "reason" }, t.reason_text),
    h("p", { class: "meta" }, `Status ${t.status}` + (t.assignee ? ` · ${t.assignee}` : "") +
      ` · opened ${age(t.opened_at)} ago · version ${t.version}` + (t.note ? ` · note: ${t.note}` : "")),
    choose,
    h("div", { class: "actions" }, claim,
      h("button", { id: "next", onclick: () => nextTask(null) }, "Next task ", h("kbd", {}, "N"))),
    buttons,
    h("div", { class: "sides" },
      h("section", { class: "card", "aria-labelledby": "h-records" },
        h("h2", { id: "h-records" }, "The two records"),
        recordTable(detail.subject.record, cand.record,
          `${detail.subject.record.source} / ${detail.subject.record.source_id}`,
          cand.record ? `${cand.record.source} / ${cand.record.source_id}` : "candidate"),
        h("p", { class: "meta" }, "Highlighted rows differ."),
        otherRecords(detail.subject, `Other records of ${detail.subject.person_id ? "person " + detail.subject.person_id : "the record's person"}`),
        otherRecords(cand, `Other records of candidate ${cand.person_id || ""}`),
        h("p", {}, detail.subject.person_id ? h("a", { href: `#/person/${detail.subject.person_id}` }, "Record's person") : null,
          " · ", cand.person_id ? h("a", { href: `#/person/${cand.person_id}` }, "Candidate person") : null)),
      h("section", { class: "card", "aria-labelledby": "h-why" },
        h("h2", { id: "h-why" }, "Why the system hesitated"),
        waterfall(cand.comparison))),
    detail.actions.length ? h("section", {}, h("h2", {}, "Actions on this task"),
      h("ul", {}, detail.actions.map((a) => h("li", {}, `${new Date(a.at).toLocaleString()}: ${a.action} by ${a.actor}` + (a.note ? ` (“${a.note}”)` : ""))))) : null);
}

async function claimOrRelease(action) {
  const id = current.detail.task.id;
  if (await attempt(async () => {
    await api("POST", `/v1/review-tasks/${id}/${action}`, {}, { "If-Match": current.etag });
  })) {
    say(action === "claim" ? `Task ${id} is yours.` : `Task ${id} is back in the queue.`);
    await attempt(() => showTask(id));
  }
}

async function decide(decision) {
  const { detail, etag } = current;
  const id = detail.task.id;
  const noteText = document.getElementById("note")?.value.trim() || null;
  const body = { decision };
  if (noteText) body.note = noteText;
  const cand = detail.candidates[current.candidate];
  if (decision === "same_person" && cand?.person_id && detail.task.candidate_persons.includes(cand.person_id)) {
    body.person_id = cand.person_id;
  }
  let answer = null;
  const ok = await attempt(async () => {
    answer = (await api("POST", `/v1/review-tasks/${id}/decision`, body, { "If-Match": etag })).data;
  });
  if (!ok) return;
  const words = { same_person: "same person", different_people: "different people", defer: "deferred" }[decision];
  await nextTask(`Task ${id}: ${words}.` + (answer.changed.person_id ? ` Record now in person ${answer.changed.person_id}.` : ""));
}

// Moves to the next open task (or the queue), then says `message`: once it is shown,
// the page has already moved on.
async function nextTask(message) {
  await attempt(async () => {
    const { data } = await api("GET", "/v1/review-tasks?status=open&order=" + (queueParams.get("order") || "priority") + "&limit=50");
    const here = current?.detail?.task?.id;
    const next = data.tasks.find((t) => t.id !== here);
    location.hash = next ? `#/task/${next.id}` : "#/queue";
    say([message, next ? null : "No other open task."].filter(Boolean).join(" "));
  });
}

// ---- persons --------------------------------------------------------------------------

async function showSearch() {
  setView("Find a person");
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const name = h("input", { id: "s-name", name: "name", value: params.get("name") || "", placeholder: "Family, Given" });
  const birth = h("input", { id: "s-birth", name: "birth_date", type: "date", value: params.get("birth_date") || "" });
  const ident = h("input", { id: "s-ident", name: "identifier", value: params.get("identifier") || "", placeholder: "MRN, SOURCE/MRN, SSN or phone" });
  const results = h("div", { id: "results", "aria-live": "polite" });
  const form = h("form", { class: "inline", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (name.value.trim()) q.set("name", name.value.trim());
    if (birth.value) q.set("birth_date", birth.value);
    if (ident.value.trim()) q.set("identifier", ident.value.trim());
    location.hash = `#/search?${q}`;
  } },
  h("label", { for: "s-name" }, "Name", name),
  h("label", { for: "s-birth" }, "Birth date", birth),
  h("label", { for: "s-ident" }, "Identifier", ident),
  h("button", { type: "submit", class: "primary" }, "Search"));
  show(h("h1", { tabindex: "-1" }, "Find a person"),
    h("p", { class: "meta" }, "Search by name with birth date, or by an identifier."), form, results);
  if ([...params.keys()].length === 0) return;
  const { data } = await api("GET", `/v1/persons?${params}`);
  results.replaceChildren(data.persons.length === 0 ? h("p", {}, "No person found.") :
    h("table", {}, h("thead", {}, h("tr", {}, ["Person", "Name", "Birth date", "Records", "Found by"].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, data.persons.map((p) => h("tr", {},
        h("td", {}, h("a", { href: `#/person/${p.person_id}` }, p.person_id)),
        h("td", {}, `${p.golden.family_name}, ${p.golden.given_name}`),
        h("td", {}, p.golden.birth_date),
        h("td", {}, p.records.map((r) => `${r.source}/${r.source_id}`).join(", ")),
        h("td", {}, p.found_by + (p.weight !== null ? ` (${p.weight.toFixed(1)})` : "")))))));
}

async function showPerson(id) {
  setView(`Person ${id}`);
  const person = await api("GET", `/v1/persons/${encodeURIComponent(id)}`);
  const shownId = person.data.person_id;
  const merged = shownId !== id;
  const { data: history } = await api("GET", `/v1/persons/${encodeURIComponent(shownId)}/history`);
  const p = person.data;
  const reason = h("input", { id: "p-reason", name: "reason", required: true, maxlength: 2000, size: 40 });
  const need = () => {
    if (!reason.value.trim()) { reason.focus(); throw new Error("give a reason for the change (field “Reason”)"); }
    return reason.value.trim();
  };
  // the page is redrawn first: once the message shows, the new state is on screen
  const after = async (message) => { await route(); say(message); };
  const golden = h("table", { "aria-label": "Golden view" }, h("tbody", {},
    FIELDS.filter((f) => p.golden[f]).map((f) => h("tr", {}, h("th", { scope: "row" }, LABELS[f]), h("td", {}, p.golden[f])))));
  const records = h("table", { "aria-label": "Linked records" },
    h("thead", {}, h("tr", {}, ["Split", "Record", ""].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, p.records.map((r) => h("tr", {},
      h("td", {}, h("input", { type: "checkbox", class: "split-pick", "aria-label": `Split out ${r.source}/${r.source_id}`, "data-source": r.source, "data-source-id": r.source_id })),
      h("td", {}, `${r.source} / ${r.source_id}`),
      h("td", {}, h("button", { "data-unlink": `${r.source}/${r.source_id}`, onclick: () => attempt(async () => {
        const { data } = await api("POST", `/v1/records/${encodeURIComponent(r.source)}/${encodeURIComponent(r.source_id)}/unlink`, { reason: need() });
        await after(`${r.source}/${r.source_id} now in new person ${data.person_id}.`);
      }) }, "Unlink"))))));
  const split = h("button", { id: "split", onclick: () => attempt(async () => {
    const picks = [...document.querySelectorAll(".split-pick:checked")].map((c) => ({ source: c.dataset.source, source_id: c.dataset.sourceId }));
    if (!picks.length) throw new Error("tick the records to split out first");
    const { data } = await api("POST", `/v1/persons/${encodeURIComponent(shownId)}/split`, { records: picks, reason: need() });
    await after(`Split into new person ${data.person_id}.`);
  }) }, "Split ticked records into a new person");
  const linkSource = h("input", { id: "l-source", size: 10 });
  const linkId = h("input", { id: "l-id", size: 10 });
  const link = h("form", { class: "inline", "aria-label": "Link a record", onsubmit: (e) => { e.preventDefault(); attempt(async () => {
    await api("POST", `/v1/records/${encodeURIComponent(linkSource.value.trim())}/${encodeURIComponent(linkId.value.trim())}/link`, { person_id: shownId, reason: need() });
    await after(`${linkSource.value.trim()}/${linkId.value.trim()} linked here.`);
  }); } },
  h("label", { for: "l-source" }, "Source", linkSource), h("label", { for: "l-id" }, "Source id", linkId),
  h("button", { type: "submit" }, "Link record here"));
  const from = h("input", { id: "m-from", size: 24 });
  const merge = h("form", { class: "inline", "aria-label": "Merge a person", onsubmit: (e) => { e.preventDefault(); attempt(async () => {
    const { data } = await api("POST", `/v1/persons/${encodeURIComponent(shownId)}/merge`, { from: from.value.trim(), reason: need() });
    await after(`Merged ${from.value.trim()} into this person (merge ${data.merge_id}).`);
  }); } },
  h("label", { for: "m-from" }, "Person to merge into this one", from), h("button", { type: "submit" }, "Merge"));
  const entries = history.entries.map((e) => {
    const when = new Date(e.at).toLocaleString();
    if (e.kind === "merge") {
      return h("li", {}, `${when}: merge ${e.id}, ${e.loser} into ${e.survivor} by ${e.actor} (${e.reason})` + (e.undone_at ? `, undone by ${e.undone_by}` : ""),
        e.undoable ? [" ", h("button", { "data-undo": e.id, onclick: () => attempt(async () => {
          const { data } = await api("POST", `/v1/merges/${e.id}/undo`, { reason: need() });
          await after(`Merge ${e.id} undone: person ${data.person_id} is back.`);
        }) }, `Undo merge ${e.id}`)] : null);
    }
    if (e.kind === "non_match") {
      return h("li", {}, `${when}: records ${e.record_a} and ${e.record_b} asserted different people by ${e.actor} (${e.reason})` + (e.revoked_at ? `, revoked by ${e.revoked_by}` : ""));
    }
    const score = e.weight !== null && e.weight !== undefined ? `, weight ${e.weight.toFixed(1)}, model ${e.model_version}` : "";
    return h("li", {}, `${when}: ${e.source}/${e.source_id} ${e.change} (${e.how}) by ${e.actor}` + (e.reason ? ` — ${e.reason}` : "") + score + (e.to_person ? ` → ${e.to_person}` : ""));
  });
  show(
    h("h1", { tabindex: "-1" }, `Person ${shownId}`),
    merged ? h("p", { class: "reason" }, `Person ${id} was merged into this one.`) : null,
    h("div", { class: "sides" },
      h("section", { class: "card" }, h("h2", {}, "Golden view"), golden,
        h("p", { class: "meta" }, "Each field: the newest complete value among the linked records.")),
      h("section", { class: "card" }, h("h2", {}, "Linked records"), records)),
    h("section", { class: "card", "aria-labelledby": "h-steward" }, h("h2", { id: "h-steward" }, "Stewardship"),
      h("div", { class: "stack" }, h("label", { for: "p-reason" }, "Reason (required for every change)", reason)),
      h("div", { class: "actions" }, split), link, merge),
    h("section", {}, h("h2", {}, "History"), h("ol", { class: "history" }, entries)));
}

// ---- routing and keys -----------------------------------------------------------------

async function route() {
  if (!session) { showSignIn(); return; }
  const hash = location.hash || "#/queue";
  const [path] = hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  await attempt(async () => {
    if (parts[0] === "task" && parts[1]) await showTask(parts[1]);
    else if (parts[0] === "person" && parts[1]) await showPerson(decodeURIComponent(parts[1]));
    else if (parts[0] === "search") await showSearch();
    else await showQueue();
  });
  if (!session) return; // the session ended: the sign-in form has the focus
  const heading = main.querySelector("h1");
  if (heading) heading.focus();
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || !session) return;
  const tag = (e.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  const key = e.key.toLowerCase();
  const onTask = current && location.hash.startsWith("#/task/");
  if (key === "n") { e.preventDefault(); nextTask(null); }
  else if (onTask && key === "s" && document.getElementById("same")) { e.preventDefault(); decide("same_person"); }
  else if (onTask && key === "d" && document.getElementById("different")) { e.preventDefault(); decide("different_people"); }
  else if (onTask && key === "f" && document.getElementById("defer")) { e.preventDefault(); decide("defer"); }
});
window.addEventListener("hashchange", route);
document.getElementById("sign-out").addEventListener("click", signOut);
errorBox.tabIndex = -1;
start();
