/**
 * Starting a run: make sure the flow is deployed in this environment (the local one deploys
 * on demand), validate the input against the deployed schema offline, then start it with
 * the flow's own scope. A start whose answer was lost is found again by its start tag.
 */
import { randomUUID } from "node:crypto";
import type { CompiledFlow } from "../compile/compile.js";
import { deployFlows, flowPayload } from "../deploy/deploy.js";
import { fillPlaceholders, MissingValueError } from "../deploy/fill.js";
import { environmentValues } from "../deploy/values.js";
import { envLock, lockPath, readLock } from "../deploy/lock.js";
import type { Diagnostic } from "../definition/diagnostics.js";
import type { Session } from "../globus/session.js";
import { FlowsClient } from "../globus/flows.js";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { SCOPES } from "../wire/scopes.js";
import { validateRunInput } from "../validate/index.js";
import { CliError, EXIT } from "../errors.js";
import type { RunDoc } from "./follow.js";
import { applyDefaults } from "./defaults.js";

export interface DeployedFlow {
  id: string;
  scope: string;
  schema: unknown;
}

export async function ensureDeployed(s: Session, flow: CompiledFlow, log: (l: string) => void): Promise<DeployedFlow> {
  const lock = readLock(lockPath(s.config, s.env));
  const entry = envLock(lock, s.env.name).flows[flow.name];
  const fnIds = Object.fromEntries(Object.entries(envLock(lock, s.env.name).functions).map(([k, v]) => [k, v.id]));
  const current = entry && flow.functions.every((f) => fnIds[f]) ? flowPayload(s.config, s.env, flow, fnIds) : undefined;
  if (entry && current && current.hash === entry.hash) return { id: entry.id, scope: entry.scope, schema: current.payload.input_schema };
  if (s.env.kind !== "local") {
    if (!entry) throw new CliError(`flow ${flow.name} is not deployed in environment "${s.env.name}"`, EXIT.INVALID, `run: flowsmith deploy-flow ${flow.name} --env ${s.env.name}`);
    log(`note: flows/${flow.name}.flow.ts differs from what is deployed in "${s.env.name}"; running the deployed version (deploy with: flowsmith deploy-flow ${flow.name} --env ${s.env.name})`);
    const fresh = flowPayload(s.config, s.env, flow, fnIds);
    return { id: entry.id, scope: entry.scope, schema: fresh.payload.input_schema };
  }
  log(`deploying ${flow.name} to the local runtime first`);
  const r = await deployFlows(s.config, s.env, [flow], s.api, { log });
  const id = r.flows[0]!.id!;
  const after = envLock(readLock(lockPath(s.config, s.env)), s.env.name);
  return { id, scope: after.flows[flow.name]!.scope, schema: flowPayload(s.config, s.env, flow, Object.fromEntries(Object.entries(after.functions).map(([k, v]) => [k, v.id]))).payload.input_schema };
}

/** The flow's input schema with this environment's values filled in (no deploy needed). */
export function environmentSchema(config: ProjectConfig, env: EnvironmentConfig, flow: CompiledFlow): unknown {
  try {
    return fillPlaceholders(flow.inputSchema, { functions: {}, values: environmentValues(config, env) });
  } catch (e) {
    if (e instanceof MissingValueError) throw new CliError(`the input schema of ${flow.name} needs ${e.message} in environment "${env.name}"`, EXIT.INVALID, `add them under environments.${env.name}.values in flowsmith.yaml`);
    throw e;
  }
}

/** The deployed flow from the lock, without deploying anything (for --dry-run). */
export function lockedFlow(config: ProjectConfig, env: EnvironmentConfig, flow: CompiledFlow): DeployedFlow | undefined {
  const entry = envLock(readLock(lockPath(config, env)), env.name).flows[flow.name];
  return entry ? { id: entry.id, scope: entry.scope, schema: environmentSchema(config, env, flow) } : undefined;
}

export function checkInput(schema: unknown, input: unknown): Diagnostic[] {
  return validateRunInput(schema, input);
}

/** The flow scope, with Transfer's dependent data_access scopes for real collections. */
export function runScope(s: Session, flowId: string): string {
  if (s.env.kind === "local") return SCOPES.flow(flowId);
  const collections = Object.values(s.env.collections).map((c) => `*${SCOPES.collectionDataAccess(c.id)}`);
  return `${SCOPES.flow(flowId)}[${SCOPES.transferAll}${collections.length ? `[${collections.join(" ")}]` : ""}]`;
}

export interface StartOptions {
  label?: string;
  tags?: string[];
  monitors?: string[];
  managers?: string[];
}

export async function startRun(s: Session, flow: DeployedFlow, input: unknown, o: StartOptions): Promise<RunDoc> {
  const startTag = `flowsmith-start:${randomUUID()}`;
  const payload = {
    body: input,
    ...(o.label ? { label: o.label.slice(0, 64) } : {}),
    tags: [...(o.tags ?? []), startTag],
    ...(o.monitors?.length ? { run_monitors: o.monitors } : {}),
    ...(o.managers?.length ? { run_managers: o.managers } : {}),
  };
  const client = new FlowsClient(s.api);
  // If the answer to a start was lost, the run may exist: find it by its tag rather than start a second one.
  return client.startRun(flow.id, payload, runScope(s, flow.id), async () => {
    const list = await client.listRuns({ filter_flow_id: flow.id, orderby: "start_time DESC", per_page: 50 });
    return (list.runs ?? []).find((r) => r.tags?.includes(startTag));
  });
}

/** Built input -> schema defaults -> offline check (what a start and a --dry-run both do first). */
export function completeInput(schema: unknown, built: unknown): { input: unknown; problems: Diagnostic[] } {
  const input = applyDefaults(schema, built);
  return { input, problems: checkInput(schema, input) };
}

/** What the one start path did: started a run, or found the input invalid (nothing started). */
export type StartOutcome = { input: unknown; run: RunDoc; problems?: undefined } | { input: unknown; run?: undefined; problems: Diagnostic[] };

/**
 * The one path from a built input to a run, used by run-flow, --watch and the demo: schema
 * defaults fill what the run directory and overrides left out (as the web form does), the
 * result is checked offline against the deployed schema, and only a valid input is started.
 */
export async function startChecked(s: Session, flow: DeployedFlow, built: unknown, o: StartOptions): Promise<StartOutcome> {
  const { input, problems } = completeInput(flow.schema, built);
  if (problems.length) return { input, problems };
  return { input, run: await startRun(s, flow, input, o) };
}
