/** Test helpers: parse-or-throw and a compact s-expression rendering of syntax trees. */
import {
  compileExpression,
  evaluateExpression,
  parseExpression,
  type ComprehensionClause,
  type EvaluateOptions,
  type Expr,
  type SyntaxProblem,
  type Target,
} from "../../src/expr/index.js";

export function parse(src: string): Expr {
  const r = compileExpression(src);
  if (!r.ok) throw new Error(`parse failed at ${r.error.offset}: ${r.error.message}`);
  return r.value;
}

/** The syntax problem of a text that must not parse. */
export function problem(src: string): SyntaxProblem {
  const r = parseExpression(src);
  if (r.ok) throw new Error(`expected ${JSON.stringify(src)} not to parse`);
  return r.error;
}

function target(t: Target, top: boolean): string {
  if (t.kind === "name") return t.name;
  if (t.kind === "starred") return `*${target(t.target, false)}`;
  const inner = t.elements.map((x) => target(x, false)).join(",") + (t.elements.length === 1 ? "," : "");
  return top ? inner : `(${inner})`;
}

function clauses(cs: readonly ComprehensionClause[]): string {
  return cs
    .map((c) => ` for ${c.target ? target(c.target, true) : c.targets.join(",")} in ${sexp(c.iter)}${c.conditions.map((x) => ` if ${sexp(x)}`).join("")}`)
    .join("");
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
    case "Set":
      return `(set ${e.elements.map(sexp).join(" ")})`;
    case "Starred":
      return `*${sexp(e.value)}`;
    case "FString":
      return `(f ${e.parts
        .map((p) => (typeof p === "string" ? JSON.stringify(p) : `{${sexp(p.value)}${p.conversion ? "!" + p.conversion : ""}${p.spec ? ":" + sexp(p.spec) : ""}}`))
        .join(" ")})`;
    case "Dict":
      return `{${e.entries.map((x) => (x.key === null ? `**${sexp(x.value)}` : `${sexp(x.key)}: ${sexp(x.value)}`)).join(", ")}}`;
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
      return `(call ${sexp(e.callee)}${e.args.map((a) => " " + sexp(a)).join("")}${e.kwargs.map((k) => (k.name === null ? ` **${sexp(k.value)}` : ` ${k.name}=${sexp(k.value)}`)).join("")})`;
    case "Index":
      return `(index ${sexp(e.object)} ${sexp(e.index)})`;
    case "Slice": {
      const s = (x: Expr | null): string => (x === null ? "_" : sexp(x));
      return `(slice ${sexp(e.object)} ${s(e.lower)} ${s(e.upper)} ${s(e.step)})`;
    }
    case "ListComp":
      return `(listcomp ${sexp(e.element)}${clauses(e.clauses)})`;
    case "SetComp":
      return `(setcomp ${sexp(e.element)}${clauses(e.clauses)})`;
    case "DictComp":
      return `(dictcomp ${sexp(e.key)}: ${sexp(e.value)}${clauses(e.clauses)})`;
  }
}
