/**
 * Transfer filter rules: evaluated in order against the name of each file or directory
 * found inside a recursive transfer item, the first matching rule decides, and an entry no
 * rule matches is included. A rule with `type` only applies to entries of that type. An
 * excluded directory is not descended into. The top-level item itself is never filtered.
 */
import { globToRegExp } from "./glob.js";
import type { FilterRule } from "./types.js";

export type EntryKind = "file" | "dir";

export class FilterRules {
  private readonly compiled: { include: boolean; type: EntryKind | null; re: RegExp }[];

  constructor(rules: readonly FilterRule[]) {
    this.compiled = rules.map((r) => ({ include: r.method === "include", type: r.type ?? null, re: globToRegExp(r.name) }));
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  includes(name: string, kind: EntryKind): boolean {
    for (const rule of this.compiled) {
      if (rule.type !== null && rule.type !== kind) continue;
      if (rule.re.test(name)) return rule.include;
    }
    return true;
  }
}
