/** `flowsmith functions list|register`: the Compute functions in functions/ and their ids. */
import type { Command } from "commander";
import { envLock, lockPath, readLock } from "../../deploy/lock.js";
import { listFunctions, registerFunction } from "../../deploy/functions.js";
import { CliError, EXIT } from "../../errors.js";
import { palette } from "../output.js";
import { environmentOf, withSession } from "../environment.js";
import type { CliContext } from "../context.js";

export function registerFunctions(program: Command, ctx: CliContext): void {
  const fns = program.command("functions").description("Compute functions kept as Python in functions/");
  fns
    .command("list")
    .option("--env <name>", "environment")
    .option("--json", "machine-readable")
    .description("each function, its id in the environment, and whether its source changed since")
    .action((opts: { env?: string; json?: boolean }) => {
      const { config, env } = environmentOf(ctx, opts.env);
      const locked = envLock(readLock(lockPath(config, env)), env.name).functions;
      const rows = listFunctions(ctx.root).map((f) => ({ name: f.name, id: locked[f.name]?.id ?? null, state: !locked[f.name] ? "not registered" : locked[f.name]!.hash === f.hash ? "registered" : "changed since registration" }));
      if (opts.json) return ctx.output.out(JSON.stringify({ environment: env.name, functions: rows }, null, 2));
      const c = palette(ctx.output);
      for (const r of rows) ctx.output.out(`${r.name.padEnd(32)} ${(r.id ?? "-").padEnd(36)} ${r.state === "registered" ? c.green(r.state) : c.yellow(r.state)}`);
    });
  fns
    .command("register")
    .argument("[names...]", "functions to register (default: every changed one)")
    .option("--env <name>", "environment")
    .option("--force", "register even when unchanged")
    .option("--json", "machine-readable")
    .description("register functions whose source changed (pure-source serialization) and record their ids")
    .action(async (names: string[], opts: { env?: string; force?: boolean; json?: boolean }) => {
      const all = listFunctions(ctx.root);
      const unknown = names.filter((n) => !all.some((f) => f.name === n));
      if (unknown.length) throw new CliError(`no functions/${unknown[0]}.py`, EXIT.INVALID);
      await withSession(ctx, opts.env, async (s) => {
        const file = lockPath(s.config, s.env);
        const lock = readLock(file);
        const el = envLock(lock, s.env.name);
        const report: { name: string; id: string; action: "unchanged" | "registered" }[] = [];
        for (const f of all.filter((x) => names.length === 0 || names.includes(x.name))) {
          if (!opts.force && el.functions[f.name]?.hash === f.hash) {
            report.push({ name: f.name, id: el.functions[f.name]!.id, action: "unchanged" });
            continue;
          }
          const id = await registerFunction(s.api, s.config, f, { file, lock, env: el });
          report.push({ name: f.name, id, action: "registered" });
        }
        if (opts.json) ctx.output.out(JSON.stringify({ environment: s.env.name, functions: report }, null, 2));
        else for (const r of report) ctx.output.out(`${r.name}: ${r.action} ${r.id}`);
      }, { quiet: !!opts.json });
    });
}
