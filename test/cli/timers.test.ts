// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * `flowsmith timers …` and declared timers through the CLI against the local runtime:
 * create (once / recurring, run metadata in the run body), list, show, pause, resume,
 * delete, bad schedules with exit 1; a declared recurring timer deployed twice and once
 * more without the lock is one timer on the service; --dry-run shows the timer plan.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";

let dir: string;
const json = (r: { stdout: string; stderr: string; code: number }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const MANAGER = "urn:globus:auth:identity:4b3c2d1e-0f9a-4b8c-8d7e-6f5a4b3c2d1e";

const sweep = (every: string) => `import { defineFlow, pass } from "flowsmith";
export default defineFlow<{ dir: string; keep_days: number }>({
  name: "sweep",
  title: "Nightly sweep",
  inputSchema: { type: "object", properties: { dir: { type: "string" }, keep_days: { type: "number", default: 30 } }, required: ["dir", "keep_days"], additionalProperties: false },
  timers: [{ name: "nightly", every: "${every}", input: (env) => ({ dir: String(env.nersc_scratch_path) }), label: "nightly sweep", tags: ["sweep"] }],
  build: ($) => pass("Note", { parameters: { "dir.$": "$.dir" }, resultPath: "$.note" }),
});
`;

beforeAll(() => {
  dir = scratchProject();
  writeFileSync(join(dir, "flows", "sweep.flow.ts"), sweep("1d"));
});

describe("declared timers", () => {
  it("deploy-flow creates the declared timer once: twice, and again without the lock, is one timer; --dry-run shows the plan", () => {
    const plan = json(flowsmith(["deploy-flow", "sweep", "--dry-run", "--json"], { cwd: dir }));
    expect(plan.timers).toMatchObject([{ flow: "sweep", timer: "nightly", action: "create", reason: "after the flow is created", schedule: { type: "recurring", interval_seconds: 86400 } }]);
    const first = json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir }));
    expect(first.timers).toMatchObject([{ action: "create", name: "flowsmith:scratch-seeds/local/sweep/nightly" }]);
    const id = first.timers[0].id;
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers).toMatchObject([{ action: "unchanged", id }]);
    rmSync(join(dir, ".flowsmith", "local", "flowsmith.lock.json"));
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers).toMatchObject([{ action: "adopt", id }]);
    const list = json(flowsmith(["timers", "list", "--name", "sweep/nightly", "--json"], { cwd: dir })).timers;
    expect(list.map((t) => t.job_id)).toEqual([id]);
    expect(list[0].callback_body).toEqual({ body: { dir: "/8.3.2/scratch", keep_days: 30 }, label: "nightly sweep", tags: ["sweep"] });
    const lock = JSON.parse(readFileSync(join(dir, ".flowsmith", "local", "flowsmith.lock.json"), "utf8"));
    expect(lock.environments.local.timers["sweep/nightly"].id).toBe(id);
  });

  it("a changed declaration replaces the timer (Timers can only rename one): still one timer", () => {
    const id = json(flowsmith(["timers", "list", "--name", "sweep/nightly", "--json"], { cwd: dir })).timers[0].job_id;
    writeFileSync(join(dir, "flows", "sweep.flow.ts"), sweep("12h"));
    expect(json(flowsmith(["deploy-flow", "sweep", "--dry-run", "--json"], { cwd: dir })).timers).toMatchObject([{ action: "recreate", id }]);
    const again = json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers[0];
    expect(again.action).toBe("recreate");
    const after = json(flowsmith(["timers", "list", "--name", "sweep/nightly", "--json"], { cwd: dir })).timers;
    expect(after.map((t) => t.job_id)).toEqual([again.id]);
    expect(after[0].schedule.interval_seconds).toBe(43200);
  });
});

