/**
 * The Python expression forms a real definition may contain beyond the original subset:
 * tuple/nested/starred comprehension targets, sets, tuples, f-strings, `*`/`**` unpacking,
 * line continuations; and the `unsupported` flag for valid Python flowsmith rejects.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExpressionError, freeNames, parseExpression, readPaths, type Expr } from "../../src/expr/index.js";
import { parse, problem, run, sexp } from "./helpers.js";

interface FormsFixture {
  python: string;
  scope: Record<string, unknown>;
  rows: [string, unknown][];
  /** [text, whether CPython's parser (ast.parse, eval mode) accepts it] */
  validity: [string, boolean][];
}

function thrown(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error("expected an ExpressionError");
}

describe("agrees with CPython on the extended forms", () => {
  // fixtures/python-forms.json is written by fixtures/python-forms.py (CPython 3.11).
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/python-forms.json", import.meta.url), "utf8")) as FormsFixture;
  it("covers every group of forms", () => {
    expect(fixture.rows.length).toBeGreaterThan(140);
  });
  it.each(fixture.rows)("%s", (src, expected) => {
    expect(run(src, fixture.scope)).toEqual(expected);
  });
});

describe("accepts what CPython's parser accepts (or flags it unsupported)", () => {
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/python-forms.json", import.meta.url), "utf8")) as FormsFixture;
  // Deliberate differences: Python 3.12 nesting of format specs is accepted; CPython
  // rejects these only when compiling (repeated keyword) or decoding (unknown \N name).
  const DIFFERENCES = new Map<string, string>([
    ["f'{a:{b:{c}}}'", "ok"],
    ["f(a=1, a=2)", "error"],
    ["'\\N{DASH}'", "unsupported"],
    ["f'\\N{DASH}'", "unsupported"],
  ]);
  it.each(fixture.validity)("%j (CPython: %s)", (src, valid) => {
    const r = parseExpression(src);
    const ours = r.ok ? "ok" : r.error.unsupported ? "unsupported" : "error";
    if (DIFFERENCES.has(src)) expect(ours).toBe(DIFFERENCES.get(src));
    else if (valid) expect(ours, r.ok ? "" : r.error.message).not.toBe("error");
    else expect(ours).not.toBe("ok");
  });
});

