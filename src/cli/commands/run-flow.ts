/**
 * `flowsmith run-flow <flow> [--rundir DIR] [--input F] [--set k=v]… [--label L] [--tag T]…
 *  [--monitor URN]… [--manager URN]… [--env E] [--dry-run] [--no-wait] [--json] [--watch DIR]`
 */
import { InvalidArgumentError, type Command } from "commander";
import ora from "ora";
import { applySet, buildInput, checkInputSize } from "../../run/input.js";
import { abortableSleep, followRun, type LogEntryDoc, type RunDoc } from "../../run/follow.js";
import { ServiceError } from "../../globus/api.js";
import { completeInput, ensureDeployed, environmentSchema, lockedFlow, runScope, startChecked } from "../../run/start.js";
import type { CompiledFlow } from "../../compile/compile.js";
import type { Diagnostic } from "../../definition/diagnostics.js";
import { AuthError } from "../../globus/auth/types.js";
import { watchDirectory, type WatchEvent } from "../../run/watch.js";
import type { Session } from "../../globus/session.js";
import { FlowsClient } from "../../globus/flows.js";
import { environmentValues } from "../../deploy/values.js";
import { CliError, EXIT } from "../../errors.js";
import { formatDiagnostic, palette, type Output } from "../output.js";
import { environmentOf, withSession } from "../environment.js";
import { setExitCode, type CliContext } from "../context.js";
import { renderFollowUps, reportFollowUps } from "../follow-ups.js";
import { checkFollowUps } from "../../run/follow-ups.js";
import { addRunInputOptions } from "../run-options.js";
import { loadBuiltFlow } from "../built-flow.js";

interface RunFlowOptions {
  rundir?: string;
  input?: string;
  set: string[];
  label?: string;
  tag: string[];
  monitor: string[];
  manager: string[];
  env?: string;
  dryRun?: boolean;
  wait: boolean;
  json?: boolean;
  output: "summary" | "full";
  watch?: string;
  settle: string;
  poll: string;
  once?: boolean;
}


export function entryLine(e: LogEntryDoc, o: Output): string {
  const c = palette(o);
  const t = e.time.slice(11, 19);
  const d = e.details ?? {};
  const state = typeof d.state_name === "string" ? d.state_name : "";
  const color = /Failed|Caught|Canceled/.test(e.code) ? c.red : /Succeeded|Completed/.test(e.code) ? c.green : c.cyan;
  let extra = "";
  if (e.code === "ActionCompleted") {
    const out = (d.output ?? {}) as { status?: string; details?: { files_transferred?: number; bytes_transferred?: number; result?: unknown[] } };
    if (out.details?.files_transferred !== undefined) extra = `${out.details.files_transferred} file(s), ${out.details.bytes_transferred ?? 0} bytes`;
    else if (Array.isArray(out.details?.result)) extra = `result: ${JSON.stringify(out.details.result).slice(0, 120)}`;
    if (out.status && out.status !== "SUCCEEDED") extra = `${out.status} ${extra}`;
  } else if (e.code === "ActionCaught" || e.code === "FlowFailed") extra = String(d.cause ?? d.error ?? "").split("\n")[0]!.slice(0, 160);
  return `${c.dim(t)}  ${color(e.code.padEnd(22))} ${state}${extra ? c.dim("  " + extra) : ""}`;
}

export function failureCause(run: RunDoc): string {
  const d = (run.details ?? {}) as { description?: string; details?: { cause?: string; error?: string }; output?: Record<string, unknown> };
  const parts = [d.details?.error ? `${d.details.error}: ${d.details.cause ?? ""}` : (d.description ?? run.status)];
  // A Fail state reached through a Catch: the caught error explains the failure.
  for (const v of Object.values(d.output ?? {})) {
    const err = v as { Error?: string; Cause?: string; details?: { details?: { result?: unknown[]; exception?: string } } };
    if (err && typeof err === "object" && typeof err.Error === "string") {
      const exc = err.details?.details?.exception ?? (Array.isArray(err.details?.details?.result) ? String(err.details!.details!.result!.at(-1)) : undefined);
      parts.push(`caught ${err.Error}: ${err.Cause ?? ""}${exc ? `\n${exc}` : ""}`);
    }
  }
  return parts.join("\n");
}

