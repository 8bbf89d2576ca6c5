import { describe, expect, it } from "vitest";
import { compileExpression, parseExpression } from "../../src/expr/index.js";
import { parse, sexp } from "./helpers.js";

describe("grammar: precedence and associativity (Python's)", () => {
  const cases: [string, string][] = [
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b // c % d", "(% (// (/ a b) c) d)"],
    ["-a ** 2", "(- (** a 2))"],
    ["2 ** -1", "(** 2 (- 1))"],
    ["2 ** 3 ** 2", "(** 2 (** 3 2))"],
    ["-+-a", "(- (+ (- a)))"],
    ["a + b < c * d", "(cmp (+ a b) < (* c d))"],
    ["a < b <= c", "(cmp a < b <= c)"],
    ["a == b != c", "(cmp a == b != c)"],
    ["x in y", "(cmp x in y)"],
    ["x not in y", "(cmp x not in y)"],
    ["x is None", "(cmp x is null)"],
    ["x is not None", "(cmp x is not null)"],
    ["not a == b", "(not (cmp a == b))"],
    ["not not a", "(not (not a))"],
    ["a and b or c and d", "(or (and a b) (and c d))"],
    ["a or b or c", "(or a b c)"],
    ["not a and b", "(and (not a) b)"],
    ["a if b else c", "(if b a c)"],
    ["a if b else c if d else e", "(if b a (if d c e))"],
    ["a or b if c and d else e", "(if (and c d) (or a b) e)"],
    ["(a + b) * c", "(* (+ a b) c)"],
    ["a.b.c", "(. (. a b) c)"],
    ["a.b(c).d[0]", "(index (. (call (. a b) c) d) 0)"],
    ["f(x)(y)", "(call (call f x) y)"],
    ["a[1:2]", "(slice a 1 2 _)"],
    ["a[:]", "(slice a _ _ _)"],
    ["a[::-1]", "(slice a _ _ (- 1))"],
    ["a[i:i+step]", "(slice a i (+ i step) _)"],
    ["a[1:]", "(slice a 1 _ _)"],
    ["a[:2:]", "(slice a _ 2 _)"],
    ["-a[0]", "(- (index a 0))"],
    ["getattr('a.b', default=None)", '(call getattr "a.b" default=null)'],
    ["f()", "(call f)"],
    ["f(a, b,)", "(call f a b)"],
  ];
  it.each(cases)("%s", (src, tree) => {
    expect(sexp(parse(src))).toBe(tree);
  });
});

