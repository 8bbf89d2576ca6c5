/**
 * End to end: a Compute function that returns its whole environment, run by `run-flow` with
 * a canary GLOBUS_CLIENT_SECRET in the CLI's environment. The canary appears in no output
 * and in no file under .flowsmith/; the state directory is 0700 and the database 0600.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { tinyProject } from "./project.js";

const CANARY = "canary-0c1e-5ecret-9f2b";
const EP = "0e9c1d6a-8f57-4a4b-9d57-3c1f7c2b5a11";

describe("a function that dumps its environment", () => {
  it("sees no secret, and leaves none in the output or the local state", () => {
    const p = tinyProject({ yaml: `project: tiny\nenvironments:\n  local:\n    kind: local\n    compute_endpoints:\n      here:\n        id: ${EP}\n        workers: 1\n        env:\n          FROM_ENDPOINT: "yes"\n` });
    mkdirSync(join(p, "functions"), { recursive: true });
    writeFileSync(join(p, "functions", "dump_env.py"), "def dump_env():\n    import os\n    return dict(os.environ)\n");
    writeFileSync(join(p, "schemas", "dump.json"), JSON.stringify({ type: "object", properties: {} }));
    writeFileSync(join(p, "flows", "dump.flow.ts"), `import { compute, defineFlow } from "flowsmith";\nexport default defineFlow({ name: "dump", title: "Dump env", build: () => compute("Dump", { endpoint: "${EP}", tasks: [{ function: "dump_env" }] }) });\n`);
    const env = { GLOBUS_CLIENT_SECRET: CANARY, GLOBUS_CLIENT_ID: "8c1f0000-0000-4000-8000-000000000001", AWS_SECRET_ACCESS_KEY: CANARY, MY_TOKEN: CANARY };
    const r = flowsmith(["run-flow", "dump", "--json"], { cwd: p, env });
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as { status: string; details: { output: { Dump: { details: { result: Record<string, string>[] } } } } };
    expect(run.status).toBe("SUCCEEDED");
    const seen = run.details.output.Dump.details.result[0]!;
    expect(seen.PATH).toBeTruthy();
    expect(seen.FROM_ENDPOINT).toBe("yes");
    expect(Object.keys(seen).filter((k) => k.startsWith("GLOBUS_"))).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : []));
    for (const f of walk(join(p, ".flowsmith"))) expect(readFileSync(f).includes(CANARY), f).toBe(false);
    const data = join(p, ".flowsmith", "local");
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, "state.sqlite")).mode & 0o777).toBe(0o600);
  }, 20_000);
});
