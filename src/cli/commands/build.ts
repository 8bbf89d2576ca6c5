/** `flowsmith build [flow…]`: write build/<flow>/definition.json and input_schema.json. */
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFlows } from "../../project/build.js";
import { writeJsonFile } from "../../project/json-file.js";
import { EXIT } from "../../errors.js";
import { displayPath, formatDiagnostic, palette } from "../output.js";
import { setExitCode, type CliContext } from "../context.js";

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command("build")
    .description("compile flows to build/<flow>/definition.json and input_schema.json")
    .argument("[flows...]", "flow names or files (default: every flow in flows/)")
    .option("--out <dir>", "output directory", "build")
    .option("--json", "print what was written as JSON")
    .action(async (flows: string[], opts: { out: string; json?: boolean }) => {
      const o = ctx.output;
      const c = palette(o);
      const built = await buildFlows(ctx.root, flows);
      const written: { flow: string; definition: string; input_schema: string; states: number }[] = [];
      for (const b of built) {
        for (const r of b.results) for (const d of r.diagnostics) if (!opts.json && d.severity !== "info") o.err(formatDiagnostic(d, r.file, o));
        if (!b.ok || !b.flow) continue;
        const dir = join(ctx.root, opts.out, b.flow.name);
        mkdirSync(dir, { recursive: true });
        const def = join(dir, "definition.json");
        const schema = join(dir, "input_schema.json");
        writeJsonFile(def, b.flow.definition);
        writeFileSync(schema, JSON.stringify(b.flow.inputSchema, null, 2) + "\n");
        written.push({ flow: b.flow.name, definition: def, input_schema: schema, states: Object.keys(b.flow.definition.States).length });
        if (!opts.json) o.out(`${c.green("built")} ${b.flow.name} ${c.dim(`(${Object.keys(b.flow.definition.States).length} states)`)} -> ${displayPath(dir)}/`);
      }
      if (opts.json) o.out(JSON.stringify({ built: written }, null, 2));
      if (built.some((b) => !b.ok)) setExitCode(ctx, EXIT.INVALID);
    });
}
