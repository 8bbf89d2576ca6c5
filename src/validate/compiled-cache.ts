/**
 * Compile once means once across processes too: Ajv validators for fixed schemas (the
 * state schemas of the flow language) are generated as standalone code the first time and
 * kept in the user's cache directory under the hash of the schemas and the Ajv version, so
 * a later `flowsmith validate` neither compiles them (~70 ms) nor loads Ajv's compiler
 * (~50 ms). The cache is an optimisation only: unreadable or unwritable, it is skipped.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { cacheDir, cacheVersion, dependencyVersion, readTrustedCacheFile, writeCacheFile } from "../cache-dir.js";

const require = createRequire(import.meta.url);


/**
 * Validators for `schemas` (name -> schema), from the cache or compiled with Ajv
 * (`allErrors`, non-strict, draft-07) and then cached as standalone code.
 */
export function cachedValidators(label: string, schemas: Record<string, object>, options: { verbose?: boolean } = {}): Map<string, ValidateFunction> {
  const key = createHash("sha256").update(JSON.stringify(schemas)).update(JSON.stringify(options)).update(dependencyVersion("ajv")).update(cacheVersion()).digest("hex").slice(0, 24);
  const file = join(cacheDir(), `${label}-${key}.cjs`);
  // The cached code is evaluated: only a file this user wrote and nobody else may change.
  const cached = readTrustedCacheFile(file);
  if (cached !== undefined) {
    try {
      // Evaluated with this module's require: the generated code requires Ajv's runtime
      // helpers (ajv/dist/runtime/*), which resolve from here, not from the cache directory.
      const m = { exports: {} as Record<string, ValidateFunction> };
      new Function("module", "exports", "require", cached)(m, m.exports, require);
      const mod = m.exports;
      if (Object.keys(schemas).every((n) => typeof mod[n] === "function")) return new Map(Object.keys(schemas).map((n) => [n, mod[n]!]));
    } catch {
      // a damaged cache file is rewritten below
    }
  }
  const { Ajv } = require("ajv") as typeof import("ajv");
  const ajv = new Ajv({ allErrors: true, strict: false, ...options, code: { source: true } });
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(schema, name);
  const validators = new Map(Object.keys(schemas).map((n) => [n, ajv.getSchema(n) as ValidateFunction]));
  try {
    const standaloneCode = (require("ajv/dist/standalone") as { default: (a: unknown, refs: Record<string, string>) => string }).default;
    writeCacheFile(file, standaloneCode(ajv, Object.fromEntries(Object.keys(schemas).map((n) => [n, n]))));
  } catch {
    // no cache this time (read-only home, ...): the compiled validators still work
  }
  return validators;
}
