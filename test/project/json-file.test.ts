/** writeJsonFile writes exactly what JSON.stringify(value, null, 2) + "\n" would. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeJsonFile } from "../../src/project/json-file.js";
import { REPO } from "../support/paths.js";

const dir = mkdtempSync(join(tmpdir(), "flowsmith-json-"));
const same = (value: unknown) => {
  const f = join(dir, "out.json");
  writeJsonFile(f, value);
  expect(readFileSync(f, "utf8")).toBe(JSON.stringify(value, null, 2) + "\n");
};

describe("writeJsonFile", () => {
  it("matches JSON.stringify on the golden definitions", () => {
    const golden = join(REPO, "test", "golden");
    for (const f of readdirSync(golden)) same(JSON.parse(readFileSync(join(golden, f), "utf8")));
  });

  it("matches JSON.stringify on awkward values", () => {
    same({});
    same([]);
    same(null);
    same("text");
    same({ a: {}, b: [], c: { d: {}, e: [1, { f: "g\nh\u2028" }], u: undefined, fn: () => 1 }, "k\"ey": { "": null } });
    same({ States: { A: { Type: "Pass", Parameters: { "x.$": "$.a", nested: { deep: [[], {}] } }, End: true } }, when: new Date(0), map: new Map() });
    same(Object.assign(Object.create(null), { a: { b: 1 } }));
    same({ a: { toJSON: () => ({ z: 1 }) } });
  });
});
