/**
 * Compile a flow source into the definition IR and its input schema, with a source map
 * from JSON pointers to the DSL calls that produced them.
 */
import { dirname, resolve } from "node:path";
import { diag, pointerOf, type Diagnostic, type SourceLocation } from "../definition/diagnostics.js";
import type { FlowDefinition, InputSchema, State } from "../definition/types.js";
import { FlowSourceError, formatLocation, originalPosition } from "../dsl/callsite.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import { isChain, isState, startOf, type BaseState, type CatchEdge } from "../dsl/state.js";
import { PLACEHOLDER, rootPath } from "../dsl/values.js";
import { readDocumentFile } from "../source/document.js";
import { collectStates } from "./graph.js";

export interface CompiledFlow {
  name: string;
  title: string;
  subtitle?: string;
  description?: string;
  keywords: string[];
  definition: FlowDefinition;
  inputSchema: InputSchema;
  /** Where the schema came from (a file) when it was not inline. */
  schemaFile?: string;
  /** Pointer into the definition -> DSL call site. */
  sourceMap: Map<string, SourceLocation>;
  /** Compute functions (functions/<name>.py) the definition uses. */
  functions: string[];
  /** `env(...)` placeholders used in the definition and schema. */
  envRefs: string[];
}

export interface CompileResult {
  flow?: CompiledFlow;
  /** Problems found while building (DSL errors, duplicate names, unreadable schema). */
  diagnostics: Diagnostic[];
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function compileFlow(source: AnyFlowSource, options: { flowFile?: string } = {}): CompileResult {
  const flowFile = options.flowFile ?? source.site?.file;
  const diagnostics: Diagnostic[] = [];
  if (typeof source.name !== "string" || !NAME.test(source.name)) {
    diagnostics.push(diag("DSL_ERROR", "", `flow name ${JSON.stringify(source.name)} must be 1-64 lower-case letters, digits, '_' or '-'`, { source: source.site }));
    return { diagnostics };
  }
  if (source.title === undefined || source.title === null || source.title === "") {
    diagnostics.push(diag("DSL_ERROR", "", `title is required: flow "${source.name}" has no title`, { source: source.site, hint: 'add title: "…" (1-128 characters) to its defineFlow' }));
  } else if (typeof source.title !== "string") {
    diagnostics.push(diag("DSL_ERROR", "", `title of flow "${source.name}" must be a string, got ${typeof source.title}`, { source: source.site }));
  } else if (source.title.length > 128) {
    diagnostics.push(diag("DSL_ERROR", "", `title of flow "${source.name}" is ${source.title.length} characters; at most 128 are allowed`, { source: source.site }));
  }

  let built: ReturnType<AnyFlowSource["build"]>;
  try {
    built = source.build(rootPath() as never);
  } catch (e) {
    return { diagnostics: [...diagnostics, errorDiagnostic(e)] };
  }
  const { start, also } = normaliseBuild(built);
  if (!start) {
    diagnostics.push(diag("DSL_ERROR", "", `build() of "${source.name}" must return the first state (or a chain)`, { source: source.site }));
    return { diagnostics };
  }
  const graph = collectStates(start, also);
  for (const d of graph.duplicates) {
    diagnostics.push(
      diag("DSL_DUPLICATE_STATE_NAME", pointerOf("States", d.name), `two different states are named "${d.name}": ${formatLocation(d.first)} and ${formatLocation(d.second)}`, {
        source: d.second,
        hint: "give one of them another name",
      }),
    );
  }

  const states: Record<string, State> = {};
  const sourceMap = new Map<string, SourceLocation>();
  for (const s of graph.states) {
    try {
      states[s.name] = s.render();
    } catch (e) {
      diagnostics.push(errorDiagnostic(e, pointerOf("States", s.name)));
      continue;
    }
    mapSources(s, sourceMap);
  }
  const definition: FlowDefinition = { ...(source.comment ? { Comment: source.comment } : {}), StartAt: start.name, States: states };

  const schema = loadSchema(source, flowFile, diagnostics);
  const functions = new Set<string>();
  const envRefs = new Set<string>();
  for (const text of stringsOf([definition, schema.schema ?? {}])) {
    if (text.includes("${")) for (const m of text.matchAll(PLACEHOLDER)) (m[1] === "function" ? functions : envRefs).add(m[2]!);
  }

  const flow: CompiledFlow = {
    name: source.name,
    title: source.title,
    keywords: source.keywords ?? [],
    definition,
    inputSchema: schema.schema ?? {},
    sourceMap,
    functions: [...functions].sort(),
    envRefs: [...envRefs].sort(),
  };
  if (source.subtitle !== undefined) flow.subtitle = source.subtitle;
  if (source.description !== undefined) flow.description = source.description;
  if (schema.file) flow.schemaFile = schema.file;
  return { flow, diagnostics };
}

/**
 * Every string (member names too) in JSON data, iteratively. The placeholders a definition
 * uses are found in its strings, not in a JSON text of it (17 MB for 60,000 states); a
 * placeholder has no character JSON escapes, so the two find the same.
 */
function* stringsOf(roots: unknown[]): Generator<string> {
  const stack = [...roots];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") yield v;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        yield k;
        stack.push(x);
      }
    }
  }
}