export interface FollowReportOptions {
  json?: boolean;
  inProcess: boolean;
  /** Local environments: find the runtime again after a lost connection (Session.reattach). */
  reattach?: () => Promise<boolean>;
  /** How long to keep trying to reattach; default FLOWSMITH_LOCAL_REATTACH_SECONDS or 300 s. */
  reattachForMs?: number;
  /** "full": print the whole run output document; default a summary. */
  output?: "summary" | "full";
}

interface ActionResultDoc {
  action_id?: string;
  status?: string;
  display_status?: string;
  details?: { files_transferred?: number; bytes_transferred?: number; result?: unknown; exception?: string; code?: string; description?: string; DATA?: unknown[] } & Record<string, unknown>;
}

const oneLine = (v: unknown, max = 120) => {
  const t = typeof v === "string" ? v : JSON.stringify(v);
  const flat = (t ?? "").replace(/\s+/g, " ");
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
};

/** One line per action result in a run's output (status and what it did), and the function results. */
export function outputSummary(output: unknown): string[] {
  if (!output || typeof output !== "object") return [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(output as Record<string, unknown>)) {
    const r = value as ActionResultDoc;
    if (!r || typeof r !== "object" || Array.isArray(r) || typeof r.status !== "string" || !("details" in r || "action_id" in r)) continue;
    const d = r.details ?? {};
    let what: string;
    if (typeof d.files_transferred === "number") what = `${d.files_transferred} file(s), ${d.bytes_transferred ?? 0} bytes`;
    else if (Array.isArray(d.result)) what = `result: ${oneLine(d.result.length === 1 ? d.result[0] : d.result)}`;
    else if (typeof d.exception === "string") what = `exception: ${oneLine(d.exception.trim().split("\n").at(-1))}`;
    else if (Array.isArray(d.DATA)) what = `${d.DATA.length} entr${d.DATA.length === 1 ? "y" : "ies"}`;
    else what = oneLine(d.description ?? d.code ?? d, 100);
    lines.push(`  ${key}: ${r.status}${what ? `  ${what}` : ""}`);
  }
  return lines;
}

/** A failure that says nothing about the run: the service could not be reached. */
function connectionLost(e: unknown): boolean {
  return e instanceof ServiceError && (e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504);
}

export function reattachWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.FLOWSMITH_LOCAL_REATTACH_SECONDS);
  return (Number.isFinite(s) && s >= 0 ? s : 300) * 1000;
}

