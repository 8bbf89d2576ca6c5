import { describe, expect, it } from "vitest";
import { parseDocumentText } from "../../src/index.js";

describe("reading documents with positions", () => {
  const json = `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Parameters": {"a/b": 1, "c~d": [10, {"x": true}]},
      "End": true
    }
  }
}`;

  it("maps JSON pointers to lines and columns, including escaped segments", () => {
    const doc = parseDocumentText(json, "f.json");
    expect(doc.ok).toBe(true);
    expect(doc.locate("/StartAt")).toEqual({ file: "f.json", line: 2, column: 3 });
    expect(doc.locate("/States/A/End")?.line).toBe(7);
    expect(doc.locate("/States/A/Parameters/a~1b")?.line).toBe(6);
    expect(doc.locate("/States/A/Parameters/c~0d/1/x")?.line).toBe(6);
    // A pointer below a located value falls back to its nearest ancestor.
    expect(doc.locate("/States/A/Next")?.line).toBe(4);
  });

  it("reports syntax errors at their position and never throws", () => {
    for (const [text, line] of [
      ['{\n  "a": 1,\n}', 3],
      ['{\n  "a": [1, 2,]\n}', 2],
      ['{"a": "unterminated\n}', 1],
      ["{\n  // comment\n}", 2],
      ["", 1],
      ['{"a": 1} extra', 1],
      ['{"a": "tab\there"}', 1],
    ] as const) {
      const doc = parseDocumentText(text, "bad.json");
      expect(doc.ok).toBe(false);
      expect(doc.diagnostics[0]!.code).toBe("PARSE_ERROR");
      expect(doc.diagnostics[0]!.source?.line).toBe(line);
    }
  });

  it("reports a document nested too deeply instead of overflowing", () => {
    const doc = parseDocumentText("[".repeat(20000) + "]".repeat(20000), "deep.json");
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics[0]!.message).toMatch(/nested too deeply/);
  });

  it("resolves YAML merge keys", () => {
    const doc = parseDocumentText("base: &b {Type: Pass}\nStates:\n  A:\n    <<: *b\n    End: true\n", "m.yaml");
    expect((doc.value as { States: { A: unknown } }).States.A).toEqual({ Type: "Pass", End: true });
  });

  it("finds duplicate keys JSON.parse would silently merge", () => {
    const doc = parseDocumentText('{"a": 1,\n "b": {"c": 1,\n  "c": 2}}', "d.json");
    expect(doc.diagnostics).toEqual([expect.objectContaining({ code: "DUPLICATE_JSON_KEY", pointer: "/b/c", source: { file: "d.json", line: 3, column: 3 } })]);
    expect(doc.value).toEqual({ a: 1, b: { c: 2 } });
  });

  it("names a duplicate key under arrays and escaped keys by its full pointer", () => {
    const doc = parseDocumentText('{"x/y": [0, {"~k": 1, "~k": 2}]}', "d.json");
    expect(doc.diagnostics).toEqual([expect.objectContaining({ code: "DUPLICATE_JSON_KEY", pointer: "/x~1y/1/~0k", source: { file: "d.json", line: 1, column: 23 } })]);
    expect(doc.locate("/x~1y/1")).toEqual({ file: "d.json", line: 1, column: 13 });
  });

  it("parses values exactly like JSON.parse", () => {
    const text = '{"n": -1.5e3, "u": "\\u00e9\\n\\"", "t": [true, false, null], "e": {}, "z": 0}';
    expect(parseDocumentText(text, "v.json").value).toEqual(JSON.parse(text));
  });

  it("reads YAML with lines, and reports YAML duplicates and syntax errors", () => {
    const doc = parseDocumentText("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n", "f.yaml");
    expect(doc.value).toEqual({ StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    expect(doc.locate("/States/A/End")?.line).toBe(5);
    const dup = parseDocumentText("a: 1\na: 2\n", "d.yaml");
    expect(dup.diagnostics[0]).toMatchObject({ code: "DUPLICATE_JSON_KEY", pointer: "/a" });
    const bad = parseDocumentText("a: [1, 2\nb: 3\n", "b.yaml");
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]!.code).toBe("PARSE_ERROR");
  });
});
