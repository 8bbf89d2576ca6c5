/**
 * `flowsmith timers create|transfer|list|show|pause|resume|delete`: Globus Timers for this
 * project's flows (and plain transfers), against Globus or the local runtime. Unlike `globus timer create
 * flow`, a run's label, tags, managers and monitors go into the timer's run body.
 */
import type { Command } from "commander";
import { loadFlow, resolveFlowArg } from "../../project/load-flow.js";
import { buildInput } from "../../run/input.js";
import { FlowsClient } from "../../globus/flows.js";
import { completeInput, ensureDeployed, runScope } from "../../run/start.js";
import { scheduleFromFlags, type ScheduleFlags } from "../../run/timer-schedule.js";
import { environmentValues } from "../../deploy/values.js";
import { envLock, lockPath, readLock } from "../../deploy/lock.js";
import { runIdOfResult, TimersClient, type TimerJob } from "../../globus/timers.js";
import { CliError, EXIT } from "../../errors.js";
import { formatDiagnostic, palette, type Output } from "../output.js";
import { environmentOf, withSession } from "../environment.js";
import type { CliContext } from "../context.js";
import { reportFollowUps } from "../follow-ups.js";
import { addRunInputOptions } from "../run-options.js";
import { loadBuiltFlow } from "../built-flow.js";
import { scheduleFollowUps } from "../../run/follow-ups.js";
import { requireId, requireRunId, withLookup, withRunLookup } from "../../run/run-id.js";
import { parseTransferEnd, SYNC_LEVELS, transferTaskBody } from "../../run/transfer-timer.js";


interface CreateOptions extends ScheduleFlags {
  rundir?: string;
  input?: string;
  set: string[];
  label?: string;
  tag: string[];
  manager: string[];
  monitor: string[];
  name?: string;
  env?: string;
  json?: boolean;
}

function statusColor(o: Output, status: string): string {
  const c = palette(o);
  return (status === "ended" ? c.dim : status === "inactive" ? c.yellow : c.green)(status.padEnd(8));
}

function scheduleText(t: TimerJob): string {
  const s = t.schedule;
  if (s?.type === "once") return `once at ${s.datetime ?? t.start}`;
  if (s?.type === "recurring") {
    const end = s.end ? (s.end.condition === "time" ? `, until ${s.end.datetime}` : `, ${s.end.count} runs`) : "";
    return `every ${s.interval_seconds} s from ${s.start ?? t.start}${end}`;
  }
  return t.interval ? `every ${t.interval} s from ${t.start}` : `once at ${t.start}`;
}

/** One line per timer: id, status, next run, runs/errors, name. */
export function timerLine(o: Output, t: TimerJob): string {
  const c = palette(o);
  return `${t.job_id}  ${statusColor(o, t.status)}  next ${(t.next_run ?? "-").slice(0, 19).padEnd(19)}  runs ${t.n_runs}${t.n_errors ? c.red(` errors ${t.n_errors}`) : ""}  ${t.name}`;
}

function showTimer(o: Output, t: TimerJob): void {
  const c = palette(o);
  o.out(`${c.bold(t.name || t.job_id)}  ${statusColor(o, t.status)}`);
  o.out(`  id:        ${t.job_id}`);
  if (t.flow_id) o.out(`  flow:      ${t.flow_id}`);
  const task = (t.timer_type === "transfer" ? t.callback_body : undefined) as { source_endpoint?: string; destination_endpoint?: string; DATA?: { source_path?: string; destination_path?: string; recursive?: boolean }[] } | undefined;
  for (const item of task?.DATA ?? []) o.out(`  transfer:  ${task!.source_endpoint}:${item.source_path} -> ${task!.destination_endpoint}:${item.destination_path}${item.recursive ? " (recursive)" : ""}`);
  o.out(`  schedule:  ${scheduleText(t)}`);
  o.out(`  next run:  ${t.next_run ?? "-"}`);
  o.out(`  last ran:  ${t.last_ran_at ?? "-"}`);
  o.out(`  runs:      ${t.n_runs} (errors ${t.n_errors})`);
  if (t.inactive_reason) o.out(`  inactive:  ${t.inactive_reason.cause}${t.inactive_reason.detail ? ` ${JSON.stringify(t.inactive_reason.detail)}` : ""}`);
  for (const r of t.results?.data ?? []) {
    const run = runIdOfResult(r);
    o.out(`  ${c.dim(r.ran_at.slice(0, 19))}  ${r.status ?? ""}  ${run ? `run ${run} ${r.run_status ?? ""}` : JSON.stringify(r.errors ?? r.data ?? {}).slice(0, 160)}`);
  }
  if (t.inactive_reason?.cause === "user") o.out(c.dim(`  resume with: flowsmith timers resume ${t.job_id}`));
}

