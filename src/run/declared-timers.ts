/**
 * Declared recurring timers (defineFlow({ timers: [...] })): deploy-flow creates each one
 * on the Timers service, or leaves it alone when it is already there as declared. A timer
 * is found by the lock entry and, without the lock (another machine, a deleted lock), by
 * its name on the service, `flowsmith:<project>/<env>/<flow>/<timer>` — so deploying twice,
 * or once more after deleting the lock, still leaves one timer, and staging and production
 * on one Globus identity never take each other's. Timers can only rename a
 * timer (PATCH takes `name`), so a changed declaration is a delete + create ("recreate").
 */
import { createHash } from "node:crypto";
import type { CompiledFlow } from "../compile/compile.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import type { TimerDeclaration } from "../dsl/timers.js";
import type { Session } from "../globus/session.js";
import { TimersClient, type FlowStartDocument, type TimerJob, type TimerSchedule } from "../globus/timers.js";
import { ServiceError } from "../globus/api.js";
import { completeInput, environmentSchema, runScope } from "./start.js";
import { scheduleFromFlags } from "./timer-schedule.js";
import { CliError, EXIT } from "../errors.js";
import { environmentValues } from "../deploy/values.js";
import { envLock, lockPath, readLock, writeLock } from "../deploy/lock.js";
import { fillPlaceholders, MissingValueError } from "../deploy/fill.js";
import { stableJson } from "../deploy/deploy.js";

export interface TimerPlan {
  flow: string;
  timer: string;
  /** The timer's name on the service. */
  name: string;
  action: "create" | "unchanged" | "recreate" | "adopt" | "delete";
  id?: string;
  /** Absent for a timer deleted without the service saying its schedule. */
  schedule?: TimerSchedule;
  reason?: string;
}

export function declaredTimerName(project: string, env: string, flow: string, timer: string): string {
  return `flowsmith:${project}/${env}/${flow}/${timer}`;
}

/** The name declared timers had before the environment was part of it. */
function legacyTimerName(project: string, flow: string, timer: string): string {
  return `flowsmith:${project}/${flow}/${timer}`;
}

/** Whether a timer starts runs of this flow (the service may give flow_id or only the callback URL). */
function startsFlow(job: TimerJob, flowId: string | undefined): boolean {
  return !!flowId && (job.flow_id === flowId || job.callback_url.includes(`/flows/${flowId}/`));
}

interface Desired {
  flow_id: string;
  schedule: TimerSchedule;
  body: FlowStartDocument;
}

/**
 * An end condition in one comparable form: the service may echo `{count: N}` without a
 * `condition` (the SDK's V2_TRANSFER_TIMER fixture) or `iterations: N` (SDK docstrings).
 */
function endOf(end: unknown): string {
  const e = (end ?? {}) as { condition?: string; count?: number; iterations?: number; datetime?: string };
  if (e.datetime) return `time:${Date.parse(e.datetime)}`;
  const n = e.count ?? e.iterations;
  return n !== undefined ? `runs:${n}` : "none";
}

/** Is the timer on the service what is declared? (`start` only counts when it was declared.) */
function matches(job: TimerJob, d: Desired): boolean {
  const flowOk = startsFlow(job, d.flow_id);
  const s = job.schedule;
  const w = d.schedule;
  if (!s || s.type !== w.type) return false;
  if (s.type === "recurring" && w.type === "recurring") {
    if (s.interval_seconds !== w.interval_seconds || endOf(s.end) !== endOf(w.end)) return false;
    if (w.start && Date.parse(w.start) !== Date.parse(s.start ?? "")) return false;
  }
  return flowOk && stableJson(job.callback_body) === stableJson(d.body);
}

function declared(s: Session, flow: CompiledFlow, decl: TimerDeclaration, where: string): { schedule: TimerSchedule; body: FlowStartDocument } {
  const schedule = scheduleFromFlags({ every: decl.every, ...(decl.start ? { start: decl.start } : {}), ...(decl.stopAfterDate ? { stopAfterDate: decl.stopAfterDate } : {}), ...(decl.stopAfterRuns !== undefined ? { stopAfterRuns: String(decl.stopAfterRuns) } : {}) });
  const raw = typeof decl.input === "function" ? (decl.input as (env: Record<string, unknown>) => unknown)(environmentValues(s.config, s.env)) : decl.input;
  const schema = environmentSchema(s.config, s.env, flow);
  const { input, problems } = completeInput(schema, raw);
  if (problems.length) throw new CliError(`${where}: the input does not match the input schema of ${flow.name}: ${problems.map((p) => `${p.pointer} ${p.message}`).join("; ")}`, EXIT.INVALID, `fix timers[].input of ${decl.name}`);
  return { schedule, body: { body: input, ...(decl.label ? { label: decl.label.slice(0, 64) } : {}), ...(decl.tags?.length ? { tags: decl.tags } : {}) } };
}

