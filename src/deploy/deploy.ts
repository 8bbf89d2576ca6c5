/**
 * deploy-flow: register Compute functions whose source changed, fill per-environment
 * values, create or update flows whose content changed, and record it all in the lock.
 * Idempotent across machines: every flow carries the keyword `flowsmith:<project>/<env>/<flow>`,
 * so without a lock entry the existing flow is found and updated, never duplicated. The
 * environment is part of it because staging and production often share one Globus identity:
 * production's first deploy must not find (and take over) staging's flow.
 */
import { createHash } from "node:crypto";
import type { CompiledFlow } from "../compile/compile.js";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import type { GlobusApi } from "../globus/api.js";
import { FlowsClient, type FlowResponse } from "../globus/flows.js";
import { ComputeClient, pureSourceRegistration } from "../globus/compute.js";
import { SCOPES } from "../wire/scopes.js";
import { CliError, EXIT } from "../errors.js";
import { fillPlaceholders, MissingValueError } from "./fill.js";
import { envLock, lockPath, readLock, writeLock, type LockedFlow } from "./lock.js";
import { environmentValues } from "./values.js";
import { jsonDiff } from "./diff.js";
import { readFunction, registerFunction } from "./functions.js";

export type Action = "create" | "update" | "unchanged" | "recreate" | "adopt" | "register";

export interface FunctionPlan {
  name: string;
  action: "register" | "unchanged";
  hash: string;
  id?: string;
  reason?: string;
}

export interface FlowPlan {
  name: string;
  action: Exclude<Action, "register">;
  hash: string;
  id?: string;
  reason?: string;
  diff?: string;
  keyword: string;
  /** Flows with the same keyword made by concurrent first deploys that this deploy resolved. */
  converged?: { kept: string; deleted: string[]; others: string[] };
}

export interface DeployResult {
  environment: string;
  dryRun: boolean;
  functions: FunctionPlan[];
  flows: FlowPlan[];
  lockFile: string;
}

const sha = (s: string) => "sha256:" + createHash("sha256").update(s).digest("hex");

/** JSON with sorted keys, so hashes do not depend on key order. */
/** The lock's content hash of a Compute function's source (defined with the registration path). */
export { functionHash } from "./functions.js";

export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

export function flowKeyword(config: ProjectConfig, env: EnvironmentConfig, flow: string): string {
  return `flowsmith:${config.project}/${env.name}/${flow}`;
}

/** The keyword of flows deployed before the environment was part of it (flowsmith 0.1 until this change). */
export function legacyFlowKeyword(config: ProjectConfig, flow: string): string {
  return `flowsmith:${config.project}/${flow}`;
}

/** Flow ids the lock file gives to other environments: never this environment's to take over. */
function claimedElsewhere(lock: ReturnType<typeof readLock>, envName: string): Set<string> {
  return new Set(Object.entries(lock.environments).filter(([n]) => n !== envName).flatMap(([, e]) => Object.values(e.flows ?? {}).map((f) => f.id)));
}

/**
 * The deployed flow of this environment without a lock entry: by its keyword, else a flow
 * with the keyword from before environments were part of it that no other environment's
 * lock entry claims (oldest first; it is updated to the new keyword when deployed).
 */
async function findDeployed(api: GlobusApi, config: ProjectConfig, env: EnvironmentConfig, flow: string, lock: ReturnType<typeof readLock>, payload?: Record<string, unknown>): Promise<{ doc: FlowDoc; legacy: boolean } | undefined> {
  const doc = await findByKeyword(api, flowKeyword(config, env, flow));
  if (doc) return { doc, legacy: false };
  const claimed = claimedElsewhere(lock, env.name);
  // Without any lock entry to tell whose it is, an old-keyword flow is this environment's
  // only when it holds this environment's definition (its values filled in): another
  // environment's has other collection and endpoint ids. Anything else is left alone.
  const lockless = !Object.values(lock.environments).some((e) => e.flows?.[flow]);
  const old = (await findAllByKeyword(api, legacyFlowKeyword(config, flow))).find((f) => !claimed.has(f.id) && (!lockless || !payload || stableJson(f.definition) === stableJson(payload.definition)));
  return old ? { doc: old, legacy: true } : undefined;
}

