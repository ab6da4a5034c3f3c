// The review page in a real headless Chromium (Debian's), driven by Playwright.
// Run by tests/ui_browser.rs against a server loaded with testdata/review_pairs.json:
//   node tests/browser/review.test.mjs BASE_URL SCREENSHOT_DIR
// Resolves one task by click and one by keyboard, checks through the API that the links
// changed, undoes the first from the person page, searches for a person, and checks that
// errors are shown and every control has a label. Exits non-zero on the first failure.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

const [base, shots] = process.argv.slice(2);
assert.ok(base && shots, "usage: review.test.mjs BASE_URL SCREENSHOT_DIR");
mkdirSync(shots, { recursive: true });

async function api(path) {
  const r = await fetch(base + path);
  assert.ok(r.ok, `${path}: ${r.status}`);
  return r.json();
}

const browser = await chromium.launch({
  executablePath: process.env.MPI_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
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

const tasks = (await api("/v1/review-tasks?order=oldest")).tasks;
assert.equal(tasks.length, 3, "the fixture opens three review tasks");

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
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea, button")]
    .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || (el.tagName === "BUTTON" && el.innerText.trim())))
    .map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
});

await step("changes need a reviewer name, and the error is shown", async () => {
  await page.goto(`${base}/ui#/task/${tasks[0].id}`);
  await page.getByRole("button", { name: /Claim/ }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /enter your name/);
  await page.getByLabel("Your name").fill("ann");
  await page.getByLabel("Your name").press("Tab");
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

await step("resolve by click: same person", async () => {
  await page.getByRole("button", { name: /Claim/ }).click();
  await page.getByRole("button", { name: /Release \(claimed by ann\)/ }).waitFor();
  await page.getByRole("button", { name: /Same person/ }).click();
  await page.getByRole("status").filter({ hasText: `Task ${first.id}: same person` }).waitFor();
  const task = await api(`/v1/review-tasks/${first.id}`);
  assert.equal(task.task.status, "resolved");
  assert.equal(task.task.decision, "same_person");
  assert.equal(task.task.assignee, "ann");
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

await step("defer by keyboard needs a note, shown as an error", async () => {
  const third = tasks.find((t) => t.id !== first.id && t.id !== second.id);
  await page.goto(`${base}/ui#/task/${third.id}`);
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
  const history = await api(`/v1/persons/${survivor}/history`);
  const merge = history.entries.find((e) => e.kind === "merge");
  assert.equal(merge.undone_by, "ann");
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

await browser.close();
if (failures.length) {
  console.log(`not ok - the page logged errors\n${failures.join("\n")}`);
  process.exit(1);
}
console.log("all browser steps passed");
