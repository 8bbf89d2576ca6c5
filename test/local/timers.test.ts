// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * The local Timers service driven by @globus/sdk's timers client: create a flow timer, see
 * it fire on the injected clock, find its run; list/show/update/pause/resume/delete; the
 * consent a flow timer needs; response shapes against the recorded Globus fixtures; and a
 * restart after fires came due: each fires exactly once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flows, timers } from "@globus/sdk";
import { ManualClock } from "../../src/engine/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/wire/scopes.js";
import { TIMER_SCOPE, timerScopeFor } from "../../src/wire/timers-scope.js";
import { FIXTURES } from "../support/paths.js";
import { GlobusApi } from "../../src/globus/api.js";
import { TimersClient } from "../../src/globus/timers.js";
import { AuthError } from "../../src/globus/auth/types.js";
import { scratchRuntime, shapeDiff, tokenFor } from "../support/runtime.js";

const fixture = (p: string) => JSON.parse(readFileSync(join(FIXTURES, p), "utf8"));
const T0 = Date.parse("2026-01-01T00:00:00Z");

let rt: LocalRuntime;
let clock: ManualClock;
let dir: string;
let flowId: string;
let tk: Record<string, string>;
const H = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });

const DEFINITION = { StartAt: "Echo", States: { Echo: { Type: "Pass", Parameters: { "got.$": "$.x" }, ResultPath: "$.echo", End: true } } };

async function until<T>(f: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  clock = new ManualClock(T0);
  ({ rt, dir } = await scratchRuntime({}));
  await rt.stop();
  rt = await startLocalRuntime({ dataDir: join(dir, "data"), collections: {}, computeEndpoints: {} }, { clock });
  for (const [k, v] of Object.entries(rt.env)) process.env[k] = v;
  const base = await tokenFor(rt, [SCOPES.flows("all")]);
  const f = await (await flows.flows.create({ payload: { definition: DEFINITION, input_schema: {}, title: "echo" }, ...H(base["flows.globus.org"]) })).json();
  flowId = f.id;
  if (!flowId) throw new Error(JSON.stringify(f));
  tk = { ...base, ...(await tokenFor(rt, [timerScopeFor(SCOPES.flow(flowId))])) };
});
afterAll(async () => {
  await rt?.stop();
});

const TIMERS_RS = "524230d7-ea86-4a52-8312-86065a9e0417";
const MANAGER = "urn:globus:auth:identity:4b3c2d1e-0f9a-4b8c-8d7e-6f5a4b3c2d1e";
/** A fire's `data` is what the callback answered: a run here, a transfer action in the v1 fixtures. */
const jobShape = (fx: unknown, got: unknown) => shapeDiff(fx, got).filter((d) => !/results\.data\[0\]\.data\./.test(d));