export async function followAndReport(ctx: CliContext, api: Parameters<typeof followRun>[0], run: RunDoc, opts: FollowReportOptions): Promise<number> {
  const o = ctx.output;
  const c = palette(o);
  const spinner = o.color && !opts.json ? ora({ text: "starting", stream: process.stderr }).start() : undefined;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  let final: RunDoc | undefined;
  let printed = 0;
  let announced: string | undefined;
  const reattachHint = `reattach with: flowsmith runs show ${run.run_id} --follow`;
  try {
    for (;;) {
      try {
        final = await followRun(api, run.run_id, {
          signal: abort.signal,
          stopWhenInactive: true,
          seen: printed,
          // A run at AwaitWebInput waits for a person: say how to answer (once per web input).
          onStatus: (r) => {
            const waiting = (r as { blocking_web_input_id?: string | null }).blocking_web_input_id;
            if (!waiting || waiting === announced || opts.json) return;
            announced = waiting;
            spinner?.stop();
            o.out(c.yellow(`waiting for a response to web input ${waiting}: see the options with \`flowsmith runs show ${r.run_id}\`, answer with \`flowsmith runs respond ${r.run_id} --set value=<option>\``));
            spinner?.start();
          },
          onEntry: (e) => {
            printed++;
            if (opts.json) return;
            spinner?.stop();
            o.out(entryLine(e, o));
            const state = (e.details ?? {}).state_name;
            if (spinner && typeof state === "string") spinner.start(`${run.run_id.slice(0, 8)} ${e.code.endsWith("Started") ? "in" : "after"} ${state}`);
            else spinner?.start();
          },
        });
        break;
      } catch (e) {
        if (!connectionLost(e) || !opts.reattach) {
          o.err(`stopped following run ${run.run_id}: ${(e as Error).message}`);
          o.err(reattachHint);
          throw e;
        }
        // The local runtime went away (restarted, or its owner ended): wait for it, a while.
        const windowMs = opts.reattachForMs ?? reattachWindowMs();
        spinner?.stop();
        o.err(c.yellow(`lost the local runtime while following run ${run.run_id}; waiting up to ${Math.round(windowMs / 1000)} s for it (FLOWSMITH_LOCAL_REATTACH_SECONDS)`));
        const end = Date.now() + windowMs;
        let back = false;
        while (!abort.signal.aborted && !back) {
          back = await opts.reattach().catch(() => false);
          if (back || Date.now() >= end) break;
          await abortableSleep(Math.min(1000, Math.max(0, end - Date.now())), abort.signal);
        }
        if (abort.signal.aborted) break;
        if (!back) {
          o.err(`gave up waiting for the local runtime; run ${run.run_id} resumes when one runs (\`flowsmith local start\`)`);
          o.err(reattachHint);
          throw e;
        }
        o.err(c.dim(`reattached; following run ${run.run_id} again`));
      }
    }
  } finally {
    spinner?.stop();
    process.removeListener("SIGINT", onSigint);
  }
  if (!final) {
    o.err(`detached from run ${run.run_id}; it keeps running${opts.inProcess ? " when the local runtime runs again (`flowsmith local start`)" : ""}.`);
    o.err(reattachHint);
    return EXIT.DETACHED;
  }
  if (opts.json) o.out(JSON.stringify(final, null, 2));
  else if (final.status === "SUCCEEDED") {
    o.out(`${c.green.bold("SUCCEEDED")} run ${final.run_id}`);
    const output = (final.details as { output?: unknown } | undefined)?.output ?? {};
    if (opts.output === "full") o.out(JSON.stringify(output, null, 2));
    else {
      const lines = outputSummary(output);
      if (lines.length) o.out(lines.join("\n"));
      o.out(c.dim(`full output: flowsmith runs show ${final.run_id} --json (or run-flow --output full)`));
    }
  } else if (final.status === "INACTIVE") {
    const d = (final.details ?? {}) as { code?: string; description?: string; required_scope?: string };
    o.out(`${c.yellow.bold("INACTIVE")} run ${final.run_id}: ${d.code ?? ""} ${d.description ?? ""}`);
    if (d.code === "ConsentRequired" && d.required_scope) o.out(`fix: flowsmith login --scope "${d.required_scope}" && flowsmith runs resume ${final.run_id}`);
    else o.out(`when the cause is fixed: flowsmith runs resume ${final.run_id}`);
  } else {
    o.out(`${c.red.bold(final.status)} run ${final.run_id}`);
    const lines = outputSummary((final.details as { output?: unknown } | undefined)?.output);
    if (lines.length && opts.output !== "full") o.out(lines.join("\n"));
    o.out(failureCause(final));
  }
  return final.status === "SUCCEEDED" ? EXIT.OK : EXIT.RUN_FAILED;
}

