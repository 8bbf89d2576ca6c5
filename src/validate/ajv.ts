/**
 * One Ajv instance per process (compiling schemas is the expensive part; asl-validator
 * rebuilds its Ajv per call, which costs ~65 ms per definition). Globus's custom
 * `format` values are registered so run inputs validate like the web app's start form.
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import Ajv2019Module from "ajv/dist/2019.js";
import Ajv2020Module from "ajv/dist/2020.js";

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
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

function configure<T extends AnyAjv>(ajv: T): T {
  addFormats(ajv);
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
  if (dialect.includes("2020-12")) {
    const C = ((Ajv2020Module as unknown as { default?: typeof Ajv }).default ?? Ajv2020Module) as unknown as typeof Ajv;
    return (draft2020 ??= configure(new C(opts)));
  }
  if (dialect.includes("2019-09")) {
    const C = ((Ajv2019Module as unknown as { default?: typeof Ajv }).default ?? Ajv2019Module) as unknown as typeof Ajv;
    return (draft2019 ??= configure(new C(opts)));
  }
  return (draft07 ??= configure(new Ajv(opts)));
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compile (once per schema object) or throw the Ajv error. */
export function compileSchema(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajvFor(schema).compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

export const KNOWN_FORMATS = new Set([
  "date-time", "time", "date", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
  "uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer",
  "regex", "uuid", "url", "byte", "int32", "int64", "float", "double", "password", "binary", "iso-time", "iso-date-time",
  ...Object.keys(GLOBUS_FORMATS),
]);
