/**
 * Reads of the run input checked against the input schema: a `$.input.sorce` that the
 * schema cannot contain is the typo the service reports only at run time. Deliberately
 * conservative, so real definitions never get a false error: keys that any state writes
 * (ResultPath) are not input, and a state that replaces the whole run state turns the
 * check off.
 */
import { compileJsonPath, type Segment } from "../../expr/jsonpath.js";
import { compileExpression, readAccesses } from "../../expr/index.js";
import { walkParameters } from "../../definition/parameters.js";
import { isObject, type Check, type CheckContext } from "../context.js";

interface Read {
  segments: Segment[];
  text: string;
  pointer: string;
  state: string;
}

const WHOLE_STATE_REPLACERS = new Set(["Action", "CreateWebInput", "AwaitWebInput", "ActionWait"]);

export const checkInputReads: Check = (ctx) => {
  const schema = ctx.options.inputSchema;
  if (!isObject(schema)) return;
  const written = new Set<string>();
  for (const { state, type } of ctx.states) {
    const targets: unknown[] = [state.ResultPath];
    if (Array.isArray(state.Catch)) for (const c of state.Catch) if (isObject(c)) targets.push(c.ResultPath ?? "$");
    if (state.ResultPath === undefined) {
      const replaces = WHOLE_STATE_REPLACERS.has(type) || (type === "Pass" && (state.Parameters !== undefined || state.Result !== undefined || state.InputPath !== undefined));
      if (replaces) return;
    }
    for (const t of targets) {
      if (typeof t !== "string") continue;
      const p = compileJsonPath(t);
      if (!p.ok) continue;
      const first = p.value.segments[0];
      if (!first) return; // "$": the run state is replaced
      if (first.kind === "key") written.add(first.name);
      else return;
    }
  }
  for (const read of collectReads(ctx)) {
    const first = read.segments[0];
    if (!first || first.kind !== "key" || written.has(first.name) || first.name.startsWith("_")) continue;
    const verdict = resolve(schema, schema, read.segments, 0);
    if (verdict.kind !== "missing") continue;
    const where = read.segments.slice(0, verdict.depth).map((s) => (s.kind === "key" ? s.name : "[]")).join(".");
    const msg = `"${read.state}" reads ${read.text}, but the input schema ${verdict.closed ? "does not allow" : "does not declare"} "${verdict.key}"${where ? ` in ${where}` : " at the top level"}`;
    const hint = verdict.suggestions.length ? `declared: ${verdict.suggestions.slice(0, 10).join(", ")}` : "declare it in the input schema";
    if (verdict.closed) ctx.report("INPUT_READ_UNDECLARED", read.pointer, msg, { hint });
    else ctx.report("INPUT_READ_UNKNOWN", read.pointer, msg, { hint, severity: "info" });
  }
};

function collectReads(ctx: CheckContext): Read[] {
  const reads: Read[] = [];
  const addPath = (text: unknown, pointer: string, state: string) => {
    if (typeof text !== "string") return;
    const p = compileJsonPath(text);
    if (p.ok) reads.push({ segments: p.value.segments, text, pointer, state });
  };
  const addExpression = (src: string, pointer: string, state: string) => {
    const e = compileExpression(src);
    if (!e.ok) return;
    // Optional reads (is_present, getattr, dict.get) are how flows probe for keys: not errors.
    for (const access of readAccesses(e.value)) {
      if (access.optional) continue;
      const p = compileJsonPath("$." + access.path);
      if (p.ok) reads.push({ segments: p.value.segments, text: access.path, pointer, state });
    }
  };
  const rule = (r: unknown, ptr: string, state: string) => {
    if (!isObject(r)) return;
    for (const [k, v] of Object.entries(r)) if (k === "Variable" || k.endsWith("Path")) addPath(v, `${ptr}/${k}`, state);
    for (const k of ["And", "Or"]) if (Array.isArray(r[k])) (r[k] as unknown[]).forEach((x, i) => rule(x, `${ptr}/${k}/${i}`, state));
    if (r.Not !== undefined) rule(r.Not, `${ptr}/Not`, state);
  };
  for (const { name, state } of ctx.states) {
    for (const f of ["InputPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath"]) addPath(state[f], ctx.statePointer(name, f), name);
    if (Array.isArray(state.Choices)) state.Choices.forEach((r, i) => rule(r, ctx.statePointer(name, "Choices", i), name));
    if (state.Parameters !== undefined) {
      walkParameters(state.Parameters, ctx.statePointer(name, "Parameters"), (v) => {
        if (typeof v.value !== "string") return;
        if (v.kind === "path") addPath(v.value, v.pointer, name);
        else if (v.kind === "expression") addExpression(v.value, v.pointer, name);
      });
    }
  }
  return reads;
}

type Verdict = { kind: "ok" } | { kind: "missing"; key: string; depth: number; closed: boolean; suggestions: string[] };
const OK: Verdict = { kind: "ok" };

function deref(root: Record<string, unknown>, s: unknown, depth = 0): Record<string, unknown> | undefined {
  if (!isObject(s)) return undefined;
  if (typeof s.$ref === "string" && depth < 20) {
    const ref = s.$ref;
    if (!ref.startsWith("#")) return undefined; // remote refs: not checked offline
    let node: unknown = root;
    for (const part of ref.slice(1).split("/").filter(Boolean)) node = isObject(node) ? node[decodeURIComponent(part.replace(/~1/g, "/").replace(/~0/g, "~"))] : undefined;
    return deref(root, node, depth + 1);
  }
  return s;
}

function resolve(root: Record<string, unknown>, schemaIn: unknown, segs: Segment[], i: number): Verdict {
  const schema = deref(root, schemaIn);
  if (!schema || i >= segs.length) return OK;
  const seg = segs[i]!;
  const branches = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (branches.length) {
    const results = branches.map((b) => resolve(root, b, segs, i));
    if (results.some((r) => r.kind === "ok")) return OK;
    return { ...(results[0] as Verdict & { kind: "missing" }), closed: results.every((r) => r.kind === "missing" && r.closed) };
  }
  if (Array.isArray(schema.allOf)) {
    // A key is available if any conjunct declares it; otherwise the first verdict stands.
    const results = schema.allOf.map((b) => resolve(root, b, segs, i));
    if (results.some((r) => r.kind === "ok") && !("properties" in schema)) return OK;
  }
  if (seg.kind === "key") {
    const props = isObject(schema.properties) ? schema.properties : undefined;
    if (props && seg.name in props) return resolve(root, props[seg.name], segs, i + 1);
    if (isObject(schema.patternProperties)) {
      for (const pat of Object.keys(schema.patternProperties)) {
        try {
          if (new RegExp(pat, "u").test(seg.name)) return OK;
        } catch {
          return OK;
        }
      }
    }
    if (isObject(schema.additionalProperties)) return resolve(root, schema.additionalProperties, segs, i + 1);
    const closed = schema.additionalProperties === false;
    if (!props && !closed) return OK;
    if (Array.isArray(schema.allOf)) return OK;
    return { kind: "missing", key: seg.name, depth: i, closed, suggestions: props ? Object.keys(props) : [] };
  }
  if (seg.kind === "index") {
    if (Array.isArray(schema.items)) return resolve(root, schema.items[seg.index], segs, i + 1);
    if (isObject(schema.items)) return resolve(root, schema.items, segs, i + 1);
    return OK;
  }
  return OK;
}