/** Timers flowsmith.yaml declares for `flow` in this environment, as declarations (placeholders filled). */
function configTimers(s: Session, flow: string): { decl: TimerDeclaration; where: string }[] {
  const out: { decl: TimerDeclaration; where: string }[] = [];
  for (const [name, t] of Object.entries(s.config.timers ?? {})) {
    if (t.flow !== flow || (t.environments && !t.environments.includes(s.env.name))) continue;
    const where = `flowsmith.yaml timers.${name}`;
    let input: unknown;
    try {
      input = fillPlaceholders(t.input, { functions: {}, values: environmentValues(s.config, s.env) });
    } catch (e) {
      if (e instanceof MissingValueError) throw new CliError(`${where}: its input needs ${e.message} in environment "${s.env.name}"`, EXIT.INVALID, `add them under environments.${s.env.name}.values in flowsmith.yaml`);
      throw e;
    }
    out.push({
      where,
      decl: { name, every: t.every, input, ...(t.start ? { start: t.start } : {}), ...(t.stop_after_runs ? { stopAfterRuns: t.stop_after_runs } : {}), ...(t.stop_after_date ? { stopAfterDate: t.stop_after_date } : {}), ...(t.label ? { label: t.label } : {}), ...(t.tags ? { tags: t.tags } : {}) },
    });
  }
  return out;
}

/**
 * Flows that have timers to deploy: declared in the flow file or in flowsmith.yaml, or
 * deployed before (in the lock), whose declarations may have been removed since. Other
 * flows never ask Timers anything (a project without timers needs no Timers consent).
 */
export function hasTimersToDeploy(s: Pick<Session, "config" | "env">, flow: string, source: AnyFlowSource | undefined): boolean {
  if (source?.timers?.length || Object.values(s.config.timers ?? {}).some((t) => t.flow === flow)) return true;
  return Object.keys(envLock(readLock(lockPath(s.config, s.env)), s.env.name).timers ?? {}).some((k) => k.startsWith(`${flow}/`));
}

export async function deployTimers(s: Session, flows: { flow: CompiledFlow; source: AnyFlowSource }[], opts: { dryRun?: boolean; log?: (l: string) => void } = {}): Promise<TimerPlan[]> {
  const out: TimerPlan[] = [];
  const client = new TimersClient(s.api);
  const file = lockPath(s.config, s.env);
  for (const { flow, source } of flows) {
    const decls = [...(source.timers ?? []).map((decl, i) => ({ decl, where: `flows/${flow.name}.flow.ts timers[${i}]` })), ...configTimers(s, flow.name)];
    const seen = new Set<string>();
    for (const { decl, where } of decls) {
      if (!decl.name || !/^[A-Za-z0-9_.-]+$/.test(decl.name)) throw new CliError(`${where}: name "${decl.name}" must be letters, digits, _ . -`, EXIT.INVALID);
      if (seen.has(decl.name)) throw new CliError(`${where}: a second timer named "${decl.name}" for flow ${flow.name}`, EXIT.INVALID, "timer names must be unique per flow (flow file and flowsmith.yaml together)");
      seen.add(decl.name);
      const { schedule, body } = declared(s, flow, decl, where);
      const name = declaredTimerName(s.config.project, s.env.name, flow.name, decl.name);
      const key = `${flow.name}/${decl.name}`;
      // Read again for each declaration: the one before may have recorded a timer.
      const el = envLock(readLock(file), s.env.name);
      const flowId = el.flows[flow.name]?.id;
      const plan: TimerPlan = { flow: flow.name, timer: decl.name, name, action: "create", schedule };
      if (!flowId) {
        out.push({ ...plan, reason: "after the flow is created" });
        continue;
      }
      const desired: Desired = { flow_id: flowId, schedule, body };
      const hash = "sha256:" + createHash("sha256").update(stableJson({ ...desired, schedule: schedule.type === "recurring" && !decl.start ? { ...schedule, start: undefined } : schedule })).digest("hex");
      const locked = el.timers?.[key];
      let existing: TimerJob | undefined;
      if (locked) {
        existing = await client.get(locked.id).catch((e) => {
          if (e instanceof ServiceError && e.status === 404) return undefined;
          throw e;
        });
      }
      existing ??= await client.findByName(name);
      if (!existing) {
        // Deployed before the environment was in the name: ours only if it starts this
        // environment's flow (another environment's has another flow id). Renamed when adopted.
        existing = await client.findByName(legacyTimerName(s.config.project, flow.name, decl.name), (j) => startsFlow(j, flowId));
      }
      if (existing && existing.name !== name && matches(existing, desired) && !opts.dryRun) existing = await client.rename(existing.job_id, name);
      if (existing && matches(existing, desired)) {
        const action = locked?.id === existing.job_id && locked.hash === hash ? "unchanged" : "adopt";
        out.push({ ...plan, action, id: existing.job_id, reason: action === "adopt" ? "found on the service by its name" : "" });
        if (action === "adopt" && !opts.dryRun) record(file, s.env.name, key, { id: existing.job_id, hash, name });
        continue;
      }
      if (opts.dryRun) {
        out.push({ ...plan, action: existing ? "recreate" : "create", ...(existing ? { id: existing.job_id, reason: "the declaration changed (Timers can only rename a timer)" } : {}) });
        continue;
      }
      if (existing) {
        opts.log?.(`timer ${name}: the declaration changed; deleting ${existing.job_id} to create it anew`);
        await client.remove(existing.job_id);
      }
      const job = await client.createFlowTimer({ flowId, runScope: runScope(s, flowId), name, schedule, start: body });
      record(file, s.env.name, key, { id: job.job_id, hash, name });
      out.push({ ...plan, action: existing ? "recreate" : "create", id: job.job_id });
    }
    out.push(...(await removeUndeclared(s, client, file, flow.name, seen, !!opts.dryRun, opts.log)));
  }
  return out;
}

