/** The public corpus in ../shared/corpus, classified by its INDEX.md. */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { CORPUS } from "./paths.js";

export type Kind = "definition" | "schema" | "input-example" | "meta-schema";

export interface CorpusFile {
  name: string;
  path: string;
  kind: Kind;
}

export function corpusFiles(): CorpusFile[] {
  const index = readFileSync(join(CORPUS, "INDEX.md"), "utf8");
  const out: CorpusFile[] = [];
  const re = /^### `([^`]+)`[\s\S]*?Kind: \*\*([a-z-]+)\*\*/gm;
  for (const m of index.matchAll(re)) out.push({ name: m[1]!, path: join(CORPUS, m[1]!), kind: m[2] as Kind });
  return out;
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

const stem = (name: string) => name.replace(/_(definition|defintion)\.json$/, "");

/** The schema published next to a definition, if any. */
export function schemaFor(def: CorpusFile): string | undefined {
  const s = stem(def.name);
  if (s === def.name) return undefined;
  for (const suffix of ["_schema.json", "_input_schema.json", "_input-schema.json"]) {
    const p = join(CORPUS, s + suffix);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Example inputs published next to a definition. */
export function inputsFor(def: CorpusFile): string[] {
  const s = stem(def.name);
  if (s === def.name) return [];
  return ["_input.json", "_sample_input.json"].map((x) => join(CORPUS, s + x)).filter(existsSync);
}
