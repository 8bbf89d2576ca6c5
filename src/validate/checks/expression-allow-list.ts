/**
 * Warn about expression functions, methods and constructs outside the allow-list of what
 * Globus documents or public definitions use (src/expr/allow-list.ts): they run locally but
 * may be rejected by the service.
 */
import { childrenOf, type Expr } from "../../expr/ast.js";
import { EXPRESSION_ALLOW_LIST, UNDOCUMENTED_CONSTRUCTS } from "../../expr/allow-list.js";
import { compileExpression } from "../../expr/index.js";
import { walkParameters } from "../../definition/parameters.js";
import type { Check } from "../context.js";

function outside(e: Expr, found: Set<string>): void {
  if (e.type === "Call") {
    const c = e.callee;
    const name = c.type === "Name" ? c.name : c.type === "Attribute" ? c.name : undefined;
    if (name !== undefined && !EXPRESSION_ALLOW_LIST[name]) found.add(c.type === "Name" ? `${name}()` : `.${name}()`);
  }
  const construct = UNDOCUMENTED_CONSTRUCTS[e.type];
  if (construct) found.add(construct);
  for (const child of childrenOf(e)) outside(child, found);
}

// The same `.=` strings recur across definitions and builds: remember each one's findings.
const findings = new Map<string, string[]>();
function outsideOf(src: string, e: Expr): string[] {
  let f = findings.get(src);
  if (!f) {
    const found = new Set<string>();
    outside(e, found);
    f = [...found];
    if (findings.size > 4096) findings.clear();
    findings.set(src, f);
  }
  return f;
}

export const checkExpressionAllowList: Check = (ctx) => {
  for (const { name, state } of ctx.states) {
    if (state.Parameters === undefined) continue;
    walkParameters(state.Parameters, ctx.statePointer(name, "Parameters"), (v) => {
      if (v.kind !== "expression" || typeof v.value !== "string") return;
      const parsed = compileExpression(v.value);
      if (!parsed.ok) return;
      const found = outsideOf(v.value, parsed.value);
      if (found.length === 0) return;
      ctx.report("EXPRESSION_UNDOCUMENTED", v.pointer, `expression "${v.rawKey}" in "${name}" uses ${found.join(", ")}, which Globus does not document and no public flow is seen to use`, {
        hint: `it runs locally but may fail on Globus; documented or seen: ${Object.keys(EXPRESSION_ALLOW_LIST).filter((k) => EXPRESSION_ALLOW_LIST[k]!.kind !== "construct").join(", ")} (src/expr/allow-list.ts)`,
      });
    });
  }
};
