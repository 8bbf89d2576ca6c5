/**
 * Every example of ../shared/reference/globus-flows.md §1.4-§1.5 with its documented
 * result, and every `.=` expression of ../shared/corpus evaluated against a plausible run
 * state (expected values were computed by CPython over the same state).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileExpression, evaluateExpression, ExpressionError } from "../../src/expr/index.js";
import { run } from "./helpers.js";

describe("globus-flows.md §1.4 examples", () => {
  it("top-level keys are bare names: foo + ' ' + object_val.sub_val1 -> 'bar embedded'", () => {
    expect(run("foo + ' ' + object_val.sub_val1", { foo: "bar", object_val: { sub_val1: "embedded" } })).toBe("bar embedded");
  });

  it("arithmetic on numbers; + concatenates strings and lists", () => {
    expect(run("state.i + step", { state: { i: 4 }, step: 3 })).toBe(7);
    expect(run("'a' + 'b'")).toBe("ab");
    expect(run("[1] + [2, 3]")).toEqual([1, 2, 3]);
  });

  it("comparison, and, or, not", () => {
    expect(run("a == 1 and not b or c", { a: 1, b: true, c: "fallback" })).toBe("fallback");
    expect(run("a < 2 and a != 0", { a: 1 })).toBe(true);
  });

  it("conditional a if cond else b", () => {
    expect(run("'big' if n > 10 else 'small'", { n: 11 })).toBe("big");
    expect(run("'big' if n > 10 else 'small'", { n: 1 })).toBe("small");
  });

  it("list literals, indexing and slicing DATA[0], DATA[i:i+step]", () => {
    const scope = { DATA: ["a", "b", "c", "d"], i: 1, step: 2 };
    expect(run("[DATA[0], 'x']", scope)).toEqual(["a", "x"]);
    expect(run("DATA[i:i+step]", scope)).toEqual(["b", "c"]);
  });

  it("list comprehensions [f.name for f in ls.details.DATA[...]]", () => {
    const scope = { ls: { details: { DATA: [{ name: "f1" }, { name: "f2" }, { name: "f3" }] } }, state: { i: 0 }, step: 2 };
    expect(run("[f.name for f in ls.details.DATA[state.i:state.i+step]]", scope)).toEqual(["f1", "f2"]);
  });

  it("single or double quoted strings", () => {
    expect(run(`'single' + "double"`)).toBe("singledouble");
  });

  it('pathsplit("/foo/bar/blech") = ["/foo/bar", "blech"]', () => {
    expect(run('pathsplit("/foo/bar/blech")')).toEqual(["/foo/bar", "blech"]);
  });

  it('pathsplit("/~/path") = ["/~/", "path"] (/~/ is an unsplittable root)', () => {
    expect(run('pathsplit("/~/path")')).toEqual(["/~/", "path"]);
    expect(run('pathsplit("/~/a/b")')).toEqual(["/~/a", "b"]);
    expect(run('pathsplit("/~/")')).toEqual(["/~/", ""]);
  });

  it("is_present('dotted.name') -> bool (the argument is a string)", () => {
    const scope = { a: { b: { c: null } } };
    expect(run("is_present('a.b')", scope)).toBe(true);
    expect(run("is_present('a.b.c')", scope)).toBe(true);
    expect(run("is_present('a.x')", scope)).toBe(false);
    expect(run("is_present('nothing')", scope)).toBe(false);
  });

  it("getattr('dotted.name', default) -> value or default; no default -> null", () => {
    const scope = { a: { b: 5 } };
    expect(run("getattr('a.b', 0)", scope)).toBe(5);
    expect(run("getattr('a.x', 0)", scope)).toBe(0);
    expect(run("getattr('a.x')", scope)).toBeNull();
    expect(run("getattr('a.x', default='d')", scope)).toBe("d");
  });

  it("_context.run_id is usable: '...' + _context.run_id", () => {
    const context = { run_id: "2f6c-run", flow_id: "f1", username: "ada@globusid.org" };
    expect(run("'/runs/' + _context.run_id", {}, { context })).toBe("/runs/2f6c-run");
    expect(run("`$._context.username`", {}, { context })).toBe("ada@globusid.org");
  });

  it("def-docs-hello-world-expression: 'Greetings, ' + name + '!'", () => {
    expect(run("'Greetings, ' + name + '!'", { name: "Ada" })).toBe("Greetings, Ada!");
  });

  it("referencing a missing name is an error (hence is_present/getattr)", () => {
    expect(() => run("'Greetings, ' + nme + '!'", { name: "Ada" })).toThrow(ExpressionError);
    expect(() => run("'Greetings, ' + nme + '!'", { name: "Ada" })).toThrow(/name 'nme' is not defined/);
  });
});

describe("globus-flows.md §1.5 run context", () => {
  const context = {
    flow_id: "f-1",
    run_id: "r-1",
    username: "ada@globusid.org",
    email: "ada@example.org",
    user_id: "urn:globus:auth:identity:1",
    identities: ["urn:globus:auth:identity:1", "urn:globus:auth:identity:2"],
    token_info: { exp: 2000, iat: 1000, nbf: 1000 },
  };
  it.each(Object.keys(context))("_context.%s resolves", (key) => {
    expect(run(`_context.${key}`, {}, { context })).toEqual(context[key as keyof typeof context]);
  });
  it("reads identities and token_info like any JSON", () => {
    expect(run("len(_context.identities)", {}, { context })).toBe(2);
    expect(run("_context.token_info.exp - _context.token_info.iat", {}, { context })).toBe(1000);
  });
  it("the context wins over a run-state key of the same name", () => {
    expect(run("_context.run_id", { _context: { run_id: "fake" } }, { context })).toBe("r-1");
  });
});

interface CorpusFixture {
  context: object;
  scope: Record<string, unknown>;
  expected: { expression: string; value: unknown }[];
}

describe("every .= expression in the corpus", () => {
  const dir = new URL("../../../shared/corpus/", import.meta.url);
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/corpus-expressions.json", import.meta.url), "utf8")) as CorpusFixture;
  const corpus = new Map<string, string>();
  const walk = (o: unknown, file: string): void => {
    if (Array.isArray(o)) o.forEach((x) => walk(x, file));
    else if (typeof o === "object" && o !== null) {
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith(".=") && typeof v === "string") corpus.set(v, file);
        walk(v, file);
      }
    }
  };
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    walk(JSON.parse(readFileSync(new URL(name, dir), "utf8")), name);
  }

  it("finds the corpus expressions and has an expectation for each", () => {
    expect(corpus.size).toBeGreaterThanOrEqual(30);
    expect([...corpus.keys()].sort()).toEqual(fixture.expected.map((x) => x.expression).sort());
  });

  it.each(fixture.expected.map((x) => [x.expression, x.value] as const))("%s", (src, value) => {
    const parsed = compileExpression(src);
    if (!parsed.ok) throw new Error(`${corpus.get(src)}: ${parsed.error.message} at ${parsed.error.offset}`);
    expect(evaluateExpression(parsed.value, fixture.scope, { context: fixture.context })).toEqual(value);
  });

  it("`$._context.email` or `$._context.username` falls back when email is empty", () => {
    const src = "(`$._context.email` or `$._context.username`) + ' (' + `$._context.user_id` + ')'";
    expect(run(src, {}, { context: { email: "", username: "ada", user_id: "urn:x" } })).toBe("ada (urn:x)");
  });

  it("getattr('destination_path', ...) prefers the run-state value when present", () => {
    const src = "getattr('destination_path', '/~/' + pathsplit(compute_func_result.details.result[0])[1])";
    expect(run(src, { ...fixture.scope, destination_path: "/explicit/" })).toBe("/explicit/");
  });

  it("input validation rejects '~' and '/' sources", () => {
    const src = "['~' in source_path or source_path == '/' for source_path in source_paths] == [False] * len(source_paths)";
    expect(run(src, { source_paths: ["/ok", "/~/home"] })).toBe(false);
    expect(run(src, { source_paths: ["/"] })).toBe(false);
    expect(run(src, { source_paths: [] })).toBe(true);
  });
});
