// @ts-nocheck -- browser integration test: page callbacks run in Chromium (DOM types), response bodies are untyped JSON checked at run time.
/**
 * The web-input and timer panels against the recorded Globus shapes (the local runtime's
 * services are exercised in web-input.test.ts and browser.test.ts): a stand-in Flows/Timers service answers with the fixtures of
 * ../shared/reference/fixtures (flows/sdk-*web_input*, timers/sdk-list_jobs, pause_job), the
 * UI server talks to it through a GlobusApi session of a `kind: globus` environment, and the
 * page answers the open web input and pauses the timer. A service without them (404) hides
 * the panels. The server's own refusals are checked in-process too.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { GlobusApi } from "../../src/globus/api.js";
import type { Session } from "../../src/globus/session.js";
import { requireProjectConfig } from "../../src/project/config.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { FIXTURES, REPO } from "../support/paths.js";
import { haveChromium, launchChromium, watchedPage } from "./chromium.js";

const fx = (p: string) => JSON.parse(readFileSync(join(FIXTURES, p), "utf8"));
const WEB_INPUT = "e35d1f92-3e2a-4c1c-8f36-7ce4f00f9d2c";
const RUN = "36ad9f9a-ad29-488f-beb4-c22ab729643a";
const JOB = "d5a0c5d2-7a3e-11ee-9c1f-0242ac120002";

interface Recorded {
  method: string;
  path: string;
  body: unknown;
  auth: string | undefined;
}

/** A stand-in for Flows and Timers that answers with the recorded bodies. */
async function fakeServices(opts: { features: boolean }): Promise<{ url: string; calls: Recorded[]; close: () => Promise<void> }> {
  const calls: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!;
      const body = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method!, path, body, auth: req.headers.authorization });
      const send = (status: number, b: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(b));
      };
      const run = { ...fx("flows/sdk-get_run.default.json"), run_id: RUN, status: "ACTIVE", completion_time: null, blocking_web_input_id: WEB_INPUT };
      if (req.method === "GET" && path === `/runs/${RUN}`) return send(200, run);
      if (req.method === "GET" && path === `/runs/${RUN}/log`) return send(200, { ...fx("flows/sdk-get_run_logs.default.json"), entries: fx("flows/sdk-get_run_logs.default.json").entries.slice(0, 2) });
      if (!opts.features) return send(404, { error: { code: "NOT_FOUND", detail: "no such route" } });
      if (req.method === "GET" && path === "/web_inputs") return send(200, fx("flows/sdk-list_web_inputs.default.json"));
      if (req.method === "GET" && path === `/web_inputs/${WEB_INPUT}`) return send(200, fx("flows/sdk-get_web_input.default.json"));
      if (req.method === "POST" && path === `/web_inputs/${WEB_INPUT}/respond`) {
        const options = fx("flows/sdk-get_web_input.default.json").options.map((o: { option_id: string }) => o.option_id);
        return options.includes(body?.response?.value) ? send(200, fx("flows/sdk-respond_to_web_input.default.json")) : send(422, fx("flows/sdk-respond_to_web_input.invalid_option.json"));
      }
      if (req.method === "GET" && (path === "/jobs" || path === "/jobs/")) return send(200, fx("timers/sdk-list_jobs.default.json"));
      if (req.method === "POST" && path === `/jobs/${JOB}/pause`) return send(200, fx("timers/sdk-pause_job.default.json"));
      if (req.method === "POST" && path === `/jobs/${JOB}/resume`) return send(200, fx("timers/sdk-resume_job.default.json"));
      send(404, { error: { code: "NOT_FOUND", detail: path } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((ok) => (server.closeAllConnections(), server.close(() => ok()))) };
}

function sessionFor(): Session {
  const config = requireProjectConfig(REPO);
  const env = config.environments.production!;
  const credentials = { kind: "client" as const, token: async () => "stand-in-token", identity: async () => "urn:globus:auth:identity:00000000-0000-4000-8000-000000000000" };
  return { config, env, credentials, api: new GlobusApi(credentials, { retry: { attempts: 1, baseMs: 1, maxMs: 1 } }), close: async () => {} };
}

