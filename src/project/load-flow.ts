/**
 * Load flows/*.flow.ts (through tsx, so users write plain TypeScript) and compile them.
 * Loading a broken file becomes a diagnostic, never a stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { diag, type Diagnostic } from "../definition/diagnostics.js";
import { compileFlow, locate, type CompiledFlow } from "../compile/compile.js";
import { isFlowSource, type AnyFlowSource } from "../dsl/flow.js";
import { importCachedFlow } from "./flow-module-cache.js";

export interface LoadedFlow {
  file: string;
  source?: AnyFlowSource;
  compiled?: CompiledFlow;
  diagnostics: Diagnostic[];
}

export function isFlowFile(p: string): boolean {
  return /\.flow\.(ts|mts|js|mjs)$/.test(p);
}

/** flows/<name>.flow.ts files of a project, sorted. */
export function listFlowFiles(root: string): string[] {
  const dir = join(root, "flows");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isFlowFile)
    .sort()
    .map((f) => join(dir, f));
}

/** Resolve a flow argument: a name (flows/<name>.flow.ts) or a path to a flow file. */
export function resolveFlowArg(root: string, arg: string): string | undefined {
  if (isFlowFile(arg) && existsSync(resolve(arg))) return resolve(arg);
  for (const ext of ["ts", "mts", "js", "mjs"]) {
    const f = join(root, "flows", `${arg}.flow.${ext}`);
    if (existsSync(f)) return f;
  }
  return undefined;
}

let tsImport: ((specifier: string, parent: string) => Promise<Record<string, unknown>>) | undefined;

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (/\.m?js$/.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const cached = await importCachedFlow(file);
  if (cached) return cached;
  if (!tsImport) {
    const api = (await import("tsx/esm/api")) as { tsImport: (s: string, p: string) => Promise<Record<string, unknown>> };
    tsImport = api.tsImport;
  }
  return tsImport(pathToFileURL(file).href, import.meta.url);
}

export async function loadFlow(file: string): Promise<LoadedFlow> {
  const abs = resolve(file);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(abs);
  } catch (e) {
    const err = e as Error;
    const m = /:(\d+):(\d+)/.exec(err.message ?? "");
    return {
      file: abs,
      diagnostics: [
        diag("DSL_ERROR", "", `cannot load ${basename(abs)}: ${(err.message ?? String(e)).split("\n")[0]}`, {
          source: { file: abs, line: m ? Number(m[1]) : 1, column: m ? Number(m[2]) : 1 },
          hint: "fix the TypeScript error (run `npx tsc --noEmit` for the full report)",
        }),
      ],
    };
  }
  // A file tsx treats as CommonJS (no "type": "module" nearby) nests the ESM exports one level down.
  const nested = mod.default && typeof mod.default === "object" ? (mod.default as Record<string, unknown>) : {};
  const candidates = [mod.default, mod.flow, nested.default, nested.flow, ...Object.values(mod), ...Object.values(nested)];
  const source = candidates.find(isFlowSource);
  if (!source) {
    return { file: abs, diagnostics: [diag("DSL_ERROR", "", `${basename(abs)} does not export a flow`, { source: { file: abs, line: 1, column: 1 }, hint: "export default defineFlow({ ... })" })] };
  }
  const result = compileFlow(source, { flowFile: abs });
  const loaded: LoadedFlow = { file: abs, source, diagnostics: result.diagnostics };
  if (result.flow) {
    loaded.compiled = result.flow;
    loaded.diagnostics = result.diagnostics.map((d) => locate(d, result.flow!.sourceMap));
  }
  return loaded;
}
