/**
 * Parameters objects: `x`/`x.$`/`x.=` collisions, non-string reference values, the syntax
 * of `.=` expressions (through the real expression parser) and __Private_Parameters.
 */
import { compileExpression } from "../../expr/index.js";
import { PRIVATE_PARAMETERS, splitKey, walkParameters } from "../../definition/parameters.js";
import { pointerOf } from "../../definition/diagnostics.js";
import type { Check, CheckContext } from "../context.js";

export const checkParameters: Check = (ctx) => {
  for (const { name, state } of ctx.states) {
    if (state.Parameters === undefined) continue;
    const root = ctx.statePointer(name, "Parameters");
    checkObject(ctx, name, state.Parameters, root);
    walkParameters(state.Parameters, root, (v) => {
      if (v.kind === "constant" && v.rawKey !== PRIVATE_PARAMETERS) {
        checkObject(ctx, name, v.value, v.pointer);
        return;
      }
      if (v.kind === "constant") return;
      if (typeof v.value !== "string") {
        ctx.report("PARAMETER_VALUE_NOT_STRING", v.pointer, `"${v.rawKey}" in "${name}" must be a ${v.kind === "path" ? "JSONPath" : "expression"} string, got ${JSON.stringify(v.value)}`, {
          hint: `to pass a constant, drop the "${v.rawKey.slice(-2)}" suffix`,
        });
        return;
      }
      if (v.kind === "expression") {
        const parsed = compileExpression(v.value);
        if (!parsed.ok && parsed.error.unsupported) {
          ctx.report("EXPRESSION_UNSUPPORTED", v.pointer, `expression "${v.rawKey}" in "${name}" uses Python that flowsmith does not evaluate: ${parsed.error.message}`, {
            hint: "the Globus service may accept it, but the local runtime cannot run it; rewrite it with the documented operators",
          });
        } else if (!parsed.ok) {
          ctx.report("EXPRESSION_SYNTAX", v.pointer, `expression "${v.rawKey}" in "${name}" does not parse: ${parsed.error.message}\n    ${v.value}\n    ${" ".repeat(parsed.error.offset)}^`, {
            hint: "expressions are Python-like: names of run-state keys, 'strings', + - * /, comparisons, x if c else y, [e for x in xs]",
          });
        }
      }
    });
  }
};

function checkObject(ctx: CheckContext, state: string, obj: unknown, ptr: string): void {
  if (typeof obj !== "object" || obj === null) return;
  if (Array.isArray(obj)) {
    obj.forEach((item, i) => checkObject(ctx, state, item, ptr + pointerOf(i)));
    return;
  }
  const record = obj as Record<string, unknown>;
  const seen = new Map<string, string>();
  for (const rawKey of Object.keys(record)) {
    const { key } = splitKey(rawKey);
    const prev = seen.get(key);
    if (prev !== undefined) {
      ctx.report("PARAMETER_KEY_COLLISION", ptr + pointerOf(rawKey), `"${prev}" and "${rawKey}" in "${state}" both produce the key "${key}"`, { hint: "keep one of them" });
    } else seen.set(key, rawKey);
  }
  if (!(PRIVATE_PARAMETERS in record)) return;
  const priv = record[PRIVATE_PARAMETERS];
  const pptr = ptr + pointerOf(PRIVATE_PARAMETERS);
  if (!Array.isArray(priv) || priv.some((p) => typeof p !== "string")) {
    ctx.report("PRIVATE_PARAMETERS_INVALID", pptr, `${PRIVATE_PARAMETERS} in "${state}" must be an array of key names`, { hint: '"__Private_Parameters": ["password"]' });
    return;
  }
  for (const p of priv as string[]) {
    const bare = splitKey(p).key;
    if (!seen.has(bare)) {
      ctx.report("PRIVATE_PARAMETER_UNKNOWN", pptr, `${PRIVATE_PARAMETERS} in "${state}" names "${p}", which is not a key of this object`, {
        hint: `keys here: ${[...seen.keys()].filter((k) => k !== PRIVATE_PARAMETERS).join(", ")}`,
      });
    }
  }
}
