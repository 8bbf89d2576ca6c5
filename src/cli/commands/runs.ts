/** `flowsmith runs list|show|log|cancel|resume|release` */
import type { Command } from "commander";
import { SCOPES } from "../../wire/scopes.js";
import { envLock, lockPath, readLock } from "../../deploy/lock.js";
import { CliError, EXIT } from "../../errors.js";
import { palette } from "../output.js";
import { environmentOf, withSession } from "../environment.js";
import { FlowsClient } from "../../globus/flows.js";
import { entryLine, failureCause, followAndReport } from "./run-flow.js";
import { runScope } from "../../run/start.js";
import { requireRunId, withRunLookup } from "../../run/run-id.js";
import { setExitCode, type CliContext } from "../context.js";
import type { LogEntryDoc, RunDoc } from "../../run/follow.js";
import { describeOpenWebInputs, registerRunsRespond } from "./runs-respond.js";

export function registerRuns(program: Command, ctx: CliContext): void {
  const runs = program.command("runs").description("list, inspect and manage runs");
  const scope = SCOPES.flows("all");

  runs
    .command("list")
    .description("runs you can see, newest first")
    .option("--env <name>", "environment")
    .option("--flow <name>", "only runs of this flow (name from flows/ or a flow id)")
    .option("--status <s>", "ACTIVE, INACTIVE, SUCCEEDED, FAILED or ENDED (comma-separated)")
    .option("--label <text>", "runs whose label contains text")
    .option("--limit <n>", "page size", "20")
    .option("--marker <m>", "continue after a previous page")
    .option("--json", "machine-readable")
    .action(async (opts: { env?: string; flow?: string; status?: string; label?: string; limit: string; marker?: string; json?: boolean }) => {
      const statuses = opts.status?.toUpperCase().split(",") ?? [];
      const bad = statuses.filter((x) => !["ACTIVE", "INACTIVE", "SUCCEEDED", "FAILED", "ENDED"].includes(x));
      if (bad.length) throw new CliError(`--status ${bad.join(",")}: use ACTIVE, INACTIVE, SUCCEEDED, FAILED or ENDED`, EXIT.INVALID);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CliError(`--limit must be an integer from 1 to 100, got ${opts.limit}`, EXIT.INVALID);
      const { config, env } = environmentOf(ctx, opts.env);
      let flowId = opts.flow;
      if (flowId && !/^[0-9a-f-]{36}$/.test(flowId)) flowId = envLock(readLock(lockPath(config, env)), env.name).flows[flowId]?.id ?? flowId;
      await withSession(ctx, opts.env, async (s) => {
        const res = { body: (await new FlowsClient(s.api).listRuns({ per_page: Number(opts.limit), filter_flow_id: flowId, filter_status: opts.status?.toUpperCase(), filter_label: opts.label, marker: opts.marker, orderby: "start_time DESC" }, scope)) as { runs: RunDoc[]; has_next_page: boolean; marker?: string } };
        if (opts.json) return ctx.output.out(JSON.stringify(res.body, null, 2));
        const c = palette(ctx.output);
        if (!res.body.runs.length) ctx.output.out(c.dim(`no runs${opts.flow || opts.status || opts.label ? " match these filters" : ""} in ${s.env.name}`));
        else ctx.output.out(c.bold(`${"RUN ID".padEnd(36)}  ${"STATUS".padEnd(9)}  ${"STARTED".padEnd(19)}  ${"FLOW".padEnd(40)}  LABEL`));
        for (const r of res.body.runs) ctx.output.out(`${r.run_id}  ${(r.status === "SUCCEEDED" ? c.green : r.status === "FAILED" ? c.red : c.yellow)(r.status.padEnd(9))}  ${r.start_time?.slice(0, 19) ?? ""}  ${(r.flow_title ?? "").slice(0, 40).padEnd(40)}  ${r.label ?? ""}`);
        const again = [opts.env ? `--env ${opts.env}` : "", opts.flow ? `--flow ${opts.flow}` : "", opts.status ? `--status ${opts.status}` : "", opts.label ? `--label ${JSON.stringify(opts.label)}` : "", `--limit ${opts.limit}`].filter(Boolean).join(" ");
        if (res.body.has_next_page) ctx.output.out(c.dim(`more: flowsmith runs list ${again} --marker ${res.body.marker}`));
      }, { quiet: true });
    });

  runs
    .command("show")
    .argument("<run_id>")
    .description("a run's status and output; --follow waits for its end")
    .option("--env <name>", "environment")
    .option("--follow", "reattach and follow the run to its end")
    .option("--json", "machine-readable")
    .action(async (runIdArg: string, opts: { env?: string; follow?: boolean; json?: boolean }) => {
      const runId = requireRunId(runIdArg);
      const code = await withSession(ctx, opts.env, async (s) => {
        const run = await withRunLookup(runId, s.env.name, () => new FlowsClient(s.api).getRun(runId, scope));
        if (opts.follow) return followAndReport(ctx, s.api, run, { ...(opts.json ? { json: true } : {}), inProcess: !!s.localRuntime, ...(s.env.kind === "local" && s.reattach ? { reattach: () => s.reattach!() } : {}) });
        const waiting = (run as { blocking_web_input_id?: string | null }).blocking_web_input_id;
        if (opts.json) ctx.output.out(JSON.stringify(run, null, 2));
        else {
          ctx.output.out(`${run.run_id}  ${run.status}  ${run.label ?? ""}`);
          if (run.status === "FAILED" || run.status === "ENDED") ctx.output.out(failureCause(run));
          else if (waiting) await describeOpenWebInputs(s.api, run.run_id, ctx.output);
          else ctx.output.out(JSON.stringify(run.details ?? {}, null, 2));
        }
        return EXIT.OK;
      }, { quiet: true });
      setExitCode(ctx, code);
    });

  runs
    .command("log")
    .argument("<run_id>")
    .description("a run's event log")
    .option("--env <name>", "environment")
    .option("--limit <n>", "entries per page", "100")
    .option("--json", "machine-readable")
    .action(async (runIdArg: string, opts: { env?: string; limit: string; json?: boolean }) => {
      const runId = requireRunId(runIdArg);
      await withSession(ctx, opts.env, (s) => withRunLookup(runId, s.env.name, async () => {
        const entries: LogEntryDoc[] = [];
        let marker: string | undefined;
        do {
          const page = await new FlowsClient(s.api).runLog(runId, { limit: Number(opts.limit), marker }, scope);
          entries.push(...(page.entries as unknown as LogEntryDoc[]));
          marker = page.has_next_page ? page.marker : undefined;
        } while (marker);
        if (opts.json) ctx.output.out(JSON.stringify({ entries }, null, 2));
        else for (const e of entries) ctx.output.out(entryLine(e, ctx.output));
      }), { quiet: true });
    });

  registerRunsRespond(runs, ctx);

  for (const [name, path, desc] of [
    ["cancel", "cancel", "cancel a run (its active action is cancelled too)"],
    ["release", "release", "delete a finished run's record"],
    ["resume", "resume", "resume an INACTIVE run after fixing its cause (e.g. consent)"],
  ] as const) {
    runs
      .command(name)
      .argument("<run_id>")
      .description(desc)
      .option("--env <name>", "environment")
      .option("--json", "machine-readable")
      .action(async (runIdArg: string, opts: { env?: string; json?: boolean }) => {
        const runId = requireRunId(runIdArg);
        await withSession(ctx, opts.env, (s) => withRunLookup(runId, s.env.name, async () => {
          let callScope: string = scope;
          if (name === "resume") {
            const run = await new FlowsClient(s.api).getRun(runId, scope);
            // Resuming re-consents: the flow scope with its transfer dependencies, as for a start.
            callScope = runScope(s, run.flow_id);
          }
          const client = new FlowsClient(s.api);
          const res = { body: path === "cancel" ? await client.cancelRun(runId, callScope) : path === "release" ? await client.releaseRun(runId, callScope) : await client.resumeRun(runId, callScope) };
          if (opts.json) ctx.output.out(JSON.stringify(res.body, null, 2));
          else if (name === "cancel") ctx.output.out(["SUCCEEDED", "FAILED", "ENDED"].includes(res.body.status) && !(res.body.details as { code?: string } | undefined)?.code?.includes("Cancel") ? `run ${runId} had already finished (${res.body.status}); nothing to cancel` : `cancel requested for run ${runId}; its active action is being cancelled`);
          else ctx.output.out(`${name}: run ${runId} is ${res.body.status}`);
        }), { quiet: true });
      });
  }
}
