/**
 * Walk the builder graph from the start state and name every state. A name used by two
 * different state objects is an error naming both call sites.
 */
import type { SourceLocation } from "../definition/diagnostics.js";
import { BaseState } from "../dsl/state.js";

export interface DuplicateName {
  name: string;
  first: SourceLocation | undefined;
  second: SourceLocation | undefined;
}

export interface StateGraph {
  /** States in a stable order: depth-first from the start, `next` before branches. */
  states: BaseState[];
  duplicates: DuplicateName[];
}

export function collectStates(start: BaseState, also: BaseState[] = []): StateGraph {
  const byName = new Map<string, BaseState>();
  const seen = new Set<BaseState>();
  const states: BaseState[] = [];
  const duplicates: DuplicateName[] = [];
  const visit = (root: BaseState) => {
    const stack = [root];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      const prior = byName.get(s.name);
      if (prior && prior !== s) {
        duplicates.push({ name: s.name, first: prior.site, second: s.site });
        continue;
      }
      byName.set(s.name, s);
      states.push(s);
      // Push in reverse so `next` is visited first.
      const out = [...(s.next_ ? [s.next_] : []), ...s.branches()];
      for (let i = out.length - 1; i >= 0; i--) stack.push(out[i]!);
    }
  };
  visit(start);
  for (const s of also) visit(s);
  return { states, duplicates };
}
