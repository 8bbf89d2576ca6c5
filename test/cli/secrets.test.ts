/**
 * A canary secret in the environment never appears in any command's output, whether the
 * command succeeds, fails to authenticate, or cannot reach the service.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";

const CANARY = "canary-secret-7f3a9c1e5b";

describe("secrets stay secret", () => {
  it("no command prints the client secret", () => {
    const dir = scratchProject();
    const rd = join(dir, ".flowsmith", "collections", "cosmic_beamline", "aps", "scans", "s1");
    mkdirSync(rd, { recursive: true });
    writeFileSync(join(rd, "test_data.h5"), "h5");
    const env = { GLOBUS_CLIENT_ID: "8c1f0000-0000-4000-8000-000000000001", GLOBUS_CLIENT_SECRET: CANARY, GLOBUS_SDK_SERVICE_URL_AUTH: "http://127.0.0.1:9", FLOWSMITH_DEBUG: "1" };
    const commands = [
      ["validate"],
      ["deploy-flow", "tomocupy_alcf"],
      ["run-flow", "tomocupy_alcf", "--rundir", rd],
      ["runs", "list"],
      ["deploy-flow", "--env", "production"],
      ["deploy-flow", "--env", "production", "--json"],
      ["run-flow", "tomocupy_alcf", "--rundir", rd, "--env", "production"],
      ["functions", "list", "--env", "production"],
      ["local", "status"],
    ];
    for (const args of commands) {
      const r = flowsmith(args, { cwd: dir, env });
      expect(r.stdout + r.stderr, args.join(" ")).not.toContain(CANARY);
    }
    // Production is unreachable here: an auth/service failure, with a clear message and no stack trace.
    const prod = flowsmith(["deploy-flow", "--env", "production"], { cwd: dir, env: { ...env, FLOWSMITH_DEBUG: "" } });
    expect([3, 4]).toContain(prod.code);
    expect(prod.stderr).toMatch(/error: /);
    expect(prod.stderr).not.toMatch(/\n\s+at /);
  });

  it("setting only one of GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET is an auth error (exit 3)", () => {
    const dir = scratchProject();
    const r = flowsmith(["deploy-flow", "--env", "production"], { cwd: dir, env: { GLOBUS_CLIENT_SECRET: CANARY, GLOBUS_CLIENT_ID: "" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET/);
    expect(r.stderr).not.toContain(CANARY);
  });
});
