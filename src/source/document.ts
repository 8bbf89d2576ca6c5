/**
 * Reading definition, schema and input documents from disk with their source
 * positions, turning syntax problems into diagnostics instead of exceptions.
 */
import { diag, parsePointer, type Diagnostic, type SourceLocation } from "../definition/diagnostics.js";
import { JsonSyntaxError, parseLocatedJson, type LocatedDocument, type Position } from "./located-json.js";
import { parseLocatedYaml } from "./located-yaml.js";
import { parseLocatedYamlCached } from "./yaml-cache.js";
import { readTextFile } from "./read-text.js";

export interface SourceDocument {
  file: string;
  value: unknown;
  /** Where a pointer is in the file; falls back to the nearest located ancestor. */
  locate(pointer: string): SourceLocation | undefined;
  /** Syntax errors and duplicate keys found while reading. */
  diagnostics: Diagnostic[];
  ok: boolean;
}

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

export interface ReadOptions {
  /** Keep the parse of a YAML file in the cache directory (source/yaml-cache.ts); never for documents that may hold secrets. */
  cache?: boolean;
}

export function parseDocumentText(text: string, file: string, options: ReadOptions = {}): SourceDocument {
  let located: LocatedDocument;
  try {
    // JSON positions are found when a location is first asked for (most reads locate nothing).
    located = isYamlFile(file) ? (options.cache ? parseLocatedYamlCached(text) : parseLocatedYaml(text)) : parseLocatedJson(text, { positions: false });
  } catch (e) {
    const pos = e instanceof JsonSyntaxError ? e.position : { line: 1, column: 1 };
    const message = e instanceof Error ? e.message : String(e);
    return {
      file,
      value: undefined,
      locate: () => ({ file, ...pos }),
      diagnostics: [
        diag("PARSE_ERROR", "", `${file}: ${message}`, {
          source: { file, ...pos },
          hint: isYamlFile(file) ? "fix the YAML syntax at that position" : "fix the JSON syntax at that position (JSON allows no comments or trailing commas)",
        }),
      ],
      ok: false,
    };
  }
  let positions: Map<string, Position> | undefined = isYamlFile(file) ? located.positions : undefined;
  const locate = (pointer: string): SourceLocation | undefined => {
    positions ??= parseLocatedJson(text).positions;
    const segs = parsePointer(pointer);
    for (let n = segs.length; n >= 0; n--) {
      const p = segs.slice(0, n).map((s) => "/" + s.replace(/~/g, "~0").replace(/\//g, "~1")).join("");
      const pos = positions.get(p);
      if (pos) return { file, ...pos };
    }
    return undefined;
  };
  const diagnostics = located.duplicateKeys.map((d) =>
    diag("DUPLICATE_JSON_KEY", d.pointer, `key "${parsePointer(d.pointer).pop()}" appears more than once in the same object`, {
      source: { file, ...d.position },
      hint: "remove or rename one of the two keys",
    }),
  );
  return { file, value: located.value, locate, diagnostics, ok: true };
}

export function readDocumentFile(file: string, options: ReadOptions = {}): SourceDocument {
  const read = readTextFile(file);
  if (!read.ok) {
    const at = read.line !== undefined ? { file, line: read.line, column: read.column ?? 1 } : undefined;
    return {
      file,
      value: undefined,
      locate: () => at,
      diagnostics: [diag("PARSE_ERROR", "", `${file}: ${read.message}`, { hint: read.hint, ...(at ? { source: at } : {}) })],
      ok: false,
    };
  }
  return parseDocumentText(read.text, file, options);
}
