// The review page in a real headless Chromium (Debian's), driven by Playwright.
// Run by tests/ui_browser.rs against a server loaded with testdata/review_pairs.json:
//   MPI_TEST_KEYS='{"api": KEY, "steward": {"name": …, "key": …}, "reviewer": …,
//                   "integration": …, "admin": …}' node tests/browser/review.test.mjs BASE_URL SCREENSHOT_DIR
// Signs in (and is refused with a wrong or an integration-only key), checks the session
// cookie and that the key is kept nowhere, resolves one task by click and one by
// keyboard, checks through the API that the links changed and that every change is
// recorded under the key's name, undoes the first from the person page, searches for a
// person, checks CSRF protection, reload, sign-out and revocation, and that errors are
// shown and every control has a label. Exits non-zero on the first failure.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

const [base, shots] = process.argv.slice(2);
assert.ok(base && shots, "usage: review.test.mjs BASE_URL SCREENSHOT_DIR");
const keys = JSON.parse(process.env.MPI_TEST_KEYS || "null");
assert.ok(keys?.api && keys.steward && keys.reviewer && keys.integration && keys.admin, "MPI_TEST_KEYS");
mkdirSync(shots, { recursive: true });

// Calls the API from outside the page (the test app's key unless `key` or `cookie`).
async function call(method, path, { key = keys.api, cookie, headers = {}, body } = {}) {
  const h = Object.assign({ Accept: "application/json" }, headers);
  if (cookie) h.Cookie = cookie; else h.Authorization = `Bearer ${key}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const r = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function api(path) {
  const r = await call("GET", path);
  assert.equal(r.status, 200, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const browser = await chromium.launch({
  executablePath: process.env.MPI_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
const page = await context.newPage();
const failures = [];
page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
// 4xx answers are provoked on purpose below (and the favicon); anything else is a failure
page.on("console", (m) => {
  if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) failures.push(`console: ${m.text()}`);
});
// nothing may be loaded from anywhere but the server under test
page.on("request", (r) => { if (!r.url().startsWith(base)) failures.push(`external request ${r.url()}`); });

async function step(name, fn) {
  try { await fn(); console.log(`ok - ${name}`); } catch (e) {
    await page.screenshot({ path: `${shots}/failed-${name.replace(/\W+/g, "-")}.png`, fullPage: true }).catch(() => {});
    console.log(`not ok - ${name}\n${e.stack}`);
    await browser.close();
    process.exit(1);
  }
}

async function unlabelledControls() {
  return page.evaluate(() => [...document.querySelectorAll("input, select, textarea, button")]
    .filter((el) => !el.closest("[hidden]"))
    .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || (el.tagName === "BUTTON" && el.innerText.trim())))
    .map((el) => el.outerHTML));
}

// The page shows the sign-in form and nothing else.
async function assertSignedOut() {
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("API key").waitFor();
  assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation");
  assert.equal(await page.getByRole("button", { name: "Sign out" }).isVisible(), false, "no sign-out button");
  assert.equal(await page.locator("main table").count(), 0, "no data on the page");
  assert.equal(await page.getByLabel("API key").inputValue(), "", "the key field is empty");
}

async function signIn(who) {
  await page.getByLabel("API key").fill(who.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#who-actor").filter({ hasText: who.name }).waitFor();
}

// Sends `method path` from inside the signed-in page (its cookie), with `csrf` as the
// X-CSRF-Token unless null, and extra headers.
async function fromPage(method, path, csrf, headers = {}) {
  return page.evaluate(async ([method, path, csrf, headers]) => {
    const h = Object.assign({ Accept: "application/json", "Content-Type": "application/json" }, headers);
    if (csrf !== null) h["X-CSRF-Token"] = csrf;
    const r = await fetch(path, { method, credentials: "same-origin", headers: h, body: method === "GET" ? undefined : "{}" });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, [method, path, csrf, headers]);
}

async function sessionCookie() {
  return (await context.cookies(base)).find((c) => c.name === "mpi_session");
}

const steward = keys.steward;
const tasks = (await api("/v1/review-tasks?order=oldest")).tasks;
assert.equal(tasks.length, 3, "the fixture opens three review tasks");

await step("signed out, the page shows only the sign-in form", async () => {
  await page.goto(`${base}/ui#/queue`);
  await assertSignedOut();
  assert.equal(await page.getByLabel("API key").getAttribute("type"), "password");
  assert.deepEqual(await unlabelledControls(), []);
  await page.screenshot({ path: `${shots}/sign-in.png`, fullPage: true });
});