describe("grammar: extended forms", () => {
  const cases: [string, string][] = [
    // comprehension targets
    ["[a for (a, b) in pairs]", "(listcomp a for a,b in pairs)"],
    ["[k for k, v in d.items()]", "(listcomp k for k,v in (call (. d items)))"],
    ["[c for (a, (b, c)) in xs]", "(listcomp c for a,(b,c) in xs)"],
    ["[c for a, [b, c] in xs]", "(listcomp c for a,(b,c) in xs)"],
    ["[b for *a, b in rows]", "(listcomp b for *a,b in rows)"],
    ["[x for x, in xs]", "(listcomp x for x, in xs)"],
    ["[x for (x) in xs]", "(listcomp x for x in xs)"],
    ["[1 for () in xs]", "(listcomp 1 for  in xs)"],
    // sets and tuples
    ["{1, 2}", "(set 1 2)"],
    ["{1}", "(set 1)"],
    ["{1, 2,}", "(set 1 2)"],
    ["{x for x in xs}", "(setcomp x for x in xs)"],
    ["{x for x, y in xs if y}", "(setcomp x for x,y in xs if y)"],
    ["{*a, b}", "(set *a b)"],
    ["a, b", "[a b]"],
    ["a, b,", "[a b]"],
    ["a if c else b, d", "[(if c a b) d]"],
    ["(a, *b)", "[a *b]"],
    ["(*a,)", "[*a]"],
    // unpacking
    ["max(*xs)", "(call max *xs)"],
    ["f(**kw)", "(call f **kw)"],
    ["f(a, *b, c, k=1, *d, **e, j=2)", "(call f a *b c *d k=1 **e j=2)"],
    ["f(*a if c else b)", "(call f *(if c a b))"],
    ["[*a, *b]", "[*a *b]"],
    ["[*a + b]", "[*(+ a b)]"],
    ["{**a, 'k': 1}", '{**a, "k": 1}'],
    ["{'k': 1, **a, **b}", '{"k": 1, **a, **b}'],
    // f-strings
    ["f'{a}'", "(f {a})"],
    ["f'x{a}y'", '(f "x" {a} "y")'],
    ['f"{x.y!r:>10}"', '(f {(. x y)!r:(f ">10")})'],
    ["f'{{literal}}'", '(f "{literal}")'],
    ["f'{a:{w}}'", "(f {a:(f {w})})"],
    ["f'{a=}'", '(f "a=" {a!r})'],
    ["f'{a=:>3}'", '(f "a=" {a:(f ">3")})'],
    ["'p' f'{a}' 's'", '(f "p" {a} "s")'],
    ["f'{x[\"k\"]}'", '(f {(index x "k")})'],
    ["f'{x['k']}'", '(f {(index x "k")})'],
    ["f'{a if b else c}'", "(f {(if b a c)})"],
    ["f'{a, b}'", "(f {[a b]})"],
    ["f'{a != b}'", "(f {(cmp a != b)})"],
    ["f'{ {\"k\": 1} }'", '(f {{"k": 1}})'],
    ["f''", "(f )"],
    // continuation, concatenation, conditionals
    ["a + \\\n b", "(+ a b)"],
    ["a + \\\r\n b", "(+ a b)"],
    ["'a' \\\n 'b'", '"ab"'],
    ["[x if x else y for x in xs if x if not y]", "(listcomp (if x x y) for x in xs if x if (not y))"],
    ["a not in b and c is not d", "(and (cmp a not in b) (cmp c is not d))"],
    ["a < b < c <= d", "(cmp a < b < c <= d)"],
  ];
  it.each(cases)("%s", (src, tree) => {
    expect(sexp(parse(src))).toBe(tree);
  });

  it("records what each for-target binds, flat and structured", () => {
    const e = parse("[c for (a, (b, *c)) in xs]") as Expr & { type: "ListComp" };
    expect(e.clauses[0]!.targets).toEqual(["a", "b", "c"]);
    expect(e.clauses[0]!.target).toEqual({
      kind: "tuple",
      elements: [
        { kind: "name", name: "a" },
        { kind: "tuple", elements: [{ kind: "name", name: "b" }, { kind: "starred", target: { kind: "name", name: "c" } }] },
      ],
    });
  });

  it("gives f-string fields absolute source spans", () => {
    const e = parse("'ab' f'{x.y}'") as Expr & { type: "FString" };
    expect(e).toMatchObject({ type: "FString", start: 0, end: 13 });
    const field = e.parts[1];
    expect(typeof field).toBe("object");
    expect(field).toMatchObject({ start: 7, end: 12, value: { type: "Attribute", start: 8, end: 11 } });
  });

  it("points evaluation errors inside f-string fields at the sub-expression", () => {
    const err = thrown(() => run("f'value: {d.missing}'", { d: {} }));
    expect(err.kind).toBe("KeyError");
    expect(err.span).toEqual({ start: 10, end: 19 });
  });

  it("accepts a field that reuses the enclosing quote (Python 3.12) and nests f-strings", () => {
    expect(run("f'{d['a']}'", { d: { a: 1 } })).toBe("1");
    expect(run("f'{f'{n}' + 'x'}'", { n: 3 })).toBe("3x");
  });
});

