/** A schema read afresh (equal content, new object) is not compiled again. */
import { describe, expect, it } from "vitest";
import { compileSchema } from "../../src/validate/ajv.js";
import { validateRunInput } from "../../src/validate/input.js";

describe("compileSchema", () => {
  it("caches by content, not only by object", () => {
    const text = JSON.stringify({ type: "object", required: ["a"], properties: { a: { type: "string" } } });
    const f1 = compileSchema(JSON.parse(text));
    const f2 = compileSchema(JSON.parse(text));
    expect(f2).toBe(f1);
    expect(compileSchema(JSON.parse(text.replace('"string"', '"number"')))).not.toBe(f1);
    expect(validateRunInput(JSON.parse(text), {})).toHaveLength(1);
    expect(validateRunInput(JSON.parse(text), { a: "x" })).toEqual([]);
  });

  it("stays correct when the bounded cache evicts (the Ajv instance forgets evicted schemas)", () => {
    const schema = (i: number) => ({ $id: `urn:test:${i}`, type: "object", properties: { n: { const: i } } });
    for (let i = 0; i < 600; i++) expect(validateRunInput(schema(i), { n: i })).toEqual([]);
    // Evicted ids can be compiled again without "already exists".
    expect(validateRunInput(schema(0), { n: 1 })).toHaveLength(1);
  });
});