/** Another environment of this project whose keyword the flow carries (it is that environment's flow). */
function otherEnvironmentOf(doc: FlowDoc, config: ProjectConfig, env: EnvironmentConfig, flow: string): string | undefined {
  for (const k of doc.keywords ?? []) {
    const m = /^flowsmith:(.+)\/([^/]+)\/([^/]+)$/.exec(k);
    if (m && m[1] === config.project && m[3] === flow && m[2] !== env.name) return m[2];
  }
  return undefined;
}

interface FlowDoc {
  id: string;
  created_at?: string;
  globus_auth_scope?: string;
  keywords?: string[];
  definition?: unknown;
  input_schema?: unknown;
}

export interface DeployOptions {
  dryRun?: boolean;
  log?: (line: string) => void;
}

/** The payload a flow is created/updated with in this environment. */
export function flowPayload(config: ProjectConfig, env: EnvironmentConfig, flow: CompiledFlow, functionIds: Record<string, string>) {
  const values = environmentValues(config, env);
  const keyword = flowKeyword(config, env, flow.name);
  let definition: unknown;
  let input_schema: unknown;
  try {
    definition = fillPlaceholders(flow.definition, { functions: functionIds, values });
    input_schema = fillPlaceholders(flow.inputSchema, { functions: functionIds, values });
  } catch (e) {
    if (e instanceof MissingValueError) {
      throw new CliError(`flow ${flow.name} needs ${e.message} in environment "${env.name}"`, EXIT.INVALID, `add them under environments.${env.name}.values in flowsmith.yaml (collections.<name> and endpoints.<name> come from its collections and compute_endpoints)`);
    }
    throw e;
  }
  const payload: Record<string, unknown> = {
    definition,
    input_schema,
    title: flow.title,
    subtitle: flow.subtitle ?? "",
    description: flow.description ?? "",
    keywords: [...flow.keywords.filter((k) => k !== keyword), keyword],
    ...(env.roles ?? {}),
    ...(env.subscription_id ? { subscription_id: env.subscription_id } : {}),
  };
  return { payload, keyword, hash: sha(stableJson(payload)) };
}

