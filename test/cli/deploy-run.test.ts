// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * deploy-flow and run-flow end to end through the CLI against the local runtime (started
 * in-process by each command): idempotent deploys, lock-less adoption, every seed flow
 * from a run directory, failures with exit 2, dry runs, runs commands, the watch mode.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";

let dir: string;
const col = (name: string) => join(dir, ".flowsmith", "collections", name);
const put = (file: string, text = "x") => {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
};
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

beforeAll(() => {
  dir = scratchProject();
});

describe("deploy-flow", () => {
  it("deploys, then changes nothing the second time, and finds the same flows without the lock", () => {
    const first = flowsmith(["deploy-flow", "--json"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const a = json(first);
    expect(a.flows.map((f) => f.action)).toEqual(["create", "create", "create", "create", "create"]);
    expect(a.functions.every((f) => f.action === "register")).toBe(true);

    const second = json(flowsmith(["deploy-flow", "--json"], { cwd: dir }));
    expect(second.flows.map((f) => f.action)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(second.functions.every((f) => f.action === "unchanged")).toBe(true);

    rmSync(join(dir, ".flowsmith", "local", "flowsmith.lock.json"));
    const third = json(flowsmith(["deploy-flow", "--json"], { cwd: dir }));
    expect(third.flows.map((f) => f.id)).toEqual(a.flows.map((f) => f.id));
    expect(third.flows.every((f) => f.action === "adopt")).toBe(true);
    expect(third.functions.map((f) => f.id)).toEqual(a.functions.map((f) => f.id));
  });

  it("--dry-run prints a plan with a diff and changes nothing", () => {
    const schema = join(dir, "flows", "tomocupy_alcf.flow.ts");
    const before = readFileSync(schema, "utf8");
    writeFileSync(schema, before.replace('label: "tomocupy input"', 'label: "tomocupy input v2"'));
    const lockBefore = readFileSync(join(dir, ".flowsmith", "local", "flowsmith.lock.json"), "utf8");
    const r = flowsmith(["deploy-flow", "tomocupy_alcf", "--dry-run"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/plan for environment local/);
    expect(r.stdout).toMatch(/flow tomocupy_alcf: update/);
    expect(r.stdout).toMatch(/- +"label": "tomocupy input"/);
    expect(r.stdout).toMatch(/\+ +"label": "tomocupy input v2"/);
    expect(readFileSync(join(dir, ".flowsmith", "local", "flowsmith.lock.json"), "utf8")).toBe(lockBefore);
    writeFileSync(schema, before);
  });

  it("refuses to deploy a flow that does not validate (exit 1)", () => {
    const f = join(dir, "flows", "broken.flow.ts");
    writeFileSync(f, `import { defineFlow, action } from "flowsmith";\nexport default defineFlow({ name: "broken", title: "b", inputSchema: {}, build: () => action("A", { url: "https://transfer.actions.globus.org/mkdir", parameters: {} }) });\n`);
    const r = flowsmith(["deploy-flow", "broken"], { cwd: dir });
    rmSync(f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PROVIDER_PARAMETER_MISSING/);
  });
});

describe("run-flow --rundir on every seed flow", () => {
  it("ALS 8.3.2", () => {
    const rd = join(col("nersc_cfs"), "8.3.2", "raw", "BLS-00564_test");
    put(join(rd, "20250101_120000_sample.h5"), "raw");
    const r = flowsmith(["run-flow", "als832_alcf", "--rundir", rd, "--set", "input.prune.alcf_after_days=0", "--set", "input.prune.nersc_after_days=0"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCEEDED run/);
    // A summary, not the ~300 lines of task documents: one line per action, the function results.
    expect(r.stdout).toMatch(/^ {2}\w+: SUCCEEDED {2}\d+ file\(s\), \d+ bytes$/m);
    expect(r.stdout).toMatch(/^ {2}\w+: SUCCEEDED {2}result: /m);
    expect(r.stdout).not.toMatch(/"DATA_TYPE"/);
    // A prune day of 0 is never: no timer.
    expect(r.stdout).toMatch(/follow-up prune-alcf \(als832_prune\): not scheduled for this run/);
    expect(readdirSync(join(col("nersc_cfs"), "8.3.2", "scratch", "BLS-00564_test", "rec20250101_120000_sample")).length).toBe(4);
  });

  it("COSMIC BL7012", () => {
    const rd = join(col("cosmic_beamline"), "cosmic", "scan_0001");
    put(join(rd, "NS_0001.cxi"), "cxi");
    const r = flowsmith(["run-flow", "cosmic_bl7012", "--rundir", rd], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(col("nersc_cfs"), "ptycho", "raw", "NS_0001.recon.txt"))).toBe(true);
  });

  it("Tomocupy", () => {
    const rd = join(col("cosmic_beamline"), "aps", "scans", "scan7");
    put(join(rd, "test_data.h5"), "h5");
    const r = flowsmith(["run-flow", "tomocupy_alcf", "--rundir", rd], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(join(col("alcf_eagle"), "tomocupy", "scan7_rec", "test_data_rec"))).toHaveLength(3);
  });

  it("FRIB e21062, and a failing compute function ends FAILED with exit 2 and the cause shown", () => {
    mkdirSync(join(col("nersc_cfs"), "m4386"), { recursive: true });
    const rd = join(col("frib_dtn"), "rawdata", "e21062", "run0042");
    put(join(rd, "run-0042-00.evt"), "evt");
    const ok = flowsmith(["run-flow", "frib_e21062", "--rundir", rd, "--set", "input.nranks=2"], { cwd: dir });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(col("frib_dtn"), "analysis", "e21062", "run0042", "summary.json"), "utf8")).inputs).toEqual(["run-0042-00.root"]);
    const bad = flowsmith(["run-flow", "frib_e21062", "--rundir", rd, "--set", "input.tools.launcher=no-such-launcher"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/FAILED run/);
    expect(bad.stdout).toMatch(/no-such-launcher/);
  });
});

describe("run-flow input handling", () => {
  it("--dry-run validates and starts nothing; a bad input is exit 1 with its JSON pointer", () => {
    const rd = join(col("nersc_cfs"), "8.3.2", "raw", "BLS-00564_test");
    const dry = flowsmith(["run-flow", "als832_alcf", "--rundir", rd, "--dry-run", "--json"], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(json(dry)).toMatchObject({ valid: true, service_checked: true });
    const bad = flowsmith(["run-flow", "als832_alcf", "--rundir", rd, "--set", "input.folder_path=not a folder", "--dry-run"], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\/input\/folder_path/);
    const noDir = flowsmith(["run-flow", "als832_alcf", "--rundir", join(dir, "nope")], { cwd: dir });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toMatch(/is not a directory/);
    const badSet = flowsmith(["run-flow", "als832_alcf", "--set", "oops"], { cwd: dir });
    expect(badSet.code).toBe(1);
    expect(badSet.stderr).toMatch(/expected key=value/);
  });

  it("--input merges over the rundir input and --set over both", () => {
    const rd = join(col("nersc_cfs"), "8.3.2", "raw", "BLS-00564_test");
    const f = join(dir, "over.json");
    writeFileSync(f, JSON.stringify({ input: { python: "python3", prune: { alcf_after_days: 5 } } }));
    const r = json(flowsmith(["run-flow", "als832_alcf", "--rundir", rd, "--input", f, "--set", "input.prune.nersc_after_days=9", "--dry-run", "--json"], { cwd: dir }));
    expect(r.input.input).toMatchObject({ folder_path: "BLS-00564_test", python: "python3", prune: { alcf_after_days: 5, nersc_after_days: 9 } });
  });
});

describe("runs and watch", () => {
  it("lists, shows and logs runs", () => {
    const list = json(flowsmith(["runs", "list", "--json", "--limit", "50"], { cwd: dir }));
    expect(list.runs.length).toBeGreaterThanOrEqual(5);
    const id = list.runs.find((r) => r.status === "SUCCEEDED").run_id;
    const show = json(flowsmith(["runs", "show", id, "--json"], { cwd: dir }));
    expect(show.status).toBe("SUCCEEDED");
    const log = flowsmith(["runs", "log", id], { cwd: dir });
    expect(log.stdout).toMatch(/FlowSucceeded/);
    const failed = json(flowsmith(["runs", "list", "--status", "FAILED", "--json"], { cwd: dir }));
    expect(failed.runs.every((r) => r.status === "FAILED")).toBe(true);
  });

  it("--watch --once starts one run per settled new directory and never twice", () => {
    const root = join(col("frib_dtn"), "rawdata", "e21062");
    put(join(root, "run0100", "run-0100-00.evt"), "evt");
    const first = flowsmith(["run-flow", "frib_e21062", "--watch", root, "--settle", "0", "--once"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    // run0042 (from the earlier test) and run0100 are both new to the watcher.
    expect(first.stdout.match(/started run\d{4}/g) ?? first.stdout.match(/started \S+/g)).toHaveLength(2);
    const again = flowsmith(["run-flow", "frib_e21062", "--watch", root, "--settle", "0", "--once"], { cwd: dir });
    expect(again.stdout).not.toMatch(/started/);
  });
});
