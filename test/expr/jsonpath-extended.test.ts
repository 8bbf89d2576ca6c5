/** JSONPath: blanks inside brackets, unions, filters (RFC 9535 semantics), `$..*`. */
import { describe, expect, it } from "vitest";
import {
  deletePath,
  formatJsonPath,
  isDefinitePath,
  parseJsonPath,
  PathError,
  readPath,
  writePath,
  type JsonPath,
  type Segment,
} from "../../src/expr/index.js";
import { run } from "./helpers.js";

function p(text: string): JsonPath {
  const r = parseJsonPath(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.value;
}

const key = (name: string) => ({ kind: "key", name }) as const;
const index = (i: number) => ({ kind: "index", index: i }) as const;
const at = (...segments: ({ kind: "key"; name: string } | { kind: "index"; index: number })[]) => ({ kind: "path", root: "@", segments }) as const;
const lit = (value: string | number | boolean | null) => ({ kind: "literal", value }) as const;

describe("parseJsonPath: extended accepted forms", () => {
  const cases: [string, Segment[]][] = [
    ["$.foo[ 0 ]", [key("foo"), index(0)]],
    ["$[ 'a' ]", [key("a")]],
    ['$[\t"a b"\n]', [key("a b")]],
    ["$.a[ -1 ]", [key("a"), index(-1)]],
    ["$.a[ * ]", [key("a"), { kind: "wildcard" }]],
    ["$.a[ 1 : 3 ]", [key("a"), { kind: "slice", start: 1, end: 3, step: null }]],
    ["$.a[ : : 2 ]", [key("a"), { kind: "slice", start: null, end: null, step: 2 }]],
    ["$.a[0,1]", [key("a"), { kind: "union", selectors: [index(0), index(1)] }]],
    ["$.a[ 0 , -1 ]", [key("a"), { kind: "union", selectors: [index(0), index(-1)] }]],
    ["$.a['b','c']", [key("a"), { kind: "union", selectors: [key("b"), key("c")] }]],
    ['$.a["b", 0, *, 1:2]', [key("a"), { kind: "union", selectors: [key("b"), index(0), { kind: "wildcard" }, { kind: "slice", start: 1, end: 2, step: null }] }]],
    ["$.a[?(@.x)]", [key("a"), { kind: "filter", text: "(@.x)", filter: { kind: "exists", path: at(key("x")) } }]],
    ["$.a[?@.x]", [key("a"), { kind: "filter", text: "@.x", filter: { kind: "exists", path: at(key("x")) } }]],
    ["$.a[?(@.size > 10)]", [key("a"), { kind: "filter", text: "(@.size > 10)", filter: { kind: "compare", op: ">", left: at(key("size")), right: lit(10) } }]],
    ["$.a[?(@.name == 'x')]", [key("a"), { kind: "filter", text: "(@.name == 'x')", filter: { kind: "compare", op: "==", left: at(key("name")), right: lit("x") } }]],
    [
      "$.a[ ?( @['k'][0] != null ) ]",
      [key("a"), { kind: "filter", text: "( @['k'][0] != null )", filter: { kind: "compare", op: "!=", left: at(key("k"), index(0)), right: lit(null) } }],
    ],
    ["$..*", [{ kind: "descent", name: null }]],
  ];
  it.each(cases)("%s", (text, segments) => {
    expect(parseJsonPath(text)).toEqual({ ok: true, value: { text, segments } });
  });

  it("parses && tighter than ||, ! and parentheses", () => {
    const r = p("$[?(@.a == 1 || @.b && !(@.c < -2.5e1))]");
    expect(r.segments[0]).toMatchObject({
      kind: "filter",
      filter: {
        kind: "or",
        operands: [
          { kind: "compare", op: "==", left: at(key("a")), right: lit(1) },
          {
            kind: "and",
            operands: [
              { kind: "exists", path: at(key("b")) },
              { kind: "not", operand: { kind: "compare", op: "<", left: at(key("c")), right: lit(-25) } },
            ],
          },
        ],
      },
    });
  });

  it("accepts every comparison operator and literal kind, and paths on both sides", () => {
    for (const op of ["==", "!=", "<", "<=", ">", ">="]) {
      for (const right of ["1", "-1.5", "'s'", '"s"', "true", "false", "null", "@.y", "$.limit", "@['q r']"]) {
        expect(parseJsonPath(`$.a[?(@.x ${op} ${right})]`).ok, `${op} ${right}`).toBe(true);
      }
    }
    expect(parseJsonPath("$.a[?(@.x>1&&@.y<2||@.z)]").ok).toBe(true);
    expect(parseJsonPath("$.a[?(@ == 3)]").ok).toBe(true);
    expect(parseJsonPath("$.a[?(@.x)].b[?(@.y)][0]").ok).toBe(true);
  });

  it("returns frozen filters (shared through the cache)", () => {
    const seg = p("$[?(@.a == 1)]").segments[0] as Segment & { kind: "filter" };
    expect(Object.isFrozen(seg.filter)).toBe(true);
  });
});

describe("parseJsonPath: still rejected", () => {
  const cases: [string, number, RegExp][] = [
    ["foo", 0, /expected '\$' at 0/],
    ["a[0]", 0, /expected '\$' at 0/],
    ["$.a.", 4, /after '\.' at 4, found end of path/],
    ["$.a[0", 5, /expected '\]' at 5 to close '\[' at 3/],
    ["$.a[0]]", 6, /expected '\.' or '\[' at 6, found '\]'/],
    ["$.a[ 0 ", 7, /expected '\]' at 7 to close '\[' at 3/],
    ["$.a[]", 4, /expected an index, slice, '\*' or quoted name at 4/],
    ["$.a[ ]", 5, /expected an index, slice, '\*' or quoted name at 5/],
    ["$.a[0]x", 6, /expected '\.' or '\[' at 6/],
    ["$.a[0] ", 6, /expected '\.' or '\[' at 6, found whitespace/],
    ["$.a[0,]", 6, /after ',' at 6/],
    ["$.a[,0]", 4, /expected an index/],
    ["$.a[0 1]", 6, /expected '\]' at 6 to close '\[' at 3, found '1'/],
    ["$.a['b' 'c']", 8, /expected '\]' at 8/],
    ["$.a[?]", 5, /expected '@', '\$', a number/],
    ["$.a[?()]", 6, /expected '@', '\$', a number/],
    ["$.a[?(@.x]", 9, /expected '\)' at 9 to close '\(' at 5 in the filter/],
    ["$.a[?(@.x > )]", 12, /expected '@', '\$', a number, a quoted string, true, false or null at 12/],
    ["$.a[?(1)]", 7, /expected a comparison operator/],
    ["$.a[?(@.x = 1)]", 10, /'=' at 10: use '==' to compare/],
    ["$.a[?(@.x == 'y)]", 17, /unterminated quoted name/],
    ["$.a[?(@.)]", 8, /expected a name after '\.' at 8 in the filter/],
    ["$.a[?(@[x])]", 8, /expected an index or a quoted name at 8 in the filter path/],
    ["$.a[?(@.x == nul)]", 13, /expected '@', '\$', a number/],
    ["$.a[?(@.x) junk]", 11, /expected '\]' at 11/],
    ["$.a[?(@.x &&)]", 12, /expected '@'/],
  ];
  it.each(cases)("%j", (text, offset, message) => {
    const r = parseJsonPath(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(message);
      expect(r.error.offset).toBe(offset);
    }
  });
});

describe("unions and filters are indefinite", () => {
  it.each([
    ["$.a[0,1]", false],
    ["$.a['b','c']", false],
    ["$.a[?(@.x)]", false],
    ["$.a[ 0 ]", true],
    ["$[ 'a' ].b", true],
    ["$..*", false],
  ])("%s -> %s", (text, definite) => {
    expect(isDefinitePath(p(text))).toBe(definite);
  });

  it("cannot be written or deleted", () => {
    expect(() => writePath({ a: [1, 2] }, p("$.a[0,1]"), 1)).toThrow(PathError);
    expect(() => writePath({ a: [1, 2] }, p("$.a[?(@ > 1)]"), 1)).toThrow(/unions, filters/);
    expect(() => deletePath({ a: [1, 2] }, p("$.a[0,1]"))).toThrow(PathError);
  });

  it("formats canonically", () => {
    expect(formatJsonPath(p("$.a[ 0 , 'b c' ,*, 1:2 ]").segments)).toBe("$.a[0,'b c',*,1:2]");
    expect(formatJsonPath(p("$.a[?(@.x > 1)].b").segments)).toBe("$.a[?(@.x > 1)].b");
    expect(formatJsonPath(p("$.a[ 0 ]").segments)).toBe("$.a[0]");
  });
});

describe("readPath with unions and filters", () => {
  const doc = {
    limit: 10,
    foo: [10, 20, 30],
    o: { b: 1, c: 2, d: 3 },
    files: [
      { name: "x", size: 5, tags: ["a"] },
      { name: "y", size: 20, kind: "dir" },
      { name: "x", size: 11, kind: null, copy: 11 },
      { name: "z", size: "12" },
      { name: "w", size: true },
    ],
  };
  const read = (text: string): unknown => {
    const r = readPath(doc, p(text));
    if (!r.found) throw new Error(`not found: ${text}`);
    return r.value;
  };

  it("blanks inside brackets change nothing", () => {
    expect(read("$.foo[ 0 ]")).toBe(10);
    expect(read("$[ 'foo' ][ -1 ]")).toBe(30);
    expect(read("$.foo[ 1 : ]")).toEqual([20, 30]);
  });

  it("unions concatenate their selectors' results in order, skipping missing ones", () => {
    expect(read("$.foo[0,1]")).toEqual([10, 20]);
    expect(read("$.foo[2, 0, 0]")).toEqual([30, 10, 10]);
    expect(read("$.foo[0, 7, -1]")).toEqual([10, 30]);
    expect(read("$.o['b','c']")).toEqual([1, 2]);
    expect(read("$.o['d', 'nope', 'b']")).toEqual([3, 1]);
    expect(read("$.foo[0, 1:]")).toEqual([10, 20, 30]);
    expect(read("$.files[0, 1].name")).toEqual(["x", "y"]);
  });

  it("existence filters (a null value exists)", () => {
    expect(read("$.files[?(@.kind)].name")).toEqual(["y", "x"]);
    expect(read("$.files[?(!@.kind)].name")).toEqual(["x", "z", "w"]);
    expect(read("$.files[?(@.tags[0])].name")).toEqual(["x"]);
  });

  it("comparisons with literals (numbers compare with numbers only; booleans are not numbers)", () => {
    expect(read("$.files[?(@.size > 10)].name")).toEqual(["y", "x"]);
    expect(read("$.files[?(@.size >= 11)].name")).toEqual(["y", "x"]);
    expect(read("$.files[?(@.size <= 5)].name")).toEqual(["x"]);
    expect(read("$.files[?(@.size == 1)].name")).toEqual([]);
    expect(read("$.files[?(@.size == true)].name")).toEqual(["w"]);
    expect(read("$.files[?(@.size == '12')].name")).toEqual(["z"]);
    expect(read("$.files[?(@.name == 'x')].size")).toEqual([5, 11]);
    expect(read('$.files[?(@.name != "x")].name')).toEqual(["y", "z", "w"]);
    expect(read("$.files[?(@.name < 'y')].name")).toEqual(["x", "x", "w"]);
    expect(read("$.files[?(@.kind == null)].name")).toEqual(["x"]);
  });

  it("a missing value equals only another missing value, and is never ordered", () => {
    expect(read("$.files[?(@.kind != 'dir')].name")).toEqual(["x", "x", "z", "w"]);
    expect(read("$.files[?(@.nope == @.other)].name")).toEqual(["x", "y", "x", "z", "w"]);
    expect(read("$.files[?(@.nope < 1)].name")).toEqual([]);
    expect(read("$.files[?(@.nope <= @.other)].name")).toEqual(["x", "y", "x", "z", "w"]);
  });

  it("compares two paths, relative (@) or from the root ($)", () => {
    expect(read("$.files[?(@.size == @.copy)].name")).toEqual(["x"]);
    expect(read("$.files[?(@.size > $.limit)].name")).toEqual(["y", "x"]);
  });

  it("combines tests with &&, || and parentheses", () => {
    expect(read("$.files[?(@.size > 10 && @.name == 'x')].size")).toEqual([11]);
    expect(read("$.files[?(@.size < 10 || @.name == 'y')].name")).toEqual(["x", "y"]);
    expect(read("$.files[?((@.name == 'z' || @.name == 'w') && !@.kind)].name")).toEqual(["z", "w"]);
  });

  it("filters the member values of an object too, and compares whole values", () => {
    expect(read("$.o[?(@ > 1)]")).toEqual([2, 3]);
    expect(read("$.files[?(@.tags == @.tags)].name")).toEqual(["x", "y", "x", "z", "w"]);
    expect(readPath({ l: [[1, 2], [1, 3], { a: 1 }] }, p("$.l[?(@[0] == 1 && @[1] >= 3)]"))).toEqual({ found: true, value: [[1, 3]] });
  });

  it("selects nothing from scalars and missing keys", () => {
    expect(read("$.limit[?(@)]")).toEqual([]);
    expect(read("$.nothing[?(@.x)]")).toEqual([]);
    expect(read("$.limit[0,1]")).toEqual([]);
  });

  it("$..* lists every descendant in document order", () => {
    expect(readPath({ a: { b: [1, { c: 2 }] }, d: 3 }, p("$..*"))).toEqual({ found: true, value: [{ b: [1, { c: 2 }] }, [1, { c: 2 }], 1, { c: 2 }, 2, 3] });
  });

  it("works in backtick paths inside expressions", () => {
    expect(run("`$.files[?(@.size > 10)].name`", doc)).toEqual(["y", "x"]);
    expect(run("len(`$.foo[ 0 , 2 ]`)", doc)).toBe(2);
    expect(run("[f.name for f in `$.files[?(@.kind)]`]", doc)).toEqual(["y", "x"]);
  });
});
