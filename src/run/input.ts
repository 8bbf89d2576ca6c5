/**
 * The input document of a run: the flow's rundir mapper applied to a run directory, then
 * --input F merged over it, then --set key=value overrides, in that order.
 */
import { readdirSync, statSync, existsSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { AnyFlowSource, RunDirectory } from "../dsl/flow.js";
import { readDocumentFile } from "../source/document.js";
import { CliError, EXIT } from "../errors.js";

export function scanRunDirectory(dir: string): RunDirectory {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new CliError(`--rundir ${dir} is not a directory`, EXIT.INVALID);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(relative(abs, p));
    }
  };
  walk(abs);
  return { path: abs, name: basename(abs), files: files.sort() };
}

/** Deep merge: objects merge key by key, anything else replaces. */
export function merge(base: unknown, over: unknown): unknown {
  if (over && typeof over === "object" && !Array.isArray(over) && base && typeof base === "object" && !Array.isArray(base)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    // defineProperty: a "__proto__" key of an input document is data, not the object's prototype.
    for (const [k, v] of Object.entries(over)) Object.defineProperty(out, k, { value: merge(Object.hasOwn(out, k) ? out[k] : undefined, v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return over;
}

/** Segments that would address JavaScript object machinery instead of a key. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "prototype", "constructor"]);

/** `a.b.c=value`: the value is JSON when it parses, a string otherwise. */
export function applySet(input: unknown, assignment: string): unknown {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new CliError(`--set ${assignment}: expected key=value (e.g. --set input.prune.alcf_after_days=0)`, EXIT.INVALID);
  const keys = assignment.slice(0, eq).split(".");
  if (keys.some((k) => k === "")) throw new CliError(`--set ${assignment}: empty key segment`, EXIT.INVALID);
  const reserved = keys.find((k) => FORBIDDEN_SEGMENTS.has(k));
  if (reserved) throw new CliError(`--set ${assignment}: "${reserved}" cannot be a key segment`, EXIT.INVALID, "__proto__, prototype and constructor are refused so that no assignment can reach an object's prototype; put such a key in an --input file");
  const raw = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const patch = keys.reduceRight<unknown>((acc, k) => Object.defineProperty({}, k, { value: acc, enumerable: true, writable: true, configurable: true }), value);
  return merge(input, patch);
}

export interface InputSources {
  rundir?: string;
  inputFile?: string;
  set?: string[];
  /** Environment values handed to the rundir mapper. */
  values: Record<string, unknown>;
}

export async function buildInput(flow: AnyFlowSource, src: InputSources): Promise<unknown> {
  let input: unknown = {};
  if (src.rundir) {
    if (!flow.rundir) throw new CliError(`flow ${flow.name} has no rundir mapper, so --rundir cannot be used`, EXIT.INVALID, "pass --input FILE, or add `rundir: (dir, env) => ({...})` to its defineFlow");
    const dir = scanRunDirectory(src.rundir);
    try {
      input = await flow.rundir(dir, src.values);
    } catch (e) {
      throw new CliError(`the rundir mapper of ${flow.name} rejected ${dir.path}: ${(e as Error).message}`, EXIT.INVALID);
    }
  }
  if (src.inputFile) {
    const doc = readDocumentFile(resolve(src.inputFile));
    if (!doc.ok) throw new CliError(doc.diagnostics[0]!.message, EXIT.INVALID);
    input = merge(input, doc.value);
  }
  for (const s of src.set ?? []) input = applySet(input, s);
  return input;
}

/**
 * The largest run input sent: 16 MiB of JSON, the local runtime's request limit (the Flows
 * service refuses large bodies with 413 too, after the upload). FLOWSMITH_MAX_INPUT_BYTES
 * overrides it.
 */
export const DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Refuse an input too large to send (exit 1), before validate_run or a start is attempted. */
export function checkInputSize(input: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const n = Number(env.FLOWSMITH_MAX_INPUT_BYTES);
  const max = Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_INPUT_BYTES;
  const size = Buffer.byteLength(JSON.stringify(input ?? {}), "utf8");
  if (size > max) throw new CliError(`the run input is ${(size / 1024 / 1024).toFixed(1)} MiB of JSON, over the ${(max / 1024 / 1024).toFixed(1)} MiB limit for a run's input`, EXIT.INVALID, "pass large data by reference (a path on a collection) instead of in the input; FLOWSMITH_MAX_INPUT_BYTES sets the limit");
}
