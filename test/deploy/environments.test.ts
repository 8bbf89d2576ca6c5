/**
 * Staging and production often deploy with one Globus identity to one service: each
 * environment finds its own flow (keyword `flowsmith:<project>/<env>/<flow>`), never the
 * other's, with or without its lock entry. A flow deployed before the environment was part
 * of the keyword is taken over by the first environment that deploys it, and updated to the
 * new keyword; a second environment then makes its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFlow } from "../../src/compile/compile.js";
import { defineFlow } from "../../src/dsl/flow.js";
import { pass } from "../../src/dsl/simple-states.js";
import { deployFlows, legacyFlowKeyword } from "../../src/deploy/deploy.js";
import { GlobusApi } from "../../src/globus/api.js";
import { clientCredentials } from "../../src/globus/auth/client-credentials.js";
import { FlowsClient } from "../../src/globus/flows.js";
import { TimersClient } from "../../src/globus/timers.js";
import type { Session } from "../../src/globus/session.js";
import { deployTimers } from "../../src/run/declared-timers.js";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { envLock, readLock, lockPath } from "../../src/deploy/lock.js";
import type { EnvironmentConfig, ProjectConfig } from "../../src/project/config.js";

let rt: LocalRuntime;
let dir: string;
let api: GlobusApi;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flowsmith-envs-"));
  rt = await startLocalRuntime({ dataDir: join(dir, "runtime"), collections: {}, computeEndpoints: {} });
  for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"]) {
    saved[s] = process.env[`GLOBUS_SDK_SERVICE_URL_${s}`];
    process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = rt.url;
  }
  api = new GlobusApi(clientCredentials({ clientId: rt.client.client_id, clientSecret: rt.client.client_secret, authUrl: rt.url, kind: "local" }));
});
afterAll(async () => {
  for (const [s, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[`GLOBUS_SDK_SERVICE_URL_${s}`];
    else process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = v;
  }
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One project, two environments on the same service, one lock file (data_dir shared). */
function project(root: string, name = "beamline"): ProjectConfig & { environments: Record<"staging" | "production", EnvironmentConfig> } {
  const env = (name: string): EnvironmentConfig => ({ name, kind: "local", data_dir: join(root, "state"), collections: {}, compute_endpoints: {}, values: {}, credentials: "auto" });
  return { root, project: name, default_environment: "staging", environments: { staging: env("staging"), production: env("production") } };
}
const flow = (project: string) => compileFlow(defineFlow({ name: "reduce", title: `Reduce ${project}`, build: () => pass("P", { result: 1, resultPath: "$.p" }) })).flow!;
const lockedId = (p: ProjectConfig, env: "staging" | "production") => envLock(readLock(lockPath(p, p.environments[env]!)), env).flows.reduce?.id;