export function registerTimers(program: Command, ctx: CliContext): void {
  const t = program.command("timers").description("Globus Timers: run a flow later, or every so often");

  addRunInputOptions(
    t
      .command("create")
      .description("create a flow timer: once (--at) or recurring (--every), with the run's input built as run-flow builds it")
      .argument("<flow>", "flow name or file")
      .option("--at <time>", "run once at TIME (ISO 8601, or +2d from now)")
      .option("--every <interval>", "run every INTERVAL (e.g. 1h30m, 1d)")
      .option("--start <time>", "with --every: first run (default now)")
      .option("--stop-after-date <time>", "with --every: no runs after TIME")
      .option("--stop-after-runs <n>", "with --every: stop after N runs"),
    "each run",
  )
    .option("--name <name>", "timer name (default: <flow> timer)")
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--json", "machine-readable")
    .action(async (flowArg: string, opts: CreateOptions) => {
      const o = ctx.output;
      const c = palette(o);
      const schedule = scheduleFromFlags(opts);
      const loaded = await loadBuiltFlow(ctx, flowArg);
      const flow = loaded.compiled;
      const { config, env } = environmentOf(ctx, opts.env);
      const built = await buildInput(loaded.source, { ...(opts.rundir ? { rundir: opts.rundir } : {}), ...(opts.input ? { inputFile: opts.input } : {}), set: opts.set, values: environmentValues(config, env) });
      if (opts.label && opts.label.length > 64) throw new CliError("--label may be at most 64 characters (a Flows run label)", EXIT.INVALID);
      const timer = await withSession(ctx, opts.env, async (s) => {
        const deployed = await ensureDeployed(s, flow, (l) => (opts.json ? undefined : o.err(c.dim(l))));
        const { input, problems } = completeInput(deployed.schema, built);
        if (problems.length) {
          for (const d of problems) o.err(formatDiagnostic(d, "run input", o));
          throw new CliError(`the input does not match the input schema of ${flow.name} (${problems.length} problem${problems.length === 1 ? "" : "s"})`, EXIT.INVALID);
        }
        return new TimersClient(s.api).createFlowTimer({
          flowId: deployed.id,
          runScope: runScope(s, deployed.id),
          name: opts.name ?? `${flow.name} timer`,
          schedule,
          start: { body: input, ...(opts.label ? { label: opts.label } : {}), ...(opts.tag.length ? { tags: opts.tag } : {}), ...(opts.manager.length ? { run_managers: opts.manager } : {}), ...(opts.monitor.length ? { run_monitors: opts.monitor } : {}) },
        });
      }, { quiet: !!opts.json });
      if (opts.json) return o.out(JSON.stringify(timer, null, 2));
      o.out(`${c.green("created")} timer ${c.bold(timer.job_id)} (${timer.name}): ${scheduleText(timer)}`);
    });

  t.command("transfer")
    .description("create a transfer timer: copy SOURCE to DESTINATION once (--at) or every so often (--every), each end COLLECTION:/path")
    .argument("<source>", "COLLECTION:/path (a collection of this environment, or a UUID)")
    .argument("<destination>", "COLLECTION:/path")
    .option("--at <time>", "run once at TIME (ISO 8601, or +2d from now)")
    .option("--every <interval>", "run every INTERVAL (e.g. 1h30m, 1d)")
    .option("--start <time>", "with --every: first run (default now)")
    .option("--stop-after-date <time>", "with --every: no runs after TIME")
    .option("--stop-after-runs <n>", "with --every: stop after N runs")
    .option("-r, --recursive", "the source is a directory: copy all of it")
    .option("--sync-level <level>", `copy only what is missing or differs: ${Object.keys(SYNC_LEVELS).join(", ")}`)
    .option("--delete-destination-extra", "with --recursive: delete what the destination has beyond the source")
    .option("--verify-checksum", "compare checksums after copying")
    .option("--label <label>", "each task's label")
    .option("--name <name>", "timer name (default: transfer SOURCE -> DESTINATION)")
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--json", "machine-readable")
    .action(async (srcArg: string, dstArg: string, opts: ScheduleFlags & { recursive?: boolean; syncLevel?: string; deleteDestinationExtra?: boolean; verifyChecksum?: boolean; label?: string; name?: string; env?: string; json?: boolean }) => {
      const o = ctx.output;
      const c = palette(o);
      const schedule = scheduleFromFlags(opts);
      const { env } = environmentOf(ctx, opts.env);
      const src = parseTransferEnd(srcArg, env, "source");
      const dst = parseTransferEnd(dstArg, env, "destination");
      const body = transferTaskBody(src, dst, opts);
      const timer = await withSession(ctx, opts.env, (s) => new TimersClient(s.api).createTransferTimer({ name: opts.name ?? `transfer ${srcArg} -> ${dstArg}`, schedule, body, collections: [src.collection, dst.collection] }), { quiet: !!opts.json });
      if (opts.json) return o.out(JSON.stringify(timer, null, 2));
      o.out(`${c.green("created")} transfer timer ${c.bold(timer.job_id)} (${timer.name}): ${scheduleText(timer)}`);
    });

  t.command("follow-up")
    .description("schedule the follow-ups a flow declares for one of its finished runs (what run-flow does when the run SUCCEEDED; never twice)")
    .argument("<flow>", "flow name or file")
    .argument("<run_id>", "a run of that flow")
    .option("--env <name>", "environment")
    .option("--json", "machine-readable")
    .action(async (flowArg: string, runIdArg: string, opts: { env?: string; json?: boolean }) => {
      const runId = requireRunId(runIdArg);
      const file = resolveFlowArg(ctx.root, flowArg);
      if (!file) throw new CliError(`no flow named "${flowArg}" (looked for flows/${flowArg}.flow.ts)`, EXIT.INVALID);
      const loaded = await loadFlow(file);
      if (!loaded.source) throw new CliError(`flow ${flowArg} does not load`, EXIT.INVALID, `flowsmith validate ${flowArg}`);
      if (!loaded.source.followUps?.length) throw new CliError(`flow ${loaded.source.name} declares no follow-ups`, EXIT.INVALID, "add followUps: [...] to its defineFlow()");
      const done = await withSession(ctx, opts.env, async (s) => {
        const run = await withRunLookup(runId, s.env.name, () => new FlowsClient(s.api).getRun(runId));
        if (run.status !== "SUCCEEDED") throw new CliError(`run ${runId} is ${run.status}: follow-ups are for runs that SUCCEEDED`, EXIT.RUN_FAILED);
        if (opts.json) return scheduleFollowUps(s, ctx.root, loaded.source!, run, () => undefined);
        return reportFollowUps(ctx, s, loaded.source!, runId);
      }, { quiet: !!opts.json });
      if (opts.json) ctx.output.out(JSON.stringify({ follow_ups: done }, null, 2));
    });

  t.command("list")
    .description("your timers")
    .option("--flow <name>", "only timers of this flow (name from flows/ or a flow id)")
    .option("--status <s>", "active, inactive or ended (comma-separated)")
    .option("--name <text>", "timers whose name contains text")
    .option("--env <name>", "environment")
    .option("--json", "machine-readable")
    .action(async (opts: { flow?: string; status?: string; name?: string; env?: string; json?: boolean }) => {
      const statuses = opts.status?.toLowerCase().split(",") ?? [];
      const bad = statuses.filter((x) => !["active", "inactive", "ended"].includes(x));
      if (bad.length) throw new CliError(`--status ${bad.join(",")}: use active, inactive or ended`, EXIT.INVALID);
      const { config, env } = environmentOf(ctx, opts.env);
      let flowId = opts.flow;
      if (flowId && !/^[0-9a-f-]{36}$/.test(flowId)) {
        flowId = envLock(readLock(lockPath(config, env)), env.name).flows[flowId]?.id;
        if (!flowId) throw new CliError(`flow ${opts.flow} is not deployed in "${env.name}"`, EXIT.INVALID);
      }
      const jobs = await withSession(ctx, opts.env, (s) => new TimersClient(s.api).list({ ...(opts.name ? { filter_name: opts.name } : {}), ...(opts.status ? { filter_status: opts.status.toLowerCase() } : {}) }), { quiet: true });
      const list = flowId ? jobs.filter((j) => j.flow_id === flowId || j.callback_url.includes(`/flows/${flowId}/`)) : jobs;
      if (opts.json) return ctx.output.out(JSON.stringify({ timers: list }, null, 2));
      if (!list.length) return ctx.output.out("no timers");
      for (const j of list) ctx.output.out(timerLine(ctx.output, j));
    });

  t.command("show")
    .argument("<timer_id>")
    .description("a timer: schedule, next run, and the runs it started")
    .option("--env <name>", "environment")
    .option("--json", "machine-readable")
    .action(async (idArg: string, opts: { env?: string; json?: boolean }) => {
      const id = requireId(idArg, "timer");
      const job = await withSession(ctx, opts.env, (s) => withLookup("timer", id, s.env.name, () => new TimersClient(s.api).get(id)), { quiet: true });
      if (opts.json) return ctx.output.out(JSON.stringify(job, null, 2));
      showTimer(ctx.output, job);
    });

  for (const [verb, what] of [
    ["pause", "stop a timer from running until it is resumed"],
    ["resume", "let a paused timer run again (a run that came due while paused starts now)"],
    ["delete", "delete a timer (runs it started are not touched)"],
  ] as const) {
    t.command(verb)
      .argument("<timer_id>")
      .description(what)
      .option("--env <name>", "environment")
      .option("--json", "machine-readable")
      .action(async (idArg: string, opts: { env?: string; json?: boolean }) => {
        const id = requireId(idArg, "timer");
        const r = await withSession(
          ctx,
          opts.env,
          (s) => withLookup("timer", id, s.env.name, async () => {
            const client = new TimersClient(s.api);
            if (verb === "delete") return { deleted: (await client.remove(id)) ?? { job_id: id, name: "its answer was lost; a retry found it gone" } } as { deleted: Pick<TimerJob, "job_id" | "name">; message?: undefined; timer?: undefined };
            const message = verb === "pause" ? await client.pause(id) : await client.resume(id);
            return { message, timer: await client.get(id) } as { deleted?: undefined; message: string; timer: TimerJob };
          }),
          { quiet: true },
        );
        if (opts.json) return ctx.output.out(JSON.stringify(r, null, 2));
        if (r.deleted) ctx.output.out(`deleted timer ${r.deleted.job_id} (${r.deleted.name})`);
        else if (r.timer) ctx.output.out(`${r.message}\n${timerLine(ctx.output, r.timer)}`);
      });
  }
}