await step("a wrong key is refused and the page stays signed out", async () => {
  await page.getByLabel("API key").fill("mpi_nosuchkey_0123456789abcdef");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "unknown or revoked key" }).waitFor();
  await assertSignedOut();
  assert.equal(await sessionCookie(), undefined, "no session cookie");
  assert.equal((await fromPage("GET", "/v1/session", null)).status, 401);
});

await step("an integration-only key cannot use the page", async () => {
  await page.getByLabel("API key").fill(keys.integration.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert")
    .filter({ hasText: "this key cannot use the review page (needs reviewer or steward)" }).waitFor();
  await assertSignedOut();
  assert.equal(await sessionCookie(), undefined, "no session cookie");
});

await step("sign in with a steward key: an HttpOnly, SameSite=Strict cookie, the key kept nowhere", async () => {
  await signIn(steward);
  await page.getByRole("heading", { name: "Review queue" }).waitFor();
  assert.equal(await page.getByRole("alert").isVisible(), false, "the earlier error is gone");
  assert.match(await page.locator("#who").innerText(), new RegExp(`Signed in as ${steward.name}`));
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  const cookie = await sessionCookie();
  assert.ok(cookie, "the session cookie is set");
  assert.equal(cookie.httpOnly, true, "HttpOnly");
  assert.equal(cookie.sameSite, "Strict", "SameSite=Strict");
  assert.equal(cookie.path, "/");
  assert.notEqual(cookie.value, steward.key, "the cookie is not the key");
  const seen = await page.evaluate(() => ({
    cookies: document.cookie,
    local: JSON.stringify(Object.entries(localStorage)),
    session: JSON.stringify(Object.entries(sessionStorage)),
    localCount: localStorage.length,
    sessionCount: sessionStorage.length,
    html: document.documentElement.outerHTML,
    inputs: [...document.querySelectorAll("input")].map((i) => i.value).join("\n"),
  }));
  assert.ok(!seen.cookies.includes("mpi_session"), "the cookie is out of the script's reach");
  for (const where of ["local", "session", "html", "inputs"]) {
    assert.ok(!seen[where].includes(steward.key), `the key is not in ${where}`);
  }
  assert.equal(seen.localCount, 0, "nothing in localStorage");
  assert.equal(seen.sessionCount, 0, "nothing in sessionStorage");
  const me = await fromPage("GET", "/v1/session", null);
  assert.equal(me.status, 200);
  assert.equal(me.body.actor, steward.name);
  assert.equal(me.body.credential, "session");
});

await step("the queue shows counts, rows and filters", async () => {
  await page.goto(`${base}/ui#/queue`);
  await page.getByRole("heading", { name: "Review queue" }).waitFor();
  const counts = page.getByRole("list", { name: "Open tasks by reason" });
  assert.match(await counts.innerText(), /3\s*Possible match/);
  assert.equal(await page.locator("tbody tr").count(), 3);
  await page.getByLabel("Order").selectOption("oldest");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.locator("tbody tr").first().waitFor();
  const first = await page.locator("tbody tr a").first().innerText();
  assert.equal(first, `Task ${tasks[0].id}`, "oldest first");
  await page.screenshot({ path: `${shots}/queue.png`, fullPage: true });
});

await step("every control has a label", async () => {
  assert.deepEqual(await unlabelledControls(), []);
});

const first = tasks[0];
let firstPersonBefore;
await step("a task shows both records side by side and why", async () => {
  await page.goto(`${base}/ui#/task/${first.id}`);
  await page.getByRole("heading", { name: `Task ${first.id}: Possible match` }).waitFor();
  const records = page.getByRole("table", { name: "The two records side by side" });
  assert.match(await records.innerText(), new RegExp(`${first.source} / ${first.source_id}`));
  assert.ok(await records.locator("tr.diff").count() >= 1, "a differing field is highlighted");
  const evidence = page.getByRole("table", { name: "Evidence field by field" });
  assert.ok(await evidence.locator("tbody tr").count() >= 5);
  assert.ok(await evidence.locator(".wbar span").count() >= 5, "weights drawn as bars");
  assert.match(await page.locator(".reason").innerText(), /not surely enough/);
  await page.screenshot({ path: `${shots}/task.png`, fullPage: true });
  firstPersonBefore = (await api(`/v1/records/${first.source}/${first.source_id}`)).person_id;
});

await step("a reload keeps the session, and changes still carry the CSRF token", async () => {
  await page.reload();
  await page.getByRole("heading", { name: `Task ${first.id}: Possible match` }).waitFor();
  assert.equal(await page.locator("#who-actor").innerText(), steward.name);
  await page.getByRole("button", { name: /Claim/ }).click();
  await page.getByRole("button", { name: `Release (claimed by ${steward.name})` }).waitFor();
  assert.equal(await page.getByRole("alert").isVisible(), false, "no error");
});

await step("resolve by click: same person", async () => {
  await page.getByRole("button", { name: /Same person/ }).click();
  await page.getByRole("status").filter({ hasText: `Task ${first.id}: same person` }).waitFor();
  const task = await api(`/v1/review-tasks/${first.id}`);
  assert.equal(task.task.status, "resolved");
  assert.equal(task.task.decision, "same_person");
  assert.equal(task.task.assignee, steward.name);
  const record = await api(`/v1/records/${first.source}/${first.source_id}`);
  assert.equal(record.person_id, first.candidate_persons[0], "the record joined the candidate");
  assert.equal(record.link, "manual");
});

let second;
await step("the next task opens by itself; resolve it by keyboard: different people", async () => {
  // the page moves on after the decision is confirmed
  await page.waitForFunction((id) => /#\/task\/\d+$/.test(location.hash) && !location.hash.endsWith(`/task/${id}`), first.id);
  second = tasks.find((t) => t.id !== first.id && t.id === Number(new URL(page.url()).hash.split("/")[2]));
  assert.ok(second, `moved on to another task (${page.url()})`);
  await page.getByRole("heading", { name: `Task ${second.id}: Possible match` }).waitFor();
  await page.keyboard.press("d");
  await page.getByRole("status").filter({ hasText: `Task ${second.id}: different people` }).waitFor();
  const task = await api(`/v1/review-tasks/${second.id}`);
  assert.equal(task.task.decision, "different_people");
  const record = await api(`/v1/records/${second.source}/${second.source_id}`);
  assert.notEqual(record.person_id, second.candidate_persons[0], "kept apart");
});

let third;
await step("CSRF: a change from the page without the session's token is refused", async () => {
  third = tasks.find((t) => t.id !== first.id && t.id !== second.id);
  await page.goto(`${base}/ui#/task/${third.id}`);
  await page.getByRole("heading", { name: `Task ${third.id}: Possible match` }).waitFor();
  const before = await api(`/v1/review-tasks/${third.id}`);
  assert.equal(before.task.status, "open");
  const claim = `/v1/review-tasks/${third.id}/claim`;
  const missing = await fromPage("POST", claim, null);
  assert.equal(missing.status, 403, JSON.stringify(missing.body));
  assert.equal(missing.body.code, "csrf");
  const wrong = await fromPage("POST", claim, "not-the-token");
  assert.equal(wrong.status, 403, JSON.stringify(wrong.body));
  assert.equal(wrong.body.code, "csrf");
  const after = await api(`/v1/review-tasks/${third.id}`);
  assert.deepEqual(after, before, "nothing changed");
  // the right token (as a reloaded page recovers it), and an X-Actor the server ignores
  const csrf = (await fromPage("GET", "/v1/session", null)).body.csrf_token;
  const right = await fromPage("POST", claim, csrf, { "X-Actor": "mallory" });
  assert.equal(right.status, 200, JSON.stringify(right.body));
  const claimed = await api(`/v1/review-tasks/${third.id}`);
  assert.equal(claimed.task.status, "claimed");
  assert.equal(claimed.task.assignee, steward.name, "recorded under the key's name, not X-Actor");
  assert.equal(claimed.actions.at(-1).actor, steward.name);
  const released = await fromPage("POST", `/v1/review-tasks/${third.id}/release`, csrf);
  assert.equal(released.status, 200, JSON.stringify(released.body));
});

await step("defer by keyboard needs a note, shown as an error", async () => {
  await page.goto(`${base}/ui#/task/${third.id}`);
  await page.reload(); // the page still shows the task as it was before the claim above
  await page.getByRole("heading", { name: `Task ${third.id}: Possible match` }).waitFor();
  await page.keyboard.press("f");
  const alert = page.getByRole("alert");
  await alert.filter({ hasText: "note" }).waitFor();
  await page.getByLabel("Note").fill("waiting for the clinic");
  await page.getByRole("button", { name: /Defer/ }).click();
  await page.getByRole("status").filter({ hasText: "deferred" }).waitFor();
  const task = await api(`/v1/review-tasks/${third.id}`);
  assert.equal(task.task.status, "open");
  assert.equal(task.task.note, "waiting for the clinic");
});

await step("undo the merge from the person page", async () => {
  const survivor = first.candidate_persons[0];
  await page.goto(`${base}/ui#/person/${survivor}`);
  await page.getByRole("heading", { name: `Person ${survivor}` }).waitFor();
  assert.match(await page.getByRole("table", { name: "Linked records" }).innerText(), new RegExp(first.source_id));
  await page.screenshot({ path: `${shots}/person.png`, fullPage: true });
  const undo = page.getByRole("button", { name: /Undo merge/ });
  await undo.click();
  await page.getByRole("alert").filter({ hasText: "reason" }).waitFor();
  await page.getByLabel(/Reason/).fill("reviewer mistake: twins");
  await undo.click();
  await page.getByRole("status").filter({ hasText: "undone" }).waitFor();
  const record = await api(`/v1/records/${first.source}/${first.source_id}`);
  assert.equal(record.person_id, firstPersonBefore, "the record is back in its own person");
});

await step("every change is recorded under the steward key's name", async () => {
  const task = await api(`/v1/review-tasks/${first.id}`);
  assert.ok(task.actions.length >= 2, JSON.stringify(task.actions));
  assert.deepEqual([...new Set(task.actions.map((a) => a.actor))], [steward.name], JSON.stringify(task.actions));
  const history = await api(`/v1/persons/${first.candidate_persons[0]}/history`);
  const merge = history.entries.find((e) => e.kind === "merge");
  assert.equal(merge.actor, steward.name);
  assert.equal(merge.undone_by, steward.name);
  const manual = history.entries.filter((e) => e.kind !== "merge" && e.kind !== "non_match" && e.how === "manual");
  assert.ok(manual.length >= 1, JSON.stringify(history.entries));
  for (const e of manual) assert.equal(e.actor, steward.name, JSON.stringify(e));
});

await step("a failed operation shows the server's problem", async () => {
  await page.getByLabel(/Reason/).fill("same patient");
  await page.getByLabel("Person to merge into this one").fill("p-does-not-exist");
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "not found" }).waitFor();
});