describe("evaluation of the extended forms (flowsmith-specific semantics)", () => {
  it("a set is a list without duplicates, in first-occurrence order", () => {
    expect(run("{3, 1, 3, 2}")).toEqual([3, 1, 2]);
    expect(run("{x % 3 for x in xs}", { xs: [5, 3, 2, 4] })).toEqual([2, 0, 1]);
    expect(run("{1, True, 1.0, 'a', 'a', None, None}")).toEqual([1, "a", null]);
    expect(run("{*a, *b}", { a: [1, 2], b: [2, 3] })).toEqual([1, 2, 3]);
  });

  it("lists and dicts in a set are unhashable, as in Python", () => {
    expect(thrown(() => run("{[1], 2}")).message).toMatch(/TypeError: unhashable type: 'list'/);
    expect(thrown(() => run("{d for d in ds}", { ds: [{}] })).message).toMatch(/unhashable type: 'dict'/);
  });

  it("tuples (bare and parenthesised) are lists", () => {
    expect(run("a, b", { a: 1, b: [2] })).toEqual([1, [2]]);
    expect(run("str((1, 2))")).toBe("[1, 2]");
    expect(run("f'{1, 2}'")).toBe("[1, 2]");
  });

  it("unpacking errors read like Python's", () => {
    expect(thrown(() => run("[*n]", { n: 1 })).message).toMatch(/TypeError: Value after \* must be an iterable, not int at 1 \(`\*n`\)/);
    expect(thrown(() => run("max(**xs)", { xs: [1] })).message).toMatch(/TypeError: max\(\) argument after \*\* must be a mapping, not list/);
    expect(thrown(() => run("max([], **kw, default=2)", { kw: { default: 1 } })).message).toMatch(
      /max\(\) got multiple values for keyword argument 'default'/,
    );
    expect(thrown(() => run("{**xs}", { xs: [1] })).message).toMatch(/TypeError: 'list' object is not a mapping/);
    expect(thrown(() => run("[a for a, b in xs]", { xs: [[1, 2, 3]] })).message).toMatch(/ValueError: too many values to unpack \(expected 2\)/);
    expect(thrown(() => run("[a for a, (b, c) in xs]", { xs: [[1, [2]]] })).message).toMatch(
      /ValueError: not enough values to unpack \(expected 2, got 1\)/,
    );
    expect(thrown(() => run("[a for a, *b, c in xs]", { xs: [[1]] })).message).toMatch(
      /ValueError: not enough values to unpack \(expected at least 2, got 1\)/,
    );
    expect(thrown(() => run("[a for (a, b) in xs]", { xs: [1] })).message).toMatch(/TypeError: cannot unpack non-iterable int object/);
  });

  it("f-strings use str(), repr(), ascii() and the format-spec machinery", () => {
    const scope = { x: { y: "hi" }, n: 7, f: 2.5, u: "é" };
    expect(run('f"{x.y!r:>10}"', scope)).toBe("      'hi'");
    expect(run("f'{n / 7}'", scope)).toBe("1.0");
    expect(run("f'{[n / 7]}'", scope)).toBe("[1.0]");
    expect(run("f'{u!a}{u!s}{u!r}'", scope)).toBe("'\\xe9'é'é'");
    expect(run("f'{\"big\" if n > 5 else \"small\"}'", scope)).toBe("big");
    expect(run("f'{n:{\"0\"}{3}d}'", scope)).toBe("007");
    expect(thrown(() => run("f'{x:>5}'", scope)).message).toMatch(/TypeError: unsupported format string passed to dict.__format__/);
    expect(thrown(() => run("f'{x.y:d}'", scope)).message).toMatch(/ValueError: Unknown format code 'd' for object of type 'str'/);
  });

  it("a backslash before a brace is a literal backslash; raw f-strings keep escapes", () => {
    expect(run("f'\\{n}'", { n: 1 })).toBe("\\1");
    expect(run("rf'\\n{n}'", { n: 1 })).toBe("\\n1");
    expect(run("f'\\x41{n}\\u00e9'", { n: 1 })).toBe("A1é");
  });
});

describe("static analysis sees through the extended forms", () => {
  it("reads of tuple-target comprehensions, unpacking and f-strings", () => {
    expect(freeNames(parse("[a for (a, b) in pairs]"))).toEqual(["pairs"]);
    expect(readPaths(parse("[a.x for (a, b) in pairs]"))).toEqual(["pairs"]);
    expect(readPaths(parse("[a.x for (a) in items]"))).toEqual(["items", "items[*].x"]);
    expect(readPaths(parse("f'{src.path}/{dst.path!r}'"))).toEqual(["src.path", "dst.path"]);
    expect(readPaths(parse("{**opts, 'k': v.w}"))).toEqual(["opts", "v.w"]);
    expect(readPaths(parse("max(*xs, **kw)"))).toEqual(["xs", "kw"]);
    expect(readPaths(parse("{x.n for x in items}"))).toEqual(["items", "items[*].n"]);
    expect(readPaths(parse("`$.items[?(@.size > 1)].name`"))).toEqual(["items[*].name"]);
  });
});

