// @ts-nocheck -- browser integration test: page callbacks run in Chromium (DOM types), response bodies are untyped JSON checked at run time.
/**
 * `flowsmith ui` in a real browser: the built CLI serves a scratch copy of this repository's
 * seed project (`flowsmith ui --port 0 --no-open`), headless Chromium (Debian's package,
 * driven by playwright-core) opens the printed URL. The page names the four seed flows,
 * Tomocupy's start form has the schema's enums and defaults, an invalid value is refused
 * with the message at its field, a run started from the form (run directory picked, the
 * rundir mapper fills the form) reaches SUCCEEDED on its timeline, and the console shows
 * no JavaScript errors. The API refuses calls without the secret, with a foreign Origin or
 * a foreign Host. Screenshots go to a temporary folder (printed).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { scratchProject } from "../support/project.js";
import { CHROMIUM, haveChromium, launchChromium, startUiCli, watchedPage } from "./chromium.js";

if (!haveChromium) console.warn(`test/ui/browser.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);

let dir: string;
let server: Awaited<ReturnType<typeof startUiCli>>;
let url: string;
let origin: string;
let browser: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const shots = mkdtempSync(join(tmpdir(), "flowsmith-ui-shots-"));
const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

function raw(path: string, headers: Record<string, string>, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const u = new URL(path, origin);
    const req = request({ host: "127.0.0.1", port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe.skipIf(!haveChromium)("flowsmith ui in headless Chromium", () => {
  beforeAll(async () => {
    dir = scratchProject();
    const rd = join(dir, ".flowsmith", "collections", "cosmic_beamline", "aps", "scans", "scan9");
    mkdirSync(rd, { recursive: true });
    writeFileSync(join(rd, "test_data.h5"), "h5");
    server = await startUiCli(dir);
    ({ url, origin } = server);
    browser = await launchChromium();
    ({ page } = await watchedPage(browser, consoleErrors));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`flowsmith ui screenshots: ${shots}`);
  });

  it("lists the four seed flows with their build and deploy state", async () => {
    await page.goto(url);
    await page.waitForSelector("#flows-table tr[data-flow]");
    const names = await page.$$eval("#flows-table tr[data-flow]", (rows) => rows.map((r) => r.getAttribute("data-flow")));
    // The four seed flows (and the ALS prune flow their follow-ups run).
    for (const seed of ["als832_alcf", "cosmic_bl7012", "frib_e21062", "tomocupy_alcf"]) expect(names).toContain(seed);
    const text = await page.textContent("#flows-table");
    expect(text).toContain("Tomocupy reconstruction at ALCF");
    expect(text).toContain("not deployed");
    // The secret left the address bar once read.
    expect(page.url()).not.toContain("secret=");
    await shot("1-flows");
  }, 20_000);

  it("shows a flow's graph; a click on a state shows its definition", async () => {
    await page.click('#flows-table tr[data-flow="tomocupy_alcf"] a.flow-link');
    await page.waitForSelector('svg.graph g[data-state="TransferFiles"]');
    await page.click('svg.graph g[data-state="Tomocupy"]');
    await page.waitForFunction(() => document.querySelector("#state-panel")?.textContent?.includes("compute.actions.globus.org"));
    expect(await page.textContent("#state-panel")).toMatch(/flows\/tomocupy_alcf\.flow\.ts:\d+/);
    await shot("2-flow-graph");
  }, 20_000);

  it("generates Tomocupy's start form from its schema and locates an invalid value", async () => {
    await page.click("#start-link");
    await page.waitForSelector("#start-form select[data-pointer='/input/command']");
    const options = await page.$$eval("select[data-pointer='/input/command'] option", (o) => o.map((x) => x.textContent));
    expect(options).toEqual(["recon", "recon_steps"]);
    expect(await page.$eval("select[data-pointer='/input/command']", (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe("recon");
    expect(await page.$eval("select[data-pointer='/input/nsino_per_chunk']", (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe("4");
    expect(await page.inputValue("input[data-pointer='/input/rotation_axis']")).toBe("782.5");
    // The destination collection's default is the environment's alcf_eagle collection.
    expect(await page.inputValue("input[data-pointer='/input/destination/id']")).toBe("5a1b0000-0000-4000-8000-0000000000a2");
    await page.fill("input[data-pointer='/input/rotation_axis']", "-3");
    await page.click("#check");
    await page.waitForSelector('[data-error-for="/input/rotation_axis"] .problem');
    expect(await page.textContent('[data-error-for="/input/rotation_axis"]')).toMatch(/\/input\/rotation_axis.*(> 0|greater|exclusiveMinimum)/i);
    expect(await page.textContent("#form-status")).toMatch(/problem/);
    await shot("3-start-form-invalid");
  }, 20_000);

  it("browses a collection's paths with Transfer ls for the path beside it", async () => {
    await page.selectOption("fieldset[data-field='/input/source'] select.collection-pick", "5a1b0000-0000-4000-8000-0000000000a3");
    expect(await page.inputValue("input[data-pointer='/input/source/id']")).toBe("5a1b0000-0000-4000-8000-0000000000a3");
    await page.click("div[data-field='/input/source/path'] button.browse");
    for (const d of ["aps", "scans", "scan9"]) await page.click(`#browser a[data-name="${d}"]`);
    await page.waitForFunction(() => document.querySelector("#browser .crumb")?.textContent === "/aps/scans/scan9/");
    expect(await page.textContent("#browser")).toContain("test_data.h5");
    await shot("3b-path-browser");
    await page.click("#browser-choose");
    expect(await page.inputValue("input[data-pointer='/input/source/path']")).toBe("/aps/scans/scan9/");
  }, 20_000);

  it("starts a run from the form (run directory picked) and its timeline reaches SUCCEEDED", async () => {
    await page.click("#rundir-browse");
    for (const d of [".flowsmith", "collections", "cosmic_beamline", "aps", "scans", "scan9"]) await page.click(`#browser a[data-name="${d}"]`);
    await page.click("#browser-choose");
    expect(await page.inputValue("#rundir")).toBe(".flowsmith/collections/cosmic_beamline/aps/scans/scan9");
    await page.click("#rundir-use");
    await page.waitForFunction(() => (document.querySelector("input[data-pointer='/input/file_name']") as HTMLInputElement | null)?.value.endsWith("scan9/test_data.h5"));
    expect(await page.inputValue("input[data-pointer='/input/source/path']")).toBe("/aps/scans/scan9/");
    await page.fill("#run-label", "from the ui");
    await page.fill("#run-tags", "ui, browser-test");
    await page.click("#start");
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.waitForFunction(() => document.querySelector("#run-status")?.textContent === "SUCCEEDED", undefined, { timeout: 18_000 });
    const codes = await page.$$eval("#timeline tr[data-code]", (r) => r.map((x) => x.getAttribute("data-code")));
    expect(codes[0]).toBe("FlowStarted");
    expect(codes).toContain("ActionCompleted");
    expect(codes.at(-1)).toBe("FlowSucceeded");
    expect(await page.textContent("#run-head")).toContain("from the ui");
    expect(await page.$$eval("#bars .bar-row .bar-label", (b) => b.map((x) => x.textContent))).toEqual(["TransferFiles", "Tomocupy"]);
    // The flow's graph on the run page marks the states the run went through.
    expect(await page.$$eval("#run-graph g.node.visited", (g) => g.map((x) => x.getAttribute("data-state")).sort())).toEqual(["Tomocupy", "TransferFiles"]);
    await page.click('#timeline tr[data-code="ActionCompleted"] >> nth=1');
    expect(await page.textContent("#step-detail")).toContain("tomocupy");
    await shot("4-run-succeeded");
  }, 20_000);

  it("lists the run with its status, filtered by flow and status", async () => {
    await page.goto(`${origin}/#/runs?flow=tomocupy_alcf&status=SUCCEEDED`);
    await page.waitForSelector("#runs-table tr[data-run]");
    expect(await page.textContent("#runs-table")).toContain("from the ui");
    expect(await page.textContent("#runs-table")).toContain("SUCCEEDED");
    await shot("5-runs");
    await page.goto(`${origin}/#/runs?flow=cosmic_bl7012`);
    await page.waitForFunction(() => document.querySelector("#runs-table tbody")?.textContent?.includes("no runs"));
    await page.goto(`${origin}/#/runs?flow=tomocupy_alcf&since=2099-01-01T00:00`);
    await page.waitForFunction(() => document.querySelector("#runs-table tbody")?.textContent?.includes("no runs"));
    await page.goto(`${origin}/#/runs?flow=tomocupy_alcf&since=2000-01-01T00:00&until=2099-01-01T00:00`);
    await page.waitForSelector("#runs-table tr[data-run]");
    // The local runtime has a Timers service: its panel is there.
    await page.click("#nav-timers");
    await page.waitForSelector("#timers-table");
    expect(consoleErrors).toEqual([]);
  }, 20_000);

  it("schedules an ALS run's prune follow-ups when it succeeds, as run-flow does, and lists them as timers", async () => {
    const secret = new URL(url).hash.replace("#secret=", "");
    const api = async (path: string, body?: unknown) => {
      const r = await fetch(`${origin}/api${path}`, { method: body ? "POST" : "GET", headers: { "x-flowsmith-secret": secret, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return r.json();
    };
    const rd = join(dir, ".flowsmith", "collections", "nersc_cfs", "8.3.2", "raw", "BLS-00999_ui");
    mkdirSync(rd, { recursive: true });
    writeFileSync(join(rd, "20250101_120000_sample.h5"), "raw");
    const { run } = await api("/flows/als832_alcf/start", { rundir: ".flowsmith/collections/nersc_cfs/8.3.2/raw/BLS-00999_ui", label: "als from the ui" });
    expect(run.run_id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(async () => (await api(`/runs/${run.run_id}`)).status, { timeout: 15_000, interval: 250 }).toBe("SUCCEEDED");
    await expect.poll(async () => ((await api("/timers")).body?.jobs ?? []).filter((j) => j.name.includes(run.run_id)).length, { timeout: 8_000, interval: 250 }).toBe(2);
    await page.goto(`${origin}/#/timers`);
    await page.waitForFunction((id) => [...document.querySelectorAll("#timers-table tr[data-timer]")].filter((r) => r.textContent.includes(id)).length === 2, run.run_id);
    await shot("7-timers-local");
    // Pause one on the local Timers service, then resume it.
    const row = `#timers-table tr[data-timer]:has-text("prune-alcf")`;
    await page.click(`${row} button`);
    await page.waitForFunction((_sel) => document.querySelector("#timers-table")?.textContent?.includes("paused"), row);
    expect(await page.textContent(`${row} button`)).toBe("Resume");
    await page.click(`${row} button`);
    await page.waitForFunction(() => !document.querySelector("#timers-table")?.textContent?.includes("paused"));
  }, 20_000);

  it("refuses API calls without the secret, with a foreign Origin or a foreign Host", async () => {
    const secret = new URL(url).hash.replace("#secret=", "");
    const host = new URL(url).host;
    expect((await raw("/api/flows", { host })).status).toBe(401);
    expect((await raw("/api/flows", { host, "x-flowsmith-secret": "wrong" })).status).toBe(401);
    expect((await raw("/api/info", { host, "x-flowsmith-secret": secret })).status).toBe(200);
    expect((await raw("/api/info", { host, "x-flowsmith-secret": secret, origin: "http://evil.example" })).status).toBe(403);
    expect((await raw("/api/info", { host: "evil.example:80", "x-flowsmith-secret": secret })).status).toBe(403);
    expect((await raw("/", { host: "rebound.example" })).status).toBe(403);
    expect((await raw("/api/info", { host, "x-flowsmith-secret": secret, "sec-fetch-site": "cross-site" })).status).toBe(403);
    // A cross-site page's fetch, from the browser itself: the preflight gets no CORS grant.
    const p2 = await browser.newPage();
    await p2.goto(`${origin}/nothing-here`);
    const r = await p2.evaluate(async (o) => {
      try {
        const res = await fetch(`${o.replace("127.0.0.1", "localhost")}/api/info`, { headers: { "x-flowsmith-secret": "x" } });
        return res.status;
      } catch (e) {
        return String(e);
      }
    }, origin);
    expect(String(r)).toMatch(/TypeError|Failed to fetch|40[13]/);
    await p2.close();
  }, 20_000);
});
