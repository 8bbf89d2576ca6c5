/**
 * Recursive-descent parser with Python's precedence, lowest first:
 *   tuple `a, b` < conditional `x if c else y` < or < and < not < comparisons (chained)
 *   < + - < * / // % < unary - + < ** < postfix (.name, call, [index], [slice]) < atoms.
 * Atoms include list/tuple/set/dict displays and comprehensions (with `*`/`**`
 * unpacking) and f-strings.
 *
 * Two kinds of failure:
 * - Statement syntax (assignment, def, import, ...) and malformed text are plain syntax
 *   errors: no Python parser would accept them as an expression.
 * - Valid Python expression syntax that flowsmith deliberately does not support (lambda,
 *   walrus, yield, await, bitwise operators, Ellipsis, tuple subscripts, attribute targets
 *   in `for`, `async for`, ...) fails with `unsupported: true` and a message saying it is
 *   "not supported in Globus expressions".
 */
import type {
  BinaryOp,
  CompareOp,
  ComprehensionClause,
  DictEntry,
  Expr,
  FormattedValue,
  FStringNode,
  RootExpr,
  Target,
} from "./ast.js";
import { childrenOf } from "./ast.js";
import { tokenize, type FStringField, type FStringPart, type Token } from "./lexer.js";
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
const ASSIGNMENT_OPS = new Set(["=", ":=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "|=", "&=", "^=", ">>=", "<<=", "@="]);
const UNSUPPORTED_OPS = new Set(["|", "&", "^", "~", "<<", ">>", "@", "->"]);
/** Binary operators that are valid Python but not evaluated here (on JSON values they are rare). */
const UNSUPPORTED_BINARY_OPS = new Set(["|", "&", "^", "<<", ">>", "@"]);
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Parser recursion guard (nested brackets/unary chains) and syntax-tree depth limit. */
const MAX_NESTING = 100;
const MAX_TREE_DEPTH = 500;

class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
    readonly unsupported = false,
  ) {}
}

/** Every name a `for` target binds, in source order. */
function targetNames(t: Target, out: string[] = []): string[] {
  if (t.kind === "name") out.push(t.name);
  else if (t.kind === "starred") targetNames(t.target, out);
  else for (const e of t.elements) targetNames(e, out);
  return out;
}

function isKeyword(name: string): boolean {
  return STATEMENT_KEYWORDS.has(name) || OPERATOR_KEYWORDS.has(name) || CONSTANTS.has(name);
}

