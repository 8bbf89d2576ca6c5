/**
 * Follow-up runs: when a run SUCCEEDED, each follow-up its flow declares becomes a
 * once-timer of the follow-up flow, due `after` seconds past the run's completion (not past
 * "now", so a late `--watch` schedules the same time). The timer is named after the run,
 * and an existing timer of that name means it was already scheduled: a second run-flow
 * output, a restarted --watch or a lost answer never makes a second one.
 */
import type { AnyFlowSource } from "../dsl/flow.js";
import type { FinishedRun, FollowUpDeclaration } from "../dsl/timers.js";
import type { Session } from "../globus/session.js";
import { TimersClient, type TimerJob } from "../globus/timers.js";
import { loadFlow, resolveFlowArg } from "../project/load-flow.js";
import { CliError, EXIT } from "../errors.js";
import { completeInput, ensureDeployed, lockedFlow, runScope } from "./start.js";
import type { RunDoc } from "./follow.js";
import { utcSeconds } from "./timer-schedule.js";

export interface ScheduledFollowUp {
  name: string;
  flow: string;
  /** Why nothing was scheduled (e.g. "0 days: never"). */
  skipped?: string;
  timer?: TimerJob;
  /** false when a timer of this name already existed. */
  created?: boolean;
  due?: string;
}

/** The timer name of a follow-up: the run it follows and the declaration. */
export function followUpTimerName(flow: string, runId: string, followUp: string): string {
  return `${flow} run ${runId} ${followUp}`;
}

/**
 * Before a run starts: every follow-up names a flow that builds and, in a real environment,
 * is deployed — so a run never succeeds only to find its follow-ups cannot be scheduled.
 * (The local environment deploys a follow-up flow on demand.)
 */
export async function checkFollowUps(s: Session, root: string, source: AnyFlowSource): Promise<void> {
  for (const d of (source.followUps ?? []) as FollowUpDeclaration<unknown>[]) {
    const file = resolveFlowArg(root, d.flow);
    if (!file) throw new CliError(`follow-up ${d.name} of ${source.name} runs flow "${d.flow}", which is not in flows/`, EXIT.INVALID, `create flows/${d.flow}.flow.ts or fix followUps[].flow`);
    if (s.env.kind === "local") continue;
    const loaded = await loadFlow(file);
    if (!loaded.compiled) throw new CliError(`follow-up flow ${d.flow} does not build`, EXIT.INVALID, `flowsmith validate ${d.flow}`);
    if (!lockedFlow(s.config, s.env, loaded.compiled)) throw new CliError(`${source.name} schedules runs of ${d.flow} (follow-up ${d.name}), which is not deployed in environment "${s.env.name}"`, EXIT.INVALID, `run: flowsmith deploy-flow ${d.flow} --env ${s.env.name}`);
  }
}

export async function scheduleFollowUps(s: Session, root: string, source: AnyFlowSource, run: RunDoc, log: (l: string) => void): Promise<ScheduledFollowUp[]> {
  const decls = (source.followUps ?? []) as FollowUpDeclaration<unknown>[];
  if (!decls.length || run.status !== "SUCCEEDED") return [];
  const output = ((run.details as { output?: Record<string, unknown> } | undefined)?.output ?? {}) as Record<string, unknown>;
  // The run state starts as the input, so the final state carries every input key.
  const finished: FinishedRun<unknown> = { run_id: run.run_id, label: run.label ?? null, input: output, output };
  const ended = Date.parse(run.completion_time ?? "") || Date.now();
  const client = new TimersClient(s.api);
  const out: ScheduledFollowUp[] = [];
  for (const d of decls) {
    let after: number | undefined;
    try {
      after = d.after(finished);
    } catch (e) {
      throw new CliError(`follow-up ${d.name} of ${source.name}: after() failed: ${(e as Error).message}`, EXIT.INVALID);
    }
    if (after === undefined || !(after > 0)) {
      out.push({ name: d.name, flow: d.flow, skipped: "not scheduled for this run (its delay is 0: never)" });
      continue;
    }
    const name = followUpTimerName(source.name, run.run_id, d.name);
    const existing = await client.findByName(name);
    if (existing) {
      out.push({ name: d.name, flow: d.flow, timer: existing, created: false, due: existing.next_run ?? (existing.schedule as { datetime?: string } | undefined)?.datetime ?? "" });
      continue;
    }
    const file = resolveFlowArg(root, d.flow);
    if (!file) throw new CliError(`follow-up ${d.name} of ${source.name} runs flow "${d.flow}", which is not in flows/`, EXIT.INVALID, `create flows/${d.flow}.flow.ts or fix followUps[].flow`);
    const loaded = await loadFlow(file);
    if (!loaded.compiled || loaded.diagnostics.some((x) => x.severity === "error")) throw new CliError(`follow-up flow ${d.flow} does not build`, EXIT.INVALID, `flowsmith validate ${d.flow}`);
    const deployed = await ensureDeployed(s, loaded.compiled, log);
    let built: unknown;
    try {
      built = d.input(finished);
    } catch (e) {
      throw new CliError(`follow-up ${d.name} of ${source.name}: input() failed: ${(e as Error).message}`, EXIT.INVALID);
    }
    const { input, problems } = completeInput(deployed.schema, built);
    if (problems.length) throw new CliError(`follow-up ${d.name} of ${source.name}: its input does not match the schema of ${d.flow}: ${problems.map((p) => `${p.pointer} ${p.message}`).join("; ")}`, EXIT.INVALID);
    const due = utcSeconds(ended + after * 1000);
    const label = (d.label?.(finished) ?? `${d.name} ${run.run_id.slice(0, 8)}`).slice(0, 64);
    const timer = await client.createFlowTimer({
      flowId: deployed.id,
      runScope: runScope(s, deployed.id),
      name,
      schedule: { type: "once", datetime: due },
      start: { body: input, label, tags: [...(d.tags ?? []), `flowsmith-follow-up:${run.run_id}`] },
    });
    out.push({ name: d.name, flow: d.flow, timer, created: true, due });
  }
  return out;
}
