import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compileJsonPath,
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

function p(text: string): JsonPath {
  const r = parseJsonPath(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.value;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

describe("parseJsonPath: accepted forms", () => {
  const cases: [string, Segment[]][] = [
    ["$", []],
    ["$.input", [{ kind: "key", name: "input" }]],
    ["$.input.source-dir", [{ kind: "key", name: "input" }, { kind: "key", name: "source-dir" }]],
    ["$._context.run_id", [{ kind: "key", name: "_context" }, { kind: "key", name: "run_id" }]],
    ["$.foo[0]", [{ kind: "key", name: "foo" }, { kind: "index", index: 0 }]],
    ["$.a[-1]", [{ kind: "key", name: "a" }, { kind: "index", index: -1 }]],
    [
      "$.user_transfer_inputs.transfer_items[0].destination_path",
      [
        { kind: "key", name: "user_transfer_inputs" },
        { kind: "key", name: "transfer_items" },
        { kind: "index", index: 0 },
        { kind: "key", name: "destination_path" },
      ],
    ],
    ["$['a b']", [{ kind: "key", name: "a b" }]],
    ['$["x.y"]', [{ kind: "key", name: "x.y" }]],
    ["$['it\\'s']", [{ kind: "key", name: "it's" }]],
    ['$["q\\"\\\\\\u0041"]', [{ kind: "key", name: 'q"\\A' }]],
    ["$['']", [{ kind: "key", name: "" }]],
    ["$[*]", [{ kind: "wildcard" }]],
    ["$.a.*", [{ kind: "key", name: "a" }, { kind: "wildcard" }]],
    ["$.a[1:3]", [{ kind: "key", name: "a" }, { kind: "slice", start: 1, end: 3, step: null }]],
    ["$.input.Hellos[1:]", [{ kind: "key", name: "input" }, { kind: "key", name: "Hellos" }, { kind: "slice", start: 1, end: null, step: null }]],
    ["$.a[::2]", [{ kind: "key", name: "a" }, { kind: "slice", start: null, end: null, step: 2 }]],
    ["$.a[-2:-1:-1]", [{ kind: "key", name: "a" }, { kind: "slice", start: -2, end: -1, step: -1 }]],
    ["$..name", [{ kind: "descent", name: "name" }]],
    ["$.a..*", [{ kind: "key", name: "a" }, { kind: "descent", name: null }]],
  ];
  it.each(cases)("%s", (text, segments) => {
    const r = parseJsonPath(text);
    expect(r).toEqual({ ok: true, value: { text, segments } });
  });
});

describe("parseJsonPath: rejected forms report where and what", () => {
  const cases: [string, number, RegExp][] = [
    ["", 0, /expected '\$' at 0/],
    ["input.x", 0, /starts with '\$'/],
    ["$.", 2, /expected a name or '\*' after '\.' at 2/],
    ["$..", 3, /after '\.\.' at 3/],
    ["$.a.", 4, /after '\.' at 4, found end of path/],
    ["$.a[0", 5, /expected '\]' at 5 to close '\[' at 3/],
    ["$.a['x'", 7, /expected '\]' at 7 to close '\[' at 3/],
    ["$.a['x", 6, /unterminated quoted name/],
    ["$.a[]", 4, /expected an index, slice, '\*' or quoted name at 4/],
    ["$.a[x]", 4, /expected an index/],
    ["$.a b", 3, /whitespace/],
    ["$ .a", 1, /whitespace/],
    ["$.a]", 3, /expected '\.' or '\[' at 3, found '\]'/],
    ["$x", 1, /expected '\.' or '\[' at 1/],
    ["$.a[0]x", 6, /expected '\.' or '\[' at 6/],
    ["$.a[1:2:0]", 3, /step cannot be zero/],
    ["$.a[1:2:3:4]", 9, /expected '\]'/],
  ];
  it.each(cases)("%j", (text, offset, message) => {
    const r = parseJsonPath(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.offset).toBe(offset);
      expect(r.error.message).toMatch(message);
    }
  });
});

describe("compileJsonPath", () => {
  it("returns the cached parse for repeated text", () => {
    const a = compileJsonPath("$.cache.me[0]");
    const b = compileJsonPath("$.cache.me[0]");
    expect(a).toBe(b);
    expect(a.ok).toBe(true);
  });
  it("caches failures too", () => {
    expect(compileJsonPath("$.bad.")).toBe(compileJsonPath("$.bad."));
  });
  it("returns frozen paths so the cache cannot be corrupted", () => {
    const r = compileJsonPath("$.frozen");
    if (!r.ok) throw new Error("parse");
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(Object.isFrozen(r.value.segments)).toBe(true);
  });
});

describe("isDefinitePath / formatJsonPath", () => {
  it.each([
    ["$", true],
    ["$.a.b[0]", true],
    ["$.a[*]", false],
    ["$.a.*", false],
    ["$.a[0:1]", false],
    ["$..a", false],
  ])("%s -> %s", (text, definite) => {
    expect(isDefinitePath(p(text))).toBe(definite);
  });
  it("formats segments canonically", () => {
    expect(formatJsonPath(p("$['a'].b[0]['c d'][*][1:]..e").segments)).toBe("$.a.b[0]['c d'][*][1:]..e");
  });
});

describe("readPath", () => {
  const doc = {
    input: { source: { path: "/a/" }, list: [10, 20, 30], nul: null, zero: 0, "odd key": 1 },
    people: [{ name: "x", tags: { name: "inner" } }, { name: "y" }],
  };

  it("reads definite paths", () => {
    expect(readPath(doc, p("$.input.source.path"))).toEqual({ found: true, value: "/a/" });
    expect(readPath(doc, p("$.input.list[1]"))).toEqual({ found: true, value: 20 });
    expect(readPath(doc, p("$.input.list[-1]"))).toEqual({ found: true, value: 30 });
    expect(readPath(doc, p("$['input']['odd key']"))).toEqual({ found: true, value: 1 });
    expect(readPath(doc, p("$"))).toEqual({ found: true, value: doc });
  });

  it("finds falsy values (null, 0)", () => {
    expect(readPath(doc, p("$.input.nul"))).toEqual({ found: true, value: null });
    expect(readPath(doc, p("$.input.zero"))).toEqual({ found: true, value: 0 });
  });

  it("reports the prefix where the lookup failed", () => {
    expect(readPath(doc, p("$.input.sorce"))).toEqual({ found: false, missingAt: "$.input.sorce" });
    expect(readPath(doc, p("$.input.sorce.path"))).toEqual({ found: false, missingAt: "$.input.sorce" });
    expect(readPath(doc, p("$.input.list[3]"))).toEqual({ found: false, missingAt: "$.input.list[3]" });
    expect(readPath(doc, p("$.input.source.path.x"))).toEqual({ found: false, missingAt: "$.input.source.path.x" });
    expect(readPath(doc, p("$.input.list.length"))).toEqual({ found: false, missingAt: "$.input.list.length" });
    expect(readPath(doc, p("$.input.nul.x"))).toEqual({ found: false, missingAt: "$.input.nul.x" });
  });

  it("does not see inherited properties", () => {
    expect(readPath(doc, p("$.input.toString")).found).toBe(false);
    expect(readPath(doc, p("$.__proto__")).found).toBe(false);
  });

  it("returns arrays of matches for indefinite paths", () => {
    expect(readPath(doc, p("$.input.list[*]"))).toEqual({ found: true, value: [10, 20, 30] });
    expect(readPath(doc, p("$.input.list[1:]"))).toEqual({ found: true, value: [20, 30] });
    expect(readPath(doc, p("$.input.list[::-1]"))).toEqual({ found: true, value: [30, 20, 10] });
    expect(readPath(doc, p("$.people[*].name"))).toEqual({ found: true, value: ["x", "y"] });
    expect(readPath(doc, p("$..name"))).toEqual({ found: true, value: ["x", "inner", "y"] });
    expect(readPath(doc, p("$.input.source.*"))).toEqual({ found: true, value: ["/a/"] });
    expect(readPath(doc, p("$.missing[*]"))).toEqual({ found: true, value: [] });
    expect(readPath({ a: { b: [1, { c: 2 }] } }, p("$.a..*"))).toEqual({ found: true, value: [[1, { c: 2 }], 1, { c: 2 }, 2] });
  });
});

describe("writePath", () => {
  it("sets a value with structural sharing and without mutating the input", () => {
    const doc = deepFreeze({ a: { b: { c: 1 }, keep: { big: [1, 2, 3] } }, other: { x: 1 }, list: [{ y: 1 }, { y: 2 }] });
    const out = writePath(doc, p("$.a.b.c"), 2) as typeof doc;
    expect(out).toEqual({ a: { b: { c: 2 }, keep: { big: [1, 2, 3] } }, other: { x: 1 }, list: [{ y: 1 }, { y: 2 }] });
    expect(doc.a.b.c).toBe(1);
    expect(out).not.toBe(doc);
    expect(out.a).not.toBe(doc.a);
    expect(out.a.keep).toBe(doc.a.keep);
    expect(out.other).toBe(doc.other);
    expect(out.list).toBe(doc.list);
  });

  it("writes into arrays by index, copying only that array", () => {
    const doc = deepFreeze({ list: [{ y: 1 }, { y: 2 }], z: {} });
    const out = writePath(doc, p("$.list[1].y"), 5) as typeof doc;
    expect(out.list).toEqual([{ y: 1 }, { y: 5 }]);
    expect(out.list[0]).toBe(doc.list[0]);
    expect(out.z).toBe(doc.z);
    expect(writePath(doc, p("$.list[-1]"), "last")).toEqual({ list: [{ y: 1 }, "last"], z: {} });
    expect(writePath(doc, p("$.list[2]"), "appended")).toEqual({ list: [{ y: 1 }, { y: 2 }, "appended"], z: {} });
  });

  it("creates missing intermediate objects", () => {
    expect(writePath({ a: 1 }, p("$.x.y.z"), true)).toEqual({ a: 1, x: { y: { z: true } } });
    expect(writePath(undefined, p("$.x"), 1)).toEqual({ x: 1 });
  });

  it("replaces the whole document for $", () => {
    const v = { new: true };
    expect(writePath({ old: 1 }, p("$"), v)).toBe(v);
  });

  it("keeps a __proto__ key as data", () => {
    const out = writePath({}, p("$['__proto__']"), { polluted: true }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("throws ResultPathMatchFailure through a scalar, null or a list", () => {
    const attempts: [unknown, string][] = [
      [{ a: "str" }, "$.a.b"],
      [{ a: 5 }, "$.a.b"],
      [{ a: null }, "$.a.b"],
      [{ a: [1] }, "$.a.b"],
      [{ a: { b: 1 } }, "$.a[0]"],
      [{ a: [1] }, "$.a[5]"],
    ];
    for (const [doc, path] of attempts) {
      let err: unknown;
      try {
        writePath(doc, p(path), 1);
      } catch (e) {
        err = e;
      }
      expect(err, path).toBeInstanceOf(PathError);
      expect((err as PathError).code).toBe("ResultPathMatchFailure");
      expect((err as PathError).message).toContain(path);
    }
    try {
      writePath({ a: "str" }, p("$.a.b.c"), 1);
    } catch (e) {
      expect((e as PathError).at).toBe("$.a");
    }
  });

  it("rejects indefinite paths", () => {
    expect(() => writePath({ a: [1] }, p("$.a[*]"), 1)).toThrow(PathError);
    expect(() => writePath({ a: [1] }, p("$..a"), 1)).toThrow(/not definite/);
  });

  it("is fast on large documents (no deep clone per write)", () => {
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) big[`k${i}`] = { payload: "x".repeat(100), list: [1, 2, 3] };
    let doc: unknown = { big, counter: { n: 0 } };
    const path = p("$.counter.n");
    for (let i = 0; i < 2000; i++) doc = writePath(doc, path, i);
    expect((doc as { big: unknown }).big).toBe(big);
    expect((doc as { counter: { n: number } }).counter.n).toBe(1999);
  });
});

describe("deletePath", () => {
  it("implements Pass InputPath+ResultPath move semantics (DOCS pass_state)", () => {
    const input = deepFreeze({ DataOrigin: { x: 1 }, DataTransitMethod: "Y" });
    const moved = readPath(input, p("$.DataOrigin"));
    expect(moved.found).toBe(true);
    const without = deletePath(input, p("$.DataOrigin"));
    const out = writePath(without, p("$.DataDestination"), moved.found ? moved.value : null);
    expect(out).toEqual({ DataDestination: { x: 1 }, DataTransitMethod: "Y" });
    expect(input).toEqual({ DataOrigin: { x: 1 }, DataTransitMethod: "Y" });
  });

  it("deletes nested keys and list items with structural sharing", () => {
    const doc = deepFreeze({ a: { b: 1, c: 2 }, d: { e: 1 }, l: [1, 2, 3] });
    const out = deletePath(doc, p("$.a.b")) as typeof doc;
    expect(out).toEqual({ a: { c: 2 }, d: { e: 1 }, l: [1, 2, 3] });
    expect(out.d).toBe(doc.d);
    expect(deletePath(doc, p("$.l[1]"))).toEqual({ a: { b: 1, c: 2 }, d: { e: 1 }, l: [1, 3] });
  });

  it("returns the same document when the path is absent", () => {
    const doc = { a: { b: 1 } };
    expect(deletePath(doc, p("$.a.x"))).toBe(doc);
    expect(deletePath(doc, p("$.x.y"))).toBe(doc);
    expect(deletePath(doc, p("$.a.b.c"))).toBe(doc);
  });

  it("refuses the root and indefinite paths", () => {
    expect(() => deletePath({}, p("$"))).toThrow(PathError);
    expect(() => deletePath({}, p("$.a[*]"))).toThrow(PathError);
  });
});

describe("corpus paths", () => {
  const dir = new URL("../../../shared/corpus/", import.meta.url);
  const PATH_FIELDS = new Set(["InputPath", "ResultPath", "Variable", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath"]);
  const found: { key: string; path: string; file: string }[] = [];
  const walk = (o: unknown, file: string): void => {
    if (Array.isArray(o)) o.forEach((x) => walk(x, file));
    else if (typeof o === "object" && o !== null) {
      // Only flow definitions: meta-schemas also use these key names.
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === "string" && (k.endsWith(".$") || PATH_FIELDS.has(k) || (k.endsWith("Path") && v.startsWith("$")))) {
          found.push({ key: k, path: v, file });
        }
        walk(v, file);
      }
    }
  };
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(readFileSync(new URL(name, dir), "utf8")) as { States?: unknown };
    if (doc.States !== undefined) walk(doc.States, name);
  }

  it("finds the corpus", () => {
    expect(found.length).toBeGreaterThan(200);
  });

  it("parses every path the corpus uses, and every ResultPath is definite", () => {
    for (const { key, path, file } of found) {
      const r = parseJsonPath(path);
      expect(r.ok, `${file}: ${key} = ${path}`).toBe(true);
      if (r.ok && key === "ResultPath") expect(isDefinitePath(r.value), `${file}: ${path}`).toBe(true);
    }
  });
});
