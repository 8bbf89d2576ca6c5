// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON.
/**
 * SIGKILL the local runtime while timers are coming due (kill points from a fixed seed),
 * start it again each time: every once-timer fired exactly once — one run per timer, no
 * timer with two runs, no timer left unfired.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCOPES } from "../../src/wire/scopes.js";
import { timerScopeFor } from "../../src/wire/timers-scope.js";
import { SqliteStore } from "../../src/local/store.js";
import { REPO } from "../support/paths.js";

const TIMERS_RS = "524230d7-ea86-4a52-8312-86065a9e0417";

function startChild(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test", "local", "fixtures", "runtime-child.ts"), configFile], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`runtime exited (${code}) before it was ready: ${err}`)));
  });
}

async function token(url: string, client: { client_id: string; client_secret: string }, scopes: string[]): Promise<Record<string, string>> {
  const res = await fetch(`${url}/v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64") },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes.join(" ") }),
  });
  const b = await res.json();
  return Object.fromEntries([[b.resource_server, b.access_token], ...b.other_tokens.map((t) => [t.resource_server, t.access_token])]);
}

/** A fixed-seed generator, so the kill points are the same on every run of the test. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("SIGKILL while timers are due", () => {
  it("each due fire starts exactly one run across kills and restarts", async () => {
    const random = lcg(11);
    const root = mkdtempSync(join(tmpdir(), "flowsmith-timer-kill-"));
    const configFile = join(root, "config.json");
    writeFileSync(configFile, JSON.stringify({ dataDir: join(root, "data"), collections: {}, computeEndpoints: {} }));
    let { child, url } = await startChild(configFile);
    const client = JSON.parse(readFileSync(join(root, "data", "client.json"), "utf8"));
    const t = await token(url, client, [SCOPES.flows("all")]);
    const definition = { StartAt: "Echo", States: { Echo: { Type: "Pass", Parameters: { "i.$": "$.i" }, ResultPath: "$.echo", End: true } } };
    const flow = await (await fetch(`${url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition, input_schema: {}, title: "timer kill test" }) })).json();
    const tt = (await token(url, client, [timerScopeFor(SCOPES.flow(flow.id))]))[TIMERS_RS];
    const N = 30;
    const ids: string[] = [];
    const t0 = Date.now() + 300;
    for (let i = 0; i < N; i++) {
      // Due times spread over ~1.2 s, so kills land before, during and after fires.
      const at = new Date(t0 + i * 40).toISOString();
      const r = await (await fetch(`${url}/v2/timer`, { method: "POST", headers: { authorization: `Bearer ${tt}`, "content-type": "application/json" }, body: JSON.stringify({ timer: { timer_type: "flow", flow_id: flow.id, name: `kill ${i}`, schedule: { type: "once", datetime: at }, body: { body: { i } } } }) })).json();
      ids.push(r.timer.job_id);
    }
    let kills = 0;
    while (kills < 5) {
      await new Promise((res) => setTimeout(res, 20 + random() * 300));
      child.kill("SIGKILL");
      await new Promise((res) => child.once("exit", res));
      kills++;
      ({ child, url } = await startChild(configFile));
    }
    const t2 = (await token(url, client, [timerScopeFor(SCOPES.flow(flow.id))]))[TIMERS_RS];
    const jobs = async () => (await (await fetch(`${url}/jobs/`, { headers: { authorization: `Bearer ${t2}` } })).json()).jobs;
    for (let i = 0; i < 200; i++) {
      if ((await jobs()).every((j) => j.status === "ended")) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const final = await jobs();
    child.kill("SIGTERM");
    await new Promise((res) => child.once("exit", res));

    expect(final.map((j) => j.job_id).sort()).toEqual([...ids].sort());
    for (const j of final) {
      expect(j.status, j.name).toBe("ended");
      expect(j.n_runs, j.name).toBe(1);
      expect(j.results.data, j.name).toHaveLength(1);
    }
    // One run per timer in the store, and each timer's result names its own run.
    const store = new SqliteStore(join(root, "data", "state.sqlite"));
    const runs = store.find<{ run_id: string; input: { i: number } }>("run_meta", "flow_id", flow.id);
    store.close();
    expect(runs).toHaveLength(N);
    expect(runs.map((r) => r.input.i).sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
    expect(new Set(final.map((j) => j.results.data[0].resource_id))).toEqual(new Set(runs.map((r) => r.run_id)));
  }, 30_000);
});
