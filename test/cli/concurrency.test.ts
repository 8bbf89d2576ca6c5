// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * One runtime per data directory: a second command attaches to the runtime the first one
 * started instead of starting another that would drive the same runs again.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startLocalRuntime, RuntimeBusyError } from "../../src/local/runtime.js";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";
import { REPO } from "../support/paths.js";

function runAsync(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "flowsmith.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("one runtime per data directory", () => {
  it("refuses a second runtime on the same data directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-lock-"));
    const rt = await startLocalRuntime({ dataDir: dir, collections: {}, computeEndpoints: {} });
    await expect(startLocalRuntime({ dataDir: dir, collections: {}, computeEndpoints: {} })).rejects.toBeInstanceOf(RuntimeBusyError);
    await rt.stop();
    const again = await startLocalRuntime({ dataDir: dir, collections: {}, computeEndpoints: {} });
    await again.stop();
  });

  it("a command run while another follows a run attaches to its runtime; the log has one FlowSucceeded", async () => {
    const dir = scratchProject();
    // A run that waits 8 s (the ALS flow no longer waits inside the run: its prunes are timers),
    // so the other commands surely run while it does (an attached command depends on the
    // runtime of the command that started it).
    writeFileSync(
      join(dir, "flows", "slow.flow.ts"),
      `import { defineFlow, pass, wait } from "flowsmith";\nexport default defineFlow({ name: "slow", title: "slow", inputSchema: { type: "object" }, build: () => wait("Pause", { seconds: 8 }).next(pass("Done", {})) });\n`,
    );
    expect(flowsmith(["deploy-flow", "slow"], { cwd: dir }).code).toBe(0);
    const [follow, list1, list2] = await Promise.all([
      runAsync(["run-flow", "slow", "--json"], dir),
      new Promise((r) => setTimeout(r, 1000)).then(() => runAsync(["runs", "list", "--json"], dir)),
      new Promise((r) => setTimeout(r, 1500)).then(() => runAsync(["runs", "list", "--json"], dir)),
    ]);
    expect(follow.code, follow.stderr).toBe(0);
    expect([list1.code, list2.code]).toEqual([0, 0]);
    const run = JSON.parse(follow.stdout);
    const log = flowsmith(["runs", "log", run.run_id, "--json"], { cwd: dir });
    const codes = JSON.parse(log.stdout).entries.map((e) => e.code);
    expect(codes.filter((c) => c === "FlowSucceeded")).toHaveLength(1);
    expect(codes.filter((c) => c === "FlowStarted")).toHaveLength(1);
  });
});