describe("timers declared in flowsmith.yaml", () => {
  it("are deployed with their flow (placeholders filled per environment), once; a bad entry is reported with file:line", () => {
    const yamlFile = join(dir, "flowsmith.yaml");
    const before = readFileSync(yamlFile, "utf8");
    writeFileSync(yamlFile, before + `timers:\n  hourly:\n    flow: sweep\n    every: 1h\n    stop_after_runs: 24\n    input: { dir: "\${env:nersc_raw_path}" }\n    environments: [local]\n`);
    const first = json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers;
    expect(first.map((t) => [t.timer, t.action])).toEqual([["nightly", "unchanged"], ["hourly", "create"]]);
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers.map((t) => t.action)).toEqual(["unchanged", "unchanged"]);
    const hourly = json(flowsmith(["timers", "list", "--name", "sweep/hourly", "--json"], { cwd: dir })).timers;
    expect(hourly).toHaveLength(1);
    expect(hourly[0]).toMatchObject({ callback_body: { body: { dir: "/8.3.2/raw", keep_days: 30 } }, schedule: { interval_seconds: 3600, end: { count: 24 } } });
    writeFileSync(yamlFile, before + `timers:\n  hourly:\n    flow: sweep\n    evry: 1h\n    input: {}\n`);
    const bad = flowsmith(["deploy-flow", "sweep"], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/flowsmith\.yaml:\d+:\d+: .*unknown key "evry" \(did you mean "every"\?\)/);
    writeFileSync(yamlFile, before);
  });

  it("a timer whose declaration is removed is deleted by the next deploy, found by lock or by name; hand-made timers stay", () => {
    const hand = json(flowsmith(["timers", "create", "sweep", "--every", "1d", "--set", "dir=/hand", "--name", "by hand", "--json"], { cwd: dir }));
    // hourly (flowsmith.yaml) was deployed above and its entry is gone from the file now.
    const plan = json(flowsmith(["deploy-flow", "sweep", "--dry-run", "--json"], { cwd: dir })).timers;
    expect(plan.map((t) => [t.timer, t.action])).toEqual([["nightly", "unchanged"], ["hourly", "delete"]]);
    expect(json(flowsmith(["timers", "list", "--name", "sweep/hourly", "--json"], { cwd: dir })).timers).toHaveLength(1);
    const done = json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers;
    expect(done.map((t) => [t.timer, t.action, t.reason])).toEqual([["nightly", "unchanged", ""], ["hourly", "delete", "no longer declared"]]);
    expect(json(flowsmith(["timers", "list", "--name", "sweep/hourly", "--json"], { cwd: dir })).timers).toHaveLength(0);
    const lockFile = join(dir, ".flowsmith", "local", "flowsmith.lock.json");
    expect(Object.keys(JSON.parse(readFileSync(lockFile, "utf8")).environments.local.timers)).toEqual(["sweep/nightly"]);

    // Without the lock (another machine): found by the name flowsmith gave it.
    const flowFile = join(dir, "flows", "sweep.flow.ts");
    const twelve = readFileSync(flowFile, "utf8");
    writeFileSync(flowFile, twelve.replace("timers: [", 'timers: [{ name: "extra", every: "6h", input: { dir: "/x" } }, '));
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers.map((t) => [t.timer, t.action])).toEqual([["extra", "create"], ["nightly", "unchanged"]]);
    rmSync(lockFile);
    writeFileSync(flowFile, twelve);
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers.map((t) => [t.timer, t.action])).toEqual([["nightly", "adopt"], ["extra", "delete"]]);
    expect(json(flowsmith(["timers", "list", "--name", "sweep/extra", "--json"], { cwd: dir })).timers).toHaveLength(0);
    // The timer made with `timers create` is not flowsmith's declaration: untouched.
    expect(json(flowsmith(["timers", "show", hand.job_id, "--json"], { cwd: dir })).name).toBe("by hand");
    json(flowsmith(["timers", "delete", hand.job_id, "--json"], { cwd: dir }));
  });

  it("deploying one environment never touches another's timers on the same service", () => {
    const yamlFile = join(dir, "flowsmith.yaml");
    const before = readFileSync(yamlFile, "utf8");
    const y = YAML.parse(before);
    // staging: a second environment on the same local runtime (same data directory).
    y.environments.staging = { ...y.environments.local };
    y.timers = { hourly: { flow: "sweep", every: "1h", input: { dir: "/h" }, environments: ["local"] } };
    writeFileSync(yamlFile, YAML.stringify(y));
    try {
      expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers.map((t) => [t.timer, t.action])).toEqual([["nightly", "unchanged"], ["hourly", "create"]]);
      const staging = json(flowsmith(["deploy-flow", "sweep", "--env", "staging", "--json"], { cwd: dir }));
      expect(staging.flows[0].action).toBe("create"); // its own flow, not local's
      expect(staging.timers.map((t) => [t.timer, t.action, t.name])).toEqual([["nightly", "create", "flowsmith:scratch-seeds/staging/sweep/nightly"]]);
      expect(json(flowsmith(["timers", "list", "--name", "local/sweep/", "--json"], { cwd: dir })).timers.map((t) => t.name).sort()).toEqual(["flowsmith:scratch-seeds/local/sweep/hourly", "flowsmith:scratch-seeds/local/sweep/nightly"]);
      json(flowsmith(["timers", "delete", staging.timers[0].id, "--json"], { cwd: dir }));
    } finally {
      writeFileSync(yamlFile, before);
    }
    expect(json(flowsmith(["deploy-flow", "sweep", "--json"], { cwd: dir })).timers.map((t) => [t.timer, t.action])).toEqual([["nightly", "unchanged"], ["hourly", "delete"]]);
  });
});

