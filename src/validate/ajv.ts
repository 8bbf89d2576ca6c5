/**
 * One Ajv instance per process (compiling schemas is the expensive part; asl-validator
 * rebuilds its Ajv per call, which costs ~65 ms per definition). Globus's custom
 * `format` values are registered so run inputs validate like the web app's start form.
 */
import type { Ajv, ValidateFunction } from "ajv";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

// Ajv and its dialects load on first use: a command that validates no run input (or only
// definitions, whose state validators come from compiled-cache.ts) does not pay for them.
const require = createRequire(import.meta.url);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL = /^urn:globus:(auth:identity|groups:id):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Formats the Globus web app understands (corpus INDEX: uuid, globus-collection, globus-principal, globus-transfer-transfer#0.10). */
export const GLOBUS_FORMATS: Record<string, (v: unknown) => boolean> = {
  "globus-collection": (v) => typeof v === "string" && UUID.test(v),
  "globus-principal": (v) => typeof v === "string" && PRINCIPAL.test(v),
  // The transfer-options format names a UI widget, not a value shape: any object passes.
  "globus-transfer-transfer#0.10": () => true,
  "globus-transfer-delete#0.10": () => true,
};

type AnyAjv = Ajv;
type AddFormats = (ajv: AnyAjv) => AnyAjv;
type AjvClass = new (opts: object) => Ajv;
const load = (id: string): AjvClass => {
  const m = require(id) as { default?: AjvClass; Ajv?: AjvClass };
  return (m.Ajv ?? m.default ?? m) as AjvClass;
};

function configure<T extends AnyAjv>(ajv: T): T {
  const formats = require("ajv-formats") as { default?: AddFormats } & AddFormats;
  (formats.default ?? formats)(ajv);
  ajv.addFormat("uuid", UUID);
  for (const [name, check] of Object.entries(GLOBUS_FORMATS)) ajv.addFormat(name, { type: "string", validate: (s: string) => check(s) });
  // Keywords the Globus web app reads for its form; meaningless for validation.
  ajv.addKeyword({ keyword: "propertyOrder" });
  ajv.addKeyword({ keyword: "uniqueItems_ui" });
  return ajv;
}

let draft07: AnyAjv | undefined;
let draft2019: AnyAjv | undefined;
let draft2020: AnyAjv | undefined;

/** The Ajv for a schema's `$schema` dialect (draft-07 when absent, like the retired Globus client). */
export function ajvFor(schema: unknown): AnyAjv {
  const dialect = typeof schema === "object" && schema && "$schema" in schema ? String((schema as { $schema: unknown }).$schema) : "";
  const opts = { allErrors: true, strict: false, validateFormats: true } as const;
  if (dialect.includes("2020-12")) return (draft2020 ??= configure(new (load("ajv/dist/2020"))(opts)));
  if (dialect.includes("2019-09")) return (draft2019 ??= configure(new (load("ajv/dist/2019"))(opts)));
  return (draft07 ??= configure(new (load("ajv"))(opts)));
}

const compiled = new WeakMap<object, ValidateFunction>();
/** By content: a schema read afresh (from SQLite, per run start) is the same schema. */
const byContent = new Map<string, { fn: ValidateFunction; schema: object; ajv: AnyAjv }>();
const MAX_BY_CONTENT = 256;

/**
 * Compile (once per schema object, and once per schema content) or throw the Ajv error.
 * The content cache is bounded; an evicted schema is also removed from its Ajv instance,
 * which otherwise keeps every schema it compiled, so memory stays flat however many runs start.
 */
export function compileSchema(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (fn) return fn;
  const key = createHash("sha256").update(JSON.stringify(schema)).digest("base64");
  const hit = byContent.get(key);
  if (hit) {
    byContent.delete(key);
    byContent.set(key, hit); // most recently used last
    compiled.set(schema, hit.fn);
    return hit.fn;
  }
  const ajv = ajvFor(schema);
  fn = ajv.compile(schema);
  compiled.set(schema, fn);
  byContent.set(key, { fn, schema, ajv });
  if (byContent.size > MAX_BY_CONTENT) {
    const [oldKey, old] = byContent.entries().next().value as [string, { schema: object; ajv: AnyAjv }];
    byContent.delete(oldKey);
    old.ajv.removeSchema(old.schema);
  }
  return fn;
}

export const KNOWN_FORMATS = new Set([
  "date-time", "time", "date", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
  "uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer",
  "regex", "uuid", "url", "byte", "int32", "int64", "float", "double", "password", "binary", "iso-time", "iso-date-time",
  ...Object.keys(GLOBUS_FORMATS),
]);
