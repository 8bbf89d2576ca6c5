// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * `flowsmith timers transfer`: a recurring transfer timer against a standing local runtime
 * (`local start`): it copies at once, and again after `local skip`; show says what it
 * copies; each end is COLLECTION:/path, and a wrong one is exit 1 with the collections named.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { spawnCli, tinyProject, type Spawned } from "../hostile/project.js";

let p: string;
let server: Spawned;
const YAML = `project: sync
environments:
  local:
    kind: local
    collections:
      beamline: { id: 6c1b0000-0000-4000-8000-0000000000c1, root: cols/beamline }
      archive: { id: 6c1b0000-0000-4000-8000-0000000000c2, root: cols/archive }
`;
const json = (r) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
async function until(f: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !f(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  p = tinyProject({ yaml: YAML });
  mkdirSync(join(p, "cols", "beamline", "scans", "day1"), { recursive: true });
  mkdirSync(join(p, "cols", "archive"), { recursive: true });
  writeFileSync(join(p, "cols", "beamline", "scans", "day1", "a.h5"), "A");
  server = spawnCli(["local", "start"], p);
  await server.waitFor(/listening on/);
});
afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.done;
});

describe("flowsmith timers transfer", () => {
  it("copies at once and again after each interval; show names both ends", async () => {
    const t = json(flowsmith(["timers", "transfer", "beamline:/scans/", "archive:/bl/", "--every", "1h", "--recursive", "--sync-level", "mtime", "--label", "nightly archive", "--json"], { cwd: p }));
    expect(t).toMatchObject({ timer_type: "transfer", name: "transfer beamline:/scans/ -> archive:/bl/" });
    expect(t.callback_body).toMatchObject({ DATA_TYPE: "transfer", source_endpoint: "6c1b0000-0000-4000-8000-0000000000c1", destination_endpoint: "6c1b0000-0000-4000-8000-0000000000c2", sync_level: 2, label: "nightly archive", DATA: [{ DATA_TYPE: "transfer_item", source_path: "/scans/", destination_path: "/bl/", recursive: true }] });
    await until(() => existsSync(join(p, "cols", "archive", "bl", "day1", "a.h5")), "the first copy");
    // A new scan, then the next interval.
    mkdirSync(join(p, "cols", "beamline", "scans", "day2"));
    writeFileSync(join(p, "cols", "beamline", "scans", "day2", "b.h5"), "B");
    expect(flowsmith(["local", "skip", "1h"], { cwd: p }).code).toBe(0);
    await until(() => existsSync(join(p, "cols", "archive", "bl", "day2", "b.h5")), "the second copy");
    expect(readFileSync(join(p, "cols", "archive", "bl", "day2", "b.h5"), "utf8")).toBe("B");
    const shown = flowsmith(["timers", "show", t.job_id], { cwd: p });
    expect(shown.stdout).toContain("transfer:  6c1b0000-0000-4000-8000-0000000000c1:/scans/ -> 6c1b0000-0000-4000-8000-0000000000c2:/bl/ (recursive)");
    expect(json(flowsmith(["timers", "show", t.job_id, "--json"], { cwd: p })).n_runs).toBe(2);
    json(flowsmith(["timers", "delete", t.job_id, "--json"], { cwd: p }));
  });

  it("a wrong end, sync level or flag combination is exit 1 with the fix, before anything is sent", () => {
    for (const [args, msg] of [
      [["elsewhere:/x", "archive:/y"], /source: no collection "elsewhere" in environment local[\s\S]*one of beamline, archive or a collection UUID/],
      [["beamline", "archive:/y"], /source "beamline" has no collection: it must be COLLECTION:\/path/],
      [["beamline:/x", "archive:y"], /destination path "y" must be absolute/],
      [["beamline:/x", "archive:/y", "--sync-level", "often"], /--sync-level "often" is not one of exists, size, mtime, checksum/],
      [["beamline:/x", "archive:/y", "--delete-destination-extra"], /--delete-destination-extra needs --recursive/],
    ]) {
      const r = flowsmith(["timers", "transfer", ...args, "--every", "1d"], { cwd: p });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(json(flowsmith(["timers", "list", "--json"], { cwd: p })).timers).toHaveLength(0);
  });
});