/**
 * Timers of `flow` deployed from a declaration that is gone (removed from the flow file or
 * flowsmith.yaml): deleted, as a removed resource is in CDK or Terraform. Found by lock entry
 * and by the name flowsmith gives declared timers on the service, so a machine without the
 * lock finds them too; timers made by hand (`timers create`) or follow-ups have other names
 * and are never touched.
 */
async function removeUndeclared(s: Session, client: TimersClient, file: string, flow: string, declaredNames: Set<string>, dryRun: boolean, log?: (l: string) => void): Promise<TimerPlan[]> {
  const prefix = declaredTimerName(s.config.project, s.env.name, flow, "");
  const legacyPrefix = legacyTimerName(s.config.project, flow, "");
  const el = envLock(readLock(file), s.env.name);
  const flowId = el.flows[flow]?.id;
  const stale = new Map<string, { timer: string; name: string; key?: string; schedule?: TimerSchedule }>();
  for (const [key, t] of Object.entries(el.timers ?? {})) {
    const timer = key.slice(flow.length + 1);
    if (key.startsWith(`${flow}/`) && !declaredNames.has(timer)) stale.set(t.id, { timer, name: t.name, key });
  }
  const found = async (p: string, mine: (j: TimerJob) => boolean) => {
    for (const j of await client.list({ filter_name: p })) {
      const timer = j.name.slice(p.length);
      if (j.name.startsWith(p) && !timer.includes("/") && !declaredNames.has(timer) && mine(j)) stale.set(j.job_id, { timer, name: j.name, key: `${flow}/${timer}`, ...(j.schedule ? { schedule: j.schedule as TimerSchedule } : {}) });
    }
  };
  await found(prefix, () => true);
  // Old-style names carry no environment: only those that start this environment's flow.
  await found(legacyPrefix, (j) => startsFlow(j, flowId));
  const out: TimerPlan[] = [];
  for (const [id, t] of stale) {
    const plan: TimerPlan = { flow, timer: t.timer, name: t.name, action: "delete", id, reason: "no longer declared", ...(t.schedule ? { schedule: t.schedule } : {}) };
    out.push(plan);
    if (dryRun) continue;
    log?.(`timer ${t.name}: no longer declared; deleting ${id}`);
    await client.remove(id).catch((e) => {
      if (!(e instanceof ServiceError && e.status === 404)) throw e; // gone already is what we want
    });
    if (t.key) record(file, s.env.name, t.key, undefined);
  }
  return out;
}

/** Write (or, with no entry, remove) one timer's lock entry, read-modify-write of the lock file. */
function record(file: string, env: string, key: string, entry: { id: string; hash: string; name: string } | undefined): void {
  const lock = readLock(file);
  const e = envLock(lock, env);
  if (entry) (e.timers ??= {})[key] = entry;
  else if (e.timers?.[key]) delete e.timers[key];
  else return;
  writeLock(file, lock);
}