describe("local Timers through @globus/sdk", () => {
  it("creates a once flow timer with the fixture's shape, fires it at its time, and the run is found", async () => {
    const at = new Date(T0 + 3600_000).toISOString();
    const res = await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, name: "echo once", schedule: { type: "once", datetime: at }, body: { body: { x: 1 }, label: "from a timer", tags: ["t1"], run_managers: [MANAGER] } } }, ...H(tk[TIMERS_RS]) } as never);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(shapeDiff(fixture("timers/sdk-create_timer.flow_timer_success.json"), created)).toEqual([]);
    expect(created.timer).toMatchObject({ status: "new", n_runs: 0, number_of_runs: 0, flow_id: flowId, schedule: { type: "once", datetime: at.replace(".000Z", "+00:00") }, stop_after: { n_runs: 1 } });
    const id = created.timer.job_id;

    await clock.advance(3599_000);
    let job = await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json();
    expect(job.n_runs).toBe(0);
    await clock.advance(1000);
    job = await until(async () => {
      const j = await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json();
      return j.n_runs === 1 ? j : undefined;
    }, "the fire");
    expect(jobShape(fixture("timers/sdk-get_job.default.json"), job)).toEqual([]);
    expect(job).toMatchObject({ status: "ended", n_errors: 0, next_run: null, last_ran_at: "2026-01-01T01:00:00+00:00" });
    const runId = job.results.data[0].resource_id;
    const run = await (await flows.runs.get(runId, H(tk["flows.globus.org"]))).json();
    expect(run).toMatchObject({ flow_id: flowId, label: "from a timer", tags: ["t1"], status: "SUCCEEDED", details: { output: { echo: { got: 1 } } } });
    expect(job.results.data[0].run_status).toBe("SUCCEEDED");
    // Time passing further fires nothing more.
    await clock.advance(86400_000);
    expect((await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json()).n_runs).toBe(1);
  });

  it("recurring: every interval until the count is reached; list, update, pause, resume, delete", async () => {
    const start = new Date(clock.now() + 60_000).toISOString();
    const created = await (await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, name: "echo every hour", schedule: { type: "recurring", interval_seconds: 3600, start, end: { condition: "iterations", count: 3 } }, body: { body: { x: 2 } } } }, ...H(tk[TIMERS_RS]) } as never)).json();
    const id = created.timer.job_id;
    const runsOf = async () => (await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json()).n_runs;
    await clock.advance(60_000);
    await until(async () => ((await runsOf()) === 1 ? 1 : undefined), "fire 1");

    const list = await (await timers.jobs.getAll({ query: { filter_name: "every hour" }, ...H(tk[TIMERS_RS]) })).json();
    expect(list.jobs.map((j) => j.job_id)).toEqual([id]);
    expect(jobShape(fixture("timers/sdk-list_jobs.default.json"), list)).toEqual([]);
    expect(list.jobs[0]).toMatchObject({ interval: 3600, stop_after: { n_runs: 3 }, status: "loaded" });

    const upd = await (await timers.jobs.patch(id, { payload: { name: "renamed" }, ...H(tk[TIMERS_RS]) })).json();
    expect(upd.name).toBe("renamed");
    expect(jobShape(fixture("timers/sdk-update_job.default.json"), upd)).toEqual([]);
    const bad = await timers.jobs.patch(id, { payload: { schedule: {} } as never, ...H(tk[TIMERS_RS]) });
    expect(bad.status).toBe(422);
    expect((await bad.json()).detail[0].loc).toEqual(["body", "schedule"]);

    const paused = await (await timers.jobs.pause(id, H(tk[TIMERS_RS]))).json();
    expect(shapeDiff(fixture("timers/sdk-pause_job.default.json"), paused)).toEqual([]);
    await clock.advance(7200_000);
    const inactive = await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json();
    expect(inactive).toMatchObject({ status: "inactive", inactive_reason: { cause: "user" }, n_runs: 1 });
    // Resuming fires the slot that came due while paused once, not once per missed hour.
    const resumed = await (await timers.jobs.resume(id, H(tk[TIMERS_RS]))).json();
    expect(shapeDiff(fixture("timers/sdk-resume_job.default.json"), resumed)).toEqual([]);
    await until(async () => ((await runsOf()) === 2 ? 2 : undefined), "fire after resume");
    await clock.advance(3600_000);
    await until(async () => ((await runsOf()) === 3 ? 3 : undefined), "fire 3");
    const ended = await (await timers.jobs.get(id, H(tk[TIMERS_RS]))).json();
    expect(ended).toMatchObject({ status: "ended", n_runs: 3, next_run: null });
    expect(new Set(ended.results.data.map((r) => r.resource_id)).size).toBe(3);

    const del = await timers.jobs.remove(id, H(tk[TIMERS_RS]));
    expect(del.status).toBe(200);
    expect(jobShape(fixture("timers/sdk-delete_job.default.json"), await del.json())).toEqual([]);
    expect((await timers.jobs.get(id, H(tk[TIMERS_RS]))).status).toBe(404);
  });

  it("refuses a flow timer whose timer token lacks the flow scope dependency, naming the scope to consent", async () => {
    const bare = await tokenFor(rt, [TIMER_SCOPE]);
    const res = await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, schedule: { type: "once" }, body: { body: { x: 1 } } } }, ...H(bare[TIMERS_RS]) } as never);
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.error.code).toBe("ConsentRequired");
    expect(body.error.authorization_parameters.required_scopes).toEqual([timerScopeFor(SCOPES.flow(flowId))]);
    // A token for another service is refused outright.
    expect((await timers.jobs.getAll(H(tk["flows.globus.org"]))).status).toBe(403);
  });

  it("flowsmith's Timers client turns a missing consent into an auth error with the exact login command", async () => {
    const bare = await tokenFor(rt, [TIMER_SCOPE]);
    // Credentials that hand out a timer token consented without the flow scope dependency.
    const api = new GlobusApi({ token: async () => bare[TIMERS_RS] } as never, { envName: "production", retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
    const runScope = `${SCOPES.flow(flowId)}[${SCOPES.transferAll}]`;
    const err = await new TimersClient(api).createFlowTimer({ flowId, runScope, name: "x", schedule: { type: "once" }, start: { body: { x: 1 } } }).catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/ConsentRequired/);
    expect(err.fix).toBe(`flowsmith login --env production --scope "${timerScopeFor(runScope)}"`);
  });

  it("refuses invalid schedules and run inputs with located errors", async () => {
    const r1 = await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, schedule: { type: "recurring", interval_seconds: 0 }, body: { body: {} } } }, ...H(tk[TIMERS_RS]) } as never);
    expect(r1.status).toBe(422);
    expect((await r1.json()).detail[0].loc).toEqual(["body", "timer", "schedule", "interval_seconds"]);
    const r2 = await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, schedule: { type: "once", datetime: "tomorrow" }, body: { body: {} } } }, ...H(tk[TIMERS_RS]) } as never);
    expect(r2.status).toBe(422);
  });

  it("a start Flows refuses is recorded on the timer (n_errors, results with the error); a lost RUN role makes it inactive", async () => {
    const base = await tokenFor(rt, [SCOPES.flows("all")]);
    const strict = await (await flows.flows.create({ payload: { definition: DEFINITION, input_schema: { type: "object", required: ["x"] }, title: "strict" }, ...H(base["flows.globus.org"]) })).json();
    const t = (await tokenFor(rt, [timerScopeFor(SCOPES.flow(strict.id))]))[TIMERS_RS];
    const c = await (await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: strict.id, name: "bad input", schedule: { type: "recurring", interval_seconds: 60, end: { condition: "iterations", count: 2 } }, body: { body: {} } } }, ...H(t) } as never)).json();
    const job = await until(async () => {
      const j = await (await timers.jobs.get(c.timer.job_id, H(t))).json();
      return j.n_runs === 1 ? j : undefined;
    }, "the failed fire");
    expect(job).toMatchObject({ n_errors: 1, status: "loaded" });
    expect(job.results.data[0]).toMatchObject({ status: 400, run_status: "FAILED", errors: { code: "FLOW_INPUT_ERROR" } });
    // The flow is deleted: the next fire is an error too, and the schedule ends after its 2 runs.
    await flows.flows.remove(strict.id, H(base["flows.globus.org"]));
    await clock.advance(60_000);
    const ended = await until(async () => {
      const j = await (await timers.jobs.get(c.timer.job_id, H(t))).json();
      return j.n_runs === 2 ? j : undefined;
    }, "the second fire");
    expect(ended).toMatchObject({ n_errors: 2, status: "ended" });
    expect(ended.results.data[1].status).toBe(404);

    // Someone else's flow we may start; they take the RUN role away before the fire.
    rt.auth.addClient("0a0a0a0a-0000-4000-8000-000000000001", "other-secret", "other");
    const other = await (await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from("0a0a0a0a-0000-4000-8000-000000000001:other-secret").toString("base64") }, body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPES.flows("all") }) })).json();
    const me = `urn:globus:auth:identity:${rt.client.client_id}`;
    const shared = await (await flows.flows.create({ payload: { definition: DEFINITION, input_schema: {}, title: "shared", flow_starters: [me], flow_viewers: [me] }, ...H(other.access_token) })).json();
    const ts = (await tokenFor(rt, [timerScopeFor(SCOPES.flow(shared.id))]))[TIMERS_RS];
    const sc = await (await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: shared.id, name: "shared", schedule: { type: "recurring", interval_seconds: 60, start: new Date(clock.now() + 60_000).toISOString() }, body: { body: {} } } }, ...H(ts) } as never)).json();
    await flows.flows.update(shared.id, { payload: { flow_starters: [] }, ...H(other.access_token) });
    await clock.advance(60_000);
    const inactive = await until(async () => {
      const j = await (await timers.jobs.get(sc.timer.job_id, H(ts))).json();
      return j.n_runs === 1 ? j : undefined;
    }, "the refused fire");
    expect(inactive).toMatchObject({ status: "inactive", n_errors: 1, inactive_reason: { cause: "globus_auth_requirements" } });
    // Inactive: no more fires until resumed.
    await clock.advance(600_000);
    expect((await (await timers.jobs.get(sc.timer.job_id, H(ts))).json()).n_runs).toBe(1);
    await timers.jobs.remove(sc.timer.job_id, H(ts));
  });

  it("after a restart, each fire that came due while the runtime was down starts exactly one run", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const c = await (await timers.timer.create({ payload: { timer: { timer_type: "flow", flow_id: flowId, name: `down ${i}`, schedule: i < 2 ? { type: "once", datetime: new Date(clock.now() + 1000 * (i + 1)).toISOString() } : { type: "recurring", interval_seconds: 60, start: new Date(clock.now() + 1000).toISOString() }, body: { body: { x: i } } } }, ...H(tk[TIMERS_RS]) } as never)).json();
      ids.push(c.timer.job_id);
    }
    await rt.stop();
    clock = new ManualClock(clock.now() + 3600_000); // an hour later: 60 missed minutes for the recurring one
    rt = await startLocalRuntime({ dataDir: join(dir, "data"), collections: {}, computeEndpoints: {} }, { clock });
    for (const [k, v] of Object.entries(rt.env)) process.env[k] = v;
    expect(rt.recovered.dueTimers).toBe(3);
    const fresh = { ...(await tokenFor(rt, [SCOPES.flows("all")])), ...(await tokenFor(rt, [timerScopeFor(SCOPES.flow(flowId))])) };
    for (const id of ids) await until(async () => ((await (await timers.jobs.get(id, H(fresh[TIMERS_RS]))).json()).n_runs === 1 ? 1 : undefined), `fire of ${id}`);
    await new Promise((r) => setTimeout(r, 50));
    for (const id of ids) expect((await (await timers.jobs.get(id, H(fresh[TIMERS_RS]))).json()).n_runs).toBe(1);
    const rec = await (await timers.jobs.get(ids[2], H(fresh[TIMERS_RS]))).json();
    expect(Date.parse(rec.next_run)).toBeGreaterThan(clock.now());
  });
});