describe("environments on one service", () => {
  it("each deploys its own flow, and finds it again without the lock", async () => {
    const p = project(join(dir, "two"));
    const f = flow("two");
    const s = await deployFlows(p, p.environments.staging, [f], api);
    const prod = await deployFlows(p, p.environments.production, [f], api);
    expect(s.flows[0]!.action).toBe("create");
    expect(prod.flows[0]!.action).toBe("create");
    expect(prod.flows[0]!.id).not.toBe(s.flows[0]!.id);
    expect(prod.flows[0]!.keyword).toBe("flowsmith:beamline/production/reduce");
    // Another machine (no lock): each environment adopts its own.
    const q = project(join(dir, "two-again"));
    expect((await deployFlows(q, q.environments.production, [f], api)).flows[0]).toMatchObject({ action: "adopt", id: prod.flows[0]!.id });
    expect((await deployFlows(q, q.environments.staging, [f], api)).flows[0]).toMatchObject({ action: "adopt", id: s.flows[0]!.id });
  });

  it("a flow with the old keyword is taken over once, by the first environment that deploys it", async () => {
    const p = project(join(dir, "legacy"), "legacy");
    const f = { ...flow("legacy"), name: "reduce" };
    const flows = new FlowsClient(api);
    const old = await flows.createFlow({ definition: f.definition, input_schema: f.inputSchema, title: "Reduce", keywords: [legacyFlowKeyword(p, "reduce")] }, async () => undefined);
    const s = await deployFlows(p, p.environments.staging, [f], api);
    expect(s.flows[0]).toMatchObject({ action: "update", id: old.id });
    expect(s.flows[0]!.reason).toMatch(/from before environments were part of it/);
    expect((await flows.getFlow(old.id!))!.keywords).toContain("flowsmith:legacy/staging/reduce");
    expect((await flows.getFlow(old.id!))!.keywords).not.toContain(legacyFlowKeyword(p, "reduce"));
    const prod = await deployFlows(p, p.environments.production, [f], api);
    expect(prod.flows[0]!.action).toBe("create");
    expect(lockedId(p, "production")).not.toBe(old.id);
    expect(lockedId(p, "staging")).toBe(old.id);
  });

  it("an old-keyword flow another environment's lock entry names is not taken over", async () => {
    const p = project(join(dir, "claimed"), "claimed");
    const f = flow("claimed");
    const flows = new FlowsClient(api);
    // Staging deployed under the old keyword (its lock entry is there), then upgraded flowsmith.
    const old = await flows.createFlow({ definition: f.definition, input_schema: f.inputSchema, title: "Reduce", keywords: [legacyFlowKeyword(p, "reduce")] }, async () => undefined);
    const { writeLock } = await import("../../src/deploy/lock.js");
    const lock = readLock(lockPath(p, p.environments.staging));
    envLock(lock, "staging").flows.reduce = { id: old.id!, scope: "s", hash: "h", keyword: legacyFlowKeyword(p, "reduce"), title: "Reduce" };
    writeLock(lockPath(p, p.environments.staging), lock);
    const prod = await deployFlows(p, p.environments.production, [f], api);
    expect(prod.flows[0]!.action).toBe("create");
    expect(prod.flows[0]!.id).not.toBe(old.id);
  });

  it("without any lock, an old-keyword flow with another definition is not taken over", async () => {
    const p = project(join(dir, "lockless"), "lockless");
    const f = flow("lockless");
    const flows = new FlowsClient(api);
    const other = { ...(f.definition as object), Comment: "production's values" };
    const old = await flows.createFlow({ definition: other, input_schema: f.inputSchema, title: "Reduce", keywords: [legacyFlowKeyword(p, "reduce")] }, async () => undefined);
    const s = await deployFlows(p, p.environments.staging, [f], api);
    expect(s.flows[0]!.action).toBe("create");
    expect(s.flows[0]!.id).not.toBe(old.id);
    expect((await flows.getFlow(old.id!))!.keywords).toEqual([legacyFlowKeyword(p, "reduce")]);
  });

  it("a flow two environments' lock entries share (an older flowsmith's takeover) is split: the one whose keyword it carries keeps it", async () => {
    const p = project(join(dir, "shared"), "shared");
    const f = flow("shared");
    const s = await deployFlows(p, p.environments.staging, [f], api);
    const { writeLock } = await import("../../src/deploy/lock.js");
    const lock = readLock(lockPath(p, p.environments.staging));
    envLock(lock, "production").flows.reduce = { ...envLock(lock, "staging").flows.reduce! };
    writeLock(lockPath(p, p.environments.staging), lock);
    const prod = await deployFlows(p, p.environments.production, [f], api);
    expect(prod.flows[0]!.action).toBe("recreate");
    expect(prod.flows[0]!.reason).toMatch(/is environment staging's/);
    expect(prod.flows[0]!.id).not.toBe(s.flows[0]!.id);
    expect(lockedId(p, "staging")).toBe(s.flows[0]!.id);
    expect((await deployFlows(p, p.environments.staging, [f], api)).flows[0]!.action).toBe("unchanged");
  });

  it("a declared timer named the old way is adopted and renamed by its own environment only", async () => {
    const p = project(join(dir, "timers"), "timers");
    const source = defineFlow({ name: "reduce", title: "Reduce", timers: [{ name: "nightly", every: "1d", input: {} }], build: () => pass("P", { result: 1, resultPath: "$.p" }) });
    const f = compileFlow(source).flow!;
    const session = (env: "staging" | "production") => ({ config: p, env: p.environments[env], api, credentials: {} }) as unknown as Session;
    const timers = new TimersClient(api);
    await deployFlows(p, p.environments.staging, [f], api);
    await deployFlows(p, p.environments.production, [f], api);
    const [made] = await deployTimers(session("staging"), [{ flow: f, source }]);
    expect(made).toMatchObject({ action: "create", name: "flowsmith:timers/staging/reduce/nightly" });
    // As an older flowsmith left it: the old name, no lock entry.
    await timers.rename(made!.id!, "flowsmith:timers/reduce/nightly");
    const { writeLock } = await import("../../src/deploy/lock.js");
    const lock = readLock(lockPath(p, p.environments.staging));
    delete envLock(lock, "staging").timers!["reduce/nightly"];
    writeLock(lockPath(p, p.environments.staging), lock);
    // Production's deploy does not take it (it starts staging's flow): it makes its own.
    const prod = await deployTimers(session("production"), [{ flow: f, source }]);
    expect(prod.map((t) => [t.action, t.name])).toEqual([["create", "flowsmith:timers/production/reduce/nightly"]]);
    expect((await timers.get(made!.id!)).name).toBe("flowsmith:timers/reduce/nightly");
    // Production's own, named the old way too (and listed after staging's): found, not made twice.
    await timers.rename(prod[0]!.id!, "flowsmith:timers/reduce/nightly");
    const lock2 = readLock(lockPath(p, p.environments.production));
    delete envLock(lock2, "production").timers!["reduce/nightly"];
    writeLock(lockPath(p, p.environments.production), lock2);
    const prodAgain = await deployTimers(session("production"), [{ flow: f, source }]);
    expect(prodAgain.map((t) => [t.action, t.id])).toEqual([["adopt", prod[0]!.id]]);
    // Staging's deploy adopts it and gives it the new name.
    const again = await deployTimers(session("staging"), [{ flow: f, source }]);
    expect(again.map((t) => [t.action, t.id])).toEqual([["adopt", made!.id]]);
    expect((await timers.get(made!.id!)).name).toBe("flowsmith:timers/staging/reduce/nightly");
    expect((await timers.list({ filter_name: "flowsmith:timers/" })).map((j) => j.name).sort()).toEqual(["flowsmith:timers/production/reduce/nightly", "flowsmith:timers/staging/reduce/nightly"]);
  });
});
