/**
 * `flowsmith demo`: the README's main job. Until the local runtime lands it builds and
 * validates every flow in flows/ and prints a summary.
 */
import type { Command } from "commander";
import { buildFlows } from "../../project/build.js";
import { EXIT } from "../../errors.js";
import { displayPath, formatDiagnostic, palette } from "../output.js";
import type { CliContext } from "../context.js";

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("build and validate every flow in flows/ and summarise them")
    .action(async () => {
      const o = ctx.output;
      const c = palette(o);
      const built = await buildFlows(ctx.root, []);
      const rows: string[][] = [["flow", "states", "actions", "functions", "result"]];
      for (const b of built) {
        const diags = b.results.flatMap((r) => r.diagnostics.map((d) => ({ d, file: r.file })));
        for (const { d, file } of diags) if (d.severity !== "info") o.out(formatDiagnostic(d, file, o));
        const def = b.flow?.definition;
        const states = def ? Object.values(def.States) : [];
        const errors = diags.filter((x) => x.d.severity === "error").length;
        const warnings = diags.filter((x) => x.d.severity === "warning").length;
        rows.push([
          b.flow?.name ?? displayPath(b.file),
          String(states.length),
          String(states.filter((s) => s.Type === "Action").length),
          b.flow?.functions.join(", ") || "-",
          errors ? c.red(`${errors} error(s)`) : warnings ? c.yellow(`ok, ${warnings} warning(s)`) : c.green("ok"),
        ]);
      }
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => stripAnsi(r[i]!).length)));
      for (const [i, r] of rows.entries()) {
        const line = r.map((cell, j) => cell + " ".repeat(widths[j]! - stripAnsi(cell).length)).join("  ");
        o.out(i === 0 ? c.bold(line) : line);
      }
      const bad = built.filter((b) => !b.ok).length;
      o.out(bad ? c.red(`${bad} of ${built.length} flows failed to build`) : c.green(`${built.length} flows built and validated`));
      if (bad) process.exitCode = EXIT.INVALID;
    });
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}
