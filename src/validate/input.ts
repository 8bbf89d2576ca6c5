/**
 * The input schema (is it a usable JSON Schema?) and the offline dry run: a run input
 * validated with Ajv against the schema, Globus formats understood.
 */
import type { ErrorObject } from "ajv";
import { diag, pointerOf, type Diagnostic } from "../definition/diagnostics.js";
import { ajvFor, compileSchema, KNOWN_FORMATS } from "./ajv.js";
import { isObject } from "./context.js";
import { schemaCheckMarker } from "./schema-check-cache.js";

export function validateInputSchema(schema: unknown): Diagnostic[] {
  if (!isObject(schema)) return [diag("SCHEMA_INVALID", "", "an input schema must be a JSON object", { hint: "use {} to accept any input" })];
  const marker = schemaCheckMarker(schema, KNOWN_FORMATS);
  if (marker?.clean) return [];
  const out: Diagnostic[] = [];
  const ajv = ajvFor(schema);
  if (!ajv.validateSchema(schema)) {
    for (const e of ajv.errors ?? []) {
      out.push(diag("SCHEMA_INVALID", e.instancePath, `input schema ${e.instancePath || "root"} ${e.message ?? "is invalid"}`));
    }
    return out;
  }
  walkFormats(schema, "", out);
  try {
    compileSchema(schema);
  } catch (e) {
    out.push(diag("SCHEMA_INVALID", "", `input schema cannot be compiled: ${(e as Error).message}`));
  }
  if (!out.length) marker?.remember();
  return out;
}

function walkFormats(node: unknown, ptr: string, out: Diagnostic[]): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => walkFormats(n, ptr + pointerOf(i), out));
    return;
  }
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === "format" && typeof v === "string" && !KNOWN_FORMATS.has(v)) {
      out.push(diag("SCHEMA_FORMAT_UNKNOWN", ptr + "/format", `format "${v}" is not known to flowsmith; values are not checked against it`));
    } else if (k !== "default" && k !== "examples" && k !== "const" && k !== "enum") {
      walkFormats(v, ptr + pointerOf(k), out);
    }
  }
}

/** Validate a run input against a (valid) input schema. */
export function validateRunInput(schema: unknown, input: unknown): Diagnostic[] {
  if (!isObject(schema)) return [];
  let validate;
  try {
    validate = compileSchema(schema);
  } catch (e) {
    return [diag("SCHEMA_INVALID", "", `input schema cannot be compiled: ${(e as Error).message}`)];
  }
  if (validate(input)) return [];
  return (validate.errors ?? []).filter((e) => !isNoise(e, validate.errors ?? [])).map((e) => toDiagnostic(e));
}

/** anyOf/oneOf report every failed branch and then themselves; keep the summary only when a branch error is deeper. */
function isNoise(e: ErrorObject, all: ErrorObject[]): boolean {
  return e.keyword === "if" || (e.keyword === "const" && all.some((o) => o.keyword === "anyOf" || o.keyword === "oneOf"));
}

function toDiagnostic(e: ErrorObject): Diagnostic {
  let pointer = e.instancePath;
  let message: string;
  const where = pointer || "the input";
  switch (e.keyword) {
    case "required": {
      const p = (e.params as { missingProperty: string }).missingProperty;
      pointer = pointer + pointerOf(p);
      message = `${where} is missing the required property "${p}"`;
      break;
    }
    case "additionalProperties": {
      const p = (e.params as { additionalProperty: string }).additionalProperty;
      pointer = pointer + pointerOf(p);
      message = `${where} has the property "${p}", which the schema does not allow`;
      break;
    }
    case "enum":
      message = `${where} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
      break;
    case "format":
      message = `${where} must be a valid ${(e.params as { format: string }).format}`;
      break;
    default:
      message = `${where} ${e.message ?? "is invalid"}`;
  }
  return diag("INPUT_INVALID", pointer, message);
}
