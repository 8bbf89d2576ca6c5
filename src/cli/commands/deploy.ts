/** `flowsmith deploy-flow [flow…] [--env E] [--dry-run] [--json]` and `flowsmith publish [--env E] [--plan]`. */
import type { Command } from "commander";
import { buildFlows } from "../../project/build.js";
import { deployFlows, type DeployResult } from "../../deploy/deploy.js";
import { CliError, EXIT } from "../../errors.js";
import { deployTimers, hasTimersToDeploy, type TimerPlan } from "../../run/declared-timers.js";
import { formatDiagnostic, palette } from "../output.js";
import { withSession } from "../environment.js";
import type { CliContext } from "../context.js";

async function deploy(ctx: CliContext, names: string[], opts: { env?: string; dryRun?: boolean; json?: boolean }): Promise<void> {
  const o = ctx.output;
  const c = palette(o);
  const built = await buildFlows(ctx.root, names);
  for (const b of built) for (const r of b.results) for (const d of r.diagnostics) if (d.severity === "error") o.err(formatDiagnostic(d, r.file, o));
  const bad = built.filter((b) => !b.ok);
  if (bad.length) throw new CliError(`${bad.length} flow(s) do not validate; nothing was deployed`, EXIT.INVALID);
  const log = opts.json ? () => {} : (l: string) => o.err(c.dim(l));
  const result = await withSession(
    ctx,
    opts.env,
    async (s) => {
      if (!names.length) {
        const known = new Set(built.map((b) => b.flow?.name));
        for (const [n, t] of Object.entries(s.config.timers ?? {})) if (!known.has(t.flow)) throw new CliError(`flowsmith.yaml timers.${n}: flow "${t.flow}" is not in flows/`, EXIT.INVALID, `create flows/${t.flow}.flow.ts or fix timers.${n}.flow`);
      }
      const r = await deployFlows(s.config, s.env, built.map((b) => b.flow!), s.api, { dryRun: !!opts.dryRun, log });
      // Declared timers after their flows: a timer needs its flow's id.
      const withTimers = built.filter((b) => hasTimersToDeploy(s, b.flow!.name, b.source)).map((b) => ({ flow: b.flow!, source: b.source! }));
      const timers = withTimers.length ? await deployTimers(s, withTimers, { dryRun: !!opts.dryRun, log }) : [];
      return { ...r, timers };
    },
    { quiet: !!opts.json },
  );
  if (opts.json) {
    o.out(JSON.stringify(result, null, 2));
    return;
  }
  render(ctx, result);
}

function render(ctx: CliContext, r: DeployResult & { timers: TimerPlan[] }): void {
  const o = ctx.output;
  const c = palette(o);
  const mark = (a: string) => (a === "unchanged" ? c.dim(a) : a === "create" || a === "register" || a === "recreate" ? c.green(a) : a === "delete" ? c.red(a) : c.yellow(a));
  o.out(`${r.dryRun ? c.bold("plan") : c.bold("deployed")} for environment ${c.bold(r.environment)}${r.dryRun ? c.dim(" (dry run: nothing changed)") : ""}`);
  for (const f of r.functions) o.out(`  function ${f.name}: ${mark(f.action)}${f.id ? c.dim(` ${f.id}`) : ""}${f.reason && f.action !== "unchanged" ? c.dim(` — ${f.reason}`) : ""}`);
  for (const f of r.flows) {
    o.out(`  flow ${f.name}: ${mark(f.action)}${f.id ? c.dim(` ${f.id}`) : ""}${f.reason && f.action !== "unchanged" ? c.dim(` — ${f.reason}`) : ""}`);
    if (r.dryRun && f.diff) o.out(f.diff.split("\n").map((l) => "      " + (l.startsWith("+") ? c.green(l) : l.startsWith("-") ? c.red(l) : c.dim(l))).join("\n"));
  }
  for (const t of r.timers) {
    const every = !t.schedule ? "removed" : t.schedule.type === "recurring" ? `every ${t.schedule.interval_seconds} s` : "once";
    o.out(`  timer ${t.flow}/${t.timer} (${every}): ${mark(t.action)}${t.id ? c.dim(` ${t.id}`) : ""}${t.reason && t.action !== "unchanged" ? c.dim(` — ${t.reason}`) : ""}`);
  }
  if (!r.dryRun) o.out(c.dim(`lock: ${r.lockFile}`));
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  program
    .command("deploy-flow")
    .description("register changed Compute functions and create or update changed flows; record ids in the lock file")
    .argument("[flows...]", "flow names (default: every flow)")
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--dry-run", "print the plan (create / update / unchanged, with a diff) and change nothing")
    .option("--json", "machine-readable result")
    .action((names: string[], opts: { env?: string; dryRun?: boolean; json?: boolean }) => deploy(ctx, names, opts));

  program
    .command("publish")
    .description("deploy every flow whose compiled content differs from the lock (for CI)")
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--plan", "print the plan only")
    .option("--json", "machine-readable result")
    .action((opts: { env?: string; plan?: boolean; json?: boolean }) => deploy(ctx, [], { ...(opts.env ? { env: opts.env } : {}), dryRun: !!opts.plan, json: !!opts.json }));
}
