/**
 * Where a builder was called from, so diagnostics about a generated state point at the
 * line of the flow source that made it (tsx's source maps make these TS lines).
 */
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import type { SourceLocation } from "../definition/diagnostics.js";

const HERE = dirname(fileURLToPath(import.meta.url));
// With source maps on (tsx enables them), frames of the compiled dist/src/dsl files are
// reported at their src/dsl sources: skip both.
const DSL_DIRS = [HERE, HERE.replace(/([/\\])dist\1src\1dsl$/, "$1src$1dsl")];

export function callSite(): SourceLocation | undefined {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (DSL_DIRS.some((d) => file.startsWith(d)) || file.startsWith("node:") || file.includes("/node_modules/")) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : "<unknown location>";
}

/** An error in a flow source, located at the builder call that caused it. */
export class FlowSourceError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation | undefined,
    readonly related: (SourceLocation | undefined)[] = [],
  ) {
    super(message);
    this.name = "FlowSourceError";
  }
}
