// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * The whole ALS 8.3.2 story on a `flowsmith local start` runtime with default prune days:
 * run-flow returns once the TIFFs and the zarr are at NERSC, having scheduled the two
 * prunes as timers; `local skip 2d` prunes ALCF (raw and scratch), `local skip 5d` more
 * prunes NERSC scratch. --watch schedules a run's follow-ups once, across restarts and
 * without its state file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";
import { REPO } from "../support/paths.js";

let dir: string;
let runtime: ChildProcess;
const col = (name: string, ...p: string[]) => join(dir, ".flowsmith", "collections", name, ...p);
const json = (r) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
async function until(f: () => boolean, what: string, tries = 200) {
  for (let i = 0; i < tries && !f(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
}
const skip = (duration: string) => {
  const r = flowsmith(["local", "skip", duration], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
};
const scan = (folder: string, name: string) => {
  const d = col("nersc_cfs", "8.3.2", "raw", folder);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, name), Buffer.alloc(4096, 3));
  return d;
};

beforeAll(async () => {
  dir = scratchProject();
  runtime = spawn(process.execPath, [join(REPO, "bin", "flowsmith.js"), "local", "start"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((ok, fail) => {
    let out = "";
    runtime.stdout!.on("data", (d) => {
      out += d;
      if (/listening on/.test(out)) ok();
    });
    runtime.on("exit", (c) => fail(new Error(`local start exited ${c}`)));
  });
});
afterAll(async () => {
  if (runtime && runtime.exitCode === null) {
    runtime.kill("SIGTERM");
    await new Promise((r) => runtime.once("exit", r));
  }
});

describe("ALS 8.3.2 with default prune days", () => {
  let timers;
  it("run-flow returns SUCCEEDED with the results at NERSC and the two prunes scheduled", () => {
    const rd = scan("BLS-00564_story", "20260101_120000_story.h5");
    const r = flowsmith(["run-flow", "als832_alcf", "--rundir", rd], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCEEDED run/);
    expect(r.stdout).toMatch(/follow-up prune-alcf \(als832_prune\) scheduled for .*: timer [0-9a-f-]{36}/);
    expect(r.stdout).toMatch(/follow-up prune-nersc \(als832_prune\) scheduled for/);
    const back = col("nersc_cfs", "8.3.2", "scratch", "BLS-00564_story");
    expect(readdirSync(join(back, "rec20260101_120000_story")).filter((f) => f.endsWith(".tiff")).length).toBeGreaterThan(0);
    expect(existsSync(join(back, "rec20260101_120000_story.zarr", "0", ".zarray"))).toBe(true);
    timers = json(flowsmith(["timers", "list", "--json"], { cwd: dir })).timers;
    expect(timers.map((t) => t.name.split(" ").at(-1)).sort()).toEqual(["prune-alcf", "prune-nersc"]);
    const [alcf, nersc] = ["prune-alcf", "prune-nersc"].map((n) => timers.find((t) => t.name.endsWith(n)));
    expect((Date.parse(nersc.next_run) - Date.parse(alcf.next_run)) / 86400_000).toBeCloseTo(5, 3);
    // Asking again (what to do when run-flow could not schedule them) finds both: never twice.
    const runId = /SUCCEEDED run ([0-9a-f-]{36})/.exec(r.stdout)[1];
    const again = flowsmith(["timers", "follow-up", "als832_alcf", runId], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.match(/already scheduled/g)).toHaveLength(2);
    expect(json(flowsmith(["timers", "list", "--json"], { cwd: dir })).timers).toHaveLength(2);
  });

  it("two days later ALCF raw and scratch are pruned; seven days later NERSC scratch", async () => {
    const alcfRaw = col("alcf_eagle", "bl832", "raw", "BLS-00564_story", "20260101_120000_story.h5");
    const alcfRec = col("alcf_eagle", "bl832", "scratch", "BLS-00564_story", "rec20260101_120000_story");
    const nerscRec = col("nersc_cfs", "8.3.2", "scratch", "BLS-00564_story", "rec20260101_120000_story");
    expect([existsSync(alcfRaw), existsSync(alcfRec), existsSync(nerscRec)]).toEqual([true, true, true]);
    skip("1d");
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(alcfRaw)).toBe(true);
    skip("1d");
    await until(() => !existsSync(alcfRaw) && !existsSync(alcfRec) && !existsSync(`${alcfRec}.zarr`), "the ALCF prune");
    expect(existsSync(nerscRec)).toBe(true);
    skip("5d");
    await until(() => !existsSync(nerscRec) && !existsSync(`${nerscRec}.zarr`), "the NERSC prune");
    // The raw scan at NERSC is the beamline's copy: never pruned.
    expect(existsSync(col("nersc_cfs", "8.3.2", "raw", "BLS-00564_story", "20260101_120000_story.h5"))).toBe(true);
    const after = json(flowsmith(["timers", "list", "--json"], { cwd: dir })).timers;
    for (const t of after) expect([t.status, t.n_runs, t.n_errors, t.results.data[0].run_status]).toEqual(["ended", 1, 0, "SUCCEEDED"]);
  });

  it("--watch schedules a run's follow-ups exactly once, across restarts and when its state was not saved", async () => {
    // The watcher sees the raw root; hide the story's folder (dot-directories are skipped).
    const watchRoot = col("nersc_cfs", "8.3.2", "raw");
    renameSync(join(watchRoot, "BLS-00564_story"), join(watchRoot, ".BLS-00564_story"));
    const rd = join(watchRoot, "BLS-00564_watch");
    mkdirSync(rd);
    writeFileSync(join(rd, "20260102_120000_watch.h5"), Buffer.alloc(4096, 4));
    const watch = () => flowsmith(["run-flow", "als832_alcf", "--watch", watchRoot, "--once", "--settle", "0"], { cwd: dir });
    const first = watch();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/started BLS-00564_watch -> run ([0-9a-f-]{36})/);
    const runId = /run ([0-9a-f-]{36})/.exec(first.stdout)[1];
    await until(() => json(flowsmith(["runs", "show", runId, "--json"], { cwd: dir })).status === "SUCCEEDED", "the watched run", 20);
    const second = watch();
    expect(second.stdout).toMatch(/BLS-00564_watch: follow-up prune-alcf \(als832_prune\) scheduled/);
    const third = watch();
    expect(third.stdout + third.stderr).not.toMatch(/follow-up/);
    // A watcher killed after scheduling but before saving that it did: the next one finds the timers by name.
    const stateFile = join(dir, ".flowsmith", "watch", "als832_alcf-local.json");
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(state.started["BLS-00564_watch"]).toMatchObject({ run_id: runId, follow_ups: "done" });
    delete state.started["BLS-00564_watch"].follow_ups;
    writeFileSync(stateFile, JSON.stringify(state));
    const fourth = watch();
    expect(fourth.stdout).toMatch(/BLS-00564_watch: follow-up prune-alcf \(als832_prune\) already scheduled/);
    expect(json(flowsmith(["timers", "list", "--name", runId, "--json"], { cwd: dir })).timers).toHaveLength(2);
  });
});