function normaliseBuild(built: unknown): { start?: BaseState; also: BaseState[] } {
  if (isState(built) || isChain(built)) return { start: startOf(built), also: [] };
  if (built && typeof built === "object" && "start" in built) {
    const b = built as { start: unknown; also?: unknown };
    if (!isState(b.start) && !isChain(b.start)) return { also: [] };
    return { start: startOf(b.start), also: Array.isArray(b.also) ? b.also.filter(isState) : [] };
  }
  return { also: [] };
}

function mapSources(s: BaseState, map: Map<string, SourceLocation>): void {
  if (s.site) map.set(pointerOf("States", s.name), s.site);
  const catches = (s as { catchEdges?: readonly CatchEdge[] }).catchEdges;
  catches?.forEach((c, i) => c.site && map.set(pointerOf("States", s.name, "Catch", i), c.site));
  const rules = (s as { ruleSites?: (SourceLocation | undefined)[] }).ruleSites;
  rules?.forEach((site, i) => site && map.set(pointerOf("States", s.name, "Choices", i), site));
}

function loadSchema(source: AnyFlowSource, flowFile: string | undefined, diagnostics: Diagnostic[]): { schema?: InputSchema; file?: string } {
  if (source.inputSchema && typeof source.inputSchema === "object") return { schema: source.inputSchema };
  const rel = typeof source.inputSchema === "string" ? source.inputSchema : `../schemas/${source.name}.json`;
  const file = flowFile ? resolve(dirname(flowFile), rel) : resolve(rel);
  const doc = readDocumentFile(file);
  diagnostics.push(...doc.diagnostics.map((d) => ({ ...d, message: `input schema: ${d.message}` })));
  if (!doc.ok) return { file };
  return { schema: doc.value as InputSchema, file };
}

function errorDiagnostic(e: unknown, pointer = ""): Diagnostic {
  if (e instanceof FlowSourceError) {
    const extra: { source?: SourceLocation } = {};
    if (e.location) extra.source = e.location;
    return diag("DSL_ERROR", pointer, e.message, extra);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const loc = firstUserFrame(err);
  return diag("DSL_ERROR", pointer, `building the flow threw: ${err.message}`, loc ? { source: loc } : {});
}

function firstUserFrame(err: Error): SourceLocation | undefined {
  for (const line of err.stack?.split("\n").slice(1) ?? []) {
    // A flow loaded from the flow module cache: its frames name the cached module.
    const g = /\(?(file:\/\/[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    const mapped = g ? originalPosition(g[1]!, Number(g[2]), Number(g[3])) : undefined;
    if (mapped && /\.flow\.[cm]?[tj]s$/.test(mapped.file)) return mapped;
    const m = /\(?(?:file:\/\/)?([^()\s]+\.flow\.[cm]?[tj]s):(\d+):(\d+)\)?$/.exec(line.trim());
    if (m) return { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Attach the DSL call site of the nearest mapped ancestor pointer. */
export function locate(d: Diagnostic, map: Map<string, SourceLocation>): Diagnostic {
  if (d.source) return d;
  let p = d.pointer;
  for (;;) {
    const loc = map.get(p);
    if (loc) return { ...d, source: loc };
    if (p === "") return d;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}