describe("grammar: atoms", () => {
  const cases: [string, string][] = [
    ["42", "42"],
    ["1_000", "1000"],
    ["0x1F", "31"],
    ["0o17", "15"],
    ["0b101", "5"],
    ["1.5", "1.5"],
    ["1.0", "1.0"],
    ["1.", "1.0"],
    [".5", "0.5"],
    ["1e3", "1000.0"],
    ["2.5E-1", "0.25"],
    ["'single'", '"single"'],
    ['"double"', '"double"'],
    ["'it\\'s'", `"it's"`],
    [String.raw`'\n\t\\\x41\u00e9\101\N'`.replace("\\N", "\\q"), JSON.stringify("\n\t\\Aé" + "A\\q")],
    ["'a' 'b' \"c\"", '"abc"'],
    ["r'\\d+'", JSON.stringify("\\d+")],
    ["'''tri'ple'''", `"tri'ple"`],
    ["True", "true"],
    ["False", "false"],
    ["None", "null"],
    ["true", "true"],
    ["false", "false"],
    ["null", "null"],
    ["`$.a.b[0]`", "`$.a.b[0]`"],
    ["`$.input.source-dir`", "`$.input.source-dir`"],
    ["[]", "[]"],
    ["[1, 'a', [2]]", '[1 "a" [2]]'],
    ["[1, 2,]", "[1 2]"],
    ["{}", "{}"],
    ["{'a': 1, 'b': [x]}", '{"a": 1, "b": [x]}'],
    ["{'a': 1,}", '{"a": 1}'],
    ["(1, 2)", "[1 2]"],
    ["()", "[]"],
    ["[f.name for f in ls.details.DATA]", "(listcomp (. f name) for f in (. (. ls details) DATA))"],
    ["[x for x in xs if x if y]", "(listcomp x for x in xs if x if y)"],
    ["[x + y for x in a for y in b if x]", "(listcomp (+ x y) for x in a for y in b if x)"],
    ["[a if c else b for x in xs]", "(listcomp (if c a b) for x in xs)"],
    ["[i for i, v in enumerate(xs)]", "(listcomp i for i,v in (call enumerate xs))"],
    ["{k: v for k, v in d.items()}", "(dictcomp k: v for k,v in (call (. d items)))"],
    ["(x for x in xs)", "(listcomp x for x in xs)"],
    ["any(x for x in xs)", "(call any (listcomp x for x in xs))"],
    ["a  +\n\tb  # comment", "(+ a b)"],
    ["über + _x1", "(+ über _x1)"],
  ];
  it.each(cases)("%s", (src, tree) => {
    expect(sexp(parse(src))).toBe(tree);
  });

  it("marks float literals so str() can print them as floats", () => {
    const e = parse("1.0");
    expect(e).toMatchObject({ type: "Literal", value: 1, float: true });
    expect(parse("1")).toMatchObject({ type: "Literal", value: 1, float: false });
  });

  it("records source spans on every node", () => {
    const e = parse("foo + bar.baz");
    expect(e).toMatchObject({ type: "Binary", start: 0, end: 13, left: { start: 0, end: 3 }, right: { start: 6, end: 13 } });
    expect(parse("(a + b)")).toMatchObject({ start: 0, end: 7 });
  });

  it("parses every operator keyword in a realistic corpus expression", () => {
    const src =
      "source.path.rpartition('/')[2] if not PathTypes.source_is_dir else 'DEFAULT' if PathTypes.source_is_default_dir else 'ROOT' if PathTypes.source_is_root else source.path.split('/')[-2]";
    expect(sexp(parse(src))).toBe(
      '(if (not (. PathTypes source_is_dir)) (index (call (. (. source path) rpartition) "/") 2) (if (. PathTypes source_is_default_dir) "DEFAULT" (if (. PathTypes source_is_root) "ROOT" (index (call (. (. source path) split) "/") (- 2)))))',
    );
  });

  it("returns trees that are frozen (they are shared through the cache)", () => {
    const e = parse("a + [1]");
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen((e as { right: object }).right)).toBe(true);
  });

  it("compileExpression caches results", () => {
    expect(compileExpression("x + 1")).toBe(compileExpression("x + 1"));
    expect(compileExpression("x +")).toBe(compileExpression("x +"));
  });
});

