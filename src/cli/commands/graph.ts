/** `flowsmith graph <flow | file> [--format mermaid|dot]` */
import { InvalidArgumentError, type Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { toDot, toMermaid } from "../../compile/render-graph.js";
import type { FlowDefinition } from "../../definition/types.js";
import { loadFlow, resolveFlowArg } from "../../project/load-flow.js";
import { readDocumentFile } from "../../source/document.js";
import { validateDefinition } from "../../validate/index.js";
import { CliError, EXIT } from "../../errors.js";
import { formatDiagnostic } from "../output.js";
import type { CliContext } from "../context.js";

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command("graph")
    .description("print a flow as a Mermaid or Graphviz diagram")
    .argument("<target>", "flow name, flow file or definition file")
    .option("--format <format>", "mermaid or dot", (v) => {
      if (v !== "mermaid" && v !== "dot") throw new InvalidArgumentError('must be "mermaid" or "dot"');
      return v;
    }, "mermaid")
    .action(async (target: string, opts: { format: "mermaid" | "dot" }) => {
      let def: FlowDefinition;
      const flowFile = /\.(json|ya?ml)$/i.test(target) ? undefined : resolveFlowArg(ctx.root, target);
      if (flowFile) {
        const loaded = await loadFlow(flowFile);
        if (!loaded.compiled) {
          for (const d of loaded.diagnostics) ctx.output.err(formatDiagnostic(d, flowFile, ctx.output));
          throw new CliError(`cannot build ${target}`, EXIT.INVALID);
        }
        def = loaded.compiled.definition;
      } else {
        if (!/\.(json|ya?ml)$/i.test(target) && !existsSync(resolve(target))) throw new CliError(`no flow named "${target}" (looked for flows/${target}.flow.ts) and no such file`, EXIT.INVALID, "run `flowsmith build` to list the flows of this project");
        const doc = readDocumentFile(resolve(target));
        if (!doc.ok) {
          for (const d of doc.diagnostics) ctx.output.err(formatDiagnostic(d, target, ctx.output));
          throw new CliError(`cannot read ${target}`, EXIT.INVALID);
        }
        const v = doc.value as Record<string, unknown>;
        def = (v && typeof v === "object" && !("States" in v) && "definition" in v ? v.definition : v) as FlowDefinition;
        const errors = validateDefinition(def).filter((d) => d.severity === "error" && ["DEFINITION_NOT_OBJECT", "TOP_LEVEL_FIELD_MISSING", "FIELD_TYPE"].includes(d.code));
        if (errors.length) throw new CliError(`${target} is not a flow definition: ${errors[0]!.message}`, EXIT.INVALID);
      }
      ctx.output.out(opts.format === "dot" ? toDot(def) : toMermaid(def));
    });
}
