/**
 * Load flows/*.flow.ts (through tsx, so users write plain TypeScript) and compile them.
 * Loading a broken file becomes a diagnostic, never a stack trace.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { diag, type Diagnostic } from "../definition/diagnostics.js";
import { compileFlow, locate, type CompiledFlow } from "../compile/compile.js";
import { isFlowSource, type AnyFlowSource } from "../dsl/flow.js";
import { cachedFlowModule, importFlowModule } from "./flow-module-cache.js";
import { FLOW_SOURCE_FACTOR, maxFileBytes, readUtf8File } from "../source/read-text.js";
import { CliError, EXIT } from "../errors.js";

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

/**
 * Loaded modules by file, valid while the file's size and times are unchanged: tsx gives
 * every tsImport a fresh namespace (so an edited file is seen), which costs a transpile and
 * an evaluation each time; a long-lived process (--watch, the fuzz tests) loads one flow
 * many times.
 */
const loadedModules = new Map<string, { key: string; mod: Record<string, unknown> }>();

function moduleKey(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  } catch {
    return ""; // importing reports the problem
  }
}

/**
 * The file's module: loaded already, or from the flow module cache (`cached`, found from
 * the file's bytes), or through tsx.
 */
async function importModule(file: string, key: string, cached: string | undefined): Promise<Record<string, unknown>> {
  const hit = loadedModules.get(file);
  if (key && hit?.key === key) return hit.mod;
  const mod = await importFresh(file, cached);
  if (key) loadedModules.set(file, { key, mod });
  return mod;
}

async function importFresh(file: string, cached: string | undefined): Promise<Record<string, unknown>> {
  if (/\.m?js$/.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  try {
    if (cached) return await importFlowModule(file, cached);
  } catch {
    // A flow that throws while loading: tsx loads it again, so the error names the .flow.ts line.
  }
  if (!tsImport) {
    const api = (await import("tsx/esm/api")) as { tsImport: (s: string, p: string) => Promise<Record<string, unknown>> };
    tsImport = api.tsImport;
  }
  return tsImport(pathToFileURL(file).href, import.meta.url);
}

export async function loadFlow(file: string): Promise<LoadedFlow> {
  const abs = resolve(file);
  const opened = await openFlowFile(abs);
  if ("diagnostics" in opened) return { file: abs, diagnostics: opened.diagnostics };
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(abs, opened.key, opened.cached);
  } catch (e) {
    return { file: abs, diagnostics: loadFailure(abs, e) };
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

/**
 * Refuse devices, huge files and invalid UTF-8 before handing the file to esbuild; from the
 * bytes read, the flow module cache's module of a TypeScript flow not loaded already. Its
 * own function, so the bytes (megabytes for a big generated flow) are garbage before the load.
 */
async function openFlowFile(abs: string): Promise<{ diagnostics: Diagnostic[] } | { key: string; cached: string | undefined }> {
  const key = moduleKey(abs);
  const read = readUtf8File(abs, {
    maxBytes: FLOW_SOURCE_FACTOR * maxFileBytes(),
    limit: { of: "flow sources", hint: `flowsmith loads flow sources up to ${FLOW_SOURCE_FACTOR} times FLOWSMITH_MAX_FILE_BYTES (${FLOW_SOURCE_FACTOR * 16} MiB by default)` },
  });
  if (!read.ok) return { diagnostics: [diag("DSL_ERROR", "", `cannot load ${basename(abs)}: ${read.message}`, { source: { file: abs, line: read.line ?? 1, column: read.column ?? 1 }, hint: read.hint })] };
  if (/\.m?js$/.test(abs) || (key && loadedModules.get(abs)?.key === key)) return { key, cached: undefined };
  let cached: string | undefined;
  try {
    cached = await cachedFlowModule(abs, read.bytes);
  } catch {
    // not cacheable: tsx loads it
  }
  return { key, cached };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Why a flow file did not load, placed where it went wrong: esbuild's syntax errors
 * ("Transform failed with N errors:\n<file>:<line>:<col>: ERROR: <text>") one diagnostic
 * each; an exception thrown while the module ran at the frame of the flow file in its
 * stack (tsx maps it back to the TypeScript line).
 */
export function loadFailure(abs: string, e: unknown): Diagnostic[] {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message ?? String(e);
  const name = basename(abs);
  const syntax = [...message.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.+)$/gm)];
  if (err.name === "TransformError" || syntax.length) {
    if (!syntax.length) return [diag("DSL_ERROR", "", `cannot compile ${name}: ${message.replace(/\s+/g, " ")}`, { source: { file: abs, line: 1, column: 1 }, hint: "fix the syntax error" })];
    return syntax.map((m) =>
      diag("DSL_ERROR", "", `syntax error in ${basename(m[1]!)}: ${m[4]}`, {
        source: { file: resolve(m[1]!) === abs ? abs : resolve(m[1]!), line: Number(m[2]), column: Number(m[3]) + 1 },
        hint: "fix the syntax at that position (run `npx tsc --noEmit` for type errors too)",
      }),
    );
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
    const first = message.split("\n")[0];
    return [diag("DSL_ERROR", "", `cannot load ${name}: ${first}`, { source: { file: abs, line: 1, column: 1 }, hint: "install the missing package (npm install) or fix the import path" })];
  }
  const frame = new RegExp(`${escapeRe(abs)}(?:\\?[^:)\\s]*)?:(\\d+):(\\d+)`).exec(err.stack ?? "");
  return [
    diag("DSL_ERROR", "", `runtime error while loading ${name}: ${err.name && err.name !== "Error" ? `${err.name}: ` : ""}${message.split("\n")[0]}`, {
      source: { file: abs, line: frame ? Number(frame[1]) : 1, column: frame ? Number(frame[2]) : 1 },
      hint: "the exception was thrown while the flow file's top-level code ran; fix the code at that line",
    }),
  ];
}

/** A named flow loaded but not built: its diagnostics say why (callers render them). */
export class FlowDoesNotBuildError extends CliError {
  constructor(
    readonly flowArg: string,
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`flow ${flowArg} does not build`, EXIT.INVALID);
    this.name = "FlowDoesNotBuildError";
  }
}

/**
 * The flow a command or test names, found (by name or file), loaded and compiled without
 * errors — one wording for "no such flow" and "does not build" wherever a run is started.
 */
export async function loadBuiltFlow(root: string, flowArg: string): Promise<{ file: string; source: AnyFlowSource; compiled: CompiledFlow }> {
  const file = resolveFlowArg(root, flowArg);
  if (!file) throw new CliError(`no flow named "${flowArg}" (looked for flows/${flowArg}.flow.ts)`, EXIT.INVALID);
  const loaded = await loadFlow(file);
  if (!loaded.compiled || !loaded.source || loaded.diagnostics.some((d) => d.severity === "error")) throw new FlowDoesNotBuildError(flowArg, file, loaded.diagnostics);
  return { file, source: loaded.source, compiled: loaded.compiled };
}
