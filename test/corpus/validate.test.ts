import { describe, expect, it } from "vitest";
import { validateDefinition, validateInputSchema, validateRunInput } from "../../src/index.js";
import { corpusFiles, inputsFor, readJson, schemaFor } from "../support/corpus.js";

const files = corpusFiles();
const definitions = files.filter((f) => f.kind === "definition");
const schemas = files.filter((f) => f.kind === "schema");

/**
 * Real defects found by checking reads against the published schema: transfer_publish reads
 * $.input.principal_type and $.input.principal_identifier, but its schema's closed `input`
 * object only has `principal` (an object), so a run of it cannot work as published.
 */
const KNOWN_SCHEMA_DEFECTS: Record<string, string[]> = {
  "globus__globus-flows-trigger-examples__transfer_publish_definition.json": [
    "/States/SetPermission/Parameters/principal_type.$",
    "/States/SetPermission/Parameters/principal.$",
  ],
};

/** Warnings a real definition may legitimately get: it uses retired providers or forms. */
const ALLOWED_WARNINGS = new Set(["ACTION_URL_RETIRED", "ACTION_RESOURCE_LEGACY", "STATE_TYPE_LEGACY", "UNREACHABLE_STATE"]);
/** Definitions whose logic really depends on the disputed ExceptionOnActionFailure default (the warning is the point). */
const DEPENDS_ON_DEFAULT: Record<string, string[]> = {
  "globus__globus-flows-examples__transfer_examples_two_hop_definition.json": ["/States/GetDestinationPathInfo"],
  "globus__globus-flows-examples__transfer_examples_move_definition.json": ["/States/GetDestinationPathInfo"],
  "aschester__e21062-Globus-Flows__transfer_compute_definition.json": ["/States/FitData/Catch", "/States/ConvertData/Catch", "/States/AnalyzeData/Catch"],
};

describe("corpus", () => {
  it("is the corpus the index describes", () => {
    expect(definitions.length).toBe(42);
    expect(schemas.length).toBe(26);
  });

  describe.each(definitions.map((d) => [d.name, d] as const))("definition %s", (_name, def) => {
    it("validates with zero errors, warning only about retired forms", () => {
      const diags = validateDefinition(readJson(def.path));
      expect(diags.filter((d) => d.severity === "error")).toEqual([]);
      expect(diags.filter((d) => d.severity === "warning" && !ALLOWED_WARNINGS.has(d.code) && d.code !== "EXCEPTION_DEFAULT_DEPENDENCE")).toEqual([]);
      expect(diags.filter((d) => d.code === "EXCEPTION_DEFAULT_DEPENDENCE").map((d) => d.pointer)).toEqual(DEPENDS_ON_DEFAULT[def.name] ?? []);
    });

    const schemaPath = schemaFor(def);
    if (schemaPath) {
      it("reads only what its published input schema allows", () => {
        const diags = validateDefinition(readJson(def.path), { inputSchema: readJson(schemaPath) });
        const errors = diags.filter((d) => d.severity === "error");
        expect(errors.map((d) => d.pointer)).toEqual(KNOWN_SCHEMA_DEFECTS[def.name] ?? []);
        expect(errors.every((d) => d.code === "INPUT_READ_UNDECLARED")).toBe(true);
      });
      for (const input of inputsFor(def)) {
        it(`accepts its example input ${input.split("/").pop()}`, () => {
          expect(validateRunInput(readJson(schemaPath), readJson(input))).toEqual([]);
        });
      }
    }
  });

  describe.each(schemas.map((s) => [s.name, s] as const))("schema %s", (_name, schema) => {
    it("is a usable JSON Schema", () => {
      expect(validateInputSchema(readJson(schema.path)).filter((d) => d.severity === "error")).toEqual([]);
    });
  });
});