function freeze<T extends object>(node: T): T {
  return Object.freeze(node);
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: readonly Token[],
    /** Sub-parsers of f-string fields continue their parent's nesting count. */
    private nesting = 0,
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

  /** Valid Python that flowsmith does not support: the message says so and the result is flagged. */
  private unsupported(message: string, offset: number = this.tok.start): never {
    throw new SyntaxFailure(message, offset, true);
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
      if (UNSUPPORTED_BINARY_OPS.has(t.value) && expected !== "expected an operand") {
        this.unsupported(`operator '${t.value}' at ${at} is not supported in Globus expressions (bitwise and matrix operators are not evaluated)`, at);
      }
      if (UNSUPPORTED_OPS.has(t.value)) this.fail(`operator '${t.value}' at ${at} is not supported in flow expressions`, at);
      if (t.value === ";") this.fail(`';' at ${at}: statements are not allowed, flow expressions are expressions only`, at);
    }
    if (t.kind === "name" && STATEMENT_KEYWORDS.has(t.value)) {
      this.fail(`'${t.value}' at ${at} is not allowed: flow expressions are expressions only (no statements, lambdas, definitions or imports)`, at);
    }
    const operand =
      t.kind === "number" || t.kind === "string" || t.kind === "fstring" || t.kind === "path" || (t.kind === "name" && !isKeyword(t.value)) || this.isOp("{", t);
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
    const e = this.parseTopLevel();
    if (!this.atEnd()) {
      if (this.atFor()) this.fail(`unexpected 'for' at ${this.tok.start}: a comprehension must be written inside [...]`);
      const t = this.tok;
      if (t.kind === "op" && (t.value === ")" || t.value === "]" || t.value === "}")) {
        const opener = Object.keys(CLOSERS).find((k) => CLOSERS[k] === t.value)!;
        this.fail(`unexpected '${t.value}' at ${t.start}: no matching '${opener}'`);
      }
      this.unexpected(this.tok, "expected an operator or end of expression");
    }
    return e;
  }

  /**
   * The whole expression: `expression (',' expression)* [',']`. A bare tuple `a, b`
   * evaluates to a list, like a parenthesised one (no `*` here, as in Python's eval mode).
   */
  private parseTopLevel(): Expr {
    const first = this.parseExpression();
    if (!this.isOp(",")) return first;
    const elements = [first];
    while (this.isOp(",")) {
      this.advance();
      if (this.atEnd()) break;
      if (this.isOp("*")) this.fail(`starred expression at ${this.tok.start} is not allowed in a bare tuple; put the tuple in parentheses or brackets`);
      elements.push(this.parseExpression());
    }
    return freeze({ type: "List", elements: freeze(elements), start: first.start, end: this.prevEnd });
  }

  /** An f-string field: `(yield_expr | star_expressions)`; the sub-parser holds only its tokens. */
  parseField(): Expr {
    if (this.isKw("yield")) this.unsupportedYield();
    const first = this.parseStarNamed();
    let e = first;
    if (this.isOp(",")) {
      const elements = this.commaSeparated(first, () => this.atEnd());
      e = freeze({ type: "List", elements: freeze(elements), start: first.start, end: this.prevEnd });
    } else if (first.type === "Starred") {
      this.fail(`cannot use starred expression here (at ${first.start})`, first.start);
    }
    if (!this.atEnd()) this.unexpected(this.tok, "expected an operator or the end of the f-string field ('}', '!', ':' or '=')");
    return e;
  }

  private unsupportedYield(): never {
    this.unsupported(`'yield' at ${this.tok.start} is not supported in Globus expressions (there is no generator function to yield from)`);
  }

  /** True at `for`; `async for` is valid Python but unsupported. */
  private atFor(): boolean {
    if (this.isKw("for")) return true;
    if (this.isKw("async") && this.isKw("for", this.peek())) {
      this.unsupported(`'async for' at ${this.tok.start} is not supported in Globus expressions (nothing is asynchronous)`);
    }
    return false;
  }

  /** named_expression: `expression`, or `NAME := expression` (valid Python, unsupported). */
  private parseNamed(): Expr {
    const e = this.parseExpression();
    this.checkWalrus(e);
    return e;
  }

  private checkWalrus(e: Expr): void {
    if (this.isOp(":=") && e.type === "Name") {
      this.unsupported(`assignment expression ':=' (walrus) at ${this.tok.start} is not supported in Globus expressions; repeat the expression where its value is needed`);
    }
  }

  /** An element of a list/tuple/set display: `*bitwise_or` or a named expression. */
  private parseStarNamed(): Expr {
    if (!this.isOp("*")) return this.parseNamed();
    const star = this.advance();
    this.enter();
    try {
      const value = this.parseSum();
      return freeze({ type: "Starred", value, start: star.start, end: value.end });
    } finally {
      this.leave();
    }
  }

  /** conditional: or_test ['if' or_test 'else' expression] */
  private parseExpression(): Expr {
    this.enter();
    try {
      if (this.isKw("lambda")) {
        this.unsupported(`'lambda' at ${this.tok.start}: lambda functions are not supported in Globus expressions`);
      }
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
    if (this.isOp("~")) this.unsupported(`operator '~' at ${t.start} is not supported in Globus expressions (bitwise operators are not evaluated)`);
    return this.parsePower();
  }

  private parsePower(): Expr {
    if (this.isKw("await")) this.unsupported(`'await' at ${this.tok.start} is not supported in Globus expressions (nothing is asynchronous)`);
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
    const kwargs: { name: string | null; value: Expr }[] = [];
    let keyword = false;
    let kwUnpack = false;
    while (!this.isOp(")")) {
      const t = this.tok;
      if (this.isOp("*")) {
        if (kwUnpack) this.fail(`iterable argument unpacking at ${t.start} follows keyword argument unpacking`, t.start);
        this.advance();
        const value = this.parseExpression();
        args.push(freeze({ type: "Starred", value, start: t.start, end: value.end }));
      } else if (this.isOp("**")) {
        this.advance();
        kwargs.push(freeze({ name: null, value: this.parseExpression() }));
        kwUnpack = true;
      } else if (t.kind === "name" && !isKeyword(t.value) && this.isOp("=", this.peek())) {
        this.advance();
        this.advance();
        if (kwargs.some((k) => k.name === t.value)) this.fail(`keyword argument '${t.value}' repeated at ${t.start}`, t.start);
        kwargs.push(freeze({ name: t.value, value: this.parseExpression() }));
        keyword = true;
      } else {
        if (kwUnpack) this.fail(`positional argument at ${t.start} follows keyword argument unpacking`, t.start);
        if (keyword) this.fail(`positional argument at ${t.start} follows keyword argument`, t.start);
        let arg = this.parseNamed();
        if (this.atFor()) {
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

  private unsupportedTupleSubscript(at: number): never {
    this.unsupported(
      `multiple indices (a tuple subscript) at ${at} are not supported in Globus expressions: JSON lists and dicts take a single index or slice`,
      at,
    );
  }

  private parseSubscript(object: Expr): Expr {
    const open = this.advance();
    let lower: Expr | null = null;
    if (this.isOp("*")) this.unsupportedTupleSubscript(this.tok.start);
    if (!this.isOp(":")) {
      if (this.isOp("]")) this.fail(`expected an index or slice inside '[' at ${open.start}, found ']'`);
      lower = this.parseNamed();
      if (!this.isOp(":")) {
        if (this.isOp(",")) this.unsupportedTupleSubscript(this.tok.start);
        this.expectClose(open);
        return freeze({ type: "Index", object, index: lower, start: object.start, end: this.prevEnd });
      }
    }
    this.advance();
    const upper = this.isOp(":") || this.isOp("]") || this.isOp(",") ? null : this.parseExpression();
    let step: Expr | null = null;
    if (this.isOp(":")) {
      this.advance();
      step = this.isOp("]") || this.isOp(",") ? null : this.parseExpression();
    }
    if (this.isOp(",")) this.unsupportedTupleSubscript(this.tok.start);
    this.expectClose(open);
    return freeze({ type: "Slice", object, lower, upper, step, start: object.start, end: this.prevEnd });
  }

  /** The target list after `for`: `star_target (',' star_target)* [',']`. */
  private parseForTargets(): Target {
    const at = this.tok.start;
    const first = this.parseForTarget("a loop variable name after 'for'");
    if (!this.isOp(",")) {
      if (first.kind === "starred") this.fail(`starred assignment target at ${at} must be in a list or tuple (write '*${targetNames(first).join("")},')`, at);
      return first;
    }
    const elements = [first];
    while (this.isOp(",")) {
      this.advance();
      if (this.isKw("in")) break;
      elements.push(this.parseForTarget("a loop variable name"));
    }
    return this.tupleTarget(elements, at);
  }

  private tupleTarget(elements: Target[], at: number): Target {
    if (elements.filter((e) => e.kind === "starred").length > 1) this.fail(`multiple starred names in the assignment target at ${at}`, at);
    return freeze({ kind: "tuple", elements: freeze(elements) });
  }

  /** A name, `*target`, or a parenthesised/bracketed target list. */
  private parseForTarget(what: string): Target {
    const t = this.tok;
    this.enter();
    try {
      if (this.isOp("*")) {
        this.advance();
        const inner = this.parseForTarget("a loop variable name after '*'");
        if (inner.kind === "starred") this.fail(`two starred expressions in one target at ${t.start}`, t.start);
        return freeze({ kind: "starred", target: inner });
      }
      if (this.isOp("(") || this.isOp("[")) {
        const open = this.advance() as Token & { value: string };
        const closer = CLOSERS[open.value]!;
        if (this.isOp(closer)) {
          this.advance();
          return freeze({ kind: "tuple", elements: freeze([]) });
        }
        const first = this.parseForTarget("a loop variable name");
        if (open.value === "(" && !this.isOp(",")) {
          this.expectClose(open);
          if (first.kind === "starred") this.fail(`cannot use starred expression here (at ${t.start + 1})`, t.start + 1);
          return first;
        }
        const elements = [first];
        while (this.isOp(",")) {
          this.advance();
          if (this.isOp(closer)) break;
          elements.push(this.parseForTarget("a loop variable name"));
        }
        this.expectClose(open, ",");
        return this.tupleTarget(elements, t.start);
      }
      const name = this.expectName(what);
      if (this.isOp(".") || this.isOp("[")) {
        this.unsupported(
          `assigning to an attribute or subscript in a 'for' target (at ${this.tok.start}) is not supported in Globus expressions; use a plain name`,
        );
      }
      return freeze({ kind: "name", name });
    } finally {
      this.leave();
    }
  }

  private parseClauses(): readonly ComprehensionClause[] {
    const clauses: ComprehensionClause[] = [];
    while (this.atFor()) {
      const forTok = this.advance();
      const target = this.parseForTargets();
      const targets = targetNames(target);
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
      clauses.push(freeze({ targets: freeze(targets), target, iter, conditions: freeze(conditions) }));
    }
    return freeze(clauses);
  }

  /** Adjacent string and f-string literals concatenate, as in Python. */
  private parseStrings(): Expr {
    const first = this.tok;
    const parts: (string | FormattedValue)[] = [];
    let fstring = false;
    const text = (x: string): void => {
      const last = parts.length - 1;
      if (typeof parts[last] === "string") parts[last] += x;
      else if (x !== "") parts.push(x);
    };
    while (this.tok.kind === "string" || this.tok.kind === "fstring") {
      const t = this.advance();
      if (t.kind === "string") text(t.value);
      else if (t.kind === "fstring") {
        fstring = true;
        for (const p of t.parts) {
          if (typeof p === "string") {
            text(p);
          } else {
            if (p.debug !== null) text(p.debug);
            parts.push(this.formatted(p));
          }
        }
      }
    }
    const end = this.prevEnd;
    if (!fstring) return freeze({ type: "Literal", value: parts.length === 0 ? "" : (parts[0] as string), float: false, start: first.start, end });
    return freeze({ type: "FString", parts: freeze(parts), start: first.start, end });
  }

  private formatted(f: FStringField): FormattedValue {
    const value = new Parser(this.src, f.tokens, this.nesting).parseField();
    const spec = f.spec === null ? null : this.specNode(f.spec, f.specStart, f.end - 1);
    // `{x=}` shows the repr unless a conversion or a format spec is given.
    const conversion = f.conversion ?? (f.debug !== null && spec === null ? "r" : null);
    return freeze({ value, conversion, spec, start: f.start, end: f.end });
  }

  private specNode(parts: readonly FStringPart[], start: number, end: number): FStringNode {
    const out: (string | FormattedValue)[] = [];
    for (const p of parts) {
      if (typeof p === "string") out.push(p);
      else {
        if (p.debug !== null) out.push(p.debug);
        out.push(this.formatted(p));
      }
    }
    return freeze({ type: "FString", parts: freeze(out), start, end });
  }

  private parseAtom(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case "number":
        this.advance();
        return freeze({ type: "Literal", value: t.value, float: t.float, start: t.start, end: t.end });
      case "string":
      case "fstring":
        return this.parseStrings();
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
        if (t.value === "{") return this.parseBrace();
        if (t.value === "...") this.unsupported(`Ellipsis '...' at ${t.start} is not supported in Globus expressions`);
        break;
      case "eof": {
        const prev = this.pos > 0 ? this.tokens[this.pos - 1]! : null;
        const after = prev ? ` after ${this.describe(prev)} at ${prev.start}` : "";
        this.fail(`expected an operand${after}, found end of expression`);
      }
    }
    this.unexpected(t, "expected an operand");
  }

  private noStarInComprehension(e: Expr): void {
    if (e.type === "Starred") this.fail(`iterable unpacking at ${e.start} cannot be used in a comprehension`, e.start);
  }

  /** `( )`: a parenthesised expression, a tuple (a list here) or a generator (a list here). */
  private parseParen(): Expr {
    const open = this.advance();
    if (this.isOp(")")) {
      this.advance();
      return freeze({ type: "List", elements: freeze([]), start: open.start, end: this.prevEnd });
    }
    if (this.isKw("yield")) this.unsupportedYield();
    const first = this.parseStarNamed();
    if (this.atFor()) {
      this.noStarInComprehension(first);
      const clauses = this.parseClauses();
      this.expectClose(open);
      return freeze({ type: "ListComp", element: first, clauses, start: open.start, end: this.prevEnd });
    }
    if (this.isOp(",")) {
      // JSON has no tuples: a parenthesised tuple evaluates to a list.
      const elements = this.commaSeparated(first, () => this.isOp(")"));
      this.expectClose(open, ",");
      return freeze({ type: "List", elements: freeze(elements), start: open.start, end: this.prevEnd });
    }
    if (first.type === "Starred") this.fail(`cannot use starred expression here (at ${first.start}); add a ',' to make a tuple`, first.start);
    this.expectClose(open);
    return freeze({ ...first, start: open.start, end: this.prevEnd });
  }

  private parseList(): Expr {
    const open = this.advance();
    const elements: Expr[] = [];
    if (!this.isOp("]")) {
      const first = this.parseStarNamed();
      if (this.atFor()) {
        this.noStarInComprehension(first);
        const clauses = this.parseClauses();
        this.expectClose(open);
        return freeze({ type: "ListComp", element: first, clauses, start: open.start, end: this.prevEnd });
      }
      elements.push(...this.commaSeparated(first, () => this.isOp("]")));
    }
    this.expectClose(open, elements.length > 0 ? "," : undefined);
    return freeze({ type: "List", elements: freeze(elements), start: open.start, end: this.prevEnd });
  }

  /** `{ }`: a dict or set display, or a dict or set comprehension. */
  private parseBrace(): Expr {
    const open = this.advance();
    if (this.isOp("}")) {
      this.advance();
      return freeze({ type: "Dict", entries: freeze([]), start: open.start, end: this.prevEnd });
    }
    if (this.isOp("**")) return this.parseDictEntries(open, []);
    if (this.isOp("*")) return this.parseSet(open, this.parseStarNamed());
    const key = this.parseExpression();
    if (this.isOp(":")) {
      this.advance();
      const value = this.parseExpression();
      if (this.atFor()) {
        const clauses = this.parseClauses();
        this.expectClose(open);
        return freeze({ type: "DictComp", key, value, clauses, start: open.start, end: this.prevEnd });
      }
      const entries: DictEntry[] = [freeze({ key, value })];
      if (!this.isOp(",")) {
        this.expectClose(open, ",");
        return freeze({ type: "Dict", entries: freeze(entries), start: open.start, end: this.prevEnd });
      }
      this.advance();
      return this.parseDictEntries(open, entries);
    }
    this.checkWalrus(key);
    if (this.isOp(",") || this.isOp("}") || this.isKw("for") || this.isKw("async")) return this.parseSet(open, key);
    if (this.atEnd()) this.fail(`expected ':' after the dict key at ${key.start}, found end of expression`);
    this.unexpected(this.tok, `expected ':' after the dict key at ${key.start}`);
  }

  /** The rest of a set display or comprehension after its first element. */
  private parseSet(open: Token, first: Expr): Expr {
    if (this.atFor()) {
      this.noStarInComprehension(first);
      const clauses = this.parseClauses();
      this.expectClose(open);
      return freeze({ type: "SetComp", element: first, clauses, start: open.start, end: this.prevEnd });
    }
    const elements = this.commaSeparated(first, () => this.isOp("}"));
    this.expectClose(open, ",");
    return freeze({ type: "Set", elements: freeze(elements), start: open.start, end: this.prevEnd });
  }

  /** `first, x, y,` — elements after a comma, up to `atClose` (a trailing comma is allowed). */
  private commaSeparated(first: Expr, atClose: () => boolean): Expr[] {
    const elements = [first];
    while (this.isOp(",")) {
      this.advance();
      if (atClose()) break;
      elements.push(this.parseStarNamed());
    }
    return elements;
  }

  /** Dict entries (`key: value` or `**mapping`) up to the closing '}'. */
  private parseDictEntries(open: Token, entries: DictEntry[]): Expr {
    while (!this.isOp("}")) {
      if (this.isOp("**")) {
        this.advance();
        entries.push(freeze({ key: null, value: this.parseSum() }));
      } else {
        const key = this.parseExpression();
        if (!this.isOp(":")) {
          if (this.atEnd()) this.fail(`expected ':' after the dict key at ${key.start}, found end of expression`);
          this.unexpected(this.tok, `expected ':' after the dict key at ${key.start}`);
        }
        this.advance();
        entries.push(freeze({ key, value: this.parseExpression() }));
      }
      if (!this.isOp(",")) break;
      this.advance();
    }
    this.expectClose(open, ",");
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
    if (e instanceof SyntaxFailure) return parseFail(e.message, e.offset, e.unsupported);
    throw e;
  }
}