/** One line per watcher event: runs started on stdout, everything else on stderr. */
function renderWatchEvent(o: Output, s: Session, e: WatchEvent): void {
  const c = palette(o);
  switch (e.kind) {
    case "log":
      return o.err(c.dim(e.line));
    case "watching":
      return o.err(`watching ${e.root} for new run directories (settle ${e.settleSeconds} s, scan every ${e.pollSeconds} s); state in ${e.stateFile}`);
    case "skipped":
      return o.err(`${c.red("skip")} ${e.dir}: ${e.problems.map((p) => p.message).join("; ")}`);
    case "started":
      return o.out(`${c.green("started")} ${e.dir} -> run ${e.run_id}`);
    case "start-failed":
      return o.err(`${c.red("could not start")} ${e.dir}: ${e.message} (will retry)`);
    case "follow-ups":
      return renderFollowUps(o, s, e.scheduled, { indent: `${e.dir}: ` });
    case "follow-ups-failed":
      return o.err(`${c.red("could not schedule follow-ups")} of ${e.dir} (run ${e.run_id}): ${e.message} (will retry)`);
    case "left-running":
      return o.err(`started ${e.count} run(s); they go on in "${e.environment}" (follow one with \`flowsmith runs show RUN_ID --follow\`)`);
    case "waiting":
      return o.err(`waiting for ${e.count} run(s) on the local runtime this command started (it stops when they end)`);
    case "ended":
      return o.out(`${e.status === "SUCCEEDED" ? c.green(e.status) : c.red(e.status)} ${e.dir} run ${e.run_id}`);
    case "left-unfinished":
      return o.err(`left ${e.count} run(s) unfinished; they resume when \`flowsmith local start\` runs (reattach: flowsmith runs show ${e.run_id} --follow)`);
  }
}

function reportProblems(ctx: CliContext, problems: Diagnostic[], input: unknown, flow: string, json: boolean): never {
  const o = ctx.output;
  if (json) o.out(JSON.stringify({ input, diagnostics: problems }, null, 2));
  else {
    for (const d of problems) o.err(formatDiagnostic(d, "run input", o));
    o.err(palette(o).dim(JSON.stringify(input, null, 2)));
  }
  throw new CliError(`the input does not match the input schema of ${flow} (${problems.length} problem${problems.length === 1 ? "" : "s"})`, EXIT.INVALID);
}

/**
 * --dry-run: validate offline against the schema as this environment fills it, and ask the
 * service's validate_run when the flow is deployed and credentials exist. Changes nothing.
 */
async function dryRun(ctx: CliContext, flow: CompiledFlow, built: unknown, opts: { env?: string; json: boolean }): Promise<number> {
  const o = ctx.output;
  const c = palette(o);
  const { config, env } = environmentOf(ctx, opts.env);
  const deployed = lockedFlow(config, env, flow);
  const schema = deployed?.schema ?? environmentSchema(config, env, flow);
  const { input, problems } = completeInput(schema, built);
  checkInputSize(input);
  if (problems.length) reportProblems(ctx, problems, input, flow.name, opts.json);
  let serviceChecked = false;
  let serviceNote = deployed ? "" : `${flow.name} is not deployed in "${env.name}", so the service was not asked`;
  if (deployed) {
    try {
      await withSession(ctx, opts.env, (s) => new FlowsClient(s.api).validateRun(deployed.id, input, runScope(s, deployed.id)), { quiet: true });
      serviceChecked = true;
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      serviceNote = `no credentials for "${env.name}", so the service was not asked (${e.message})`;
    }
  }
  if (opts.json) o.out(JSON.stringify({ valid: true, input, service_checked: serviceChecked, ...(serviceNote ? { note: serviceNote } : {}) }, null, 2));
  else {
    o.out(JSON.stringify(input, null, 2));
    o.out(`${c.green("valid")}: the input matches the schema of ${flow.name}${serviceChecked ? " and the service's validate_run accepted it" : ""}; nothing was started (--dry-run)`);
    if (serviceNote) o.err(c.dim(`note: ${serviceNote}`));
  }
  return EXIT.OK;
}

