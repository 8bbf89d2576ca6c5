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
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cacheDir, cacheVersion, jsonExact, readTrustedCacheFile } from "../cache-dir.js";
import type { LocatedDocument, Position } from "./located-json.js";
import { parseLocatedYaml } from "./located-yaml.js";

const require = createRequire(import.meta.url);
const FORMAT = 1;

interface Cached {
  value: unknown;
  positions: [string, number, number][];
  duplicateKeys: { pointer: string; position: Position }[];
}

function yamlVersion(): string {
  try {
    return (require("yaml/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function parseLocatedYamlCached(text: string): LocatedDocument {
  const dir = join(cacheDir(), "yaml");
  const file = join(dir, `${createHash("sha256").update(`${FORMAT}\0${cacheVersion()}\0${yamlVersion()}\0`).update(text).digest("hex").slice(0, 32)}.json`);
  try {
    const text = readTrustedCacheFile(file);
    if (text === undefined) throw new Error("not cached");
    const c = JSON.parse(text) as Cached;
    return { value: c.value, positions: new Map(c.positions.map(([p, line, column]) => [p, { line, column }])), duplicateKeys: c.duplicateKeys };
  } catch {
    // not cached yet (or damaged): parse, then cache
  }
  const located = parseLocatedYaml(text); // syntax errors throw, and are never cached
  if (jsonExact(located.value)) {
    try {
      const c: Cached = { value: located.value, positions: [...located.positions].map(([p, pos]) => [p, pos.line, pos.column]), duplicateKeys: located.duplicateKeys };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    } catch {
      // an unwritable cache only costs the next command this parse
    }
  }
  return located;
}
