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
import { join } from "node:path";
import { cacheDir, cacheVersion, dependencyVersion, jsonExact, trustedCacheFile, writeCacheFile } from "../cache-dir.js";

const FORMAT = 1;

function markerFile(schema: object, knownFormats: Iterable<string>): string {
  const key = createHash("sha256").update(`${FORMAT}\0${cacheVersion()}\0${dependencyVersion("ajv")}\0${[...knownFormats].sort().join(",")}\0`).update(JSON.stringify(schema)).digest("hex").slice(0, 32);
  return join(cacheDir(), "schema-ok", key);
}

/**
 * The schema's marker: whether it passed the check before, and how to say it passed now.
 * Undefined for a schema JSON cannot carry exactly (`maximum: Infinity` in a flow file
 * would key as `null`): it is checked every time.
 */
export function schemaCheckMarker(schema: object, knownFormats: Iterable<string>): { clean: boolean; remember(): void } | undefined {
  if (!jsonExact(schema)) return undefined;
  let file: string;
  try {
    file = markerFile(schema, knownFormats);
  } catch {
    return undefined;
  }
  return { clean: trustedCacheFile(file), remember: () => void writeCacheFile(file, "") };
}