export async function deployFlows(config: ProjectConfig, env: EnvironmentConfig, flows: CompiledFlow[], api: GlobusApi, opts: DeployOptions = {}): Promise<DeployResult> {
  const log = opts.log ?? (() => {});
  const file = lockPath(config, env);
  const lock = readLock(file);
  const el = envLock(lock, env.name);
  const result: DeployResult = { environment: env.name, dryRun: !!opts.dryRun, functions: [], flows: [], lockFile: file };

  // 0. Without lock entries (a new machine, CI), recover function ids from the flows already
  // deployed: their definitions hold the ids where the sources hold ${function:name}.
  const harvested: Record<string, string> = {};
  for (const flow of flows) {
    if (!flow.functions.some((f) => !el.functions[f]) || el.flows[flow.name]) continue;
    const existing = (await findDeployed(api, config, env, flow.name, lock))?.doc;
    if (existing?.definition) Object.assign(harvested, harvestFunctionIds(flow.definition, existing.definition));
  }

  // 1. Functions: register those whose source (or name) changed, or that vanished remotely.
  const functionIds: Record<string, string> = {};
  const needed = [...new Set(flows.flatMap((f) => f.functions))].sort();
  for (const name of needed) {
    const fn = readFunction(config.root, name);
    if (!fn) throw new CliError(`functions/${name}.py does not exist (used by ${flows.filter((f) => f.functions.includes(name)).map((f) => f.name).join(", ")})`, EXIT.INVALID);
    const { source, hash } = fn;
    if (!el.functions[name] && harvested[name]) {
      // Adopt the deployed function only if it is this source.
      const remote = await new ComputeClient(api).getFunction(harvested[name]!);
      const expected = (pureSourceRegistration(name, source) as { function_code: string }).function_code;
      if (remote?.function_code === expected) el.functions[name] = { id: harvested[name]!, hash };
    }
    const locked = el.functions[name];
    let reason: string | undefined;
    if (locked && locked.hash === hash) {
      if (await new ComputeClient(api).getFunction(locked.id)) {
        functionIds[name] = locked.id;
        result.functions.push({ name, action: "unchanged", hash, id: locked.id });
        continue;
      }
      reason = `function ${locked.id} is gone from the service`;
    } else reason = locked ? "source changed" : "not registered yet";
    if (opts.dryRun) {
      functionIds[name] = locked?.id ?? `\${function:${name}}`;
      result.functions.push({ name, action: "register", hash, reason });
      continue;
    }
    const id = await registerFunction(api, config, fn, { file, lock, env: el });
    functionIds[name] = id;
    log(`registered function ${name} -> ${id} (${reason})`);
    result.functions.push({ name, action: "register", hash, id, reason });
  }

  // 2. Flows.
  for (const flow of flows) {
    const { payload, keyword, hash } = flowPayload(config, env, flow, functionIds);
    const locked = el.flows[flow.name];
    let existing: FlowDoc | undefined;
    let reason: string | undefined;
    if (locked) {
      const got = (await new FlowsClient(api).getFlow(locked.id)) as FlowDoc | undefined;
      // Before environments were part of the keyword, a first deploy of one environment could
      // take over another's flow, leaving both lock entries naming it. The environment whose
      // keyword it carries keeps it; this one gets a flow of its own.
      const owner = got ? otherEnvironmentOf(got, config, env, flow.name) : undefined;
      if (got && !owner) existing = got;
      else if (owner) reason = `flow ${locked.id} is environment ${owner}'s (it carries its keyword); creating one of this environment's own`;
      else reason = `flow ${locked.id} was deleted on the service; recreating it`;
    }
    let adopted = false;
    let legacy = false;
    if (!existing) {
      const found = await findDeployed(api, config, env, flow.name, lock, payload);
      if (found) {
        existing = found.doc;
        adopted = true;
        legacy = found.legacy;
        reason = legacy ? `found the existing flow ${existing.id} by its keyword from before environments were part of it (${legacyFlowKeyword(config, flow.name)}); updating it to ${keyword}` : `found the existing flow ${existing.id} by its keyword ${keyword}`;
      }
    }
    const plan: FlowPlan = { name: flow.name, action: "unchanged", hash, keyword };
    if (existing && locked && !adopted && locked.hash === hash) {
      plan.id = existing.id;
      result.flows.push(plan);
      continue;
    }
    if (existing && adopted && !legacy && sameContent(existing, payload)) {
      plan.action = "adopt";
      plan.id = existing.id;
      plan.reason = reason ?? "";
    } else if (existing) {
      plan.action = "update";
      plan.id = existing.id;
      plan.reason = reason ?? "content changed";
      plan.diff = jsonDiff(existing.definition, payload.definition);
    } else {
      plan.action = locked ? "recreate" : "create";
      plan.reason = reason ?? "not deployed yet";
      plan.diff = jsonDiff(undefined, payload.definition);
    }
    result.flows.push(plan);
    if (opts.dryRun) continue;
    let doc: FlowDoc;
    if (plan.action === "update") doc = (await new FlowsClient(api).updateFlow(existing!.id, payload)) as FlowDoc;
    else if (plan.action === "adopt") doc = existing!;
    else {
      // A dropped connection may hide a flow that was created: look before creating again.
      doc = (await new FlowsClient(api).createFlow(payload, async () => (await findByKeyword(api, keyword)) as FlowResponse | undefined)) as FlowDoc;
    }
    if (plan.action === "create" || plan.action === "recreate") {
      // The keyword search and the create are not atomic: a deploy on another machine may
      // have created the same flow meanwhile. Converge on the oldest and delete the extra
      // this deploy made (the other deploy deletes its own when it looks).
      const converged = await convergeByKeyword(api, keyword, doc, payload, log);
      if (converged) {
        plan.converged = converged.report;
        doc = converged.doc;
        plan.action = "adopt";
        plan.reason = `another deploy created ${converged.report.kept} at the same time; kept it (the oldest) and deleted ${converged.report.deleted.join(", ") || "nothing"}`;
      }
    }
    const entry: LockedFlow = { id: doc.id, scope: doc.globus_auth_scope ?? SCOPES.flow(doc.id), hash, keyword, title: flow.title };
    el.flows[flow.name] = entry;
    writeLock(file, lock);
    plan.id = doc.id;
    log(`${plan.action} flow ${flow.name} -> ${doc.id}${plan.reason ? ` (${plan.reason})` : ""}`);
  }
  if (!opts.dryRun) writeLock(file, lock);
  return result;
}

