import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateExpression, evaluateSource, ExpressionError } from "../../src/expr/index.js";
import { parse, run } from "./helpers.js";

interface SemanticsFixture {
  scope: Record<string, unknown>;
  rows: [string, unknown][];
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

describe("agrees with CPython", () => {
  // fixtures/python-semantics.json: each expression was evaluated by CPython 3.11 over the
  // same scope (dicts attribute-accessible); tuples there are lists here.
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/python-semantics.json", import.meta.url), "utf8")) as SemanticsFixture;
  it.each(fixture.rows)("%s", (src, expected) => {
    expect(run(src, fixture.scope)).toEqual(expected);
  });
});

describe("str() and float-ness", () => {
  it("tracks floats through arithmetic and builtins", () => {
    expect(run("str(x * 1.0)", { x: 3 })).toBe("3.0");
    expect(run("str(x / 1)", { x: 3 })).toBe("3.0");
    expect(run("str(x // 1)", { x: 3 })).toBe("3");
    expect(run("str(float(x))", { x: 3 })).toBe("3.0");
    expect(run("str(int(2.0))")).toBe("2");
    expect(run("str([x / 1 for x in xs])", { xs: [1, 2] })).toBe("[1.0, 2.0]");
    expect(run("str({'v': 4 / 2})")).toBe("{'v': 2.0}");
  });

  it("returns plain JSON numbers for floats (no boxes leak out)", () => {
    const out = run("[1.0, {'a': 2.0, 'b': [3 / 1]}, 4.5]");
    expect(out).toEqual([1, { a: 2, b: [3] }, 4.5]);
    expect(JSON.stringify(out)).toBe('[1,{"a":2,"b":[3]},4.5]');
    expect(typeof run("10 / 2")).toBe("number");
  });

  it("an input number is an int when integral (JSON.parse forgot the '.0')", () => {
    expect(run("str(v)", JSON.parse('{"v": 1.0}') as Record<string, unknown>)).toBe("1");
  });
});

describe("values from the run state", () => {
  it("returns run-state values by reference (no copies)", () => {
    const big = { items: [{ a: 1 }] };
    expect(run("big", { big })).toBe(big);
    expect(run("big.items", { big })).toBe(big.items);
    expect(run("[big.items[0]]", { big })).toEqual([big.items[0]]);
    expect((run("[big.items[0]]", { big }) as unknown[])[0]).toBe(big.items[0]);
  });

  it("never mutates the scope", () => {
    const scope = Object.freeze({ a: Object.freeze([1, 2]), d: Object.freeze({ k: 1 }) });
    expect(run("a + [3]", scope)).toEqual([1, 2, 3]);
    expect(run("sorted(a, reverse=True)", scope)).toEqual([2, 1]);
    expect(run("{'k': 2, 'x': d.k}", scope)).toEqual({ k: 2, x: 1 });
    expect(scope).toEqual({ a: [1, 2], d: { k: 1 } });
  });

  it("attribute access reads keys, even keys named like dict methods", () => {
    expect(run("d.items", { d: { items: [1] } })).toEqual([1]);
    expect(run("d.get('items')", { d: { items: [1] } })).toEqual([1]);
    expect(run("d['a-b']", { d: { "a-b": 1 } })).toBe(1);
    expect(run("`$.d['a-b']`", { d: { "a-b": 1 } })).toBe(1);
  });

  it("backtick paths read from the run-state root and can be indefinite", () => {
    const scope = { a: { list: [{ n: 1 }, { n: 2 }] } };
    expect(run("`$.a.list[1].n`", scope)).toBe(2);
    expect(run("`$.a.list[*].n`", scope)).toEqual([1, 2]);
    expect(run("sum(`$..n`)", scope)).toBe(3);
    expect(run("`$`", scope)).toBe(scope);
  });

  it("a '__proto__' key in a dict literal is data, not a prototype", () => {
    const out = run("{'__proto__': {'x': 1}}") as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect((out as { x?: unknown }).x).toBeUndefined();
  });

  it("inherited properties are not keys", () => {
    expect(() => run("d.constructor", { d: {} })).toThrow(/KeyError/);
    expect(() => run("constructor", {})).toThrow(/NameError/);
    expect(() => run("toString()", {})).toThrow(/NameError/);
    expect(() => run("'a'.constructor()", {})).toThrow(/AttributeError/);
    expect(() => run("d['toString']", { d: {} })).toThrow(/KeyError/);
    expect(run("'constructor' in d", { d: {} })).toBe(false);
  });
});

describe("errors are Python-like and name what is missing", () => {
  it("missing name", () => {
    const e = thrown(() => run("sorce.path + '/'", { source: {} }));
    expect(e.kind).toBe("NameError");
    expect(e.message).toBe("NameError: name 'sorce' is not defined at 0 (`sorce`) in expression `sorce.path + '/'`");
    expect(e.expression).toBe("sorce.path + '/'");
    expect(e.span).toEqual({ start: 0, end: 5 });
  });

  it("missing key via attribute and via index", () => {
    expect(thrown(() => run("source.pth.rstrip('/')", { source: { path: "/" } })).message).toMatch(
      /^KeyError: 'pth' not found in source at 0 \(`source.pth`\) in expression `source.pth.rstrip\('\/'\)`$/,
    );
    expect(thrown(() => run("d['x']", { d: {} })).message).toMatch(/KeyError: 'x' not found in d/);
    expect(thrown(() => run("d[1]", { d: {} })).message).toMatch(/KeyError: 1 not found in d/);
  });

  it("missing backtick path reports the failing prefix", () => {
    const e = thrown(() => run("`$.input.sorce.path`", { input: {} }));
    expect(e.kind).toBe("KeyError");
    expect(e.message).toMatch(/\$\.input\.sorce not found/);
  });

  it("index out of range", () => {
    expect(thrown(() => run("xs[3]", { xs: [1, 2, 3] })).message).toMatch(/IndexError: list index out of range \(index 3, length 3/);
    expect(thrown(() => run("xs[-4]", { xs: [1, 2, 3] })).kind).toBe("IndexError");
    expect(thrown(() => run("'ab'[2]")).message).toMatch(/string index out of range/);
  });

  it.each([
    ["'a' + 1", "TypeError", "unsupported operand type(s) for +: 'str' and 'int'"],
    ["1 + 'a'", "TypeError", "unsupported operand type(s) for +: 'int' and 'str'"],
    ["[1] + 'a'", "TypeError", "unsupported operand type(s) for +: 'list' and 'str'"],
    ["{} + {}", "TypeError", "unsupported operand type(s) for +: 'dict' and 'dict'"],
    ["None + 1", "TypeError", "unsupported operand type(s) for +: 'NoneType' and 'int'"],
    ["'a' - 'b'", "TypeError", "unsupported operand type(s) for -: 'str' and 'str'"],
    ["'a' * 1.5", "TypeError", "can't multiply sequence by non-int of type 'float'"],
    ["1 < 'a'", "TypeError", "'<' not supported between instances of 'int' and 'str'"],
    ["None < None", "TypeError", "'<' not supported between instances of 'NoneType' and 'NoneType'"],
    ["{} < {}", "TypeError", "'<' not supported between instances of 'dict' and 'dict'"],
    ["1 in 'abc'", "TypeError", "'in <string>' requires string as left operand, not int"],
    ["1 in 5", "TypeError", "argument of type 'int' is not iterable"],
    ["[1] in {'a': 1}", "TypeError", "unhashable type: 'list'"],
    ["-'a'", "TypeError", "bad operand type for unary -: 'str'"],
    ["1 / 0", "ZeroDivisionError", "division by zero"],
    ["1 // 0", "ZeroDivisionError", "integer division or modulo by zero"],
    ["1 % 0", "ZeroDivisionError", "integer modulo by zero"],
    ["0 ** -1", "ZeroDivisionError", "0.0 cannot be raised to a negative power"],
    ["'abc'.foo()", "AttributeError", "'str' object has no attribute 'foo'"],
    ["[1].append(2)", "AttributeError", "'list' object has no attribute 'append'"],
    ["None.x", "AttributeError", "'NoneType' object has no attribute 'x'"],
    ["'abc'.upper", "TypeError", "method 'upper' of 'str' must be called: upper(...)"],
    ["{'a': 1}.nope()", "AttributeError", "'dict' object has no attribute 'nope'"],
    ["{'a': 1}.a()", "TypeError", "'int' object is not callable"],
    ["xs[0]()", "TypeError", "'int' object is not callable"],
    ["nosuch(1)", "NameError", "name 'nosuch' is not defined (not a supported function)"],
    ["len", "NameError", "'len' is a function and must be called: len(...)"],
    ["len(5)", "TypeError", "object of type 'int' has no len()"],
    ["len(1, 2)", "TypeError", "len() takes exactly one argument (2 given)"],
    ["pathsplit()", "TypeError", "pathsplit() missing required argument 'path' (pos 1)"],
    ["str(1, 2)", "TypeError", "str() takes at most 1 argument (2 given)"],
    ["round(1.5, foo=1)", "TypeError", "round() got an unexpected keyword argument 'foo'"],
    ["int('1.5')", "ValueError", "invalid literal for int() with base 10: '1.5'"],
    ["float('abc')", "ValueError", "could not convert string to float: 'abc'"],
    ["max([])", "ValueError", "max() iterable argument is empty"],
    ["sorted([1, 'a'])", "TypeError", "'<' not supported between instances of 'str' and 'int'"],
    ["sorted(xs, key=xs)", "TypeError", "sorted(): key functions are not supported in flow expressions"],
    ["'a,b'.split('')", "ValueError", "empty separator"],
    ["'-'.join([1, 2])", "TypeError", "sequence item 0: expected str instance, int found"],
    ["[1, 2].index(5)", "ValueError", "5 is not in list"],
    ["'abc'.index('z')", "ValueError", "substring not found"],
    ["xs['a']", "TypeError", "list indices must be integers or slices, not str"],
    ["xs[1.0]", "TypeError", "list indices must be integers or slices, not float"],
    ["5[0]", "TypeError", "'int' object is not subscriptable"],
    ["{'a': 1}[0:1]", "TypeError", "unhashable type: 'slice'"],
    ["xs[::0]", "ValueError", "slice step cannot be zero"],
    ["xs['a':]", "TypeError", "slice indices must be integers or None"],
    ["{1: 'a'}", "TypeError", "dict keys must be strings (JSON object keys), not 'int'"],
    ["[a for a, b in [[1]]]", "ValueError", "not enough values to unpack (expected 2, got 1)"],
    ["[a for a, b in [[1, 2, 3]]]", "ValueError", "too many values to unpack (expected 2)"],
    ["[a for a, b in [1]]", "TypeError", "cannot unpack non-iterable int object"],
    ["[x for x in 5]", "TypeError", "'int' object is not iterable"],
    ["'%d' % 'x'", "TypeError", "%d format: a real number is required, not str"],
    ["'%s %s' % 'x'", "TypeError", "not enough arguments for format string"],
    ["'{}'.format()", "IndexError", "Replacement index 0 out of range for positional args tuple"],
    ["2.0 ** 10000", "OverflowError", "numerical result out of range"],
    ["(-8) ** 0.5", "ValueError", "a negative number raised to a fractional power is complex (not supported)"],
  ])("%s -> %s", (src, kind, detail) => {
    const e = thrown(() => run(src, { xs: [1, 2, 3] }));
    expect(e.kind).toBe(kind);
    expect(e.detail).toBe(detail);
    expect(e.message).toContain(src);
  });

  it("hand-built trees without source still produce messages", () => {
    const e = thrown(() => evaluateExpression({ type: "Name", name: "zz", start: 0, end: 2 }, {}));
    expect(e.message).toBe("NameError: name 'zz' is not defined");
  });

  it("evaluateSource reports syntax errors as ExpressionError", () => {
    const e = thrown(() => evaluateSource("a +", { a: 1 }));
    expect(e.kind).toBe("SyntaxError");
    expect(e.span).toEqual({ start: 3, end: 3 });
    expect(evaluateSource("a + 1", { a: 1 })).toBe(2);
  });
});

describe("Python semantics edge cases", () => {
  it("and/or return operands and short-circuit", () => {
    expect(run("a or b", { a: 0, b: "x" })).toBe("x");
    expect(run("a and b", { a: [], b: "x" })).toEqual([]);
    expect(run("a or missing", { a: 1 })).toBe(1);
    expect(run("a and missing", { a: 0 })).toBe(0);
    expect(run("x if True else missing", { x: 1 })).toBe(1);
  });

  it("chained comparisons evaluate the middle once and short-circuit", () => {
    expect(run("1 < x < 3", { x: 2 })).toBe(true);
    expect(run("3 < x < missing", { x: 2 })).toBe(false);
    expect(run("1 < 2 == 2 > 1")).toBe(true);
  });

  it("comprehension variables do not leak and shadow the run state inside", () => {
    expect(run("[x for x in [1, 2]] + [x]", { x: 9 })).toEqual([1, 2, 9]);
    expect(run("[[x, y] for x in xs for y in [x * 10]]", { xs: [1, 2] })).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(run("[[x for x in row] for row in rows]", { rows: [[1], [2, 3]] })).toEqual([[1], [2, 3]]);
    expect(() => run("[x for x in [1]] and x", {})).toThrow(/name 'x' is not defined/);
  });

  it("the first iterable of a comprehension is evaluated outside it", () => {
    expect(run("[x for x in x]", { x: [1, 2] })).toEqual([1, 2]);
  });

  it("strings index and slice by code point, like Python", () => {
    expect(run("len(s)", { s: "a😀b" })).toBe(3);
    expect(run("s[1]", { s: "a😀b" })).toBe("😀");
    expect(run("s[::-1]", { s: "a😀b" })).toBe("b😀a");
    expect(run("s.find('b')", { s: "a😀b" })).toBe(2);
    expect(run("list(s)", { s: "a😀" })).toEqual(["a", "😀"]);
  });

  it("is compares identity for containers, values for scalars", () => {
    expect(run("d is d", { d: {} })).toBe(true);
    expect(run("[] is []")).toBe(false);
    expect(run("1 is 1.0")).toBe(false);
    expect(run("True is True")).toBe(true);
  });

  it("tuples are lists (JSON has no tuples)", () => {
    expect(run("(1, 2) == [1, 2]")).toBe(true);
    expect(run("x in ('a', 'b')", { x: "b" })).toBe(true);
  });

  it("true/false/null are accepted as literals too", () => {
    expect(run("[true, false, null] == [True, False, None]")).toBe(true);
  });

  it("getattr also accepts Python's getattr(obj, 'key', default)", () => {
    expect(run("getattr(d, 'a')", { d: { a: 1 } })).toBe(1);
    expect(run("getattr(d, 'b', 2)", { d: { a: 1 } })).toBe(2);
  });

  it("is_present/getattr resolve _context and list indices in dotted names", () => {
    expect(run("is_present('_context.run_id')", {}, { context: { run_id: "r" } })).toBe(true);
    expect(run("getattr('a.1.b')", { a: [{}, { b: 7 }] })).toBe(7);
  });

  it("range is bounded", () => {
    expect(run("len(range(100000))")).toBe(100000);
    expect(thrown(() => run("range(100001)")).kind).toBe("LimitExceeded");
  });

  it("sequence repetition is bounded", () => {
    expect(thrown(() => run("'x' * 100000000")).kind).toBe("LimitExceeded");
  });

  it("sorted is stable, also in reverse", () => {
    expect(run("sorted([[1, 'b'], [0, 'z'], [1, 'a']])")).toEqual([
      [0, "z"],
      [1, "a"],
      [1, "b"],
    ]);
    expect(run("sorted([1, True, 1.0], reverse=True)")).toEqual([1, true, 1]);
  });
});

describe("step budget", () => {
  it("stops runaway evaluation with LimitExceeded", () => {
    const e = thrown(() => run("[[x + y for x in range(1000)] for y in range(1000)]"));
    expect(e.kind).toBe("LimitExceeded");
    expect(e.message).toMatch(/budget of 1000000 steps/);
  });

  it("is configurable", () => {
    expect(thrown(() => run("[x for x in range(100)]", {}, { maxSteps: 50 })).kind).toBe("LimitExceeded");
    expect(run("[x for x in range(100)]", {}, { maxSteps: 1000 })).toHaveLength(100);
  });

  it("each evaluation gets its own budget", () => {
    const e = parse("[x for x in range(400)]");
    for (let i = 0; i < 5; i++) expect(evaluateExpression(e, {}, { maxSteps: 2000 })).toHaveLength(400);
  });
});

describe("speed", () => {
  it("evaluates a corpus-sized expression over a 200 KB run state quickly", () => {
    const DATA = Array.from({ length: 2000 }, (_, i) => ({ name: `file-${i}.h5`, size: i, type: "file" }));
    const scope = { ls: { details: { DATA } }, source: { path: "/data/raw/" }, destination: { path: "/archive/" } };
    expect(JSON.stringify(scope).length).toBeGreaterThan(80_000);
    const e = parse(
      "[{'source_path': source.path.rstrip('/') + '/' + item.name, 'destination_path': destination.path.rstrip('/') + '/' + item.name} for item in ls.details.DATA]",
    );
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) evaluateExpression(e, scope);
    const perEval = (performance.now() - t0) / 20;
    expect(perEval).toBeLessThan(50);
  });
});

describe("unusual run states", () => {
  it("tolerates a run state that is not an object", () => {
    const notAnObject = [1, 2] as unknown as Record<string, unknown>;
    expect(evaluateExpression(parse("`$[1]`"), notAnObject)).toBe(2);
    expect(() => evaluateExpression(parse("x"), notAnObject)).toThrow(/name 'x' is not defined/);
    expect(() => evaluateExpression(parse("x"), null as unknown as Record<string, unknown>)).toThrow(/name 'x' is not defined/);
  });
});
