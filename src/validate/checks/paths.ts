/**
 * JSONPath syntax of every *Path field, Choice Variable and `.$` value; ResultPath must
 * name one writable location (not a wildcard, not inside the read-only `$._context`).
 */
import { compileJsonPath, isDefinitePath } from "../../expr/jsonpath.js";
import { walkParameters } from "../../definition/parameters.js";
import { pointerOf } from "../../definition/diagnostics.js";
import { isObject, type Check, type CheckContext } from "../context.js";

const STATE_PATH_FIELDS = ["InputPath", "ResultPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath"];

export function checkPathSyntax(ctx: CheckContext, text: unknown, pointer: string, what: string): boolean {
  if (typeof text !== "string") return false;
  const parsed = compileJsonPath(text);
  if (!parsed.ok) {
    ctx.report("JSONPATH_SYNTAX", pointer, `${what} is not a valid JSONPath: ${parsed.error.message} (in ${JSON.stringify(text)} at offset ${parsed.error.offset})`, {
      hint: text.startsWith("$") ? "paths look like $.input.source.path or $.items[0].name" : `paths start with "$." — did you mean "$.${text.replace(/^\.*/, "")}"?`,
    });
    return false;
  }
  return true;
}

function checkResultPath(ctx: CheckContext, text: unknown, pointer: string, what: string): void {
  if (!checkPathSyntax(ctx, text, pointer, what)) return;
  const parsed = compileJsonPath(text as string);
  if (!parsed.ok) return;
  const segs = parsed.value.segments;
  if (!isDefinitePath(parsed.value)) {
    ctx.report("RESULT_PATH_INVALID", pointer, `${what} ${JSON.stringify(text)} selects several locations; a result can only be written to one`, { hint: "remove wildcards, slices and '..'" });
  } else if (segs[0]?.kind === "key" && segs[0].name === "_context") {
    ctx.report("RESULT_PATH_INVALID", pointer, `${what} ${JSON.stringify(text)} writes into $._context, which is read-only`, { hint: "write to another key, e.g. $.context_copy" });
  }
}

export const checkPaths: Check = (ctx) => {
  for (const { name, state } of ctx.states) {
    for (const field of STATE_PATH_FIELDS) {
      if (state[field] === undefined) continue;
      const ptr = ctx.statePointer(name, field);
      if (field === "ResultPath") checkResultPath(ctx, state[field], ptr, `ResultPath of "${name}"`);
      else if (checkPathSyntax(ctx, state[field], ptr, `${field} of "${name}"`) && field !== "InputPath") checkSingle(ctx, state[field] as string, ptr, `${field} of "${name}"`);
    }
    if (Array.isArray(state.Catch)) {
      state.Catch.forEach((c, i) => {
        if (isObject(c) && c.ResultPath !== undefined) checkResultPath(ctx, c.ResultPath, ctx.statePointer(name, "Catch", i, "ResultPath"), `Catch[${i}].ResultPath of "${name}"`);
      });
    }
    if (Array.isArray(state.Choices)) state.Choices.forEach((r, i) => checkRulePaths(ctx, name, r, ctx.statePointer(name, "Choices", i)));
    if (state.Parameters !== undefined) {
      walkParameters(state.Parameters, ctx.statePointer(name, "Parameters"), (v) => {
        if (v.kind === "path" && typeof v.value === "string") checkPathSyntax(ctx, v.value, v.pointer, `"${v.rawKey}" in "${name}"`);
      });
    }
  }
};

function checkRulePaths(ctx: CheckContext, state: string, rule: unknown, ptr: string): void {
  if (!isObject(rule)) return;
  for (const [k, v] of Object.entries(rule)) {
    if (k === "Variable" || (k.endsWith("Path") && typeof v === "string")) {
      if (checkPathSyntax(ctx, v, ptr + pointerOf(k), `${k} in a rule of "${state}"`)) checkSingle(ctx, v as string, ptr + pointerOf(k), `${k} in a rule of "${state}"`);
    }
  }
  if (Array.isArray(rule.And)) rule.And.forEach((r, i) => checkRulePaths(ctx, state, r, `${ptr}/And/${i}`));
  if (Array.isArray(rule.Or)) rule.Or.forEach((r, i) => checkRulePaths(ctx, state, r, `${ptr}/Or/${i}`));
  if (rule.Not !== undefined) checkRulePaths(ctx, state, rule.Not, `${ptr}/Not`);
}

/** Wait durations, Fail fields and Choice operands read one value. */
function checkSingle(ctx: CheckContext, text: string, pointer: string, what: string): void {
  const parsed = compileJsonPath(text);
  if (parsed.ok && !isDefinitePath(parsed.value)) {
    ctx.report("PATH_NOT_SINGLE", pointer, `${what} ${JSON.stringify(text)} can select several values; it must name exactly one`, { hint: "remove wildcards, slices, unions, filters and '..'" });
  }
}
