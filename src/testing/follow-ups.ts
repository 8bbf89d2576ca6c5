/**
 * A finished run's follow-ups in a test environment: scheduled as once-timers exactly as
 * `run-flow` schedules them, then fired by the local Timers service when the time-skipping
 * clock reaches them (it jumps to the timer's fire while nothing real runs), so the ALS
 * prunes two and seven days after a run happen in well under a second of real time.
 */
import { envLock, lockPath, readLock } from "../deploy/lock.js";
import { runIdOfResult, TimersClient, type TimerJob } from "../globus/timers.js";
import { scheduleFollowUps, type ScheduledFollowUp } from "../run/follow-ups.js";
import type { TestEnvironment } from "./environment.js";
import { TestRun, type RunResult } from "./run.js";

export interface FollowUpResult extends ScheduledFollowUp {
  /** The follow-up run, once its timer fired and the run ended. */
  result?: RunResult;
}

export async function runFollowUps(env: TestEnvironment, result: RunResult, o: { timeoutMs?: number } = {}): Promise<FollowUpResult[]> {
  const flows = envLock(readLock(lockPath(env.config, env.env)), env.env.name).flows;
  const name = Object.entries(flows).find(([, f]) => f.id === result.run.flow_id)?.[0];
  if (!name) throw new Error(`run ${result.runId}: its flow ${result.run.flow_id} is not one this environment deployed`);
  const { source } = await env.flow(name);
  const scheduled = await scheduleFollowUps(env.session, env.root, source, result.run, () => undefined);
  const client = new TimersClient(env.session.api);
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const out: FollowUpResult[] = [];
  for (const f of scheduled) {
    if (!f.timer) {
      out.push(f);
      continue;
    }
    let job: TimerJob = f.timer;
    while (!job.results.data.length) {
      if (Date.now() > deadline) throw new Error(`the ${f.name} timer (due ${f.due}) did not fire within the timeout: without time skipping, move the clock with advanceTime()`);
      await new Promise((r) => setTimeout(r, 10));
      job = await client.get(job.job_id);
    }
    const runId = runIdOfResult(job.results.data[0]!);
    if (!runId) throw new Error(`the ${f.name} timer fired but its run did not start: ${JSON.stringify(job.results.data[0]!.errors)}`);
    out.push({ ...f, timer: job, result: await new TestRun(env, runId, f.flow).result({ timeoutMs: Math.max(1000, deadline - Date.now()) }) });
  }
  return out;
}