describe("syntax errors: offset and expectation", () => {
  const cases: [string, number, RegExp][] = [
    ["", 0, /empty/],
    ["   ", 0, /empty/],
    ["a b", 2, /expected an operator or end of expression, found 'b' at 2 \(two operands with no operator/],
    ["1 2", 2, /two operands/],
    ["'x' name", 4, /two operands/],
    ["a +", 3, /expected an operand after '\+' at 2, found end of expression/],
    ["* a", 0, /expected an operand, found '\*' at 0/],
    ["a * * b", 4, /expected an operand, found '\*' at 4/],
    ["a and", 5, /expected an operand after 'and'/],
    ["not", 3, /expected an operand after 'not'/],
    ["[1, 2", 5, /expected ',' or '\]' to close '\[' at 0, found end of expression/],
    ["x[12", 4, /expected '\]' to close '\[' at 1/],
    ["f(1, 2", 6, /expected ',' or '\)' to close '\(' at 1/],
    ["{'a': 1", 7, /expected ',' or '\}' to close '\{' at 0/],
    ["(a + b", 6, /expected '\)' to close '\(' at 0/],
    ["[a b]", 3, /expected ',' or '\]' to close '\[' at 0, found 'b' at 3/],
    ["a)", 1, /unexpected '\)' at 1: no matching '\('/],
    ["a]", 1, /no matching '\['/],
    ["'abc", 4, /unterminated string literal: expected ' to close the string at 0/],
    ['x + "abc', 8, /unterminated string literal: expected " to close the string at 4/],
    ["'a\nb'", 2, /unterminated string/],
    ["'''abc", 6, /unterminated string literal: expected ''' /],
    ["`$.a", 4, /unterminated backtick JSONPath/],
    ["`$.a b`", 4, /in backtick JSONPath at 0: .*whitespace/],
    ["`a.b`", 1, /starts with '\$'/],
    ["`$.`", 3, /after '\.'/],
    ["x = 1", 2, /assignment '=' at 2 is not allowed: flow expressions are expressions only/],
    ["x += 1", 2, /assignment '\+=' at 2 is not allowed/],
    ["y := 2", 2, /assignment ':=' at 2 is not allowed/],
    ["import os", 0, /'import' at 0 is not allowed: .*expressions only/],
    ["def f(): pass", 0, /'def' .*expressions only/],
    ["a; b", 1, /statements are not allowed/],
    ["return 1", 0, /'return' .*expressions only/],
    ["x + yield", 4, /'yield' .*expressions only/],
    ["a if b", 6, /expected 'else' for the 'if' at 2, found end of expression/],
    ["a if b c", 7, /expected 'else' for the 'if' at 2, found 'c'/],
    ["[x for x xs]", 9, /expected 'in' for the 'for' at 3/],
    ["[x for in xs]", 7, /expected a loop variable name after 'for'/],
    ["x for x in y", 2, /comprehension must be written inside/],
    ["f(x for x in y, 1)", 2, /must be parenthesized/],
    ["f(a=1, 2)", 7, /positional argument at 7 follows keyword argument/],
    ["f(a=1, a=2)", 7, /keyword argument 'a' repeated/],
    ["{'a' 1}", 5, /expected ':' after the dict key at 1/],
    ["a.", 2, /expected an attribute name after '\.' at 1/],
    ["a.1", 1, /two operands|invalid/],
    ["a.if", 2, /expected an attribute name/],
    ["x[]", 2, /expected an index or slice inside '\[' at 1/],
    ["x[1, 2]", 3, /multiple indices/],
    ["a | b", 2, /operator '\|' at 2 is not supported/],
    ["a & b", 2, /operator '&'/],
    ["~a", 0, /operator '~'/],
    ["a << 1", 2, /operator '<<'/],
    ["a ! b", 2, /use 'not'/],
    ["$.a.b", 0, /must be quoted in backticks/],
    ["a ? b", 2, /unexpected character '\?' at 2/],
    ["007", 0, /leading zeros/],
    ["1abc", 1, /invalid number literal/],
    ["1j", 0, /complex numbers/],
    ["b'x'", 0, /bytes literal/],
    ["'\\x4'", 1, /truncated \\x escape/],
    ["a not b", 2, /two operands|expected an operator/],
    ["a is", 4, /expected an operand after 'is'/],
    ["(", 1, /expected an operand after '\(' at 0/],
    ["((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", 100, /nested too deeply/],
  ];
  it.each(cases)("%j", (src, offset, message) => {
    const r = parseExpression(src);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(message);
      expect(r.error.offset).toBe(offset);
    }
  });

  it("rejects a pathologically deep left-nested chain instead of overflowing later", () => {
    const r = parseExpression(Array.from({ length: 2000 }, () => "a").join(" + "));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/too deeply nested/);
  });

  it("accepts 500-term chains (well beyond any real flow)", () => {
    expect(parseExpression(Array.from({ length: 400 }, () => "a").join(" + ")).ok).toBe(true);
  });
});