describe("syntax errors in the extended forms", () => {
  const cases: [string, number, RegExp][] = [
    ["*a", 0, /expected an operand, found '\*'/],
    ["*a, b", 0, /expected an operand, found '\*'/],
    ["a, *b", 3, /starred expression at 3 is not allowed in a bare tuple/],
    ["(*a)", 1, /cannot use starred expression here/],
    ["[*a for a in b]", 1, /cannot be used in a comprehension/],
    ["{*a for a in b}", 1, /cannot be used in a comprehension/],
    ["f(**kw, *a)", 8, /iterable argument unpacking at 8 follows keyword argument unpacking/],
    ["f(**kw, x)", 8, /positional argument at 8 follows keyword argument unpacking/],
    ["{**a: 1}", 4, /expected ',' or '\}'/],
    ["{1: 2, 3}", 8, /expected ':' after the dict key at 7/],
    ["{1, 2: 3}", 5, /expected ',' or '\}' to close '\{' at 0/],
    ["[x for *a in xs]", 7, /starred assignment target at 7 must be in a list or tuple/],
    ["[x for *a, *b in xs]", 7, /multiple starred names/],
    ["[x for (a, b in xs]", 13, /expected ',' or '\)' to close '\(' at 7/],
    ["[x for 1 in xs]", 7, /expected a loop variable name after 'for'/],
    ["f'{}'", 3, /f-string: empty expression not allowed/],
    ["f'{ }'", 4, /f-string: empty expression not allowed/],
    ["f'{x!z}'", 5, /f-string: invalid conversion character/],
    ["f'{x!r x}'", 6, /f-string: expecting '\}'/],
    ["f'}'", 2, /f-string: single '\}' at 2 is not allowed/],
    ["f'{x'", 5, /unterminated/],
    ["f'{x", 4, /f-string: expecting '\}' to close '\{' at 2/],
    ["f'{a)}'", 4, /f-string: unmatched '\)'/],
    ["f'{a b}'", 5, /found 'b' at 5 \(two operands/],
    ["f'{x:{y}'", 8, /f-string: expecting '\}'/],
    ["f'abc", 5, /unterminated f-string literal/],
    ["f'a\nb'", 3, /unterminated f-string literal/],
    ["1 + \\ 2", 4, /unexpected character after line continuation character/],
    ["y := 2", 2, /assignment ':=' at 2 is not allowed/],
  ];
  it.each(cases)("%j", (src, offset, message) => {
    const e = problem(src);
    expect(e.message).toMatch(message);
    expect(e.offset).toBe(offset);
    expect(e.unsupported).toBeUndefined();
  });
});

describe("valid Python that is not supported: error.unsupported === true", () => {
  const cases: [string, number, RegExp][] = [
    ["lambda x: x", 0, /'lambda' at 0: lambda functions are not supported in Globus expressions/],
    ["sorted(xs, key=lambda x: x.size)", 15, /'lambda' at 15/],
    ["f'{(lambda: 1)}'", 4, /'lambda'/],
    ["(y := 2)", 3, /assignment expression ':=' \(walrus\) at 3 is not supported in Globus expressions/],
    ["[y := 1, y]", 3, /walrus/],
    ["f(y := 2)", 4, /walrus/],
    ["x[i := 0]", 4, /walrus/],
    ["{y := 1}", 3, /walrus/],
    ["(yield)", 1, /'yield' at 1 is not supported in Globus expressions/],
    ["(yield x)", 1, /'yield'/],
    ["(yield from xs)", 1, /'yield'/],
    ["f'{yield}'", 3, /'yield'/],
    ["await x", 0, /'await' at 0 is not supported in Globus expressions/],
    ["x + await y", 4, /'await'/],
    ["[x async for x in y]", 3, /'async for' at 3 is not supported/],
    ["...", 0, /Ellipsis '\.\.\.' at 0 is not supported in Globus expressions/],
    ["x[...]", 2, /Ellipsis/],
    ["x[1, 2]", 3, /multiple indices \(a tuple subscript\) at 3 are not supported in Globus expressions/],
    ["x[1:2, ::3]", 5, /tuple subscript/],
    ["x[1,]", 3, /tuple subscript/],
    ["x[*a]", 2, /tuple subscript/],
    ["a | b", 2, /operator '\|' at 2 is not supported in Globus expressions/],
    ["d1 | d2", 3, /operator '\|'/],
    ["a & b", 2, /operator '&'/],
    ["a ^ b", 2, /operator '\^'/],
    ["a << 1", 2, /operator '<<'/],
    ["a >> 1", 2, /operator '>>'/],
    ["a @ b", 2, /operator '@'/],
    ["~a", 0, /operator '~'/],
    ["[a | b]", 3, /operator '\|'/],
    ["[1 for x.y in z]", 8, /assigning to an attribute or subscript in a 'for' target \(at 8\) is not supported/],
    ["[1 for x[0] in z]", 8, /attribute or subscript/],
    ["b'x'", 0, /bytes literal at 0 is not supported in Globus expressions/],
    ["rb'x'", 0, /bytes literal/],
    ["1j", 0, /complex numbers \(at 0\) are not supported in Globus expressions/],
    ["2.5J", 0, /complex numbers/],
    ["'\\N{EM DASH}'", 1, /\\N\{\.\.\.\} escapes .* not supported in Globus expressions/],
  ];
  it.each(cases)("%j", (src, offset, message) => {
    const r = parseExpression(src);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toEqual({ message: expect.stringMatching(message), offset, unsupported: true });
      expect(r.error.message).toMatch(/not supported in Globus expressions/);
    }
  });

  it("statements and malformed text are plain syntax errors (no unsupported flag)", () => {
    for (const src of ["x = 1", "x += 1", "import os", "def f(): pass", "a; b", "return 1", "x + yield", "a +", "| a", "a ~ b", "a -> b"]) {
      const r = parseExpression(src);
      expect(r.ok, src).toBe(false);
      if (!r.ok) expect("unsupported" in r.error, src).toBe(false);
    }
  });
});
