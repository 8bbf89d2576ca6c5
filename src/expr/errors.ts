/**
 * Errors raised while evaluating an expression. Kinds follow Python's exception names so
 * that messages read like the ones Globus (a Python service) produces for the same mistake.
 */

export type ExpressionErrorKind =
  | "SyntaxError"
  | "NameError"
  | "KeyError"
  | "IndexError"
  | "TypeError"
  | "ValueError"
  | "AttributeError"
  | "ZeroDivisionError"
  | "OverflowError"
  | "LimitExceeded";

export class ExpressionError extends Error {
  readonly code = "ExpressionError";

  constructor(
    readonly kind: ExpressionErrorKind,
    /** The Python-style detail without location, e.g. "name 'sorce' is not defined". */
    readonly detail: string,
    /** The full expression source ("" when unknown). */
    readonly expression: string,
    /** Offsets of the failing sub-expression within `expression`, when known. */
    readonly span?: { start: number; end: number },
  ) {
    super(ExpressionError.format(kind, detail, expression, span));
    this.name = "ExpressionError";
  }

  private static format(kind: string, detail: string, expression: string, span?: { start: number; end: number }): string {
    if (!expression) return `${kind}: ${detail}`;
    const part = span ? expression.slice(span.start, span.end) : "";
    const where = span && part !== expression ? ` at ${span.start} (\`${part}\`)` : "";
    return `${kind}: ${detail}${where} in expression \`${expression}\``;
  }
}

/**
 * What evaluation helpers throw. The evaluator attaches the innermost node being evaluated
 * and converts it to an ExpressionError carrying the expression text.
 */
export class Raised extends Error {
  span: { start: number; end: number } | undefined;

  constructor(
    readonly kind: ExpressionErrorKind,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function raise(kind: ExpressionErrorKind, detail: string): never {
  throw new Raised(kind, detail);
}
