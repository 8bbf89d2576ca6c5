// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * Fault mode: with FLOWSMITH_CHAOS=0.2 the local runtime answers a fifth of all requests
 * with a 503, a 429 or a dropped connection. 20 deploy+run cycles must all succeed, with
 * exactly one flow, one registration per function, and one run per cycle.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/local/store.js";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";

describe("FLOWSMITH_CHAOS=0.2", () => {
  it("20 deploy+run cycles succeed with no duplicated flow, function or run", () => {
    const dir = scratchProject();
    const rd = join(dir, ".flowsmith", "collections", "cosmic_beamline", "aps", "scans", "chaos");
    mkdirSync(rd, { recursive: true });
    writeFileSync(join(rd, "test_data.h5"), "h5");
    const env = { FLOWSMITH_CHAOS: "0.2" };
    const runIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const d = flowsmith(["deploy-flow", "tomocupy_alcf", "--json"], { cwd: dir, env });
      expect(d.code, d.stderr).toBe(0);
      const r = flowsmith(["run-flow", "tomocupy_alcf", "--rundir", rd, "--json"], { cwd: dir, env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const run = JSON.parse(r.stdout);
      expect(run.status).toBe("SUCCEEDED");
      runIds.push(run.run_id);
    }
    const store = new SqliteStore(join(dir, ".flowsmith", "local", "state.sqlite"));
    const flows = store.list<{ keywords: string[]; deleted?: boolean }>("flow").filter((f) => !f.deleted);
    const runs = store.list<{ run_id: string }>("run_meta");
    const functions = store.list<{ function_name: string }>("compute.function");
    store.close();
    expect(flows).toHaveLength(1);
    expect(new Set(runIds).size).toBe(20);
    expect(runs).toHaveLength(20);
    expect(functions.map((f) => f.function_name)).toEqual(["tomocupy_recon"]);
  }, 300_000);
});
