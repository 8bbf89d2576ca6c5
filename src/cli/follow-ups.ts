/** Schedule a finished run's follow-ups (run-flow, --watch) and print what was scheduled. */
import type { AnyFlowSource } from "../dsl/flow.js";
import type { Session } from "../globus/session.js";
import { scheduleFollowUps, type ScheduledFollowUp } from "../run/follow-ups.js";
import { FlowsClient } from "../globus/flows.js";
import { palette, type Output } from "./output.js";
import type { CliContext } from "./context.js";

export async function reportFollowUps(ctx: CliContext, s: Session, source: AnyFlowSource, runId: string, opts: { json?: boolean; indent?: string } = {}): Promise<ScheduledFollowUp[]> {
  if (!source.followUps?.length) return [];
  const o = ctx.output;
  const c = palette(o);
  const run = await new FlowsClient(s.api).getRun(runId);
  const done = await scheduleFollowUps(s, ctx.root, source, run, (l) => (opts.json ? undefined : o.err(c.dim(l))));
  renderFollowUps(o, s, done, opts);
  return done;
}

/** What was scheduled, one line each (with --json on stderr: stdout holds exactly one document). */
export function renderFollowUps(o: Output, s: Session, done: ScheduledFollowUp[], opts: { json?: boolean; indent?: string } = {}): void {
  const c = palette(o);
  const say = opts.json ? o.err : o.out;
  const pad = opts.indent ?? "";
  for (const f of done) {
    if (f.skipped) say(`${pad}follow-up ${f.name} (${f.flow}): ${c.dim(f.skipped)}`);
    else say(`${pad}follow-up ${f.name} (${f.flow}) ${f.created ? c.green("scheduled") : c.dim("already scheduled")} for ${f.due}: timer ${c.bold(f.timer!.job_id)} "${f.timer!.name}"`);
  }
  if (done.some((f) => f.timer)) say(c.dim(`${pad}see them with: flowsmith timers list${s.env.kind === "local" ? "" : ` --env ${s.env.name}`}`));
}
