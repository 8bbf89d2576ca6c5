/**
 * The flow a run-starting command names (run-flow, timers create), as the project layer
 * finds and builds it; when it does not build, its diagnostics are printed first.
 */
import type { CompiledFlow } from "../compile/compile.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import { FlowDoesNotBuildError, loadBuiltFlow as loadBuilt } from "../project/load-flow.js";
import { formatDiagnostic } from "./output.js";
import type { CliContext } from "./context.js";

export async function loadBuiltFlow(ctx: CliContext, flowArg: string): Promise<{ file: string; source: AnyFlowSource; compiled: CompiledFlow }> {
  try {
    return await loadBuilt(ctx.root, flowArg);
  } catch (e) {
    if (e instanceof FlowDoesNotBuildError) for (const d of e.diagnostics) ctx.output.err(formatDiagnostic(d, e.file, ctx.output));
    throw e;
  }
}
