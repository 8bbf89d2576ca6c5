/**
 * Compiled flow modules, cached by content hash. Loading a flow through tsx costs ~400 ms
 * of a `flowsmith validate x.flow.ts` (tsx's loader hooks and its esbuild service); a flow
 * file is one TypeScript module whose runtime imports are packages (`flowsmith`) and type
 * imports (erased), so it is transpiled once with the esbuild that tsx ships and kept as
 * `node_modules/.cache/flowsmith/flows/<name>-<hash>.mjs` beside the project's packages
 * (bare imports resolve from there). Relative imports are rewritten to absolute URLs; a
 * flow with a relative runtime import of another TypeScript file is not cached (tsx loads
 * it). A source map beside it (read only for a diagnostic) keeps locations on the .flow.ts lines.
 *
 * A flow `flowsmith import` writes is JavaScript already (no type syntax), so it is cached
 * as written, without esbuild (whose service copies a generated 15 MB module and its map
 * through a worker and a child process: ~2 s and ~130 MB of a 60,000-state import): only
 * the import lines change and every line and column stays, which a `.lines` marker beside
 * it says instead of a map.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { registerSameLines, registerSourceMap } from "../dsl/callsite.js";
import { writeLines } from "./write-lines.js";

const require = createRequire(import.meta.url);

interface Esbuild {
  version: string;
  transform(code: string, opts: Record<string, unknown>): Promise<{ code: string; map: string }>;
}

let esbuild: Esbuild | null | undefined;
function loadEsbuild(): Esbuild | null {
  if (esbuild !== undefined) return esbuild;
  try {
    // tsx's own esbuild, resolved from tsx so it is the one tsx would use.
    esbuild = createRequire(require.resolve("tsx/package.json"))("esbuild") as Esbuild;
  } catch {
    esbuild = null;
  }
  return esbuild;
}

function nodeModulesOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const nm = join(dir, "node_modules");
    if (existsSync(nm) && statSync(nm).isDirectory()) return nm;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `flowsmith` or `flowsmith/<subpath>` as Node resolves it from `file`: the package in a
 * node_modules above it, or the package the file is inside of (self-reference), through
 * its "exports" (import condition).
 */
