/**
 * Public API of the expression module: the JSONPath subset and the Globus `.=` expression
 * language (parse, analyse, evaluate).
 *
 * Where this differs from CPython evaluating the same text (each choice is forced by JSON
 * values or keeps the language to what flows can use):
 * - ints are JS doubles (exact to 2^53); a JSON input number written `1.0` is an int,
 *   because JSON.parse erases the difference. Floats produced by expressions are tracked,
 *   so `str(10 / 2)` is "5.0".
 * - tuples `(a, b)`, `a, b` are lists; `'%s %s' % [a, b]` therefore takes the list as the
 *   arguments.
 * - sets `{a, b}`, `{x for x in xs}` are lists without duplicates (Python equality, so 1,
 *   1.0 and True are one element) in first-occurrence order, where CPython's order is
 *   hash order; lists and dicts in a set are unhashable (TypeError), as in Python.
 * - dict keys must be strings (JSON objects).
 * - `a.b` on a dict reads key `b`; in a call `d.get(...)`, `d.keys()` etc. the method wins.
 * - builtin functions are not values (`sorted(xs, key=len)` is an error).
 * - newlines are whitespace anywhere; `#` starts a comment; `\` + newline continues a line.
 * - f-string fields are lexed as Python 3.12 does (a field may reuse the enclosing quote),
 *   a superset of 3.11.
 *
 * Syntax that is valid Python but deliberately not supported (lambda, walrus `:=`,
 * `yield`, `await`, `async for`, bitwise and `@` operators, Ellipsis, tuple subscripts
 * `x[a, b]`, attribute or subscript `for` targets, bytes and complex literals, `\N{...}`)
 * fails to parse with `error.unsupported === true`, so that a validator can tell it from
 * text no Python parser would accept. Statements (`x = 1`, `import`, `def`, ...) are plain
 * syntax errors.
 */
import type { Expr } from "./ast.js";
import { ExpressionError } from "./errors.js";
import { evaluateExpression, type EvaluateOptions } from "./evaluate.js";
import { BoundedCache, type ParseResult } from "./parse-result.js";
import { parseExpression } from "./parser.js";

export type { ParseResult, SyntaxProblem } from "./parse-result.js";
export type * from "./ast.js";
export {
  compileJsonPath,
  deletePath,
  formatJsonPath,
  isDefinitePath,
  parseJsonPath,
  PathError,
  readPath,
  writePath,
  type JsonPath,
  type PathErrorCode,
  type FilterCompareOp,
  type FilterExpr,
  type FilterOperand,
  type FilterPath,
  type ReadResult,
  type Segment,
  type Selector,
} from "./jsonpath.js";
export { ExpressionError, type ExpressionErrorKind } from "./errors.js";
export { parseExpression } from "./parser.js";
export { evaluateExpression, DEFAULT_MAX_STEPS, type EvaluateOptions } from "./evaluate.js";
export { freeNames, readAccesses, readPaths, type ReadAccess } from "./analyze.js";
export { BUILTIN_NAMES, MAX_RANGE, pathsplit } from "./functions.js";
export { pyRepr, pyStr } from "./values.js";

const exprCache = new BoundedCache<ParseResult<Expr>>(2048);

/** parseExpression with a bounded cache (the same `.=` strings are evaluated on every visit). */
export function compileExpression(src: string): ParseResult<Expr> {
  let r = exprCache.get(src);
  if (r === undefined) {
    r = parseExpression(src);
    exprCache.set(src, r);
  }
  return r;
}

/**
 * Compile (cached) and evaluate in one step; a syntax error is thrown as an
 * ExpressionError of kind SyntaxError so that callers handle a single error type.
 */
export function evaluateSource(src: string, scope: Record<string, unknown>, ctx?: EvaluateOptions): unknown {
  const parsed = compileExpression(src);
  if (!parsed.ok) {
    throw new ExpressionError("SyntaxError", parsed.error.message, src, { start: parsed.error.offset, end: parsed.error.offset });
  }
  return evaluateExpression(parsed.value, scope, ctx);
}