await step("search a person by name and birth date, then by identifier", async () => {
  await page.goto(`${base}/ui#/search`);
  await page.getByLabel("Name", { exact: true }).fill("Johnson, Robert");
  await page.getByLabel("Birth date").fill("1975-04-12");
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator("#results tbody tr").first().waitFor();
  assert.match(await page.locator("#results").innerText(), /HOSP_A\/A-103, LAB_B\/L-301/);
  await page.screenshot({ path: `${shots}/search.png`, fullPage: true });
  await page.goto(`${base}/ui#/search`);
  await page.getByLabel("Identifier").fill("L-301");
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator("#results tbody tr").first().waitFor();
  assert.match(await page.locator("#results").innerText(), /identifier/);
});

await step("sign out: back to the sign-in form, and the old cookie no longer works", async () => {
  const cookie = await sessionCookie();
  assert.ok(cookie, "signed in");
  const replay = `mpi_session=${cookie.value}`;
  assert.equal((await call("GET", "/v1/session", { cookie: replay })).status, 200, "the cookie works from outside");
  await page.getByRole("button", { name: "Sign out" }).click();
  await assertSignedOut();
  await page.getByRole("status").filter({ hasText: "Signed out" }).waitFor();
  assert.equal(await sessionCookie(), undefined, "the cookie is cleared");
  const after = await call("GET", "/v1/session", { cookie: replay });
  assert.equal(after.status, 401, "the old cookie is refused");
  const change = await call("POST", `/v1/review-tasks/${third.id}/claim`, { cookie: replay, body: {} });
  assert.equal(change.status, 401);
  await page.goto(`${base}/ui#/queue`);
  await page.reload();
  await assertSignedOut();
});

await step("revoking the key ends its session: the next action shows the sign-in form", async () => {
  const reviewer = keys.reviewer;
  await signIn(reviewer);
  await page.getByRole("heading", { name: "Review queue" }).waitFor();
  const listed = await call("GET", "/v1/tokens", { key: keys.admin.key });
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const id = listed.body.tokens.find((t) => t.name === reviewer.name && !t.revoked_at).id;
  const revoked = await call("POST", `/v1/tokens/${encodeURIComponent(id)}/revoke`, { key: keys.admin.key });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  await page.getByRole("button", { name: "Apply" }).click();
  await assertSignedOut();
  await page.getByRole("alert").filter({ hasText: "sign in again" }).waitFor();
  await page.getByLabel("API key").fill(reviewer.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "unknown or revoked key" }).waitFor();
  await assertSignedOut();
});

await browser.close();
if (failures.length) {
  console.log(`not ok - the page logged errors\n${failures.join("\n")}`);
  process.exit(1);
}
console.log("all browser steps passed");