/** Where the compiled definition says ${function:name}, the deployed one has that function's id. */
export function harvestFunctionIds(compiled: unknown, deployed: unknown, out: Record<string, string> = {}): Record<string, string> {
  if (typeof compiled === "string") {
    const m = /^\$\{function:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(compiled);
    if (m && typeof deployed === "string" && /^[0-9a-f-]{36}$/i.test(deployed)) out[m[1]!] = deployed;
  } else if (Array.isArray(compiled) && Array.isArray(deployed)) compiled.forEach((c, i) => harvestFunctionIds(c, deployed[i], out));
  else if (compiled && typeof compiled === "object" && deployed && typeof deployed === "object") {
    for (const [k, v] of Object.entries(compiled)) harvestFunctionIds(v, (deployed as Record<string, unknown>)[k], out);
  }
  return out;
}

function sameContent(existing: FlowDoc, payload: Record<string, unknown>): boolean {
  return stableJson(existing.definition) === stableJson(payload.definition) && stableJson(existing.input_schema) === stableJson(payload.input_schema);
}

async function findAllByKeyword(api: GlobusApi, keyword: string): Promise<FlowDoc[]> {
  const res = await new FlowsClient(api).listFlows({ filter_keywords: keyword, filter_roles: "flow_owner,flow_administrator", per_page: 50 });
  return oldestFirst(((res.flows ?? []) as FlowDoc[]).filter((f) => f.keywords?.includes(keyword)));
}

/** Oldest first, by created_at then id, so every machine picks the same one. */
function oldestFirst(flows: FlowDoc[]): FlowDoc[] {
  return [...flows].sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? "") || a.id.localeCompare(b.id));
}

async function findByKeyword(api: GlobusApi, keyword: string): Promise<FlowDoc | undefined> {
  return (await findAllByKeyword(api, keyword))[0];
}

/**
 * After creating `mine`: when the keyword finds more than one flow, keep the oldest (updated
 * to this payload if it differs) and delete `mine` if it is not the oldest. Flows other
 * deploys created are theirs to delete; they are reported.
 */
async function convergeByKeyword(api: GlobusApi, keyword: string, mine: FlowDoc, payload: Record<string, unknown>, log: (l: string) => void): Promise<{ doc: FlowDoc; report: NonNullable<FlowPlan["converged"]> } | undefined> {
  const hits = await findAllByKeyword(api, keyword);
  if (hits.length <= 1 || !hits.some((h) => h.id === mine.id)) return undefined;
  const oldest = hits[0]!;
  if (oldest.id === mine.id) {
    log(`${hits.length - 1} other flow(s) with keyword ${keyword} appeared meanwhile (${hits.slice(1).map((h) => h.id).join(", ")}); keeping ${mine.id}, the oldest: their deploys delete them`);
    return undefined;
  }
  const client = new FlowsClient(api);
  await client.deleteFlow(mine.id);
  let doc = oldest;
  const full = ((await client.getFlow(oldest.id)) ?? oldest) as FlowDoc;
  if (!sameContent(full, payload)) doc = (await client.updateFlow(oldest.id, payload)) as FlowDoc;
  else doc = full;
  const others = hits.slice(1).map((h) => h.id).filter((id) => id !== mine.id);
  log(`another deploy created flow ${oldest.id} with keyword ${keyword} at the same time: kept it (the oldest), deleted ${mine.id}, which this deploy created`);
  return { doc, report: { kept: oldest.id, deleted: [mine.id], others } };
}
