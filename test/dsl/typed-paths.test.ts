/**
 * Type-level tests: `npm test` type-checks test/ with tsc, so each @ts-expect-error below
 * fails the build if the misuse it marks stops being a type error.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { compute, defineFlow, rule, transfer, type PathRef } from "../../src/index.js";
import type { TomocupyAlcfInput } from "../../flows/types/tomocupy_alcf.input.js";

describe("typed $ paths", () => {
  it("follow the input type generated from the schema", () => {
    defineFlow<TomocupyAlcfInput>({
      name: "typed",
      title: "typed",
      build: ($) => {
        expectTypeOf($.input.source.path).toMatchTypeOf<PathRef<string>>();
        expectTypeOf($.input.nsino_per_chunk).toMatchTypeOf<PathRef<number>>();
        // @ts-expect-error misspelled input key
        void $.input.sorce;
        // @ts-expect-error misspelled nested key
        void $.input.source.pth;
        const t = transfer("T", {
          source_endpoint: $.input.source.id,
          destination_endpoint: $.input.destination.id,
          // @ts-expect-error a number where a path string is expected
          DATA: [{ source_path: $.input.rotation_axis, destination_path: $.input.destination.path }],
        });
        // @ts-expect-error a string operand for a numeric comparison
        rule.numericEquals($.input.nsino_per_chunk, "4");
        compute("C", { endpoint: $.input.compute_endpoint_id, tasks: [{ function: "tomocupy_recon" }] });
        return t;
      },
    });
    expect(true).toBe(true);
  });
});
