/**
 * Choice rules (globus-flows.md §1.6.4): first matching rule wins. A Variable that is not
 * in the run state makes a comparison false (flows test with IsPresent first); only
 * IsPresent looks at presence itself.
 */
import type { ChoiceRule, ChoiceState } from "../definition/types.js";
import { tryReadRef } from "./data.js";
import type { RunContextValue } from "./types.js";

export function chooseNext(state: ChoiceState, doc: unknown, context: RunContextValue): string | undefined {
  for (const r of state.Choices) if (matches(r, doc, context)) return r.Next;
  return state.Default;
}

function globMatch(pattern: string, value: string): boolean {
  // `*` matches any run of characters; `\*` is a literal star (ASL StringMatches).
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && pattern[i + 1] === "*") {
      re += "\\*";
      i++;
    } else if (c === "*") re += ".*";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(re + "$", "s").test(value);
}

const isTimestamp = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));

export function matches(rule: ChoiceRule, doc: unknown, context: RunContextValue): boolean {
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r.And)) return (r.And as ChoiceRule[]).every((x) => matches(x, doc, context));
  if (Array.isArray(r.Or)) return (r.Or as ChoiceRule[]).some((x) => matches(x, doc, context));
  if (r.Not !== undefined) return !matches(r.Not as ChoiceRule, doc, context);
  const v = tryReadRef(doc, String(r.Variable), context);
  for (const [op, raw] of Object.entries(r)) {
    if (op === "Variable" || op === "Next" || op === "Comment") continue;
    if (op === "IsPresent") return v.found === raw;
    if (!v.found) return false;
    const x = v.value;
    if (op === "IsNull") return (x === null) === raw;
    if (op === "IsNumeric") return (typeof x === "number") === raw;
    if (op === "IsString") return (typeof x === "string") === raw;
    if (op === "IsBoolean") return (typeof x === "boolean") === raw;
    if (op === "IsTimestamp") return isTimestamp(x) === raw;
    let operand = raw;
    let base = op;
    if (op.endsWith("Path")) {
      const o = tryReadRef(doc, String(raw), context);
      if (!o.found) return false;
      operand = o.value;
      base = op.slice(0, -4);
    }
    return compare(base, x, operand);
  }
  return false;
}

function compare(op: string, x: unknown, y: unknown): boolean {
  if (op === "StringMatches") return typeof x === "string" && typeof y === "string" && globMatch(y, x);
  if (op.startsWith("String")) {
    if (typeof x !== "string" || typeof y !== "string") return false;
    return order(op.slice(6), x < y ? -1 : x > y ? 1 : 0);
  }
  if (op.startsWith("Numeric")) {
    if (typeof x !== "number" || typeof y !== "number") return false;
    return order(op.slice(7), x - y);
  }
  if (op.startsWith("Boolean")) return typeof x === "boolean" && x === y;
  if (op.startsWith("Timestamp")) {
    if (!isTimestamp(x) || !isTimestamp(y)) return false;
    return order(op.slice(9), Date.parse(x as string) - Date.parse(y as string));
  }
  return false;
}

function order(rel: string, d: number): boolean {
  switch (rel) {
    case "Equals": return d === 0;
    case "LessThan": return d < 0;
    case "GreaterThan": return d > 0;
    case "LessThanEquals": return d <= 0;
    case "GreaterThanEquals": return d >= 0;
    default: return false;
  }
}
