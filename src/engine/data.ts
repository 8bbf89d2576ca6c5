/**
 * Reading and writing the run state: `.$` references, `.=` expressions, Parameters,
 * ResultPath. Reads see `$._context` without it ever being part of the stored state.
 */
import { compileJsonPath, readPath, writePath, deletePath, PathError, type JsonPath, type ReadResult } from "../expr/jsonpath.js";
import { compileExpression, evaluateExpression, ExpressionError } from "../expr/index.js";
import { PRIVATE_PARAMETERS, splitKey } from "../definition/parameters.js";
import { runtimeError } from "./errors.js";
import type { RunContextValue } from "./types.js";

function withContext(state: unknown, context: RunContextValue): unknown {
  // Only the top level is copied; nested values are shared (no deep clone per step).
  return state && typeof state === "object" && !Array.isArray(state) ? { ...(state as object), _context: context } : { _context: context };
}

/** Read a path from the run state; `$._context…` reads the run context. */
function lookup(state: unknown, path: JsonPath, context: RunContextValue): ReadResult {
  const first = path.segments[0];
  return readPath(first?.kind === "key" && first.name === "_context" ? withContext(state, context) : state, path);
}

export function readRef(state: unknown, path: string, context: RunContextValue): unknown {
  const p = compileJsonPath(path);
  if (!p.ok) throw runtimeError(`invalid JSONPath ${path}: ${p.error.message}`);
  const r = lookup(state, p.value, context);
  if (!r.found) throw runtimeError(`${path} is not in the run state (missing at ${r.missingAt})`);
  return r.value;
}

export function tryReadRef(state: unknown, path: string, context: RunContextValue): { found: boolean; value?: unknown } {
  const p = compileJsonPath(path);
  if (!p.ok) return { found: false };
  const r = lookup(state, p.value, context);
  return r.found ? { found: true, value: r.value } : { found: false };
}

export function evaluate(src: string, state: unknown, context: RunContextValue): unknown {
  const e = compileExpression(src);
  if (!e.ok) throw runtimeError(`expression does not parse: ${e.error.message}: ${src}`);
  const scope = state && typeof state === "object" && !Array.isArray(state) ? (state as Record<string, unknown>) : {};
  try {
    return evaluateExpression(e.value, scope, { context });
  } catch (err) {
    if (err instanceof ExpressionError) throw runtimeError(err.message, { expression: src });
    throw err;
  }
}

/** Evaluate a Parameters template against `input`. */
export function evaluateParameters(template: unknown, input: unknown, context: RunContextValue): unknown {
  if (Array.isArray(template)) return template.map((t) => evaluateParameters(t, input, context));
  if (!template || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [raw, v] of Object.entries(template as Record<string, unknown>)) {
    if (raw === PRIVATE_PARAMETERS) continue;
    const { key, kind } = splitKey(raw);
    if (kind === "path") out[key] = readRef(input, String(v), context);
    else if (kind === "expression") out[key] = evaluate(String(v), input, context);
    else out[key] = evaluateParameters(v, input, context);
  }
  return out;
}

/** Keys of `template` (at any depth) whose values must not appear in status or logs. */
export function privateKeys(template: unknown, prefix = ""): string[] {
  if (!template || typeof template !== "object") return [];
  if (Array.isArray(template)) return template.flatMap((t, i) => privateKeys(t, `${prefix}${i}.`));
  const obj = template as Record<string, unknown>;
  const own = Array.isArray(obj[PRIVATE_PARAMETERS]) ? (obj[PRIVATE_PARAMETERS] as string[]).map((k) => prefix + splitKey(k).key) : [];
  const nested = Object.entries(obj).flatMap(([k, v]) => (k === PRIVATE_PARAMETERS ? [] : privateKeys(v, `${prefix}${splitKey(k).key}.`)));
  return [...own, ...nested];
}

/**
 * `value` without the dotted keys in `hidden` and without top-level `_private…` keys (the
 * run state's private area, globus-flows.md §1.3). Returns `value` itself when nothing is
 * hidden: logging a 200 KB run state on every transition must not copy it.
 */
export function redact(value: unknown, hidden: string[] = []): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  let touched = false;
  for (const k in obj) if (k.startsWith("_private")) touched = true;
  if (!touched && hidden.length === 0) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!k.startsWith("_private") && !hidden.includes(k)) out[k] = hidden.length ? hideNested(v, hidden, `${k}.`) : v;
  return out;
}

function hideNested(value: unknown, hidden: string[], prefix: string): unknown {
  if (!hidden.some((h) => h.startsWith(prefix)) || !value || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => hideNested(v, hidden, `${prefix}${i}.`));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!hidden.includes(prefix + k)) out[k] = hideNested(v, hidden, `${prefix}${k}.`);
  return out;
}

/** Place `result` at `resultPath` (absent = replace the whole state, the Globus default). */
export function place(state: unknown, resultPath: string | undefined, result: unknown): unknown {
  if (resultPath === undefined || resultPath === "$") return result;
  const p = compileJsonPath(resultPath);
  if (!p.ok) throw runtimeError(`invalid ResultPath ${resultPath}`);
  try {
    return writePath(state && typeof state === "object" ? state : {}, p.value, result);
  } catch (e) {
    if (e instanceof PathError) throw runtimeError(`cannot write ResultPath ${resultPath}: ${e.message}`);
    throw e;
  }
}

export function remove(state: unknown, path: string): unknown {
  const p = compileJsonPath(path);
  if (!p.ok) return state;
  return deletePath(state, p.value);
}
