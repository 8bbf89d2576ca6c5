// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON.
/** A transfer timer on the local runtime: each fire submits one Transfer task (idempotent per slot). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timers } from "@globus/sdk";
import { ManualClock } from "../../src/engine/clock.js";
import { startLocalRuntime } from "../../src/local/runtime.js";
import { TIMER_SCOPE } from "../../src/wire/timers-scope.js";
import { DST_COLLECTION, SRC_COLLECTION, scratchRuntime, shapeDiff, tokenFor } from "../support/runtime.js";
import { FIXTURES } from "../support/paths.js";
import { clientCredentials } from "../../src/globus/auth/client-credentials.js";
import { GlobusApi } from "../../src/globus/api.js";
import { TimersClient } from "../../src/globus/timers.js";

let rt;
let src: string;
let dst: string;
let clock: ManualClock;
beforeAll(async () => {
  const s = await scratchRuntime();
  await s.rt.stop();
  ({ src, dst } = s);
  clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  rt = await startLocalRuntime({ dataDir: join(s.dir, "data"), collections: { [SRC_COLLECTION]: { root: src }, [DST_COLLECTION]: { root: dst } }, computeEndpoints: {} }, { clock });
  for (const [k, v] of Object.entries(rt.env)) process.env[k] = v;
});
afterAll(async () => {
  await rt?.stop();
});

describe("local transfer timers", () => {
  it("fires a transfer every interval; the task copies the file", async () => {
    writeFileSync(join(src, "a.txt"), "hello");
    const tok = (await tokenFor(rt, [TIMER_SCOPE]))["524230d7-ea86-4a52-8312-86065a9e0417"];
    const H = { headers: { Authorization: `Bearer ${tok}` } };
    const res = await timers.timer.create({ payload: { timer: { timer_type: "transfer", name: "sync", schedule: { type: "recurring", interval_seconds: 600, end: { condition: "iterations", count: 2 } }, body: { source_endpoint: SRC_COLLECTION, destination_endpoint: DST_COLLECTION, DATA: [{ DATA_TYPE: "transfer_item", source_path: "/a.txt", destination_path: "/a.txt" }] } } }, ...H } as never);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.timer).toMatchObject({ timer_type: "transfer", number_of_runs: 0, body: { DATA_TYPE: "transfer" } });
    expect(shapeDiff(JSON.parse(readFileSync(join(FIXTURES, "timers/sdk-create_timer.default.json"), "utf8")), created)).toEqual([]);
    const get = async () => (await timers.jobs.get(created.timer.job_id, H)).json();
    for (let i = 0; i < 200 && (await get()).n_runs < 1; i++) await new Promise((r) => setTimeout(r, 10));
    await clock.advance(600_000);
    for (let i = 0; i < 200 && (await get()).n_runs < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const job = await get();
    expect(job).toMatchObject({ n_runs: 2, n_errors: 0, status: "ended" });
    const taskIds = job.results.data.map((r) => r.data.task_id);
    expect(new Set(taskIds).size).toBe(2);
    for (let i = 0; i < 200 && !existsSync(join(dst, "a.txt")); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(join(dst, "a.txt"))).toBe(true);
  });

  it("flowsmith's Timers client creates a transfer timer (submission_id dropped) and reads it back", async () => {
    const creds = clientCredentials({ clientId: rt.client.client_id, clientSecret: rt.client.client_secret, authUrl: rt.url, kind: "local" });
    const client = new TimersClient(new GlobusApi(creds, { retry: { attempts: 2, baseMs: 1, maxMs: 2 } }));
    const job = await client.createTransferTimer({ name: "client sync", schedule: { type: "once", datetime: new Date(clock.now() + 3600_000).toISOString() }, body: { submission_id: "ignored", source_endpoint: SRC_COLLECTION, destination_endpoint: DST_COLLECTION, DATA: [{ DATA_TYPE: "transfer_item", source_path: "/a.txt", destination_path: "/b.txt" }] }, collections: [SRC_COLLECTION, DST_COLLECTION] });
    expect(job).toMatchObject({ name: "client sync", timer_type: "transfer", n_runs: 0 });
    expect(job.callback_body).not.toHaveProperty("submission_id");
    expect((await client.findByName("client sync"))?.job_id).toBe(job.job_id);
    expect((await client.rename(job.job_id, "renamed")).name).toBe("renamed");
    await client.remove(job.job_id);
    expect(await client.findByName("renamed")).toBeUndefined();
  });
});
