/** YAML counterpart of located-json: values plus the line of every JSON pointer. */
import type { Node } from "yaml";
import { createRequire } from "node:module";
import { pointerOf } from "../definition/diagnostics.js";
import { JsonSyntaxError, type LocatedDocument, type Position } from "./located-json.js";


// yaml loads on first use: validating a JSON definition does not pay for it (~20 ms).
const require = createRequire(import.meta.url);
let Y: typeof import("yaml");

export function parseLocatedYaml(text: string): LocatedDocument {
  Y ??= require("yaml") as typeof import("yaml");
  const lineCounter = new Y.LineCounter();
  const doc = Y.parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true });
  const first = doc.errors[0];
  if (first) {
    const p = lineCounter.linePos(first.pos[0]);
    throw new JsonSyntaxError(first.message.split("\n")[0] ?? "YAML syntax error", { line: p.line, column: p.col });
  }
  const positions = new Map<string, Position>();
  const duplicateKeys: { pointer: string; position: Position }[] = [];
  const at = (offset: number | undefined): Position => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const walk = (node: unknown, pointer: string, keyOffset?: number) => {
    const n = node as Node | null;
    positions.set(pointer, at(keyOffset ?? n?.range?.[0]));
    if (Y.isMap(n)) {
      const seen = new Set<string>();
      for (const item of n.items) {
        if (!Y.isPair(item)) continue;
        const k = Y.isScalar(item.key) ? String(item.key.value) : String(item.key);
        const child = pointer + pointerOf(k);
        const kOff = (item.key as Node | null)?.range?.[0];
        if (seen.has(k)) duplicateKeys.push({ pointer: child, position: at(kOff) });
        seen.add(k);
        walk(item.value, child, kOff);
      }
    } else if (Y.isSeq(n)) {
      n.items.forEach((item, idx) => walk(item, pointer + pointerOf(idx)));
    }
  };
  walk(doc.contents, "");
  return { value: doc.toJS({ maxAliasCount: 100 }), positions, duplicateKeys };
}
