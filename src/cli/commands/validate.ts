/** `flowsmith validate <flow | file.json | file.yaml>… [--schema F] [--input F] [--json]` */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { loadProjectConfig } from "../../project/config.js";
import { checkDefinitionFile, checkFlowFile, type FileResult } from "../../project/check.js";
import { isFlowFile, listFlowFiles, resolveFlowArg } from "../../project/load-flow.js";
import { CliError, EXIT } from "../../errors.js";
import { formatDiagnostic, resultsJson, summarise } from "../output.js";
import { setExitCode, type CliContext } from "../context.js";

export async function checkTargets(ctx: CliContext, targets: string[], opts: { schema?: string; input?: string }): Promise<FileResult[]> {
  const list = targets.length ? targets : listFlowFiles(ctx.root);
  if (list.length === 0) throw new CliError("nothing to validate: no flows/*.flow.ts here and no files given", EXIT.INVALID, "pass a flow name or a definition file");
  // A run input belongs to one flow; checked against every flow it would fail once per flow.
  if (opts.input && targets.length === 0 && list.length > 1) {
    const names = list.map((f) => basename(f).replace(/\.flow\.[mc]?[jt]s$/, ""));
    throw new CliError(`--input ${opts.input}: name the flow whose schema it is for (flows here: ${names.join(", ")})`, EXIT.INVALID, `flowsmith validate ${names[0]} --input ${opts.input}`);
  }
  const results: FileResult[] = [];
  // The project's flowsmith.yaml is checked with its flows; named targets report it only
  // when it is broken (the same diagnostics every other command stops on).
  if (existsSync(join(ctx.root, "flowsmith.yaml"))) {
    const diagnostics = loadProjectConfig(ctx.root).diagnostics;
    if (targets.length === 0 || diagnostics.some((d) => d.severity === "error")) results.push({ file: join(ctx.root, "flowsmith.yaml"), diagnostics });
  }
  const checkOpts = { ...(opts.schema ? { schemaFile: resolve(opts.schema) } : {}), ...(opts.input ? { inputFile: resolve(opts.input) } : {}) };
  for (const t of list) {
    const flowFile = isFlowFile(t) ? (existsSync(t) ? resolve(t) : undefined) : /\.(json|ya?ml)$/i.test(t) ? undefined : resolveFlowArg(ctx.root, t);
    if (flowFile) results.push(...(await checkFlowFile(flowFile, checkOpts)).results);
    else if (/\.(json|ya?ml)$/i.test(t) || existsSync(t)) results.push(...checkDefinitionFile(resolve(t), checkOpts));
    else throw new CliError(`no flow named "${t}" (looked for flows/${t}.flow.ts) and no such file`, EXIT.INVALID, "run `flowsmith build` to list the flows of this project");
  }
  return results;
}

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command("validate")
    .description("check flows or definition files offline; with --input, dry-run an input against the schema")
    .argument("[targets...]", "flow names, flow files, or definition .json/.yaml files (default: every flow)")
    .option("--schema <file>", "input schema to check reads and the input against")
    .option("--input <file>", "run input (JSON/YAML) to validate against the schema")
    .option("--json", "print machine-readable results")
    .action(async (targets: string[], opts: { schema?: string; input?: string; json?: boolean }) => {
      const results = await checkTargets(ctx, targets, opts);
      const o = ctx.output;
      if (opts.json) o.out(resultsJson(results));
      else {
        for (const r of results) for (const d of r.diagnostics) o.out(formatDiagnostic(d, r.file, o));
        o.out(summarise(results, o));
      }
      if (results.some((r) => r.diagnostics.some((d) => d.severity === "error"))) setExitCode(ctx, EXIT.INVALID);
    });
}
