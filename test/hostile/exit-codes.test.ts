/** Exit codes and answers for mistakes a user makes on day one. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { reapSpawned, spawnCli, tinyProject } from "./project.js";

afterEach(reapSpawned);

describe("run and timer ids", () => {
  it("a malformed run or timer id is exit 1 before any request", () => {
    const p = tinyProject();
    for (const cmd of [["runs", "show"], ["runs", "log"], ["runs", "cancel"], ["runs", "resume"], ["runs", "release"], ["runs", "respond"], ["timers", "follow-up", "hello"]]) {
      const r = flowsmith([...cmd, "not-a-uuid"], { cwd: p });
      expect(r.code, cmd.join(" ")).toBe(1);
      expect(r.stderr, cmd.join(" ")).toMatch(/"not-a-uuid" is not a run ID/);
    }
    for (const cmd of ["show", "pause", "resume", "delete"]) {
      const r = flowsmith(["timers", cmd, "not-a-uuid"], { cwd: p });
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(/"not-a-uuid" is not a timer ID/);
    }
    // No runtime was started to ask.
    expect(existsSync(join(p, ".flowsmith", "local", "state.sqlite"))).toBe(false);
  });

  it("an unknown run or timer id says so, exit 1", () => {
    const p = tinyProject();
    const id = "5e3b6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    for (const cmd of ["show", "log", "respond"]) {
      const r = flowsmith(["runs", cmd, id, ...(cmd === "respond" ? ["--set", "value=approve"] : [])], { cwd: p });
      expect(r.code, cmd + r.stderr).toBe(1);
      expect(r.stderr).toContain(`no run ${id} in environment local`);
    }
    const t = flowsmith(["timers", "pause", id], { cwd: p });
    expect(t.code, t.stderr).toBe(1);
    expect(t.stderr).toContain(`no timer ${id} in environment local`);
  });
});

describe("inputs too large to send", () => {
  it("are refused locally with exit 1", () => {
    const p = tinyProject();
    const r = flowsmith(["run-flow", "hello", "--set", `note=${"x".repeat(5000)}`], { cwd: p, env: { FLOWSMITH_MAX_INPUT_BYTES: "1000" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/over the .* MiB limit for a run's input/);
    expect(existsSync(join(p, ".flowsmith", "local", "state.sqlite"))).toBe(false);
  });
});

describe("own exit codes", () => {
  it("local status with no runtime is 6, and --help documents 5 and 6", () => {
    const p = tinyProject();
    const r = flowsmith(["local", "status"], { cwd: p });
    expect(r.code).toBe(6);
    const help = flowsmith(["--help"], { cwd: p }).stdout;
    expect(help).toMatch(/^\s+5\s+detached/m);
    expect(help).toMatch(/^\s+6\s+`local status`: no local runtime is running/m);
  });

  it("Ctrl-C detaches with exit 5 and the reattach command; runs list has a header row", async () => {
    const p = tinyProject({ waits: { long: 30 } });
    expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
    const server = spawnCli(["local", "start"], p);
    try {
      await server.waitFor(/listening on/);
      const f = spawnCli(["run-flow", "long"], p);
      await f.waitFor(/WaitStarted/);
      const id = /started run ([0-9a-f-]{36})/.exec(f.stderr)![1]!;
      f.child.kill("SIGINT");
      expect(await f.done).toBe(5);
      expect(f.stderr).toContain(`reattach with: flowsmith runs show ${id} --follow`);
      const list = flowsmith(["runs", "list"], { cwd: p });
      expect(list.code).toBe(0);
      expect(list.stdout.split("\n")[0]).toMatch(/^RUN ID\s+STATUS\s+STARTED\s+FLOW\s+LABEL$/);
      expect(list.stdout).toContain(id);
      expect(flowsmith(["runs", "cancel", id], { cwd: p }).code).toBe(0);
    } finally {
      server.child.kill("SIGTERM");
      await server.done;
    }
  }, 20_000);
});
