/** `flowsmith import <definition.json|.yaml> [--schema F] --name N` */
import type { Command } from "commander";
import { resolve } from "node:path";
import { importDefinition } from "../../project/import-flow.js";
import { CliError } from "../../errors.js";
import type { Diagnostic } from "../../definition/diagnostics.js";
import { displayPath, formatDiagnostic, palette } from "../output.js";
import type { CliContext } from "../context.js";

export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command("import")
    .description("turn an existing definition into flows/<name>.flow.ts and schemas/<name>.json")
    .argument("<definition>", "definition (or flow document) as .json or .yaml")
    .requiredOption("--name <name>", "flow name for the new source")
    .option("--schema <file>", "input schema to import with it")
    .option("--force", "overwrite existing files")
    .action(async (file: string, opts: { name: string; schema?: string; force?: boolean }) => {
      const o = ctx.output;
      try {
        const r = await importDefinition(ctx.root, resolve(file), { name: opts.name, ...(opts.schema ? { schemaFile: resolve(opts.schema) } : {}), ...(opts.force ? { force: true } : {}) });
        for (const d of r.diagnostics) if (d.severity !== "info") o.err(formatDiagnostic(d, file, o));
        const c = palette(o);
        o.out(`${c.green("imported")} ${displayPath(file)} -> ${displayPath(r.flowFile)}, ${displayPath(r.schemaFile)} ${c.dim("(round trip verified)")}`);
      } catch (e) {
        const diags = (e as { diagnostics?: Diagnostic[] }).diagnostics;
        if (e instanceof CliError && diags) for (const d of diags) if (d.severity !== "info") o.err(formatDiagnostic(d, file, o));
        throw e;
      }
    });
}
