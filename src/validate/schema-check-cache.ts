/**
 * `validate` of a flow checks its input schema with Ajv: loading Ajv, compiling the draft-07
 * meta-schema and then the schema is ~45 ms, a third of a small command. A schema that
 * passed the check leaves a marker in the cache directory under the hash of the schema,
 * the Ajv version and the formats flowsmith knows, so an unchanged schema is not checked
 * again. Only a clean result is remembered (a schema with findings is checked each time,
 * so its diagnostics are always fresh). An optimisation only: unreadable or unwritable,
 * the cache is skipped.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cacheDir, cacheVersion, jsonExact, trustedCacheFile } from "../cache-dir.js";

const require = createRequire(import.meta.url);
const FORMAT = 1;
let ajvVersion: string | undefined;

function markerFile(schema: object, knownFormats: Iterable<string>): string {
  ajvVersion ??= (() => {
    try {
      return (require("ajv/package.json") as { version: string }).version;
    } catch {
      return "unknown";
    }
  })();
  const key = createHash("sha256").update(`${FORMAT}\0${cacheVersion()}\0${ajvVersion}\0${[...knownFormats].sort().join(",")}\0`).update(JSON.stringify(schema)).digest("hex").slice(0, 32);
  return join(cacheDir(), "schema-ok", key);
}

export function knownClean(schema: object, knownFormats: Iterable<string>): boolean {
  // A schema JSON cannot carry exactly (maximum: Infinity in a flow file) has no key.
  if (!jsonExact(schema)) return false;
  try {
    return trustedCacheFile(markerFile(schema, knownFormats));
  } catch {
    return false;
  }
}

export function rememberClean(schema: object, knownFormats: Iterable<string>): void {
  if (!jsonExact(schema)) return;
  try {
    const file = markerFile(schema, knownFormats);
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, "w", 0o600));
  } catch {
    // an unwritable cache only costs the next command this check
  }
}
