/**
 * A Compute function on the local runtime sees only the worker allow-list, the endpoint's
 * `env:` and its `pass_env:` names, never the CLI's secrets; every state file is private.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeResult, encodeTaskPayload, JSON_DATA_PATH } from "../../src/wire/compute-serialization.js";
import { workerEnv } from "../../src/local/compute/worker-env.js";
import { EP, EP2, harness, type Harness } from "../local/compute/helpers.js";

const CANARY = "canary-5ecret-4c1d";
const SAVED = { ...process.env };
let h: Harness;

beforeAll(async () => {
  Object.assign(process.env, { GLOBUS_CLIENT_SECRET: CANARY, GLOBUS_CLIENT_ID: "cid-public", AWS_SECRET_ACCESS_KEY: CANARY, MY_API_TOKEN: CANARY, WANTED_VAR: "passed", LC_ALL: "C.UTF-8" });
  h = await harness({ [EP]: { workers: 1 }, [EP2]: { workers: 1, env: { SET_BY_ENDPOINT: "yes" }, passEnv: ["WANTED_VAR", "GLOBUS_CLIENT_ID"] } });
});
afterAll(async () => {
  await h?.close();
  for (const k of Object.keys(process.env)) if (!(k in SAVED)) delete process.env[k];
});

async function dumpEnv(endpoint: string): Promise<Record<string, string>> {
  const fid = h.register("dump", "import os\ndef dump():\n    return dict(os.environ)\n");
  const r = h.service.submitV3(endpoint, { tasks: { [fid]: [encodeTaskPayload([], {})] }, result_serializers: [JSON_DATA_PATH] });
  const t = await h.service.waitForTask(r.tasks[fid]![0]!, 15_000);
  expect(t.status).toBe("success");
  return decodeResult(t.result as string) as Record<string, string>;
}


describe("worker environment", () => {
  it("holds PATH/HOME/LANG-like variables and nothing secret from the parent", async () => {
    const env = await dumpEnv(EP);
    expect(env.PATH).toContain(process.env.PATH); // a pyenv shim may put its own directories first
    if (process.env.HOME) expect(env.HOME).toBe(process.env.HOME);
    expect(env.LC_ALL).toBe("C.UTF-8");
    expect(JSON.stringify(env)).not.toContain(CANARY);
    expect(Object.keys(env).filter((k) => k.startsWith("GLOBUS_"))).toEqual([]);
    expect(env.WANTED_VAR).toBeUndefined();
  });

  it("adds the endpoint's env: values and pass_env: names", async () => {
    const env = await dumpEnv(EP2);
    expect(env.SET_BY_ENDPOINT).toBe("yes");
    expect(env.WANTED_VAR).toBe("passed");
    expect(env.GLOBUS_CLIENT_ID).toBe("cid-public");
    expect(env.GLOBUS_CLIENT_SECRET).toBeUndefined();
  });

  it("leaves no canary in the store, the result files or the logs", () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    for (const f of walk(h.dir)) expect(readFileSync(f).includes(CANARY), f).toBe(false);
  });

  it("makes state directories 0700 and files 0600", () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(join(h.dir, "compute", "results"))).toBe(0o700);
    expect(mode(join(h.dir, "compute", "endpoints"))).toBe(0o700);
    expect(mode(join(h.dir, "compute", "endpoints", `${EP}.log`))).toBe(0o600);
    expect(mode(join(h.dir, "state.db"))).toBe(0o600);
    expect(mode(join(h.dir, "state.db-wal"))).toBe(0o600);
  });

  it("prepends path_prefix and lets env: override an allowed variable", () => {
    const env = workerEnv({ env: { LANG: "fr_FR.UTF-8" }, pathPrefix: ["/opt/x"] }, { PATH: "/usr/bin", LANG: "C", GLOBUS_CLIENT_SECRET: "s", SECRET: "x" });
    expect(env).toEqual({ PATH: "/opt/x:/usr/bin", LANG: "fr_FR.UTF-8" });
  });
});

describe("runtime data directory", () => {
  it("is 0700 with a 0600 database, WAL, runtime.json and client.json", async () => {
    const { startLocalRuntime } = await import("../../src/local/runtime.js");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = join(mkdtempSync(join(tmpdir(), "flowsmith-perm-")), "local");
    const rt = await startLocalRuntime({ dataDir: dir, port: 0, collections: {}, computeEndpoints: {} });
    try {
      const mode = (p: string) => statSync(join(dir, p)).mode & 0o777;
      expect(mode(".")).toBe(0o700);
      for (const f of ["state.sqlite", "state.sqlite-wal", "runtime.json", "client.json", "runtime.lock"]) expect(mode(f), f).toBe(0o600);
    } finally {
      await rt.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
