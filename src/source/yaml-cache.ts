/**
 * flowsmith.yaml is read by nearly every command, and loading the yaml library and
 * parsing it with positions is most of a small command's own time (~35 ms of `validate
 * definition.json`). The located parse is kept in the cache directory under the hash of
 * the text (and the yaml version), so an unchanged file is one JSON.parse. An optimisation
 * only: unreadable or unwritable, it is skipped; a value JSON cannot carry exactly
 * (.inf, .nan) is never cached. Only for files the caller opts in (flowsmith.yaml holds no
 * secrets; a run's input document may, so it is never copied here).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cacheDir, cacheVersion, dependencyVersion, jsonExact, readTrustedCacheFile, writeCacheFile } from "../cache-dir.js";
import type { LocatedDocument, Position } from "./located-json.js";
import { parseLocatedYaml } from "./located-yaml.js";

const FORMAT = 1;

interface Cached {
  value: unknown;
  positions: [string, number, number][];
  duplicateKeys: { pointer: string; position: Position }[];
}

export function parseLocatedYamlCached(text: string): LocatedDocument {
  const file = join(cacheDir(), "yaml", `${createHash("sha256").update(`${FORMAT}\0${cacheVersion()}\0${dependencyVersion("yaml")}\0`).update(text).digest("hex").slice(0, 32)}.json`);
  const cached = readTrustedCacheFile(file);
  if (cached !== undefined) {
    try {
      const c = JSON.parse(cached) as Cached;
      return { value: c.value, positions: new Map(c.positions.map(([p, line, column]) => [p, { line, column }])), duplicateKeys: c.duplicateKeys };
    } catch {
      // damaged: parse, then cache again
    }
  }
  const located = parseLocatedYaml(text); // syntax errors throw, and are never cached
  if (jsonExact(located.value)) {
    const c: Cached = { value: located.value, positions: [...located.positions].map(([p, pos]) => [p, pos.line, pos.column]), duplicateKeys: located.duplicateKeys };
    writeCacheFile(file, JSON.stringify(c));
  }
  return located;
}