function resolveFlowsmith(spec: string, file: string): string | undefined {
  const sub = spec === "flowsmith" ? "." : `./${spec.slice("flowsmith/".length)}`;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const pkgDir of [join(dir, "node_modules", "flowsmith"), dir]) {
      const pj = join(pkgDir, "package.json");
      if (!existsSync(pj)) continue;
      let pkg: { name?: string; exports?: Record<string, string | { import?: string; default?: string }> };
      try {
        pkg = JSON.parse(readFileSync(pj, "utf8"));
      } catch {
        continue;
      }
      if (pkg.name !== "flowsmith") continue;
      const entry = pkg.exports?.[sub];
      const target = typeof entry === "string" ? entry : (entry?.import ?? entry?.default);
      return target ? pathToFileURL(join(pkgDir, target)).href : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Rewrite relative specifiers to file URLs, and `flowsmith` (and its subpaths) to the
 * package tsx would find from the flow file; undefined
 * when a relative import names TypeScript (tsx must load it).
 */
function absolutize(code: string, file: string): string | undefined {
  let ok = true;
  // Static imports and re-exports only where a statement starts (esbuild puts them at column
  // 0; a clause may span lines, as Prettier writes long ones), so a string such as "ported
  // from 'flowsmith'" in a Comment is never rewritten; dynamic import() wherever it is.
  const out = code.replace(/(^(?:import|export)\b[^;"'`]*?\bfrom\s*|^import\s*|\bimport\s*\(\s*)(["'])([^"'\n]+)\2/gm, (all, lead: string, q: string, spec: string) => {
    if (spec === "flowsmith" || spec.startsWith("flowsmith/")) {
      const url = resolveFlowsmith(spec, file);
      if (!url) ok = false;
      return url ? `${lead}${q}${url}${q}` : all;
    }
    if (!/^\.\.?\//.test(spec)) return all;
    const target = resolve(dirname(file), spec);
    if (/\.[cm]?ts$/.test(target) || !existsSync(target)) {
      ok = false;
      return all;
    }
    return `${lead}${q}${pathToFileURL(target).href}${q}`;
  });
  return ok ? out : undefined;
}

/**
 * Where the module of `file` with this content is cached, when it can be. The content is
 * its text, its UTF-8 bytes or its lines (joined with "\n"): the same key.
 */
function entryOf(file: string, source: string | Uint8Array | readonly string[]): { dir: string; out: string } | undefined {
  if (process.env.FLOWSMITH_NO_FLOW_CACHE) return undefined;
  const nm = nodeModulesOf(file);
  const es = loadEsbuild();
  if (!nm || !es) return undefined;
  const h = createHash("sha256").update(file).update("\0");
  if (typeof source === "string" || source instanceof Uint8Array) h.update(source);
  else source.forEach((line, i) => (i ? h.update("\n").update(line) : h.update(line)));
  const hash = h.update(es.version).update("v2").digest("hex").slice(0, 20);
  const dir = join(nm, ".cache", "flowsmith", "flows");
  return { dir, out: join(dir, `${basename(file).replace(/\.[cm]?ts$/, "")}-${hash}.mjs`) };
}

/** A module with its map or its same-lines marker (a module without either is rewritten). */
const isCached = (out: string) => existsSync(out) && (existsSync(`${out}.map`) || existsSync(`${out}.lines`));

/** Write an entry (the module as text or lines): the map (or the marker) first, then the module, each by rename; older versions of the flow go. */
function writeEntry(dir: string, out: string, code: string | readonly string[], map: string | undefined): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    // The map goes beside the module without a sourceMappingURL, so Node does not parse it
    // at load (megabytes for a big generated flow); callSite reads it when a diagnostic needs it.
    const side = map === undefined ? ".lines" : ".map";
    writeFileSync(`${tmp}${side}`, map ?? "");
    renameSync(`${tmp}${side}`, `${out}${side}`);
    if (typeof code === "string") writeFileSync(tmp, code);
    else writeLines(tmp, code);
    renameSync(tmp, out);
    // Older versions of this flow are dead weight (another flow of the same file name only recompiles).
    const stem = basename(out).replace(/-[0-9a-f]+\.mjs$/, "-");
    for (const f of readdirSync(dir)) if (f.startsWith(stem) && /-[0-9a-f]{20}\.mjs(\.map|\.lines)?$/.test(f) && !join(dir, f).startsWith(out)) rmSync(join(dir, f), { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Cache `lines` (joined with "\n"), the content of `file` and JavaScript already (no
 * TypeScript syntax, as `flowsmith import` writes it), as the module of `file`, line for
 * line; a later load of that content needs no transpile. False when it cannot be cached (a
 * load then transpiles). Each piece is rewritten alone: an import is never split across two.
 */
export function cacheJavaScriptFlow(file: string, lines: readonly string[]): boolean {
  const entry = entryOf(file, lines);
  if (!entry) return false;
  if (isCached(entry.out)) return true;
  const code: string[] = [];
  for (const line of lines) {
    const rewritten = absolutize(line, file);
    if (rewritten === undefined) return false;
    code.push(rewritten);
  }
  return writeEntry(entry.dir, entry.out, code, undefined);
}

/**
 * The cached module of `file`, whose content is `bytes` (UTF-8), transpiled now on a miss;
 * undefined when it cannot be cached. Apart from the import, so a caller can let go of the
 * bytes before it imports the module. esbuild's asynchronous transform: the synchronous one
 * runs its service in a worker thread, which holds copies of the source, the code and the
 * map (~100 MB more for a 16 MB generated flow).
 */
export async function cachedFlowModule(file: string, bytes: Uint8Array): Promise<string | undefined> {
  const entry = entryOf(file, bytes);
  if (!entry) return undefined;
  const { dir, out } = entry;
  if (!isCached(out)) {
    const es = loadEsbuild()!;
    const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    let code: string;
    let map: string;
    try {
      const r = await es.transform(source, { loader: "ts", format: "esm", target: "node20", sourcemap: "external", sourcefile: file, sourcesContent: false });
      code = r.code;
      map = r.map;
    } catch {
      return undefined; // a syntax error: tsx reports it with its location
    }
    const rewritten = absolutize(code, file);
    if (rewritten === undefined || !writeEntry(dir, out, rewritten, map)) return undefined;
  }
  return out;
}

/** Import a module cachedFlowModule returned for `file`. */
export async function importFlowModule(file: string, out: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(out).href;
  // The DSL's call sites then name the .flow.ts lines, as under tsx.
  if (existsSync(`${out}.map`)) registerSourceMap(url, () => JSON.parse(readFileSync(`${out}.map`, "utf8")) as object);
  else registerSameLines(url, file);
  return (await import(url)) as Record<string, unknown>;
}

