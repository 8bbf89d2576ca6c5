/**
 * Recursive-descent parser with Python's precedence, lowest first:
 *   conditional `x if c else y` < or < and < not < comparisons (chained) < + - < * / // %
 *   < unary - + < ** < postfix (.name, call, [index], [slice]) < atoms.
 * Statement syntax (assignment, lambda, def, import, ...) is rejected with a message that
 * says flow expressions are expressions only.
 */
import type {
  BinaryOp,
  CompareOp,
  ComprehensionClause,
  Expr,
  RootExpr,
} from "./ast.js";
import { childrenOf } from "./ast.js";
import { tokenize, type Token } from "./lexer.js";
import { parseFail, parseOk, type ParseResult } from "./parse-result.js";

const STATEMENT_KEYWORDS = new Set([
  "lambda", "def", "import", "from", "class", "return", "yield", "while", "del", "global", "nonlocal",
  "pass", "raise", "try", "except", "finally", "with", "assert", "async", "await", "break", "continue",
  "elif", "as",
]);
const OPERATOR_KEYWORDS = new Set(["and", "or", "not", "in", "is", "if", "else", "for"]);
const CONSTANTS = new Map<string, boolean | null>([
  ["True", true], ["False", false], ["None", null], ["true", true], ["false", false], ["null", null],
]);
const ASSIGNMENT_OPS = new Set(["=", ":=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "|=", "&=", "^=", ">>=", "<<="]);
const UNSUPPORTED_OPS = new Set(["|", "&", "^", "~", "<<", ">>", "@", "->"]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Parser recursion guard (nested brackets/unary chains) and syntax-tree depth limit. */
const MAX_NESTING = 100;
const MAX_TREE_DEPTH = 500;

class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

function isKeyword(name: string): boolean {
  return STATEMENT_KEYWORDS.has(name) || OPERATOR_KEYWORDS.has(name) || CONSTANTS.has(name);
}

function freeze<T extends object>(node: T): T {
  return Object.freeze(node);
}

class Parser {
  private pos = 0;
  private nesting = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  // ---- token helpers -------------------------------------------------------------------

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }

  private get prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1]!.end : 0;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind !== "eof") this.pos += 1;
    return t;
  }

  // A method rather than `this.tok.kind` checks: TypeScript would keep a narrowing of the
  // getter across advance() calls.
  private atEnd(): boolean {
    return this.tok.kind === "eof";
  }

  private isOp(value: string, t: Token = this.tok): boolean {
    return t.kind === "op" && t.value === value;
  }

  private isKw(value: string, t: Token = this.tok): boolean {
    return t.kind === "name" && t.value === value;
  }

  private describe(t: Token): string {
    if (t.kind === "eof") return "end of expression";
    const text = this.src.slice(t.start, t.end);
    return `'${text.length > 24 ? text.slice(0, 21) + "..." : text}'`;
  }

  private fail(message: string, offset: number = this.tok.start): never {
    throw new SyntaxFailure(message, offset);
  }

  private enter(): void {
    if (++this.nesting > MAX_NESTING) this.fail(`expression is nested too deeply (more than ${MAX_NESTING} levels) at ${this.tok.start}`);
  }

  private leave(): void {
    this.nesting -= 1;
  }

  /** Explains a token that cannot continue the expression where it stands. */
  private unexpected(t: Token, expected: string): never {
    const at = t.start;
    if (t.kind === "op") {
      if (ASSIGNMENT_OPS.has(t.value)) {
        this.fail(`assignment '${t.value}' at ${at} is not allowed: flow expressions are expressions only (use '==' to compare)`, at);
      }
      if (UNSUPPORTED_OPS.has(t.value)) this.fail(`operator '${t.value}' at ${at} is not supported in flow expressions`, at);
      if (t.value === ";") this.fail(`';' at ${at}: statements are not allowed, flow expressions are expressions only`, at);
    }
    if (t.kind === "name" && STATEMENT_KEYWORDS.has(t.value)) {
      this.fail(`'${t.value}' at ${at} is not allowed: flow expressions are expressions only (no statements, lambdas, definitions or imports)`, at);
    }
    const operand = t.kind === "number" || t.kind === "string" || t.kind === "path" || (t.kind === "name" && !isKeyword(t.value)) || this.isOp("{", t);
    const hint = operand && /operator|','/.test(expected) ? " (two operands with no operator between them)" : "";
    this.fail(`${expected}, found ${this.describe(t)} at ${at}${hint}`, at);
  }

  private expectClose(opener: Token, alsoAllowed?: string): void {
    const open = (opener as { value: string }).value;
    const closer = CLOSERS[open]!;
    if (this.isOp(closer)) {
      this.advance();
      return;
    }
    const exp = alsoAllowed ? `expected '${alsoAllowed}' or '${closer}'` : `expected '${closer}'`;
    if (this.atEnd()) {
      this.fail(`${exp} to close '${open}' at ${opener.start}, found end of expression`);
    }
    this.unexpected(this.tok, `${exp} to close '${open}' at ${opener.start}`);
  }

  private expectName(what: string): string {
    const t = this.tok;
    if (t.kind !== "name" || isKeyword(t.value)) {
      if (t.kind === "name" && STATEMENT_KEYWORDS.has(t.value)) this.unexpected(t, "");
      this.fail(`expected ${what} at ${t.start}, found ${this.describe(t)}`);
    }
    this.advance();
    return t.value;
  }

  // ---- grammar -------------------------------------------------------------------------

  parseRoot(): Expr {
    if (this.atEnd()) this.fail("expected an expression, found end of expression (the expression is empty)", 0);
    const e = this.parseExpression();
    if (!this.atEnd()) {
      if (this.isOp(",")) this.fail(`unexpected ',' at ${this.tok.start}: a top-level tuple is not supported; use a list [a, b]`);
      if (this.isKw("for")) this.fail(`unexpected 'for' at ${this.tok.start}: a comprehension must be written inside [...]`);
      const t = this.tok;
      if (t.kind === "op" && (t.value === ")" || t.value === "]" || t.value === "}")) {
        const opener = Object.keys(CLOSERS).find((k) => CLOSERS[k] === t.value)!;
        this.fail(`unexpected '${t.value}' at ${t.start}: no matching '${opener}'`);
      }
      this.unexpected(this.tok, "expected an operator or end of expression");
    }
    return e;
  }

  /** conditional: or_test ['if' or_test 'else' expression] */
  private parseExpression(): Expr {
    this.enter();
    try {
      if (this.isKw("lambda")) this.unexpected(this.tok, "");
      const body = this.parseOr();
      if (!this.isKw("if")) return body;
      const ifTok = this.advance();
      const test = this.parseOr();
      if (!this.isKw("else")) {
        if (this.atEnd()) this.fail(`expected 'else' for the 'if' at ${ifTok.start}, found end of expression`);
        this.unexpected(this.tok, `expected 'else' for the 'if' at ${ifTok.start}`);
      }
      this.advance();
      const orelse = this.parseExpression();
      return freeze({ type: "Conditional", body, test, orelse, start: body.start, end: orelse.end });
    } finally {
      this.leave();
    }
  }

  private parseBool(op: "or" | "and", next: () => Expr): Expr {
    const first = next();
    if (!this.isKw(op)) return first;
    const values = [first];
    while (this.isKw(op)) {
      this.advance();
      values.push(next());
    }
    return freeze({ type: "BoolOp", op, values: freeze(values), start: first.start, end: values[values.length - 1]!.end });
  }

  private parseOr(): Expr {
    return this.parseBool("or", () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.parseBool("and", () => this.parseNot());
  }

  private parseNot(): Expr {
    if (!this.isKw("not")) return this.parseComparison();
    const t = this.advance();
    this.enter();
    try {
      const operand = this.parseNot();
      return freeze({ type: "Unary", op: "not", operand, start: t.start, end: operand.end });
    } finally {
      this.leave();
    }
  }

  private compareOp(): CompareOp | null {
    const t = this.tok;
    if (t.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.value)) {
      this.advance();
      return t.value as CompareOp;
    }
    if (this.isKw("in")) {
      this.advance();
      return "in";
    }
    if (this.isKw("not") && this.isKw("in", this.peek())) {
      this.advance();
      this.advance();
      return "not in";
    }
    if (this.isKw("is")) {
      this.advance();
      if (this.isKw("not")) {
        this.advance();
        return "is not";
      }
      return "is";
    }
    return null;
  }

  private parseComparison(): Expr {
    const left = this.parseSum();
    const ops: CompareOp[] = [];
    const comparators: Expr[] = [];
    for (let op = this.compareOp(); op !== null; op = this.compareOp()) {
      ops.push(op);
      comparators.push(this.parseSum());
    }
    if (ops.length === 0) return left;
    return freeze({
      type: "Compare", left, ops: freeze(ops), comparators: freeze(comparators),
      start: left.start, end: comparators[comparators.length - 1]!.end,
    });
  }

  private parseBinaryLevel(ops: readonly string[], next: () => Expr): Expr {
    let left = next();
    while (this.tok.kind === "op" && ops.includes(this.tok.value)) {
      const op = this.advance() as Token & { value: string };
      const right = next();
      left = freeze({ type: "Binary", op: op.value as BinaryOp, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  private parseSum(): Expr {
    return this.parseBinaryLevel(["+", "-"], () => this.parseTerm());
  }

  private parseTerm(): Expr {
    return this.parseBinaryLevel(["*", "/", "//", "%"], () => this.parseFactor());
  }

  private parseFactor(): Expr {
    const t = this.tok;
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.advance();
      this.enter();
      try {
        const operand = this.parseFactor();
        return freeze({ type: "Unary", op: t.value, operand, start: t.start, end: operand.end });
      } finally {
        this.leave();
      }
    }
    if (this.isOp("~")) this.unexpected(t, "");
    return this.parsePower();
  }

  private parsePower(): Expr {
    const base = this.parsePostfix();
    if (!this.isOp("**")) return base;
    this.advance();
    // The exponent may carry a unary sign (2 ** -1) and binds right-to-left (2 ** 3 ** 2).
    this.enter();
    try {
      const exp = this.parseFactor();
      return freeze({ type: "Binary", op: "**", left: base, right: exp, start: base.start, end: exp.end });
    } finally {
      this.leave();
    }
  }

  private parsePostfix(): Expr {
    let e = this.parseAtom();
    for (;;) {
      if (this.isOp(".")) {
        const dot = this.advance();
        const t = this.tok;
        if (t.kind !== "name" || isKeyword(t.value)) {
          this.fail(`expected an attribute name after '.' at ${dot.start}, found ${this.describe(t)}`);
        }
        this.advance();
        e = freeze({ type: "Attribute", object: e, name: t.value, start: e.start, end: t.end });
      } else if (this.isOp("(")) {
        e = this.parseCall(e);
      } else if (this.isOp("[")) {
        e = this.parseSubscript(e);
      } else {
        return e;
      }
    }
  }

  private parseCall(callee: Expr): Expr {
    const open = this.advance();
    const args: Expr[] = [];
    const kwargs: { name: string; value: Expr }[] = [];
    while (!this.isOp(")")) {
      if (this.isOp("*") || this.isOp("**")) this.fail(`argument unpacking at ${this.tok.start} is not supported`);
      const t = this.tok;
      if (t.kind === "name" && !isKeyword(t.value) && this.isOp("=", this.peek())) {
        this.advance();
        this.advance();
        if (kwargs.some((k) => k.name === t.value)) this.fail(`keyword argument '${t.value}' repeated at ${t.start}`, t.start);
        kwargs.push(freeze({ name: t.value, value: this.parseExpression() }));
      } else {
        if (kwargs.length > 0) this.fail(`positional argument at ${t.start} follows keyword argument`, t.start);
        let arg = this.parseExpression();
        if (this.isKw("for")) {
          // A sole generator argument needs no parentheses of its own: any(x for x in xs).
          const clauses = this.parseClauses();
          arg = freeze({ type: "ListComp", element: arg, clauses, start: arg.start, end: this.prevEnd });
          if (args.length > 0 || !this.isOp(")")) {
            this.fail(`generator expression at ${arg.start} must be parenthesized when it is not the sole argument`, arg.start);
          }
        }
        args.push(arg);
      }
      if (!this.isOp(",")) break;
      this.advance();
    }
    this.expectClose(open, ",");
    return freeze({
      type: "Call", callee, args: freeze(args), kwargs: freeze(kwargs), start: callee.start, end: this.prevEnd,
    });
  }

  private parseSubscript(object: Expr): Expr {
    const open = this.advance();
    let lower: Expr | null = null;
    if (!this.isOp(":")) {
      if (this.isOp("]")) this.fail(`expected an index or slice inside '[' at ${open.start}, found ']'`);
      lower = this.parseExpression();
      if (!this.isOp(":")) {
        if (this.isOp(",")) this.fail(`multiple indices at ${this.tok.start} are not supported`);
        this.expectClose(open);
        return freeze({ type: "Index", object, index: lower, start: object.start, end: this.prevEnd });
      }
    }
    this.advance();
    const upper = this.isOp(":") || this.isOp("]") ? null : this.parseExpression();
    let step: Expr | null = null;
    if (this.isOp(":")) {
      this.advance();
      step = this.isOp("]") ? null : this.parseExpression();
    }
    this.expectClose(open);
    return freeze({ type: "Slice", object, lower, upper, step, start: object.start, end: this.prevEnd });
  }

  private parseClauses(): readonly ComprehensionClause[] {
    const clauses: ComprehensionClause[] = [];
    while (this.isKw("for")) {
      const forTok = this.advance();
      const targets = [this.expectName("a loop variable name after 'for'")];
      while (this.isOp(",")) {
        this.advance();
        targets.push(this.expectName("a loop variable name"));
      }
      if (!this.isKw("in")) {
        if (this.atEnd()) this.fail(`expected 'in' for the 'for' at ${forTok.start}, found end of expression`);
        this.unexpected(this.tok, `expected 'in' for the 'for' at ${forTok.start}`);
      }
      this.advance();
      const iter = this.parseOr();
      const conditions: Expr[] = [];
      while (this.isKw("if")) {
        this.advance();
        conditions.push(this.parseOr());
      }
      clauses.push(freeze({ targets: freeze(targets), iter, conditions: freeze(conditions) }));
    }
    return freeze(clauses);
  }

  private parseElement(): Expr {
    if (this.isOp("*") || this.isOp("**")) this.fail(`unpacking with '${(this.tok as { value: string }).value}' at ${this.tok.start} is not supported`);
    return this.parseExpression();
  }

  private parseAtom(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "number":
        this.advance();
        return freeze({ type: "Literal", value: t.value, float: t.float, start: t.start, end: t.end });
      case "string": {
        // Adjacent string literals concatenate, as in Python.
        let value = "";
        let end = t.end;
        while (this.tok.kind === "string") {
          const s = this.advance() as Token & { kind: "string" };
          value += s.value;
          end = s.end;
        }
        return freeze({ type: "Literal", value, float: false, start: t.start, end });
      }
      case "path":
        this.advance();
        return freeze({ type: "Path", path: t.value, start: t.start, end: t.end });
      case "name": {
        if (CONSTANTS.has(t.value)) {
          this.advance();
          return freeze({ type: "Literal", value: CONSTANTS.get(t.value)!, float: false, start: t.start, end: t.end });
        }
        if (isKeyword(t.value)) break;
        this.advance();
        return freeze({ type: "Name", name: t.value, start: t.start, end: t.end });
      }
      case "op":
        if (t.value === "(") return this.parseParen();
        if (t.value === "[") return this.parseList();
        if (t.value === "{") return this.parseDict();
        break;
      case "eof": {
        const prev = this.pos > 0 ? this.tokens[this.pos - 1]! : null;
        const after = prev ? ` after ${this.describe(prev)} at ${prev.start}` : "";
        this.fail(`expected an operand${after}, found end of expression`);
      }
    }
    this.unexpected(t, "expected an operand");
  }

  private parseParen(): Expr {
    const open = this.advance();
    if (this.isOp(")")) {
      this.advance();
      return freeze({ type: "List", elements: freeze([]), start: open.start, end: this.prevEnd });
    }
    const first = this.parseElement();
    if (this.isKw("for")) {
      const clauses = this.parseClauses();
      this.expectClose(open);
      return freeze({ type: "ListComp", element: first, clauses, start: open.start, end: this.prevEnd });
    }
    if (this.isOp(",")) {
      // JSON has no tuples: a parenthesised tuple evaluates to a list.
      const elements = [first];
      while (this.isOp(",")) {
        this.advance();
        if (this.isOp(")")) break;
        elements.push(this.parseElement());
      }
      this.expectClose(open, ",");
      return freeze({ type: "List", elements: freeze(elements), start: open.start, end: this.prevEnd });
    }
    this.expectClose(open);
    return freeze({ ...first, start: open.start, end: this.prevEnd });
  }

  private parseList(): Expr {
    const open = this.advance();
    const elements: Expr[] = [];
    if (!this.isOp("]")) {
      const first = this.parseElement();
      if (this.isKw("for")) {
        const clauses = this.parseClauses();
        this.expectClose(open);
        return freeze({ type: "ListComp", element: first, clauses, start: open.start, end: this.prevEnd });
      }
      elements.push(first);
      while (this.isOp(",")) {
        this.advance();
        if (this.isOp("]")) break;
        elements.push(this.parseElement());
      }
    }
    this.expectClose(open, elements.length > 0 ? "," : undefined);
    return freeze({ type: "List", elements: freeze(elements), start: open.start, end: this.prevEnd });
  }

  private parseDict(): Expr {
    const open = this.advance();
    const entries: { key: Expr; value: Expr }[] = [];
    while (!this.isOp("}")) {
      if (this.isOp("**")) this.fail(`dict unpacking with '**' at ${this.tok.start} is not supported`);
      const key = this.parseExpression();
      if (!this.isOp(":")) {
        if (this.isOp(",") || this.isOp("}")) {
          this.fail(`set literals are not supported: expected ':' after the dict key at ${key.start}`);
        }
        if (this.atEnd()) this.fail(`expected ':' after the dict key at ${key.start}, found end of expression`);
        this.unexpected(this.tok, `expected ':' after the dict key at ${key.start}`);
      }
      this.advance();
      const value = this.parseExpression();
      if (entries.length === 0 && this.isKw("for")) {
        const clauses = this.parseClauses();
        this.expectClose(open);
        return freeze({ type: "DictComp", key, value, clauses, start: open.start, end: this.prevEnd });
      }
      entries.push(freeze({ key, value }));
      if (!this.isOp(",")) break;
      this.advance();
    }
    this.expectClose(open, entries.length > 0 ? "," : undefined);
    return freeze({ type: "Dict", entries: freeze(entries), start: open.start, end: this.prevEnd });
  }
}

/** Depth of the tree, computed without recursion so that a pathological input cannot overflow. */
function treeDepth(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    if (d > max) max = d;
    for (const c of childrenOf(e)) stack.push([c, d + 1]);
  }
  return max;
}

export function parseExpression(src: string): ParseResult<Expr> {
  const tokens = tokenize(src);
  if (!tokens.ok) return tokens;
  try {
    const root = new Parser(src, tokens.value).parseRoot();
    if (treeDepth(root) > MAX_TREE_DEPTH) {
      return parseFail(`expression is too deeply nested (more than ${MAX_TREE_DEPTH} levels)`, 0);
    }
    const withSource: RootExpr = Object.freeze({ ...root, source: src });
    return parseOk(withSource);
  } catch (e) {
    if (e instanceof SyntaxFailure) return parseFail(e.message, e.offset);
    throw e;
  }
}
