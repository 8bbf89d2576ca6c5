/**
 * Where a builder was called from, so diagnostics about a generated state point at the
 * line of the flow source that made it (tsx's source maps make these TS lines).
 */
import { fileURLToPath } from "node:url";
import { findSourceMap, SourceMap } from "node:module";
import { dirname } from "node:path";
import type { SourceLocation } from "../definition/diagnostics.js";

const HERE = dirname(fileURLToPath(import.meta.url));
// With source maps on (tsx enables them), frames of the compiled dist/src/dsl files are
// reported at their src/dsl sources: skip both.
const DSL_DIRS = [HERE, HERE.replace(/([/\\])dist\1src\1dsl$/, "$1src$1dsl")];

/**
 * The first frame outside the DSL, from V8's structured frames. Its position is resolved
 * (and mapped through the module's source map, tsx's or the flow cache's) only when a
 * diagnostic reads it: V8 finds a frame's line by walking its function's position table,
 * so resolving every builder call of a generated 60,000-state build function up front was
 * quadratic (most of a big import's time went there).
 */
export function callSite(): SourceLocation | undefined {
  // Few frames first (a builder is called from the flow at depth 2-4); the frames are kept
  // until a location is read, so each one captured costs memory in a 60,000-state build.
  return siteWithin(6) ?? siteWithin(32);
}

function siteWithin(depth: number): SourceLocation | undefined {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_e, frames) => frames;
  Error.stackTraceLimit = depth;
  try {
    Error.captureStackTrace(holder, callSite);
    void holder.stack;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  for (const f of (holder.stack ?? []) as NodeJS.CallSite[]) {
    const name = f.getFileName();
    if (!name) continue;
    let file = paths.get(name);
    if (file === undefined) paths.set(name, (file = name.startsWith("file://") ? fileURLToPath(name) : name));
    if (DSL_DIRS.some((d) => file.startsWith(d)) || file.startsWith("node:")) continue;
    // Source maps are registered under the module's URL (with tsx's query, if any).
    const lazy = lazyMaps.get(name);
    if (!lazy && !maps.has(name)) maps.set(name, findSourceMap(name));
    // A module with a source map (a cached flow lives under node_modules/.cache) is judged by its source.
    if (!lazy && !maps.get(name) && file.includes("/node_modules/")) continue;
    return lazyLocation(f);
  }
  return undefined;
}

type Map_ = ReturnType<typeof findSourceMap>;
const maps = new Map<string, Map_>();
/** Source maps read only when a location is asked for (the flow cache registers its modules'). */
// Shared through globalThis: a flow loaded from the cache may bind to another copy of this
// module than the loader registered with (the built package next to the sources under test).
const REGISTRY = Symbol.for("flowsmith.callsite.sourceMaps");
const lazyMaps: Map<string, () => Map_> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map()) as Map<string, () => Map_>;

/** Register the source map of a generated module (by URL), read on first use. */
export function registerSourceMap(url: string, load: () => object): void {
  let m: Map_ | null = null;
  lazyMaps.set(url, () => (m ??= new SourceMap(load() as ConstructorParameters<typeof SourceMap>[0])));
}

/**
 * Register a generated module (by URL) that keeps every line and column of `file` (a flow
 * cached as it was written: JavaScript already), so its frames name `file` without a map.
 */
export function registerSameLines(url: string, file: string): void {
  const same = { findEntry: (line: number, column: number) => ({ originalSource: file, originalLine: line, originalColumn: column }) };
  lazyMaps.set(url, () => same as unknown as Map_);
}
const paths = new Map<string, string>();

/**
 * A site's frame until a location is read, then the location. Kept under a symbol (not
 * enumerable, so spreads and JSON see only file/line/column) and read by accessors shared by
 * every site: a 60,000-state build captures ~140,000 sites, and per-site closures and
 * property descriptors were most of its heap.
 */
const PENDING = Symbol("flowsmith.callsite.pending");
type LazySite = SourceLocation & { [PENDING]: NodeJS.CallSite | SourceLocation };

function resolveSite(site: LazySite): SourceLocation {
  const frame = site[PENDING];
  if (!("getLineNumber" in frame)) return frame;
  const name = frame.getFileName()!;
  const file = paths.get(name)!;
  const line = frame.getLineNumber() ?? 1;
  const column = frame.getColumnNumber() ?? 1;
  const resolved = throughMap(lazyMaps.get(name)?.() ?? maps.get(name), line, column) ?? { file, line, column };
  site[PENDING] = resolved;
  return resolved;
}

function throughMap(map: Map_, line: number, column: number): SourceLocation | undefined {
  if (!map) return undefined;
  const e = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (!e.originalSource || e.originalLine === undefined || e.originalColumn === undefined) return undefined;
  return { file: e.originalSource.startsWith("file://") ? fileURLToPath(e.originalSource) : e.originalSource, line: e.originalLine + 1, column: e.originalColumn + 1 };
}

/**
 * A 1-based position in a module registered here (a flow loaded from the flow module
 * cache), as the position in its source; undefined for any other module. For stack
 * traces, which name the cached module (its map is not given to Node).
 */
export function originalPosition(url: string, line: number, column: number): SourceLocation | undefined {
  const load = lazyMaps.get(url);
  return load ? throughMap(load(), line, column) : undefined;
}

const SITE_PROPERTIES: PropertyDescriptorMap = {
  file: { enumerable: true, get(this: LazySite) { return resolveSite(this).file; } },
  line: { enumerable: true, get(this: LazySite) { return resolveSite(this).line; } },
  column: { enumerable: true, get(this: LazySite) { return resolveSite(this).column; } },
};

/** `frame` is of a file siteWithin has put in `paths`. */
function lazyLocation(frame: NodeJS.CallSite): SourceLocation {
  const loc = Object.defineProperty({}, PENDING, { value: frame, writable: true }) as LazySite;
  return Object.defineProperties(loc, SITE_PROPERTIES);
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : "<unknown location>";
}

/** An error in a flow source, located at the builder call that caused it. */
export class FlowSourceError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation | undefined,
    readonly related: (SourceLocation | undefined)[] = [],
  ) {
    super(message);
    this.name = "FlowSourceError";
  }
}
