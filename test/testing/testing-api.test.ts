/**
 * flowsmith/testing on this repository's own seed project: the ALS 8.3.2 flow with its
 * default prune days (2 and 7) runs to SUCCEEDED, and its prune follow-ups (timers) fire
 * 2 and 7 virtual days later with their deletes done, because the clock skips ahead; an overridden action makes the run take its failure path; the clock
 * never jumps while real work runs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, TimeSkippingClock, type TestEnvironment } from "../../src/testing/index.js";
import { REPO } from "../support/paths.js";

const FOLDER = "BLS-00564_dyparkinson";
const SCAN = "20240425_104614_nist-sand.h5";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ root: REPO, startTime: "2026-05-01T08:00:00Z" });
});
afterAll(async () => {
  await env?.stop();
});

function sampleScan(folder: string): string {
  const nersc = env.collection("nersc_cfs");
  const dir = nersc.hostPath(`/8.3.2/raw/${folder}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, SCAN), Buffer.alloc(4096, 7));
  return dir;
}

describe("flowsmith/testing", () => {
  it("runs ALS 8.3.2 with the default prune days (2 and 7) to SUCCEEDED, then its prunes as timers, in virtual time", async () => {
    const rundir = sampleScan(FOLDER);
    const r = await env.runFlow("als832_alcf", { rundir, label: "als default prune" });
    expect(r.status, JSON.stringify(r.run.details).slice(0, 1500)).toBe("SUCCEEDED");
    const nersc = env.collection("nersc_cfs");
    const alcf = env.collection("alcf_eagle");
    // The results came back before the prunes…
    const recon = r.actionResult<{ details: { files_transferred: number } }>("TransferResultsToNERSC");
    expect(recon?.status).toBe("SUCCEEDED");
    // …the run ends there (pruning is not part of it)…
    expect(alcf.exists(`/bl832/raw/${FOLDER}/${SCAN}`)).toBe(true);
    // …and its follow-ups, once-timers of als832_prune, fire 2 and 7 virtual days later:
    // ALCF raw and scratch, then NERSC scratch, are gone.
    const prunes = await env.runFollowUps(r);
    expect(prunes.map((p) => [p.name, p.result?.status])).toEqual([["prune-alcf", "SUCCEEDED"], ["prune-nersc", "SUCCEEDED"]]);
    expect(alcf.exists(`/bl832/raw/${FOLDER}/${SCAN}`)).toBe(false);
    expect(alcf.list(`/bl832/scratch/${FOLDER}`)).toEqual([]);
    expect(nersc.list(`/8.3.2/scratch/${FOLDER}`)).toEqual([]);
    // The raw scan at NERSC is the beamline's copy and stays.
    expect(nersc.exists(`/8.3.2/raw/${FOLDER}/${SCAN}`)).toBe(true);
    // In virtual time: the prunes started 2 and 7 days after the run ended.
    const ended = Date.parse(String(r.run.completion_time));
    const started = prunes.map((p) => Date.parse(String(p.result!.run.start_time)) - ended);
    expect(started[0]).toBeGreaterThanOrEqual(2 * 86_400_000 - 1000);
    expect(started[0]).toBeLessThan(2 * 86_400_000 + 60_000);
    expect(started[1]).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(started[1]).toBeLessThan(7 * 86_400_000 + 60_000);
    expect(r.states).toEqual(expect.arrayContaining(["ComputePaths", "TransferRawToALCF", "Reconstruct", "ConvertToZarr", "TransferResultsToNERSC"]));
  });

  it("overrideAction makes one step fail on purpose, and the run takes its failure path", async () => {
    const rundir = sampleScan("BLS-00565_override");
    const p = env.overrideAction("Reconstruct", { status: "FAILED", details: { code: "TaskFailed", description: "tomopy ran out of GPU memory (test override)" } });
    try {
      const r = await env.runFlow("als832_alcf", { rundir, set: ["input.prune.alcf_after_days=0", "input.prune.nersc_after_days=0"] });
      expect(r.status).not.toBe("SUCCEEDED");
      expect(p.calls).toHaveLength(1);
      expect(p.calls[0]).toHaveProperty("endpoint_id");
      expect(r.states).not.toContain("TransferResultsToNERSC");
    } finally {
      env.clearOverrides();
    }
  });

  it("rejects an input that breaks the schema with the pointer of the problem", async () => {
    await expect(env.startRun("als832_alcf", { input: { input: { folder_path: "no spaces allowed", file_name: SCAN } } })).rejects.toThrow(/\/input\/folder_path/);
  });

  it("names the flows and collections it does not know", async () => {
    await expect(env.startRun("nosuch")).rejects.toThrow(/no flow named "nosuch"/);
    expect(() => env.collection("nosuch")).toThrow(/no collection "nosuch"/);
  });
});

describe("TimeSkippingClock", () => {
  it("jumps to the earliest sleeper when idle, and holds still while work is busy", async () => {
    let busy = 1;
    const clock = new TimeSkippingClock({ start: 0, busy: () => busy, quietMs: 1 });
    const order: string[] = [];
    const long = clock.sleep(7 * 86_400_000).then(() => order.push("long"));
    const short = clock.sleep(2 * 86_400_000).then(() => order.push("short"));
    await new Promise((r) => setTimeout(r, 30));
    // Busy: only real time passed.
    expect(clock.now()).toBeLessThan(1000);
    expect(order).toEqual([]);
    busy = 0;
    await Promise.all([short, long]);
    expect(order).toEqual(["short", "long"]);
    expect(clock.now()).toBeGreaterThanOrEqual(7 * 86_400_000);
    clock.stop();
  });

  it("wakes an aborted sleeper at once and advance() moves time by hand", async () => {
    const clock = new TimeSkippingClock({ start: 0 });
    clock.setSkipping(false);
    const ac = new AbortController();
    const s = clock.sleep(60_000, ac.signal);
    ac.abort();
    await s;
    const t = clock.sleep(10_000);
    clock.advance(10_000);
    await t;
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(clock.pending).toBe(0);
    clock.stop();
  });
});