describe("flowsmith timers", () => {
  it("create --every with --stop-after-runs and run metadata in the run body; show, pause, resume, delete", () => {
    const t = json(flowsmith(["timers", "create", "sweep", "--every", "1h30m", "--start", "+1h", "--stop-after-runs", "3", "--set", "dir=/x", "--label", "by hand", "--tag", "a", "--tag", "b", "--manager", MANAGER, "--name", "hand sweep", "--json"], { cwd: dir }));
    expect(["new", "loaded"]).toContain(t.status);
    expect(t).toMatchObject({ name: "hand sweep", schedule: { type: "recurring", interval_seconds: 5400, end: { condition: "iterations", count: 3 } } });
    expect(t.callback_body).toEqual({ body: { dir: "/x", keep_days: 30 }, label: "by hand", tags: ["a", "b"], run_managers: [MANAGER] });
    const shown = flowsmith(["timers", "show", t.job_id], { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/schedule: +every 5400 s from .*, 3 runs/);
    expect(json(flowsmith(["timers", "pause", t.job_id, "--json"], { cwd: dir })).timer).toMatchObject({ status: "inactive", inactive_reason: { cause: "user" } });
    expect(json(flowsmith(["timers", "resume", t.job_id, "--json"], { cwd: dir })).timer.status).toBe("loaded");
    expect(json(flowsmith(["timers", "delete", t.job_id, "--json"], { cwd: dir })).deleted.job_id).toBe(t.job_id);
    const gone = flowsmith(["timers", "show", t.job_id], { cwd: dir });
    // Gone is an answer about the id, like an unknown run: exit 1 and where to look.
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no timer ${t.job_id} in environment local`);
  });

  it("create --at makes a once-timer; bad schedules are exit 1 with the fix", () => {
    const once = json(flowsmith(["timers", "create", "sweep", "--at", "2030-01-01T06:00:00Z", "--set", "dir=/y", "--json"], { cwd: dir }));
    expect(once.schedule).toEqual({ type: "once", datetime: "2030-01-01T06:00:00+00:00" });
    expect(once.name).toBe("sweep timer");
    for (const [args, msg] of [
      [["--at", "soonish"], /--at "soonish" is not a time/],
      [[], /needs --at TIME \(once\) or --every INTERVAL/],
      [["--every", "fortnight"], /--every "fortnight" is not a duration/],
      [["--at", "+1h", "--every", "1h"], /cannot be used together/],
      [["--every", "1h", "--stop-after-runs", "0"], /--stop-after-runs "0" must be a whole number/],
    ]) {
      const r = flowsmith(["timers", "create", "sweep", "--set", "dir=/y", ...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
    const list = flowsmith(["timers", "list", "--status", "bogus"], { cwd: dir });
    expect(list.code).toBe(1);
  });
});