export function registerRunFlow(program: Command, ctx: CliContext): void {
  addRunInputOptions(
    program
      .command("run-flow")
      .description("build the input (from a run directory), validate it, start the run and follow it to its end")
      .argument("<flow>", "flow name or file"),
  )
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--dry-run", "build and validate the input, then stop (asks the service's validate_run when deployed)")
    .option("--no-wait", "start the run and return")
    .option("--json", "machine-readable output")
    .option("--output <mode>", "summary (each action's one-line result) or full (the whole run output)", (v) => {
      if (v !== "summary" && v !== "full") throw new InvalidArgumentError('must be "summary" or "full"');
      return v;
    }, "summary")
    .option("--watch <dir>", "start one run per new run directory under DIR once its files settle")
    .option("--settle <seconds>", "with --watch: seconds a directory must stay unchanged", "30")
    .option("--poll <seconds>", "with --watch: seconds between scans", "10")
    .option("--once", "with --watch: scan once and exit")
    .action(async (flowArg: string, opts: RunFlowOptions) => {
      const o = ctx.output;
      const c = palette(o);
      // Malformed --set assignments are refused before any flow is loaded.
      for (const a of opts.set) applySet({}, a);
      const loaded = await loadBuiltFlow(ctx, flowArg);
      const flow = loaded.compiled;
      const { config, env } = environmentOf(ctx, opts.env);
      const values = environmentValues(config, env);
      if (opts.watch) {
        const watch = { dir: opts.watch, settleSeconds: Number(opts.settle), pollSeconds: Number(opts.poll), once: !!opts.once, values, start: { ...(opts.label ? { label: opts.label } : {}), tags: opts.tag, monitors: opts.monitor, managers: opts.manager } };
        const failed = await withSession(ctx, opts.env, (s) => watchDirectory(s, loaded.source, flow, watch, (e) => renderWatchEvent(o, s, e)));
        if (failed) setExitCode(ctx, EXIT.RUN_FAILED);
        return;
      }
      const built = await buildInput(loaded.source, { ...(opts.rundir ? { rundir: opts.rundir } : {}), ...(opts.input ? { inputFile: opts.input } : {}), set: opts.set, values });
      checkInputSize(built);
      if (opts.dryRun) {
        setExitCode(ctx, await dryRun(ctx, flow, built, { ...(opts.env ? { env: opts.env } : {}), json: !!opts.json }));
        return;
      }
      const code = await withSession(
        ctx,
        opts.env,
        async (s) => {
          const log = (l: string) => (opts.json ? undefined : o.err(c.dim(l)));
          const deployed = await ensureDeployed(s, flow, log);
          await checkFollowUps(s, ctx.root, loaded.source);
          const started = await startChecked(s, deployed, built, { ...(opts.label ? { label: opts.label } : {}), tags: opts.tag, monitors: opts.monitor, managers: opts.manager });
          if (!started.run) return reportProblems(ctx, started.problems, started.input, flow.name, !!opts.json);
          const run = started.run;
          if (!opts.json) o.err(`started run ${c.bold(run.run_id)} of ${flow.name} in ${env.name}`);
          if (!opts.wait) {
            if (opts.json) o.out(JSON.stringify(run, null, 2));
            else o.out(run.run_id);
            if (s.localRuntime) o.err(c.yellow("note: the local runtime was started by this command and stops with it; the run resumes when `flowsmith local start` runs"));
            if (loaded.source.followUps?.length) o.err(c.dim(`note: ${flow.name} declares follow-ups; schedule them once the run SUCCEEDED with: flowsmith timers follow-up ${flow.name} ${run.run_id}`));
            return EXIT.OK;
          }
          const result = await followAndReport(ctx, s.api, run, { ...(opts.json ? { json: true } : {}), output: opts.output, inProcess: !!s.localRuntime, ...(s.env.kind === "local" && s.reattach ? { reattach: () => s.reattach!() } : {}) });
          if (result === EXIT.OK) {
            try {
              await reportFollowUps(ctx, s, loaded.source, run.run_id, { ...(opts.json ? { json: true } : {}) });
            } catch (e) {
              // The run itself succeeded: say so, and how to schedule what is missing (it is idempotent).
              o.err(`${c.yellow("note")}: run ${run.run_id} SUCCEEDED but its follow-ups were not all scheduled`);
              if (e instanceof CliError || e instanceof AuthError) throw e;
              throw new CliError(`scheduling the follow-ups failed: ${(e as Error).message}`, EXIT.SERVICE, `retry with: flowsmith timers follow-up ${flow.name} ${run.run_id}${opts.env ? ` --env ${opts.env}` : ""}`);
            }
          }
          return result;
        },
        { quiet: !!opts.json },
      );
      setExitCode(ctx, code);
    });
}
