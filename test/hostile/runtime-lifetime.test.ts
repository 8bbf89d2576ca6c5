/**
 * The local runtime's lifetime: a runtime a command started in-process serves every command
 * attached to it until they are done; a follower survives a kill -9 and restart of
 * `local start`; a follower that gives up says how to reattach.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { reapSpawned, spawnCli, tinyProject } from "./project.js";

afterEach(reapSpawned);

describe("a runtime started in-process", () => {
  it("keeps serving a second run-flow attached to it after the first command ends", async () => {
    const p = tinyProject({ waits: { short: 3, long: 5 } });
    expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
    const first = spawnCli(["run-flow", "short"], p);
    await first.waitFor(/started run/);
    const second = spawnCli(["run-flow", "long"], p);
    await second.waitFor(/started run/);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a, first.stderr).toBe(0);
    expect(b, second.stderr).toBe(0);
    expect(first.stdout).toMatch(/SUCCEEDED/);
    expect(second.stdout).toMatch(/SUCCEEDED/);
    // When the second attached (it did unless this machine was too slow to start it within
    // the first run's 3 s), the first said why it did not end at once.
    if (!/started the local runtime in-process/.test(second.stderr)) expect(first.stderr).toMatch(/keeping the local runtime up for 1 other command/);
    // Nothing is left running.
    expect(flowsmith(["local", "status"], { cwd: p }).code).toBe(6);
  }, 20_000);

  it("an owner told to stop (Ctrl-C) still serves the command attached to it to the end", async () => {
    const p = tinyProject({ waits: { forever: 600, long: 3 } });
    expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
    const owner = spawnCli(["run-flow", "forever"], p);
    await owner.waitFor(/WaitStarted/);
    const attached = spawnCli(["run-flow", "long"], p);
    await attached.waitFor(/WaitStarted/);
    expect(attached.stderr).not.toMatch(/started the local runtime in-process/);
    owner.child.kill("SIGINT");
    await owner.waitFor(/keeping the local runtime up for 1 other command\(s\) using it \(pid \d+: flowsmith run-flow long\)/);
    expect(await attached.done, attached.stderr).toBe(0);
    expect(attached.stdout).toMatch(/SUCCEEDED/);
    expect(await owner.done).toBe(5); // detached from its own run, which has not ended
  }, 20_000);
});

describe("an in-process owner that is killed", () => {
  it("is taken over by the command attached to it, which follows its run to the end", async () => {
    const p = tinyProject({ waits: { long: 3 } });
    expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
    const owner = spawnCli(["run-flow", "long"], p);
    await owner.waitFor(/started run/);
    const follower = spawnCli(["run-flow", "long"], p);
    await follower.waitFor(/started run/);
    owner.child.kill("SIGKILL");
    await owner.done;
    expect(await follower.done, follower.stderr).toBe(0);
    expect(follower.stdout).toMatch(/SUCCEEDED/);
    expect(follower.stderr).toMatch(/started the local runtime in-process/);
    // The owner's run was resumed by the runtime that took over, and finished too.
    const ownerRun = /started run ([0-9a-f-]{36})/.exec(owner.stderr)![1]!;
    const shown = flowsmith(["runs", "show", ownerRun, "--json"], { cwd: p });
    expect(JSON.parse(shown.stdout).status).toMatch(/SUCCEEDED|ACTIVE/);
  }, 20_000);
});

describe("run-flow --watch --once", () => {
  it("serves the runs it started to their end instead of leaving them stalled", async () => {
    const p = tinyProject({ waits: { nap: 1 } });
    const watched = join(p, "incoming");
    mkdirSync(join(watched, "scan_001"), { recursive: true });
    writeFileSync(join(watched, "scan_001", "a.h5"), "x");
    const r = flowsmith(["run-flow", "nap", "--watch", watched, "--once", "--settle", "0"], { cwd: p });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/waiting for 1 run\(s\) on the local runtime this command started/);
    expect(r.stdout).toMatch(/SUCCEEDED scan_001 run [0-9a-f-]{36}/);
  }, 20_000);
});

describe("a standing runtime", () => {
  it("a followed run survives kill -9 and restart of local start", async () => {
    const p = tinyProject({ waits: { long: 3 } });
    let server = spawnCli(["local", "start"], p);
    try {
      await server.waitFor(/listening on/);
      expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
      const follower = spawnCli(["run-flow", "long"], p);
      await follower.waitFor(/WaitStarted|started run/);
      server.child.kill("SIGKILL");
      await server.done;
      server = spawnCli(["local", "start"], p);
      await server.waitFor(/listening on/);
      const code = await follower.done;
      expect(code, follower.stderr).toBe(0);
      expect(follower.stdout).toMatch(/SUCCEEDED/);
    } finally {
      server.child.kill("SIGTERM");
      await server.done;
    }
  }, 20_000);

  it("a follower that gives up prints the reattach command and exits 4", async () => {
    const p = tinyProject({ waits: { long: 30 } });
    const server = spawnCli(["local", "start"], p);
    try {
      await server.waitFor(/listening on/);
      expect(flowsmith(["deploy-flow"], { cwd: p }).code).toBe(0);
      const follower = spawnCli(["run-flow", "long"], p, { FLOWSMITH_LOCAL_REATTACH_SECONDS: "0" });
      await follower.waitFor(/started run ([0-9a-f-]{36})/);
      const id = /started run ([0-9a-f-]{36})/.exec(follower.stderr)![1];
      server.child.kill("SIGKILL");
      await server.done;
      const code = await follower.done;
      expect(code).toBe(4);
      expect(follower.stderr).toContain(`flowsmith runs show ${id} --follow`);
    } finally {
      server.child.kill("SIGKILL"); // no-op when it is gone already
    }
  }, 20_000);
});
