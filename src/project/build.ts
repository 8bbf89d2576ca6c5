/** Build = load + compile + validate; a flow with any error is not built. */
import { resolve } from "node:path";
import type { CompiledFlow } from "../compile/compile.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import { CliError, EXIT } from "../errors.js";
import { checkFlowFile, type FileResult } from "./check.js";
import { listFlowFiles, resolveFlowArg } from "./load-flow.js";

export interface BuiltFlow {
  file: string;
  flow?: CompiledFlow;
  /** The flow file's defineFlow() (follow-ups, declared timers, rundir mapper). */
  source?: AnyFlowSource;
  results: FileResult[];
  ok: boolean;
}

export function resolveFlowFiles(root: string, names: string[]): string[] {
  if (names.length === 0) {
    const all = listFlowFiles(root);
    if (all.length === 0) throw new CliError(`no flows found in ${resolve(root, "flows")}`, EXIT.INVALID, "create flows/<name>.flow.ts, or run `flowsmith init`");
    return all;
  }
  return names.map((n) => {
    const f = resolveFlowArg(root, n);
    if (!f) throw new CliError(`no flow named "${n}" (looked for flows/${n}.flow.ts)`, EXIT.INVALID);
    return f;
  });
}

export async function buildFlows(root: string, names: string[]): Promise<BuiltFlow[]> {
  const out: BuiltFlow[] = [];
  for (const file of resolveFlowFiles(root, names)) {
    const { results, loaded } = await checkFlowFile(file);
    const ok = !!loaded.compiled && !results.some((r) => r.diagnostics.some((d) => d.severity === "error"));
    const b: BuiltFlow = { file, results, ok };
    if (loaded.compiled) b.flow = loaded.compiled;
    if (loaded.source) b.source = loaded.source;
    out.push(b);
  }
  return out;
}
