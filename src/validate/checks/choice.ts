/** Choice rules (§1.6.4): one operator per rule, Next only at the top level, operands of the right type. */
import { COMPARISON_OPERATORS, type ComparisonOperator } from "../../definition/types.js";
import { pointerOf } from "../../definition/diagnostics.js";
import { isRfc3339 } from "./state-structure.js";
import { closest, isObject, type Check, type CheckContext } from "../context.js";

const OPERATORS = new Set(Object.keys(COMPARISON_OPERATORS));
const COMBINATORS = ["And", "Or", "Not"];

export const checkChoice: Check = (ctx) => {
  for (const entry of ctx.states) {
    if (entry.type !== "Choice" || !Array.isArray(entry.state.Choices)) continue;
    entry.state.Choices.forEach((rule, i) => checkRule(ctx, entry.name, rule, ctx.statePointer(entry.name, "Choices", i), true));
  }
};

function checkRule(ctx: CheckContext, state: string, rule: unknown, ptr: string, topLevel: boolean): void {
  if (!isObject(rule)) {
    ctx.report("STATE_FIELD_TYPE", ptr, `a Choice rule of "${state}" must be an object`);
    return;
  }
  const keys = Object.keys(rule);
  const ops = keys.filter((k) => OPERATORS.has(k) || COMBINATORS.includes(k));
  if (topLevel && rule.Next === undefined) {
    ctx.report("CHOICE_RULE_NEXT_MISSING", ptr, `a top-level rule of Choice "${state}" has no Next`, { hint: 'add "Next": "<state>" to the rule' });
  } else if (topLevel && typeof rule.Next !== "string") {
    ctx.report("STATE_FIELD_TYPE", ptr + "/Next", `Next of a rule in Choice "${state}" must be a state name, got ${JSON.stringify(rule.Next)}`);
  }
  if (!topLevel && rule.Next !== undefined) {
    ctx.report("CHOICE_NESTED_NEXT", ptr + "/Next", `a rule nested in And/Or/Not of "${state}" has Next`, { hint: "only the top-level rule transitions; remove this Next" });
  }
  for (const k of keys) {
    if (k === "Next" || k === "Variable" || k === "Comment" || ops.includes(k)) continue;
    const guess = closest(k, [...OPERATORS, ...COMBINATORS]);
    ctx.report("CHOICE_RULE_OPERATOR", ptr + pointerOf(k), `unknown field "${k}" in a Choice rule of "${state}"`, {
      hint: guess ? `did you mean "${guess}"?` : "a rule has Variable plus one comparison operator, or And/Or/Not",
    });
  }
  if (ops.length !== 1) {
    ctx.report("CHOICE_RULE_OPERATOR", ptr, `a Choice rule of "${state}" has ${ops.length === 0 ? "no operator" : `${ops.length} operators (${ops.join(", ")})`}; it needs exactly one`, {
      hint: 'e.g. {"Variable": "$.status", "StringEquals": "done", "Next": "Finish"}',
    });
    return;
  }
  const op = ops[0]!;
  if (op === "And" || op === "Or") {
    if (rule.Variable !== undefined) ctx.report("CHOICE_RULE_OPERATOR", ptr + "/Variable", `a ${op} rule of "${state}" must not have Variable`);
    const inner = rule[op];
    if (!Array.isArray(inner) || inner.length === 0) {
      ctx.report("CHOICE_RULE_OPERATOR", ptr + "/" + op, `${op} in "${state}" must be a non-empty array of rules`);
      return;
    }
    inner.forEach((r, i) => checkRule(ctx, state, r, `${ptr}/${op}/${i}`, false));
    return;
  }
  if (op === "Not") {
    if (rule.Variable !== undefined) ctx.report("CHOICE_RULE_OPERATOR", ptr + "/Variable", `a Not rule of "${state}" must not have Variable`);
    checkRule(ctx, state, rule.Not, ptr + "/Not", false);
    return;
  }
  if (rule.Variable === undefined) {
    ctx.report("CHOICE_VARIABLE_MISSING", ptr, `the ${op} rule of "${state}" has no Variable`, { hint: 'add "Variable": "$.path.to.value"' });
  } else if (typeof rule.Variable !== "string") {
    ctx.report("CHOICE_OPERAND_TYPE", ptr + "/Variable", `Variable of a rule in "${state}" must be a JSONPath string`);
  }
  const kind = COMPARISON_OPERATORS[op as ComparisonOperator];
  const v = rule[op];
  const ok =
    kind === "string" ? typeof v === "string"
    : kind === "number" ? typeof v === "number"
    : kind === "boolean" ? typeof v === "boolean"
    : kind === "timestamp" ? typeof v === "string" && isRfc3339(v)
    : typeof v === "string";
  if (!ok) {
    const want = kind === "timestamp" ? "an RFC 3339 date-time string" : kind === "path" ? "a JSONPath string" : `a ${kind}`;
    ctx.report("CHOICE_OPERAND_TYPE", ptr + "/" + op, `${op} in "${state}" needs ${want}, got ${JSON.stringify(v)}`);
  }
}
