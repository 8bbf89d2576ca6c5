/**
 * Two first-time deploys of one flow from two machines (no shared lock) against one service:
 * both search by keyword, find nothing and create; afterwards exactly one flow is left and
 * both lock files name it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlow } from "../../src/compile/compile.js";
import { defineFlow } from "../../src/dsl/flow.js";
import { pass } from "../../src/dsl/simple-states.js";
import { deployFlows } from "../../src/deploy/deploy.js";
import { GlobusApi } from "../../src/globus/api.js";
import { clientCredentials } from "../../src/globus/auth/client-credentials.js";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { envLock, readLock, lockPath } from "../../src/deploy/lock.js";
import type { ProjectConfig } from "../../src/project/config.js";

let rt: LocalRuntime;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flowsmith-converge-"));
  rt = await startLocalRuntime({ dataDir: join(dir, "runtime"), collections: {}, computeEndpoints: {} });
  for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE"]) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = rt.url;
});
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A machine: its own project root and lock, the same service. */
function machine(name: string): ProjectConfig {
  const root = join(dir, name);
  return { root, project: "converge", default_environment: "local", environments: { local: { name: "local", kind: "local", data_dir: join(root, "state"), collections: {}, compute_endpoints: {}, values: {}, credentials: "auto" } } };
}

/** Holds each create until both deploys have searched and are about to create. */
function racingApi(barrier: { waiting: number; release?: () => void; gate: Promise<void> }): GlobusApi {
  const api = new GlobusApi(clientCredentials({ clientId: rt.client.client_id, clientSecret: rt.client.client_secret, authUrl: rt.url, kind: "local" }));
  return new Proxy(api, {
    get(target, prop) {
      if (prop !== "call") return Reflect.get(target, prop);
      return async (service: string, path: string, o: { method?: string }) => {
        if (service === "FLOWS" && path === "/flows" && o.method === "POST") {
          if (++barrier.waiting === 2) barrier.release!();
          await barrier.gate;
        }
        return target.call(service as never, path, o as never);
      };
    },
  });
}

describe("concurrent first deploys", () => {
  it("leave one flow, the oldest, and both locks point at it", async () => {
    const source = defineFlow({ name: "twin", title: "Twin", build: () => pass("P", { result: 1, resultPath: "$.p" }) });
    const flow = compileFlow(source).flow!;
    const barrier: { waiting: number; release?: () => void; gate: Promise<void> } = { waiting: 0, gate: Promise.resolve() };
    barrier.gate = new Promise<void>((r) => (barrier.release = r));
    const a = machine("a");
    const b = machine("b");
    const logs: string[] = [];
    const [ra, rb] = await Promise.all([
      deployFlows(a, a.environments.local!, [flow], racingApi(barrier), { log: (l) => logs.push(`a: ${l}`) }),
      deployFlows(b, b.environments.local!, [flow], racingApi(barrier), { log: (l) => logs.push(`b: ${l}`) }),
    ]);
    expect(barrier.waiting).toBe(2); // both really created
    const left = rt.flows.listFlows(new URLSearchParams({ filter_keywords: "flowsmith:converge/local/twin" }), { identity: `urn:globus:auth:identity:${rt.client.client_id}` } as never).body.flows as { id: string }[];
    expect(left).toHaveLength(1);
    const idA = envLock(readLock(lockPath(a, a.environments.local!)), "local").flows.twin!.id;
    const idB = envLock(readLock(lockPath(b, b.environments.local!)), "local").flows.twin!.id;
    expect(idA).toBe(left[0]!.id);
    expect(idB).toBe(left[0]!.id);
    // The one that lost says what it did.
    const loser = [ra, rb].find((r) => r.flows[0]!.converged)!;
    expect(loser.flows[0]!.converged).toMatchObject({ kept: left[0]!.id });
    expect(logs.join("\n")).toMatch(/kept it \(the oldest\), deleted [0-9a-f-]{36}, which this deploy created/);
  });
});
