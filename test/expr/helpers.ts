/** Test helpers: parse-or-throw and a compact s-expression rendering of syntax trees. */
import { compileExpression, evaluateExpression, type EvaluateOptions, type Expr } from "../../src/expr/index.js";

export function parse(src: string): Expr {
  const r = compileExpression(src);
  if (!r.ok) throw new Error(`parse failed at ${r.error.offset}: ${r.error.message}`);
  return r.value;
}

export function run(src: string, scope: Record<string, unknown> = {}, ctx?: EvaluateOptions): unknown {
  return evaluateExpression(parse(src), scope, ctx);
}

/** Python-ish prefix rendering that makes precedence and associativity visible. */
export function sexp(e: Expr): string {
  switch (e.type) {
    case "Literal":
      return typeof e.value === "string" ? JSON.stringify(e.value) : e.float && Number.isInteger(e.value) ? `${e.value}.0` : String(e.value);
    case "Name":
      return e.name;
    case "Path":
      return `\`${e.path.text}\``;
    case "List":
      return `[${e.elements.map(sexp).join(" ")}]`;
    case "Dict":
      return `{${e.entries.map((x) => `${sexp(x.key)}: ${sexp(x.value)}`).join(", ")}}`;
    case "Unary":
      return `(${e.op} ${sexp(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sexp(e.left)} ${sexp(e.right)})`;
    case "BoolOp":
      return `(${e.op} ${e.values.map(sexp).join(" ")})`;
    case "Compare":
      return `(cmp ${sexp(e.left)} ${e.ops.map((op, i) => `${op} ${sexp(e.comparators[i]!)}`).join(" ")})`;
    case "Conditional":
      return `(if ${sexp(e.test)} ${sexp(e.body)} ${sexp(e.orelse)})`;
    case "Attribute":
      return `(. ${sexp(e.object)} ${e.name})`;
    case "Call":
      return `(call ${sexp(e.callee)}${e.args.map((a) => " " + sexp(a)).join("")}${e.kwargs.map((k) => ` ${k.name}=${sexp(k.value)}`).join("")})`;
    case "Index":
      return `(index ${sexp(e.object)} ${sexp(e.index)})`;
    case "Slice": {
      const s = (x: Expr | null): string => (x === null ? "_" : sexp(x));
      return `(slice ${sexp(e.object)} ${s(e.lower)} ${s(e.upper)} ${s(e.step)})`;
    }
    case "ListComp":
    case "DictComp": {
      const head = e.type === "ListComp" ? sexp(e.element) : `${sexp(e.key)}: ${sexp(e.value)}`;
      const clauses = e.clauses
        .map((c) => ` for ${c.targets.join(",")} in ${sexp(c.iter)}${c.conditions.map((x) => ` if ${sexp(x)}`).join("")}`)
        .join("");
      return `(${e.type === "ListComp" ? "listcomp" : "dictcomp"} ${head}${clauses})`;
    }
  }
}
