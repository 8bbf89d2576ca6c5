/** A clean input schema is checked once; a schema with findings is checked every time. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { useTempCacheDir } from "../support/cache-dir.js";
import { validateInputSchema } from "../../src/validate/input.js";

const tmp = useTempCacheDir();
const markers = () => (existsSync(join(tmp.dir, "schema-ok")) ? readdirSync(join(tmp.dir, "schema-ok")) : []);

it("remembers a clean schema, and only a clean one", () => {
  const clean = { type: "object", properties: { n: { type: "integer", minimum: 0 } } };
  expect(validateInputSchema(clean)).toEqual([]);
  expect(markers()).toHaveLength(1);
  expect(validateInputSchema(clean)).toEqual([]);

  const unknownFormat = { type: "object", properties: { d: { type: "string", format: "beamline-id" } } };
  const bad = { type: "object", properties: { n: { type: "integr" } } };
  for (let i = 0; i < 2; i++) {
    expect(validateInputSchema(unknownFormat).map((d) => d.code)).toEqual(["SCHEMA_FORMAT_UNKNOWN"]);
    expect(validateInputSchema(bad).map((d) => d.code)).toContain("SCHEMA_INVALID");
  }
  expect(markers()).toHaveLength(1);
  // A schema JSON cannot carry (Infinity would key as null) is never remembered.
  expect(validateInputSchema({ type: "number", maximum: Infinity })).toEqual([]);
  expect(markers()).toHaveLength(1);
  // A different schema is a different key.
  expect(validateInputSchema({ ...clean, required: ["n"] })).toEqual([]);
  expect(markers()).toHaveLength(2);
});
