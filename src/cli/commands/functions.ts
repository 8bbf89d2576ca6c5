/** `flowsmith functions list|register`: the Compute functions in functions/ and their ids. */
import type { Command } from "commander";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { envLock, lockPath, readLock, writeLock } from "../../deploy/lock.js";
import { pureSourceRegistration } from "../../globus/compute.js";
import { SCOPES } from "../../wire/scopes.js";
import { CliError, EXIT } from "../../errors.js";
import { palette } from "../output.js";
import { environmentOf, withSession } from "../environment.js";
import type { CliContext } from "../context.js";

function localFunctions(root: string): { name: string; hash: string; source: string }[] {
  const dir = join(root, "functions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(f))
    .sort()
    .map((f) => {
      const name = f.slice(0, -3);
      const source = readFileSync(join(dir, f), "utf8");
      return { name, source, hash: "sha256:" + createHash("sha256").update(`${name}\n${source}`).digest("hex") };
    });
}

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
      const rows = localFunctions(ctx.root).map((f) => ({ name: f.name, id: locked[f.name]?.id ?? null, state: !locked[f.name] ? "not registered" : locked[f.name]!.hash === f.hash ? "registered" : "changed since registration" }));
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
      const all = localFunctions(ctx.root);
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
          const res = await s.api.call<{ function_uuid: string }>("COMPUTE", "/v3/functions", { scope: SCOPES.computeAll, method: "POST", payload: pureSourceRegistration(f.name, f.source) });
          el.functions[f.name] = { id: res.body.function_uuid, hash: f.hash };
          writeLock(file, lock);
          report.push({ name: f.name, id: res.body.function_uuid, action: "registered" });
        }
        if (opts.json) ctx.output.out(JSON.stringify({ environment: s.env.name, functions: report }, null, 2));
        else for (const r of report) ctx.output.out(`${r.name}: ${r.action} ${r.id}`);
      }, { quiet: !!opts.json });
    });
}
