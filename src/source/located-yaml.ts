/** YAML counterpart of located-json: values plus the line of every JSON pointer. */
import type { Node } from "yaml";
import { createRequire } from "node:module";
import { pointerOf } from "../definition/diagnostics.js";
import { JsonSyntaxError, MAX_NESTING, type LocatedDocument, type Position } from "./located-json.js";

// yaml loads on first use: validating a JSON definition does not pay for it (~20 ms).
const require = createRequire(import.meta.url);
let Y: typeof import("yaml");

export function parseLocatedYaml(text: string): LocatedDocument {
  Y ??= require("yaml") as typeof import("yaml");
  const lineCounter = new Y.LineCounter();
  let doc: ReturnType<typeof import("yaml").parseDocument>;
  try {
    doc = Y.parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true, logLevel: "error" });
  } catch (e) {
    if (e instanceof RangeError) throw new JsonSyntaxError(`the document is nested too deeply to read (limit ${MAX_NESTING} levels)`, { line: 1, column: 1 });
    throw e;
  }
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
  // Nodes being walked: an alias to one of them makes the value contain itself (`a: &x [*x]`),
  // which every later step (deep merge, JSON.stringify, validation) would recurse into forever.
  const ancestors = new Set<unknown>();
  // Nodes visited through aliases, bounded like toJS's maxAliasCount bounds "billion laughs".
  let aliasBudget = 100_000;
  let inAlias = 0;
  const walk = (node: unknown, pointer: string, keyOffset?: number) => {
    const n = node as Node | null;
    positions.set(pointer, at(keyOffset ?? n?.range?.[0]));
    if (inAlias > 0 && --aliasBudget < 0) throw new JsonSyntaxError("aliases expand to too many nodes", at(n?.range?.[0]));
    if (ancestors.size >= MAX_NESTING) throw new JsonSyntaxError(`the document is nested too deeply (more than ${MAX_NESTING} levels)`, at(n?.range?.[0]));
    if (Y.isAlias(n)) {
      const target = n.resolve(doc);
      if (target && ancestors.has(target)) throw new JsonSyntaxError(`recursive alias *${n.source}: the value would contain itself`, at(n.range?.[0]));
      // An alias to a node outside the current path is a copy; walk it once to find cycles through it.
      if (target && (Y.isMap(target) || Y.isSeq(target))) {
        ancestors.add(n);
        inAlias++;
        const before = duplicateKeys.length;
        walkChildren(target, pointer);
        duplicateKeys.length = before; // reported once, at the anchor
        inAlias--;
        ancestors.delete(n);
      }
      return;
    }
    ancestors.add(n);
    walkChildren(n, pointer);
    ancestors.delete(n);
  };
  const walkChildren = (n: Node | null, pointer: string) => {
    if (Y.isMap(n)) {
      const seen = new Set<string>();
      for (const item of n.items) {
        if (!Y.isPair(item)) continue;
        // JSON documents have string keys; `? [a]` would become "[ a ]" with a process warning.
        if (item.key !== null && !Y.isScalar(item.key)) throw new JsonSyntaxError("a mapping key must be a plain value, not a list or a mapping", at((item.key as Node).range?.[0]));
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
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new JsonSyntaxError((e as Error).message.split("\n")[0] ?? "YAML error", { line: 1, column: 1 });
  }
  return { value, positions, duplicateKeys };
}