const call = (ui: UiServer, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${ui.origin}/api${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { "x-flowsmith-secret": ui.secret, ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const saved: Record<string, string | undefined> = {};
function pointServicesAt(url: string): void {
  for (const s of ["FLOWS", "TIMERS", "TRANSFER"]) {
    saved[s] ??= process.env[`GLOBUS_SDK_SERVICE_URL_${s}`];
    process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = url;
  }
}
afterAll(() => {
  for (const [s, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[`GLOBUS_SDK_SERVICE_URL_${s}`];
    else process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = v;
  }
});

describe("web inputs and timers against the recorded shapes", () => {
  let svc: Awaited<ReturnType<typeof fakeServices>>;
  let ui: UiServer;
  beforeAll(async () => {
    svc = await fakeServices({ features: true });
    pointServicesAt(svc.url);
    ui = await startUiServer({ session: sessionFor() });
  });
  afterAll(async () => {
    await ui?.close();
    await svc?.close();
  });

  it("lists, reads and answers a web input; a wrong option is the service's 422", async () => {
    const list = await (await call(ui, `/web-inputs?run=${RUN}&state=open`)).json();
    expect(list).toMatchObject({ available: true, body: { web_input_summaries: [{ id: WEB_INPUT, status: "open" }] } });
    const one = await (await call(ui, `/web-inputs/${WEB_INPUT}`)).json();
    expect(one.body.options.map((o: { label: string }) => o.label)).toEqual(["Approve", "Reject"]);
    const ok = await call(ui, `/web-inputs/${WEB_INPUT}/respond`, { body: { value: "8f14e45f-ceea-467e-add1-6a6b672efe31" } });
    expect(ok.status).toBe(200);
    expect(svc.calls.at(-1)).toMatchObject({ method: "POST", path: `/web_inputs/${WEB_INPUT}/respond`, body: { response: { value: "8f14e45f-ceea-467e-add1-6a6b672efe31" } }, auth: "Bearer stand-in-token" });
    const bad = await call(ui, `/web-inputs/${WEB_INPUT}/respond`, { body: { value: "not-a-real-option" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.message).toMatch(/not a registered option id/);
    expect((await call(ui, `/web-inputs/${WEB_INPUT}/respond`, { body: {} })).status).toBe(400);
  });

  it("lists timers and pauses one", async () => {
    const t = await (await call(ui, "/timers")).json();
    expect(t.available).toBe(true);
    expect(t.body.jobs[0]).toMatchObject({ job_id: JOB, name: "example timer", status: "loaded" });
    expect((await call(ui, `/timers/${JOB}/pause`, { body: {} })).status).toBe(200);
    expect(svc.calls.at(-1)).toMatchObject({ method: "POST", path: `/jobs/${JOB}/pause` });
  });

  it("never hands a token to the browser", async () => {
    for (const p of ["/info", `/runs/${RUN}`, "/timers", `/web-inputs/${WEB_INPUT}`]) expect(await (await call(ui, p)).text()).not.toContain("stand-in-token");
  });

  it("refuses a missing or wrong secret (401), a foreign Origin or Host (403), a non-JSON post (415)", async () => {
    expect((await fetch(`${ui.origin}/api/info`)).status).toBe(401);
    expect((await call(ui, "/info", { headers: { "x-flowsmith-secret": "x".repeat(ui.secret.length) } })).status).toBe(401);
    expect((await call(ui, "/info", { headers: { origin: "https://example.org" } })).status).toBe(403);
    expect((await call(ui, "/info", { headers: { origin: "null" } })).status).toBe(403);
    expect((await call(ui, "/info", { headers: { origin: ui.origin } })).status).toBe(200);
    const form = await fetch(`${ui.origin}/api/runs/${RUN}/cancel`, { method: "POST", headers: { "x-flowsmith-secret": ui.secret, "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(415);
    expect(svc.calls.some((c) => c.path.endsWith("/cancel"))).toBe(false);
  });
});

describe("services without web inputs or timers", () => {
  it("hide the panels (404 -> available: false) and keep the rest working", async () => {
    const svc = await fakeServices({ features: false });
    pointServicesAt(svc.url);
    const ui = await startUiServer({ session: sessionFor() });
    try {
      expect(await (await call(ui, "/web-inputs?state=open")).json()).toMatchObject({ available: false });
      expect(await (await call(ui, "/timers")).json()).toMatchObject({ available: false, reason: expect.stringMatching(/404/) });
      expect((await (await call(ui, `/runs/${RUN}`)).json()).run_id).toBe(RUN);
    } finally {
      await ui.close();
      await svc.close();
    }
  });
});

describe.skipIf(!haveChromium)("the page answers a web input and pauses a timer", () => {
  let svc: Awaited<ReturnType<typeof fakeServices>>;
  let ui: UiServer;
  let browser: BrowserContext;
  beforeAll(async () => {
    svc = await fakeServices({ features: true });
    pointServicesAt(svc.url);
    ui = await startUiServer({ session: sessionFor() });
    // The run page looks up the run's flow among the project's: build them once up front
    // (in this process, as the page's first look would), so the page test measures the page.
    expect((await call(ui, "/flows")).status).toBe(200);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await svc?.close();
  });

  it("shows the open web input on its run and sends the chosen option", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.waitForSelector("#nav-inputs");
    await page.goto(`${ui.origin}/#/runs/${RUN}`);
    await page.waitForSelector(`#web-inputs [data-web-input="${WEB_INPUT}"] button[data-option]`);
    expect(await page.textContent("#web-inputs")).toContain("Approve deployment to production?");
    const shots = mkdtempSync(join(tmpdir(), "flowsmith-ui-shots-"));
    console.log(`flowsmith ui screenshots: ${shots}`);
    await page.screenshot({ path: join(shots, "6-web-input.png"), fullPage: true });
    await page.click('#web-inputs button[data-option="8f14e45f-ceea-467e-add1-6a6b672efe31"]');
    await page.waitForFunction(() => document.querySelector("#web-inputs")?.textContent?.includes("answered"));
    expect(svc.calls.filter((c) => c.path.endsWith("/respond")).at(-1)?.body).toEqual({ response: { value: "8f14e45f-ceea-467e-add1-6a6b672efe31" } });

    await page.click("#nav-timers");
    await page.waitForSelector(`#timers-table tr[data-timer="${JOB}"]`);
    expect(await page.textContent("#timers-table")).toContain("example timer");
    await page.click(`#timers-table tr[data-timer="${JOB}"] button`);
    await expect.poll(() => svc.calls.some((c) => c.method === "POST" && c.path === `/jobs/${JOB}/pause`)).toBe(true);
    await page.screenshot({ path: join(shots, "7-timers.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 20_000);
});
